"""A fault of flagaudit's that one file's content sets off leaves that file, not the run: the file is a skipped
entry that says so (without the fault's message, which may quote the file), and the others are analysed."""

from __future__ import annotations

from pathlib import Path

import pytest

from flagaudit.extract import file_facts
from flagaudit.scan.project import ScanOptions, scan
from tests.repos import write_files
from tests.run import run_cli

VIEWS = """
    from waffle import switch_is_active


    def home(request):
        if switch_is_active("new_home"):
            return "new"
        return "old"
"""


def test_a_file_that_breaks_the_analysis_is_skipped_and_the_run_goes_on(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    analyse = file_facts._extract

    def failing(path: str, *args: object, **kwargs: object) -> object:
        if path == "app/odd.py":
            raise AttributeError("'Attribute' object has no attribute 'keywords'")
        return analyse(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(file_facts, "_extract", failing)
    write_files(tmp_path, {"app/__init__.py": "", "app/views.py": VIEWS, "app/odd.py": VIEWS.replace("home", "odd")},
                dedent=True)
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False, workers=1))
    assert [(f.key, [s.path for s in f.sites]) for f in inventory.flags] == [("new_home", ["app/views.py"])]
    assert [(s.path, s.reason) for s in inventory.skipped] == [
        ("app/odd.py", f"{file_facts.INTERNAL_ERROR} (AttributeError); please report it")]
    ran = run_cli("scan", "--no-cache", str(tmp_path), cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert "app/odd.py" in ran.stderr and file_facts.INTERNAL_ERROR in ran.stderr and "keywords" not in ran.stderr
