"""Infer a project's own flag registry from how its code asks for flags.

Many projects keep their flags as constants of one class and ask for them
through a method of their own: ``project.has_feature(Feature.NEW_BUILDER)``,
``org.is_feature_enabled(Features.SSO)``. No SDK rule can name such a class.
When a method whose name says it checks something (``has_*``, ``is_*_enabled``,
``*feature*``; not permissions) is defined in the project and called with an
attribute of a project class that holds string constants, that class is a
registry: its constants are definitions, and the method's calls are checks of
the key in their first argument. Both become rules (one more inferred rule
file, like wrappers), so extraction, history and every finding treat the
registry like any SDK; the registry's SDK name is the class's qualified name.
A method or module function of the project named like a flag check (``get_feature_flag``) that is called with
a string is one too (pretalx's ``event.get_feature_flag("use_tracks")``), without definitions.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace

from flagaudit.extract.file_facts import FLAG_CHECK_NAME, SETTING_READ_NAME
from flagaudit.extract.symbols import DJANGO_SETTINGS, SWITCH_NAME
from flagaudit.facts import FileFacts, KeyPart, KeyRef
from flagaudit.model.inherited import ancestors, model_label
from flagaudit.model.resolve import Resolver, enclosing
from flagaudit.sdk_rules import (
    DECLARED_READ,
    ENVIRONMENT_READ,
    GRANTED,
    SETTINGS_SDK,
    CheckRule,
    DefineRule,
    KeyArg,
    SettingRule,
)


def infer_registries(facts: Iterable[FileFacts],
                     is_test: Callable[[str], bool]) -> tuple[CheckRule | DefineRule | SettingRule, ...]:
    """A define rule (the class's constants) and a check rule (its methods) per registry, then the check rules of
    the project's own methods and functions that take a key."""
    facts = [f for f in facts if not is_test(f.path)]
    classes = {fn.name for f in facts for fn in f.functions if fn.kind == "class"}
    methods = {fn.name.rsplit(".", 1)[-1] for f in facts for fn in f.functions if fn.kind == "method"}
    holders = {name.rpartition(".")[0] for f in facts if f.symbols for name, parts in f.symbols.constants
               if len(parts) == 1 and parts[0].kind == "lit"}
    resolver = Resolver.from_facts(facts)
    found: dict[str, set[str]] = defaultdict(set)
    for file_facts in facts:
        for method, owner, _ in file_facts.registry_calls:
            if not owner:
                continue  # a string key (below)
            registry = next((name for name in resolver.aliases(owner) if name in classes), None)
            if registry is not None and registry in holders and method in methods:
                found[registry].add(method)
    rules: list[CheckRule | DefineRule] = []
    for registry in sorted(found):
        rules.append(DefineRule(id=f"registry/{registry}", sdk=registry, class_constants=(registry,)))
        rules.append(CheckRule(id=f"registry/{registry}.check", sdk=registry, key=(KeyArg(0),),
                               methods=tuple(sorted(found[registry])), key_class=registry))
    claimed = {method for methods in found.values() for method in methods}
    own = _one_family(_own_checks(facts, resolver, claimed))
    checks = [rule for rule in own if isinstance(rule, CheckRule)]
    return (*rules, *own, *_row_settings(facts, resolver, checks))


def _own_checks(facts: list[FileFacts], resolver: Resolver, claimed: set[str]) -> list[CheckRule | DefineRule]:
    """The rules of the project's methods (those not ``claimed`` by a class's registry) and module functions that
    check a flag of its own by the key they are given, sorted by id.

    For a class method of one Django model (usdoj-crt/crt-portal's ``Feature.is_feature_enabled("tags")`` looks its
    row up by name), also a rule for that model's rows, keyed by their ``name``: a migration that creates or deletes
    one defines or retires the key, as waffle's rows do. A row's own method (``organization.has_feature("sso")``)
    asks that row, whose table holds other things than flags: no such rule."""
    checking = {name for f in facts for site in f.sites for name in enclosing(site.function)}  # closures' too
    models = _models(facts)
    of_the_class = {fn.name for f in facts for fn in f.functions
                    if fn.kind == "method" and not _OF_THE_CLASS.isdisjoint(fn.decorators)}
    rules: list[CheckRule | DefineRule] = []
    for method, (definers, position) in sorted(_literal_methods(facts).items()):
        if method not in claimed and checking.isdisjoint(definers):
            owners = [definer.rpartition(".")[0] for definer in definers]
            sdk = owners[0] if len(owners) == 1 else method
            # a row's method asks that row; one of the class asks the table (usdoj-crt/crt-portal's
            # ``Feature.is_feature_enabled("tags")`` looks its row up): a rollout's flag like any other
            per_row = models.issuperset(owners) and of_the_class.isdisjoint(definers)
            suffix = _suffix(method) or (GRANTED if per_row else "")
            rules.append(CheckRule(id=f"registry/{sdk}.{method}{suffix}", sdk=sdk, key=(KeyArg(position),),
                                   methods=(method,)))
            label = model_label(owners[0]) if len(owners) == 1 and models.issuperset(owners) else None
            if label is not None and of_the_class.issuperset(definers):
                rules.append(DefineRule(id=f"registry/{sdk}.{method}.rows", sdk=sdk, key=(KeyArg(None, "name"),),
                                        model=label, model_factories=(owners[0],)))
    settings: set[str] = set()
    environment: set[str] = set()
    for fn in (fn for f in facts for fn in f.functions):
        if DJANGO_SETTINGS in fn.targets:
            settings.update(enclosing(fn.name))
        if not _ENVIRONMENT.isdisjoint(fn.targets):
            environment.update(enclosing(fn.name))
    readers = settings | environment
    for module, names in sorted(_registry_functions(facts, resolver, checking).items()):
        kinds: dict[tuple[str, str, int], list[str]] = defaultdict(list)
        for name, position in sorted(names.items()):
            suffix = _suffix(name.rpartition(".")[2])
            if suffix == DECLARED_READ and name in environment and name not in settings:
                suffix = ENVIRONMENT_READ  # ebmdatalab/openprescribing's get_env_setting("X"): os.environ[name]
            sdk = SETTINGS_SDK if suffix in (DECLARED_READ, ENVIRONMENT_READ) and name in readers else module
            kinds[suffix, sdk, position].append(name)
        for (suffix, sdk, position), functions in sorted(kinds.items()):
            after = f".{position}" if position else ""  # one rule to a name: the key's place is the rule's
            rules.append(CheckRule(id=f"registry/{module}{'' if sdk == module else '.' + sdk}{suffix}{after}",
                                   sdk=sdk, key=(KeyArg(position),), functions=tuple(functions)))
    return sorted(rules, key=lambda rule: rule.id)


def _one_family(rules: list[CheckRule | DefineRule]) -> list[CheckRule | DefineRule]:
    """The project's own checks of flags (not its readers of settings) as one SDK, named for the modules they share
    (the first one's where they share none): HSReplay.net asks for a row of its ``Feature`` model as
    ``feature_enabled_for_user("x", user)`` in one module and ``UserHasFeature("x")`` in another, and as two SDKs
    a key whose checks moved from one to the other was retired and reborn, a false block."""
    own = [rule for rule in rules if not rule.id.endswith(DECLARED_READ)]
    sdks = sorted({rule.sdk for rule in own})
    if len(sdks) < 2:
        return rules
    common = ".".join(os.path.commonprefix([sdk.split(".") for sdk in sdks])) or sdks[0]
    return [replace(rule, sdk=common) if rule in own else rule for rule in rules]


def _row_settings(facts: list[FileFacts], resolver: Resolver, checks: list[CheckRule]) -> list[SettingRule]:
    """For a helper that reads a setting by name from a model's one row (DefectDojo's ``get_system_setting(name)``,
    ``getattr(System_Settings.objects.get(), name)``), the model's boolean columns named as switches, read as
    attributes of that row where it is held under a configuration's name (``system_settings.enable_product_grade``,
    ``self.system_settings.enable_mail_notifications``): the helper's flags, asked without it."""
    functions = {fn.name: fn for f in facts for fn in f.functions if fn.kind == "function"}
    columns: dict[str, list[str]] = defaultdict(list)
    for file_facts in facts:
        for owner, name, _ in file_facts.boolean_fields:
            columns[owner].append(name)
    found = []
    for rule in checks:
        if DECLARED_READ not in rule.id or rule.sdk == SETTINGS_SDK:
            continue
        models = {model for name in rule.functions if name in functions for target in functions[name].targets
                  if target.endswith(ONE_ROW) for model in resolver.aliases(target.removesuffix(ONE_ROW))
                  if model in columns}
        read = sorted({(name, name) for model in models for name in columns[model]
                       if SWITCH_NAME.fullmatch(name.upper())})
        if read:
            found.append(SettingRule(id=f"{rule.id}.rows", sdk=rule.sdk, objects=(), fields=tuple(read)))
    return found


ONE_ROW = ".objects.get"
"""How a function reads a model's row: a reader of settings by name that reads one reads that model's columns."""


def _suffix(name: str) -> str:
    """The end of the id of the rule for a registry's method or function of this name: :data:`DECLARED_READ` for
    one that reads a setting (whose keys count only where named as switches; one that reads Django's, as
    healthchecks' decorator factory ``@require_setting("SLACK_ENABLED")`` does in its closure, reads the settings
    flags), :data:`GRANTED` for one that asks about a user or a group."""
    if SETTING_READ_NAME.fullmatch(name) and not FLAG_CHECK_NAME.fullmatch(name):
        return DECLARED_READ
    return GRANTED if not _GRANTED.isdisjoint(name.split("_")) else ""


_ENVIRONMENT = frozenset({"os.environ", "os.environ.get", "os.getenv"})
"""What a reader of settings by name reads where it reads the environment the program runs in: such a reader's keys
are the deployment's switches, as ``os.environ.get("X")``'s are (rules/settings.toml)."""
_GRANTED = frozenset({"user", "users", "group", "groups"})
_OF_THE_CLASS = frozenset({"classmethod", "staticmethod"})
_MODEL_BASES = ("django.db.models.Model", "django.db.models.base.Model", "django.contrib.auth.models.",
                "django.contrib.auth.base_user.")
"""Where a Django model's bases end: a class one of these derives from keeps a row per object."""


def _models(facts: list[FileFacts]) -> set[str]:
    """The project's classes that derive, through its own classes, from a Django model."""
    bases = {fn.name: fn.bases for f in facts for fn in f.functions if fn.kind == "class"}
    return {name for name in bases if any(a.startswith(_MODEL_BASES) for a in ancestors(name, bases))}


def _literal_methods(facts: list[FileFacts]) -> dict[str, tuple[list[str], int]]:
    """Method name -> the project's methods of that name (qualified, sorted) and where calls pass the key, for the
    methods named like a flag check that some call passes a string: pretalx's ``event.get_feature_flag("use_tracks")``,
    a method of its ``Event`` model that reads a JSON field. The one class that defines it is the registry's SDK name
    (the method's name where several do); one that holds a check of an SDK is a wrapper, inferred from that check."""
    called = _positions((callee, position) for f in facts for callee, given, position in f.registry_calls
                        if not given and "." not in callee)
    found: dict[str, list[str]] = defaultdict(list)
    for file_facts in facts:
        for function in file_facts.functions:
            name = function.name.rpartition(".")[2]
            if function.kind == "method" and name in called:
                found[name].append(function.name)
    return {name: (sorted(definers), called[name]) for name, definers in found.items()}


def _positions(calls: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Callee -> where its calls pass the key: the first place any does."""
    found: dict[str, int] = {}
    for callee, position in calls:
        found[callee] = min(position, found.get(callee, position))
    return found


def _registry_functions(facts: list[FileFacts], resolver: Resolver, checking: set[str]) -> dict[str, dict[str, int]]:
    """Module -> its functions that check a flag of the project's own: a module-level function named like a check
    (``is_feature_flag_active``), called with a constant that holds a string or with a string, with no SDK check
    inside (that one is a wrapper, inferred from its check; ``checking``: the functions that hold one, or a function
    nested in them, as a decorator factory does).
    uktrade/data-hub-api keeps its flags as rows of its own model and asks
    ``is_feature_flag_active(MAILBOX_INGESTION_FEATURE_FLAG_NAME)``: no SDK at all. The module is the registry's
    SDK name."""
    functions = {fn.name for f in facts for fn in f.functions if fn.kind == "function"}
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for file_facts in facts:
        for callee, constant, position in file_facts.registry_calls:
            if "." not in callee:
                continue  # a method, with the class its key is an attribute of (above)
            function = next((name for name in resolver.aliases(callee) if name in functions), None)
            if function is None or function in checking:
                continue
            key, pattern = resolver.key(KeyRef((KeyPart("sym", constant),), constant)) if constant else ("", False)
            if key is not None and not pattern:
                known = found[function.rpartition(".")[0]]
                known[function] = min(position, known.get(function, position))
    return found
