#!/usr/bin/env python3
"""The byte-level prefilter of two flagaudit builds over every version of a repository's Python files that its
first-parent history holds, in the order history reads them: seconds, and whether both decide alike for each.

Why: a cold ``check`` runs the prefilter over every version of every file (hundreds of megabytes on a long
history) and parses only those it lets through, so its cost and its decisions both matter. The two builds run
one after the other in their own interpreters on the same bytes, read from git once, with the builtin rules only
(history adds the helpers a scan of the tip infers, which a build may infer otherwise).

Usage: python benchmarks/bench_prefilter.py --a PYTHON_A --b PYTHON_B REPO...
       (PYTHON_A/B: the interpreters of two environments flagaudit is installed in)
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

_DECIDE = r"""
import sys, time
from flagaudit.extract.prefilter import mentions
from flagaudit.sdk_rules import load_rules
batch = open(sys.argv[1], "rb").read()
blobs, at = [], 0
while at < len(batch):
    end = batch.index(b"\n", at)
    size = int(batch[at:end].split()[2])
    blobs.append(batch[end + 1:end + 1 + size])
    at = end + 2 + size
rules = load_rules()
mentions(b"", rules)
start = time.process_time()
decided = bytes(48 + mentions(blob, rules) for blob in blobs)
print(round(time.process_time() - start, 2), round(sum(map(len, blobs)) / 1e6), len(blobs), decided.count(b"1"))
sys.stdout.flush()
open(sys.argv[2], "wb").write(decided)
"""


def versions(repo: Path, into: Path) -> None:
    """Every blob of a ``.py`` path the first-parent history adds or changes, oldest first, each once, as ``git
    cat-file --batch`` writes them (a partial clone's missing blobs left out)."""
    log = subprocess.run(["git", "-C", str(repo), "log", "--reverse", "--first-parent", "--raw", "--no-abbrev",
                          "--format=", "--", "*.py"], capture_output=True, check=True).stdout
    shas = dict.fromkeys(line.split()[3] for line in log.splitlines() if line.startswith(b":"))
    shas.pop(b"0" * 40, None)
    listed = subprocess.run(["git", "-C", str(repo), "cat-file", "--batch-check"], input=b"\n".join(shas) + b"\n",
                            capture_output=True, check=True).stdout
    present = [line.split()[0] for line in listed.splitlines() if not line.endswith(b" missing")]
    with into.open("wb") as out:
        subprocess.run(["git", "-C", str(repo), "cat-file", "--batch"], input=b"\n".join(present) + b"\n",
                       stdout=out, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", required=True, help="the first build's Python")
    parser.add_argument("--b", required=True, help="the second build's Python")
    parser.add_argument("repos", nargs="+", type=Path)
    options = parser.parse_args()
    print("repository        MB  versions | A: CPU s  passed | B: CPU s  passed | B/A   the same decisions")
    for repo in options.repos:
        with tempfile.TemporaryDirectory() as folder:
            batch = Path(folder, "batch")
            versions(repo, batch)
            results = []
            for python in (options.a, options.b):
                decided = Path(folder, f"decided-{len(results)}")
                ran = subprocess.run([python, "-c", _DECIDE, str(batch), str(decided)], capture_output=True,
                                     text=True, check=True, cwd=folder)  # not a checkout's flagaudit on sys.path
                seconds, megabytes, count, passed = ran.stdout.split()
                results.append((float(seconds), megabytes, count, passed, decided.read_bytes()))
        (a, megabytes, count, a_passed, a_decided), (b, _, _, b_passed, b_decided) = results
        dropped = sum(1 for x, y in zip(a_decided, b_decided, strict=True) if x > y)
        added = sum(1 for x, y in zip(a_decided, b_decided, strict=True) if x < y)
        print(f"{repo.name[:16]:16} {megabytes:>4} {count:>9} | {a:8.2f} {a_passed:>7} | {b:8.2f} {b_passed:>7} | "
              f"{b / a:4.2f}  {'yes' if a_decided == b_decided else f'no: B drops {dropped}, B adds {added}'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
