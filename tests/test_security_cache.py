"""A cache file is data a pull request can write: loading it never runs code, and a bad one heals.

Each attack is a real repository with real commits; the code-execution tests plant a real pickle whose
``__reduce__`` creates a marker file, and check that the marker never appears and that the run prints what
a clean run prints.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.projects import CHECKOUT_APP as APP
from tests.repos import git, write_files
from tests.run import run_cli

COMMANDS = {
    "scan": ("scan",),
    "check": ("check",),
    "check --no-history": ("check", "--no-history"),
    "history": ("history",),
    "ledger --check": ("ledger", "--check"),
    "report": ("report", "--as-of", "2026-06-01"),
}
CACHE_NAMES = ("facts", "inventory", "graph", "rendered")
"""The files the scan's cache keeps, under every version's name (v18 pickles, v19 JSON)."""


class _Boom:
    """Unpickling this creates ``marker``: proof that loading the cache ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {shlex.quote(str(self.marker))}",)


def _malicious(marker: Path) -> bytes:
    return pickle.dumps(_Boom(marker))


def _project(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    """A repository with one flag check and a committed ledger, two commits."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_files(repo, {"app/__init__.py": "", "app/checkout.py": APP, **(extra or {})})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "checkout behind new-checkout", date="2026-01-05T10:00:00+00:00")
    ledger = run_cli("ledger", cwd=repo)
    assert ledger.returncode == 0, ledger.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "ledger", date="2026-01-06T10:00:00+00:00")
    return repo


def _commit_cache(repo: Path, folder: str, marker: Path) -> None:
    """Commit a cache folder whose every file is the malicious pickle."""
    for name in CACHE_NAMES:
        for file in (f"{name}-v18.pickle", f"{name}-v19.json"):
            (repo / folder).mkdir(parents=True, exist_ok=True)
            (repo / folder / file).write_bytes(_malicious(marker))
    git(repo, "add", "-f", folder)
    git(repo, "commit", "-q", "-m", "a cache, committed", date="2026-01-07T10:00:00+00:00")


def _forget(repo: Path, folder: str) -> None:
    """Take the committed cache out of the work tree and the index: what a clean checkout has."""
    shutil.rmtree(repo / folder)
    git(repo, "rm", "-r", "-q", "--cached", folder)


def _unnoted(report: str) -> str:
    """A report without its notes about the cache (the report lists notes; a clean run has none)."""
    text = re.sub(r"^- (?:not using the cache folder|ignored a damaged cache file) [^\n]*\n", "", report, flags=re.M)
    return text.replace("**Notes**\n\n\n", "")


def _cache_notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "cache" in line]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_committed_cache_runs_no_code(tmp_path: Path, command: str) -> None:
    repo = _project(tmp_path)
    marker = tmp_path / "pwned"
    _commit_cache(repo, ".flagaudit_cache", marker)
    attacked = run_cli(*COMMANDS[command], cwd=repo)
    assert not marker.exists(), "loading the committed cache ran its code"
    notes = _cache_notes(attacked.stderr)
    assert len(notes) == 1 and "git tracks files in it" in notes[0], attacked.stderr
    _forget(repo, ".flagaudit_cache")
    clean = run_cli(*COMMANDS[command], cwd=repo)
    assert (attacked.returncode, _unnoted(attacked.stdout)) == (clean.returncode, clean.stdout)
    assert not _cache_notes(clean.stderr), clean.stderr


def test_a_cache_dir_in_the_config_is_not_read_when_committed(tmp_path: Path) -> None:
    repo = _project(tmp_path, {"pyproject.toml": '[tool.flagaudit]\ncache-dir = "build/fa"\n'})
    marker = tmp_path / "pwned"
    _commit_cache(repo, "build/fa", marker)
    attacked = run_cli("check", "--no-history", cwd=repo)
    assert not marker.exists()
    _forget(repo, "build/fa")
    clean = run_cli("check", "--no-history", cwd=repo)
    assert (attacked.returncode, attacked.stdout) == (clean.returncode, clean.stdout)


def test_a_committed_cache_symlink_is_neither_read_nor_written(tmp_path: Path) -> None:
    repo = _project(tmp_path)
    marker = tmp_path / "pwned"
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in CACHE_NAMES:
        (outside / f"{name}-v18.pickle").write_bytes(_malicious(marker))
        (outside / f"{name}-v19.json").write_bytes(_malicious(marker))
    before = sorted(p.name for p in outside.iterdir())
    shutil.rmtree(repo / ".flagaudit_cache")  # the one the ledger's scan made
    (repo / ".flagaudit_cache").symlink_to(outside)
    git(repo, "add", ".flagaudit_cache")
    git(repo, "commit", "-q", "-m", "a cache, linked", date="2026-01-07T10:00:00+00:00")
    attacked = run_cli("scan", cwd=repo)
    assert not marker.exists()
    assert sorted(p.name for p in outside.iterdir()) == before, "the cache wrote outside the project"
    assert any("symbolic link" in line for line in _cache_notes(attacked.stderr)), attacked.stderr
    (repo / ".flagaudit_cache").unlink()
    clean = run_cli("scan", cwd=repo)
    assert (attacked.returncode, attacked.stdout) == (clean.returncode, clean.stdout)


def _cache_files(repo: Path) -> list[Path]:
    return [p for p in (repo / ".flagaudit_cache").iterdir() if p.name not in (".gitignore", "CACHEDIR.TAG")]


@pytest.mark.parametrize("command", ["check", "history", "report"])
def test_a_forged_local_cache_file_runs_no_code_and_is_rebuilt(tmp_path: Path, command: str) -> None:
    """Every file the runs wrote (facts, memos, history's walk and blobs) replaced by a pickle that runs code."""
    repo = _project(tmp_path)
    marker = tmp_path / "pwned"
    clean = run_cli(*COMMANDS[command], cwd=repo)
    kept = _cache_files(repo)
    assert any(p.name.startswith("history") for p in kept) and any(p.name.startswith("facts") for p in kept)
    for path in kept:
        path.write_bytes(_malicious(marker))
    forged = run_cli(*COMMANDS[command], cwd=repo)
    assert not marker.exists(), "loading the cache ran its code"
    assert (forged.returncode, _unnoted(forged.stdout)) == (clean.returncode, clean.stdout)
    notes = _cache_notes(forged.stderr) or _cache_notes(forged.stdout)  # one for each file read
    assert notes and len(notes) == len(set(notes)) and all("ignored a damaged cache file" in n for n in notes), notes
    healed = run_cli(*COMMANDS[command], cwd=repo)
    assert (healed.returncode, healed.stdout, _cache_notes(healed.stderr)) == (clean.returncode, clean.stdout, [])


def _retype(path: Path) -> None:
    """Keep the file's shape and keys but give every value the wrong type, in whichever format it has."""
    if path.suffix == ".pickle":
        stored = pickle.loads(path.read_bytes())  # the test's own file, written by the run above
        stored = {k: "wrong" for k in stored} if isinstance(stored, dict) else (stored[0], ("wrong", ()))
        path.write_bytes(pickle.dumps(stored))
    elif path.name.startswith("facts-"):  # one list of a key and its facts a line
        keys = [json.loads(line)[0] for line in path.read_bytes().splitlines()]
        path.write_text("".join(json.dumps([key, "wrong"]) + "\n" for key in keys), encoding="utf-8")
    else:  # a memo: the line naming its digest, then the value
        header, _, _ = path.read_bytes().partition(b"\n")
        path.write_bytes(header + b"\n" + json.dumps(["wrong", []]).encode())


def test_a_cache_with_values_of_the_wrong_types_heals(tmp_path: Path) -> None:
    repo = _project(tmp_path)
    clean = run_cli("scan", cwd=repo)
    for path in _cache_files(repo):
        if path.name.startswith(("facts-", "inventory-", "rendered-")):
            _retype(path)
    damaged = run_cli("scan", cwd=repo)
    assert (damaged.returncode, damaged.stdout) == (clean.returncode, clean.stdout), damaged.stderr
    assert len(_cache_notes(damaged.stderr)) == 1, damaged.stderr
    healed = run_cli("scan", cwd=repo)
    assert (healed.returncode, healed.stdout, healed.stderr) == (clean.returncode, clean.stdout, clean.stderr)


def test_a_truncated_cache_file_is_ignored_with_one_message(tmp_path: Path) -> None:
    repo = _project(tmp_path)
    clean = run_cli("scan", cwd=repo)
    for path in _cache_files(repo):
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    damaged = run_cli("scan", cwd=repo)
    assert (damaged.returncode, damaged.stdout) == (clean.returncode, clean.stdout)
    assert len(_cache_notes(damaged.stderr)) == 1, damaged.stderr
    assert run_cli("scan", cwd=repo).stderr == clean.stderr
