#!/usr/bin/env python3
"""Two flagaudit builds on the same trees, run alternately: did a change cost the scan or the gate anything?

Why: the machine is shared, so figures taken minutes apart are not comparable; alternating the two builds run
by run on the same input, and quoting CPU seconds (user + system of the whole process tree, which load does
not inflate) beside wall seconds, is. Each run is cold (``--no-cache``): ``scan``, and on git repositories
``check --no-history`` and, with ``--history``, ``check`` with its full history; and ``scan`` warm, timed right after
the same build filled its cache. With ``--import MODULE`` the script
also times importing that module in each build's interpreter (``python -X importtime``), for a change that
adds an import to some commands only.

Usage: python benchmarks/bench_versions.py --a "BUILD A" --b "BUILD B" TREE... [--runs 3] [--history]
                                           [--import networkx] [--json]
"""
from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_scan import FLAGAUDIT_OK, MIB, Run, log, timed_run  # noqa: E402

AS_OF = "2026-12-01"


WARM = "scan (warm)"
"""Timed after an untimed ``scan`` by the same build has filled the cache: a warm run with nothing changed."""


def commands(tree: Path, history: bool) -> dict[str, list[str]]:
    """The commands timed on ``tree``, by name; all cold but the warm scan."""
    todo = {"scan": ["scan", str(tree), "--no-cache", "--format", "json"],
            WARM: ["scan", str(tree), "--format", "json"]}
    if (tree / ".git").exists():  # the gate will not judge a tree with neither history nor flagaudit.lock
        todo["check --no-history"] = ["check", str(tree), "--no-cache", "--no-history", "--as-of", AS_OF,
                                      "--format", "json"]
        if history:
            todo["check"] = ["check", str(tree), "--no-cache", "--as-of", AS_OF, "--format", "json"]
    return todo


def import_seconds(build: list[str], module: str) -> float | None:
    """Cumulative import time of ``module`` in ``build``'s interpreter (``-X importtime``); None where that build
    does not have it installed (a build from before the change that added it)."""
    python = str(Path(build[0]).parent / "python")
    done = subprocess.run([python, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True)
    for line in reversed(done.stderr.splitlines() if done.returncode == 0 else ()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1e6
    return None


def summary(runs: list[Run]) -> dict[str, float]:
    return {"wall": round(statistics.median(r.seconds for r in runs), 2),
            "cpu": round(statistics.median(r.cpu for r in runs), 2),
            "peak_mib": round(max(r.peak_rss for r in runs) / MIB)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--a", required=True, help="the first build's flagaudit command (the reference)")
    parser.add_argument("--b", required=True, help="the second build's flagaudit command")
    parser.add_argument("--runs", type=int, default=3, help="alternating runs of each build; medians reported")
    parser.add_argument("--history", action="store_true", help="also time a cold check with full history")
    parser.add_argument("--import", dest="module", help="also time importing MODULE in each build")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    builds = {"a": shlex.split(args.a), "b": shlex.split(args.b)}
    imports = {w: import_seconds(b, args.module) for w, b in builds.items()} if args.module else {}
    results: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    for tree in args.trees:
        for name, argv in commands(tree.resolve(), args.history).items():
            runs: dict[str, list[Run]] = {"a": [], "b": []}
            for i in range(args.runs):
                for which in ("a", "b") if i % 2 == 0 else ("b", "a"):
                    log(f"{tree.name}: {name}, build {which}, run {i + 1}")
                    if name == WARM:
                        timed_run([*builds[which], *argv], FLAGAUDIT_OK)
                    runs[which].append(timed_run([*builds[which], *argv], FLAGAUDIT_OK))
            results.setdefault(tree.name, {})[name] = {w: summary(r) for w, r in runs.items()}
            log(f"{tree.name}: {name}: {results[tree.name][name]}")
    if args.json:
        print(json.dumps({"builds": {"a": args.a, "b": args.b}, "runs": args.runs, "results": results,
                          "import": {args.module: imports} if imports else {}}, indent=2, sort_keys=True))
        return 0
    print(f"a: {args.a}\nb: {args.b}\nmedians of {args.runs} alternating cold runs each (wall / CPU seconds)")
    print(f"{'tree':<24} {'command':<20} {'a':>16} {'b':>16} {'b/a CPU':>8}")
    for tree_name, by_command in results.items():
        for name, by_build in by_command.items():
            a, b = by_build["a"], by_build["b"]
            print(f"{tree_name:<24} {name:<20} {a['wall']:>7.2f} / {a['cpu']:>6.2f} {b['wall']:>7.2f} / "
                  f"{b['cpu']:>6.2f} {b['cpu'] / a['cpu']:>8.2f}")
    for which, seconds in imports.items():
        print(f"import {args.module} in build {which}: " + ("not installed" if seconds is None else f"{seconds:.3f} s"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
