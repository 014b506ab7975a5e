"""The public API as docs/api.md shows it: its example runs and prints what the page says."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_documented_example_runs_and_prints_what_the_page_shows() -> None:
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    example = page.split("## Example", 1)[1]
    code, printed = re.findall(r"```(?:python)?\n(.*?)```", example, re.S)[:2]
    out = io.StringIO()
    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "docs/api.md", "exec"), {})
    finally:
        os.chdir(previous)
    assert out.getvalue() == printed


def test_the_public_names_are_importable() -> None:
    from flagaudit import api

    for name in api.__all__:
        assert getattr(api, name) is not None
