"""What a person sees: text fitted to an 80-column terminal, whole lines everywhere else, a closed pipe."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from flagaudit.output.terminal import fit
from tests.projects import pull_request
from tests.run import ROOT, run_cli


def test_long_lines_wrap_under_their_own_line() -> None:
    text = ("app/pay.py:4:8: FA201 reborn-flag [error] 'fast-pay' [launchdarkly] was retired (2025-03-01) and is "
            "referenced again (2026-01-09): app/pay.py now guards quick_pay → fast_pay\n"
            "    commit: 0123456789ab (reborn: 2026-01-09 Ada <ada@example.com> fast pay is back as quick pay)\n"
            "    short: line\n")
    fitted = fit(text, 80)
    lines = fitted.split("\n")
    assert all(len(line) <= 80 for line in lines)
    assert fitted.split() == text.split()  # every word kept, in order
    assert lines[0].startswith("app/pay.py:4:8: FA201") and lines[1].startswith("  ") and lines[1][2] != " "
    commit = next(i for i, line in enumerate(lines) if line.startswith("    commit:"))
    assert lines[commit + 1].startswith("        ") and lines[commit + 1][8] != " "
    assert "    short: line" in lines


def test_a_word_longer_than_the_width_stays_whole() -> None:
    path = "a/" * 50 + "views.py:1:1:"
    assert fit(f"{path} FA301 message", 80).split("\n")[0] == path


def test_too_narrow_a_terminal_is_left_alone() -> None:
    text = "word " * 40
    assert fit(text, 20) == text


def _in_terminal(args: list[str], cwd: Path, columns: int) -> str:
    """``flagaudit ARGS`` as a real process whose stdout is a pseudo-terminal ``columns`` wide."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": str(columns)}
    proc = subprocess.Popen([sys.executable, "-m", "flagaudit", *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=follower, stderr=subprocess.DEVNULL)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is gone once the process has exited
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=300)
    os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_check_fits_an_80_column_terminal_and_keeps_whole_lines_in_a_pipe(tmp_path: Path) -> None:
    repo, _ = pull_request(tmp_path)
    args = ["check", "--as-of", "2026-01-10"]
    shown = _in_terminal(args, repo.path, 80)
    piped = run_cli(*args, cwd=repo.path).stdout
    assert "FA201" in shown and any(len(line) > 80 for line in piped.splitlines())
    assert all(len(line) <= 80 for line in shown.splitlines())
    assert shown.split() == piped.split()  # the same words, only the line breaks differ


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path: Path) -> None:
    """``flagaudit check | head``: whatever was left unsaid, the gate does not pass (exit 2) and says why."""
    repo, _ = pull_request(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    reader = subprocess.Popen([sys.executable, "-m", "flagaudit", "check", "--as-of", "2026-01-10"], cwd=repo.path,
                              env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.close()  # gone before flagaudit writes its first line
    stderr = reader.stderr.read().decode()
    assert reader.wait(timeout=300) == 2
    assert stderr == "flagaudit: error: the output was closed before everything was written\n"
