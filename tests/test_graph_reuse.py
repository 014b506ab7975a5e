"""The last run's call graph, reused where no definition changed, must give exactly what a fresh build gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flagaudit.api import ScanOptions, scan
from flagaudit.output import RENDERERS

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "graph"

EDITS = [
    # (file, old text, new text): body edits keep every definition, so the last graph is reused
    ("store/router.py", "        record_fill(order)\n", ""),
    ("store/router.py", "        execute_smart(order)\n", "        execute_smart(order)\n        record_fill(order)\n"),
    ("store/cli.py", '        click.echo("audit log: on", err=True)\n',
     '        click.echo("audit log: on", err=True)\n        reindex(500)\n'),
    # a new function and a new import change definitions: the graph is built afresh
    ("store/router.py", "def execute_smart(order):", "def unused_helper():\n    return None\n\n\ndef execute_smart(order):"),
    ("store/cli.py", "import ldclient\n", "import ldclient\n\nfrom store.router import unused_helper\n"),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "graph")
    return tmp_path / "graph"


def _json(project: Path, use_cache: bool) -> str:
    return RENDERERS["json"](scan((str(project),), ScanOptions(use_cache=use_cache, workers=1)), 0)


def test_each_edit_gives_with_the_cached_graph_what_a_fresh_scan_gives(project: Path) -> None:
    _json(project, use_cache=True)
    seen = {_json(project, use_cache=False)}
    for path, old, new in EDITS:
        file = project / path
        text = file.read_text(encoding="utf-8")
        assert old in text, (path, old)
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
        for memo in (project / ".flagaudit_cache").glob("result-*.pickle"):
            memo.unlink()  # keep the graph memo, as after an edit the whole-result memo no longer matches anyway
        fresh = _json(project, use_cache=False)
        assert _json(project, use_cache=True) == fresh, (path, new)
        seen.add(fresh)
    assert len(seen) > 3  # the edits changed findings, so the comparison means something
