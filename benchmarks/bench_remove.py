#!/usr/bin/env python3
"""How well ``flagaudit remove`` cleans up: every key of a tree, both values, each removal on a fresh copy.

Why: a cleanup codemod is only worth running if what it writes is valid code that does what the kept branch
did, and if it is honest about what it leaves alone. For every key and both ``--as`` values this writes the
removal into a fresh copy of the tree and records:

- whether the key was removed or left alone, and why (the refusal reasons, grouped);
- that every file it wrote parses (libcst and ``ast``) and compiles, checked here again, not trusted;
- that it reads no name it no longer defines (pyflakes' undefined names, new ones only) and never reads an
  attribute of the literal a check became (``False.value``): what compiling cannot see;
- that a second ``remove`` of the same key on the written tree changes nothing;
- the lines it deleted;
- with ``--django-python``, whether the project's own tests pass after the removal (run only for trees
  whose tests pass before any removal; the harness adds an in-memory database and what the fixture leaves
  out, never a change to the fixture's files).

Trees: fixtures/shop, fixtures/graph, the final tree of every case of the meaning evaluation set (built with
fixtures/meaning/build.py), and a flag-dense generated tree (benchmarks/generate_dense_tree.py).

Needs pyflakes (``pip install pyflakes``; no dependency of flagaudit).

Usage: python benchmarks/bench_remove.py [--work DIR] [--dense-keys 60] [--django-python PYTHON] [--only NAME]
       [--json FILE]
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import libcst as cst  # noqa: E402

from flagaudit.commands.remove import RemoveOptions, remove, write_cleanup  # noqa: E402
from flagaudit.config import load_config  # noqa: E402
from flagaudit.errors import FlagauditError  # noqa: E402
from flagaudit.scan.project import ScanOptions, scan_with  # noqa: E402
from flagaudit.sdk_rules import load_rules  # noqa: E402
from tests.repos import Repo  # noqa: E402

REASONS = (
    ("multivariate value", re.compile(r"multivariate")),
    ("check in a script (wafflejs)", re.compile(r"in a script")),
    ("decorated view switched off", re.compile(r"decorated view")),
    ("and/or with side effects", re.compile(r"side effects")),
    ("check result used as an object", re.compile(r"used as an object")),
    ("assert outside a test always fails", re.compile(r"assert outside a test")),
    ("template condition beyond the check", re.compile(r"template|\{%")),
    ("check the scan did not place", re.compile(r"not where the scan saw it")),
    ("a run-time key may be this one", re.compile(r"built at run time")),
)


def reason_of(refusal: str) -> str:
    """A refusal ``path:line: why`` grouped by its why."""
    for name, pattern in REASONS:
        if pattern.search(refusal):
            return name
    return "other: " + refusal.split(": ", 1)[-1][:60]


@dataclass
class Outcome:
    tree: str
    key: str
    value: str
    status: str
    """``removed``, ``refused``, ``error`` (the planner raised) or ``absent`` (nothing of the key to change)."""
    reasons: list[str] = field(default_factory=list)
    files: int = 0
    deleted: int = 0
    valid: bool = True
    """Every file written parses (libcst, ast) and compiles."""
    invalid: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Undefined names the removal introduced, attributes read on a folded literal."""
    noop: bool | None = None
    """A second ``remove`` of the key on the written tree changes nothing (``None``: not removed)."""
    tests: str = ""
    """``pass``, ``fail: ...`` or empty when the project's tests were not run."""
    seconds: float = 0.0


def valid_python(path: str, text: str) -> bool:
    try:
        cst.parse_module(text)
        compile(ast.parse(text, path), path, "exec")
    except (SyntaxError, ValueError, cst.ParserSyntaxError):
        return False
    return True


def new_problems(path: str, before: str, after: str) -> list[str]:
    """What the rewrite broke that compiling does not show: names read but no longer defined, an attribute of a
    boolean literal."""
    from pyflakes import checker, messages

    def undefined(text: str) -> set[str]:
        found = checker.Checker(ast.parse(text, path), filename=path).messages
        kinds = (messages.UndefinedName, messages.UndefinedExport, messages.UndefinedLocal)
        return {f"undefined {m.message_args[0]}" for m in found if isinstance(m, kinds)}

    literal = re.compile(r"\b(?:True|False)\.\w+")
    problems = sorted(undefined(after) - undefined(before))
    problems += sorted(set(literal.findall(after)) - set(literal.findall(before)))
    return [f"{path}: {p}" for p in problems]


def project_keys(tree: Path) -> list[str]:
    config = load_config((), None, tree)
    inventory = scan_with(config, load_rules(config.rules, config.settings_dicts), ScanOptions())
    return sorted({f.key for f in inventory.flags if f.key is not None and not f.pattern})


def one_removal(name: str, pristine: Path, key: str, value: bool, scratch: Path,
                tests: TestRunner | None) -> Outcome:
    tree = scratch / "tree"
    if tree.exists():
        shutil.rmtree(tree)
    shutil.copytree(pristine, tree, symlinks=True)  # with its warm cache: only changed files are analysed again
    outcome = Outcome(name, key, "on" if value else "off", "removed")
    config = load_config((), None, tree)
    rules = load_rules(config.rules, config.settings_dicts)
    started = time.perf_counter()
    try:
        cleanup = remove(config, rules, RemoveOptions((key,), value))
    except FlagauditError as exc:
        outcome.status, outcome.reasons = "error", [str(exc)]
        return outcome
    outcome.seconds = time.perf_counter() - started
    (removal,) = cleanup.removals
    if removal.refused:
        outcome.status = "refused"
        outcome.reasons = sorted({reason_of(r) for r in removal.refused})
        return outcome
    if not removal.removed or not cleanup.files:  # no such key, or nothing of it left (already retired)
        outcome.status = "absent"
        return outcome
    outcome.files, outcome.deleted = len(cleanup.files), cleanup.deleted_lines
    write_cleanup(tree, cleanup)
    for path, (before, _) in sorted(cleanup.files.items()):
        if not path.endswith(".py"):
            continue
        after = (tree / path).read_text(encoding="utf-8")
        if not valid_python(path, after):
            outcome.valid = False
            outcome.invalid.append(path)
        else:
            outcome.problems += new_problems(path, before or "", after)
    again = remove(config, rules, RemoveOptions((key,), value))
    outcome.noop = not again.files and not any(r.refused for r in again.removals)
    if tests is not None:
        outcome.tests = tests.run(tree)
    return outcome


class TestRunner:
    """A fixture project's own tests, run with a Django venv and a harness that supplies what the fixture
    does not carry (settings with an in-memory database, the django_db mark, a stub app it refers to)."""

    def __init__(self, python: str, harness: Path, settings: str) -> None:
        self.python, self.harness, self.settings = python, harness, settings

    def run(self, tree: Path) -> str:
        environment = {"PYTHONPATH": f"{self.harness}:{tree}", "DJANGO_SETTINGS_MODULE": self.settings,
                       "PATH": "/usr/bin:/bin"}
        result = subprocess.run([self.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "bench_db",
                                 "--nomigrations", "tests"], cwd=tree, env=environment, capture_output=True,
                                text=True, timeout=600, check=False)
        if result.returncode in (0, 5):  # 5: every test was about the removed branch and went with it
            return "pass"
        lines = [line for line in result.stdout.splitlines() if line.startswith(("E ", "FAILED", "ERROR"))]
        return "fail: " + (lines[0] if lines else result.stdout.strip().splitlines()[-1])[:120]


HARNESS = {
    "bench_db.py": '''import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.django_db)
''',
    "catalog/__init__.py": "",
    "catalog/models.py": '''from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=50)
''',
    "bench_settings_graph.py": '''from store.settings.test import *  # noqa: F403

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
SECRET_KEY = "benchmark"
INSTALLED_APPS = [*INSTALLED_APPS, "catalog"]  # noqa: F405  store.OrderLine refers to catalog.Product
''',
    "bench_settings_shop.py": '''SECRET_KEY = "benchmark"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "waffle", "shop.apps.ShopConfig"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
ROOT_URLCONF = "shop.urls"
FEATURES = {}
''',
}


def prepare(source: Path, target: Path) -> None:
    """A copy of ``source`` as a git repository with one commit and a warm cache."""
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns(".flagaudit_cache", ".git"))
    Repo(target).commit("2026-01-01", "tree", dedent=False)
    project_keys(target)  # fills the cache


def trees(work: Path, dense_keys: int, only: str | None) -> list[tuple[str, Path]]:
    found = []
    for fixture in ("shop", "graph"):
        found.append((fixture, ROOT / "fixtures" / fixture))
    meaning = work / "meaning"
    if not meaning.exists() and (only is None or only == "meaning"):
        subprocess.run([sys.executable, str(ROOT / "fixtures/meaning/build.py"), str(meaning)], check=True,
                       capture_output=True)
    if meaning.exists():
        found += [(f"meaning/{case.name}", case) for case in sorted(meaning.iterdir()) if case.is_dir()]
    dense = work / "dense"
    if not dense.exists() and (only is None or only == "dense"):
        subprocess.run([sys.executable, str(ROOT / "benchmarks/generate_dense_tree.py"), str(dense), "--keys",
                        str(dense_keys)], check=True, capture_output=True)
    if dense.exists():
        found.append(("dense", dense))
    return [(name, path) for name, path in found if only is None or name.split("/")[0] == only]


def summarise(outcomes: list[Outcome]) -> dict[str, object]:
    removed = [o for o in outcomes if o.status == "removed"]
    reasons = Counter(r for o in outcomes if o.status in ("refused", "error") for r in o.reasons)
    deleted = [o.deleted for o in removed]
    tested = [o for o in removed if o.tests]
    return {
        "removals": len(outcomes), "removed": len(removed),
        "refused": sum(o.status == "refused" for o in outcomes),
        "errors": sum(o.status == "error" for o in outcomes),
        "absent": sum(o.status == "absent" for o in outcomes),
        "reasons": dict(sorted(reasons.items())),
        "files_written": sum(o.files for o in removed),
        "valid": sum(o.valid for o in removed), "invalid": [f"{o.key} --as {o.value}: {p}" for o in removed
                                                            for p in o.invalid],
        "noop": sum(bool(o.noop) for o in removed),
        "clean": sum(not o.problems for o in removed),
        "problems": [f"{o.key} --as {o.value}: {p}" for o in removed for p in o.problems],
        "lines_deleted": sum(deleted),
        "lines_per_removal": {"mean": round(statistics.mean(deleted), 1) if deleted else 0,
                              "median": statistics.median(deleted) if deleted else 0,
                              "max": max(deleted, default=0)},
        "tests": {"run": len(tested), "pass": sum(o.tests == "pass" for o in tested),
                  "failures": [f"{o.key} --as {o.value}: {o.tests}" for o in tested if o.tests != "pass"]},
        "seconds_per_removal": round(statistics.mean(o.seconds for o in outcomes), 2) if outcomes else 0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, help="Where to build the trees (default: a temporary folder).")
    parser.add_argument("--dense-keys", type=int, default=60)
    parser.add_argument("--django-python", help="A Python with django, django-waffle, pytest-django, edx-toggles "
                        "and launchdarkly-server-sdk: runs the fixture projects' own tests after each removal.")
    parser.add_argument("--only", help="shop, graph, meaning or dense")
    parser.add_argument("--json", type=Path, help="Write every outcome and the summaries here.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="flagaudit-bench-remove-") as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        harness = work / "harness"
        for path, text in HARNESS.items():
            (harness / path).parent.mkdir(parents=True, exist_ok=True)
            (harness / path).write_text(text, encoding="utf-8")
        outcomes: list[Outcome] = []
        test_notes: dict[str, str] = {}
        for name, source in trees(work, args.dense_keys, args.only):
            pristine = work / "pristine" / name
            if pristine.exists():
                shutil.rmtree(pristine)
            prepare(source, pristine)
            runner = None
            if args.django_python and name in ("shop", "graph"):
                candidate = TestRunner(args.django_python, harness, f"bench_settings_{name}")
                before = candidate.run(pristine)
                test_notes[name] = f"before any removal: {before}"
                runner = candidate if before == "pass" else None
            keys = project_keys(pristine)
            print(f"{name}: {len(keys)} keys", file=sys.stderr, flush=True)
            for key in keys:
                for value in (True, False):
                    outcomes.append(one_removal(name, pristine, key, value, work / "scratch", runner))
        groups: dict[str, list[Outcome]] = {}
        for outcome in outcomes:
            groups.setdefault(outcome.tree.split("/")[0], []).append(outcome)
        summaries = {group: summarise(found) for group, found in groups.items()}
        summaries["all"] = summarise(outcomes)
        print_tables(summaries, test_notes)
        if args.json:
            args.json.write_text(json.dumps({"summaries": summaries, "tests_before": test_notes,
                                             "outcomes": [asdict(o) for o in outcomes]}, indent=2) + "\n",
                                 encoding="utf-8")
    return 0


def print_tables(summaries: dict[str, dict[str, object]], test_notes: dict[str, str]) -> None:
    print("| tree | removals (keys x 2) | removed | refused | parse+compile | no new undefined name | 2nd run no-op "
          "| lines deleted (mean / median / max) | project tests after removal | s per removal |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---|---:|")
    for name, s in summaries.items():
        per = s["lines_per_removal"]
        tests = s["tests"]
        shown = f"{tests['pass']}/{tests['run']} pass" if tests["run"] else test_notes.get(name, "not run")
        print(f"| {name} | {s['removals']} | {s['removed']} | {s['refused'] + s['errors']} | "
              f"{s['valid']}/{s['removed']} | {s['clean']}/{s['removed']} | {s['noop']}/{s['removed']} | "
              f"{s['lines_deleted']} "
              f"({per['mean']} / {per['median']} / {per['max']}) | {shown} | {s['seconds_per_removal']} |")
    print()
    print("| tree | refusal reason | removals |")
    print("|---|---|---:|")
    for name, s in summaries.items():
        for reason, count in s["reasons"].items():
            print(f"| {name} | {reason} | {count} |")
    for name, s in summaries.items():
        for bad in s["invalid"]:
            print(f"INVALID {name}: {bad}")
        for problem in s["problems"]:
            print(f"PROBLEM {name}: {problem}")
        for failure in s["tests"]["failures"]:
            print(f"TESTS FAIL {name}: {failure}")
        if s["absent"]:
            print(f"{name}: {s['absent']} removal(s) found nothing to remove")


if __name__ == "__main__":
    sys.exit(main())
