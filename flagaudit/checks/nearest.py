"""The nearest defined key to an unknown one (FA401's "did you mean"), as ``difflib`` picks it, but faster.

``difflib.get_close_matches(word, keys, n=1)`` computes the full similarity ratio of every key that passes its
two cheap bounds; on a project with hundreds of unknown keys against hundreds of defined ones that was half a
second of every scan. The ratio counts the characters of matching blocks, which appear in both strings in the
same order: never more than their longest common subsequence, and that never more than the characters they
share (``quick_ratio``). So the keys are tried from the highest cheap bound down, the search stops once no
remaining bound reaches the best ratio found, and a key whose subsequence bound cannot reach it is passed
over: the same key, ties broken the same way (the larger string), for a few full ratios per word.

That is still about half a second for the flag-dense tree's 776 unknown keys, asked again after every edit
though the answers depend only on the word and the keys it is compared with: :class:`Suggestions` remembers
them by a digest of those keys, so a scan keeps the last run's answers and computes only new questions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from difflib import SequenceMatcher


def nearest(word: str, keys: Iterable[str], cutoff: float = 0.6) -> str | None:
    """``difflib.get_close_matches(word, keys, n=1, cutoff=cutoff)``'s answer, or ``None`` when it has none."""
    matcher = SequenceMatcher()
    matcher.set_seq2(word)
    bounds = []
    for key in keys:
        matcher.set_seq1(key)
        if matcher.real_quick_ratio() >= cutoff and (bound := matcher.quick_ratio()) >= cutoff:
            bounds.append((bound, key))
    bounds.sort(reverse=True)
    best: tuple[float, str] | None = None
    for bound, key in bounds:
        if best is not None and bound < best[0]:
            break
        total = len(key) + len(word)  # both empty: a ratio of 1
        if best is not None and total and 2.0 * common_subsequence(key, word) / total < best[0]:
            continue
        matcher.set_seq1(key)
        score = matcher.ratio()
        if score >= cutoff and (best is None or (score, key) > best):
            best = (score, key)
    return best[1] if best else None


def common_subsequence(first: str, second: str) -> int:
    """The length of the longest common subsequence, a bit per character of ``first`` (Hyyrö's bit-vector
    algorithm: one pass over ``second`` of four integer operations a character)."""
    masks: dict[str, int] = {}
    for at, char in enumerate(first):
        masks[char] = masks.get(char, 0) | 1 << at
    full = (1 << len(first)) - 1
    row = full
    for char in second:
        matched = row & masks.get(char, 0)
        row = ((row + matched) | (row - matched)) & full
    return len(first) - row.bit_count()


Answers = Mapping[str, Mapping[str, tuple[str, ...]]]
"""Answers by the digest of the keys compared (:func:`keys_digest`), then by word: the nearest key, or none."""


class Suggestions:
    """:func:`nearest` remembering its answers by what they depend on: the word and the keys compared (by
    their digest). ``kept``: earlier answers, read from a cache file anyone can write, so an answer is taken
    only as one of the keys compared (a list of them kept for other keys has another digest and is never
    looked at); ``asked``: this run's questions and answers, to keep for the next."""

    def __init__(self, kept: Answers | None = None) -> None:
        self.kept: Answers = kept or {}
        self.asked: dict[str, dict[str, tuple[str, ...]]] = {}
        self._groups: dict[tuple[str, ...], tuple[str, frozenset[str]]] = {}

    def nearest(self, word: str, keys: Sequence[str]) -> str | None:
        """:func:`nearest` ``(word, keys)``, looked up when it was kept for the same keys."""
        group = tuple(keys)
        if group not in self._groups:
            self._groups[group] = keys_digest(group), frozenset(group)
        digest, known = self._groups[group]
        answer = self.kept.get(digest, {}).get(word)
        if answer is None or len(answer) > 1 or not known.issuperset(answer):
            found = nearest(word, group)
            answer = () if found is None else (found,)
        self.asked.setdefault(digest, {})[word] = answer
        return answer[0] if answer else None


def keys_digest(keys: Sequence[str]) -> str:
    """What :func:`nearest`'s answers depend on besides the word: the keys compared, in order."""
    digest = hashlib.blake2b(digest_size=20)
    for key in keys:
        digest.update(key.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()
