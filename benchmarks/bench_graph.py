#!/usr/bin/env python3
"""How much the call graph adds to a warm scan: graph construction, reachability and the static findings.

Why: the graph is built from cached facts on every run, so its cost lands on
the warm path users feel most (pre-commit, editors). Runs in-process against
the library, after one scan has filled the cache.

Usage: python benchmarks/bench_graph.py PATH [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flagaudit.api import ScanOptions, Source, analyse, scan_with  # noqa: E402
from flagaudit.audit import static_findings  # noqa: E402
from flagaudit.cache import FactCache, content_key  # noqa: E402
from flagaudit.callgraph import build_graph  # noqa: E402
from flagaudit.config import load_config  # noqa: E402
from flagaudit.constancy import fixed_flags  # noqa: E402
from flagaudit.discover import discover  # noqa: E402
from flagaudit.model import build_flags, is_test_path  # noqa: E402
from flagaudit.rules import load_rules  # noqa: E402
from flagaudit.wrappers import wrapper_functions  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    config = load_config((str(args.path),))
    rules = load_rules(config.rules, config.settings_dicts)
    scan_with(config, rules, ScanOptions())  # fill the cache
    totals, graphs = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        inventory = scan_with(config, rules, ScanOptions())
        totals.append(time.perf_counter() - start)
        graphs.append(_graph_seconds(config, rules))
    total, graph = statistics.median(totals), statistics.median(graphs)
    nodes = len(build_graph(_facts(config, rules), lambda p: is_test_path(p, config.test_paths)).graph)
    print(f"files {inventory.files}, lines {inventory.lines}, graph nodes {nodes}")
    print(f"warm scan {total:.3f} s, of which graph + reachability + static findings {graph:.3f} s "
          f"= {100 * graph / (total - graph):.0f}% on top of the rest ({total - graph:.3f} s)")
    return 0


def _facts(config, rules):  # type: ignore[no-untyped-def]
    files, _ = discover(config.root, config.paths, config.exclude, tuple(g for r in rules.texts for g in r.files),
                        config.root / ".flagaudit_cache")
    sources = []
    for f in files:
        data = f.absolute.read_bytes()
        sources.append(Source(f.path, f.module, data, content_key(f.path, f.module, data)))
    facts, inferred = analyse(sources, rules, config, FactCache(config.root / ".flagaudit_cache"))
    _facts.inferred = inferred  # type: ignore[attr-defined]
    return facts


def _graph_seconds(config, rules) -> float:  # type: ignore[no-untyped-def]
    facts = _facts(config, rules)
    flags = build_flags(facts, config.test_paths, wrapper_functions(_facts.inferred))  # type: ignore[attr-defined]
    start = time.perf_counter()
    graph = build_graph(facts, lambda p: is_test_path(p, config.test_paths), config.entry_points, config.scripts)
    static_findings(flags, graph, fixed_flags(flags, facts, config.settings_paths))
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
