"""A later inference pass keeps the spans its new rules cannot change, and gives what a fresh analysis gives.

Each case extracts a real module under the built-in rules, then again under the rules extended with an inferred
wrapper (``app.flags.is_on``, also as a method) with the first facts as ``earlier``, and compares that with a
fresh extraction under the extended rules: every way of calling the wrapper must make its span analysed again.
"""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from flagaudit.extract.file_facts import extract, extract_wanted, facts_stand
from flagaudit.extract.reuse import Earlier, changed_names
from flagaudit.sdk_rules import CheckRule, DefineRule, KeyArg, RuleSet, load_rules, with_inferred

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
    # The candidate lines the first extraction found, handed over instead of found again, keep the same spans.
    found, wanted = extract_wanted("app/views.py", "app.views", data, rules, MAX)
    assert found == before and wanted
    handed = extract("app/views.py", "app.views", data, extended, MAX, Earlier(found, rules, wanted))
    assert handed == fresh
    assert all(any(s is b for b in found.sites) for s in handed.sites if s.function == "app.views.unrelated")


def test_handed_candidate_lines_are_the_ones_compared() -> None:
    """Lines handed over that differ from the new rules' make their spans analysed again, not kept."""
    rules = load_rules()
    data = _PLAIN.encode()
    before, wanted = extract_wanted("app/views.py", "app.views", data, rules, MAX)
    assert wanted
    again = extract("app/views.py", "app.views", data, _extended(rules), MAX, Earlier(before, rules, frozenset()))
    assert again == before and not any(s is b for s in again.sites for b in before.sites)


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


# A file a later pass would analyse again may keep its facts without a parse (file_facts.facts_stand) only when
# nothing in them or in its text can meet a changed rule; whenever it says so, they are a fresh analysis's.

_WRAPPER_MODULE = '''
from waffle import flag_is_active

def is_on(name):
    """Whether the switch named is on."""
    return flag_is_active(None, name)
'''

STANDING = {
    "the wrapper's own module": (_WRAPPER_MODULE, True),
    "a module that calls it": (_PLAIN + CASES["direct call"], False),
    "under another name": (_PLAIN + CASES["module import under another name"], False),
    "as a method": (_PLAIN + CASES["method of that name"], False),
    "a local that shadows it": (_WRAPPER_MODULE + (
        "\ndef view(request, switches):\n    for is_on in switches:\n        pass\n"
        "    return is_on(\"b\")\n"), False),
    "an import under another name the call graph sees as a local": (
        "from app.flags import is_on as on\nfrom waffle import flag_is_active\n\n"
        "def view(request, switches):\n    for on in switches:\n        pass\n"
        "    return flag_is_active(request, \"a\") or on(\"b\")\n", False),
}


@pytest.mark.parametrize("case", sorted(STANDING))
def test_facts_stand_only_when_a_fresh_analysis_gives_them(case: str) -> None:
    rules = load_rules()
    extended = _extended(rules)
    source, expected = STANDING[case]
    path, module = ("app/flags.py", "app.flags") if "def is_on" in source else ("app/views.py", "app.views")
    data = source.encode()
    before = extract(path, module, data, rules, MAX)
    assert not before.skipped and before.sites
    stands = facts_stand(path, data, extended, Earlier(before, rules))
    assert stands == expected
    if stands:
        assert extract(path, module, data, extended, MAX) == before


def test_text_decides_where_the_call_graph_cannot() -> None:
    """A local that shadows the wrapper, or an alias the call graph takes for a local, is no call target, but the
    site analysis finds the call: only the text tells, and the facts do differ."""
    rules = load_rules()
    extended = _extended(rules)
    for case in ("a local that shadows it", "an import under another name the call graph sees as a local"):
        source = STANDING[case][0]
        path, module = ("app/flags.py", "app.flags") if "def is_on" in source else ("app/views.py", "app.views")
        before = extract(path, module, source.encode(), rules, MAX)
        assert not any(t.endswith("is_on") for f in before.functions for t in f.targets if f.name.endswith("view"))
        assert extract(path, module, source.encode(), extended, MAX) != before


def test_a_registry_class_and_a_traced_receiver_are_analysed_again() -> None:
    rules = load_rules()
    registry = DefineRule(id="registry/app.models.Feature", sdk="app.models.Feature",
                          class_constants=("app.models.Feature",))
    data = ('from waffle import flag_is_active\n\n\nclass Feature:\n    NEW_CART = "new_cart"\n\n\n'
            'def view(request):\n    return flag_is_active(request, "x")\n').encode()
    before = extract("app/models.py", "app.models", data, rules, MAX)
    with_registry = with_inferred(rules, (registry,), frozenset(), "registry")
    assert not facts_stand("app/models.py", data, with_registry, Earlier(before, rules))
    assert extract("app/models.py", "app.models", data, with_registry, MAX).definitions != before.definitions

    deferred = "from app.clients import client\n\ndef view():\n    return client.variation(\"x\", None, False)\n"
    before = extract("app/views.py", "app.views", deferred.encode(), rules, MAX)
    assert before.deferred == ("app.clients.client",)
    traced = with_inferred(rules, (), frozenset(before.deferred), "traced")
    assert not facts_stand("app/views.py", deferred.encode(), traced, Earlier(before, rules))
    assert extract("app/views.py", "app.views", deferred.encode(), traced, MAX) != before


def test_a_change_to_a_mixin_rule_keeps_nothing() -> None:
    """A class's bases are no callee names: rules whose mixins differ say nothing of which spans stand."""
    rules = load_rules()
    mixin = CheckRule(id="mixin/app.views.FlagMixin", sdk="waffle-flag", key=(), mixins=("app.views.FlagMixin",),
                      attribute="flag_name")
    other = with_inferred(rules, (mixin,), frozenset(), "mixin")
    data = _PLAIN.encode()
    before = extract("app/views.py", "app.views", data, rules, MAX)
    assert changed_names(rules, other) is None
    assert not facts_stand("app/views.py", data, other, Earlier(before, rules))


# A project module that imports waffle's check makes an inferred rule of its own for that name (a re-export,
# ``app.utils.flag_is_active``), whose last segment every call of waffle's check shares. A call whose rule is looked
# up where the module's imports say it comes from keeps its span; any call that may reach the re-export does not.

REEXPORTED = {
    "waffle's check, imported by name": ("from waffle import flag_is_active", "flag_is_active(request, 'b')", True),
    "waffle's check, on the module": ("import waffle", "waffle.flag_is_active(request, 'b')", True),
    "waffle's check under another name": ("from waffle import flag_is_active as on", "on(request, 'b')", True),
    "the re-export, imported by name": ("from app.utils import flag_is_active", "flag_is_active(request, 'b')",
                                        False),
    "the re-export under another name": ("from app.utils import flag_is_active as on", "on(request, 'b')", False),
    "the re-export, on its module": ("from app import utils", "utils.flag_is_active(request, 'b')", False),
    "on a longer name": ("import app.utils", "app.utils.flag_is_active(request, 'b')", False),
    "on what a call returns": ("import waffle", "waffle.module().flag_is_active(request, 'b')", False),
    "after a dot and a comment": ("import waffle", "(waffle.  # which\n        flag_is_active)(request, 'b')", False),
    "an import in the function": ("import waffle", "__import__('x')\n    from app.utils import flag_is_active\n"
                                                   "    return flag_is_active(request, 'b')", False),
}


@pytest.mark.parametrize("case", sorted(REEXPORTED))
def test_a_reexport_keeps_the_spans_that_cannot_reach_it(case: str) -> None:
    rules = load_rules()
    waffle = rules.functions["waffle.flag_is_active"]
    reexport = dataclasses.replace(waffle, id="reexport/waffle.flag_is_active", functions=("app.utils.flag_is_active",))
    extended = with_inferred(rules, (reexport,), frozenset(), "reexport")
    imports, call, kept = REEXPORTED[case]
    body = call if call.startswith("__import__") else f"return {call}"
    data = (f"{imports}\nimport waffle\n\n\ndef view(request):\n    if waffle.switch_is_active('a'):\n"
            f"        return 1\n    {body}\n").encode()
    before = extract("app/views.py", "app.views", data, rules, MAX)
    assert not before.skipped and before.sites
    again = extract("app/views.py", "app.views", data, extended, MAX, Earlier(before, rules))
    assert again == extract("app/views.py", "app.views", data, extended, MAX)
    assert all(any(s is b for b in before.sites) for s in again.sites) == kept


def test_a_method_of_a_class_of_the_module_is_looked_up_through_its_first_parameter() -> None:
    """``self.flag_is_active(...)`` in a class whose own method of that name has a changed rule reaches it."""
    rules = load_rules()
    waffle = rules.functions["waffle.flag_is_active"]
    own = dataclasses.replace(waffle, id="wrapper/app.views.Gate.flag_is_active",
                              functions=("app.views.Gate.flag_is_active",))
    extended = with_inferred(rules, (own,), frozenset(), "own")
    data = ("import waffle\n\n\nclass Gate:\n    def flag_is_active(self, request, name):\n        return True\n\n"
            "    def view(self, request):\n        if waffle.switch_is_active('a'):\n            return 1\n"
            "        return self.flag_is_active(request, 'b')\n").encode()
    before = extract("app/views.py", "app.views", data, rules, MAX)
    again = extract("app/views.py", "app.views", data, extended, MAX, Earlier(before, rules))
    fresh = extract("app/views.py", "app.views", data, extended, MAX)
    assert again == fresh and len(fresh.sites) > len(before.sites)
