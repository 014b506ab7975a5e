#!/usr/bin/env python3
"""Time ``flagaudit check`` on the scan benchmark tree with a long git history.

Why: the gate runs on every commit, in pre-commit (``--no-history``) and in CI (full, with history), so both
must stay fast on a large codebase with years of history. The repository is the tree ``generate_tree.py``
writes, committed by ``git fast-import`` as a project would grow: its files added a few per commit, then
years of small edits to modules with flag checks (one commit a day). Timed as subprocesses, the way users
run the tool, with peak memory over the whole process tree (bench_scan.py's sampler, so Linux only):

- ``check --no-history``, warm (pre-commit);
- ``check`` with no cache (history read from the first commit), then warm with nothing changed, then warm
  after one more commit.

Usage: python benchmarks/bench_check.py [--lines 415000] [--seed 1] [--edits 1600] [--cmd "python -m flagaudit"]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # the repository root: tests/repos.py is the one git helper

from bench_history import AS_OF, run_git  # noqa: E402
from bench_scan import (  # noqa: E402
    CACHE_DIR,
    FLAGAUDIT_OK,
    MIB,
    analyzer_command,
    count_python,
    ensure_tree,
    log,
    timed_run,
)

from tests.repos import IDENTITY  # noqa: E402

FILES_PER_COMMIT = 3
START = datetime(2020, 1, 6, 10, 0, tzinfo=timezone.utc)


def ensure_repository(tree: Path, edits: int, seed: int) -> Path:
    """Reuse benchmarks/.tree-check-<tree>-<edits>-<seed> while this script and the tree are unchanged."""
    repo = HERE / f".tree-check-{tree.name.removeprefix('.tree-')}-{edits}-{seed}"
    stamp = hashlib.sha256(Path(__file__).read_bytes() + (tree / ".generator-sha256").read_bytes()).hexdigest()
    marker = repo / ".git" / "bench-check-sha256"
    if marker.is_file() and marker.read_text().strip() == stamp:
        return repo
    shutil.rmtree(repo, ignore_errors=True)
    log(f"committing {tree} as a history of {edits} edits into {repo} ...")
    run_git(HERE, "init", "-q", "-b", "main", str(repo))
    stream = _history(tree, edits, random.Random(seed))
    subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet"], input=stream, check=True,
                   env={**os.environ, **IDENTITY})  # the stream names each commit's author, committer and date
    run_git(repo, "reset", "-q", "--hard", "main")
    marker.write_text(stamp + "\n")
    return repo


def _history(tree: Path, edits: int, rng: random.Random) -> bytes:
    """The fast-import stream: files added a few per commit in path order, then one edit a day."""
    files = sorted(p for p in tree.rglob("*.py") if CACHE_DIR not in p.parts)
    contents = {p.relative_to(tree).as_posix(): p.read_bytes() for p in files}
    flagged = [path for path, data in contents.items() if b"flag" in data or b"variation" in data]
    out: list[bytes] = []
    when = START
    paths = list(contents)
    mark = 0
    for start in range(0, len(paths), FILES_PER_COMMIT):
        batch = paths[start:start + FILES_PER_COMMIT]
        mark = _commit(out, mark, when, f"Add {', '.join(batch)}", {p: contents[p] for p in batch})
        when += timedelta(days=1)
    for number in range(edits):
        path = rng.choice(flagged)
        contents[path] += f"# revision {number}\n".encode()
        mark = _commit(out, mark, when, f"Edit {path}", {path: contents[path]})
        when += timedelta(days=1) if number % 3 else timedelta(hours=5)
    return b"".join(out)


def _commit(out: list[bytes], mark: int, when: datetime, message: str, files: dict[str, bytes]) -> int:
    stamp = f"{int(when.timestamp())} +0000"
    text = message.encode()
    out.append(f"commit refs/heads/main\nmark :{mark + 1}\nauthor Bench <bench@example.com> {stamp}\n"
               f"committer Bench <bench@example.com> {stamp}\ndata {len(text)}\n".encode() + text + b"\n")
    if mark:
        out.append(f"from :{mark}\n".encode())
    for path, data in files.items():
        out.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    return mark + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=415_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edits", type=int, default=1600)
    parser.add_argument("--cmd", help="how to run flagaudit (default: the flagaudit script, else python -m flagaudit)")
    args = parser.parse_args()
    repo = ensure_repository(ensure_tree(args.lines, args.seed), args.edits, args.seed)
    shutil.rmtree(repo / CACHE_DIR, ignore_errors=True)
    run_git(repo, "reset", "-q", "--hard", "main")
    files, lines = count_python(repo)
    commits = int(run_git(repo, "rev-list", "--count", "HEAD"))
    check = [*analyzer_command(args.cmd), "check", str(repo), "--as-of", AS_OF, "-q", "-o", os.devnull]
    log(f"{commits} commits, {files} files, {lines} lines: cold check ...")
    cold = timed_run(check, FLAGAUDIT_OK)
    warm = timed_run(check, FLAGAUDIT_OK)
    fast = timed_run([*check, "--no-history"], FLAGAUDIT_OK)
    path = next(p for p in sorted(repo.rglob("*.py")) if b"flag" in p.read_bytes())
    path.write_bytes(path.read_bytes() + b"# one more commit\n")
    run_git(repo, "commit", "-q", "-am", "One more commit")
    one_more = timed_run(check, FLAGAUDIT_OK)
    run_git(repo, "reset", "-q", "--hard", "HEAD~1")
    print(f"repository                  {repo.name}: {commits} commits, {files:,} files, {lines:,} lines")
    for label, run in (("check, no cache", cold), ("check, warm", warm), ("check --no-history, warm", fast),
                       ("check after one new commit", one_more)):
        print(f"{label:<27} {run.seconds:6.2f} s   peak {run.peak_rss / MIB:5.0f} MiB")


if __name__ == "__main__":
    main()
