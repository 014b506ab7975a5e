"""The gate in a shallow clone (CI's default ``fetch-depth: 1``): the committed flagaudit.lock remembers
what the clone's history no longer shows, so reusing a retired key still blocks.

Real repositories, a real ``git clone --depth 1 file://...``, the real command line.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.projects import FILES
from tests.projects import gate_views as views
from tests.repos import commit, git
from tests.run import run_cli

AS_OF = "2026-01-11"


def shallow_clone_of_retired_key(tmp_path: Path) -> tuple[Path, str]:
    """A project whose history retires ``fast-pay`` and whose committed flagaudit.lock records it, cloned
    with ``--depth 1``; returns the clone and the retiring commit (which the clone does not have)."""
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    commit(origin, "2025-01-05", "checkout and fast pay", {**FILES, "app/views.py": views(pay=True)})
    retired = commit(origin, "2025-03-01", "retire fast pay", {"app/views.py": views(pay=False)})
    ledger = run_cli("ledger", "--as-of", "2025-03-01", cwd=origin)
    assert ledger.returncode == 0, ledger.stderr
    lock = (origin / "flagaudit.lock").read_text(encoding="utf-8")
    assert f'retired = 2025-03-01, retired-commit = "{retired}"' in lock
    commit(origin, "2025-03-02", "commit the ledger", {})

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    assert git(clone, "rev-list", "--count", "HEAD").strip() == "1"
    assert not _has_commit(clone, retired), "a depth-1 clone must not hold the retiring commit"
    return clone, retired


def _has_commit(repo: Path, commit_id: str) -> bool:
    try:
        git(repo, "cat-file", "-e", f"{commit_id}^{{commit}}")
    except subprocess.CalledProcessError:
        return False
    return True


def reuse_fast_pay(clone: Path) -> None:
    commit(clone, "2026-01-10", "fast pay is back", {"app/views.py": views(pay=True)})


def test_no_history_gate_blocks_a_reused_key_from_the_ledger_alone(tmp_path: Path) -> None:
    clone, retired = shallow_clone_of_retired_key(tmp_path)
    before = run_cli("check", "--no-history", "--as-of", AS_OF, cwd=clone)
    assert before.returncode == 0, before.stdout + before.stderr
    assert "FA201" not in before.stdout

    reuse_fast_pay(clone)
    result = run_cli("check", "--no-history", "--as-of", AS_OF, cwd=clone)
    assert result.returncode == 1, result.stdout + result.stderr
    [line] = [line for line in result.stdout.splitlines() if " FA201 " in line]
    assert line.startswith("app/views.py:12:8: FA201 reborn-flag [error] 'fast-pay' [launchdarkly] was retired "
                           f"(2025-03-01, {retired[:12]}) and is referenced again")

    document = json.loads(run_cli("check", "--no-history", "--as-of", AS_OF, "--format", "json", cwd=clone).stdout)
    [finding] = [f for f in document["findings"] if f["severity"] == "error"]
    assert (finding["code"], finding["flag"], finding["path"], finding["line"]) == ("FA201", "fast-pay",
                                                                                    "app/views.py", 12)
    assert "fast-pay" in finding["message"] and "2025-03-01" in finding["message"]
    assert {"kind": "commit", "value": retired[:12], "detail": "retired: 2025-03-01"} in finding["evidence"]


def test_full_check_in_a_shallow_clone_says_history_is_partial(tmp_path: Path) -> None:
    clone, _ = shallow_clone_of_retired_key(tmp_path)
    result = run_cli("check", "--as-of", AS_OF, cwd=clone)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "history is partial (shallow clone)" in result.stderr
    assert "earlier events come from flagaudit.lock" in result.stderr


def test_full_check_in_a_shallow_clone_blocks_a_reused_key_thanks_to_the_ledger(tmp_path: Path) -> None:
    clone, retired = shallow_clone_of_retired_key(tmp_path)
    reuse_fast_pay(clone)
    result = run_cli("check", "--as-of", AS_OF, cwd=clone)
    assert "history is partial (shallow clone)" in result.stderr
    assert result.returncode == 1, result.stdout + result.stderr
    [line] = [line for line in result.stdout.splitlines() if " FA201 " in line]
    assert "'fast-pay' [launchdarkly] was retired (2025-03-01" in line




def test_no_history_gate_lets_a_new_key_through(tmp_path: Path) -> None:
    clone, _ = shallow_clone_of_retired_key(tmp_path)
    extra = "\n\ndef refund(ctx):\n    if ldclient.get().variation('fast-refund', ctx, False):\n" \
            "        return old_checkout(ctx)\n    return None\n"
    commit(clone, "2026-01-10", "a brand-new flag", {"app/views.py": views(pay=False) + extra})
    result = run_cli("check", "--no-history", "--as-of", AS_OF, "--select", "FA2", "-v", cwd=clone)
    assert "fast-refund  [launchdarkly]" in result.stdout
    assert (result.returncode, "FA202" in result.stdout) == (0, False), result.stdout


def test_no_history_gate_without_a_ledger_passes_clean_code(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    commit(project, "2026-01-05", "flags", {**FILES, "app/views.py": views(pay=True)})
    result = run_cli("check", "--no-history", "--as-of", AS_OF, cwd=project)
    assert "no flagaudit.lock: judged from the local git history instead" in result.stderr
    assert (result.returncode, "FA202" in result.stdout) == (0, False), result.stdout
