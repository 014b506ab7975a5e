"""The gate never passes when it cannot judge: a repository git refuses, a ledger that would overrule the gate,
a hook run without flagaudit.lock. Real repositories with real commits, the real command line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.projects import FILES, ORDERS, PEG
from tests.projects import gate_views as views
from tests.repos import commit, git, write_files
from tests.run import run_cli

AS_OF = "2026-01-11"


def _reborn(tmp_path: Path, ledger: bool) -> Path:
    """``fast-pay`` born, retired, and (uncommitted to any ledger) referenced again elsewhere."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "2025-01-05", "checkout and fast pay", {**FILES, "app/views.py": views(pay=True)})
    commit(repo, "2025-03-01", "retire fast pay", {"app/views.py": views(pay=False)})
    if ledger:
        assert run_cli("ledger", "--as-of", "2025-03-01", cwd=repo).returncode == 0
        commit(repo, "2025-03-02", "commit the ledger", {})
    commit(repo, "2026-01-10", "fast pay is back, as quick pay",
           {"app/views.py": views(pay=True).replace("def pay(ctx):", "def quick_pay(ctx):")})
    return repo


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give the repository "
                    "to another user")
def test_a_repository_git_refuses_is_an_error_with_the_fix(tmp_path: Path) -> None:
    """Another owner ("dubious ownership", common in CI containers) was reported as "no commits yet", exit 0."""
    repo = _reborn(tmp_path, ledger=False)
    for path in (repo, repo / ".git"):
        os.chown(path, 4242, 4242)
    settings = tmp_path / "gitconfig"
    settings.write_text("", encoding="utf-8")
    environment = {"GIT_CONFIG_GLOBAL": str(settings)}
    for command in (("check", "--as-of", AS_OF), ("check", "--no-history", "--as-of", AS_OF), ("history",),
                    ("scan",)):
        result = run_cli(*command, cwd=repo, env=environment)
        assert (result.returncode, result.stdout) == (2, ""), (command, result.stderr)
        assert result.stderr == (f"flagaudit: error: git cannot read the repository at {repo}: detected dubious "
                                 f"ownership in repository at '{repo}'; the folder belongs to another user (common "
                                 f"in CI containers): if you trust it, run `git config --global --add safe.directory "
                                 f"{repo}`\n"), command
    settings.write_text(f"[safe]\n\tdirectory = {repo}\n", encoding="utf-8")
    trusted = run_cli("check", "--as-of", AS_OF, cwd=repo, env=environment)
    assert trusted.returncode == 1 and " FA201 " in trusted.stdout, trusted.stderr


def test_ledger_keeps_the_block_on_a_reborn_key(tmp_path: Path) -> None:
    """``flagaudit ledger`` recorded the new life as accepted, and the hook (``check --no-history``) then passed."""
    repo = _reborn(tmp_path, ledger=True)
    lock = (repo / "flagaudit.lock").read_text(encoding="utf-8")

    written = run_cli("ledger", "--as-of", AS_OF, cwd=repo)
    assert written.returncode == 1, written.stdout + written.stderr
    assert written.stdout.startswith("flagaudit.lock not written: it would record these keys' new meaning")
    assert "app/views.py:12:8: FA201 reborn-flag [error] 'fast-pay' [launchdarkly] was retired" in written.stdout
    assert "flagaudit ledger --accept KEY --reason" in written.stdout
    assert (repo / "flagaudit.lock").read_text(encoding="utf-8") == lock

    checked = run_cli("ledger", "--check", cwd=repo)
    assert checked.returncode == 1
    assert ("fast-pay [launchdarkly]: live in the code, retired in flagaudit.lock; reborn key, see FA201"
            in checked.stdout)
    assert "run `flagaudit ledger`" not in checked.stdout
    assert run_cli("check", "--no-history", "--as-of", AS_OF, cwd=repo).returncode == 1

    accepted = run_cli("ledger", "--accept", "fast-pay", "--reason", "fast pay v2 ships everywhere at once",
                       "--as-of", AS_OF, cwd=repo)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert run_cli("check", "--no-history", "--as-of", AS_OF, cwd=repo).returncode == 0
    assert run_cli("ledger", "--check", cwd=repo).returncode == 0


def test_ledger_keeps_the_block_on_a_repurposed_key(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "2016-03-01", "power peg",
           {"router/__init__.py": "", "router/orders.py": ORDERS, "router/peg.py": PEG})
    assert run_cli("ledger", "--as-of", "2016-03-01", cwd=repo).returncode == 0
    commit(repo, "2016-03-02", "ledger", {})
    lock = (repo / "flagaudit.lock").read_text(encoding="utf-8")
    commit(repo, "2026-10-20", "the same switch, new work",
           {"router/peg.py": PEG.replace("send_child_order", "price_improvement")
                                .replace("route_order", "route_retail")})

    written = run_cli("ledger", "--as-of", "2026-11-01", cwd=repo)
    assert written.returncode == 1 and " FA202 repurposed-flag [error] 'smars'" in written.stdout, written.stdout
    assert (repo / "flagaudit.lock").read_text(encoding="utf-8") == lock
    checked = run_cli("ledger", "--check", cwd=repo)
    assert checked.returncode == 1 and "smars [waffle-switch]: meaning changed (1 added, 1 removed); repurposed key, " \
                                       "see FA202" in checked.stdout, checked.stdout
    assert run_cli("check", "--no-history", "--as-of", "2026-11-01", cwd=repo).returncode == 1


def test_the_hook_without_a_ledger_judges_from_local_history(tmp_path: Path) -> None:
    """No flagaudit.lock: the hook showed "Passed" and a reused key exited 0."""
    repo = _reborn(tmp_path, ledger=False)
    result = run_cli("check", "--no-history", "--as-of", AS_OF, cwd=repo)
    assert result.returncode == 1, result.stdout + result.stderr
    [line] = [line for line in result.stdout.splitlines() if " FA201 " in line]
    assert line.startswith("app/views.py:12:8: FA201 reborn-flag [error] 'fast-pay' [launchdarkly] was retired")
    assert "no flagaudit.lock: judged from the local git history instead" in result.stderr


def test_the_gate_without_a_ledger_or_history_refuses_unless_told(tmp_path: Path) -> None:
    project = tmp_path / "plain"
    write_files(project, {**FILES, "app/views.py": views(pay=True)})
    for mode in ((), ("--no-history",)):
        refused = run_cli("check", *mode, "--as-of", AS_OF, cwd=project)
        assert (refused.returncode, refused.stdout) == (2, ""), refused.stderr
        assert refused.stderr.startswith("flagaudit: error: cannot judge: no flagaudit.lock and no git history")
        assert "--allow-missing-ledger" in refused.stderr
        allowed = run_cli("check", *mode, "--allow-missing-ledger", "--as-of", AS_OF, cwd=project)
        assert allowed.returncode == 0, allowed.stderr
        assert "NOT JUDGED: no flagaudit.lock and no git history" in allowed.stderr
    assert "--allow-missing-ledger" in run_cli("check", "--help").stdout
