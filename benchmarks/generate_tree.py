#!/usr/bin/env python3
"""Generate a deterministic, realistic Python codebase for benchmarking flagaudit.

Why: an analyzer's speed and recall only mean something on input shaped like a
real application, and real applications cannot be vendored into the repo.
This writes a package tree of valid Python 3 (services, models, Django views,
generated data tables) in which about 15% of modules check feature flags
through every supported SDK and idiom, and records the ground truth in
OUT_DIR/EXPECTED_KEYS.json so that recall can be scored.  The same seed always
produces byte-identical output.

Usage: python benchmarks/generate_tree.py OUT_DIR --lines 415000 [--seed 1]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

FLAG_SHARE = 0.15  # share of modules that evaluate flags
DENSE_LINES_PER_SITE = 60  # --dense: every code module checks flags, about one function in four
KEY_REUSE = 0.4  # chance a check reuses a key already checked elsewhere
LITERAL_SHARE = 0.35  # random (non-coverage) checks mostly use plain literals

TOP_PACKAGES = (
    "core", "accounts", "billing", "catalog", "orders", "shipping",
    "notifications", "analytics", "search", "integrations", "reporting", "storefront",
)
SUBPACKAGES = (
    "models", "services", "api", "tasks", "utils", "repositories", "serializers", "adapters",
    "workflows", "handlers", "schemas", "validators", "events", "admin", "pipelines",
)
NESTED = ("v1", "v2", "internal", "legacy", "jobs", "backends", "providers", "helpers")
CLASS_SUFFIXES = {
    "service": "Service", "repository": "Repository", "models": "", "views": "View",
    "tasks": "Task", "utils": "Toolkit", "handlers": "Handler", "serializers": "Serializer",
    "client": "Client", "validators": "Validator", "events": "Event", "helpers": "Helper",
    "manager": "Manager", "policy": "Policy", "store": "Store",
}
ALIAS_SUFFIXES = {"service": "svc", "repository": "repo", "serializers": "ser", "validators": "val"}
DATA_SUFFIXES = ("data", "fixtures", "table", "catalogue")

NOUNS = (
    "invoice", "order", "payment", "customer", "account", "product", "shipment", "refund",
    "coupon", "cart", "report", "session", "token", "webhook", "message", "notification",
    "subscription", "plan", "price", "discount", "warehouse", "parcel", "carrier", "route",
    "quote", "receipt", "contract", "document", "upload", "record", "event", "metric", "alert",
    "ticket", "comment", "review", "rating", "tag", "segment", "campaign", "lead", "contact",
    "vendor", "supplier", "transfer", "payout", "balance", "statement", "tenant", "member",
    "role", "permission", "device", "job", "slot", "booking", "reservation", "voucher",
    "bundle", "listing", "bid", "asset", "credential", "ledger",
)
NOUN_SET = frozenset(NOUNS)
VERBS = (
    "build", "load", "sync", "compute", "validate", "render", "apply", "fetch", "resolve",
    "merge", "normalize", "export", "publish", "reconcile", "dispatch", "archive", "refresh",
    "collect", "prepare", "summarize", "enrich", "dedupe", "rank", "score", "expire",
    "allocate", "settle", "notify", "audit", "prune",
)
ATTRS_NUM = ("amount", "quantity", "priority", "score", "weight", "total", "version", "retries")
ATTRS_STR = ("status", "region", "currency", "name", "kind", "owner_id", "external_id", "channel")
ATTRS_BOOL = ("is_active", "is_deleted", "is_archived", "is_valid", "is_paid", "is_visible")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
STATES = ("pending", "active", "suspended", "closed", "failed", "queued", "settled")

KEY_ADJECTIVES = (
    "new", "async", "bulk", "fast", "smart", "unified", "guest", "express", "instant",
    "dynamic", "streamlined", "modern", "simplified", "parallel", "batched", "cached",
    "realtime", "personalized", "redesigned", "improved", "strict", "lazy", "multi",
    "single", "partial",
)
KEY_NOUNS = (
    "checkout", "invoices", "search", "pricing", "onboarding", "dashboard", "exports",
    "imports", "refunds", "shipping", "tax", "receipts", "recommendations", "notifications",
    "emails", "webhooks", "reports", "billing", "cart", "payouts", "ledger", "inventory",
    "reviews", "coupons", "profile", "login", "signup", "navigation", "sidebar", "uploads",
    "sync", "ranking", "quotes", "routing", "labels", "returns", "subscriptions", "trials",
    "bundles", "wishlist",
)
KEY_TAILS = ("v2", "v3", "ui", "api", "flow", "rollout", "page", "engine", "pipeline", "widget")
KEY_PREFIXES = ("beta", "canary", "cohort", "region", "tier", "market", "tenant", "locale")

DOCS = (
    "{Verb} {noun}s in one pass so callers do not re-check the {attr} field.",
    "Keep the {noun} {attr} rules here; the API and the workers must agree on them.",
    "{Verb} {noun}s defensively: upstream data is not validated before it reaches us.",
    "Batch the {noun} work so that one large tenant cannot exhaust the connection pool.",
    "Return plain data so this stays usable from both the web tier and the tasks.",
    "{Verb} {noun}s without touching the database; callers own the transaction.",
)
MODULE_DOCS = (
    "{Noun} {suffix} for the {pkg} package.\n\nKept separate from the views so the "
    "background workers can reuse the same rules.",
    "{Noun} {suffix}.\n\nEverything here is synchronous and side-effect free apart from "
    "logging, which keeps it easy to test.",
    "Helpers for {noun} processing in {pkg}.",
    "{Noun} {suffix}: the single place where {noun} records are shaped for storage.",
)
FLAG_DOC = "Roll the new {noun} path out gradually; the old path stays until the flag is retired."
PREDICATE_DOC = "Answer the flag question in one place so the callers stay readable."
VIEW_DOC = "Serve the {noun} listing only to users inside the rollout."

STDLIB = frozenset({"__future__", "asyncio", "dataclasses", "enum", "functools", "logging",
                    "os", "threading", "time", "typing"})
# Locals the flag snippets define; generated statements must never reuse them.
RESERVED_LOCALS = frozenset({
    "self", "options", "result", "enabled", "flag_value", "region", "user_id", "request",
    "ld_context", "ld_client", "client", "unleash_context", "flags", "identity_flags", "gb",
    "sg_user", "split_client", "cc_user", "flag_key", "gate_name", "split_name",
    "switch_name", "feature_name", "entry", "row", "plugin", "variant", "limit",
})


# --------------------------------------------------------------------------- SDK tables


@dataclass(frozen=True)
class CallForm:
    """One documented way to evaluate a flag.

    ``call`` uses ``{c}`` for the client and ``{key}`` for the key expression;
    ``test`` turns the call's value (``{v}``) into a condition.
    """

    name: str
    call: str
    test: str = "{v}"
    needs: tuple[tuple[str, str, str], ...] = ()  # (module, name, alias); name "" = import module
    pre: tuple[str, ...] = ()  # statements the call needs earlier in the function
    setup: tuple[str, ...] = ()  # module-level statements
    helper: str = ""  # module-level function the call goes through


@dataclass(frozen=True)
class Client:
    """How a module gets hold of an SDK client in one "client mode"."""

    expr: str
    needs: tuple[tuple[str, str, str], ...] = ()
    setup: tuple[str, ...] = ()
    init: tuple[str, ...] = ()  # lines for the main class __init__ ("attr" mode)
    pre: tuple[str, ...] = ()


LD = (("ldclient", "", ""), ("ldclient", "Context", ""))
LD_CTX = ('ld_context = Context.builder(user_id).kind("user").build()',)
WRAPPERS = "core.flagging.wrappers"
UNLEASH_CTX = ('unleash_context = {"userId": user_id, "properties": {"plan": options.get("plan", "free")}}',)
OF_CTX = (("openfeature.evaluation_context", "EvaluationContext", ""),)
FS_ENV = ("flags = {c}.get_environment_flags()",)
FS_IDENTITY = ('identity_flags = {c}.get_identity_flags(identifier=user_id, traits={"plan": options.get("plan", '
               '"free")})',)
GB_NEEDS = (("growthbook", "GrowthBook", ""), ("os", "", ""))
GB_SETUP = ('GROWTHBOOK_API_HOST = os.environ.get("GROWTHBOOK_API_HOST", "https://cdn.growthbook.io")\n'
            'GROWTHBOOK_CLIENT_KEY = os.environ.get("GROWTHBOOK_CLIENT_KEY", "")',)
GB_PRE = ('gb = GrowthBook(api_host=GROWTHBOOK_API_HOST, client_key=GROWTHBOOK_CLIENT_KEY, attributes={"id": user_id})',
          "gb.load_features()")
POSTHOG = (("posthog", "", ""),)
POSTHOG_HELPER = '''def _posthog_enabled(flag: str, distinct_id: str) -> bool:
    """Treat a PostHog outage as "flag off" rather than failing the request."""
    try:
        return bool(posthog.feature_enabled(flag, distinct_id))
    except Exception:  # noqa: BLE001 - a flag lookup must never break the caller
        logger.exception("posthog lookup failed for %s", flag)
        return False'''
STATSIG = (("statsig", "statsig", ""), ("statsig.statsig_user", "StatsigUser", ""))
STATSIG_PRE = ("sg_user = StatsigUser(user_id)",)
CONFIGCAT = (("configcatclient.user", "User", ""),)


def _forms(*forms: CallForm) -> dict[str, CallForm]:
    return {form.name: form for form in forms}


def _toggle_forms() -> dict[str, CallForm]:
    return _forms(*(CallForm(cls, "{key}.is_enabled()") for cls in
                    ("WaffleFlag", "WaffleSwitch", "SettingToggle", "SettingDictToggle")))


def _waffle_forms(kind: str, subject: str) -> dict[str, CallForm]:
    func = f"{kind}_is_active"
    return _forms(
        CallForm(func, f"{func}({subject}{{key}})", needs=(("waffle", func, ""),)),
        CallForm("waffle_module", f"waffle.{func}({subject}{{key}})", needs=(("waffle", "", ""),)),
    )


def _openfeature_forms() -> dict[str, CallForm]:
    defaults = {"boolean": ("False", "{v}"), "string": ('"control"', '{v} == "treatment"'),
                "integer": ("0", "{v} > 0"), "float": ("0.0", "{v} >= 0.5"),
                "object": ("{}", '{v}.get("enabled", False)')}
    forms = [CallForm("get_boolean_value_ctx",
                      "{c}.get_boolean_value({key}, False, EvaluationContext(targeting_key=user_id))",
                      needs=OF_CTX)]
    for kind, (default, test) in defaults.items():
        forms.append(CallForm(f"get_{kind}_value", f"{{c}}.get_{kind}_value({{key}}, {default})", test))
        forms.append(CallForm(f"get_{kind}_details", f"{{c}}.get_{kind}_details({{key}}, {default})",
                              test.replace("{v}", "{v}.value")))
    return _forms(*forms)


SDK_FORMS: dict[str, dict[str, CallForm]] = {
    "launchdarkly": _forms(
        CallForm("variation", "ldclient.get().variation({key}, ld_context, False)", needs=LD, pre=LD_CTX),
        CallForm("variation_client", "{c}.variation({key}, ld_context, False)", needs=LD, pre=LD_CTX),
        CallForm("variation_detail", "{c}.variation_detail({key}, ld_context, False)", "{v}.value",
                 needs=LD, pre=LD_CTX),
        CallForm("variation_string", '{c}.variation({key}, ld_context, "control")', '{v} == "treatment"',
                 needs=LD, pre=LD_CTX),
        CallForm("wrapper", "feature_on({key}, context_for(user_id))",
                 needs=((WRAPPERS, "feature_on", ""), (WRAPPERS, "context_for", ""))),
        CallForm("wrapper_module", "flagging.feature_on({key}, flagging.context_for(user_id))",
                 needs=(("core.flagging", "wrappers", "flagging"),)),
    ),
    "unleash": _forms(
        CallForm("is_enabled", "{c}.is_enabled({key}, unleash_context)", pre=UNLEASH_CTX),
        CallForm("is_enabled_bare", "{c}.is_enabled({key})"),
        CallForm("get_variant", "{c}.get_variant({key}, unleash_context)", '{v}.get("enabled", False)',
                 pre=UNLEASH_CTX),
        CallForm("get_variant_name", "{c}.get_variant({key}, unleash_context)",
                 '{v}["name"] == "treatment"', pre=UNLEASH_CTX),
        CallForm("wrapper", "toggle_enabled({key}, user_id)", needs=((WRAPPERS, "toggle_enabled", ""),)),
    ),
    "openfeature": _openfeature_forms(),
    "flagsmith": _forms(
        CallForm("is_feature_enabled", "flags.is_feature_enabled({key})", pre=FS_ENV),
        CallForm("get_feature_value", "flags.get_feature_value({key})", '{v} not in (None, "")', pre=FS_ENV),
        CallForm("identity_is_feature_enabled", "identity_flags.is_feature_enabled({key})", pre=FS_IDENTITY),
        CallForm("identity_get_feature_value", "identity_flags.get_feature_value({key})", '{v} == "v2"',
                 pre=FS_IDENTITY),
    ),
    "growthbook": _forms(
        CallForm("is_on", "gb.is_on({key})", needs=GB_NEEDS, pre=GB_PRE, setup=GB_SETUP),
        CallForm("is_off", "gb.is_off({key})", "not {v}", needs=GB_NEEDS, pre=GB_PRE, setup=GB_SETUP),
        CallForm("get_feature_value", 'gb.get_feature_value({key}, "control")', '{v} != "control"',
                 needs=GB_NEEDS, pre=GB_PRE, setup=GB_SETUP),
        CallForm("eval_feature", "gb.eval_feature({key})", "{v}.on", needs=GB_NEEDS, pre=GB_PRE, setup=GB_SETUP),
    ),
    "posthog": _forms(
        CallForm("feature_enabled", "posthog.feature_enabled({key}, user_id)", needs=POSTHOG),
        CallForm("get_feature_flag", "posthog.get_feature_flag({key}, user_id)", '{v} == "test"', needs=POSTHOG),
        CallForm("get_feature_flag_payload", "posthog.get_feature_flag_payload({key}, user_id)",
                 "{v} is not None", needs=POSTHOG),
        CallForm("local_wrapper", "_posthog_enabled({key}, user_id)", needs=POSTHOG, helper=POSTHOG_HELPER),
    ),
    "statsig": _forms(
        CallForm("check_gate", "statsig.check_gate(sg_user, {key})", needs=STATSIG, pre=STATSIG_PRE),
        CallForm("get_experiment", "statsig.get_experiment(sg_user, {key})",
                 '{v}.get("variant", "control") == "treatment"', needs=STATSIG, pre=STATSIG_PRE),
        CallForm("get_config", "statsig.get_config(sg_user, {key})", '{v}.get("enabled", False)',
                 needs=STATSIG, pre=STATSIG_PRE),
        CallForm("wrapper", "gate_open(user_id, {key})", needs=((WRAPPERS, "gate_open", ""),)),
    ),
    "split": _forms(
        CallForm("get_treatment", "split_client.get_treatment(user_id, {key})", '{v} == "on"',
                 pre=("split_client = {c}.client()",)),
        CallForm("get_treatment_attributes",
                 'split_client.get_treatment(user_id, {key}, {"plan": options.get("plan", "free")})',
                 '{v} != "off"', pre=("split_client = {c}.client()",)),
    ),
    "configcat": _forms(
        CallForm("get_value", "{c}.get_value({key}, False, cc_user)", needs=CONFIGCAT,
                 pre=("cc_user = User(user_id)",)),
        CallForm("get_value_string", '{c}.get_value({key}, "control", cc_user)', '{v} == "treatment"',
                 needs=CONFIGCAT, pre=("cc_user = User(user_id)",)),
    ),
    "waffle-flag": _waffle_forms("flag", "request, "),
    "waffle-switch": _waffle_forms("switch", ""),
    "waffle-sample": _waffle_forms("sample", ""),
    "settings": _forms(
        CallForm("subscript", "settings.FEATURES[{key}]", needs=(("django.conf", "settings", ""),)),
        CallForm("get", "settings.FEATURES.get({key}, False)", needs=(("django.conf", "settings", ""),)),
    ),
    "edx": _toggle_forms(),
}

UNLEASH_SETUP = ("unleash_client = UnleashClient(\n"
                 '    url=os.environ.get("UNLEASH_URL", "http://unleash:4242/api"),\n'
                 '    app_name="{pkg}",\n'
                 '    custom_headers={"Authorization": os.environ.get("UNLEASH_API_TOKEN", "")},\n'
                 ")")
SHARED = "core.flagging.clients"
CLIENTS: dict[str, dict[str, Client]] = {
    "launchdarkly": {
        "local": Client("ld_client", (("ldclient", "", ""),), pre=("ld_client = ldclient.get()",)),
        "attr": Client("self._ld_client", (("ldclient", "", ""),), init=("self._ld_client = ldclient.get()",)),
    },
    "unleash": {
        "module": Client("unleash_client", (("UnleashClient", "UnleashClient", ""), ("os", "", "")),
                         setup=(UNLEASH_SETUP,)),
        "shared": Client("unleash_client", ((SHARED, "unleash_client", ""),)),
    },
    "openfeature": {
        "module": Client("feature_client", (("openfeature", "api", ""),),
                         setup=('feature_client = api.get_client("{pkg}")',)),
        "local": Client("client", (("openfeature", "api", ""),), pre=("client = api.get_client()",)),
        "attr": Client("self._features", (("openfeature", "api", ""),), init=("self._features = api.get_client()",)),
        "shared": Client("feature_client", ((SHARED, "feature_client", ""),)),
    },
    "flagsmith": {
        "module": Client("flagsmith", (("flagsmith", "Flagsmith", ""), ("os", "", "")),
                         setup=('flagsmith = Flagsmith(environment_key=os.environ.get('
                                '"FLAGSMITH_ENVIRONMENT_KEY", ""))',)),
        "shared": Client("flagsmith_client", ((SHARED, "flagsmith_client", ""),)),
    },
    "split": {
        "module": Client("split_factory", (("splitio", "get_factory", ""), ("os", "", "")),
                         setup=('split_factory = get_factory(os.environ.get("SPLIT_SDK_KEY", ""), '
                                'config={"impressionsMode": "optimized"})',)),
        "shared": Client("split_factory", ((SHARED, "split_factory", ""),)),
    },
    "configcat": {
        "module": Client("configcat_client", (("configcatclient", "", ""), ("os", "", "")),
                         setup=('configcat_client = configcatclient.get(os.environ.get("CONFIGCAT_SDK_KEY", ""))',)),
        "shared": Client("configcat_client", ((SHARED, "configcat_client", ""),)),
    },
}

KEY_STYLES = {
    "launchdarkly": "kebab", "unleash": "dotted", "openfeature": "kebab", "flagsmith": "snake",
    "growthbook": "kebab", "posthog": "kebab", "statsig": "snake", "split": "snake",
    "configcat": "camel", "waffle-flag": "snake", "waffle-switch": "snake",
    "waffle-sample": "snake", "settings": "upper",
}
SDK_IDS = tuple(KEY_STYLES)
TOGGLE_SDK = {"WaffleFlag": "waffle-flag", "WaffleSwitch": "waffle-switch",
              "SettingToggle": "settings", "SettingDictToggle": "settings"}
LOCAL_KEY_VARS = {"statsig": "gate_name", "split": "split_name", "waffle-switch": "switch_name",
                  "settings": "feature_name"}
GUARDS = ("if_else", "elif", "ternary", "early_return", "and", "or", "assign", "return")
DECORATED_SDKS = ("launchdarkly", "waffle-flag", "waffle-switch")
KEY_FORMS = ("literal", "local", "flags_import", "flags_relative", "flags_module", "constants_alias",
             "constants_module", "class_attr", "enum", "enum_value", "fstring")
SDK_KEY_FORMS = {"settings": ("literal", "local"),
                 "edx": ("toggle_import", "toggle_relative", "toggle_module")}
NO_DECORATOR_KEY_FORMS = ("local", "fstring")  # both need statements inside the function


# --------------------------------------------------------------------------- small helpers


def indent(lines: list[str], levels: int = 1) -> list[str]:
    """Indent non-blank lines; blank lines stay empty so the output has no trailing spaces."""
    pad = "    " * levels
    return [pad + line if line else "" for line in lines]


def signature(prefix: str, params: list[str], returns: str) -> list[str]:
    """Render a def line, wrapped one parameter per line (black style) when it is too long."""
    line = f"{prefix}({', '.join(params)}) -> {returns}:"
    if len(line) <= 88:
        return [line]
    return [f"{prefix}(", *(f"    {param}," for param in params), f") -> {returns}:"]


def camel(word: str) -> str:
    return "".join(part.title() for part in word.split("_"))


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def render_key(style: str, words: tuple[str, ...], pkg: str) -> str:
    """Spell a key the way teams using that SDK usually do."""
    if style == "kebab":
        return "-".join(words)
    if style == "snake":
        return "_".join(words)
    if style == "camel":
        return words[0] + "".join(word.title() for word in words[1:])
    if style == "upper":
        return "_".join(words).upper()
    if style == "dotted":
        return f"{pkg}.{'-'.join(words)}"
    return f"{pkg}.{'_'.join(words)}"  # dotted_snake, the edx-toggles convention


PREFIX_SEPARATORS = {"kebab": "-", "snake": "_", "camel": "", "upper": "_", "dotted": "-"}


def relative_module(importer: Module, parts: tuple[str, ...], name: str) -> str:
    """Relative import path from ``importer`` to module ``parts``/``name`` (same top package)."""
    common = 0
    while common < min(len(importer.parts), len(parts)) and importer.parts[common] == parts[common]:
        common += 1
    dots = "." * (len(importer.parts) - common + 1)
    return dots + ".".join((*parts[common:], name))


def negate(test: str, call: str) -> str:
    """Negate a test template without producing ``not not`` or ambiguous precedence."""
    if test.startswith("not "):
        return test[4:].replace("{v}", call)
    expr = test.replace("{v}", call)
    return f"not ({expr})" if " " in test else f"not {expr}"


# --------------------------------------------------------------------------- imports


def _import_group(module: str) -> int:
    if module == "__future__":
        return 0
    if module.startswith("."):
        return 4
    root = module.split(".", 1)[0]
    if root in STDLIB:
        return 1
    return 3 if root in TOP_PACKAGES else 2


def _from_statement(module: str, names: list[str]) -> list[str]:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= 88:
        return [line]
    return [f"from {module} import (", *(f"    {name}," for name in names), ")"]


class Imports:
    """Collects a module's imports while its body is written, then renders them isort-style."""

    def __init__(self) -> None:
        self._modules: dict[str, None] = {}
        self._names: dict[str, dict[str, None]] = {}

    def module(self, module: str, alias: str = "") -> str:
        self._modules[f"{module} as {alias}" if alias else module] = None
        return alias or module

    def name(self, module: str, name: str, alias: str = "") -> str:
        self._names.setdefault(module, {})[f"{name} as {alias}" if alias else name] = None
        return alias or name

    def need(self, specs: tuple[tuple[str, str, str], ...]) -> None:
        for module, name, alias in specs:
            if name:
                self.name(module, name, alias)
            else:
                self.module(module, alias)

    def render(self) -> list[str]:
        statements = [(_import_group(spec.split()[0]), 0, spec.lower(), [f"import {spec}"])
                      for spec in self._modules]
        statements += [(_import_group(module), 1, module.lower(),
                        _from_statement(module, sorted(names, key=lambda n: (n.lower(), n))))
                       for module, names in self._names.items()]
        statements.sort(key=lambda item: item[:3])
        lines: list[str] = []
        previous = None
        for group, _, _, text in statements:
            if previous is not None and group != previous:
                lines.append("")
            lines.extend(text)
            previous = group
        return lines


# --------------------------------------------------------------------------- planning model


@dataclass(frozen=True)
class Site:
    """One planned flag check: which SDK call, how the key is spelled, how it guards code."""

    sdk: str
    form: str
    key_form: str
    guard: str


@dataclass
class Module:
    """A planned module: where it lives, what kind it is, its target size and its exports."""

    parts: tuple[str, ...]
    name: str
    kind: str  # "code", "data" or "flag"
    size: int
    classes: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    data_names: list[str] = field(default_factory=list)
    sources: list[Module] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)

    @property
    def dotted(self) -> str:
        return ".".join((*self.parts, self.name))

    @property
    def path(self) -> Path:
        return Path(*self.parts, f"{self.name}.py")


@dataclass
class PackageFlags:
    """Flag definitions a top-level package needs in its flags/constants/toggles modules."""

    constants: dict[str, str] = field(default_factory=dict)
    key_class: dict[str, str] = field(default_factory=dict)
    enum: dict[str, str] = field(default_factory=dict)
    module_constants: dict[str, str] = field(default_factory=dict)
    toggles: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class KeyRef:
    """A key as written at a call site, plus statements that must precede it."""

    expr: str
    pre: tuple[str, ...] = ()
    words: tuple[str, ...] = ()


class KeyBook:
    """Hands out unique keys per SDK and records the ground truth of every checked key."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._used: set[tuple[str, ...]] = set()
        self._pools: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self.expected: dict[tuple[str, str], None] = {}
        self.sites = 0

    def words(self, prefix: bool = False) -> tuple[str, ...]:
        """Fresh word tuple; globally unique so constant names never clash across SDKs."""
        rng = self.rng
        for _ in range(50):
            if prefix:
                words: tuple[str, ...] = (rng.choice(KEY_PREFIXES), rng.choice(KEY_NOUNS))
            else:
                words = rng.choice((
                    (rng.choice(KEY_ADJECTIVES), rng.choice(KEY_NOUNS)),
                    ("enable", rng.choice(KEY_ADJECTIVES), rng.choice(KEY_NOUNS)),
                    (rng.choice(KEY_ADJECTIVES), rng.choice(KEY_NOUNS), rng.choice(KEY_TAILS)),
                ))
            if words not in self._used:
                break
        else:
            words = (rng.choice(KEY_ADJECTIVES), rng.choice(KEY_NOUNS), f"r{len(self._used)}")
        self._used.add(words)
        return words

    def pick(self, pool: str, style: str, pkg: str, prefix: bool = False) -> tuple[str, tuple[str, ...]]:
        """Reuse a key from ``pool`` sometimes (real flags are checked in several places)."""
        entries = self._pools.setdefault(pool, [])
        if entries and self.rng.random() < KEY_REUSE:
            return self.rng.choice(entries)
        words = self.words(prefix)
        key = render_key(style, words, pkg) + (PREFIX_SEPARATORS[style] if prefix else "")
        entries.append((key, words))
        return key, words

    def expect(self, sdk: str, key: str) -> None:
        self.sites += 1
        self.expected[(sdk, key)] = None


def guards_for(sdk: str) -> tuple[str, ...]:
    return GUARDS + (("decorator",) if sdk in DECORATED_SDKS else ())


def key_forms_for(sdk: str) -> tuple[str, ...]:
    return SDK_KEY_FORMS.get(sdk, KEY_FORMS)


def fix_site(site: Site) -> Site:
    """Decorator keys are evaluated at import time, so they cannot use function locals."""
    if site.guard == "decorator" and site.key_form in NO_DECORATOR_KEY_FORMS:
        return replace(site, key_form="literal")
    return site


def coverage_sites(rng: random.Random) -> list[Site]:
    """Sites that together exercise every call form, key form and guard of every SDK."""
    sites = []
    for sdk, forms in SDK_FORMS.items():
        names, keys, guards = tuple(forms), key_forms_for(sdk), guards_for(sdk)
        for i in range(max(len(names), len(keys), len(guards))):
            site = Site(sdk, names[i % len(names)], keys[i % len(keys)], guards[i % len(guards)])
            if fix_site(site) != site:
                sites.append(replace(site, guard="if_else"))  # keep the key form covered too
            sites.append(fix_site(site))
    rng.shuffle(sites)
    return sites


def random_site(rng: random.Random, sdks: tuple[str, ...]) -> Site:
    sdk = rng.choice(sdks)
    keys = key_forms_for(sdk)
    key_form = "literal" if "literal" in keys and rng.random() < LITERAL_SHARE else rng.choice(keys)
    return fix_site(Site(sdk, rng.choice(tuple(SDK_FORMS[sdk])), key_form, rng.choice(guards_for(sdk))))


# --------------------------------------------------------------------------- plain code


class Scope:
    """Locals visible in one generated function, so statements only use defined names."""

    def __init__(self, noun: str, method: bool) -> None:
        self.noun = noun
        self.items = f"{noun}s"
        self.item = noun
        self.method = method
        self.lists = [self.items]
        self._taken = set(RESERVED_LOCALS) | {self.items, self.item}

    def fresh(self, base: str) -> str:
        name, n = base, 2
        while name in self._taken:
            name, n = f"{base}_{n}", n + 1
        self._taken.add(name)
        return name


class CodeWriter:
    """Writes one ordinary application module, growing it until it reaches a line target."""

    def __init__(self, rng: random.Random, module: Module, lookalikes: bool = True) -> None:
        self.rng = rng
        self.module = module
        self.pkg = module.parts[0]
        self.lookalikes = lookalikes
        self.imports = Imports()
        self.imports.name("__future__", "annotations")
        self.imports.module("logging")
        self.setup: dict[str, None] = {}
        self.helpers: dict[str, None] = {}
        self.init_lines: dict[str, None] = {}
        self.callables: list[str] = []
        self.types: list[str] = []
        self.data_names: list[str] = []
        self._names: set[str] = set()
        self._bound: set[str] = {"annotations", "logging", "logger"}
        self._import_sources()
        self._names.update(self._bound)  # never define a function that shadows an import

    # -- imports between project modules

    def _bind(self, module: str, name: str, sink: list[str]) -> None:
        if name not in self._bound and name not in self.module.functions:
            self._bound.add(name)
            sink.append(self.imports.name(module, name))

    def _import_sources(self) -> None:
        """Import from earlier modules in the absolute, relative and aliased styles real code mixes."""
        for src in self.module.sources:
            if src.kind == "data":
                self._bind(src.dotted, src.data_names[0], self.data_names)
                continue
            roll = self.rng.random()
            if roll < 0.6:
                same_top = src.parts[0] == self.pkg
                spec = relative_module(self.module, src.parts, src.name) if same_top and roll < 0.3 else src.dotted
                self._bind(spec, src.classes[0], self.types)
                for func in src.functions[:2]:
                    self._bind(spec, func, self.callables)
            else:
                self._import_alias(src, roll < 0.85)

    def _import_alias(self, src: Module, from_package: bool) -> None:
        noun, _, suffix = src.name.partition("_")
        alias = f"{noun}_{ALIAS_SUFFIXES.get(suffix, suffix)}"
        if alias in self._bound:
            return
        self._bound.add(alias)
        if from_package:
            self.imports.name(".".join(src.parts), src.name, "" if alias == src.name else alias)
        else:
            self.imports.module(src.dotted, alias)
        self.types.append(f"{alias}.{src.classes[0]}")
        self.callables.extend(f"{alias}.{func}" for func in src.functions[:2])

    def _typing(self, *names: str) -> None:
        for name in names:
            self.imports.name("typing", name)

    def _fresh(self, base: str) -> str:
        name, n = base, 2
        while name in self._names:
            name, n = f"{base}_{n}", n + 1
        self._names.add(name)
        return name

    def _callable(self) -> str:
        return self.rng.choice(self.callables) if self.callables else "list"

    # -- statements

    def _block(self, s: Scope) -> list[str]:
        blocks = [self._b_filter, self._b_try, self._b_index, self._b_log, self._b_sorted,
                  self._b_sum, self._b_group, self._b_retry, self._b_batches, self._b_walrus,
                  self._b_set, self._b_any, self._b_timed, self._b_summary, self._b_keyfunc]
        if s.method:
            blocks.append(self._b_cache)
        if self.data_names:
            blocks.append(self._b_data)
        if self.rng.random() < 0.03:
            return self._b_match(s)
        if self.lookalikes and self.rng.random() < 0.08:
            return self._b_lookalike(s)
        return self.rng.choice(blocks)(s)

    def _b_filter(self, s: Scope) -> list[str]:
        out = s.fresh(f"active_{s.noun}s")
        source = self.rng.choice(s.lists)
        s.lists.append(out)
        return [f"{out} = []", f"for {s.item} in {source}:",
                f"    if not {s.item}.{self.rng.choice(ATTRS_BOOL)}:", "        continue",
                f"    {out}.append({s.item})"]

    def _b_try(self, s: Scope) -> list[str]:
        out = s.fresh("loaded")
        source = self.rng.choice(s.lists)
        s.lists.append(out)
        return ["try:", f"    {out} = {self._callable()}({source})",
                "except (KeyError, ValueError) as exc:",
                f'    logger.warning("could not {self.rng.choice(VERBS)} {s.noun}s: %s", exc)',
                f"    {out} = []"]

    def _b_index(self, s: Scope) -> list[str]:
        out = s.fresh(f"{s.noun}s_by_id")
        attr = self.rng.choice(ATTRS_STR)
        return [f"{out} = {{{s.item}.id: {s.item} for {s.item} in {self.rng.choice(s.lists)} "
                f"if {s.item}.{attr} is not None}}"]

    def _b_log(self, s: Scope) -> list[str]:
        verb = self.rng.choice(VERBS)
        return [f'logger.info(f"{verb} step: {{len({self.rng.choice(s.lists)})}} {s.noun}s")']

    def _b_sorted(self, s: Scope) -> list[str]:
        out = s.fresh("ranked")
        source = self.rng.choice(s.lists)
        s.lists.append(out)
        reverse = self.rng.choice(("True", "False"))
        return [f"{out} = sorted({source}, key=lambda entry: entry.{self.rng.choice(ATTRS_NUM)}, "
                f"reverse={reverse})"]

    def _b_sum(self, s: Scope) -> list[str]:
        attr = self.rng.choice(ATTRS_NUM)
        out = s.fresh(f"{attr}_sum")
        return [f"{out} = sum({s.item}.{attr} for {s.item} in {self.rng.choice(s.lists)})",
                f'logger.debug("{s.noun} {attr} total: %s", {out})']

    def _b_group(self, s: Scope) -> list[str]:
        attr = self.rng.choice(ATTRS_STR)
        out = s.fresh(f"{s.noun}s_by_{attr}")
        self._typing("Any")
        return [f"{out}: dict[str, list[Any]] = {{}}", f"for {s.item} in {self.rng.choice(s.lists)}:",
                f"    {out}.setdefault(str({s.item}.{attr}), []).append({s.item})"]

    def _b_retry(self, s: Scope) -> list[str]:
        self.imports.module("time")
        self._typing("Any")
        attempt, out = s.fresh("attempt"), s.fresh("fetched")
        source = self.rng.choice(s.lists)
        s.lists.append(out)
        return [f"{attempt} = 0", f"{out}: list[Any] = []", f"while {attempt} < MAX_RETRIES:",
                f"    {attempt} += 1", "    try:", f"        {out} = {self._callable()}({source})",
                "        break", "    except TimeoutError:",
                f"        time.sleep(BACKOFF_SECONDS * {attempt})"]

    def _b_batches(self, s: Scope) -> list[str]:
        start, batch = s.fresh("start"), s.fresh("batch")
        source = self.rng.choice(s.lists)
        return [f"for {start} in range(0, len({source}), BATCH_SIZE):",
                f"    {batch} = {source}[{start}:{start} + BATCH_SIZE]",
                f'    logger.debug("{s.noun} batch %d has %d rows", {start} // BATCH_SIZE, len({batch}))']

    def _b_walrus(self, s: Scope) -> list[str]:
        count = s.fresh("count")
        return [f"if ({count} := len({self.rng.choice(s.lists)})) > BATCH_SIZE:",
                f'    logger.warning("large {s.noun} batch: %d", {count})']

    def _b_set(self, s: Scope) -> list[str]:
        attr = self.rng.choice(ATTRS_STR)
        out = s.fresh(f"distinct_{attr}s")
        return [f"{out} = {{str({s.item}.{attr}) for {s.item} in {self.rng.choice(s.lists)}}}",
                f"if len({out}) > 1:", f'    logger.info("mixed {attr} values: %s", sorted({out}))']

    def _b_any(self, s: Scope) -> list[str]:
        attr = self.rng.choice(ATTRS_BOOL)
        out = s.fresh(f"any_{attr[3:]}")
        return [f"{out} = any({s.item}.{attr} for {s.item} in {self.rng.choice(s.lists)})",
                f"if not {out}:", f'    logger.debug("no {s.noun} is {attr[3:]}")']

    def _b_timed(self, s: Scope) -> list[str]:
        self.imports.module("time")
        started, out, elapsed = s.fresh("started"), s.fresh("results"), s.fresh("elapsed")
        source = self.rng.choice(s.lists)
        s.lists.append(out)
        return [f"{started} = time.monotonic()", "try:",
                f"    {out} = [{self._callable()}([{s.item}]) for {s.item} in {source}]", "finally:",
                f"    {elapsed} = time.monotonic() - {started}",
                f'    logger.debug(f"{self.rng.choice(VERBS)} took {{{elapsed}:.3f}}s")']

    def _b_summary(self, s: Scope) -> list[str]:
        out = s.fresh("summary")
        source = self.rng.choice(s.lists)
        return [f"{out} = {{", f'    "{s.noun}_count": len({source}),', '    "module": __name__,',
                f'    "{self.rng.choice(ATTRS_STR)}": sorted({{str(entry) for entry in {source}}}),', "}",
                f'logger.debug("%(module)s handled %({s.noun}_count)d rows", {out})']

    def _b_keyfunc(self, s: Scope) -> list[str]:
        func, out = s.fresh(f"_{s.noun}_key"), s.fresh("ordered")
        a, b = self.rng.sample(ATTRS_NUM, 2)
        source = self.rng.choice(s.lists)
        s.lists.append(out)
        self._typing("Any")
        return [f"def {func}(entry: Any) -> tuple[Any, ...]:", f"    return (entry.{a}, entry.{b})", "",
                f"{out} = sorted({source}, key={func})"]

    def _b_cache(self, s: Scope) -> list[str]:
        key = s.fresh("cache_key")
        source = self.rng.choice(s.lists)
        return [f'{key} = f"{s.noun}:{{len({source})}}"', "with self._lock:",
                f"    self._cache[{key}] = {source}"]

    def _b_data(self, s: Scope) -> list[str]:
        out, codes = s.fresh("reference"), s.fresh(f"{s.item}_codes")
        return [f'{out} = {{row["code"]: row for row in {self.rng.choice(self.data_names)} if row["active"]}}',
                f'{codes} = [code for code in {out} if code.startswith("{s.noun[:3].upper()}")]',
                f'logger.debug("%d reference codes apply", len({codes}))']

    def _b_match(self, s: Scope) -> list[str]:
        first = s.fresh("first")
        source = self.rng.choice(s.lists)
        return [f"match {source}:", "    case []:", f'        logger.debug("no {s.noun}s")',
                f"    case [{first}]:", f'        logger.debug("single {s.noun}: %r", {first})',
                "    case _:", f'        logger.debug("%d {s.noun}s", len({source}))']

    def _b_lookalike(self, s: Scope) -> list[str]:
        """Calls that look like flag checks but are not (project objects, logging)."""
        source = self.rng.choice(s.lists)
        rng = self.rng
        choice = rng.randrange(6)
        if choice == 0:
            return ["if logger.isEnabledFor(logging.DEBUG):",
                    f'    logger.debug("{s.noun}s: %s", [repr(entry) for entry in {source}[:5]])']
        if choice == 1:
            name = self.imports.name("core.config", "app_config")
            out = s.fresh(f"strict_{s.noun}s")
            s.lists.append(out)
            return [f'if {name}.get_value("{s.noun}_strict_mode", False):',
                    f"    {out} = [entry for entry in {source} if entry.{rng.choice(ATTRS_BOOL)}]",
                    "else:", f"    {out} = list({source})"]
        if choice == 2:
            name = self.imports.name("core.plugins", "plugin_registry")
            return [f'if {name}.is_enabled("{s.noun}-audit"):',
                    f"    for plugin in {name}.plugins():", "        if plugin.is_enabled():",
                    f"            plugin.handle({source})"]
        if choice == 3:
            name = self.imports.name("core.schedule", "business_hours")
            return [f'if {name}.is_on("{rng.choice(DAYS)}"):',
                    f'    logger.info("inside business hours; {s.noun}s go out now")']
        name = self.imports.name("core.catalog_index", "catalog_index")
        out = s.fresh("sku_variant" if choice == 4 else "sku_weight")
        sku = f"{s.noun[:3].upper()}-{rng.randint(1000, 9999)}"
        call = f'get_variant("{sku}", "XL")' if choice == 4 else f'get_feature_value("{sku}", "weight", 0)'
        return [f"{out} = {name}.{call}", f"if {out}:", f'    logger.debug("{sku}: %s", {out})']

    def _returns(self, kind: str, s: Scope) -> list[str]:
        last = s.lists[-1]
        if kind == "list":
            return [f"return {last}" if last != s.items else f"return list({last})"]
        if kind == "dict":
            return [f'return {{"{s.noun}_count": len({last}), "{s.noun}s": {last}}}']
        if kind == "int":
            return [f"return len({last})"]
        if kind == "bool":
            return [f"return bool({last})"]
        return [f'logger.debug("finished {s.noun} pass over %d rows", len({last}))']

    # -- definitions

    def _docstring(self, noun: str) -> str:
        verb = self.rng.choice(VERBS)
        return self.rng.choice(DOCS).format(Verb=verb.title(), noun=noun, attr=self.rng.choice(ATTRS_STR))

    def function(self, name: str, *, method: bool = False, lead: tuple[str, ...] = (),
                 decorators: tuple[str, ...] = ()) -> list[str]:
        """A def with a docstring, 2-5 statements and a typed signature."""
        rng = self.rng
        last = name.rsplit("_", 1)[-1]
        s = Scope(last[:-1] if last[:-1] in NOUN_SET else rng.choice(NOUNS), method)  # sync_orders(orders)
        self._typing("Any")
        kind = rng.choice(("list", "dict", "int", "bool", "none"))
        returns = {"list": "list[Any]", "dict": "dict[str, Any]", "int": "int", "bool": "bool", "none": "None"}[kind]
        item_type = rng.choice(self.types) if self.types and rng.random() < 0.6 else "Any"
        params = [*(("self",) if method else ()), *lead, f"{s.items}: list[{item_type}]"]
        body = [f'"""{self._docstring(s.noun)}"""']
        if rng.random() < 0.3:
            params.append("limit: int = BATCH_SIZE")
            body.append(f"{s.items} = list({s.items})[:limit]")
        is_async = not method and not decorators and rng.random() < 0.08
        if is_async:
            self.imports.module("asyncio")
            body.append("await asyncio.sleep(0)")
        for _ in range(rng.randint(2, 5)):
            body += self._block(s)
        body += self._returns(kind, s)
        prefix = f"{'async ' if is_async else ''}def {name}"
        return [*decorators, *signature(prefix, params, returns), *indent(body)]

    def _plain_function(self, name: str) -> list[str]:
        decorators: tuple[str, ...] = ()
        roll = self.rng.random()
        if roll < 0.1:
            decorators = (f"@{self.imports.name('core.decorators', 'timed')}",)
        elif roll < 0.18:
            decorators = (f"@{self.imports.name('core.decorators', 'retry')}(times={self.rng.randint(2, 5)})",)
        return self.function(name, decorators=decorators)

    def _method(self) -> list[str]:
        private = "_" if self.rng.random() < 0.4 else ""
        name = self._fresh(f"{private}{self.rng.choice(VERBS)}_{self.rng.choice(NOUNS)}s")
        if self.rng.random() < 0.1:
            return self.function(name, decorators=("@staticmethod",))
        return self.function(name, method=True)

    def _dataclass(self, name: str) -> list[str]:
        self.imports.name("dataclasses", "dataclass")
        self.imports.name("dataclasses", "field")
        self._typing("Any")
        noun = snake(name).split("_")[0]
        num, text = self.rng.choice(ATTRS_NUM), self.rng.choice(ATTRS_STR)
        frozen = "(frozen=True)" if self.rng.random() < 0.5 else ""
        return [f"@dataclass{frozen}", f"class {name}:",
                f'    """Value object passed between layers so {noun} rows never leak ORM state."""', "",
                f"    {noun}_id: str", f"    {num}: int = 0", f'    {text}: str = ""',
                "    tags: list[str] = field(default_factory=list)", "",
                "    def to_dict(self) -> dict[str, Any]:",
                '        """Serialise for the JSON API; asdict() would deep-copy the tags."""',
                f'        return {{"{noun}_id": self.{noun}_id, "{num}": self.{num}, "{text}": self.{text}, '
                f'"tags": list(self.tags)}}']

    def _enum(self) -> list[str]:
        self.imports.name("enum", "Enum")
        noun = self.rng.choice(NOUNS)
        states = self.rng.sample(STATES, self.rng.randint(3, 5))
        return [f"class {camel(noun)}Status(str, Enum):",
                '    """Lifecycle states, stored as plain strings so the database needs no enum type."""', "",
                *(f'    {state.upper()} = "{state}"' for state in states)]

    def _main_class(self, name: str, methods: list[list[str]]) -> list[str]:
        self.imports.module("threading")
        self._typing("Any", "Optional")
        params, assigns, seen = ["self"], [], set()
        for dep in self.types[:2]:
            pname = snake(dep.split(".")[-1])
            if pname not in seen:
                seen.add(pname)
                params.append(f"{pname}: Optional[{dep}] = None")
                assigns.append(f"self._{pname} = {pname}")
        init = signature("def __init__", params, "None") + indent(
            [*assigns, "self._cache: dict[str, Any] = {}", "self._lock = threading.Lock()", *self.init_lines])
        body = [f'"""Owns {snake(name).replace("_", " ")} work; one instance per request or job."""', "",
                "default_batch_size: int = BATCH_SIZE", "", *init, "",
                "@property", "def cache_size(self) -> int:",
                '    """Expose the cache size for metrics without leaking the cache itself."""',
                "    return len(self._cache)", "", "@classmethod",
                f"def from_options(cls, options: dict[str, Any]) -> {name}:",
                '    """Build from the plain mapping our config loader produces."""',
                "    instance = cls()", "    instance._cache.update(options)", "    return instance"]
        for method in methods:
            body += ["", *method]
        return [f"class {name}:", *indent(body)]

    def _header(self) -> list[str]:
        noun, _, suffix = self.module.name.partition("_")
        doc = self.rng.choice(MODULE_DOCS).format(Noun=noun.title(), noun=noun, suffix=suffix, pkg=self.pkg)
        return [f'"""{doc}"""' if "\n" not in doc else f'"""{doc}\n"""']

    def _constants(self) -> list[str]:
        rng = self.rng
        noun = rng.choice(NOUNS).upper()
        return ["logger = logging.getLogger(__name__)", "", f"MAX_RETRIES = {rng.randint(2, 6)}",
                f"BACKOFF_SECONDS = {rng.choice((0.1, 0.25, 0.5, 1.0))}",
                f"BATCH_SIZE = {rng.choice((50, 100, 200, 500))}",
                f'DEFAULT_{noun}_STATUS = "{rng.choice(STATES)}"',
                f"{noun}_CACHE_TTL = {rng.choice((60, 300, 900, 3600))}"]

    # -- assembly

    def _extra_chunks(self) -> list[tuple[list[str], bool]]:
        """Hook for subclasses: (lines, is_method) chunks to mix into the module."""
        return []

    def build(self, size: int) -> str:
        """Render the module, adding helpers and methods until it reaches about ``size`` lines."""
        rng, mod = self.rng, self.module
        self._names.update(mod.functions)
        lead = [self._enum()] if rng.random() < 0.3 else []
        lead.append(self._dataclass(mod.classes[1]))
        tail: list[list[str]] = []
        methods: list[list[str]] = []
        for name in mod.functions:
            tail.append(self._plain_function(name))
            self.callables.append(name)
        for chunk, is_method in self._extra_chunks():
            target = methods if is_method else tail
            target.insert(rng.randint(0, len(target)), chunk)
        while self._estimate(lead, tail, methods) < size:
            if rng.random() < 0.45:
                methods.append(self._method())
            else:
                name = self._fresh(f"{'_' if rng.random() < 0.6 else ''}{rng.choice(VERBS)}_{rng.choice(NOUNS)}s")
                tail.append(self._plain_function(name))
                self.callables.append(name)
        chunks = [*lead, self._main_class(mod.classes[0], methods), *tail]
        return self._assemble(chunks)

    def _estimate(self, lead: list[list[str]], tail: list[list[str]], methods: list[list[str]]) -> int:
        header = len(self.imports.render()) + 14 + sum(text.count("\n") + 2 for text in self.setup)
        chunks = [*lead, *tail, *(text.splitlines() for text in self.helpers)]
        return header + sum(len(c) + 2 for c in chunks) + sum(len(m) + 1 for m in methods) + 22

    def _assemble(self, chunks: list[list[str]]) -> str:
        lines = [*self._header(), "", *self.imports.render(), "", *self._constants()]
        for text in self.setup:
            lines += ["", *text.splitlines()]
        for chunk in [*(text.splitlines() for text in self.helpers), *chunks]:
            lines += ["", "", *chunk]
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- flag checks


class FlagWriter(CodeWriter):
    """A code module that also evaluates feature flags at its planned sites."""

    def __init__(self, rng: random.Random, module: Module, book: KeyBook,
                 registry: dict[str, PackageFlags]) -> None:
        super().__init__(rng, module, lookalikes=False)
        self.book = book
        self.flags = registry.setdefault(self.pkg, PackageFlags())
        self._modes: dict[str, str] = {}

    def _extra_chunks(self) -> list[tuple[list[str], bool]]:
        return [self._site(site) for site in self.module.sites]

    # -- keys

    def _key(self, site: Site) -> KeyRef:
        if site.sdk == "edx":
            return self._toggle(site)
        style = KEY_STYLES[site.sdk]
        if site.key_form == "fstring":
            prefix, words = self.book.pick(f"{site.sdk}*", style, self.pkg, prefix=True)
            self.book.expect(site.sdk, prefix + "*")
            region = 'str(options.get("region", "eu"))' + (".title()" if style == "camel" else ".lower()")
            return KeyRef(f'f"{prefix}{{region}}"', (f"region = {region}",), words)
        key, words = self.book.pick(site.sdk, style, self.pkg)
        self.book.expect(site.sdk, f"FEATURES['{key}']" if site.sdk == "settings" else key)
        return KeyRef(self._reference(site, key, words), self._local_pre(site, key), words)

    def _local_pre(self, site: Site, key: str) -> tuple[str, ...]:
        if site.key_form != "local":
            return ()
        return (f"{LOCAL_KEY_VARS.get(site.sdk, 'flag_key')} = {json.dumps(key)}",)

    def _reference(self, site: Site, key: str, words: tuple[str, ...]) -> str:
        """Spell ``key`` at the call site in the requested form, registering any definition."""
        form, pkg, name = site.key_form, self.pkg, "_".join(words).upper()
        if form == "literal":
            return json.dumps(key)
        if form == "local":
            return LOCAL_KEY_VARS.get(site.sdk, "flag_key")
        if form.startswith("flags_"):
            self.flags.constants[name] = key
            if form == "flags_module":
                return f"{self.imports.name(pkg, 'flags', f'{pkg}_flags')}.{name}"
            module = f"{pkg}.flags" if form == "flags_import" else relative_module(self.module, (pkg,), "flags")
            return self.imports.name(module, name)
        if form.startswith("constants_"):
            self.flags.module_constants[name] = key
            if form == "constants_module":
                return f"{self.imports.name(pkg, 'constants')}.{name}"
            return self.imports.name(f"{pkg}.constants", name, f"{name}_FLAG")
        if form == "class_attr":
            self.flags.key_class[name] = key
            return f"{self.imports.name(f'{pkg}.flags', 'FlagKeys')}.{name}"
        self.flags.enum[name] = key
        member = f"{self.imports.name(f'{pkg}.flags', 'Flags')}.{name}"
        return member + (".value" if form == "enum_value" else "")

    def _toggle(self, site: Site) -> KeyRef:
        """edx-toggles: the key lives in a toggle object defined in the package's toggles.py."""
        cls, pkg = site.form, self.pkg
        style = "dotted_snake" if cls.startswith("Waffle") else "upper"
        key, words = self.book.pick(f"edx:{pkg}:{cls}", style, pkg)
        name = "_".join(words).upper()
        self.flags.toggles[name] = (cls, key)
        self.book.expect(TOGGLE_SDK[cls], f"FEATURES['{key}']" if cls == "SettingDictToggle" else key)
        if site.key_form == "toggle_module":
            return KeyRef(f"{self.imports.name(pkg, 'toggles', f'{pkg}_toggles')}.{name}", (), words)
        module = (f"{pkg}.toggles" if site.key_form == "toggle_import"
                  else relative_module(self.module, (pkg,), "toggles"))
        return KeyRef(self.imports.name(module, name), (), words)

    # -- clients

    def _client(self, sdk: str, form: CallForm) -> tuple[str, list[str], bool]:
        """Client expression, statements creating it, and whether the check must be a method."""
        if "{c}" not in form.call + "".join(form.pre):
            return "", [], False
        if sdk not in self._modes:
            self._modes[sdk] = self.rng.choice(tuple(CLIENTS[sdk]))
        mode = self._modes[sdk]
        client = CLIENTS[sdk][mode]
        self.imports.need(client.needs)
        for text in client.setup:
            self.setup[text.replace("{pkg}", self.pkg)] = None
        for line in client.init:
            self.init_lines[line] = None
        return client.expr, list(client.pre), mode == "attr"

    # -- check sites

    def _site(self, site: Site) -> tuple[list[str], bool]:
        ref = self._key(site)
        if site.guard == "decorator":
            return self._decorated(site, ref), False
        form = SDK_FORMS[site.sdk][site.form]
        client, client_pre, method = self._client(site.sdk, form)
        self.imports.need(form.needs)
        for text in form.setup:
            self.setup[text] = None
        if form.helper:
            self.helpers[form.helper] = None
        pre = [*ref.pre, *client_pre, *(line.replace("{c}", client) for line in form.pre)]
        call = form.call.replace("{c}", client).replace("{key}", ref.expr)
        self._typing("Any", "Optional")
        if site.sdk == "waffle-flag":
            subject = f"request: {self.imports.name('django.http', 'HttpRequest')}"
        else:
            subject = "user_id: str"
        if site.guard == "return":
            return self._predicate(ref, subject, pre, form.test.replace("{v}", call), method), method
        return self._guarded(site.guard, form, call, subject, pre, method), method

    def _predicate(self, ref: KeyRef, subject: str, pre: list[str], test: str, method: bool) -> list[str]:
        name = self._fresh(f"is_{'_'.join(ref.words)}_enabled")
        params = [*(("self",) if method else ()), subject, "options: Optional[dict[str, Any]] = None"]
        body = [f'"""{PREDICATE_DOC}"""', "options = options or {}", *pre, f"return {test}"]
        return [*signature(f"def {name}", params, "bool"), *indent(body)]

    def _guarded(self, guard: str, form: CallForm, call: str, subject: str, pre: list[str],
                 method: bool) -> list[str]:
        rng = self.rng
        s = Scope(rng.choice(NOUNS), method)
        name = self._fresh(f"{rng.choice(VERBS)}_{s.noun}s")
        params = [*(("self",) if method else ()), subject, f"{s.items}: list[Any]",
                  "options: Optional[dict[str, Any]] = None"]
        body = [f'"""{FLAG_DOC.format(noun=s.noun)}"""', "options = options or {}"]
        for _ in range(rng.randint(0, 2)):
            body += self._block(s)
        body += [*pre, *self._guard(guard, form, call, s)]
        if rng.random() < 0.4:
            body += self._block(s)
        body.append("return result")
        return [*signature(f"def {name}", params, "list[Any]"), *indent(body)]

    def _guard(self, guard: str, form: CallForm, call: str, s: Scope) -> list[str]:
        """The flag-dependent statement(s) in one of the guard styles real code uses."""
        test = form.test.replace("{v}", call)
        new = f"sorted({s.items}, key=lambda entry: entry.{self.rng.choice(ATTRS_NUM)})"
        old = f"list({s.items})"
        both = [f"    result = {new}", "else:", f"    result = {old}"]
        if guard == "if_else":
            return [f"if {test}:", f'    logger.info("new {s.noun} path enabled")', *both]
        if guard == "elif":
            return ['if options.get("dry_run"):', "    result = []", f"elif {test}:", *both]
        if guard == "ternary":
            return [f"result = {new} if {test} else {old}"]
        if guard == "early_return":
            return [f"if {negate(form.test, call)}:", f"    return {old}", f"result = {new}"]
        if guard == "and":
            return [f"if {s.items} and {test}:", *both]
        if guard == "or":
            operands = ['options.get("force", False)', test]
            self.rng.shuffle(operands)
            return [f"if {' or '.join(operands)}:", *both]
        var = "enabled" if form.test == "{v}" else "flag_value"  # "assign"
        return [f"{var} = {call}", f"if {form.test.replace('{v}', var)}:", *both]

    def _decorated(self, site: Site, ref: KeyRef) -> list[str]:
        if site.sdk == "launchdarkly":
            decorator = self.imports.name(WRAPPERS, "requires_flag")
            name = self._fresh(f"{self.rng.choice(VERBS)}_{self.rng.choice(NOUNS)}s")
            return self.function(name, lead=("user_id: str",), decorators=(f"@{decorator}({ref.expr}, default=[])",))
        return self._view("waffle_flag" if site.sdk == "waffle-flag" else "waffle_switch", ref.expr)

    def _view(self, decorator: str, key: str) -> list[str]:
        """A Django view gated by a django-waffle decorator."""
        noun = self.rng.choice(NOUNS)
        decorators = [f"@{self.imports.name('waffle.decorators', decorator)}({key})"]
        if self.rng.random() < 0.5:
            decorators.insert(0, f"@{self.imports.name('django.contrib.auth.decorators', 'login_required')}")
        request = self.imports.name("django.http", "HttpRequest")
        response = self.imports.name("django.http", "JsonResponse")
        name = self._fresh(f"{noun}_{self.rng.choice(VERBS)}_view")
        body = [f'"""{VIEW_DOC.format(noun=noun)}"""', f'{noun}_ids = request.GET.getlist("{noun}")',
                f'payload = {{"{noun}_ids": {noun}_ids, "count": len({noun}_ids)}}', f"return {response}(payload)"]
        return [*decorators, f"def {name}(request: {request}) -> {response}:", *indent(body)]


# --------------------------------------------------------------------------- fixed modules


def render_flags_module(pkg: str, flags: PackageFlags, retired: tuple[str, ...]) -> str:
    """The package's flag-key registry: module constants, a key class and a str Enum."""
    lines = [f'"""Feature flag keys for the {pkg} package.', "",
             "Keys live here rather than inline so that the flag inventory and the cleanup",
             'work can find every use of a flag by name.', '"""', "from __future__ import annotations", ""]
    if flags.enum:
        lines += ["from enum import Enum", ""]
    lines += [f'{name} = "{key}"' for name, key in sorted(flags.constants.items())]
    lines += ["", "# Retired: the rollout finished; delete once no deployment reads it.",
              f'LEGACY_{"_".join(retired).upper()} = "legacy-{"-".join(retired)}"']
    if flags.key_class:
        lines += ["", "", "class FlagKeys:", '    """Keys grouped on a class so call sites read FlagKeys.NAME."""', ""]
        lines += [f'    {name} = "{key}"' for name, key in sorted(flags.key_class.items())]
    if flags.enum:
        lines += ["", "", "class Flags(str, Enum):",
                  '    """Typed keys; as a str Enum each member can be passed straight to an SDK."""', ""]
        lines += [f'    {name} = "{key}"' for name, key in sorted(flags.enum.items())]
    return "\n".join(lines) + "\n"


def render_constants_module(pkg: str, flags: PackageFlags, rng: random.Random) -> str:
    """Ordinary package constants, with some flag keys kept among them as real projects do."""
    lines = [f'"""Constants shared across the {pkg} package."""', "from __future__ import annotations", "",
             f'DEFAULT_CURRENCY = "{rng.choice(("USD", "EUR", "GBP"))}"',
             f"DEFAULT_PAGE_SIZE = {rng.choice((20, 25, 50))}", f"REQUEST_TIMEOUT_SECONDS = {rng.choice((5, 10, 30))}",
             f'SUPPORTED_LOCALES = ("en", "de", "fr", "{rng.choice(("es", "it", "nl"))}")',
             f'{pkg.upper()}_QUEUE = "{pkg}-default"']
    if flags.module_constants:
        lines += ["", "# Feature flag keys"]
        lines += [f'{name} = "{key}"' for name, key in sorted(flags.module_constants.items())]
    return "\n".join(lines) + "\n"


def render_toggles_module(pkg: str, flags: PackageFlags, use_namespace: bool) -> str:
    """edx-toggles definitions with the annotation comments edx-platform requires."""
    classes = sorted({cls for cls, _ in flags.toggles.values()})
    lines = [f'"""Toggles for the {pkg} package, declared once so they can be documented and audited."""',
             "from __future__ import annotations", "", f"from edx_toggles.toggles import {', '.join(classes)}"]
    if use_namespace:
        lines += ["", f'WAFFLE_NAMESPACE = "{pkg}"']
    for name, (cls, key) in sorted(flags.toggles.items()):
        lines += ["", *_toggle_definition(name, cls, key, pkg, use_namespace)]
    return "\n".join(lines) + "\n"


def _toggle_definition(name: str, cls: str, key: str, pkg: str, use_namespace: bool) -> list[str]:
    label = f"FEATURES['{key}']" if cls == "SettingDictToggle" else key
    comments = [f"# .. toggle_name: {label}", "# .. toggle_implementation: " + cls, "# .. toggle_default: False",
                f"# .. toggle_description: Gates {name.lower().replace('_', ' ')}.", "# .. toggle_use_cases: temporary"]
    if cls == "SettingToggle":
        return [*comments, f'{name} = SettingToggle("{key}", default=False, module_name=__name__)']
    if cls == "SettingDictToggle":
        return [*comments, f'{name} = SettingDictToggle("FEATURES", "{key}", default=False, module_name=__name__)']
    literal = f'f"{{WAFFLE_NAMESPACE}}.{key[len(pkg) + 1:]}"' if use_namespace else f'"{key}"'
    return [*comments, f"{name} = {cls}({literal}, __name__)"]


WRAPPERS_MODULE = '''"""Project-level helpers around the flag SDKs.

Business code calls these instead of the SDKs so that defaults and user
contexts are built the same way everywhere and the vendor can be swapped.
"""
from __future__ import annotations

import functools
import logging
from typing import Any, Callable, Optional, TypeVar

import ldclient
from ldclient import Context
from statsig import statsig
from statsig.statsig_user import StatsigUser

from core.flagging.clients import unleash_client

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

ld_client = ldclient.get()


def context_for(user_id: str, kind: str = "user") -> Context:
    """Build the LaunchDarkly context once so every call site targets users identically."""
    return Context.builder(str(user_id)).kind(kind).build()


def feature_on(name: str, ctx: Context) -> bool:
    """Evaluate a boolean LaunchDarkly flag, defaulting to off if the SDK is unavailable."""
    return ld_client.variation(name, ctx, False)


def toggle_enabled(name: str, user_id: Optional[str] = None) -> bool:
    """Check an Unleash toggle, adding the user to the context only when it is known."""
    context = {"userId": user_id} if user_id else {}
    return unleash_client.is_enabled(name, context)


def gate_open(user_id: str, gate: str) -> bool:
    """Check a Statsig gate by user id; call sites rarely hold a StatsigUser."""
    return statsig.check_gate(StatsigUser(user_id), gate)


def requires_flag(name: str, default: Any = None) -> Callable[[F], F]:
    """Skip the decorated call, returning ``default``, unless the LaunchDarkly flag is on."""

    def decorator(func: F) -> F:
        @functools.wraps(func)
        def wrapper(user_id: str, *args: Any, **kwargs: Any) -> Any:
            if not feature_on(name, context_for(user_id)):
                logger.debug("flag %s is off; skipping %s", name, func.__name__)
                return default
            return func(user_id, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
'''

CLIENTS_MODULE = '''"""Process-wide feature flag SDK clients.

Created once so every module shares one connection pool and one polling
thread per vendor instead of each module opening its own.
"""
from __future__ import annotations

import os

import configcatclient
from flagsmith import Flagsmith
from openfeature import api
from splitio import get_factory
from UnleashClient import UnleashClient

unleash_client = UnleashClient(
    url=os.environ.get("UNLEASH_URL", "http://unleash:4242/api"),
    app_name="shop",
    custom_headers={"Authorization": os.environ.get("UNLEASH_API_TOKEN", "")},
)
feature_client = api.get_client()
flagsmith_client = Flagsmith(environment_key=os.environ.get("FLAGSMITH_ENVIRONMENT_KEY", ""))
split_factory = get_factory(os.environ.get("SPLIT_SDK_KEY", ""), config={"impressionsMode": "optimized"})
configcat_client = configcatclient.get(os.environ.get("CONFIGCAT_SDK_KEY", ""))


def init_clients() -> None:
    """Start background polling; called from the app factory, never at import time."""
    unleash_client.initialize_client()
    split_factory.block_until_ready(5)
'''

# Project classes whose method names collide with SDK methods (negative examples).
CORE_MODULES = {
    "config": '''"""Application configuration read from the environment.

Centralised so every component applies the same defaults and type coercion.
"""
from __future__ import annotations

import os
from typing import Any, Optional


class AppConfig:
    """Typed view over environment variables with per-key defaults."""

    def __init__(self, prefix: str = "APP_", overrides: Optional[dict[str, Any]] = None) -> None:
        self._prefix = prefix
        self._overrides = dict(overrides or {})

    def get_value(self, key: str, default: Any = None) -> Any:
        """Overrides win, then the environment, then ``default``, so tests can pin values."""
        if key in self._overrides:
            return self._overrides[key]
        raw = os.environ.get(f"{self._prefix}{key.upper()}")
        if raw is None:
            return default
        if isinstance(default, bool):
            return raw.lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(raw)
        return raw

    def override(self, key: str, value: Any) -> None:
        """Pin a value at runtime; used by tests and the admin console."""
        self._overrides[key] = value


app_config = AppConfig()
''',
    "plugins": '''"""Plugin registry: optional integrations that tenants can switch on."""
from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


class Plugin:
    """An optional integration; disabled plugins stay registered so the admin can list them."""

    def __init__(self, name: str, enabled: bool = True) -> None:
        self.name = name
        self._enabled = enabled

    def is_enabled(self) -> bool:
        """Whether the tenant turned this plugin on."""
        return self._enabled

    def handle(self, payload: list[Any]) -> None:
        """Receive a batch; the base class only logs so subclasses can opt in."""
        logger.debug("plugin %s received %d items", self.name, len(payload))


class PluginRegistry:
    """Keeps plugins by name so lookups stay O(1) on hot paths."""

    def __init__(self) -> None:
        self._plugins: dict[str, Plugin] = {}

    def register(self, plugin: Plugin) -> None:
        self._plugins[plugin.name] = plugin

    def plugins(self) -> list[Plugin]:
        return list(self._plugins.values())

    def is_enabled(self, name: str) -> bool:
        """Unknown plugins count as disabled so typos fail closed."""
        plugin = self._plugins.get(name)
        return plugin is not None and plugin.is_enabled()


plugin_registry = PluginRegistry()
''',
    "schedule": '''"""Business-hours calendar used to delay customer-facing messages."""
from __future__ import annotations


class BusinessHours:
    """Days on which support is staffed; messages wait for the next staffed day."""

    def __init__(self, days: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday")) -> None:
        self._days = frozenset(days)

    def is_on(self, day: str) -> bool:
        return day.lower() in self._days

    def is_off(self, day: str) -> bool:
        return not self.is_on(day)


business_hours = BusinessHours()
''',
    "catalog_index": '''"""In-memory index of product variants, rebuilt from the catalogue export."""
from __future__ import annotations

from typing import Any, Optional


class CatalogIndex:
    """Looks up product variants (size, colour) and their physical features by SKU."""

    def __init__(self) -> None:
        self._variants: dict[tuple[str, str], dict[str, Any]] = {}

    def add_variant(self, sku: str, size: str, features: dict[str, Any]) -> None:
        self._variants[(sku, size)] = dict(features)

    def get_variant(self, sku: str, size: str) -> Optional[dict[str, Any]]:
        return self._variants.get((sku, size))

    def get_feature_value(self, sku: str, feature: str, default: Any = None) -> Any:
        """A product feature such as weight; the first variant of the SKU is authoritative."""
        for (variant_sku, _), features in self._variants.items():
            if variant_sku == sku:
                return features.get(feature, default)
        return default


catalog_index = CatalogIndex()
''',
    "decorators": '''"""Cross-cutting decorators for timing and retrying service calls."""
from __future__ import annotations

import functools
import logging
import time
from typing import Any, Callable, TypeVar

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


def timed(func: F) -> F:
    """Log slow calls so regressions show up in the logs before they show up in alerts."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.monotonic()
        try:
            return func(*args, **kwargs)
        finally:
            logger.debug("%s took %.3fs", func.__qualname__, time.monotonic() - started)

    return wrapper  # type: ignore[return-value]


def retry(times: int = 3, delay: float = 0.1) -> Callable[[F], F]:
    """Retry on TimeoutError only; other errors are bugs and should surface immediately."""

    def decorator(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for attempt in range(1, times + 1):
                try:
                    return func(*args, **kwargs)
                except TimeoutError:
                    if attempt == times:
                        raise
                    time.sleep(delay * attempt)
            return None

        return wrapper  # type: ignore[return-value]

    return decorator
''',
}


def render_data_module(rng: random.Random, module: Module, size: int) -> str:
    """A generated reference-data module: long literal lists and dicts, as real projects ship."""
    noun = module.name.split("_")[0]
    rows = module.data_names[0]
    lines = [f'"""{noun.title()} reference data.', "",
             f"Generated from the {noun} master export; regenerate it rather than editing by hand.", '"""',
             "from __future__ import annotations", "", "from typing import Any", "",
             f'{rows}_VERSION = "{rng.randint(1, 40)}.{rng.randint(0, 9)}"', "", f"{rows}: list[dict[str, Any]] = ["]
    serial = 0
    while len(lines) < size * 0.7:
        serial += 1
        lines += _data_row(rng, noun, serial)
    lines += ["]", "", f"{noun.upper()}_LABELS: dict[str, str] = {{"]
    while len(lines) < size - 1:
        serial += 1
        lines.append(f'    "{noun[:3].upper()}-{serial:05d}": "{rng.choice(KEY_ADJECTIVES).title()} {noun} {serial}",')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _data_row(rng: random.Random, noun: str, serial: int) -> list[str]:
    code = f"{noun[:3].upper()}-{serial:05d}"
    name = f"{rng.choice(KEY_ADJECTIVES).title()} {noun} {serial}"
    rate, active = round(rng.uniform(0, 1), 4), rng.random() < 0.9
    tags = json.dumps(rng.sample(KEY_NOUNS, 2))
    if rng.random() < 0.6:
        return [f'    {{"code": "{code}", "name": "{name}", "rate": {rate}, "active": {active}, "tags": {tags}}},']
    return ["    {", f'        "code": "{code}",', f'        "name": "{name}",', f'        "rate": {rate},',
            f'        "active": {active},', f'        "tags": {tags},',
            f'        "limits": {{"min": {rng.randint(0, 5)}, "max": {rng.randint(10, 500)}}},', "    },"]


# --------------------------------------------------------------------------- the generator


@dataclass
class Stats:
    """What was written, for the summary and for bench_scan's sanity checks."""

    files: int = 0
    lines: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, text: str) -> None:
        self.files += 1
        self.lines += text.count("\n")
        self.kinds[kind] = self.kinds.get(kind, 0) + 1


class Generator:
    """Plans the tree, then writes flag modules, fixed modules and fillers sized to the line target."""

    def __init__(self, out: Path, lines: int, seed: int, dense: bool = False) -> None:
        self.out = out
        self.target = lines
        self.dense = dense
        self.rng = random.Random(seed)
        self.book = KeyBook(self.rng)
        self.registry: dict[str, PackageFlags] = {}
        self.stats = Stats()

    def run(self) -> Stats:
        dirs = self._plan_dirs()
        modules = self._plan_modules(dirs)
        flagged = self._plan_flags(modules)
        for module in flagged:
            self._write(module.path, FlagWriter(self.rng, module, self.book, self.registry).build(module.size), "flag")
        self._write_fixed()
        self._write_inits(dirs, modules)
        self._write_fillers([m for m in modules if m.kind != "flag"])
        self._write_expected()
        return self.stats

    # -- planning

    def _plan_dirs(self) -> list[tuple[str, ...]]:
        rng = self.rng
        dirs: list[tuple[str, ...]] = []
        for top in TOP_PACKAGES:
            dirs.append((top,))
            for sub in rng.sample(SUBPACKAGES, rng.randint(4, 8)):
                dirs.append((top, sub))
                dirs += [(top, sub, nested) for nested in rng.sample(NESTED, rng.choice((0, 0, 1, 2)))]
        return dirs

    def _plan_modules(self, dirs: list[tuple[str, ...]]) -> list[Module]:
        rng, total = self.rng, 0
        modules: list[Module] = []
        taken: set[tuple[tuple[str, ...], str]] = set()
        budget = self.target * 0.97  # the fixed modules and __init__ files make up the rest
        while total < budget:
            kind = "data" if rng.random() < 0.04 else "code"
            parts = dirs[len(modules)] if len(modules) < len(dirs) else rng.choice(dirs)
            module = self._new_module(parts, kind, taken)
            module.sources = self._pick_sources(module, modules)
            modules.append(module)
            total += module.size
        return modules

    def _new_module(self, parts: tuple[str, ...], kind: str, taken: set[tuple[tuple[str, ...], str]]) -> Module:
        rng = self.rng
        for attempt in range(100):
            noun = rng.choice(NOUNS)
            suffix = rng.choice(DATA_SUFFIXES if kind == "data" else tuple(CLASS_SUFFIXES))
            name = f"{noun}_{suffix}" + (f"{attempt}" if attempt > 50 else "")
            if (parts, name) not in taken:  # "<noun>_<suffix>" never matches a fixed module name
                break
        taken.add((parts, name))
        if kind == "data":
            return Module(parts, name, kind, rng.randint(300, 1500), data_names=[f"{noun.upper()}_ROWS"])
        roll = rng.random()
        size = (rng.randint(150, 400) if roll < 0.85 else rng.randint(400, 800) if roll < 0.95
                else rng.randint(800, 1500))
        functions: list[str] = []
        wanted = rng.randint(2, 4)
        while len(functions) < wanted:
            func = f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}s"
            functions += [] if func in functions else [func]
        classes = [camel(noun) + CLASS_SUFFIXES[suffix], camel(noun) + rng.choice(("Summary", "Snapshot", "Payload"))]
        return Module(parts, name, kind, size, classes=classes, functions=functions)

    def _pick_sources(self, module: Module, earlier: list[Module]) -> list[Module]:
        """Earlier modules only, so the import graph is acyclic like a healthy codebase."""
        if module.kind == "data" or not earlier:
            return []
        same = [m for m in earlier[-200:] if m.parts[0] == module.parts[0]]
        picks = []
        for _ in range(self.rng.randint(1, 4)):
            pool = same if same and self.rng.random() < 0.7 else earlier
            picks.append(self.rng.choice(pool))
        return list({id(m): m for m in picks}.values())

    def _plan_flags(self, modules: list[Module]) -> list[Module]:
        """Turn ~15% of modules into flag modules and spread the check sites over them."""
        rng = self.rng
        code = [m for m in modules if m.kind == "code"]
        fixed = len(CORE_MODULES) + 2 + 3 * len(TOP_PACKAGES)  # core, flagging, flags/constants/toggles
        share = max(1, round(FLAG_SHARE * (len(modules) + fixed)) - 1)  # wrappers.py is a flag module too
        share = len(code) if self.dense else share
        order = {id(m): i for i, m in enumerate(modules)}
        flagged = sorted(rng.sample(code, min(share, len(code))), key=lambda m: order[id(m)])
        for i, site in enumerate(coverage_sites(rng)):
            flagged[i % len(flagged)].sites.append(site)
        for module in flagged:
            module.kind = "flag"
            sdks = tuple(rng.sample((*SDK_IDS, "edx"), rng.randint(1, 2)))
            wanted = max(2, module.size // DENSE_LINES_PER_SITE) if self.dense else rng.randint(2, 6)
            while len(module.sites) < wanted:
                module.sites.append(random_site(rng, sdks))
        return flagged

    # -- writing

    def _write(self, path: Path, text: str, kind: str) -> None:
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.stats.add(kind, text)

    def _write_fixed(self) -> None:
        """Flag wrappers/clients, look-alike core modules and each package's flag registries."""
        self._write(Path("core", "flagging", "__init__.py"), '"""Feature flag plumbing."""\n', "init")
        self._write(Path("core", "flagging", "wrappers.py"), WRAPPERS_MODULE, "flag")
        self._write(Path("core", "flagging", "clients.py"), CLIENTS_MODULE, "flag-support")
        for name, text in CORE_MODULES.items():
            self._write(Path("core", f"{name}.py"), text, "code")
        for pkg in TOP_PACKAGES:
            flags = self.registry.get(pkg, PackageFlags())
            self._write(Path(pkg, "constants.py"), render_constants_module(pkg, flags, self.rng), "flag-support")
            if flags.constants or flags.key_class or flags.enum:
                text = render_flags_module(pkg, flags, self.book.words())
                self._write(Path(pkg, "flags.py"), text, "flag-support")
            if flags.toggles:
                text = render_toggles_module(pkg, flags, self.rng.random() < 0.5)
                self._write(Path(pkg, "toggles.py"), text, "flag-support")

    def _write_inits(self, dirs: list[tuple[str, ...]], modules: list[Module]) -> None:
        """Package docstrings, and sometimes a re-export so ``from pkg.sub import X`` works."""
        first: dict[tuple[str, ...], Module] = {}
        for module in modules:
            if module.kind != "data":
                first.setdefault(module.parts, module)
        for parts in dirs:
            lines = [f'"""{" ".join(parts).title()} package."""']
            exporter = first.get(parts)
            if exporter and len(parts) > 1 and self.rng.random() < 0.3:
                cls = exporter.classes[0]
                lines += ["", f"from .{exporter.name} import {cls}", "", f'__all__ = ["{cls}"]']
            self._write(Path(*parts, "__init__.py"), "\n".join(lines) + "\n", "init")

    def _write_fillers(self, modules: list[Module]) -> None:
        """Size the remaining modules so the tree lands close to the requested line count."""
        planned = sum(m.size for m in modules)
        for module in modules:
            remaining = self.target - self.stats.lines
            size = max(60, round(module.size * remaining / planned)) if planned else module.size
            planned -= module.size
            if module.kind == "data":
                self._write(module.path, render_data_module(self.rng, module, size), "data")
            else:
                self._write(module.path, CodeWriter(self.rng, module).build(size), "code")

    def _write_expected(self) -> None:
        pairs = sorted([sdk, key] for sdk, key in self.book.expected)
        text = "[\n" + ",\n".join(json.dumps(pair) for pair in pairs) + "\n]\n"
        (self.out / "EXPECTED_KEYS.json").write_text(text, encoding="utf-8")


def summary(stats: Stats, book: KeyBook, seconds: float) -> str:
    """Human-readable report of what was generated."""
    modules = stats.files - stats.kinds.get("init", 0)
    flag = stats.kinds.get("flag", 0)
    per_sdk = {sdk: 0 for sdk in SDK_IDS}
    for sdk, _ in book.expected:
        per_sdk[sdk] += 1
    lines = [f"files:          {stats.files} ({modules} modules + {stats.kinds.get('init', 0)} __init__.py)",
             f"total lines:    {stats.lines}",
             f"flag modules:   {flag} ({100 * flag / max(modules, 1):.1f}% of modules; "
             f"plus {stats.kinds.get('flag-support', 0)} flags/constants/toggles/clients modules)",
             f"data modules:   {stats.kinds.get('data', 0)}",
             f"check sites:    {book.sites}",
             f"distinct keys:  {len(book.expected)}"]
    lines += [f"  {sdk:<14} {count}" for sdk, count in per_sdk.items()]
    lines.append(f"generated in    {seconds:.2f}s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="directory to create (must be absent or empty)")
    parser.add_argument("--lines", type=int, default=415_000, help="approximate total lines of Python")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dense", action="store_true", help="flag-dense: every code module imports an SDK and "
                        "checks flags, about one function in four (as in real flag-heavy code)")
    args = parser.parse_args(argv)
    if args.out_dir.exists() and any(args.out_dir.iterdir()):
        parser.error(f"{args.out_dir} is not empty; refusing to mix two trees")
    started = time.perf_counter()
    generator = Generator(args.out_dir, args.lines, args.seed, args.dense)
    stats = generator.run()
    print(summary(stats, generator.book, time.perf_counter() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
