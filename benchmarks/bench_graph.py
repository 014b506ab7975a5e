#!/usr/bin/env python3
"""How much the call graph adds to a warm scan: graph construction, reachability and the static findings.

Why: after any edit the graph is rebuilt from cached per-file facts (and, where no definition changed, from
the last run's graph), so its cost lands on the path users feel most (pre-commit, editors). Runs in-process
against the library after one scan has filled the cache, with the whole-result memo removed before each
run, in three situations:

- unchanged: no file changed since the graph was built (as when only the result memo is lost);
- body edit: one file gains a call inside a function (no definition, import or export changed), so the
  last graph is reused and only that file's functions are linked again;
- new function: one file gains a function, so the graph is built from scratch.

The graph's share counts building it, loading the last run's graph and writing the new one. Edited files
are restored afterwards.

Usage: python benchmarks/bench_graph.py PATH [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flagaudit.config import load_config  # noqa: E402
from flagaudit.scan import cache, project  # noqa: E402
from flagaudit.sdk_rules import load_rules  # noqa: E402

EDITS: dict[str, Callable[[str], str]] = {
    "unchanged": lambda text: text,
    "body edit": lambda text: text.replace("\n    return ", "\n    print()\n    return ", 1),
    "new function": lambda text: text + "\n\ndef added_for_the_benchmark():\n    return None\n",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    config = load_config((str(args.path),))
    rules = load_rules(config.rules, config.settings_dicts)
    spent: list[float] = []
    _time_graph_parts(spent)
    victim = _file_to_edit(config.root)
    original = victim.read_bytes()
    print(f"edited file: {victim.relative_to(config.root)}")
    try:
        for situation, edit in EDITS.items():
            totals, graph = [], []
            for _ in range(args.runs):
                victim.write_bytes(original)
                # the graph of the unedited tree is the last one
                project.scan_with(config, rules, project.ScanOptions())
                victim.write_text(edit(original.decode("utf-8")), encoding="utf-8")
                for memo in (config.root / ".flagaudit_cache").glob("inventory-*.json"):
                    memo.unlink()
                spent.clear()
                start = time.perf_counter()
                inventory = project.scan_with(config, rules, project.ScanOptions())
                totals.append(time.perf_counter() - start)
                graph.append(sum(spent))
            total, part = statistics.median(totals), statistics.median(graph)
            print(f"{situation:>13}: warm scan {total:.3f} s, of which the graph {part:.3f} s "
                  f"= {100 * part / (total - part):.0f}% on top of the rest ({total - part:.3f} s)")
    finally:
        victim.write_bytes(original)
    inventory = project.scan_with(config, rules, project.ScanOptions())
    print(f"files {inventory.files}, lines {inventory.lines}, entry points {len(inventory.entry_points)}")
    return 0


def _time_graph_parts(spent: list[float]) -> None:
    """Time, where they happen, the calls that exist only for the graph."""

    def timed(function: Callable, applies: Callable[..., bool] = lambda *a: True) -> Callable:
        def run(*arguments):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            result = function(*arguments)
            if applies(*arguments):
                spent.append(time.perf_counter() - start)
            return result
        return run

    project._model = timed(project._model)
    cache.FactCache.memo = timed(cache.FactCache.memo, lambda self, name, *rest: name == "graph")
    cache.write_cached = timed(cache.write_cached, lambda path, value: path.name.startswith("graph-"))


def _file_to_edit(root: Path) -> Path:
    """A module with a function that returns: the first in sorted order, so every run edits the same one."""
    for path in sorted(root.rglob("*.py")):
        if ".flagaudit_cache" not in path.parts and "\n    return " in path.read_text(encoding="utf-8"):
            return path
    raise SystemExit(f"no module with a function body to edit under {root}")


if __name__ == "__main__":
    sys.exit(main())
