"""flagaudit.config: where the configuration is found, its defaults, and that a typo fails loudly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flagaudit.config import DEFAULT_TEST_PATHS, load_config
from flagaudit.errors import FlagauditError
from tests.repos import Repo, write_files
from tests.run import run_cli


def test_without_a_config_the_scanned_folder_is_the_root(tmp_path: Path) -> None:
    config = load_config((), None, tmp_path)
    assert (config.root, config.source, config.paths) == (tmp_path.resolve(), None, (tmp_path.resolve() / ".",))
    assert config.test_paths == DEFAULT_TEST_PATHS


def test_the_nearest_pyproject_with_a_table_is_the_root(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n[project.scripts]\nx = 'app.cli:main'\n"
                                            "[tool.flagaudit]\npaths = ['src']\nentry-points = ['app.api:serve']\n",
                           "src/app/x.py": ""})
    config = load_config((), None, tmp_path / "src" / "app")
    assert config.root == tmp_path.resolve() and config.source == tmp_path.resolve() / "pyproject.toml"
    assert config.paths == (tmp_path.resolve() / "src",)
    assert (config.entry_points, config.scripts) == (("app.api.serve",), ("app.cli:main",))


def test_flagaudit_toml_may_hold_the_settings_at_top_level(tmp_path: Path) -> None:
    write_files(tmp_path, {"flagaudit.toml": "dormant-days = 90\ncache-dir = '.cache'\n"})
    config = load_config((), None, tmp_path)
    assert (config.dormant_days, config.cache_dir) == (90, tmp_path.resolve() / ".cache")


@pytest.mark.parametrize(("table", "message"), [
    ("exlcude = ['x']", "unknown setting(s) exlcude"),
    ("paths = 'src'", "paths must be a list of strings"),
    ("max-file-size = 0", "max-file-size must be a positive number of bytes"),
    ("dormant-days = true", "dormant-days must be a positive number of days"),
    ("policies = { release = 'soon' }", 'policies must be a table of flag type = days (or "never")'),
])
def test_a_bad_setting_is_an_error_naming_it(tmp_path: Path, table: str, message: str) -> None:
    write_files(tmp_path, {"pyproject.toml": f"[tool.flagaudit]\n{table}\n"})
    with pytest.raises(FlagauditError) as raised:
        load_config((), None, tmp_path)
    assert message in str(raised.value)


def test_a_missing_path_or_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FlagauditError, match="path does not exist"):
        load_config((str(tmp_path / "nope"),))
    with pytest.raises(FlagauditError, match="config file not found"):
        load_config((), str(tmp_path / "nope.toml"), tmp_path)


def test_a_config_kept_outside_the_project_configures_the_project_scanned(tmp_path: Path) -> None:
    """``check --config ../mine.toml`` in a clone: the root was the config's folder, which is no repository ("no
    flagaudit.lock and no git history", exit 2) and whose every file was scanned. The project scanned stays the
    root, with its history and lock; the rule files the configuration names lie beside it."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-05", "Settings flags", {
        "app/__init__.py": "",
        "app/views.py": "from django.conf import settings\n\n\ndef page():\n"
                        "    if settings.GALAXY_FEATURE_FLAGS['ai_deny_index']:\n        return 1\n    return 0\n"})
    write_files(tmp_path, {"mine.toml": '[tool.flagaudit]\nsettings-dicts = ["GALAXY_FEATURE_FLAGS"]\n'
                                        'rules = ["mine-rules.toml"]\n',
                           "mine-rules.toml": '[sdk]\nname = "mine"\ntitle = "mine"\n',
                           "elsewhere/other.py": "import waffle\n"})
    config = load_config((), str(tmp_path / "mine.toml"), repo.path)
    assert config.root == repo.path.resolve() and config.rules == (tmp_path / "mine-rules.toml",)
    ran = run_cli("check", "--config", "../mine.toml", "--format", "json", "--as-of", "2026-02-01", cwd=repo.path)
    assert ran.returncode == 0, ran.stderr
    assert [f["key"] for f in json.loads(ran.stdout)["flags"]] == ["GALAXY_FEATURE_FLAGS['ai_deny_index']"]
