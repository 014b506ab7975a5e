"""The command line as users and CI see it: help, formats, determinism, explain."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flagaudit.checks import all_rules
from tests.repos import write_files
from tests.run import ROOT, run_process

APP = {
    "app/__init__.py": "",
    "app/flags.py": 'NEW_CHECKOUT = "new-checkout"\n',
    "app/views.py": (
        "import ldclient\nfrom app.flags import NEW_CHECKOUT\n\n\n"
        "def checkout(ctx):\n    if ldclient.get().variation(NEW_CHECKOUT, ctx, False):\n"
        "        return 2\n    return 1\n"
    ),
    "tests/test_views.py": "import ldclient\n\n"
                           "assert ldclient.get().variation('only-in-tests', None, False) is not None\n",
}


@pytest.mark.parametrize("command", [[], ["scan"], ["explain"]])
def test_help(command: list[str]) -> None:
    """A real process: ``python -m flagaudit`` starts, and prints its usage."""
    result = run_process(*command, "--help")
    assert result.returncode == 0 and "Usage: flagaudit" in result.stdout


def test_text_output(tmp_path: Path, cli) -> None:
    write_files(tmp_path, APP)
    result = cli("scan", str(tmp_path), "-v")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "new-checkout  [launchdarkly]  1 site, no definition  app/views.py:6"
    assert lines[1].startswith("    app/views.py:6:8: early-return on 7-7 off 8-8 in app.views.checkout")
    assert "only-in-tests  [launchdarkly]  0 sites (+1 in tests), no definition  tests/test_views.py:3" in lines


def test_json_is_byte_identical_across_runs_jobs_and_cache(tmp_path: Path, cli) -> None:
    write_files(tmp_path, APP)
    outputs = {
        cli("scan", str(tmp_path), "--format", "json", *args).stdout
        for args in (["--no-cache"], [], [], ["--jobs", "1", "--no-cache"], ["--jobs", "2", "--no-cache"])
    }
    assert len(outputs) == 1
    assert (tmp_path / ".flagaudit_cache" / ".gitignore").read_text().endswith("*\n")


def test_output_file(tmp_path: Path, cli) -> None:
    write_files(tmp_path, APP)
    result = cli("scan", str(tmp_path), "--format", "json", "-o", str(tmp_path / "out.json"))
    assert result.returncode == 0 and result.stdout == ""
    assert '"schema": 1' in (tmp_path / "out.json").read_text()


def test_explain_every_code(cli) -> None:
    for code in all_rules():
        result = cli("explain", code.lower())
        assert result.returncode == 0
        for heading in ("What it finds", "Why it matters", "Example", "How to fix or suppress"):
            assert heading in result.stdout


def test_explain_unknown_code(cli) -> None:
    result = cli("explain", "FA999")
    assert result.returncode == 2 and "unknown finding code" in result.stderr


def test_docs_rules_md_is_generated_from_the_rule_modules() -> None:
    from flagaudit.checks import rules_markdown

    docs = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
    assert docs.read_text(encoding="utf-8") == rules_markdown(), \
        "regenerate: flagaudit explain --markdown > docs/rules.md"


def test_inline_ignore_needs_a_reason(tmp_path: Path, cli) -> None:
    write_files(tmp_path, {
        "app/__init__.py": "",
        "app/views.py": (
            "from waffle import flag_is_active\n\n\n"
            "def old(request):  # nothing calls it\n"
            "    return flag_is_active(request, 'kept')  # flagaudit: ignore[FA301] audited 2026-11, export job\n\n\n"
            "def older(request):\n"
            "    return flag_is_active(request, 'bare')  # flagaudit: ignore[FA301]\n"
        ),
    })
    result = cli("scan", str(tmp_path), "--format", "json", "--no-cache")
    findings = {(f["code"], f["line"]) for f in __import__("json").loads(result.stdout)["findings"]}
    assert findings == {("FA301", 9), ("FA501", 9)}


def test_explain_loads_no_engine() -> None:
    """``flagaudit explain`` and ``--help`` import click, the finding rules and the output formats, nothing that
    extracts, resolves or reads history: the command line starts in a fraction of the engine's import time."""
    code = ("import sys; from flagaudit.cli import main; sys.argv = ['flagaudit', 'explain', 'FA201']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('libcst', 'git', 'networkx', 'matplotlib')"
            " or m.startswith(('flagaudit.extract', 'flagaudit.scan', 'flagaudit.model', 'flagaudit.history',"
            " 'flagaudit.commands', 'flagaudit.policies', 'flagaudit.report.'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.splitlines()[-1] == "[]"
