"""A later inference pass keeps the spans its new rules cannot change, and gives what a fresh analysis gives.

Each case extracts a real module under the built-in rules, then again under the rules extended with an inferred
wrapper (``app.flags.is_on``, also as a method) with the first facts as ``earlier``, and compares that with a
fresh extraction under the extended rules: every way of calling the wrapper must make its span analysed again.
"""

from __future__ import annotations

import textwrap

import pytest

from flagaudit.extract.file_facts import extract
from flagaudit.extract.reuse import Earlier
from flagaudit.sdk_rules import CheckRule, KeyArg, RuleSet, load_rules, with_inferred

MAX = 10_000_000

_PLAIN = '''
from waffle import flag_is_active

def unrelated(request):
    if flag_is_active(request, "plain"):
        return 1
    return 2
'''

CASES = {
    "direct call": "from app.flags import is_on\n\ndef view(request):\n    return is_on(\"new\")\n",
    "call on a line already a candidate": (
        "from app.flags import is_on\n\ndef view(request):\n"
        "    return flag_is_active(request, \"a\") and is_on(\"b\")\n"),
    "module import under another name": (
        "from app.flags import is_on as enabled\n\ndef view(request):\n"
        "    return flag_is_active(request, \"a\") or enabled(\"b\")\n"),
    "function import under another name": (
        "def view(request):\n    from app.flags import is_on as check\n"
        "    return flag_is_active(request, \"a\") or check(\"b\")\n"),
    "parenthesised callee": (
        "from app import flags\n\ndef view(request):\n"
        "    return flag_is_active(request, \"a\") or (flags.is_on)(\"b\")\n"),
    "comment before the parenthesis": (
        "from app import flags\n\ndef view(request):\n"
        "    return (flag_is_active(request, \"a\") or flags.is_on  # why\n"
        "            (\"b\"))\n"),
    "method of that name": (
        "def view(request, toggles):\n    return flag_is_active(request, \"a\") or toggles.is_on(\"b\")\n"),
    "call in an annotation": (
        "from app.flags import is_on\n\ndef view(request, x: is_on(\"b\") = flag_is_active(request, \"a\")):\n"
        "    return x\n"),
    "only the definition's own name": (
        "def is_on(name):\n    return flag_is_active(None, name)\n"),
}


def _extended(rules: RuleSet) -> RuleSet:
    wrapper = CheckRule(id="wrapper/app.flags.is_on", sdk="waffle-flag", key=(KeyArg(0, "name"),),
                        via=("app.flags.is_on",), functions=("app.flags.is_on",), methods=("is_on",))
    return with_inferred(rules, (wrapper,), frozenset(), "test")


@pytest.mark.parametrize("case", sorted(CASES))
def test_kept_facts_are_a_fresh_analysis(case: str) -> None:
    rules = load_rules()
    extended = _extended(rules)
    source = (_PLAIN + "\n\n" + textwrap.dedent(CASES[case])).replace(
        "from waffle import flag_is_active\n", "from waffle import flag_is_active\nimport app.flags\n")
    data = source.encode()
    before = extract("app/views.py", "app.views", data, rules, MAX)
    assert not before.skipped
    fresh = extract("app/views.py", "app.views", data, extended, MAX)
    again = extract("app/views.py", "app.views", data, extended, MAX, Earlier(before, rules))
    assert again == fresh
    kept = [s for s in again.sites if s.function == "app.views.unrelated"]
    assert kept and all(any(s is b for b in before.sites) for s in kept)  # taken over, not analysed again


def test_new_sites_are_found() -> None:
    rules = load_rules()
    data = (_PLAIN + "\n\n" + CASES["call on a line already a candidate"]).encode()
    before = extract("app/views.py", "app.views", data, rules, MAX)
    again = extract("app/views.py", "app.views", data, _extended(rules), MAX, Earlier(before, rules))
    assert {s.rule for s in again.sites} - {s.rule for s in before.sites} == {"wrapper/app.flags.is_on"}


def test_other_rule_changes_analyse_every_span() -> None:
    """A change the names cannot tell (here a settings dictionary) keeps nothing."""
    rules = load_rules()
    other = load_rules(settings_dicts=("FLAGS",))
    data = _PLAIN.encode()
    before = extract("app/views.py", "app.views", data, rules, MAX)
    again = extract("app/views.py", "app.views", data, other, MAX, Earlier(before, rules))
    assert again == extract("app/views.py", "app.views", data, other, MAX)
    assert not any(s is b for s in again.sites for b in before.sites)
