"""Bad input gets one clear line per skipped file, never a traceback, and the scan goes on."""

from __future__ import annotations

import json
from pathlib import Path

from fixtures.make_broken_tree import build
from tests.repos import write_files


def test_broken_files_are_skipped_once_each(tmp_path: Path, cli) -> None:
    expected = build(tmp_path / "broken")
    result = cli("scan", str(tmp_path / "broken"), "--format", "json", "--no-cache")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    document = json.loads(result.stdout)
    skipped = {s["path"]: s["reason"] for s in document["skipped"]}
    assert set(skipped) == set(expected)
    for path, reason in expected.items():
        assert reason in skipped[path], (path, skipped[path])
        assert sum(f"skipped {path}:" in line for line in result.stderr.splitlines()) == 1
    assert [f["key"] for f in document["flags"]] == ["csv_export"]
    assert skipped["python2.py"].endswith("(read as Python 2)")  # its error once its Python 2 forms are read


def test_quiet_suppresses_skip_messages(tmp_path: Path, cli) -> None:
    write_files(tmp_path, {"bad.py": "def (:\n"})
    result = cli("scan", str(tmp_path), "-q", "--no-cache")
    assert result.returncode == 0 and result.stderr == ""


def test_missing_path_is_a_usage_error(tmp_path: Path, cli) -> None:
    result = cli("scan", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"flagaudit: error: path does not exist: {tmp_path / 'nope'}"


def test_unknown_config_key_is_named(tmp_path: Path, cli) -> None:
    write_files(tmp_path, {"pyproject.toml": "[tool.flagaudit]\npaths = ['.']\nexlcude = ['x']\n", "a.py": ""})
    result = cli("scan", str(tmp_path))
    assert result.returncode == 2
    assert "unknown setting(s) exlcude" in result.stderr and "Traceback" not in result.stderr


def test_broken_config_toml(tmp_path: Path, cli) -> None:
    write_files(tmp_path, {"flagaudit.toml": "paths = [\n", "a.py": ""})
    result = cli("scan", str(tmp_path))
    assert result.returncode == 2 and "cannot read config" in result.stderr and "flagaudit.toml" in result.stderr


def test_broken_rule_file_names_file_and_field(tmp_path: Path, cli) -> None:
    write_files(tmp_path, {
        "pyproject.toml": "[tool.flagaudit]\nrules = ['myflags.toml']\n",
        "myflags.toml": "[sdk]\nname = 'mine'\n[[check]]\nid = 'on'\nmethods = ['is_on']\nkey = {positon = 0}\n",
        "a.py": "",
    })
    result = cli("scan", str(tmp_path))
    assert result.returncode == 2
    assert "myflags.toml" in result.stderr and "check[0].key" in result.stderr and "positon" in result.stderr


def test_a_broken_pyproject_that_cannot_configure_flagaudit_is_not_a_config_error(tmp_path: Path, cli) -> None:
    """A project's own broken pyproject.toml (a missing quote in [tool.poetry]) holds no [tool.flagaudit]: the run
    goes on with the defaults. One that spells the name, or an escape a quoted key could spell it with, stops."""
    poetry = '[tool.poetry]\nauthors = [\n    "Ada <ada@example.com>,\n    "Bo <bo@example.com>",\n]\n'
    write_files(tmp_path, {"pyproject.toml": poetry, "a.py": ""})
    assert cli("scan", str(tmp_path)).returncode == 0
    for broken in (poetry + "[tool.flagaudit]\npaths = ['.']\n", poetry + '[tool."\\u0066lagaudit"]\n'):
        write_files(tmp_path, {"pyproject.toml": broken})
        result = cli("scan", str(tmp_path))
        assert result.returncode == 2 and "cannot read config" in result.stderr and "pyproject.toml" in result.stderr
