"""A flag helper whose module was renamed still checks its keys in the versions before the rename.

The project's helper is inferred at HEAD and named where it lives there (``app.core.flags.is_on``). TreyWW/MyFinances
moved its helper's module in a 402-file restructure (``backend/utils/feature_flags.py`` to
``backend/core/utils/…``), and every key checked through it seemed born with the restructure: the older versions
call the helper by its old module's name. History follows the renames git records, back from HEAD, and reads the
older versions with the helper's earlier names too.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.projects import IS_ON
from tests.repos import Repo
from tests.run import run_cli

VIEWS = "from app.utils.flags import is_on\n\n\ndef checkout(request):\n    if is_on(request, 'new_checkout'):\n" \
        "        return 1\n    return 2\n"


def _events(repo: Repo, *options: str) -> list[tuple[str, str]]:
    ran = run_cli("history", "--format", "json", "-q", *options, cwd=repo.path)
    assert ran.returncode in (0, 1), ran.stderr
    timelines = json.loads(ran.stdout)["timelines"]
    return [(event["kind"], event["date"][:10]) for t in timelines if t["key"] == "new_checkout"
            for event in t["events"]]


def _restructured(path: Path, src: str = "") -> Repo:
    repo = Repo(path)
    repo.commit("2024-01-10", "checkout behind a flag", {
        f"{src}app/__init__.py": "", f"{src}app/utils/__init__.py": "", f"{src}app/utils/flags.py": IS_ON,
        f"{src}app/views.py": VIEWS}, dedent=False)
    repo.commit("2024-06-01", "restructure", {
        f"{src}app/core/__init__.py": "", f"{src}app/views.py": VIEWS.replace("app.utils.flags", "app.core.flags")},
        moves={f"{src}app/utils/flags.py": f"{src}app/core/flags.py"}, dedent=False)
    return repo


def test_a_key_checked_through_a_renamed_helper_is_born_where_it_was_first_checked(tmp_path: Path) -> None:
    repo = _restructured(tmp_path / "repo")
    assert _events(repo, "--no-cache") == [("born", "2024-01-10")]


def test_the_project_may_live_in_a_source_folder(tmp_path: Path) -> None:
    """``src/app/utils/flags.py`` is the module ``app.utils.flags``: the folder above the package is no part
    of the name, before the rename or after."""
    repo = _restructured(tmp_path / "repo", src="src/")
    assert _events(repo, "--no-cache") == [("born", "2024-01-10")]


def test_a_helper_renamed_twice_keeps_both_earlier_names(tmp_path: Path) -> None:
    repo = _restructured(tmp_path / "repo")
    views = (repo.path / "app/views.py").read_text()
    repo.commit("2025-03-01", "flags get a package of their own", {
        "app/toggles/__init__.py": "", "app/views.py": views.replace("app.core.flags", "app.toggles.flags")},
        moves={"app/core/flags.py": "app/toggles/flags.py"}, dedent=False)
    assert _events(repo, "--no-cache") == [("born", "2024-01-10")]


def test_a_continued_walk_reads_new_commits_as_a_walk_from_the_start(tmp_path: Path) -> None:
    """The earlier names are found when a walk begins and kept with it: the commits a continued walk reads
    are read with the same rules, so its timelines are those a walk without the cache finds."""
    repo = _restructured(tmp_path / "repo")
    assert _events(repo) == [("born", "2024-01-10")]
    views = (repo.path / "app/views.py").read_text()
    repo.commit("2024-07-01", "a second check", {"app/views.py": views + "\n\ndef cart(request):\n"
                                                  "    return is_on(request, 'new_checkout')\n"}, dedent=False)
    continued = _events(repo)
    assert continued == _events(repo, "--no-cache") == [("born", "2024-01-10"), ("changed", "2024-07-01")]


def test_a_package_renamed_by_its_init_says_nothing_of_its_submodules(tmp_path: Path) -> None:
    """osf.io renamed ``framework/render/__init__.py`` to ``api/__init__.py``: the package ``api`` was not
    ``framework.render`` before, nor ``api.base.views`` ``framework.render.base.views``. A function of that name
    in the old tree is another function, and its calls are no checks."""
    repo = Repo(tmp_path / "repo")
    session = "def is_on(request, name):\n    return name in request.session\n"
    repo.commit("2024-01-10", "session helpers", {
        "legacy/__init__.py": "VERSION = 1\n", "legacy/utils/__init__.py": "", "legacy/utils/flags.py": session,
        "legacy/views.py": VIEWS.replace("app.utils.flags", "legacy.utils.flags").replace("new_checkout", "cart")},
        dedent=False)
    repo.commit("2024-06-01", "the flags", {
        "app/utils/__init__.py": "", "app/utils/flags.py": IS_ON, "app/views.py": VIEWS}, moves={
        "legacy/__init__.py": "app/__init__.py"}, dedent=False)
    ran = run_cli("history", "--format", "json", "-q", "--no-cache", cwd=repo.path)
    assert {t["key"] for t in json.loads(ran.stdout)["timelines"]} == {"new_checkout"}


def test_a_name_another_helper_holds_is_not_an_earlier_name(tmp_path: Path) -> None:
    """mitodl/ol-django moved a helper's module and kept a helper at the old name: both are inferred, and the old
    name is the second's own (the run stopped on two checks of one name). The key checked before the move is
    still born where it was first checked."""
    repo = _restructured(tmp_path / "repo")
    repo.commit("2024-09-01", "the old module comes back", {"app/utils/flags.py": IS_ON}, dedent=False)
    assert _events(repo, "--no-cache") == [("born", "2024-01-10")]
