"""The plain-data codec's records: what a run wrote comes back equal, and a value of any other shape or type, at
any depth, is refused as :class:`BadData` (the cache file is then ignored and rebuilt), never built."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest

from flagaudit.facts import Definition, FileFacts, Function, KeyPart, KeyRef, ModuleSymbols, Site
from flagaudit.history.store import KeptFacts, KeptFile
from flagaudit.plaindata import BadData, dumps, loads
from flagaudit.scan.project import flags_in_memory
from tests.helpers import builtin_rules
from tests.projects import CHECKOUT_APP

SITE = Site("app/views.py", 3, 4, "app.views.menu", "waffle.flag_is_active", "waffle",
            KeyRef((KeyPart("lit", "nav.new"),), "'nav.new'"), "if", on=((4, 5),), fingerprint=("app.views.render",))
FACTS = FileFacts("app/views.py", ModuleSymbols("app.views", (("app.views.KEY", (KeyPart("lit", "nav.new"),)),)),
                  (SITE,), (Definition("app/views.py", 1, 0, "r", "waffle", SITE.key_ref, symbol=None),),
                  lines=9, functions=(Function("app.views.menu", "function", 3, 5, targets=("app.views.render",),
                                               params=("request",)),), exports=("menu",))


@pytest.mark.parametrize("value", [FACTS, FileFacts("x.py", skipped="syntax error"),
                                   KeptFacts((("m.K", (KeyPart("lit", "k"),)),), (SITE,), (), ("m.client",), True),
                                   KeptFile("app/x.py", "0" * 40, "app.x", KeptFacts(), frozenset({"m.client"}))])
def test_records_come_back_equal(value: object) -> None:
    assert loads(dumps(value), type(value)) == value


def test_a_record_is_stored_as_its_fields_in_order() -> None:
    """The bytes the cache holds (fields gathered by one ``attrgetter``, or one by one where a dict needs pairs)."""
    assert dumps(KeyPart("lit", "nav.new")) == '["lit","nav.new"]'
    assert dumps(SITE.key_ref).startswith('[[["lit","nav.new"]],"\'nav.new\'",')
    assert dumps(FACTS.functions[0]) == '["app.views.menu","function",3,5,[],[],["app.views.render"],["request"]]'
    assert json.loads(dumps(SITE)) == [json.loads(dumps(getattr(SITE, f))) for f in SITE.__dataclass_fields__]


def test_a_real_scans_flags_come_back_equal(tmp_path: Path) -> None:
    flags = flags_in_memory({"app/checkout.py": CHECKOUT_APP.encode()}, builtin_rules())
    assert flags and loads(dumps(flags), tuple[type(flags[0]), ...]) == flags


def _facts(**changes: object) -> str:
    plain = json.loads(dumps(FACTS))
    for path, value in changes.items():
        target = plain
        *steps, last = [int(step) for step in path.split("_")[1:]]
        for step in steps:
            target = target[step]
        target[last] = value
    return json.dumps(plain)


FACTS_FIELDS = f"expected FileFacts of {len(fields(FileFacts))} fields"


@pytest.mark.parametrize(("data", "message"), [
    ("[]", FACTS_FIELDS),
    (json.dumps(json.loads(dumps(FACTS)) + [1]), FACTS_FIELDS),
    (_facts(f_0=1), FACTS_FIELDS),  # the path is not a string
    (_facts(f_5="9"), FACTS_FIELDS),  # lines
    (_facts(f_5=True), FACTS_FIELDS),  # a bool is not an int
    (_facts(f_4=None), None),  # skipped is optional
    (_facts(f_2=None), FACTS_FIELDS),  # sites are not
    (_facts(f_7_0=1), "expected a list of str"),  # an export
    (_facts(f_6_0_6_0=None), "expected a list of str"),  # a function's target
    (_facts(f_6_0_2="3"), "expected Function of 8 fields"),
    (_facts(f_2_0_6=[]), "expected KeyRef of 3 fields"),  # the site's key reference
    (_facts(f_2_0_1="3"), "expected Site of 20 fields"),  # its line
    (_facts(f_2_0_6_0_0=["lit"]), "expected KeyPart of 2 fields"),
    (_facts(f_2_0_6_0_0_1=1), "expected KeyPart of 2 fields"),  # a part's value
    (_facts(f_1_1_0_1_0=None), "expected KeyPart of 2 fields"),  # a constant's part
    (_facts(f_1_1_0_1={}), "expected a fixed tuple of 2 fields"),  # a constant's parts
    (_facts(f_6_0="app.views.menu"), "expected Function of 8 fields"),
    (_facts(f_6_0_4=[None]), "expected a list of str"),  # a decorator
    (_facts(f_2_0_7="unless"), "unexpected value 'unless'"),  # a guard no extraction makes
    (_facts(f_2_0_8_0=[4, "5"]), "expected a list of int, int"),  # a span
    (_facts(f_1=[]), "expected ModuleSymbols of 4 fields"),
])
def test_any_other_shape_is_refused_at_any_depth(data: str, message: str | None) -> None:
    if message is None:
        assert loads(data, FileFacts).skipped is None
        return
    with pytest.raises(BadData) as refused:
        loads(data, FileFacts)
    assert str(refused.value) == message
