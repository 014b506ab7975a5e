"""A file analysed again under a later pass's rules reuses its parse (the last file parsed is kept), and gives
what an analysis from its bytes alone gives: real modules of the shop fixture, under the built-in rules and
those rules extended with an inferred wrapper."""

from __future__ import annotations

from pathlib import Path

import pytest

from flagaudit.extract.file_facts import extract
from flagaudit.extract.reuse import Earlier
from flagaudit.sdk_rules import CheckRule, KeyArg, RuleSet, load_rules, with_inferred

MAX = 10_000_000
SHOP = Path(__file__).resolve().parent.parent / "fixtures" / "shop"
MODULES = sorted(p.relative_to(SHOP).as_posix() for p in (SHOP / "shop").rglob("*.py"))
OTHER = b"import os\n\ndef other():\n    return os.getcwd()\n"


def _extended(rules: RuleSet) -> RuleSet:
    wrapper = CheckRule(id="wrapper/shop.flags.is_on", sdk="waffle-flag", key=(KeyArg(0, "name"),),
                        via=("shop.flags.is_on",), functions=("shop.flags.is_on",), methods=("is_on",))
    return with_inferred(rules, (wrapper,), frozenset(), "test")


def _module(path: str) -> str:
    return path[:-3].replace("/", ".").removesuffix(".__init__")


def _fresh(path: str, data: bytes, rules: RuleSet, module: str | None = None) -> object:
    """The facts with nothing kept from an earlier parse of the same file (another file parsed in between)."""
    extract("elsewhere/other.py", "elsewhere.other", OTHER, rules, MAX)
    return extract(path, module or _module(path), data, rules, MAX)


@pytest.mark.parametrize("path", MODULES)
def test_a_second_pass_on_the_same_file_gives_a_fresh_analysis(path: str) -> None:
    rules = load_rules()
    extended = _extended(rules)
    data = (SHOP / path).read_bytes()
    before = extract(path, _module(path), data, rules, MAX)
    again = extract(path, _module(path), data, extended, MAX, Earlier(before, rules))
    plain = extract(path, _module(path), data, extended, MAX)
    assert again == plain == _fresh(path, data, extended)
    assert before == _fresh(path, data, rules)


def test_other_bytes_or_module_under_the_same_path_are_parsed_again() -> None:
    rules = load_rules()
    path = "shop/catalog/views.py"
    data = (SHOP / path).read_bytes()
    first = extract(path, _module(path), data, rules, MAX)
    edited = b"print(1)\n" + data
    second = extract(path, _module(path), edited, rules, MAX)
    assert second == _fresh(path, edited, rules) != first
    assert [s.line - 1 for s in second.sites] == [s.line for s in first.sites]
    extract(path, _module(path), data, rules, MAX)
    renamed = extract(path, "shop.catalog.other", data, rules, MAX)
    assert renamed == _fresh(path, data, rules, "shop.catalog.other") != first
