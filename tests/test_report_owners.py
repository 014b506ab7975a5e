"""Owners from git blame: one person who commits under two spellings of their name owns their flags under one
name, so the report gives them one queue."""

from __future__ import annotations

import json
from pathlib import Path

from tests.projects import guarded
from tests.repos import Repo, git, write_files
from tests.run import run_cli

ACTIONS = "def fast_pay(ctx): ...\ndef quick_pay(ctx): ...\n"


def test_one_email_is_one_owner_whatever_the_spelling_of_the_name(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    write_files(repo.path, {"app/__init__.py": "", "app/actions.py": ACTIONS,
                            "app/pay.py": guarded("fast-pay", ("pay", "fast_pay"))})
    git(repo.path, "add", "-A")
    git(repo.path, "commit", "-q", "-m", "fast pay", date="2025-01-05T12:00:00+00:00",
        author=("Ostap-Zherebetskyi", "ostap@example.com"))
    write_files(repo.path, {"app/quick.py": guarded("quick-pay", ("quick", "quick_pay"))})
    git(repo.path, "add", "-A")
    git(repo.path, "commit", "-q", "-m", "quick pay", date="2025-02-05T12:00:00+00:00",
        author=("Ostap Zherebetskyi", "ostap@example.com"))
    result = run_cli("report", "--as-of", "2026-04-15", "--format", "json", "--no-cache", "--jobs", "1",
                     cwd=repo.path)
    owners = {row["key"]: row["owner"]["name"] for row in json.loads(result.stdout)["lifecycle"]}
    assert owners == {"fast-pay": "Ostap Zherebetskyi", "quick-pay": "Ostap Zherebetskyi"}
