#!/usr/bin/env python3
"""``flagaudit remove`` beside Piranha on the same flag-dense tree and the same keys, in one run.

Why: Uber's Piranha is the reference flag-cleanup tool; its polyglot version rewrites Python with tree-sitter
rules. It ships no Python cleanup rules, so benchmarks/piranha/ holds ours (seed rules turning each check of
the key into a literal, cleanup rules simplifying what the literal decides, written the way Piranha's
documentation describes). For every key of the tree (benchmarks/generate_dense_tree.py) and both values,
each tool rewrites the tree without writing it (flagaudit's plan, Piranha's dry run), and this records for
both: the files rewritten, how many of them still
parse (``ast``) and compile, the lines deleted (``-`` lines of a unified diff, the same count for both),
and the run time. flagaudit's time is ``remove`` with its own scan on a warm cache, as the command runs it,
and again with one scan shared by every removal, as the report plans them (the first, cold scan is given
apart); Piranha's is ``execute_piranha`` over the tree.

Needs polyglot-piranha importable (``pip install polyglot-piranha``; it is no dependency of flagaudit).

Usage: python benchmarks/bench_piranha.py [--work DIR] [--keys 60] [--json FILE]
"""

from __future__ import annotations

import argparse
import difflib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_remove import prepare, project_keys, valid_python  # noqa: E402

from flagaudit.commands.remove import RemoveOptions, remove  # noqa: E402
from flagaudit.config import load_config  # noqa: E402
from flagaudit.scan.project import Scanned, ScanOptions, scan_graphed  # noqa: E402
from flagaudit.sdk_rules import load_rules  # noqa: E402

NO_SYMBOL = "NO_SUCH_SYMBOL_FOR_THIS_KEY"


@dataclass
class Run:
    tool: str
    key: str
    value: str
    files: int = 0
    parsing: int = 0
    broken: list[str] = field(default_factory=list)
    deleted: int = 0
    seconds: float = 0.0
    note: str = ""


def deleted_lines(before: str, after: str) -> int:
    return sum(1 for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
               if line.startswith("-") and not line.startswith("---"))


def flagaudit_key(entry: dict[str, str]) -> str:
    """The key as flagaudit names it: a settings flag by the dictionary that holds it."""
    return f"FEATURES['{entry['key']}']" if entry["sdk"] == "settings" else entry["key"]


def run_flagaudit(tree: Path, key: str, value: bool, scanned: Scanned | None = None) -> Run:
    """``remove`` as the command runs it (its own scan, on a warm cache), or on a scan it is given (as the report
    plans every ready flag on one scan)."""
    config = load_config((), None, tree)
    rules = load_rules(config.rules, config.settings_dicts)
    started = time.perf_counter()
    cleanup = remove(config, rules, RemoveOptions((key,), value), scanned)
    tool = "flagaudit" if scanned is None else "flagaudit, one shared scan"
    run = Run(tool, key, "on" if value else "off", seconds=time.perf_counter() - started)
    (removal,) = cleanup.removals
    if removal.refused:
        run.note = "left alone: " + "; ".join(removal.refused)
        return run
    for path, (before, after) in sorted(cleanup.files.items()):
        run.files += 1
        if valid_python(path, after) if path.endswith(".py") else True:
            run.parsing += 1
        else:
            run.broken.append(path)
        run.deleted += deleted_lines(before or "", after)
    return run


def run_piranha(tree: Path, entry: dict[str, str], value: bool) -> Run:
    from polyglot_piranha import PiranhaArguments, execute_piranha

    arguments = PiranhaArguments(
        language="python", paths_to_codebase=[str(tree)], path_to_configurations=str(HERE / "piranha"),
        substitutions={"stale_flag_name": entry["key"], "stale_symbol": entry["symbol"] or NO_SYMBOL,
                       "treated": "True" if value else "False"},
        dry_run=True)
    started = time.perf_counter()
    summaries = execute_piranha(arguments)
    run = Run("piranha", flagaudit_key(entry), "on" if value else "off", seconds=time.perf_counter() - started)
    for summary in sorted(summaries, key=lambda s: s.path):
        if summary.content == summary.original_content:
            continue
        run.files += 1
        relative = str(Path(summary.path).relative_to(tree))
        if valid_python(relative, summary.content):
            run.parsing += 1
        else:
            run.broken.append(relative)
        run.deleted += deleted_lines(summary.original_content, summary.content)
    return run


def table(runs: list[Run], cold: float) -> list[str]:
    lines = ["| tool | removals | removals with a change | files rewritten | files that parse and compile | "
             "removals leaving every file valid | lines deleted | run time (s) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for tool in dict.fromkeys(r.tool for r in runs):
        mine = [r for r in runs if r.tool == tool]
        changed = [r for r in mine if r.files]
        files = sum(r.files for r in changed)
        parsing = sum(r.parsing for r in changed)
        share = f"{parsing}/{files} ({100 * parsing / files:.0f}%)" if files else "0/0"
        clean = sum(not r.broken for r in changed)
        seconds = sum(r.seconds for r in mine)
        extra = f" (+ {cold:.1f} cold scan)" if tool.startswith("flagaudit") else ""
        lines.append(f"| {tool} | {len(mine)} | {len(changed)} | {files} | {share} | {clean}/{len(changed)} | "
                     f"{sum(r.deleted for r in mine)} | {seconds:.1f}{extra} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path)
    parser.add_argument("--keys", type=int, default=60)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="flagaudit-bench-piranha-") as temporary:
        work = args.work or Path(temporary)
        generated = work / "dense-source"
        if not generated.exists():
            subprocess.run([sys.executable, str(HERE / "generate_dense_tree.py"), str(generated), "--keys",
                            str(args.keys)], check=True, capture_output=True)
        manifest = json.loads((generated / "KEYS.json").read_text(encoding="utf-8"))["keys"]
        tree = work / "dense-tree"
        if tree.exists():
            shutil.rmtree(tree)
        prepare(generated, tree)
        (tree / "KEYS.json").unlink()
        shutil.rmtree(tree / ".flagaudit_cache")
        started = time.perf_counter()
        project_keys(tree)  # the cold scan, which leaves the cache warm for every removal
        cold = time.perf_counter() - started
        config = load_config((), None, tree)
        started = time.perf_counter()
        scanned = scan_graphed(config, load_rules(config.rules, config.settings_dicts), ScanOptions(),
                               whole_graph=True)
        shared = time.perf_counter() - started
        runs: list[Run] = []
        for entry in manifest:
            for value in (True, False):
                runs.append(run_flagaudit(tree, flagaudit_key(entry), value))
                runs.append(run_flagaudit(tree, flagaudit_key(entry), value, scanned))
                runs.append(run_piranha(tree, entry, value))
        runs[1].seconds += shared  # the shared scan counts once
        print("\n".join(table(runs, cold)))
        for run in runs:
            for path in run.broken:
                print(f"does not parse: {run.tool} {run.key} --as {run.value}: {path}")
        if args.json:
            args.json.write_text(json.dumps([asdict(r) for r in runs], indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
