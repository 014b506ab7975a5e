"""Small shared helpers for tests: analyse code held in memory, build real git repositories."""

from __future__ import annotations

import textwrap

from pathlib import Path

from flagaudit.api import Source, analyse
from flagaudit.cache import FactCache, content_key
from flagaudit.config import Config
from flagaudit.facts import Flag
from flagaudit.model import build_flags
from flagaudit.rules import RuleSet, load_rules
from flagaudit.wrappers import wrapper_functions

_RULES: RuleSet | None = None


def builtin_rules() -> RuleSet:
    global _RULES
    if _RULES is None:
        _RULES = load_rules()
    return _RULES


def flags_in(files: dict[str, str], rules: RuleSet | None = None, tests: tuple[str, ...] = ("tests/",)) -> tuple[Flag, ...]:
    """Flags found in ``{path: source}`` by the same passes a scan runs; module names come from the paths."""
    rules = rules or builtin_rules()
    sources = []
    for path, code in files.items():
        module = path[:-3].replace("/", ".").removesuffix(".__init__") if path.endswith(".py") else ""
        data = textwrap.dedent(code).encode()
        sources.append(Source(path, module, data, content_key(path, module, data)))
    config = Config(root=Path("."), test_paths=tests)
    facts, inferred = analyse(sources, rules, config, FactCache(None), workers=1)
    return build_flags(facts, tests, wrapper_functions(inferred))


def keys(flags: tuple[Flag, ...]) -> set[tuple[str, str | None]]:
    """(sdk, key) of every flag with at least one site or definition."""
    return {(f.sdk, f.key) for f in flags}
