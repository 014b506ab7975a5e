"""Run extraction over many files on every core.

Workers receive bytes and return plain :class:`FileFacts`, never trees, so
results pickle cheaply back to the parent (the cache stores them as plain data).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from flagaudit.extract.file_facts import extract_wanted, facts_stand
from flagaudit.extract.reuse import Earlier
from flagaudit.facts import FileFacts
from flagaudit.scan.cache import encoded
from flagaudit.sdk_rules import RuleSet

Job = tuple[str, str, bytes, int, frozenset[int] | None]
"""(path, module, data, the index of the rules an earlier pass made its facts with, the candidate lines it found
if known); the earlier facts themselves reach the workers by path (see :func:`extract_all`)."""
Done = tuple[FileFacts | None, frozenset[int] | None, bytes | None]
"""A file's facts, the candidate lines found (see :func:`extract_wanted`) and the facts as the cache stores them,
when asked for (encoding them is a tenth of a cold scan's work in the main process, where nothing runs beside
it); no facts where the earlier pass's stand under the new rules (:func:`facts_stand`: told without a parse, but
with a search of the text, which the workers make side by side)."""

_PARALLEL_BYTES = 400_000
"""Below this much source, starting workers costs more than it saves."""

_state: dict[str, object] = {}

J = TypeVar("J")
R = TypeVar("R")


def in_workers(run: Callable[[J], R], jobs: list[J], setup: Callable[..., None], setup_args: tuple[Any, ...],
               workers: int | None = None) -> Iterator[R]:
    """``run`` over ``jobs`` in worker processes, each set up once with ``setup(*setup_args)``; results in job
    order, each as soon as it and those before it are done.

    Workers are forked where the platform can (no re-import, and the rules need not be pickled again).
    """
    count = workers or os.cpu_count() or 1
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(count, mp_context=context, initializer=_setup, initargs=(setup, setup_args)) as pool:
        yield from pool.map(run, jobs, chunksize=max(1, min(8, len(jobs) // (4 * count))))


def _setup(setup: Callable[..., None], setup_args: tuple[Any, ...]) -> None:
    # Syntax trees are acyclic and freed by reference counting: collecting them for cycles is wasted time.
    gc.set_threshold(200_000, 50, 100)
    setup(*setup_args)


def _init(rules: RuleSet, max_bytes: int, earlier_rules: tuple[RuleSet, ...],
          earlier: Mapping[str, FileFacts], encode: bool) -> None:
    _state["rules"] = rules
    _state["max_bytes"] = max_bytes
    _state["earlier_rules"] = earlier_rules
    _state["earlier"] = earlier
    _state["encode"] = encode


def _run(job: Job) -> Done:
    return _extract(job, _state["rules"], _state["max_bytes"], _state["earlier_rules"],  # type: ignore[arg-type]
                    _state["earlier"], _state["encode"])  # type: ignore[arg-type]


def _extract(job: Job, rules: RuleSet, max_bytes: int, earlier_rules: tuple[RuleSet, ...],
             earlier: Mapping[str, FileFacts], encode: bool) -> Done:
    path, module, data, index, wanted = job
    was = earlier.get(path)
    made = None if was is None else Earlier(was, earlier_rules[index], wanted)
    if made is not None and facts_stand(path, data, rules, made):
        return None, None, None
    facts, lines = extract_wanted(path, module, data, rules, max_bytes, made)
    return facts, lines, encoded(facts) if encode else None


def extract_all(jobs: list[Job], rules: RuleSet, max_bytes: int, workers: int | None = None,
                progress: Callable[[int], None] | None = None, earlier_rules: tuple[RuleSet, ...] = (),
                earlier: Mapping[str, FileFacts] | None = None, encode: bool = False) -> Iterator[Done]:
    """Facts and candidate lines for every job, in the order given (no facts where the earlier ones stand), with
    the facts encoded if ``encode``; ``progress`` hears how many are done as they finish. ``earlier``: facts an
    earlier pass made, by path;
    ``earlier_rules``: the rule sets they were made with, which the jobs index. The workers are given the
    earlier facts when they start, which a fork hands over without pickling them (they were half of what went to
    the workers of a later pass, one job at a time)."""
    earlier = earlier or {}
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) < 2 or sum(len(j[2]) for j in jobs) < _PARALLEL_BYTES:
        for done, job in enumerate(jobs, 1):
            yield _extract(job, rules, max_bytes, earlier_rules, earlier, encode)
            if progress is not None:
                progress(done)
        return
    # Largest files first so no worker is left with one big file at the end.
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][2]))
    _ = rules.trigger  # compiled here once, not in each worker
    results: list[Done | None] = [None] * len(jobs)
    finished = in_workers(_run, [jobs[i] for i in order], _init, (rules, max_bytes, earlier_rules, earlier, encode),
                          workers)
    collecting = gc.isenabled()
    gc.disable()  # the facts arriving are acyclic: a collection would walk every one received so far
    try:
        for done, (index, facts) in enumerate(zip(order, finished, strict=True), 1):
            results[index] = facts
            if progress is not None:
                progress(done)
    finally:
        if collecting:
            gc.enable()
    yield from (r for r in results if r is not None)
