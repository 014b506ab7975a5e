"""The pre-commit hook, end to end: ``pre-commit try-repo`` against this repository's current files.

pre-commit installs the hook into its own virtualenv from a commit of the hook
repository, so the test snapshots this working tree (tracked and untracked,
not ignored) into a throwaway repository and commits it there: the hook under
test is the code on disk now, not the last commit. Installing the hook's
environment needs pip to reach a package index (flagaudit's dependencies);
that is the slow part: try-repo builds it afresh each run, 10-20 s with a
warm pip cache.

The project under test is a fresh git repository: clean flag code passes; a
commit that brings back a key retired in the committed flagaudit.lock fails
with FA201, and so does one that repurposes a live key (FA202).

It takes most of a minute, so it carries the ``precommit`` marker: a plain ``pytest`` leaves it out, and
``.ci/run`` runs it on its own (``pytest -m precommit``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.projects import FILES, PAY, VIEWS
from tests.repos import commit, git
from tests.run import ROOT, run_cli

pytestmark = pytest.mark.precommit

BASE = {**FILES, "app/checkout.py": FILES["app/checkout.py"] + "def price_improvement(c): ...\n"}
CHECKOUT = VIEWS
PLAIN_CHECKOUT = """\
    import ldclient
    from app.checkout import {imports}


    def checkout(ctx):
        return old_checkout(ctx)
"""
PRICING = textwrap.dedent("""\
    import ldclient
    from app.checkout import price_improvement


    def quote(order):
        if ldclient.get().variation("new-checkout", order, False):
            return price_improvement(order)
        return None
""")


def views(pay: bool = False, checkout: bool = True) -> str:
    """app/views.py: ``new-checkout`` guards new_checkout (unless ``checkout`` is false); ``fast-pay`` if ``pay``."""
    imports = ", ".join(["fast_pay"] * pay + ["new_checkout"] * checkout + ["old_checkout"])
    template = CHECKOUT if checkout else PLAIN_CHECKOUT
    return textwrap.dedent(template.format(imports=imports) + (PAY if pay else ""))


@pytest.fixture(scope="module")
def pre_commit(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """How to run pre-commit: this interpreter's module, the command on PATH, or a virtualenv made for the test."""
    try:
        import pre_commit  # noqa: F401
        return [sys.executable, "-m", "pre_commit"]
    except ImportError:
        pass
    found = shutil.which("pre-commit")
    if found is not None:
        return [found]
    folder = tmp_path_factory.mktemp("pre-commit-venv")
    made = subprocess.run([sys.executable, "-m", "venv", str(folder)], capture_output=True, text=True)
    python = folder / ("Scripts" if os.name == "nt" else "bin") / "python"
    if made.returncode == 0:
        made = subprocess.run([str(python), "-m", "pip", "install", "-q", "pre-commit"], capture_output=True,
                              text=True, timeout=600)
    if made.returncode != 0:
        pytest.skip("pre-commit is not installed (the test extra: `pip install -e .[test]`) and installing it into "
                    f"a virtualenv failed: {(made.stderr or made.stdout).strip().splitlines()[-1:]}")
    return [str(python), "-m", "pre_commit"]


def snapshot(target: Path) -> Path:
    """This working tree as it is on disk, committed in a new repository (the hook repository for try-repo)."""
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode().split("\0")
    target.mkdir()
    git(target, "init", "-q", "-b", "main")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # listed but deleted in the working tree: not part of the snapshot
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    assert (target / ".pre-commit-hooks.yaml").is_file(), "the hook manifest must be at the repository root"
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "snapshot of the working tree")
    return target


def try_repo(command: list[str], hook_repo: Path, project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never",
                   "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    environment.pop("PYTHONPATH", None)  # the hook must run from its own environment, not this checkout
    return subprocess.run([*command, "try-repo", str(hook_repo), "flagaudit", "--all-files", "--verbose"],
                          cwd=project, env=environment, capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)


def test_try_repo_passes_clean_code_and_blocks_reused_and_repurposed_keys(tmp_path: Path,
                                                                          pre_commit: list[str]) -> None:
    hook_repo = snapshot(tmp_path / "hook")
    home = tmp_path / "pre-commit-home"

    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    commit(project, "2025-01-05", "two flags", {**BASE, "app/views.py": views(pay=True)})
    commit(project, "2025-03-01", "retire fast-pay", {"app/views.py": views()})
    ledger = run_cli("ledger", "--as-of", "2025-03-01", cwd=project)
    assert ledger.returncode == 0, ledger.stderr
    lock = (project / "flagaudit.lock").read_text(encoding="utf-8")
    assert 'key = "fast-pay"' in lock and 'status = "retired"' in lock
    commit(project, "2025-03-02", "ledger", {})

    clean = try_repo(pre_commit, hook_repo, project, home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout

    # One commit brings back the retired key and moves the live one to unrelated code: both block.
    commit(project, "2026-01-10", "fast-pay again; new-checkout now prices quotes",
           {"app/views.py": views(pay=True, checkout=False), "app/pricing.py": PRICING})
    blocked = try_repo(pre_commit, hook_repo, project, home)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "Failed" in blocked.stdout
    assert "FA201 reborn-flag [error] 'fast-pay' [launchdarkly] was retired (2025-03-01" in blocked.stdout
    assert ("FA202 repurposed-flag [error] 'new-checkout' [launchdarkly] now guards quote → price_improvement "
            "at app/pricing.py:6") in blocked.stdout


def docs_snippet() -> str:
    """The ``.pre-commit-config.yaml`` docs/ci.md gives users, exactly as written there."""
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    start = text.index("`.pre-commit-config.yaml` in your project:\n\n```yaml\n") + len(
        "`.pre-commit-config.yaml` in your project:\n\n```yaml\n")
    return text[start:text.index("```", start)]


def test_the_documented_config_runs_both_hooks_as_written(tmp_path: Path, pre_commit: list[str]) -> None:
    snippet = docs_snippet()
    assert "v0.1.0" not in snippet, "the docs must not name a tag that does not exist"
    hook_repo = snapshot(tmp_path / "hook")
    sha = git(hook_repo, "rev-parse", "HEAD").strip()
    placeholder_url, placeholder_rev = "https://github.com/OWNER/flagaudit", "0123456789abcdef0123456789abcdef01234567"
    assert placeholder_url in snippet and placeholder_rev in snippet
    config = snippet.replace(placeholder_url, str(hook_repo)).replace(placeholder_rev, sha)

    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    commit(project, "2025-01-05", "two flags", {**BASE, "app/views.py": views(pay=True),
                                                ".pre-commit-config.yaml": config})
    assert run_cli("ledger", "--as-of", "2025-01-05", cwd=project).returncode == 0
    commit(project, "2025-01-06", "ledger", {})
    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "home"), "PRE_COMMIT_COLOR": "never",
                   "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    environment.pop("PYTHONPATH", None)

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([*pre_commit, "run", "--all-files", "--verbose"], cwd=project, env=environment,
                              capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)

    clean = run()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "flagaudit (feature-flag gate)" in clean.stdout and "flagaudit.lock is up to date" in clean.stdout
    assert clean.stdout.count("Passed") == 2

    # a new flag without `flagaudit ledger`: the second hook says the lock is out of date
    extra = "\n\ndef refund(ctx):\n    if ldclient.get().variation('fast-refund', ctx, False):\n" \
            "        return old_checkout(ctx)\n    return None\n"
    commit(project, "2025-01-07", "a new flag", {"app/views.py": views(pay=True) + extra})
    stale = run()
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "fast-refund [launchdarkly]: missing (live)" in stale.stdout
