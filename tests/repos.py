"""The one way tests build git repositories: real ``git``, fixed identity and dates, no user or system config.

The fixture builders (``fixtures/*/build*.py``) and the benchmarks build their repositories with it too. The
builders also run as scripts, where ``tests`` is not importable, so they load this file by its path; it
therefore imports nothing from the project at module level.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flagaudit.history.walk import History

ADA = ("Ada", "ada@example.com")
IDENTITY = {"GIT_AUTHOR_NAME": ADA[0], "GIT_AUTHOR_EMAIL": ADA[1], "GIT_COMMITTER_NAME": ADA[0],
            "GIT_COMMITTER_EMAIL": ADA[1], "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str, date: str = "2026-01-01T12:00:00+00:00", author: tuple[str, str] = ADA) -> str:
    """Run git in ``repo`` as ``author`` (name, email; committer too) on ``date``, so histories are reproducible."""
    name, email = author
    environment = {**os.environ, **IDENTITY, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
                   "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
                   "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    result = subprocess.run(["git", *args], cwd=repo, env=environment, capture_output=True, text=True, check=True)
    return result.stdout


def write_files(folder: Path, files: Mapping[str, str | None], dedent: bool = False) -> None:
    """Write ``files`` under ``folder`` (``None`` deletes one); ``dedent`` for texts indented in the test."""
    for name, text in files.items():
        path = folder / name
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if dedent else text, encoding="utf-8")


class Repo:
    """A real git repository in a folder, committed to with fixed dates and one author; ``init=False`` for one
    that exists already (a clone)."""

    def __init__(self, path: Path, init: bool = True) -> None:
        self.path = path
        if init:
            path.mkdir(parents=True, exist_ok=True)
            git(path, "init", "-q", "-b", "main")

    def change(self, files: Mapping[str, str | None] | None = None, moves: Mapping[str, str] | None = None,
               dedent: bool = True) -> None:
        """Apply ``moves`` (git mv, so rename detection sees them) and write ``files`` (``None`` deletes)."""
        for old, new in (moves or {}).items():
            (self.path / new).parent.mkdir(parents=True, exist_ok=True)
            git(self.path, "mv", old, new)
        write_files(self.path, files or {}, dedent)

    def commit(self, day: str, message: str, files: Mapping[str, str | None] | None = None,
               moves: Mapping[str, str] | None = None, dedent: bool = True) -> str:
        """:meth:`change`, then commit everything at noon UTC on ``day``; the hash."""
        self.change(files, moves, dedent)
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", message, date=f"{day}T12:00:00+00:00")
        return self.head()

    def history(self, use_cache: bool = False) -> History:
        """The repository's timelines as ``flagaudit history`` reads them, with the built-in rules."""
        from flagaudit.config import load_config
        from flagaudit.history.walk import HistoryOptions, history
        from tests.helpers import builtin_rules

        return history(load_config((), None, self.path), builtin_rules(), HistoryOptions(use_cache, workers=1))

    def head(self) -> str:
        return git(self.path, "rev-parse", "HEAD").strip()

    def git(self, *args: str) -> str:
        return git(self.path, *args)


def commit(path: Path, day: str, message: str, files: Mapping[str, str | None]) -> str:
    """Write ``files`` as given (``None`` deletes) into the repository at ``path`` and commit on ``day``."""
    return Repo(path, init=False).commit(day, message, files, dedent=False)
