"""An SDK the project's code imports, of which the scan found no check, or no flag at all: said in a note, so
that "no findings" never stands for flags read in a way no rule knows (a project's own models on the SDK's base
classes, helpers built on its internals, a per-user JSON field), which only a rule file can describe."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable

from flagaudit.facts import FileFacts, Flag
from flagaudit.sdk_rules import RuleSet, within_modules


def unread_sdks(facts: Iterable[FileFacts], rules: RuleSet, flags: Iterable[Flag],
                is_test: Callable[[str], bool]) -> tuple[str, ...]:
    """One note for each rule file with checks whose modules non-test code imports only to read flags, when no flag
    of its SDKs has a site or a definition. A module that shares its top-level name with one of the project's own
    (a package named ``flags``) says nothing of the SDK."""
    facts = [f for f in facts if f.symbols is not None and not is_test(f.path)]
    own = {f.symbols.module.split(".")[0] for f in facts if f.symbols and f.symbols.module}
    flags = list(flags)
    read = {site.sdk for flag in flags for site in flag.sites} | {d.sdk for flag in flags for d in flag.definitions}
    bound = _bound_names(facts)
    notes = []
    for rule_file in rules.files:
        sdks = {rule.sdk for rule in rule_file.checks} | {rule.sdk for rule in rule_file.objects}
        modules = tuple(m for m in rule_file.modules if m.split(".")[0] not in own)
        if not rule_file.flags_only or not sdks or not modules or sdks & read \
                or not any(_names_within(bound, m) for m in modules):
            continue
        importers = sorted(f.path for f in facts if f.symbols and any(
            len(parts) == 1 and parts[0].kind == "sym" and within_modules(parts[0].value, modules)
            for _, parts in f.symbols.constants))
        if importers:
            more = f" and {len(importers) - 1} more" if len(importers) > 1 else ""
            notes.append(f"{rule_file.title} is imported ({importers[0]}{more}) but no check of it was found; if "
                         "flags are read through the project's own models or helpers on it, a rule describes them "
                         "(`flagaudit init` proposes some; docs/writing-rules.md)")
    return tuple(notes)


def _bound_names(facts: list[FileFacts]) -> list[str]:
    """Every name a module binds to another (its imports and ``X = other.Y``), sorted: which SDK modules are
    imported at all is then a search per module, not a pass over every file's constants for each rule file of
    an SDK with no check found (0.15 s on osf.io, which reads one SDK of twelve)."""
    return sorted({parts[0].value for f in facts if f.symbols for _, parts in f.symbols.constants
                   if len(parts) == 1 and parts[0].kind == "sym"})


def _names_within(names: list[str], module: str) -> bool:
    """Whether sorted ``names`` hold ``module`` or a name in it."""
    at = bisect_left(names, module)
    if at < len(names) and names[at] == module:
        return True
    inside = bisect_left(names, module + ".")
    return inside < len(names) and names[inside].startswith(module + ".")


def unread_flags(flags: Iterable[Flag], lines: int, notes: tuple[str, ...]) -> tuple[str, ...]:
    """``notes``, or, when the scan read Python and found no flag at all and no note says why, one that says so:
    "no findings" then judged nothing (learningequality/studio asks its own ``check_feature_flag("name")``)."""
    if notes or lines == 0 or any(True for _ in flags):
        return notes
    return ("no flag check or definition was found: if the project reads its flags through helpers or models of "
            "its own, a rule describes them (`flagaudit init` proposes some; docs/writing-rules.md)",)
