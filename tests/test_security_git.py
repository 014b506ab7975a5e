"""git on an attacker-written checkout: git runs only in the project's own repository, with every command a
repository could make it run switched off, and refs that can never read as options. One test per attack.

Each test builds a real repository with real commits, plants the attack, and runs the real command line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.projects import FILES
from tests.projects import gate_views as views
from tests.repos import commit, git, write_files
from tests.run import run_cli

AS_OF = "2026-01-11"

OVERRIDES = ("core.fsmonitor=false", f"core.hooksPath={os.devnull}", "diff.external=", "core.pager=cat",
             "safe.bareRepository=explicit", "protocol.allow=never")


def _evil_git_dir(folder: Path, command: str | None) -> dict[str, str]:
    """Files that make ``folder`` a git directory by layout, its config naming ``command`` as fsmonitor hook."""
    name = folder.name
    config = "[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = ..\n"
    if command is not None:
        config += f'\tfsmonitor = "{command}"\n'
    return {f"{name}/HEAD": "ref: refs/heads/main\n", f"{name}/config": config,
            f"{name}/objects/.keep": "", f"{name}/refs/.keep": ""}


def _project(tmp_path: Path, evil: dict[str, str], config: str = "") -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    files = {**FILES, "app/views.py": views(pay=True), **evil}
    if config:
        files["pyproject.toml"] = config
    commit(repo, "2026-01-05", "flags, and a folder laid out like a git directory", files)
    return repo


@pytest.mark.parametrize("how", ["paths", "PATH"])
def test_a_committed_git_directory_runs_no_command(tmp_path: Path, how: str) -> None:
    """``evil/{HEAD,config,objects,refs}`` with ``core.fsmonitor``, named in ``paths`` or passed as a PATH."""
    marker = tmp_path / "pwned"
    config = '[tool.flagaudit]\npaths = ["app", "evil"]\n' if how == "paths" else ""
    repo = _project(tmp_path, _evil_git_dir(tmp_path / "evil", None), config)
    args = ("scan", "--format", "json", "--no-cache", *(("app", "evil") if how == "PATH" else ()))
    clean = run_cli(*args, cwd=repo)
    assert clean.returncode == 0, clean.stderr

    commit(repo, "2026-01-06", "arm it", _evil_git_dir(tmp_path / "evil", f"touch {marker}"))
    attacked = run_cli(*args, cwd=repo)
    assert not marker.exists(), "git ran the committed folder's fsmonitor command"
    assert (attacked.returncode, attacked.stdout, attacked.stderr) == (clean.returncode, clean.stdout, clean.stderr)
    assert [f["key"] for f in json.loads(attacked.stdout)["flags"]] == ["fast-pay", "new-checkout"]


def test_the_gate_with_history_runs_no_command_from_a_committed_git_directory(tmp_path: Path) -> None:
    """The same attack against ``check`` (discovery, history, blob reads) and ``report`` (blame)."""
    marker = tmp_path / "pwned"
    repo = _project(tmp_path, _evil_git_dir(tmp_path / "evil", f"touch {marker}"),
                    '[tool.flagaudit]\npaths = ["app", "evil"]\n')
    result = run_cli("check", "--as-of", AS_OF, "--no-cache", "-v", cwd=repo)  # -v: the flags too
    report = run_cli("report", "--as-of", AS_OF, "--no-cache", "-q", cwd=repo)
    assert not marker.exists()
    assert result.returncode == 0 and report.returncode == 0, result.stderr + report.stderr
    assert "fast-pay  [launchdarkly]" in result.stdout


def test_a_git_directory_inside_the_work_tree_is_never_opened_as_a_repository(tmp_path: Path) -> None:
    """With its own ``[tool.flagaudit]`` the committed folder becomes the project root when named: still no git
    in it, and no judgement either (exit 2), since its "history" is whatever the attacker wrote."""
    marker = tmp_path / "pwned"
    evil = {**_evil_git_dir(tmp_path / "evil", f"touch {marker}"), "evil/pyproject.toml": "[tool.flagaudit]\n",
            "evil/flags.py": "import ldclient\nldclient.get().variation('k', None, False)\n"}
    repo = _project(tmp_path, evil)
    for command in (("check", "evil"), ("history", "-C", "evil"), ("ledger", "--check", "-C", "evil")):
        result = run_cli(*command, "--no-cache", cwd=repo)
        assert not marker.exists(), command
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert "laid out like a git directory inside the work tree" in result.stderr, command


def test_a_base_ref_never_reads_as_an_option(tmp_path: Path) -> None:
    """``--base=--output=FILE`` made ``git rev-list`` write FILE..HEAD."""
    repo = _project(tmp_path, {})
    target = tmp_path / "written"
    result = run_cli("check", f"--base=--output={target}", "--as-of", AS_OF, cwd=repo)
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert list(tmp_path.glob("written*")) == []
    assert result.stderr == (f"flagaudit: error: --base '--output={target}': not a commit in the repository at "
                             f"{repo}\n")
    head = git(repo, "rev-parse", "HEAD").strip()
    assert run_cli("check", "--base", head, "--as-of", AS_OF, cwd=repo).returncode == 0


def test_the_projects_own_repository_config_runs_no_command(tmp_path: Path) -> None:
    """Defence in depth: even the repository's own config (fsmonitor, hooks, external diff, textconv, pager)
    makes no git command flagaudit runs execute anything."""
    repo = _project(tmp_path, {".gitattributes": "*.py diff=evil\n"})
    markers = {name: tmp_path / name for name in ("fsmonitor", "hook", "external", "textconv", "pager")}
    git(repo, "config", "core.fsmonitor", f"touch {markers['fsmonitor']}")
    hooks = repo / ".git" / "hooks"
    for hook in ("post-index-change", "post-checkout", "reference-transaction"):
        (hooks / hook).write_text(f"#!/bin/sh\ntouch {markers['hook']}\n", encoding="utf-8")
        (hooks / hook).chmod(0o755)
    git(repo, "config", "diff.external", f"sh -c 'touch {markers['external']}'")
    git(repo, "config", "diff.evil.textconv", f"sh -c 'touch {markers['textconv']}; cat \"$0\"'")
    git(repo, "config", "core.pager", f"sh -c 'touch {markers['pager']}; cat'")
    write_files(repo, {"app/views.py": views(pay=False)})  # a change in the work tree: blame and status read it
    for command in (("check", "--as-of", AS_OF), ("check", "--base", "HEAD", "--as-of", AS_OF), ("history",),
                    ("report", "--as-of", AS_OF, "-q"), ("ledger", "--check")):
        run_cli(*command, "--no-cache", cwd=repo)
    assert [name for name, path in markers.items() if path.exists()] == []


def test_every_git_process_gets_the_overrides(tmp_path: Path) -> None:
    """git's own trace of every process started (the long-lived ``git cat-file --batch`` too) shows the overrides."""
    repo = _project(tmp_path, {})
    commit(repo, "2026-01-07", "retire fast pay", {"app/views.py": views(pay=False)})
    trace = tmp_path / "trace"
    for command in (("check", "--base", "HEAD~1", "--as-of", AS_OF), ("report", "--as-of", AS_OF, "-q"),
                    ("ledger", "--check"), ("compare", "HEAD~1", "HEAD")):
        result = run_cli(*command, "--no-cache", cwd=repo, env={"GIT_TRACE2": str(trace)})
        assert result.returncode in (0, 1), result.stderr
    started = [line.split(" start ", 1)[1] for line in trace.read_text(encoding="utf-8").splitlines()
               if " start " in line]
    for command in (" cat-file ", " blame ", " ls-tree ", " ls-files ", " log "):
        assert any(command in line for line in started), command
    unhardened = [line for line in started if not all(f"-c {item}" in line for item in OVERRIDES)]
    assert unhardened == []
