"""A kept walk is continued from its head only while that head is on HEAD's first-parent chain and the chain
still starts where the walk did; otherwise history is read afresh. Each case compares the timelines read
with the cache against those read without it, on real repositories."""

from __future__ import annotations

from pathlib import Path

from tests.projects import guarded
from tests.repos import Repo, git

ACTIONS = "def fast_pay(ctx): ...\ndef quick_pay(ctx): ...\ndef dark(ctx): ...\n"


def _repo(path: Path) -> Repo:
    repo = Repo(path)
    repo.commit("2025-01-05", "fast pay", {"app/__init__.py": "", "app/actions.py": ACTIONS,
                                           "app/pay.py": guarded("fast-pay", ("pay", "fast_pay"))})
    repo.commit("2025-02-01", "dark mode", {"app/theme.py": guarded("dark-mode", ("theme", "dark"))})
    repo.commit("2025-03-01", "retire fast pay", {"app/pay.py": None})
    return repo


def _same_as_uncached(repo: Repo) -> None:
    cached, fresh = repo.history(use_cache=True), repo.history(use_cache=False)
    assert (cached.timelines, cached.head, cached.first, cached.commits) == \
        (fresh.timelines, fresh.head, fresh.first, fresh.commits)


def test_new_commits_continue_the_kept_walk(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    _same_as_uncached(repo)
    repo.commit("2026-01-09", "fast pay is back", {"app/pay.py": guarded("fast-pay", ("quick", "quick_pay"))})
    continued = repo.history(use_cache=True)
    assert continued.analysed == 1 and continued.commits == 4
    _same_as_uncached(repo)
    _same_as_uncached(repo)  # nothing new


def test_a_head_reset_to_an_older_commit_or_rewritten_is_read_afresh(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    _same_as_uncached(repo)
    git(repo.path, "reset", "-q", "--hard", "HEAD~1")  # the kept head is no longer on the chain: fast-pay lives
    _same_as_uncached(repo)
    assert repo.history(use_cache=True).timeline("launchdarkly", "fast-pay") is not None
    repo.commit("2026-01-09", "dark mode goes", {"app/theme.py": None})
    git(repo.path, "commit", "-q", "--amend", "-m", "rewritten", date="2026-01-10T12:00:00+00:00")
    _same_as_uncached(repo)


def test_a_walk_from_a_shallow_clone_is_read_afresh_once_the_clone_is_deepened(tmp_path: Path) -> None:
    origin = _repo(tmp_path / "origin")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin.path}", str(clone))
    repo = Repo(clone, init=False)
    shallow = repo.history(use_cache=True)
    assert shallow.partial and shallow.commits == 1
    git(clone, "fetch", "-q", "--unshallow")
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "false"
    deepened = repo.history(use_cache=True)
    assert not deepened.partial and deepened.commits == 3 and deepened.first != shallow.first
    _same_as_uncached(repo)
