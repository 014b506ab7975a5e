"""flagaudit.config: where the configuration is found, its defaults, and that a typo fails loudly."""

from __future__ import annotations

from pathlib import Path

import pytest

from flagaudit.config import DEFAULT_TEST_PATHS, load_config
from flagaudit.errors import FlagauditError
from tests.repos import write_files


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
