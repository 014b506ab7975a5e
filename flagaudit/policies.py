"""Lifecycle policies, and what a flag declares about itself: type, owner, creation and removal dates.

The defaults live in rules/policies.toml (flag types and how long each may
live, after Unleash's guidance) and ``[tool.flagaudit]`` overrides them. A
flag's own declarations win over configuration, because they sit next to the
code and change with it: a ``# flagaudit: type=... owner=... expires=...``
comment on or above a definition or site, then Open edX annotations
(``toggle_type`` when it names a flag type, ``toggle_use_cases``, ``toggle_creation_date``,
``toggle_target_removal_date``, ``toggle_expiration_date``), then a comment above a site that calls the change
temporary or the flag long-lived, then the config's ``flags`` table, then the words of the flag's own description
(a data file's ``note``: whom it is for, what it stops), then the subject of the commit it was born in, then the
project's documentation naming the key (a setting operators set: :mod:`flagaudit.documentation`), then a check that
asks per user or group (a registry's ``is_user_feature_flag_active``), then what the key's shape or words say, then
the default type.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from flagaudit.config import Config
from flagaudit.documentation import documented_where
from flagaudit.errors import FlagauditError
from flagaudit.facts import Event, Flag, Site
from flagaudit.sdk_rules import (
    DECLARED_READ,
    FIELD_READ,
    GRANTED,
    POLICIES_FILE,
    SETTINGS_SDK,
    TEMPLATE_READ,
    builtin_rules_folder,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEADLINES = ("expires", "toggle_target_removal_date", "toggle_expiration_date")
"""Declared dates by which a flag should be gone (FA102)."""
_CREATED = ("created", "toggle_creation_date")


@dataclass(frozen=True)
class Policies:
    """How long each flag type may live, and where types and owners come from when the code is silent."""

    max_age: dict[str, int | None]
    """Flag type -> days; ``None`` for types that never go stale (kill switches, permissions)."""
    default_type: str
    dormant_days: int | None
    """Days without a site change before a flag is dormant; ``None`` turns FA103 off."""
    use_cases: dict[str, str]
    """Open edX ``toggle_use_cases`` value -> flag type."""
    flags: tuple[tuple[str, dict[str, str]], ...] = ()
    """Key pattern -> ``type``/``owner``/``expires`` from the configuration, in the order given."""
    sdk_types: dict[str, str] = field(default_factory=dict)
    """SDK -> the type of its flags nothing declares a type for, where it is not ``default_type``: settings flags
    are deployment configuration, kept as long as deployments differ. A configured default type overrides it."""
    documented: Mapping[str, str] = field(default_factory=dict)
    """Names the project's documentation mentions -> where (``README.md:103``): settings operators set."""
    documented_type: str | None = None
    """The type of a flag the documentation names and nothing else gives a type."""
    family_type: str | None = None
    """The type of a key family built at run time (``"ns.{}_passthrough".format(backend)``) nothing gives a type:
    each deployment names its members, so the family has no rollout to finish. A configured default type
    overrides it."""
    key_words: Mapping[str, str] = field(default_factory=dict)
    """Words of a key -> the type they give it when nothing declares one (``log``: kill-switch, a diagnostics switch
    kept for the next problem; ``qa``: permission, a helper for test environments). A configured default type
    overrides them."""
    described: tuple[tuple[str, str], ...] = ()
    """Words or phrases of a flag's own description -> the type they give it when nothing declares one (``staff``:
    permission). A configured default type overrides them."""
    description_fields: tuple[str, ...] = ()
    """The annotations that describe a flag (``note``, ``toggle_description``)."""
    lasting_type: str | None = None
    """The type of a flag a comment right above a site calls long-lived: one meant to stay."""
    born_for: tuple[tuple[str, str], ...] = ()
    """Phrases of the subject of the commit a flag was born in -> the type they give it when nothing else declares
    one (``flag to stop``: kill-switch, a way to turn something off). A configured default type overrides them."""
    granted_type: str | None = None
    """The type of a flag the project asks about per user or group (``is_user_feature_flag_active(code, user)``,
    a registry's function named so): who receives a feature, as a permission says."""
    guessed_info: frozenset[str] = frozenset()
    """SDKs whose flags are as often a lasting setting as a rollout (django-waffle's switches): their FA101 rests on
    a guessed type when nothing declares one, and is information. A configured default type is no guess."""


@dataclass(frozen=True)
class Declared:
    """A flag's type, owner and dates, each with where it was found (``app/flags.py:12``, ``config``)."""

    type: str
    type_source: str
    owner: str | None = None
    owner_source: str = ""
    created: tuple[date, str] | None = None
    deadlines: tuple[tuple[date, str, str], ...] = ()
    """(date, field, where), earliest first."""

    @property
    def typed(self) -> bool:
        """Whether anything declared the type (rather than the default)."""
        return not self.type_source.startswith("default")


def load_policies(config: Config, documented: Mapping[str, str]) -> Policies:
    """rules/policies.toml with the configuration's overrides, validated; ``documented``: the names the project's
    documentation mentions, as the scan read them (:func:`flagaudit.documentation.documented_keys`)."""
    path = builtin_rules_folder() / POLICIES_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FlagauditError(f"cannot read the lifecycle policies {path}: {exc}") from None
    max_age = {_type_name(k): _days(v, path, f"max-age.{k}") for k, v in data.get("max-age", {}).items()}
    source = config.source or "[tool.flagaudit]"

    def known(name: str, where: str) -> str:
        name = _type_name(name)
        if name not in max_age:
            raise FlagauditError(f"{where}: unknown flag type {name!r}; known: {', '.join(sorted(max_age))}")
        return name

    max_age.update((known(k, f"{source}: [tool.flagaudit] policies.{k}"), v) for k, v in config.policies)

    use_cases = {k: known(v, f"{path}: edx-use-cases.{k}") for k, v in data.get("edx-use-cases", {}).items()}
    flags = tuple((pattern, dict(fields)) for pattern, fields in config.flags)
    for pattern, fields in flags:
        if "type" in fields:
            fields["type"] = known(fields["type"], f"{source}: [tool.flagaudit] flags.{pattern!r}.type")
    default = known(config.default_flag_type or data.get("default-type", "release"),
                    f"{source}: [tool.flagaudit] default-flag-type" if config.default_flag_type else str(path))
    dormant = config.dormant_days or _days(data.get("dormant-days", 180), path, "dormant-days")
    sdk_types = {} if config.default_flag_type else {
        sdk: known(name, f"{path}: sdk-default-type.{sdk}") for sdk, name in data.get("sdk-default-type", {}).items()}
    documented_type = known(data["documented-type"], f"{path}: documented-type") if "documented-type" in data else None
    family_type = known(data["family-type"], f"{path}: family-type") if "family-type" in data and \
        not config.default_flag_type else None
    key_words = {} if config.default_flag_type else {
        word.lower(): known(name, f"{path}: key-words.{name}") for name, words in data.get("key-words", {}).items()
        for word in words}
    described = data.get("described", {})
    phrases = () if config.default_flag_type else tuple(
        (" ".join(_words(phrase)), known(name, f"{path}: described.{name}"))
        for name, phrases in described.items() if name != "fields" for phrase in phrases)
    guessed_info = frozenset() if config.default_flag_type else frozenset(data.get("guessed-type-info", ()))
    born_for = () if config.default_flag_type else tuple(
        (" ".join(_words(phrase)), known(name, f"{path}: born-subject.{name}"))
        for name, phrases in data.get("born-subject", {}).items() for phrase in phrases)
    return Policies(max_age, default, dormant, use_cases, flags, sdk_types,
                    documented if documented_type else {}, documented_type, family_type,
                    key_words, phrases,
                    tuple(described.get("fields", ())),
                    known(data["lasting-type"], f"{path}: lasting-type") if "lasting-type" in data else None,
                    born_for,
                    None if config.default_flag_type or "granted-type" not in data else
                    known(data["granted-type"], f"{path}: granted-type"),
                    guessed_info)


def declared(flag: Flag, policies: Policies, born: Event | None = None) -> Declared:
    """What ``flag``'s definitions, annotations and the configuration say about it, and ``born``, the event its
    life began with, when its commit says why the flag was added."""
    notes = [(f"{d.path}:{d.line}", dict(d.metadata)) for d in flag.definitions]
    notes += [(f"{s.path}:{s.line}", dict(s.annotations)) for s in (*flag.sites, *flag.test_sites)]
    configured = [fields for pattern, fields in policies.flags if flag.key and fnmatchcase(flag.key, pattern)]

    def in_code(name: str) -> tuple[str, str] | None:
        return next(((values[name], where) for where, values in notes if values.get(name)), None)

    def in_config(name: str) -> tuple[str, str] | None:
        return next(((fields[name], "config") for fields in configured if fields.get(name)), None)

    def first(name: str) -> tuple[str, str] | None:
        return in_code(name) or in_config(name)

    flag_type, type_source = _flag_type([in_code("type"), in_code("toggle_type"),
                                         _use_case_type(in_code("toggle_use_cases"), policies),
                                         _temporary(in_code("temporary"), policies),
                                         _lasting(in_code("lasting"), policies), in_config("type"),
                                         _described(notes, policies), _born_for(born, policies),
                                         _documented(flag, policies), _granted(flag, policies),
                                         _settings_read(flag, policies),
                                         _family(flag, policies),
                                         _key_words(flag, policies)], policies, flag.sdk)
    owner = first("owner")
    created = next((d for name in _CREATED if (d := _dated(first(name)))), None)
    deadlines = [(d[0], name, d[1]) for name in DEADLINES if (d := _dated(first(name)))]
    return Declared(flag_type, type_source, owner[0] if owner else None, owner[1] if owner else "",
                    created, tuple(sorted(deadlines)))


def _flag_type(candidates: list[tuple[str, str] | None], policies: Policies, sdk: str) -> tuple[str, str]:
    """The first known type among the candidates, nearest to the code first; else the default (the SDK's)."""
    unknown = ""
    for candidate in candidates:
        if candidate:
            name = _type_name(candidate[0])
            if name in policies.max_age:
                return name, candidate[1]
            unknown = unknown or f" (unknown type {candidate[0]!r} at {candidate[1]})"
    if sdk in policies.sdk_types:
        return policies.sdk_types[sdk], f"default for {sdk} flags{unknown}"
    return policies.default_type, f"default{unknown}"


def _use_case_type(use_cases: tuple[str, str] | None, policies: Policies) -> tuple[str, str] | None:
    """A toggle listing several use cases gets the longest-lived of their types."""
    if not use_cases:
        return None
    types = [policies.use_cases[u] for u in re.split(r"[\s,]+", use_cases[0]) if u in policies.use_cases]
    if not types:
        return None
    ages = policies.max_age
    return max(types, key=lambda t: float("inf") if ages[t] is None else float(ages[t] or 0)), \
        f"toggle_use_cases at {use_cases[1]}"


def _lasting(comment: tuple[str, str] | None, policies: Policies) -> tuple[str, str] | None:
    """A comment above a site that calls the flag long-lived declares a flag meant to stay."""
    if not comment or policies.lasting_type is None:
        return None
    return policies.lasting_type, f"comment at {comment[1]}: {comment[0]!r}"


def _temporary(comment: tuple[str, str] | None, policies: Policies) -> tuple[str, str] | None:
    """A comment above a site that calls the change temporary declares the type of a temporary toggle."""
    if not comment:
        return None
    return policies.use_cases.get("temporary", policies.default_type), f"comment at {comment[1]}: {comment[0]!r}"


def _documented(flag: Flag, policies: Policies) -> tuple[str, str] | None:
    """The type of a key the project's documentation names: a setting its operators set."""
    where = documented_where(flag.key, policies.documented) if flag.key and not flag.pattern else None
    if where is None or policies.documented_type is None:
        return None
    return policies.documented_type, f"the project's documentation at {where}, which names it"


def _granted(flag: Flag, policies: Policies) -> tuple[str, str] | None:
    """The type of a flag every site of which asks whether a user, a group or a model's row has it."""
    first = _only_through(flag, lambda rule: rule.removesuffix(TEMPLATE_READ).endswith(GRANTED))
    if policies.granted_type is None or first is None:
        return None
    return policies.granted_type, f"asked per user, group or object at {first.path}:{first.line}"


def _settings_read(flag: Flag, policies: Policies) -> tuple[str, str] | None:
    """The type of a switch every site of which reads it through the project's own reader of settings
    (DefectDojo's ``get_system_setting("enable_jira")``, a field of its settings model the operators set), or from
    the row that reader reads (``system_settings.enable_jira``): what Django's settings flags get."""
    first = _only_through(flag, lambda rule: rule.startswith("registry/")
                          and rule.endswith((DECLARED_READ, FIELD_READ)))
    if SETTINGS_SDK not in policies.sdk_types or first is None:
        return None
    return policies.sdk_types[SETTINGS_SDK], f"read as a setting at {first.path}:{first.line}"


def _only_through(flag: Flag, asks: Callable[[str], bool]) -> Site | None:
    """The first site whose rule ``asks`` so, if every other site calls a helper of the project's (a wrapper, a
    predicate, a decorator: pretalx's ``submission_comments_active(user, submission)``, or its template filter
    ``event|get_feature_flag:"use_tracks"``), which asks the same way where the flag has no other check."""
    asking = [s for s in flag.sites if asks(s.rule)]
    if not asking or not all(asks(s.rule) or s.rule.startswith(_HELPERS) for s in flag.sites):
        return None
    return asking[0]


_HELPERS = ("wrapper/", "predicate/", "decorator/")
"""How the rules of the project's own helpers inferred from a check begin."""


def _family(flag: Flag, policies: Policies) -> tuple[str, str] | None:
    """The type of a key family whose members the running code names from its data (one switch per backend, per
    tenant). A hole a parameter fills is a factory's (``_waffle_switch(RUBRIC_REUSE)``): its callers name the
    members in the code, each a flag of its own."""
    if not flag.pattern or policies.family_type is None:
        return None
    refs = [site.key_ref for site in flag.sites] + [definition.key_ref for definition in flag.definitions]
    if any(part.kind == "param" for ref in refs for part in ref.parts):
        return None
    return policies.family_type, "a key family built at run time: each deployment names its members"


def _described(notes: list[tuple[str, dict[str, str]]], policies: Policies) -> tuple[str, str] | None:
    """The type a flag's own description gives it (``note: Indicates whether EGAP admins have special access``):
    whom it is for, or that it guards against trouble, is what a type says."""
    for where, values in notes:
        for name in policies.description_fields:
            if values.get(name):
                text = f" {' '.join(_words(values[name]))} "
                found = next(((phrase, kind) for phrase, kind in policies.described if f" {phrase} " in text), None)
                if found:
                    return found[1], f"its description at {where} says {found[0]!r}"
    return None


def _born_for(born: Event | None, policies: Policies) -> tuple[str, str] | None:
    """The type the subject of the commit a flag was born in gives it: a flag added "to stop storing search
    queries" or "to disable" a page's expensive sections is a kill switch."""
    if born is None or not born.subject:
        return None
    text = f" {' '.join(_words(born.subject))} "
    found = next(((phrase, kind) for phrase, kind in policies.born_for if f" {phrase} " in text), None)
    if found is None:
        return None
    return found[1], f"the commit it was born in ({born.commit[:12]}) says {found[0]!r}"


def _words(text: str) -> list[str]:
    """The lowercase words of a key or a text (``enableDebugMode``, ``log_api``, ``DO NOT CHANGE``)."""
    return [w.lower() for w in _WORD.split(text) if w]


def _key_words(flag: Flag, policies: Policies) -> tuple[str, str] | None:
    """The type a word of the key gives it (``log_api``, ``verbose_tracing``: a diagnostics switch turned on to look
    into a problem and kept for the next one; ``delete-idp-profiles-qa``: a helper for test environments)."""
    if not flag.key:
        return None
    word = next((w for w in _words(flag.key) if w in policies.key_words), None)
    if word is None:
        return None
    return policies.key_words[word], f"its key says {word!r}"


_WORD = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
"""Where a key splits into words: ``log_api``, ``enable-debug``, ``verboseTracing``."""


def _dated(found: tuple[str, str] | None) -> tuple[date, str] | None:
    """A declared date; free text (``None``, ``n/a``) is no date."""
    if not found:
        return None
    try:
        return date.fromisoformat(found[0].strip()[:10]), found[1]
    except ValueError:
        return None


def _type_name(name: str) -> str:
    """``Kill_Switch`` and ``kill switch`` are ``kill-switch``."""
    return re.sub(r"[\s_]+", "-", name.strip().lower())


def _days(value: Any, path: Path, name: str) -> int | None:
    if value == "never":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise FlagauditError(f'{path}: {name} must be a positive number of days or "never"')
