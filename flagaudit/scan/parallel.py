"""Run extraction over many files on every core.

Workers receive bytes and return plain :class:`FileFacts`, never trees, so
results pickle cheaply back to the parent (the cache stores them as plain data).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from flagaudit.extract.file_facts import extract
from flagaudit.facts import FileFacts
from flagaudit.sdk_rules import RuleSet

Job = tuple[str, str, bytes]
"""(path, module, data)"""

_PARALLEL_BYTES = 400_000
"""Below this much source, starting workers costs more than it saves."""

_state: dict[str, object] = {}


def _init(rules: RuleSet, max_bytes: int) -> None:
    # Syntax trees are acyclic and freed by reference counting: collecting them for cycles is wasted time.
    gc.set_threshold(200_000, 50, 100)
    _state["rules"] = rules
    _state["max_bytes"] = max_bytes


def _run(job: Job) -> FileFacts:
    path, module, data = job
    return extract(path, module, data, _state["rules"], _state["max_bytes"])  # type: ignore[arg-type]


def extract_all(jobs: list[Job], rules: RuleSet, max_bytes: int, workers: int | None = None) -> Iterator[FileFacts]:
    """Facts for every job, in the order given."""
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) < 2 or sum(len(j[2]) for j in jobs) < _PARALLEL_BYTES:
        for path, module, data in jobs:
            yield extract(path, module, data, rules, max_bytes)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # Largest files first so no worker is left with one big file at the end.
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][2]))
    results: list[FileFacts | None] = [None] * len(jobs)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=(rules, max_bytes)) as pool:
        for index, facts in zip(order, pool.map(_run, [jobs[i] for i in order], chunksize=8), strict=True):
            results[index] = facts
    yield from (r for r in results if r is not None)
