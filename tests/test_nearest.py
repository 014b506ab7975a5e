"""FA401's "did you mean" picks exactly what ``difflib.get_close_matches(word, keys, n=1)`` picks."""

from __future__ import annotations

import difflib
import random

from flagaudit.checks.nearest import Suggestions, common_subsequence, keys_digest, nearest


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


def test_suggestions_remember_answers_by_the_keys_compared() -> None:
    """The answers kept for the same keys are looked up; those kept for other keys, or naming a key that is not
    among those compared (a forged cache), are passed over and computed again."""
    keys = ["ENABLE_NEW_CHECKOUT", "ENABLE_NEW_CART", "enable-dark-mode"]
    first = Suggestions()
    assert first.nearest("ENABLE_NEW_CHEKOUT", keys) == "ENABLE_NEW_CHECKOUT"
    assert first.nearest("nothing-like-it", keys) is None
    digest = keys_digest(keys)
    assert first.asked == {digest: {"ENABLE_NEW_CHEKOUT": ("ENABLE_NEW_CHECKOUT",), "nothing-like-it": ()}}
    again = Suggestions(first.asked)
    assert again.nearest("ENABLE_NEW_CHEKOUT", keys) == "ENABLE_NEW_CHECKOUT"
    assert again.nearest("nothing-like-it", keys) is None
    assert again.asked == first.asked
    forged = Suggestions({digest: {"ENABLE_NEW_CHEKOUT": ("NOT_A_KEY",), "nothing-like-it": ("a", "b")}})
    assert forged.nearest("ENABLE_NEW_CHEKOUT", keys) == "ENABLE_NEW_CHECKOUT"
    assert forged.nearest("nothing-like-it", keys) is None
    stale = Suggestions({keys_digest(keys[:2]): {"enable_dark_mode": ("ENABLE_NEW_CART",)}})
    assert stale.nearest("enable_dark_mode", keys) == nearest("enable_dark_mode", keys) == "enable-dark-mode"
    assert keys_digest(["ab", "c"]) != keys_digest(["a", "bc"])
