"""Indented JSON is written by flagaudit's own writer, which must give ``json.dumps``'s text to the byte, and
leave to ``json.dumps`` every value it does not write itself."""

from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest

from flagaudit.output.escaping import json_text
from tests.run import run_cli

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

DOCUMENTS: list[Any] = [
    {}, [], "", 0, None, True, False, -12345678901234567890, "é ü 日本 \u2028 \x1b[31m \"quoted\" \\ \t\n",
    {"b": [], "a": {}, "c": [[], {}, [[]]], "d": {"z": None, "y": True, "x": False}},
    [1, [2, [3, {"k": "v"}]], (4, 5), "s"],
    {"lone surrogate \udc80": ["\ud800", "bytes \udcff"]},
    {"schema": 1, "flags": [{"key": "new-checkout", "sites": [{"on": [[3, 4]], "annotations": {}}]}]},
]
UNUSUAL: list[Any] = [
    {1: "an integer key"}, {"x": 1.5}, {"x": float("nan")}, OrderedDict(b=1, a=2), {"s": type("S", (str,), {})("t")},
    [True, 2, 3.0],
]


@pytest.mark.parametrize("sort_keys", [True, False])
@pytest.mark.parametrize("document", [*DOCUMENTS, *UNUSUAL], ids=repr)
def test_the_same_text_as_json_dumps(document: Any, sort_keys: bool) -> None:
    expected = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=sort_keys)
    written = json_text(document, indent=2, sort_keys=sort_keys)
    assert written == _escaped(expected)


def _escaped(text: str) -> str:
    """What json_text makes of json.dumps's text: lone surrogates escaped."""
    return "".join(f"\\u{ord(c):04x}" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def test_real_documents_are_the_same_text(tmp_path: Path) -> None:
    """Every JSON output of the fixtures, written through json.dumps again from its parsed form."""
    for arguments in (("scan", "--format", "json", "-v"), ("scan", "--format", "sarif"),
                      ("check", "--format", "json", "--no-history", "--allow-missing-ledger")):
        ran = run_cli(*arguments, "--no-cache", str(FIXTURES / "shop"), cwd=tmp_path)
        assert ran.stdout.startswith("{"), ran
        parsed = json.loads(ran.stdout)
        sort_keys = "sarif" not in arguments
        assert ran.stdout == json.dumps(parsed, ensure_ascii=False, indent=2, sort_keys=sort_keys) + "\n"
