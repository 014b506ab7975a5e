"""FA401's "did you mean" picks exactly what ``difflib.get_close_matches(word, keys, n=1)`` picks."""

from __future__ import annotations

import difflib
import random

from flagaudit.checks.nearest import common_subsequence, nearest


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


def _subsequence_by_table(first: str, second: str) -> int:
    previous = [0] * (len(second) + 1)
    for char in first:
        row = [0]
        for at, other in enumerate(second):
            row.append(previous[at] + 1 if char == other else max(previous[at + 1], row[at]))
        previous = row
    return previous[-1]


def test_common_subsequence_and_the_bound_it_gives() -> None:
    """The bit-vector length equals the table's, and is never below what difflib's ratio counts."""
    chance = random.Random(401)
    for alphabet in ("ab", "abc_", "ABCDEFG_", "enable_new_checkout."):
        for _ in range(1500):
            first, second = ("".join(chance.choice(alphabet) for _ in range(chance.randrange(25))) for _ in "12")
            length = common_subsequence(first, second)
            assert length == _subsequence_by_table(first, second), (first, second)
            matched = sum(block.size for block in difflib.SequenceMatcher(None, first, second).get_matching_blocks())
            assert matched <= length, (first, second)
