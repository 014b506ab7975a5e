#!/usr/bin/env python3
"""How much the call graph adds to a warm scan: graph construction, reachability and the static findings.

Why: after any edit the graph is rebuilt from cached per-file facts, so its
cost lands on the path users feel most (pre-commit, editors). Runs
in-process against the library, after one scan has filled the cache, with
the whole-result memo removed before each run.

Usage: python benchmarks/bench_graph.py PATH [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flagaudit import api  # noqa: E402
from flagaudit.config import load_config  # noqa: E402
from flagaudit.rules import load_rules  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    config = load_config((str(args.path),))
    rules = load_rules(config.rules, config.settings_dicts)
    api.scan_with(config, rules, api.ScanOptions())  # fill the cache
    audit = api.static_audit
    spent: list[float] = []

    def timed_audit(*arguments):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        result = audit(*arguments)
        spent.append(time.perf_counter() - start)
        return result

    api.static_audit = timed_audit  # the same call the scan makes, timed where it happens
    totals = []
    for _ in range(args.runs):
        for memo in (config.root / ".flagaudit_cache").glob("result-*.pickle"):
            memo.unlink()  # rebuild the model and graph from cached per-file facts, as after a one-file edit
        start = time.perf_counter()
        inventory = api.scan_with(config, rules, api.ScanOptions())
        totals.append(time.perf_counter() - start)
    total, graph = statistics.median(totals), statistics.median(spent)
    print(f"files {inventory.files}, lines {inventory.lines}, entry points {len(inventory.entry_points)}")
    print(f"warm scan {total:.3f} s, of which graph + reachability + static findings {graph:.3f} s "
          f"= {100 * graph / (total - graph):.0f}% on top of the rest ({total - graph:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
