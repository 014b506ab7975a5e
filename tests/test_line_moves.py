"""An edit that only moves lines (a ``print()``, a comment or a blank line inserted into a body, or deleted)
reuses the last result with the positions below the edit moved, in the flags, the findings and their text,
instead of building the model again from every file's facts.

Every run is compared byte for byte with a run without the cache; a seeded random series of such edits over a
real fixture project checks the moved results against fresh ones.
"""

from __future__ import annotations

import json
import random
import shutil
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import flagaudit.scan.project as project
from flagaudit.checks import MESSAGE_LIMIT, one_line
from flagaudit.checks.reachability import _power_peg
from flagaudit.extract.file_facts import extract
from flagaudit.facts import Evidence, Finding, Inventory
from flagaudit.scan.line_moves import Move, find_move, moved_result
from flagaudit.sdk_rules import load_rules
from tests.helpers import counted_calls
from tests.repos import Repo
from tests.run import Ran, run_cli

ROUTER = textwrap.dedent(_power_peg("router.route")["app/router.py"])


@pytest.fixture
def models(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the model was built from every file's facts: its flags (the real function, counted)."""
    return counted_calls(monkeypatch, project, "build_flags")


def _check(repo: Repo, *options: str) -> Ran:
    return run_cli("check", "--format", "json", "--as-of", "2026-12-01", *options, cwd=repo.path)


def _same_as_fresh(repo: Repo, models: list[int]) -> tuple[Ran, int]:
    """``check`` with the cache, which must print what a run without it prints; how often it built the model."""
    models.clear()
    cached = _check(repo)
    built = len(models)
    fresh = _check(repo, "--no-cache")
    assert (cached.returncode, cached.stdout, cached.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    return cached, built


def _facts(text: str) -> Any:
    return extract("app/router.py", "app.router", text.encode(), load_rules(), 1 << 20)


def test_the_move_is_found_from_the_facts_alone() -> None:
    was = _facts(ROUTER)
    printed = ROUTER.replace("    if switch_is_active", "    print(order)\n    if switch_is_active")
    move = find_move(was, _facts(printed))
    assert move is not None and move.by == 1
    assert move.line(3) == 3 and move.line(7) == 8  # the def stays, the check below the print moves
    shorter = ROUTER.replace("\n\ndef send_child_orders", "\ndef send_child_orders")
    assert find_move(was, _facts(shorter)) == Move(8, 11, -1)
    twice = printed.replace("    return [order", "    print(order)\n    return [order")
    assert find_move(was, _facts(twice)) is None  # lines moved by two counts
    assert find_move(was, _facts(ROUTER.replace("power_peg", "power_peg_2"))) is None  # a fact changed


def test_a_print_in_a_body_moves_the_result_and_builds_no_model(tmp_path: Path, models: list[int]) -> None:
    """FA302's evidence names the lines of the check's branches and of the function it counts: both move."""
    repo = Repo(tmp_path / "repo")
    files = {path: textwrap.dedent(text) for path, text in _power_peg("router.route").items()}
    repo.commit("2025-01-05", "power peg", files, dedent=False)
    first, _ = _same_as_fresh(repo, models)
    printed = ROUTER.replace("    if switch_is_active", "    print(order)\n    if switch_is_active")
    repo.commit("2025-02-01", "a print", {"app/router.py": printed}, dedent=False)
    after, built = _same_as_fresh(repo, models)
    assert built == 0
    details = [e["detail"] for f in json.loads(after.stdout)["findings"] if f["code"] == "FA302"
               for e in f["evidence"]]
    before = [e["detail"] for f in json.loads(first.stdout)["findings"] if f["code"] == "FA302"
              for e in f["evidence"]]
    assert "on-branch lines 7-7" in before and "on-branch lines 8-8" in details
    assert "app/router.py:11, 2 lines" in before and "app/router.py:12, 2 lines" in details

    deleted = printed.replace("\n\n\ndef send_child_orders", "\n\ndef send_child_orders")
    repo.commit("2025-02-02", "a blank line less", {"app/router.py": deleted}, dedent=False)
    assert _same_as_fresh(repo, models)[1] == 0

    counted = deleted.replace("    return [order, order]", "    print(order)\n    return [order, order]")
    repo.commit("2025-02-03", "a print in the function FA302 counts", {"app/router.py": counted}, dedent=False)
    assert _same_as_fresh(repo, models)[1] == 1  # its count of lines changed: the model is built again


def test_a_print_at_the_top_of_a_one_line_branch_moves_only_where_it_ends(tmp_path: Path, models: list[int]) -> None:
    """The branch starts where it did, now with the ``print()``, and ends a line lower: FA302's evidence says so."""
    repo = Repo(tmp_path / "repo")
    files = {path: textwrap.dedent(text) for path, text in _power_peg("router.route").items()}
    repo.commit("2025-01-05", "power peg", files, dedent=False)
    _same_as_fresh(repo, models)
    printed = ROUTER.replace("        return send_child_orders",
                             "        print(order)\n        return send_child_orders")
    repo.commit("2025-02-01", "a print in the branch", {"app/router.py": printed}, dedent=False)
    after, built = _same_as_fresh(repo, models)
    details = [e["detail"] for f in json.loads(after.stdout)["findings"] if f["code"] == "FA302"
               for e in f["evidence"]]
    assert built == 0 and "on-branch lines 7-8" in details
    was, now = _facts(ROUTER), _facts(printed)
    assert find_move(was, now) == Move(6, 7, 1, starts_stay=True)


def test_two_passes_moves_keep_a_branch_start_only_where_neither_has_one_that_moved() -> None:
    """A later pass finds a wrapper's check at the top of which the line went (its branch starts there and stays); the
    first pass's facts hold no position between the lines that stayed and the first that moved."""
    kept = Move(197, 198, 1, starts_stay=True)
    assert Move(190, 204, 1).within(kept) == kept == kept.within(Move(190, 204, 1))
    assert Move(190, 198, 1).within(kept) is None  # a position at 198 moved there: a branch may have started
    assert Move(190, 204, 2).within(kept) is None


def test_a_message_cut_short_after_a_moved_line_is_made_again() -> None:
    """Moving a line can move where a long message is cut: such a result is not moved."""
    long = one_line("x" * (MESSAGE_LIMIT - 20) + " at app/a.py:99, and more words after it")
    short = "checked at app/a.py:99 and app/b.py:5"
    inventory = Inventory(root=".", findings=(
        Finding("FA301", "n", "warning", "k", "waffle", "app/a.py", 99, 4, short,
                (Evidence("site", "app/a.py:99", "f"), Evidence("site", "xapp/a.py:99", "g"))),))
    moved = moved_result(inventory, {"app/a.py": Move(10, 50, 1)})
    assert moved is not None
    assert moved.findings[0].message == "checked at app/a.py:100 and app/b.py:5"
    assert [e.value for e in moved.findings[0].evidence] == ["app/a.py:100", "xapp/a.py:99"]
    assert moved.findings[0].line == 100
    cut = Inventory(root=".", findings=(replace(inventory.findings[0], message=long),))
    assert long.endswith("…") and moved_result(cut, {"app/a.py": Move(10, 50, 1)}) is None
    assert moved_result(cut, {"app/b.py": Move(10, 50, 1)}) is not None  # it names no line of b.py


def _edit(text: str, rng: random.Random) -> str:
    """One edit that moves lines: a comment, a blank line or a ``print()`` inserted at a line's indentation
    (before a statement, not inside brackets or strings), or a blank line deleted."""
    lines = text.split("\n")
    blanks = [n for n, line in enumerate(lines) if not line.strip() and 0 < n < len(lines) - 1]
    if blanks and rng.random() < 0.3:
        del lines[rng.choice(blanks)]
        return "\n".join(lines)
    starts = [n for n, line in enumerate(lines) if line.strip().startswith(("if ", "return", "for ", "x = "))
              and not lines[n - 1].rstrip().endswith(("(", ",", "\\"))]
    if not starts:
        return text + "\n# appended\n"
    at = rng.choice(starts)
    indent = lines[at][:len(lines[at]) - len(lines[at].lstrip())]
    lines.insert(at, indent + rng.choice(["print('moved')", "# a comment", ""]))
    return "\n".join(lines)


def test_random_edits_that_move_lines_print_what_a_fresh_run_prints(tmp_path: Path, models: list[int]) -> None:
    repo = Repo(tmp_path / "repo")
    shutil.copytree(Path(__file__).resolve().parent.parent / "fixtures" / "shop", repo.path, dirs_exist_ok=True)
    repo.commit("2025-01-05", "shop")
    _check(repo)
    rng = random.Random(20261206)
    modules = sorted(p for p in repo.path.rglob("*.py") if "migrations" not in p.parts)
    reused = 0
    for round_ in range(12):
        path = rng.choice(modules)
        path.write_text(_edit(path.read_text(), rng))
        repo.commit(f"2025-02-{round_ + 1:02d}", f"edit {round_}")
        reused += _same_as_fresh(repo, models)[1] == 0
    assert reused >= 6
