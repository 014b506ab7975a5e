"""No forged CI commands: strings from the analysed tree are escaped in every text stream, exact in JSON.

A CI runner reads workflow commands (``::error``, ``::add-mask::``, ``::stop-commands::``) at the start of any
line of stdout or stderr, leading spaces ignored, and ``##[command]`` anywhere in a line. Keys and file names
are attacker-written, so every test below plants them and checks that no line of any output is a command
flagaudit did not write, and that no control or bidi character reaches the terminal raw.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.repos import Repo, git, write_files
from tests.run import run_process

KEY = "k\n::error file=app.py::forged key\x1b[31m\u202e"
SHOWN = "k\\n::error file=app.py::forged key\\x1b[31m\\u202e"
FORGED_NAME = "::warning::forged.py"
BAD_NAME = "bad\n::error::forged skip.py"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _view(key: str, function: str = "view") -> str:
    return (f"from waffle import switch_is_active\n\n\ndef {function}(request):\n"
            f"    if switch_is_active({key!r}):\n        return 1\n    return 0\n")


def make_repo(folder: Path, files: dict[str, str]) -> Path:
    """A real git repository holding ``files``, committed once."""
    repo = Repo(folder)
    repo.commit("2026-01-01", "initial", files, dedent=False)
    return repo.path


def hostile_project(folder: Path) -> Path:
    """A key, a file name and a broken file's name that each try to start a line with a workflow command."""
    write_files(folder, {"app.py": _view(KEY), FORGED_NAME: _view("plain", "other"), BAD_NAME: "def (:\n"})
    return folder


def forged(text: str, ours: tuple[str, ...] = ()) -> list[str]:
    """Lines that a runner would read as a workflow command flagaudit did not write, or that hold raw controls."""
    bad = []
    for line in text.split("\n"):
        start = line.lstrip()
        if (start.startswith("::") and not start.startswith(ours)) or "##[" in line or RAW.search(line):
            bad.append(line)
    return bad


def test_text_output_escapes_keys_and_paths_and_json_keeps_them_exact(tmp_path: Path, cli) -> None:
    project = hostile_project(tmp_path / "p")
    text = cli("scan", str(project), "-v", "--no-cache")
    assert text.returncode == 0, text.stderr
    assert forged(text.stdout) == [] and forged(text.stderr) == []
    assert f"{SHOWN}  [waffle-switch]" in text.stdout
    assert "\\x3a:warning::forged.py:5:8: FA301" in text.stdout
    assert "flagaudit: skipped bad\\n::error::forged skip.py: syntax error" in text.stderr
    document = json.loads(cli("scan", str(project), "--format", "json", "--no-cache").stdout)
    assert {f["key"] for f in document["flags"]} == {KEY, "plain"}
    assert {s["path"] for s in document["skipped"]} == {BAD_NAME}


def test_github_format_escapes_data_and_the_skipped_lines_on_stderr(tmp_path: Path) -> None:
    project = hostile_project(tmp_path / "p")
    result = run_process("scan", str(project), "--format", "github", "--no-cache")
    assert result.returncode == 0, result.stderr
    ours = ("::warning file=", "::notice file=", "::error file=")
    assert forged(result.stdout, ours) == [] and forged(result.stderr) == []
    annotation = next(line for line in result.stdout.splitlines() if "file=app.py" in line)
    assert "k\\n::error file=app.py::forged key\\x1b[31m\\u202e" in annotation
    assert "file=%3A%3Awarning%3A%3Aforged.py," in result.stdout  # the property stays exact, GitHub-escaped


def test_markdown_summary_escapes_control_characters(tmp_path: Path, cli) -> None:
    project = hostile_project(tmp_path / "p")
    result = cli("check", str(project), "--format", "markdown", "--no-cache", "--no-history", "--allow-missing-ledger")
    assert result.returncode == 0, result.stderr
    assert forged(result.stdout) == [] and forged(result.stderr) == []


def test_history_text_and_ledger_check_escape_keys(tmp_path: Path, cli) -> None:
    repo = make_repo(tmp_path / "repo",
                     {"app.py": _view("plain"), "pyproject.toml": "[tool.flagaudit]\npaths = ['.']\n"})
    assert cli("ledger", "-C", str(repo)).returncode == 0
    write_files(repo, {"views.py": _view(KEY)})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a hostile key", date="2026-02-01T12:00:00+00:00")
    history = cli("history", "-C", str(repo), "-v", "--no-cache")
    assert history.returncode == 0, history.stderr
    assert forged(history.stdout) == [] and forged(history.stderr) == []
    assert f"{SHOWN}  [waffle-switch]  live since 2026-02-01" in history.stdout
    stale = cli("ledger", "-C", str(repo), "--check", "--no-cache")
    assert stale.returncode == 1, stale.stderr
    assert forged(stale.stdout) == [] and f"  {SHOWN} [waffle-switch]: missing (live)" in stale.stdout


def test_init_shows_a_proposed_registry_key_escaped(tmp_path: Path, cli) -> None:
    registry = f"class Feature:\n    HOSTILE = {KEY!r}\n    PLAIN = 'plain'\n"
    view = ("from app.models import Feature\n\n\ndef view(project):\n    if project.has_feature(Feature.HOSTILE):\n"
            "        return 1\n    if project.has_feature(Feature.PLAIN):\n        return 2\n    return 0\n")
    repo = make_repo(tmp_path / "repo", {"app/__init__.py": "", "app/models.py": registry, "app/views.py": view})
    ran = cli("init", str(repo), "--no-cache")
    assert ran.returncode == 0, ran.stderr
    assert forged(ran.stdout) == [] and f"2 keys ({SHOWN}, plain)" in ran.stdout


def test_report_markdown_escapes_carriage_returns_links_and_images(tmp_path: Path, cli) -> None:
    owner = "[pwn](https://evil.example)![i](https://evil.example/p.png)"
    source = _view("a\rb|c").replace("):\n        return 1",
                                     f"):  # flagaudit: type=release owner={owner}\n        return 1")
    repo = make_repo(tmp_path / "repo", {"app.py": source, "pyproject.toml": "[tool.flagaudit]\npaths = ['.']\n"})
    result = cli("report", str(repo), "--format", "md", "--as-of", "2027-01-01", "--no-cache", "-q")
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stdout and forged(result.stdout) == []
    assert "](https://" not in result.stdout.replace("\\](https://", "")  # no link or image renders
    rows = [line for line in result.stdout.splitlines() if line.startswith("|")]
    assert rows and all(line.endswith("|") for line in rows)
    assert "`a\\rb¦c`" in result.stdout and "\\[pwn\\](https://evil.example)!\\[i\\]" in result.stdout


def test_html_report_shows_control_and_bidi_characters_as_escapes(tmp_path: Path, cli) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": _view(KEY), "pyproject.toml": "[tool.flagaudit]\npaths = ['.']\n"})
    out = repo / "report.html"
    result = cli("report", str(repo), "-o", str(out), "--as-of", "2027-01-01", "--no-cache", "-q")
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert RAW.search(page) is None
    assert "k\\n::error file=app.py::forged key\\x1b[31m\\u202e" in page
