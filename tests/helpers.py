"""Small shared helpers for tests: analyse code held in memory, build real git repositories."""

from __future__ import annotations

import textwrap

from flagaudit.facts import Flag
from flagaudit.extract import extract
from flagaudit.model import build_flags
from flagaudit.rules import RuleSet, load_rules

_RULES: RuleSet | None = None


def builtin_rules() -> RuleSet:
    global _RULES
    if _RULES is None:
        _RULES = load_rules()
    return _RULES


def flags_in(files: dict[str, str], rules: RuleSet | None = None, tests: tuple[str, ...] = ("tests/",)) -> tuple[Flag, ...]:
    """Flags found in ``{path: source}``; module names come from the paths."""
    rules = rules or builtin_rules()
    facts = []
    for path, code in files.items():
        module = path[:-3].replace("/", ".").removesuffix(".__init__") if path.endswith(".py") else ""
        facts.append(extract(path, module, textwrap.dedent(code).encode(), rules, 5_000_000))
    return build_flags(facts, tests)


def keys(flags: tuple[Flag, ...]) -> set[tuple[str, str | None]]:
    """(sdk, key) of every flag with at least one site or definition."""
    return {(f.sdk, f.key) for f in flags}
