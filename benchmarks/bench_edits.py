#!/usr/bin/env python3
"""Time a run after an edit that changes calls or a flag check, for two builds side by side on copies of one tree.

Why: the run a developer waits for most is the one after an edit (a pre-commit hook, a save in the editor). The
edit that costs most is one that changes what a function calls: it changes the call graph, which the findings of
the code read. On a shared, noisy machine two builds are compared on the same edits, alternating, and the outputs
compared byte for byte (the one without the change is the reference).

Each round picks a module (seeded), inserts a reference to one of its functions (``_ = name``, marked
``# inserted``; with ``--mixed``, also to any object's method or an imported module's name) before a statement of
a function's body, or deletes one inserted earlier, in both copies, and runs the command in each. With
``--checks`` each round edits a flag check instead (``if waffle.switch_is_active("x"):``, ``if
flag_is_active(request, features.X):``): its key renamed (a literal given a suffix, a module's constant swapped for
another the tree's checks are given), or a check of another key inserted above it. Both copies are warmed first
with their own build. Wall and CPU seconds (the process tree's) per round, their medians, and whether the outputs
are the same bytes.

Usage: python benchmarks/bench_edits.py TREE --cmd "NEW" --reference "OLD" [--rounds 10] [--seed 1]
                                       [--command scan|check] [--format text|json] [--as-of YYYY-MM-DD]
                                       [--mixed | --checks] [--work DIR]
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_scan import FLAGAUDIT_OK, Run, analyzer_command, log, timed_run  # noqa: E402

_SKIPPED = {".git", ".flagaudit_cache", "migrations", "node_modules", "tests", "test"}
_STATEMENT = ("if ", "return", "for ", "x = ")
_MARK = "# inserted"
_CHECK = re.compile(r"^(?P<indent>[ \t]+)if (?:not )?(?P<call>[\w.]*(?:flag_is_active|switch_is_active|sample_is_active"
                    r"|feature_enabled|is_enabled|is_active)\((?:[\w.]*request, )?(?P<key>[\"'][\w.-]+[\"']"
                    r"|[A-Za-z_]\w*\.[A-Z][A-Z0-9_]+)[^()]*\))(?: (?:and|or) [^:]*)?:\s*$")
"""A line that tests a flag check whose key is a literal or a module's constant."""


def modules(tree: Path) -> list[str]:
    """The tree's non-test modules that define a top-level function, sorted."""
    found = []
    for root, dirs, files in os.walk(tree):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED and not d.startswith("."))
        for name in files:
            path = Path(root, name)
            if name.endswith(".py") and not name.startswith("test"):
                try:
                    text = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                if re.search(r"^def [A-Za-z]\w*\(", text, re.M):
                    found.append(path.relative_to(tree).as_posix())
    return sorted(found)


def edit(text: str, rng: random.Random, mixed: bool = False) -> str | None:
    """``text`` with a reference to one of its functions inserted before a statement of a body, or one inserted
    earlier deleted; ``None`` where there is no such statement. ``mixed``: a third of the references are to a
    method of any object (``_ = _.name``, the name of one of its functions) and a third to a name of a module it
    imports (``_ = json.dumps`` where it has ``import json``), as most calls an edit adds are."""
    lines = text.split("\n")
    inserted = [n for n, line in enumerate(lines) if line.rstrip().endswith(_MARK)]
    if inserted and rng.random() < 0.3:
        del lines[rng.choice(inserted)]
        return "\n".join(lines)
    names = re.findall(r"^def ([A-Za-z]\w*)\(", text, re.M)
    starts = [n for n, line in enumerate(lines) if line.startswith(" ") and line.strip().startswith(_STATEMENT)
              and not lines[n - 1].rstrip().endswith(("(", ",", "\\"))]
    if not starts:
        return None
    at = rng.choice(starts)
    indent = lines[at][:len(lines[at]) - len(lines[at].lstrip())]
    reference = rng.choice(names)
    imported = re.findall(r"^import ([a-z]\w*)$", text, re.M)
    kind = rng.randrange(3) if mixed else 0
    if kind == 1:
        reference = f"_.{reference}"
    elif kind == 2 and imported:
        reference = f"{rng.choice(imported)}.{rng.choice(('dumps', 'getLogger', 'get', 'join', 'now'))}"
    lines.insert(at, f"{indent}_ = {reference}  {_MARK}")
    return "\n".join(lines)


def checked_constants(tree: Path, paths: list[str]) -> list[str]:
    """The modules' constants the checks of ``paths`` are given as keys (``features.ENABLE_GV``), sorted."""
    return sorted({match["key"] for path in paths for line in (tree / path).read_text(encoding="utf-8").split("\n")
                   if (match := _CHECK.match(line)) and match["key"][0] not in "\"'"})


def edit_check(text: str, rng: random.Random, constants: list[str]) -> str | None:
    """``text`` with one of its flag checks' keys renamed, or a check of another key inserted above it (the same
    call, guarding ``pass``); a constant is swapped for another of ``constants`` under the same name (``features.``).
    ``None`` where it has no check :data:`_CHECK` reads, or no other constant to swap."""
    lines = text.split("\n")
    found = [(n, match) for n, line in enumerate(lines) if (match := _CHECK.match(line))]
    if not found:
        return None
    at, check = rng.choice(found)
    key = check["key"]
    if key[0] in "\"'":
        other = f"{key[:-1]}_{rng.randrange(1000)}{key[-1]}"
    else:
        peers = [c for c in constants if c != key and c.split(".")[0] == key.split(".")[0]]
        if not peers:
            return None
        other = rng.choice(peers)
    if rng.random() < 0.5:
        lines[at] = lines[at].replace(key, other, 1)
    else:
        lines[at:at] = [f"{check['indent']}if {check['call'].replace(key, other, 1)}:", f"{check['indent']}    pass"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--cmd", required=True, help="the build measured")
    parser.add_argument("--reference", required=True, help="the build compared with")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--command", choices=("scan", "check"), default="scan")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="the output compared")
    kinds = parser.add_mutually_exclusive_group()
    kinds.add_argument("--mixed", action="store_true", help="references to any object's methods and imported "
                       "modules' names too, not only to the module's own functions")
    kinds.add_argument("--checks", action="store_true", help="edits of flag checks instead of references")
    parser.add_argument("--as-of", default="2026-12-01", help="check's today")
    parser.add_argument("--work", type=Path, help="where the copies go (default: a temporary folder)")
    options = parser.parse_args(argv)
    work = options.work or Path(tempfile.mkdtemp(prefix="bench-edits-"))
    copies = {"new": work / "new", "reference": work / "reference"}
    commands = {"new": analyzer_command(options.cmd), "reference": analyzer_command(options.reference)}
    argv_tail = [options.command, "--format", options.format,
                 *(["--as-of", options.as_of] if options.command == "check" else [])]
    for name, copy in copies.items():
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(options.tree, copy, symlinks=True, ignore=shutil.ignore_patterns(".flagaudit_cache"))
        log(f"warming {name} in {copy}")
        timed_run([*commands[name], *argv_tail], FLAGAUDIT_OK, copy)
    rng = random.Random(options.seed)
    candidates = modules(copies["new"])
    if options.checks:
        candidates = [path for path in candidates if any(map(_CHECK.match, (copies["new"] / path).read_text(
            encoding="utf-8").split("\n")))]
        if not candidates:
            log("no flag check whose key is a literal or a module's constant to edit")
            return 2
    constants = checked_constants(copies["new"], candidates) if options.checks else []
    times: dict[str, list[Run]] = {"new": [], "reference": []}
    same = 0
    done = 0
    missed = 0
    while done < options.rounds:
        path = rng.choice(candidates)
        before = (copies["new"] / path).read_text(encoding="utf-8")
        text = edit_check(before, rng, constants) if options.checks else edit(before, rng, options.mixed)
        if text is None:
            missed += 1
            if missed > 100 * len(candidates):
                log("no edit found in the modules tried")
                return 2
            continue
        for copy in copies.values():
            (copy / path).write_text(text, encoding="utf-8")
        outputs = {}
        for name in ("new", "reference") if done % 2 == 0 else ("reference", "new"):
            run = timed_run([*commands[name], *argv_tail, "-o", str(work / f"{name}.out")], FLAGAUDIT_OK,
                            copies[name])
            times[name].append(run)
            outputs[name] = (work / f"{name}.out").read_bytes()
        same += outputs["new"] == outputs["reference"]
        print(f"{done + 1:3d} {path}: new {times['new'][-1].seconds:.2f} s ({times['new'][-1].cpu:.2f} s CPU), "
              f"reference {times['reference'][-1].seconds:.2f} s ({times['reference'][-1].cpu:.2f} s CPU), "
              f"{'the same bytes' if outputs['new'] == outputs['reference'] else 'OUTPUTS DIFFER'}", flush=True)
        done += 1

    def median(runs: list[Run], cpu: bool = False) -> float:
        return statistics.median(run.cpu if cpu else run.seconds for run in runs)

    print(f"median: new {median(times['new']):.2f} s ({median(times['new'], True):.2f} s CPU), reference "
          f"{median(times['reference']):.2f} s ({median(times['reference'], True):.2f} s CPU); "
          f"slowest new {max(r.seconds for r in times['new']):.2f} s; the same bytes in {same} of {done}")
    return 0 if same == done else 1


if __name__ == "__main__":
    sys.exit(main())
