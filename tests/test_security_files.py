"""Nothing outside the project is read or written, and the repository's configuration cannot make it so.

The checkout is attacker-written: committed symbolic links, configured paths and special files must not
reach outside the project. Paths typed on the command line stay trusted. Each attack is a real repository
with real commits.
"""

from __future__ import annotations

import errno
import os
import resource
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from flagaudit.safefiles import read_regular
from tests.projects import CHECKOUT_APP as APP
from tests.repos import git, write_files
from tests.run import ROOT, run_cli

SECRET = "ghp_0123456789SECRETTOKEN"


def _repo(tmp_path: Path, files: dict[str, str], links: dict[str, Path] | None = None) -> Path:
    """A repository holding ``files`` and symbolic ``links`` (name -> target), committed."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_files(repo, {"app/__init__.py": "", "app/checkout.py": APP, **files})
    for name, target in (links or {}).items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).symlink_to(target)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial", date="2026-01-05T10:00:00+00:00")
    return repo


def _outside(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("flagaudit: error:"), result.stderr
    assert "internal error" not in lines[0] and all(w in lines[0] for w in words), lines[0]


def test_a_codeowners_link_out_of_the_project_is_not_read(tmp_path: Path) -> None:
    netrc = _outside(tmp_path, ".netrc", f"machine github.com login ada password {SECRET}\n* {SECRET}\n")
    repo = _repo(tmp_path, {}, {"CODEOWNERS": netrc})
    result = run_cli("report", "--as-of", "2026-06-01", "--format", "md", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert "CODEOWNERS: not read" in result.stdout


def test_a_template_link_out_of_the_project_is_skipped(tmp_path: Path) -> None:
    page = _outside(tmp_path, "private.html", '{% flag "' + SECRET + '" %}x{% endflag %}\n')
    repo = _repo(tmp_path, {}, {"app/templates/page.html": page})
    result = run_cli("scan", "--format", "json", cwd=repo)
    assert SECRET not in result.stdout + result.stderr
    assert "app/templates/page.html: symbolic link out of the project (not followed)" in result.stderr


def test_a_source_link_out_of_the_project_is_skipped(tmp_path: Path) -> None:
    module = _outside(tmp_path, "private.py", f'import ldclient\nldclient.get().variation("{SECRET}", None, False)\n')
    repo = _repo(tmp_path, {}, {"app/private.py": module})
    result = run_cli("scan", "--format", "json", cwd=repo)
    assert SECRET not in result.stdout + result.stderr
    assert "app/private.py: symbolic link out of the project (not followed)" in result.stderr


def test_an_output_file_is_never_written_through_a_committed_link(tmp_path: Path) -> None:
    victim = _outside(tmp_path, "authorized_keys", "ssh-ed25519 AAAA ada\n")
    repo = _repo(tmp_path, {}, {"flagaudit.sarif": victim})
    result = run_cli("scan", "--format", "sarif", "-o", "flagaudit.sarif", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert victim.read_text(encoding="utf-8") == "ssh-ed25519 AAAA ada\n"
    output = repo / "flagaudit.sarif"
    assert not output.is_symlink() and '"version": "2.1.0"' in output.read_text(encoding="utf-8")


def test_output_to_a_pipe_or_device_writes_through_it(tmp_path: Path) -> None:
    """Regression: ``-o /dev/null`` renamed a file over the device (as root, /dev/null became a regular file for
    every process on the machine). A named pipe stands in for the device here."""
    pipe = tmp_path / "out.fifo"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    repo = _repo(tmp_path, {"app/views.py": "x = 1\n"})
    result = run_cli("scan", "--format", "json", "-o", str(pipe), cwd=repo)
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode) and b'"schema": 1' in b"".join(received)


@pytest.mark.parametrize("where", ["absolute", "relative"])
def test_a_cache_dir_outside_the_project_is_a_config_error(tmp_path: Path, where: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep-v1.pickle").write_text("not the cache's", encoding="utf-8")
    value = str(outside) if where == "absolute" else "../outside"
    repo = _repo(tmp_path, {"pyproject.toml": f'[tool.flagaudit]\ncache-dir = "{value}"\n'})
    _one_line_error(run_cli("scan", cwd=repo), "cache-dir", "outside the project")
    assert sorted(p.name for p in outside.iterdir()) == ["keep-v1.pickle"]


def test_dangling_marker_links_in_a_committed_cache_folder_write_nothing(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = _repo(tmp_path, {}, {".flagaudit_cache/.gitignore": outside / "created-by-gitignore",
                                ".flagaudit_cache/CACHEDIR.TAG": outside / "created-by-tag"})
    result = run_cli("scan", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert list(outside.iterdir()) == []


def _limited(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """:func:`run_cli` with its memory capped: an endless read must fail here, not exhaust the machine."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "flagaudit", *args], cwd=cwd, env=environment, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL, preexec_fn=cap)


def test_a_ledger_linked_to_a_device_is_refused(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {}, {"flagaudit.lock": Path("/dev/zero")})
    _one_line_error(_limited("check", "--no-history", cwd=repo), "flagaudit.lock")


@pytest.mark.parametrize("setting", ["rules", "paths"])
def test_absolute_paths_in_the_config_are_refused(tmp_path: Path, setting: str) -> None:
    secret = _outside(tmp_path, "secret.py", f'import ldclient\nldclient.get().variation("{SECRET}", None, False)\n')
    target = secret if setting == "rules" else secret.parent
    repo = _repo(tmp_path, {"pyproject.toml": f'[tool.flagaudit]\n{setting} = ["{target}"]\n'})
    result = run_cli("scan", cwd=repo)
    _one_line_error(result, setting, "outside the project")
    assert SECRET not in result.stdout + result.stderr


def test_a_config_path_linked_out_of_the_project_is_refused(tmp_path: Path) -> None:
    secret = _outside(tmp_path, "secret.py", f'import ldclient\nldclient.get().variation("{SECRET}", None, False)\n')
    repo = _repo(tmp_path, {"pyproject.toml": '[tool.flagaudit]\npaths = ["vendor"]\n'}, {"vendor": secret.parent})
    result = run_cli("scan", cwd=repo)
    _one_line_error(result, "paths", "outside the project")
    assert SECRET not in result.stdout + result.stderr


def test_paths_typed_on_the_command_line_stay_trusted(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    write_files(elsewhere, {"app.py": 'import ldclient\nldclient.get().variation("typed-key", None, False)\n'})
    repo = _repo(tmp_path, {})
    result = run_cli("scan", str(elsewhere), "--format", "json", cwd=repo)
    assert result.returncode == 0 and "typed-key" in result.stdout, result.stderr


# -- configuration errors --------------------------------------------------------------------------------------


def test_a_configured_path_that_does_not_exist_is_exit_2(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"pyproject.toml": '[tool.flagaudit]\npaths = ["scr"]\n'})
    _one_line_error(run_cli("check", "--no-history", cwd=repo), "paths", "'scr' does not exist")


def test_the_project_itself_as_cache_dir_is_a_config_error(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"pyproject.toml": '[tool.flagaudit]\ncache-dir = "."\n'})
    _one_line_error(run_cli("scan", cwd=repo), "cache-dir")
    assert not (repo / ".gitignore").exists()


@pytest.mark.parametrize("table, words", [
    ("policies = { bogus = 3 }", ("policies.bogus", "unknown flag type 'bogus'")),
    ('flags = { "new-checkout" = { expires = "next year" } }', ("flags",)),
    ('flags = { "new-checkout" = { expires = "2026-13-45" } }', ("flags",)),
])
def test_bad_lifecycle_settings_are_one_line_config_errors(tmp_path: Path, table: str, words: tuple[str, ...]) -> None:
    repo = _repo(tmp_path, {"pyproject.toml": f"[tool.flagaudit]\n{table}\n"})
    _one_line_error(run_cli("check", "--no-history", cwd=repo), *words)


def test_a_tool_key_that_is_not_a_table_is_a_config_error(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"pyproject.toml": "tool = 3\n"})
    _one_line_error(run_cli("scan", cwd=repo), "tool must be a table")


def test_remove_write_never_writes_through_a_committed_link(tmp_path: Path) -> None:
    """``remove --write`` once wrote each file to a fixed temporary name beside it: a committed link there
    sent the rewritten code out of the project."""
    victim = _outside(tmp_path, "victim.py", "untouched\n")
    repo = _repo(tmp_path, {}, {"app/.checkout.py.flagaudit-tmp": victim})
    result = run_cli("remove", "new-checkout", "--as", "on", "--write", cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    assert victim.read_text(encoding="utf-8") == "untouched\n"
    assert "variation" not in (repo / "app/checkout.py").read_text(encoding="utf-8")


def test_a_read_file_is_whole_up_to_the_cap_and_refused_beyond(tmp_path: Path) -> None:
    """Files are read by the size they have, not the cap: whole at any size up to it (a kilobyte, the cap
    itself, megabytes past a read's first 64 KiB), refused one byte over it, and with ``head`` read whole
    only when they begin with it."""
    for size in (0, 1, 1000, 65_536, 65_537, 3_000_000):
        path = tmp_path / f"f{size}"
        data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
        path.write_bytes(data)
        assert read_regular(path, size) == data
        assert read_regular(path, 5_000_000) == data
        if size:
            with pytest.raises(OSError) as refused:
                read_regular(path, size - 1)
            assert refused.value.errno == errno.EFBIG
        assert read_regular(path, size, data[:10]) == data
        assert read_regular(path, size, b"\xff" + data[:10]) == data[:256]
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OSError) as refused:
        read_regular(fifo, 100)
    assert refused.value.errno == errno.EINVAL
