"""Running the command line from tests: in-process through click's runner, or as a real process.

In-process is the default: the same click command, options and exit code, without a Python start-up and
the engine's imports per run. A few tests keep a real process (:func:`run_process`) for what only a
process shows: ``python -m flagaudit``, a missing git on ``PATH``, a terminal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from flagaudit.cli import cli

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Ran:
    """What a run left: its exit code and the text on each stream (as ``subprocess.CompletedProcess``)."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Ran:
    """``flagaudit ARGS`` in this process, started in ``cwd`` (the repository root by default)."""
    previous = Path.cwd()
    os.chdir(cwd or ROOT)
    try:
        result = CliRunner().invoke(cli, list(args), env=env, prog_name="flagaudit", catch_exceptions=False)
    finally:
        os.chdir(previous)
    return Ran(result.exit_code, result.stdout, result.stderr)


def run_process(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Ran:
    """``python -m flagaudit ARGS`` as a user runs it: a real process with its own environment."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    done = subprocess.run([sys.executable, "-m", "flagaudit", *args], cwd=cwd or ROOT, env=environment,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    return Ran(done.returncode, done.stdout, done.stderr)


def warm_keys(root: Path, edited: Path, texts: list[str]) -> list[list[str]]:
    """For each of ``texts`` written to ``edited`` in turn, the keys a warm ``scan`` of ``root`` finds, once a cold
    one has printed the same bytes."""
    found = []
    for text in texts:
        edited.write_text(text)
        warm = run_cli("scan", "--format", "json", str(root), cwd=root)
        cold = run_cli("scan", "--format", "json", "--no-cache", str(root), cwd=root)
        assert warm.returncode == cold.returncode == 0, warm.stderr + cold.stderr
        assert warm.stdout == cold.stdout
        found.append([flag["key"] for flag in json.loads(warm.stdout)["flags"]])
    return found


def warm_presence(root: Path, files: dict[str, str], path: str, old: str, new: str, key: str) -> list[bool]:
    """Whether a warm ``scan`` finds ``key`` in ``files`` (dedented, written under ``root``), then with ``old`` in
    ``path`` replaced by ``new``, then as they were (:func:`warm_keys`)."""
    written = {name: textwrap.dedent(text) for name, text in files.items()}
    for name, text in written.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    original = written[path]
    edited = original.replace(old, new)
    assert edited != original
    return [key in keys for keys in warm_keys(root, root / path, [original, edited, original])]
