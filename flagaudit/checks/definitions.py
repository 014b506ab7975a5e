"""Registry findings: checks and definitions that do not match up (FA401-FA402)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from fnmatch import fnmatch

from flagaudit.checks import CheckInput, Family, FindingRule, project
from flagaudit.checks.nearest import nearest
from flagaudit.facts import Evidence, Finding, Flag
from flagaudit.sdk_rules import DECLARED_READ, SETTINGS_SDK

_TOGGLES = """
    from edx_toggles.toggles import WaffleFlag

    ENABLE_NEW_NAV = WaffleFlag("nav.enable_new", __name__)
    ENABLE_BETA = WaffleFlag("nav.enable_beta", __name__)
"""

UNKNOWN = FindingRule(
    "FA401", "unknown-flag", "warning",
    "A key is checked but not defined, in a project that defines that SDK's flags in its code (flag objects such "
    "as edx-toggles' `WaffleFlag`, registry calls such as `features.add(...)`, a class of key constants); the "
    "message suggests the nearest defined key. Rows of a flag model (django-waffle flags created in the admin or "
    "by a data migration) are no such definitions: a key the admin creates is never unknown.",
    "A typo in a key is a flag that is silently always off.",
    "Fix the key, or define the flag where the project defines its flags. Settings flags are not checked: "
    "settings are defined by the deployment.",
    fires=(project({"nav/__init__.py": "", "nav/toggles.py": """
        from edx_toggles.toggles import WaffleFlag

        ENABLE_NEW_NAV = WaffleFlag("nav.enable_new", __name__)
    """, "nav/views.py": """
        from waffle import flag_is_active

        from nav.toggles import ENABLE_NEW_NAV


        def menu(request):
            if ENABLE_NEW_NAV.is_enabled():
                return "new"
            if flag_is_active(request, "nav.enable_nwe"):
                return "typo"
            return "old"
    """}),),
    silent=(project({"nav/views.py": """
        from waffle import flag_is_active


        def menu(request):
            if flag_is_active(request, "nav.enable_nwe"):
                return "new"
            return "old"
    """}), project({"nav/__init__.py": "", "nav/migrations/__init__.py": "", "nav/migrations/0003_flags.py": """
        def add_flags(apps, schema_editor):
            Flag = apps.get_model("waffle", "Flag")
            Flag.objects.get_or_create(name="nav.enable_new")
    """, "nav/views.py": """
        from waffle import flag_is_active


        def menu(request):
            if flag_is_active(request, "nav.enable_new"):
                return "new"
            if flag_is_active(request, "nav.enable_news"):  # created in the admin
                return "news"
            return "old"
    """})),
)
UNUSED = FindingRule(
    "FA402", "unused-flag", "warning",
    "A key is defined but never checked outside tests (a flag object never asked, a registry entry with no site). "
    "Keys whose registry row is deleted are retired, not unused, and so is no django-constance switch where the code "
    "reads its config by a name not known (`getattr(config, key)`).",
    "A definition with no reader is either a leftover to delete or a check that was lost in a refactor.",
    "Delete the definition (and its data migration row), or restore the check.",
    fires=(project({"nav/__init__.py": "", "nav/toggles.py": _TOGGLES, "nav/views.py": """
        from nav.toggles import ENABLE_NEW_NAV


        def menu(request):
            return "new" if ENABLE_NEW_NAV.is_enabled() else "old"
    """}),),
    silent=(project({"nav/__init__.py": "", "nav/toggles.py": _TOGGLES, "nav/views.py": """
        from nav.toggles import ENABLE_BETA, ENABLE_NEW_NAV


        def menu(request):
            if ENABLE_BETA.is_enabled():
                return "beta"
            return "new" if ENABLE_NEW_NAV.is_enabled() else "old"
    """}),),
)


def _registry(given: CheckInput) -> list[Finding]:
    return registry_findings(given.flags, given.registries,
                             given.suggestions.nearest if given.suggestions else nearest)


FAMILY = Family((UNKNOWN, UNUSED), "code", _registry)


def registry_findings(flags: Iterable[Flag], registries: frozenset[str] = frozenset(),
                      suggest: Callable[[str, Sequence[str]], str | None] = nearest) -> list[Finding]:
    """FA401 against the keys of registry rules (``registries``: their ids), FA402 for every kind of definition;
    ``suggest``: the nearest defined key to an unknown one (:func:`nearest`, or one that remembers)."""
    flags = list(flags)
    defined: dict[str, set[str]] = defaultdict(set)
    patterns: dict[str, list[str]] = defaultdict(list)
    for flag in flags:
        if flag.key is None:
            if any(site.rule.endswith(DECLARED_READ) for site in flag.sites):
                patterns[flag.sdk].append("*")  # getattr(config, name): any declared value may be read
            continue
        if flag.pattern and (flag.sites or flag.test_sites):
            patterns[flag.sdk].append(flag.key)
        elif any(d.action == "define" and d.rule in registries for d in flag.definitions):
            defined[flag.sdk].add(flag.key)
    findings = []
    in_order = {sdk: sorted(keys) for sdk, keys in defined.items()}
    for flag in flags:
        if flag.key is None or flag.pattern:
            continue
        if flag.sites and not flag.definitions and defined.get(flag.sdk) and flag.sdk != SETTINGS_SDK:
            findings.append(_unknown(flag, in_order[flag.sdk], suggest))
        elif (any(d.action == "define" for d in flag.definitions) and not flag.sites
              and not any(d.action == "delete" for d in flag.definitions)
              and not any(fnmatch(flag.key, p) for p in patterns.get(flag.sdk, ()))):
            findings.append(_unused(flag))
    return findings


def _unknown(flag: Flag, defined: list[str], suggest: Callable[[str, Sequence[str]], str | None]) -> Finding:
    site = flag.sites[0]
    match = suggest(flag.key or "", defined)
    hint = f"; did you mean {match!r}?" if match else ""
    evidence = [Evidence("site", f"{s.path}:{s.line}", s.function) for s in flag.sites]
    if match:
        evidence.append(Evidence("note", f"nearest defined {flag.sdk} key: {match}"))
    return UNKNOWN.finding(flag, site.path, site.line, site.column,
                          f"{flag.key!r} is checked but not defined among the project's {len(defined)} {flag.sdk} "
                          f"definitions{hint}", evidence)


def _unused(flag: Flag) -> Finding:
    definition = next(d for d in flag.definitions if d.action == "define")
    evidence = [Evidence("definition", f"{d.path}:{d.line}", d.rule) for d in flag.definitions]
    if flag.test_sites:
        evidence.append(Evidence("note", "read only by tests: "
                                 f"{', '.join(f'{s.path}:{s.line}' for s in flag.test_sites)}"))
    return UNUSED.finding(flag, definition.path, definition.line, definition.column,
                          f"{flag.key!r} is defined but never checked outside tests", evidence)
