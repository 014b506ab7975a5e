#!/usr/bin/env python3
"""Time ``flagaudit history`` on a synthetic repository: cold, then warm after one new commit.

Why: history is read once and then kept up to date incrementally; both halves
are product promises. Cold is a first run with no cache (every commit read,
every relevant blob analysed); warm is the run after one more commit, which
should read only that commit. Both run as subprocesses, the way users run the
tool, with peak memory sampled over the whole process tree (bench_scan.py's
sampler, so Linux only). The repository is made by generate_history.py with
``git fast-import`` and reused while the generator is unchanged.

Usage: python benchmarks/bench_history.py [--commits 5000] [--seed 1] [--cmd "python -m flagaudit"] [--json]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # the repository root: tests/repos.py is the one git helper

from bench_scan import MIB, analyzer_command, log, timed_run  # noqa: E402

from tests.repos import git  # noqa: E402

GENERATOR = HERE / "generate_history.py"
STAMP = ".generator-sha256"
AS_OF = "2026-01-01"
BENCH = ("Bench", "bench@example.com")
BENCH_DATE = "2025-12-31T12:00:00+00:00"
"""Who commits the extra commit, and when: fixed, so the repository is the same on every run."""


def ensure_repository(commits: int, seed: int) -> tuple[Path, str]:
    """Reuse benchmarks/.tree-history-<commits>-<seed> (ignored by git), else generate it; returns it and its head."""
    repo = HERE / f".tree-history-{commits}-{seed}"
    digest = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()
    stamp = repo / ".git" / STAMP
    if repo.is_dir() and stamp.is_file() and stamp.read_text().split()[0] == digest:
        return repo, stamp.read_text().split()[1]
    shutil.rmtree(repo, ignore_errors=True)
    log(f"generating {commits} commits (seed {seed}) into {repo} ...")
    subprocess.run([sys.executable, str(GENERATOR), str(repo), "--commits", str(commits), "--seed", str(seed)],
                   check=True, stdout=sys.stderr)
    head = run_git(repo, "rev-parse", "HEAD")
    stamp.write_text(f"{digest} {head}\n")
    return repo, head


def reset(repo: Path, head: str) -> None:
    """Back to the generated head, with no cache: what a first run sees."""
    run_git(repo, "reset", "-q", "--hard", head)
    shutil.rmtree(repo / ".flagaudit_cache", ignore_errors=True)


def one_more_commit(repo: Path) -> None:
    """A commit that changes the guarded code of one flag site, as a developer would."""
    target = next(p for p in sorted(repo.glob("shop/*/*.py")) if "helpers.helper_" in p.read_text())
    text = target.read_text()
    target.write_text(text.replace("helpers.helper_", "helpers.fallback_or_helper_", 1))
    run_git(repo, "commit", "-q", "-am", "Change one guarded call")


def run_git(repo: Path, *args: str) -> str:
    return git(repo, *args, date=BENCH_DATE, author=BENCH).strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cmd", help="how to run flagaudit (default: the flagaudit script, else python -m flagaudit)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    repo, head = ensure_repository(args.commits, args.seed)
    reset(repo, head)
    command = [*analyzer_command(args.cmd), "history", "-C", str(repo), "--as-of", AS_OF, "--format", "json"]
    commits = int(run_git(repo, "rev-list", "--first-parent", "--count", "HEAD"))
    log(f"cold: {commits} first-parent commits ...")
    cold = timed_run(command, (0,))
    unchanged = timed_run(command, (0,))
    one_more_commit(repo)
    warm = timed_run(command, (0,))
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "history.json"
        subprocess.run([*command, "-o", str(output)], check=True, stderr=subprocess.DEVNULL)
        document = json.loads(output.read_text())
    events: dict[str, int] = {}
    for timeline in document["timelines"]:
        for event in timeline["events"]:
            events[event["kind"]] = events.get(event["kind"], 0) + 1
    figures = {
        "commits": commits, "keys": len(document["timelines"]), "events": dict(sorted(events.items())),
        "cold_seconds": round(cold.seconds, 2), "cold_commits_per_second": round(commits / cold.seconds, 1),
        "warm_unchanged_seconds": round(unchanged.seconds, 2), "warm_one_commit_seconds": round(warm.seconds, 2),
        "peak_rss_mib": round(max(cold.peak_rss, unchanged.peak_rss, warm.peak_rss) / MIB, 1),
    }
    reset(repo, head)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"repository      {repo} ({commits} first-parent commits, {figures['keys']} keys, "
          + ", ".join(f"{n} {kind}" for kind, n in figures["events"].items()) + ")")
    print(f"cold            {figures['cold_seconds']:.2f} s  ({figures['cold_commits_per_second']:.0f} commits/s)")
    print(f"warm, no change {figures['warm_unchanged_seconds']:.2f} s")
    print(f"warm, 1 commit  {figures['warm_one_commit_seconds']:.2f} s")
    print(f"peak RSS        {figures['peak_rss_mib']:.0f} MiB (whole process tree)")


if __name__ == "__main__":
    main()
