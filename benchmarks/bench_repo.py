#!/usr/bin/env python3
"""Time flagaudit on a real repository, side by side with git and vulture, in one run.

Why: the synthetic trees and histories are what we wrote; real repositories have larger commits, denser
code and long histories, and a machine shared with others makes figures taken at different times
incomparable. So everything here runs on the same clone within minutes, and the report quotes wall and CPU
seconds (CPU, summed over worker processes, is what load does not inflate) and the ratios that matter:

* ``git log -p --first-parent -- '*.py' > /dev/null``: reading every change to every Python file once, the
  floor a cold history read is compared with;
* ``flagaudit check`` with full history: cold (no cache), warm (nothing changed), and after one new commit;
* ``flagaudit scan``: cold and warm, beside vulture on the same tree;
* with ``--reference CMD``: the same cold ``check`` by another flagaudit (the landed version), and whether its
  JSON is byte-identical (or that it failed, exit 2).

The repository itself is never touched: it is cloned into a temporary folder (a partial clone stays
partial). Peak memory is the summed RSS of the process tree and its summed PSS, which counts a page that
forked workers or ``git cat-file`` processes share once (bench_scan.py's sampler, so Linux only).

Usage: python benchmarks/bench_repo.py REPO [--cmd CMD] [--reference CMD] [--vulture] [--as-of YYYY-MM-DD] [--json]
"""
from __future__ import annotations

import argparse
import filecmp
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_history import BENCH, BENCH_DATE  # noqa: E402
from bench_scan import CACHE_DIR, FLAGAUDIT_OK, MIB, VULTURE_OK, Run, analyzer_command, log, timed_run  # noqa: E402

from tests.repos import git as run_git  # noqa: E402


def git(repo: Path, *args: str) -> str:
    return run_git(repo, *args, date=BENCH_DATE, author=BENCH)


def python_lines(repo: Path) -> tuple[int, int]:
    """(files, lines) of the Python files git tracks at HEAD."""
    names = [n for n in git(repo, "ls-files", "-z", "--", "*.py").split("\0") if n]
    lines = 0
    for name in names:
        data = (repo / name).read_bytes() if (repo / name).is_file() else b""
        lines += data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    return len(names), lines


def one_more_commit(repo: Path) -> None:
    """A developer's next commit: a line added to the Python file changed last."""
    name = git(repo, "log", "-1", "--format=", "--name-only", "--diff-filter=AM", "--", "*.py").split("\n")[0]
    with (repo / name).open("a", encoding="utf-8") as handle:
        handle.write("# one more commit\n")
    git(repo, "commit", "-q", "-am", "One more commit")


def figures(run: Run) -> dict[str, float]:
    return {"wall": round(run.seconds, 2), "cpu": round(run.cpu, 2), "peak_mib": round(run.peak_rss / MIB),
            "peak_pss_mib": round(run.peak_pss / MIB)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--cmd", help="how to run flagaudit (default: the flagaudit script, else python -m flagaudit)")
    parser.add_argument("--reference", help="another flagaudit to compare the cold check's time and JSON with")
    parser.add_argument("--vulture", help="vulture's command (default: none; e.g. 'vulture')")
    parser.add_argument("--as-of", default="2026-12-01", help="--as-of for check, so outputs compare across days")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    source = args.repo.resolve()
    command = analyzer_command(args.cmd)
    with tempfile.TemporaryDirectory(prefix="bench-repo-") as folder:
        repo = Path(folder) / source.name
        subprocess.run(["git", "clone", "-q", str(source), str(repo)], check=True)
        files, lines = python_lines(repo)
        commits = int(git(repo, "rev-list", "--first-parent", "--count", "HEAD"))
        log(f"{source.name}: {lines:,} Python lines in {files:,} files, {commits:,} first-parent commits")
        result: dict[str, object] = {"repository": source.name, "files": files, "lines": lines, "commits": commits}
        check = ["check", "--as-of", args.as_of, "--format", "json", "-q"]
        cold_json, reference_json = Path(folder) / "cold.json", Path(folder) / "reference.json"
        runs: dict[str, Run] = {}
        runs["git log -p"] = timed_run(["sh", "-c", "git log -p --first-parent -- '*.py' > /dev/null"], (0,), repo)
        runs["check cold"] = timed_run([*command, *check, "-o", str(cold_json)], FLAGAUDIT_OK, repo)
        runs["check warm"] = timed_run([*command, *check], FLAGAUDIT_OK, repo)
        if args.reference:
            (repo / CACHE_DIR).rename(Path(folder) / "kept-cache")
            reference = timed_run([*shlex.split(args.reference), *check, "-o", str(reference_json)],
                                  (*FLAGAUDIT_OK, 2), repo)
            shutil.rmtree(repo / CACHE_DIR, ignore_errors=True)
            (Path(folder) / "kept-cache").rename(repo / CACHE_DIR)
            if reference.returncode == 2:  # e.g. a version that stops on objects a partial clone lacks
                result["reference_failed"] = True
            else:
                runs["reference check cold"] = reference
                result["identical_json"] = filecmp.cmp(cold_json, reference_json, shallow=False)
        runs["scan cold"] = timed_run([*command, "scan", "--format", "json", "-q", "--no-cache"], FLAGAUDIT_OK, repo)
        runs["scan warm"] = timed_run([*command, "scan", "--format", "json", "-q"], FLAGAUDIT_OK, repo)
        if args.vulture:
            runs["vulture"] = timed_run([*shlex.split(args.vulture), ".", "--exclude", CACHE_DIR], VULTURE_OK, repo)
        one_more_commit(repo)
        runs["check, one new commit"] = timed_run([*command, *check], FLAGAUDIT_OK, repo)
    result["runs"] = {name: figures(run) for name, run in runs.items()}
    cold = runs["check cold"]
    result["check_cold_vs_git_log_p"] = round(cold.seconds / runs["git log -p"].seconds, 1)
    if "reference check cold" in runs:
        result["reference_vs_check_cold"] = round(runs["reference check cold"].seconds / cold.seconds, 1)
    if args.vulture:
        result["scan_cold_vs_vulture"] = round(runs["scan cold"].seconds / runs["vulture"].seconds, 2)
        result["scan_cold_vs_vulture_cpu"] = round(runs["scan cold"].cpu / runs["vulture"].cpu, 2)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{source.name}: {lines:,} Python lines, {commits:,} first-parent commits ({shlex.join(command)})")
    for name, run in runs.items():
        print(f"  {name:<24} {run.seconds:7.2f} s wall {run.cpu:7.2f} s CPU {run.peak_rss / MIB:6.0f} MiB RSS "
              f"{run.peak_pss / MIB:6.0f} MiB PSS")
    for key in ("check_cold_vs_git_log_p", "reference_vs_check_cold", "scan_cold_vs_vulture",
                "scan_cold_vs_vulture_cpu", "identical_json", "reference_failed"):
        if key in result:
            print(f"  {key.replace('_', ' '):<24} {result[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
