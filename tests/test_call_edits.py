"""An edit that changes only what functions call (a call added to a body or removed, in a flag's branch or not),
besides moving the lines below it, keeps the last result's flags with the positions moved and what the edited sites'
branches do now: the model reads neither. The kept call graph is linked again for those functions (a target it
resolved before, a project function named as it stands, a method of any object, a library's name), and the findings
of the code are found again from it, reading only the few files' facts they ask about.

Every run is compared byte for byte with a run without the cache; a seeded random series of such edits over a
real fixture project checks the results against fresh ones.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest

import flagaudit.scan.project as project
from tests.helpers import counted_calls
from tests.projects import IS_ON
from tests.repos import Repo
from tests.run import Ran, run_cli

VIEWS = """\
import logging

from waffle import flag_is_active


def checkout(request):
    total = 1
    if flag_is_active(request, "new_checkout"):
        total += 1
        return total
    return total


def legacy_export(request):
    if flag_is_active(request, "csv_v2"):
        return "v2"
    return "v1"


def _audit(request):
    return request


urlpatterns = [checkout]
"""


@pytest.fixture
def models(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the model was built from every file's facts: its flags (the real function, counted)."""
    return counted_calls(monkeypatch, project, "build_flags")


def _run(repo: Repo, command: str, *options: str) -> Ran:
    dated = ("--as-of", "2026-12-01") if command == "check" else ()
    return run_cli(command, "--format", "json", *dated, *options, cwd=repo.path)


def _same_as_fresh(repo: Repo, models: list[int], command: str = "scan") -> tuple[Ran, int]:
    """``command`` with the cache, which must print what a run without it prints; how often it built the model."""
    models.clear()
    cached = _run(repo, command)
    built = len(models)
    fresh = _run(repo, command, "--no-cache")
    assert (cached.returncode, cached.stdout, cached.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    return cached, built


def _unreachable(ran: Ran) -> list[str]:
    return [f["flag"] for f in json.loads(ran.stdout)["findings"] if f["code"] == "FA301"]


@pytest.mark.parametrize("command", ["scan", "check"])
def test_a_call_added_to_a_body_links_it_without_the_model(tmp_path: Path, models: list[int], command: str) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-01-05", "views", {"app/__init__.py": "", "app/views.py": VIEWS})
    first, _ = _same_as_fresh(repo, models, command)
    assert _unreachable(first) == ["csv_v2"]
    called = VIEWS.replace("    total = 1\n", "    total = 1\n    legacy_export(request)\n")
    repo.commit("2025-02-01", "export from checkout", {"app/views.py": called})
    after, built = _same_as_fresh(repo, models, command)
    assert (built, _unreachable(after)) == (0, [])  # the flags kept, moved; the graph reaches legacy_export now
    repo.commit("2025-02-02", "and audit", {"app/views.py": called.replace("    legacy_export", "    _audit(request)\n"
                                                                             "    legacy_export")})
    assert _same_as_fresh(repo, models, command)[1] == 0
    repo.commit("2025-02-03", "no export", {"app/views.py": VIEWS})
    again, built = _same_as_fresh(repo, models, command)
    assert (built, _unreachable(again)) == (0, ["csv_v2"])


@pytest.mark.parametrize(("edit", "unreachable"), [
    (("    total = 1\n", "    total = 1\n    logging.info(request)\n"), ["csv_v2"]),  # a library's: nothing here
    (("    total = 1\n", "    total = 1\n    request.export()\n"), ["csv_v2"]),  # a method no function is named as
    (("    total = 1\n", "    total = 1\n    request.legacy_export()\n"), []),  # any object's: it may be this one
])
def test_a_new_call_of_a_library_or_of_any_objects_method(tmp_path: Path, models: list[int],
                                                        edit: tuple[str, str], unreachable: list[str]) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-01-05", "views", {"app/__init__.py": "", "app/views.py": VIEWS})
    _same_as_fresh(repo, models, "check")
    repo.commit("2025-02-01", "edit", {"app/views.py": VIEWS.replace(*edit)})
    after, built = _same_as_fresh(repo, models, "check")
    assert (built, _unreachable(after)) == (0, unreachable)


def test_a_modules_own_calls_build_the_model(tmp_path: Path, models: list[int]) -> None:
    """A module's calls run on import (its node is an entry point), a class's are its body's: both are linked with
    what only the whole model knows."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-01-05", "views", {"app/__init__.py": "", "app/views.py": VIEWS})
    _same_as_fresh(repo, models)
    repo.commit("2025-02-01", "edit", {"app/views.py": VIEWS.replace("urlpatterns = [checkout]\n",
                                                                      "urlpatterns = [checkout, legacy_export]\n")})
    assert _same_as_fresh(repo, models)[1] == 1


@pytest.mark.parametrize("command", ["scan", "check"])
def test_a_call_added_to_a_flags_branch_changes_what_it_guards(tmp_path: Path, models: list[int],
                                                              command: str) -> None:
    """The flag's site says what its branch does (its fingerprint, which the meaning gate compares across history):
    the kept flags take it from the edited file's facts."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-01-05", "views", {"app/__init__.py": "", "app/views.py": VIEWS})
    _same_as_fresh(repo, models, command)
    guarded = VIEWS.replace("        total += 1\n", "        total += 1\n        legacy_export(request)\n")
    repo.commit("2025-02-01", "export in the new checkout", {"app/views.py": guarded})
    after, built = _same_as_fresh(repo, models, command)
    [site] = [site for flag in json.loads(after.stdout)["flags"] if flag["key"] == "new_checkout"
              for site in flag["sites"]]
    assert (built, "app.views.legacy_export" in site["fingerprint"], _unreachable(after)) == (0, True, [])


WRAPPED = """\
from app.flags import is_on


def cart(request):
    if is_on(request, "new_cart"):
        return 3
    return 4


def audit(request):
    return request
"""


def test_a_call_at_the_top_of_a_wrappers_one_line_branch(tmp_path: Path, models: list[int]) -> None:
    """The check is the project's wrapper's, found by the second pass: only its facts hold the branch, which starts
    where it did, at the call, and ends a line lower."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-01-05", "cart", {"app/__init__.py": "", "app/flags.py": IS_ON, "app/views.py": WRAPPED})
    _same_as_fresh(repo, models, "check")
    audited = WRAPPED.replace("        return 3\n", "        audit(request)\n        return 3\n")
    repo.commit("2025-02-01", "audit the new cart", {"app/views.py": audited})
    after, built = _same_as_fresh(repo, models, "check")
    [site] = [site for flag in json.loads(after.stdout)["flags"] if flag["key"] == "new_cart" for site in flag["sites"]]
    assert (built, site["on"], "app.views.audit" in site["fingerprint"]) == (0, [[6, 7]], True)


def test_the_graph_kept_for_other_contents_is_not_linked_again(tmp_path: Path, models: list[int]) -> None:
    """A scan reuses its result after an edit that moves lines and keeps the graph it had: the next edit is
    compared with the graph's contents, here two edits away (at two places, so no one move makes them)."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-01-05", "views", {"app/__init__.py": "", "app/views.py": VIEWS})
    _same_as_fresh(repo, models)
    commented = VIEWS.replace("def _audit", "# kept for the audit log\ndef _audit")
    repo.commit("2025-02-01", "comment", {"app/views.py": commented})
    assert _same_as_fresh(repo, models)[1] == 0
    called = commented.replace("    total = 1\n", "    total = 1\n    legacy_export(request)\n")
    repo.commit("2025-02-02", "export from checkout", {"app/views.py": called})
    assert _same_as_fresh(repo, models)[1] == 1


def _edit(text: str, rng: random.Random) -> str:
    """One edit that changes calls: a reference to one of the module's functions inserted before a statement of a
    function's body, or such a line deleted."""
    lines = text.split("\n")
    inserted = [n for n, line in enumerate(lines) if line.strip().startswith("_ = ")]
    if inserted and rng.random() < 0.3:
        del lines[rng.choice(inserted)]
        return "\n".join(lines)
    names = re.findall(r"^def ([A-Za-z]\w*)\(", text, re.M)
    starts = [n for n, line in enumerate(lines) if line.startswith(" ") and line.strip().startswith(
        ("if ", "return", "for ", "x = ")) and not lines[n - 1].rstrip().endswith(("(", ",", "\\"))]
    if not names or not starts:
        return text + "\n# appended\n"
    at = rng.choice(starts)
    indent = lines[at][:len(lines[at]) - len(lines[at].lstrip())]
    lines.insert(at, f"{indent}_ = {rng.choice(names)}")
    return "\n".join(lines)


def test_random_edits_of_calls_print_what_a_fresh_run_prints(tmp_path: Path, models: list[int]) -> None:
    repo = Repo(tmp_path / "repo")
    shutil.copytree(Path(__file__).resolve().parent.parent / "fixtures" / "shop", repo.path, dirs_exist_ok=True)
    repo.commit("2025-01-05", "shop")
    _run(repo, "check")
    rng = random.Random(20261208)
    modules = sorted(p for p in repo.path.rglob("*.py") if "migrations" not in p.parts
                     and re.search(r"^def ", p.read_text(), re.M))
    kept = 0
    for round_ in range(12):
        path = rng.choice(modules)
        path.write_text(_edit(path.read_text(), rng))
        repo.commit(f"2025-02-{round_ + 1:02d}", f"edit {round_}")
        kept += _same_as_fresh(repo, models, "check")[1] == 0
    assert kept >= 8
