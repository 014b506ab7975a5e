"""The site analysis reads the file's ``ast`` as it read libcst's tree: columns in characters, a key's code with
its own parentheses, an ``elif`` told from an ``if`` inside ``else`` (flagaudit/extract/tree.py)."""

from __future__ import annotations

from flagaudit.facts import Site
from tests.helpers import flags_in

HEAD = "from waffle import switch_is_active as on\n"


def _sites(body: str) -> dict[str, Site]:
    return {f.key: s for f in flags_in({"app.py": HEAD + body}) for s in f.sites}


def test_a_column_counts_characters_not_bytes() -> None:
    line = "    label = 'ünïcode'; enabled = on('k')"
    site = _sites(f"def f():\n{line}\n    return enabled\n")["k"]
    assert (site.line, site.column) == (3, line.index("on("))
    assert len(line[:site.column].encode()) == site.column + 2  # ``ast`` says 35: two letters take two bytes


def test_a_key_keeps_its_own_parentheses_not_the_calls() -> None:
    sites = _sites("def f():\n"
                   "    if on(('k')):\n"
                   "        return 1\n"
                   "    if on(  # why\n"
                   "        ('j')\n"
                   "    ):\n"
                   "        return 2\n")
    assert sites["k"].key_ref.expression == "('k')"
    assert sites["j"].key_ref.expression == "('j')"
    assert (sites["k"].guard, sites["k"].on, sites["k"].off) == ("early-return", ((4, 4),), ((5, 8),))


def test_an_elif_is_part_of_its_if_and_an_if_inside_else_is_not() -> None:
    elif_site = _sites("def f(x):\n    if x:\n        pass\n    elif on('a'):\n        return 1\n    g()\n")["a"]
    assert (elif_site.guard, elif_site.on, elif_site.off) == ("if", ((6, 6),), ())
    nested = _sites("def f(x):\n    if x:\n        pass\n    else:\n        if on('a'):\n            return 1\n"
                    "        g()\n")["a"]
    assert (nested.guard, nested.on, nested.off) == ("early-return", ((7, 7),), ((8, 8),))
