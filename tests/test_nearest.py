"""FA401's "did you mean" picks exactly what ``difflib.get_close_matches(word, keys, n=1)`` picks."""

from __future__ import annotations

import difflib
import random

from flagaudit.checks.nearest import nearest


def _expected(word: str, keys: list[str]) -> str | None:
    found = difflib.get_close_matches(word, keys, n=1, cutoff=0.6)
    return found[0] if found else None


def test_same_answer_as_difflib_on_random_keys() -> None:
    """Small alphabets make ties in the ratio (broken by the larger key) and equal bounds common."""
    chance = random.Random(14)
    for alphabet in ("ab", "abc_", "ABCDEF_", "enable_new_checkout"):
        for _ in range(2000):
            keys = ["".join(chance.choice(alphabet) for _ in range(chance.randrange(12)))
                    for _ in range(chance.randrange(15))]
            word = "".join(chance.choice(alphabet) for _ in range(chance.randrange(12)))
            assert nearest(word, keys) == _expected(word, keys), (word, keys)


def test_flag_keys() -> None:
    keys = ["ENABLE_NEW_CHECKOUT", "ENABLE_NEW_CART", "enable-dark-mode", "billing.v2", "BILLING_V2"]
    for word in ("ENABLE_NEW_CHEKOUT", "enable_dark_mode", "billing-v2", "nothing-like-it", ""):
        assert nearest(word, keys) == _expected(word, keys)
    assert nearest("ENABLE_NEW_CHEKOUT", keys) == "ENABLE_NEW_CHECKOUT"
    assert nearest("nothing-like-it", []) is None
