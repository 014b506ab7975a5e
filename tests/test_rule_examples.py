"""Every built-in rule proves itself: its ``match`` examples must be found, its ``no_match`` ones must not."""

from __future__ import annotations

import pytest

from flagaudit.sdk_rules import CheckRule, DefineRule, ObjectRule, SettingRule, TextRule
from tests.helpers import builtin_rules, flags_in

Entry = CheckRule | ObjectRule | DefineRule | SettingRule | TextRule


def _entries() -> list[tuple[str, Entry]]:
    rules = builtin_rules()
    found = []
    for rule_file in rules.files:
        for entry in (*rule_file.checks, *rule_file.objects, *rule_file.defines, *rule_file.settings, *rule_file.texts):
            found.append((entry.id, entry))
    return found


def _example_path(entry: Entry) -> str:
    if isinstance(entry, TextRule):
        return "static/app.js" if "*.js" in entry.files else "app/templates/example.html"
    return "example.py"


def _matched(entry: Entry, code: str) -> set[str | None]:
    """Keys of every site or definition that this rule entry produced for ``code``."""
    found = set()
    for flag in flags_in({_example_path(entry): code}):
        for item in (*flag.sites, *flag.definitions):
            if item.rule == entry.id or item.rule.startswith(entry.id + "."):
                found.add(flag.key)
    return found


ENTRIES = _entries()


def test_every_rule_file_has_examples() -> None:
    for rule_file in builtin_rules().files:
        entries = (*rule_file.checks, *rule_file.objects, *rule_file.defines, *rule_file.settings, *rule_file.texts)
        assert any(e.match for e in entries), f"{rule_file.path} has no match examples"


@pytest.mark.parametrize(("rule_id", "entry"), ENTRIES, ids=[i for i, _ in ENTRIES])
def test_match_examples(rule_id: str, entry: Entry) -> None:
    for example in entry.match:
        found = _matched(entry, example.code)
        assert found, f"{rule_id} did not match:\n{example.code}"
        if example.key is not None:
            assert example.key in found, f"{rule_id}: expected key {example.key!r}, found {found}"


@pytest.mark.parametrize(("rule_id", "entry"), ENTRIES, ids=[i for i, _ in ENTRIES])
def test_no_match_examples(rule_id: str, entry: Entry) -> None:
    for example in entry.no_match:
        assert not _matched(entry, example.code), f"{rule_id} matched a look-alike:\n{example.code}"
