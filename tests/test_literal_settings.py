"""A setting the settings modules give a literal that holds no boolean is a value, whatever its name says:
uktrade/data-workspace-frontend's ``DATASET_CHANGELOG_PAGE_FLAG = "DATASET_CHANGELOG_PAGE"`` names a waffle flag (the
flag is waffle's, read through it), ansible/awx's ``AWX_ISOLATION_SHOW_PATHS = []`` lists paths."""

from __future__ import annotations

from pathlib import Path

import pytest

import flagaudit.scan.project as project
from tests.helpers import counted_calls, flags_in
from tests.repos import Repo
from tests.run import run_cli

PROJECT = {
    "project/__init__.py": "",
    "project/settings/__init__.py": "",
    "project/settings/base.py": """
        import os

        DATASET_CHANGELOG_PAGE_FLAG = "DATASET_CHANGELOG_PAGE"
        AWX_ISOLATION_SHOW_PATHS = []
        SHOW_BANNER = False
        USE_CACHE = 1
        ENABLE_EXPORTS = ""
        ALLOW_UPLOADS_FROM = ("a", "b")
    """,
    "project/settings/production.py": """
        import os

        from project.settings.base import *

        ENABLE_EXPORTS = os.environ.get("ENABLE_EXPORTS", "")
    """,
    "project/views.py": """
        import waffle
        from django.conf import settings


        def dataset(request, ctx, job):
            if waffle.flag_is_active(request, settings.DATASET_CHANGELOG_PAGE_FLAG):
                ctx["log"] = True
            ctx["DATASET_CHANGELOG_PAGE_FLAG"] = settings.DATASET_CHANGELOG_PAGE_FLAG
            for path in settings.AWX_ISOLATION_SHOW_PATHS:
                job.show(path)
            if settings.SHOW_BANNER:
                ctx["banner"] = True
            if settings.USE_CACHE:
                ctx["cached"] = True
            if settings.ENABLE_EXPORTS:
                ctx["exports"] = True
            if request.host in settings.ALLOW_UPLOADS_FROM:
                ctx["upload"] = True
            return ctx
    """,
}


def test_a_setting_given_a_text_list_or_number_is_no_flag() -> None:
    """The waffle flag a setting names is the flag, and the setting's own reads are none; a list, a tuple and a text
    are values. A boolean, 0 or 1 (old code's booleans), and a value one settings module reads from the environment
    leave a switch's reads switches."""
    flags = flags_in(PROJECT)
    assert sorted((f.sdk, f.key, [s.line for s in f.sites]) for f in flags) == [
        ("settings", "ENABLE_EXPORTS", [16]),
        ("settings", "SHOW_BANNER", [12]),
        ("settings", "USE_CACHE", [14]),
        ("waffle-flag", "DATASET_CHANGELOG_PAGE", [7]),
    ]


def test_outside_the_settings_modules_a_literal_says_nothing() -> None:
    """A module of code that sets a constant of the same name is no settings module: the names the settings modules
    leave unset keep their reads."""
    views = PROJECT["project/views.py"]
    flags = flags_in({"project/__init__.py": "", "project/views.py": views,
                      "project/constants.py": 'SHOW_BANNER = "yes"\nAWX_ISOLATION_SHOW_PATHS = []\n'})
    assert "AWX_ISOLATION_SHOW_PATHS" in {f.key for f in flags}


def test_a_constant_added_to_a_settings_module_replays_the_inference(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The inference reads no such value: after an edit that adds one, a warm run takes the last run's steps again,
    and prints what a run without the cache prints."""
    inferred = counted_calls(monkeypatch, project, "infer_rules")
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-01-05", "settings", PROJECT)
    assert run_cli("scan", "--format", "json", cwd=repo.path).returncode == 0
    base = PROJECT["project/settings/base.py"]
    repo.commit("2025-02-01", "a page size", {"project/settings/base.py": base + "    PAGE_SIZE = 20\n"})
    inferred.clear()
    warm = run_cli("scan", "--format", "json", cwd=repo.path)
    assert inferred == []
    cold = run_cli("scan", "--format", "json", "--no-cache", cwd=repo.path)
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
