"""An SDK the project's code imports, of which the scan found no check: said in a note, so that "no findings"
never stands for flags read in a way no rule knows (a project's own models on the SDK's base classes, helpers
built on its internals), which only a rule file can describe."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flagaudit.facts import FileFacts, Flag
from flagaudit.sdk_rules import RuleSet, within_modules


def unread_sdks(facts: Iterable[FileFacts], rules: RuleSet, flags: Iterable[Flag],
                is_test: Callable[[str], bool]) -> tuple[str, ...]:
    """One note for each rule file with checks whose modules non-test code imports, when no flag of its SDKs has a
    site or a definition. A module that shares its top-level name with one of the project's own (a package named
    ``flags``) says nothing of the SDK."""
    facts = [f for f in facts if f.symbols is not None and not is_test(f.path)]
    own = {f.symbols.module.split(".")[0] for f in facts if f.symbols and f.symbols.module}
    flags = list(flags)
    read = {site.sdk for flag in flags for site in flag.sites} | {d.sdk for flag in flags for d in flag.definitions}
    notes = []
    for rule_file in rules.files:
        sdks = {rule.sdk for rule in rule_file.checks} | {rule.sdk for rule in rule_file.objects}
        modules = tuple(m for m in rule_file.modules if m.split(".")[0] not in own)
        if not sdks or not modules or sdks & read:
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
