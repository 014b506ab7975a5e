"""Text an attacker writes cannot make the scan's regular expressions try every way to split it.

A run of ``#`` after a name the prefilter or a later inference pass looks at (``getattr``, a wrapper's name)
used to be split by ``re`` in every way a comment could be cut (2**n tries: 40 characters were hours). The
answers are the same as before for every text (compared on random texts with the former expressions).
"""

from __future__ import annotations

import json
import random
import re
import time
from pathlib import Path

from flagaudit.extract import prefilter, reuse
from tests.repos import write_files
from tests.run import run_process

_RUN = "#" * 3000

_FORMER_OPEN = re.compile(rb"(?:\s|#[^\n]*|\\\r?\n)*\(")
_FORMER_BOOL_LAST = re.compile(rb"\b(?:True|False)(?:[\s),]|#[^\n]*|\\\r?\n)*\Z")
_FORMER_CALLED = re.compile(r"(?<!def )\b(?:is_on)\b(?=(?:\s|\\|#[^\n]*|\))*[(\[])")


def test_a_scan_of_runs_of_hashes_after_the_names_it_looks_at_ends(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "app/__init__.py": "",
        "app/flags.py": "from waffle import flag_is_active\n\n\ndef is_on(name):\n"
                        "    return flag_is_active(None, name)\n",
        "app/views.py": f"from django.conf import settings\nfrom app.flags import is_on\n\n\n"
                        f"def view():\n    x = getattr{_RUN}\n    y = is_on{_RUN}\n"
                        f"    return is_on(\"new_cart\")\n",
        "app/other.py": f"from app.flags import (is_on  {_RUN}\n    as on)\n\n\ndef is_on(name):  {_RUN}\n"
                        f"    return getattr{_RUN}\n",
    })
    started = time.monotonic()
    ran = run_process("scan", str(tmp_path), "--format", "json", "--no-cache", "-q")
    assert time.monotonic() - started < 120
    inventory = json.loads(ran.stdout)
    assert "new_cart" in {flag["key"] for flag in inventory["flags"]}


def test_the_expressions_answer_as_the_former_ones() -> None:
    called = reuse._called(frozenset({"is_on"}))
    assert called is not None
    alphabet = [" ", "\n", "#", "(", "[", ")", "\\", "\r", "a", ",", "True"]
    rng = random.Random(5)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        data = text.encode()
        former = _FORMER_OPEN.match(data, 0)
        assert prefilter._opening(data, 0) == (former.end() if former else -1), text
        end = rng.randint(0, len(data) + 6)
        assert bool(prefilter._BOOL_LAST.search(b"x True" + data, 0, end)) == bool(
            _FORMER_BOOL_LAST.search(b"x True" + data, 0, end)), text
        assert bool(called.search("x is_on" + text)) == bool(_FORMER_CALLED.search("x is_on" + text)), text


def test_an_import_under_another_name_is_found_past_comments_only_on_the_next_line() -> None:
    aliased = reuse._aliased(frozenset({"is_on"}))
    assert aliased is not None
    assert aliased.search("from app.flags import (is_on  # the switch\n    as on)")
    assert not aliased.search("from app.flags import is_on  # not as anything")


def test_the_words_are_found_where_the_expressions_of_them_found_them() -> None:
    """A set of whole words is looked up word by word until the texts searched add up to a thousand characters a
    word, then searched by an expression that opens by looking for one of their first letters, as other words
    (an empty one) are at once: each way finds what the plain alternation of the words found, for hundreds of
    words, prefixes of each other, and an empty one."""
    rng = random.Random(11)
    letters = "abí_X1"
    pieces = [*letters, " ", "(", "[", ")", "\\", "def ", " as", "as", "\n", "#", "."]
    for size in (1, 3, 300):
        words = frozenset("".join(rng.choice(letters) for _ in range(rng.randint(1, 4))) for _ in range(size))
        for chosen in (words, words | {""}):
            alternatives = r"\b(?:" + "|".join(re.escape(w) for w in sorted(chosen)) + ")"
            former = {
                reuse._named: re.compile(alternatives + r"\b"),
                reuse._called: re.compile("(?<!def )" + alternatives + r"\b(?=" + reuse._BEFORE_PARENTHESIS + ")"),
                reuse._aliased: re.compile(alternatives + r"(?:\s|\\|#[^\n]*\n)+as\b"),
            }
            for _ in range(1000):
                text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
                for made, expected in former.items():
                    pattern = made(chosen)
                    assert pattern is not None
                    assert pattern.search(text) == bool(expected.search(text)), (sorted(chosen)[:5], text)
            for made in former:
                finder = made(chosen)
                assert finder is not None
                assert (finder.compiled is not None) == ("" in chosen or size < 300)  # size 300: 300,000 characters
