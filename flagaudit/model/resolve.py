"""Resolve keys across modules and group sites and definitions into flags.

Extraction sees one file; here every file's symbols are joined so that a key
held in a constant, an enum member, a class attribute or a flag object in
another module resolves to its string.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import replace
from functools import lru_cache

from flagaudit.extract.symbols import EACH, SWITCH_NAME, is_flag_dict, named_as_flag
from flagaudit.facts import DYNAMIC_SETTINGS, Definition, FileFacts, Flag, KeyPart, KeyRef, Site
from flagaudit.model.boolean_settings import INFERRED_DICTS, boolean_settings, literal_settings
from flagaudit.model.constancy import set_names
from flagaudit.model.context_dicts import CONTEXT_DICT
from flagaudit.sdk_rules import (
    CONTEXT_READ,
    DECLARED_READ,
    ENVIRONMENT_READ,
    GETATTR_READ,
    SETTINGS_SDK,
    TEMPLATE_READ,
    glob_match,
    within_modules,
)

_MAX_DEPTH = 20


class Resolver:
    """Qualified names to their values, across all modules of the scan.

    ``values`` maps a name to the parts of its value (constants, class attributes, enum members, and
    ``sym`` parts for imports and aliases), ``objects`` a name to the flag object it is bound to. A scan
    builds both from its files' facts (:meth:`from_facts`); the history walk keeps them up to date commit
    by commit and hands in its own mappings, which note every name looked up.
    """

    def __init__(self, values: MutableMapping[str, tuple[KeyPart, ...]] | None = None,
                 objects: MutableMapping[str, Definition] | None = None) -> None:
        self.values: MutableMapping[str, tuple[KeyPart, ...]] = {} if values is None else values
        self.objects: MutableMapping[str, Definition] = {} if objects is None else objects
        self.notes: dict[str, Definition] = {}
        """Annotated key constants, as the definitions that document them (action ``annotate``)."""

    @classmethod
    def from_facts(cls, facts: Iterable[FileFacts]) -> Resolver:
        resolver = cls()
        for file_facts in facts:
            if file_facts.symbols:
                resolver.values.update(file_facts.symbols.constants)
                for name, line, notes in file_facts.symbols.notes:
                    resolver.notes[name] = Definition(file_facts.path, line, 0, "annotation", "", KeyRef(
                        (KeyPart("sym", name),), name.rsplit(".", 1)[-1]), "annotate", name, notes)
            for definition in file_facts.definitions:
                if definition.symbol:
                    resolver.objects.setdefault(definition.symbol, definition)
        return resolver

    def key(self, ref: KeyRef) -> tuple[str | None, bool]:
        """The key a reference spells, or a pattern (``beta-*``, ``ns.*_ping``) when parts of it are only
        known at run time; ``None`` if no literal part is known."""
        if ref.parts and all(part.kind == "any" for part in ref.parts):
            return ref.template.format("*"), True  # every row of the SDK's model: every key
        pieces = [self._part(part, 0) for part in ref.parts]
        slots = ref.template.count("{}")
        if any(part.kind == "fmt" for part in ref.parts):
            pieces = [re.sub(r"\{[^{}]*\}", "\0", p) if p is not None and part.kind == "fmt" else p
                      for p, part in zip(pieces, ref.parts, strict=True)]
            if slots == 1 and any(pieces):
                glob = "".join("*" if p is None else p.replace("\0", "*") for p in pieces)
                return ref.template.format(re.sub(r"\*+", "*", glob)), True
            return None, False
        if all(p is not None for p in pieces):
            texts = [p for p in pieces if p is not None]
            if not "".join(texts).strip():
                return None, False  # names no flag: an f-string extract/in_place.py made spaces, for one
            return (ref.template.format("".join(texts)) if slots == 1 else ref.template.format(*texts)), False
        if slots != 1 or not any(pieces):
            return None, False
        glob = re.sub(r"\*+", "*", "".join("*" if p is None else p for p in pieces))
        return ref.template.format(glob), True

    def turns(self, ref: KeyRef) -> list[KeyRef]:
        """``ref`` once for each value of the dict of texts one of its parts looks a key up in (``PAGE_FLAGS.get(
        page_type)`` of another module's ``PAGE_FLAGS = {"AboutPage": "ABOUT_ON", ...}``: any of them), or as it is."""
        looked = [i for i, part in enumerate(ref.parts) if part.kind == "sym" and part.value.endswith(EACH)]
        if len(looked) != 1:
            return [ref]
        at = looked[0]
        for name in self.aliases(ref.parts[at].value[:-len(EACH)]):
            values = self.values.get(name + EACH)
            if values and all(value.kind == "alt" for value in values):
                return [replace(ref, parts=(*ref.parts[:at], KeyPart("lit", value.value), *ref.parts[at + 1:]))
                        for value in values]
        return [ref]

    def origin(self, symbol: str) -> str | None:
        """What made the object ``symbol`` names (``client = UnleashClient()`` -> ``UnleashClient.UnleashClient``),
        followed through the project's own assignments; ``None`` if unknown."""
        current, seen = symbol, set()
        while current not in seen:
            seen.add(current)
            made_by = None
            for name in self.aliases(current):
                parts = self.values.get(name)
                if parts and len(parts) == 1 and parts[0].kind == "call":
                    made_by = parts[0].value
                    break
            if made_by is None:
                return None if current == symbol else current
            current = made_by
        return None

    def made_origin(self, symbol: str) -> str | None:
        """:meth:`origin`, and for what a call returned (``get_client()``, ``client.get_identity_flags()``) that
        nothing records, the origin of the object the method was called on: a client's methods give the SDK's
        objects."""
        origin = self.origin(symbol)
        while origin is None and symbol.endswith("()"):
            symbol = symbol[:-2].rpartition(".")[0]
            if not symbol:
                return None
            origin = self.origin(symbol)
        return origin

    def annotations(self, ref: KeyRef, depth: int = 0) -> list[Definition]:
        """The annotated constants a key reference goes through (``switch_is_active(ENABLE_X)``)."""
        found = []
        for part in ref.parts:
            if part.kind != "sym" or depth > _MAX_DEPTH:
                continue
            for name in self.aliases(part.value):
                if name in self.notes:
                    found.append(self.notes[name])
                    break
                parts = self.values.get(name)
                if parts is not None and not (len(parts) == 1 and parts[0].kind == "sym"):
                    found += self.annotations(KeyRef(parts, ""), depth + 1)
                    break
        return found

    def object(self, symbol: str) -> Definition | None:
        """The flag object definition a name refers to, through re-exports."""
        for name in self.aliases(symbol):
            if name in self.objects:
                return self.objects[name]
        return None

    def _part(self, part: KeyPart, depth: int) -> str | None:
        if part.kind == "lit":
            return part.value
        if part.kind == "case":
            case, _, name = part.value.partition(":")
            text = self._part(KeyPart("sym", name), depth + 1) if case in _CASED else None
            return None if text is None else _CASED[case](text)
        if depth > _MAX_DEPTH or part.kind not in ("sym", "obj", "fmt"):
            return None
        for name in self.aliases(part.value):
            if part.kind == "obj" or (part.kind == "sym" and name in self.objects):
                definition = self.objects.get(name)
                if definition is not None:
                    key, pattern = self.key(definition.key_ref)
                    return None if pattern else key
            parts = self.values.get(name)
            if parts is not None and not (len(parts) == 1 and parts[0].kind == "sym"):
                texts = [self._part(p, depth + 1) for p in parts]
                return None if any(t is None for t in texts) else "".join(t for t in texts if t is not None)
        return None

    def aliases(self, symbol: str) -> list[str]:
        """``symbol`` and what it stands for through imports and ``X = Y``, nearest first."""
        seen = [symbol]
        current = symbol
        for _ in range(_MAX_DEPTH):
            target = self._alias_of(current)
            if target is None or target in seen:
                break
            seen.append(target)
            current = target
        return seen

    def _alias_of(self, name: str) -> str | None:
        parts = self.values.get(name)
        if parts is not None:
            return parts[0].value if len(parts) == 1 and parts[0].kind == "sym" else None
        head, _, rest = name.rpartition(".")
        while head:
            parts = self.values.get(head)
            if parts is not None and len(parts) == 1 and parts[0].kind == "sym":
                return f"{parts[0].value}.{name[len(head) + 1:]}"
            head, _, _ = head.rpartition(".")
        return None


_CASED = {"upper": str.upper, "lower": str.lower}
"""What a ``case`` part may do to the constant it names (the part is read from a cache anyone can write)."""


def traced_receivers(facts: Iterable[FileFacts], made_by_sdk: Callable[[str], bool]) -> frozenset[str]:
    """Deferred receivers whose origin, followed across modules, is an SDK client or a flag object."""
    facts = list(facts)
    deferred = {symbol for f in facts for symbol in f.deferred}
    if not deferred:
        return frozenset()
    resolver = Resolver.from_facts(facts)
    return frozenset(s for s in deferred
                     if made_by_sdk(resolver.made_origin(s) or "") or resolver.object(s) is not None)


def build_flags(facts: Iterable[FileFacts], test_patterns: tuple[str, ...], settings_paths: tuple[str, ...],
                wrappers: frozenset[str] = frozenset()) -> tuple[Flag, ...]:
    """Resolve every site and definition and group them by (key, sdk); definitions in test code do not count.

    A wrapper's own check (its key is made from its parameter) is not a flag site once
    its callers are found: they are, with their keys. Nor is a check in a
    closure of a helper of its parameter (a guard maker's or a decorator
    factory's), or a definer's definition of it: only the helper's callers give
    it a key.
    """
    facts = list(facts)
    called = {site.via[0] for f in facts for site in f.sites if site.via}
    helpers, wrappers = wrappers, wrappers & called
    resolver = Resolver.from_facts(facts)
    sites: dict[tuple[str | None, str, bool], list[Site]] = defaultdict(list)
    tests: dict[tuple[str | None, str, bool], list[Site]] = defaultdict(list)
    definitions: dict[tuple[str | None, str, bool], list[Definition]] = defaultdict(list)
    for file_facts in facts:
        is_test = is_test_path(file_facts.path, test_patterns)
        for site in file_facts.sites:
            first = site.key_ref.parts[0].kind if site.key_ref.parts else ""
            given = any(part.kind == "param" for part in site.key_ref.parts)
            outer = enclosing(site.function)
            if given and (site.function in wrappers or not helpers.isdisjoint(outer[1:])) \
                    or first == "item" and not wrappers.isdisjoint(outer):
                continue
            for resolved, key, pattern in resolve_sites(site, resolver):
                if key is None and resolved.rule.endswith(ENVIRONMENT_READ):
                    continue  # ``os.environ.get(name)`` in a helper of the deployment's values: no switch in sight
                (tests if is_test else sites)[(key, resolved.sdk, pattern)].append(resolved)
                if not is_test:
                    _documented(definitions[(key, resolved.sdk, pattern)], resolver.annotations(resolved.key_ref),
                                resolved.sdk)
        for definition in () if is_test else file_facts.definitions:  # a test's flag objects are fixtures
            if helpers and any(part.kind == "param" for part in definition.key_ref.parts) \
                    and any(f.name in helpers and f.line <= definition.line <= f.end for f in file_facts.functions):
                continue  # a definer's own, whose callers give the keys
            key, pattern = resolver.key(definition.key_ref)
            definitions[(key, definition.sdk, pattern)].append(definition)
            _documented(definitions[(key, definition.sdk, pattern)], resolver.annotations(definition.key_ref),
                        definition.sdk)
    _dashed_in_templates(sites, definitions)
    toggles = _toggle_blocks(facts, test_patterns)
    booleans = boolean_settings(facts, settings_paths, lambda path: is_test_path(path, test_patterns))
    valued = literal_settings(facts, settings_paths, lambda path: is_test_path(path, test_patterns))
    assigned = set_names(facts, settings_paths, lambda path: is_test_path(path, test_patterns))
    flags = []
    for identity in sorted(set(sites) | set(tests) | set(definitions), key=_flag_order):
        key, sdk, pattern = identity
        found = [*sites.get(identity, ()), *tests.get(identity, ())]
        if not definitions.get(identity) and (not is_flag_setting(key, found, booleans)
                                              or sdk == SETTINGS_SDK and key in valued):
            continue  # an ordinary setting, or one the settings modules give a list, a text, a number
        if key is not None and key not in assigned and _in_mixed_dict(key, found):
            continue  # an entry of a settings dict of values of every kind that the settings do not set to a bool
        if found and assigned and not definitions.get(identity) and key not in assigned \
                and DYNAMIC_SETTINGS not in assigned and all(s.rule.endswith(CONTEXT_READ) for s in found):
            # a name a context processor computes ({% if PASSKEYS_ENABLED %}, HyphaApp/hypha) or a tag binds (as X)
            # is a setting only where the settings modules in sight set it
            continue
        if key in toggles and not pattern and sites.get(identity):
            seen = {(d.path, d.line) for d in (*definitions.get(identity, ()), *sites[identity])}
            _documented(definitions[identity], [d for d in toggles[key] if (d.path, d.line) not in seen], sdk)
        flags.append(Flag(
            key=key, sdk=sdk, pattern=pattern,
            definitions=tuple(sorted(definitions.get(identity, ()), key=_position)),
            sites=tuple(sorted(sites.get(identity, ()), key=_position)),
            test_sites=tuple(sorted(tests.get(identity, ()), key=_position)),
        ))
    return tuple(flags)


def _dashed_in_templates(sites: dict[tuple[str | None, str, bool], list[Site]],
                         definitions: dict[tuple[str | None, str, bool], list[Definition]]) -> None:
    """Template reads of a context processor's dict (:data:`CONTEXT_DICT`) of a key other code spells with dashes
    where they have underscores (crt-portal's ``{% if ENABLED_FEATURES.dj_number %}`` of the row the Python asks for
    as ``"dj-number"``, the dict keyed by each row's ``snake_case()``): an attribute cannot hold a dash, so they read
    that key, and join its sites."""
    for identity in [i for i in sites if i[0] and "_" in i[0] and not i[2] and not definitions.get(i)]:
        key, sdk, _ = identity
        dashed = (key.replace("_", "-"), sdk, False)  # type: ignore[union-attr]  # a key, by the test above
        if (sites.get(dashed) or definitions.get(dashed)) \
                and all(s.rule.startswith(CONTEXT_DICT) for s in sites[identity]):
            sites[dashed].extend(sites.pop(identity))
            definitions.pop(identity, None)  # none but the empty list the documented constants were gathered in


def enclosing(function: str) -> list[str]:
    """``a.f.inner`` -> ``a.f.inner``, ``a.f``, ``a``: a function and those it may be nested in (an inferred
    wrapper that checks each item of its parameter may do it in a nested function)."""
    names = [function]
    while "." in names[-1]:
        names.append(names[-1].rpartition(".")[0])
    return names


def _documented(definitions: list[Definition], notes: list[Definition], sdk: str) -> None:
    """Add the annotated constants a key went through (``WaffleFlag(f"{NS}.{ENABLE_X}")``, ``flag(ENABLE_X)``) to
    its flag's definitions, once each."""
    for note in notes:
        documented = replace(note, sdk=sdk)
        if documented not in definitions:
            definitions.append(documented)


def _toggle_blocks(facts: list[FileFacts], test_patterns: tuple[str, ...]) -> dict[str, list[Definition]]:
    """Open edX annotation blocks outside tests by the key their ``toggle_name`` names, as the definitions that
    document the key (action ``annotate``); blocks above an annotated key constant are documented through it."""
    found: dict[str, list[Definition]] = defaultdict(list)
    for file_facts in facts:
        if file_facts.symbols is None or is_test_path(file_facts.path, test_patterns):
            continue
        constants = {line for _, line, _ in file_facts.symbols.notes}
        for name, line, notes in file_facts.symbols.toggles:
            if line not in constants:
                found[name].append(Definition(file_facts.path, line, 0, "annotation", "", KeyRef(
                    (KeyPart("lit", name),), repr(name)), "annotate", None, notes))
    return found


def _in_mixed_dict(key: str, sites: list[Site]) -> bool:
    """Whether every site reads the key as an entry of a settings dict inferred from its switches alone
    (wger-project/wger's ``WGER_SETTINGS["EMAIL_FROM"]`` beside ``WGER_SETTINGS["ALLOW_REGISTRATION"]``), not one
    named as a dict of flags."""
    return "[" in key and not is_flag_dict(key.partition("[")[0]) and bool(sites) and all(
        s.rule == INFERRED_DICTS for s in sites)


def is_flag_setting(key: str | None, sites: list[Site], booleans: frozenset[str] = frozenset()) -> bool:
    """Whether ``getattr(settings, "X", False)`` (or a read a rule counts only where declared, django-constance's
    ``config.X``) reads a flag rather than an ordinary setting: its name says so (``ENABLE_X``, ``X_ENABLED``,
    ``ALLOW_X``, ``CAN_X``, ``USE_X``, ``DEMO_MODE``), or an edx annotation declares it a toggle. So does a setting
    every site of which names it to a helper of the project that reads settings by name (DefectDojo's template filter
    ``'TRACK_IMPORT_HISTORY'|setting_enabled`` over ``getattr(settings, name, False)``), and one of the ``booleans``
    the settings modules read from the environment (:func:`flagaudit.model.boolean_settings.boolean_settings`). A
    predicate over reads by name of any value is such a read (openedx/edx-drf-extensions' ``get_user_info_url()``
    returns ``get_setting(OAUTH2_USER_INFO_URL)``, a URL); one over ``getattr(settings, "X", False)`` is a gate (a
    boolean asked as one, openedx/enterprise-integrated-channels' ``is_json_logging_enabled()``). Sites of every
    other rule, and settings a toggle object or a declaration defines, always count."""
    predicates = [s for s in sites if s.sdk == SETTINGS_SDK and s.rule.startswith("predicate/")]
    by_name = len(predicates) < len(sites) and all(map(_by_name, (s for s in sites if s not in predicates)))
    if not sites or not all(s.rule.endswith(GETATTR_READ) or _by_name(s) or by_name and s in predicates or (
            s.sdk == SETTINGS_SDK and s.rule.startswith("wrapper/") and key is not None and "[" not in key)
            for s in sites):
        return True
    if key in booleans or any(name == "toggle_name" for s in sites for name, _ in s.annotations):
        return True
    if all(map(_by_name, sites)):  # every value is read so: only a switch's name will do
        return key is None or SWITCH_NAME.fullmatch(key.upper()) is not None  # a read by a name not known may be any
    return key is not None and named_as_flag(key)


def _by_name(site: Site) -> bool:
    """Whether the site reads any value by its name (:data:`DECLARED_READ`), itself or through a helper a template
    calls."""
    return site.rule.removesuffix(TEMPLATE_READ).endswith(DECLARED_READ)


def resolve_sites(site: Site, resolver: Resolver) -> list[tuple[Site, str | None, bool]]:
    """:func:`resolve_site` of each key the site may ask for (:meth:`Resolver.turns`)."""
    turns = resolver.turns(site.key_ref)
    return [resolved for turn in turns
            if (resolved := resolve_site(site if turn is site.key_ref else replace(site, key_ref=turn), resolver))]


def resolve_site(site: Site, resolver: Resolver) -> tuple[Site, str | None, bool] | None:
    """Resolve a site's key; an ``obj`` receiver that is no flag object is no site (``None``),
    nor is a generic method on an object that cannot be traced to the SDK."""
    if site.proof is not None:
        origin = resolver.made_origin(site.proof.symbol)
        made_by_sdk = origin is not None and within_modules(origin, site.proof.modules)
        if not (made_by_sdk or (origin is None and site.proof.imported)):
            return None
    parts = site.key_ref.parts
    if len(parts) == 1 and parts[0].kind == "obj":
        definition = resolver.object(parts[0].value)
        if definition is None:
            return None
        method = site.rule.rsplit(".", 1)[-1]
        site = replace(site, rule=f"{definition.rule}.{method}", sdk=definition.sdk)
        key, pattern = resolver.key(definition.key_ref)
        return site, key, pattern
    key, pattern = resolver.key(site.key_ref)
    return site, key, pattern


@lru_cache(maxsize=65536)
def is_test_path(path: str, patterns: tuple[str, ...]) -> bool:
    """Test code by folder (``tests/``, ``*_tests/``) or file name (``test_*.py``)."""
    parts = path.split("/")
    folders, files = _test_patterns(patterns)
    return not folders[0].isdisjoint(parts[:-1]) or any(glob_match(part, folders[1]) for part in parts[:-1]) \
        or glob_match(parts[-1], files) or glob_match(path, files)


@lru_cache(maxsize=16)
def _test_patterns(patterns: tuple[str, ...]) -> tuple[tuple[frozenset[str], tuple[str, ...]], tuple[str, ...]]:
    """Test folders named exactly, test folders given as globs, and file globs."""
    folders = [p[:-1] for p in patterns if p.endswith("/")]
    return ((frozenset(f for f in folders if "*" not in f), tuple(f for f in folders if "*" in f)),
            tuple(p for p in patterns if not p.endswith("/")))


def _flag_order(identity: tuple[str | None, str, bool]) -> tuple[bool, str, str, bool]:
    key, sdk, pattern = identity
    return (key is None, key or "", sdk, pattern)


def _position(item: Site | Definition) -> tuple[str, int, int, str]:
    return (item.path, item.line, item.column, item.rule)
