"""Small shared helpers for tests: analyse code held in memory, read timelines, scan the bundled fixtures."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from flagaudit.facts import Flag, Inventory, Timeline
from flagaudit.history.walk import History
from flagaudit.scan.project import ScanOptions, flags_in_memory, scan
from flagaudit.sdk_rules import RuleSet, load_rules

_RULES: RuleSet | None = None


def builtin_rules() -> RuleSet:
    global _RULES
    if _RULES is None:
        _RULES = load_rules()
    return _RULES


def flags_in(files: dict[str, str], rules: RuleSet | None = None,
             tests: tuple[str, ...] = ("tests/",)) -> tuple[Flag, ...]:
    """Flags found in ``{path: source}`` (dedented) by the same passes a scan runs; module names come from
    the paths."""
    return flags_in_memory({path: textwrap.dedent(code).encode() for path, code in files.items()},
                           rules or builtin_rules(), tests)


def story(found: History, key: str) -> list[tuple[str, str]]:
    """(kind, day) of each event of ``key``."""
    return [(e.kind, e.date[:10]) for e in timeline(found, key).events]


def timeline(found: History, key: str) -> Timeline:
    return next(t for t in found.timelines if t.key == key)


def keys(flags: tuple[Flag, ...]) -> set[tuple[str, str | None]]:
    """(sdk, key) of every flag with at least one site or definition."""
    return {(f.sdk, f.key) for f in flags}


class FixtureProject:
    """A bundled fixture codebase under ``fixtures/``, scanned once, with lines located by their text
    (so editing the fixture never silently shifts what a test means)."""

    def __init__(self, name: str) -> None:
        self.root = Path(__file__).resolve().parent.parent / "fixtures" / name
        self.marker = f"fixtures/{name}/"
        self._inventory: Inventory | None = None
        self._lines: dict[str, list[str]] = {}

    def inventory(self) -> Inventory:
        if self._inventory is None:
            self._inventory = scan((str(self.root),), ScanOptions(use_cache=False))
        return self._inventory

    def rel(self, path: str) -> str:
        """A path relative to the fixture root, whatever root the scan chose."""
        return path.split(self.marker, 1)[1] if self.marker in path else path

    def line_of(self, path: str, snippet: str) -> int:
        """1-based line of the one line in the fixture's ``path`` that contains ``snippet``."""
        if path not in self._lines:
            self._lines[path] = (self.root / path).read_text(encoding="utf-8").splitlines()
        found = [n for n, text in enumerate(self._lines[path], 1) if snippet in text]
        assert len(found) == 1, f"{snippet!r} occurs {len(found)} times in {path}"
        return found[0]

    def span(self, path: str, first: str, last: str | None = None) -> tuple[int, int]:
        return (self.line_of(path, first), self.line_of(path, last or first))

    def flag(self, inventory: Inventory, sdk: str, key: str | None) -> Flag:
        found = [f for f in inventory.flags if f.sdk == sdk and f.key == key]
        assert len(found) == 1, f"{len(found)} flags for {(sdk, key)}; have {sorted(keys(inventory.flags), key=str)}"
        return found[0]


def counted_calls(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str) -> list[int]:
    """One item for each call of ``module.name`` from now on (the real function still runs): how often a stage
    that a cache should spare ran."""
    calls: list[int] = []
    real: Callable[..., Any] = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls
