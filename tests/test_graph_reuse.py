"""The last run's call graph, built upon after each edit, must give exactly what a fresh build gives."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from flagaudit.output import RENDERERS
from flagaudit.scan.project import ScanOptions, scan

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "graph"
REINDEX = '        click.echo(f"reindexing, {batch_size} products at a time")\n'

Edit = Callable[[Path], None]


def replace(path: str, old: str, new: str) -> Edit:
    def edit(project: Path) -> None:
        text = (project / path).read_text(encoding="utf-8")
        assert old in text, (path, old)
        (project / path).write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


def write(path: str, text: str) -> Edit:
    def edit(project: Path) -> None:
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text, encoding="utf-8")
    return edit


def delete(path: str) -> Edit:
    return lambda project: (project / path).unlink()


def together(*edits: Edit) -> Edit:
    def edit(project: Path) -> None:
        for one in edits:
            one(project)
    return edit


RECONCILE_NOW = "from store.reconcile import reconcile_ledgers\n\n\ndef reconcile_now(payouts):\n" \
                "    return reconcile_ledgers(payouts, [])\n"
HOOK = "from store.reconcile import reconcile_ledgers\n\n\ndef run_hook(payouts):\n    return {}\n"

EDITS: list[tuple[str, Edit]] = [
    # bodies only: the last graph is reused, the edited file's functions linked again
    ("a call removed", replace("store/router.py", "        record_fill(order)\n", "")),
    ("a call added", replace("store/router.py", "        execute_smart(order)\n",
                             "        execute_smart(order)\n        record_fill(order)\n")),
    # definitions: what the change can affect is resolved again
    ("a new function", replace("store/router.py", "def execute_smart(order):",
                               "def unused_helper():\n    return None\n\n\ndef execute_smart(order):")),
    ("a call through two re-exports", together(
        write("store/compat.py", "from store.tax import legacy_tax as compute\n"),
        write("store/api2.py", "from store.compat import compute\n"),
        replace("store/cli.py", "import ldclient\n", "import ldclient\n\nfrom store.api2 import compute\n"),
        replace("store/cli.py", REINDEX, REINDEX + "    compute(None)\n"))),
    ("the re-export in the middle now names an unreachable check's function",
     write("store/compat.py", "from store.reconcile import reconcile_ledgers as compute\n")),
    ("a method call whose class gains no subclass yet", together(
        write("store/bases.py", "class Handler:\n    def run(self):\n        return None\n\n\n"
                                "class Other:\n    def run(self):\n        return None\n"),
        write("store/alias.py", "from store.bases import Handler as Base\n"),
        write("store/plugin.py", "from store.alias import Base\nfrom store.views import refund_report\n\n\n"
                                 "class Plugin(Base):\n    def run(self):\n        return refund_report(None)\n"),
        replace("store/cli.py", "import ldclient\n", "import ldclient\n\nfrom store.bases import Other\n"),
        replace("store/cli.py", REINDEX, REINDEX + "    Other.run(None)\n"))),
    ("an unchanged class rebased through an alias module: its override is now reached",
     write("store/alias.py", "from store.bases import Other as Base\n")),
    ("a module deleted", delete("store/compat.py")),
    ("a function removed", replace("store/router.py", "def unused_helper():\n    return None\n\n\n", "")),
    # names rooted on a folder the project puts on sys.path: a settings string ending a module's name
    ("a settings string names a hook by the ending of its module's name", together(
        write("store/contrib/__init__.py", ""), write("store/contrib/plugins/__init__.py", ""),
        write("store/contrib/plugins/hooks.py", HOOK.format("reconcile_ledgers(payouts, [])")),
        write("store/settings/hooks.py", 'HOOKS = ["plugins.hooks.run_hook"]\n'),
        write("store/vendor/__init__.py", ""), write("store/vendor/plugins/__init__.py", ""))),
    ("the hook no longer reconciles", write("store/contrib/plugins/hooks.py", HOOK.format("payouts"))),
    ("a second module of that ending: the string names both",  # one file changed: the graph is built upon
     write("store/vendor/plugins/hooks.py", HOOK.format("reconcile_ledgers(payouts, [])"))),
    ("the second module deleted", delete("store/vendor/plugins/hooks.py")),
    # a package that star-imports its modules: its names are theirs (nycmeshnet/meshdb's views)
    ("a function called through a package that star-imports its module", together(
        write("store/ops/__init__.py", "from .maintenance import *\n"),
        write("store/ops/maintenance.py", RECONCILE_NOW),
        replace("store/cli.py", "import ldclient\n", "import ldclient\n\nfrom store import ops\n"),
        replace("store/cli.py", REINDEX, REINDEX + "    ops.reconcile_now(None)\n"))),
    ("the star-imported module renames the function",  # one file changed: the graph is built upon
     replace("store/ops/maintenance.py", "def reconcile_now", "def reconcile_later")),
    ("and back", replace("store/ops/maintenance.py", "def reconcile_later", "def reconcile_now")),
    # a classmethod a class inherits from a base of another module (tilavarauspalvelu-core's PindoraClient)
    ("a classmethod called through a class that inherits it", together(
        write("store/ledgers.py", "from store.toggles import LEDGER_RECONCILE_V2\n\n\nclass Ledgers:\n"
                                  "    @classmethod\n    def reconcile(cls, payouts):\n"
                                  "        if LEDGER_RECONCILE_V2.is_enabled():\n            return payouts\n"
                                  "        return []\n"),
        write("store/client.py", "from store.ledgers import Ledgers\n\n\nclass Client(Ledgers):\n"
                                 "    timeout = 5\n"),
        replace("store/cli.py", "import ldclient\n", "import ldclient\n\nfrom store.client import Client\n"),
        replace("store/cli.py", REINDEX, REINDEX + "    Client.reconcile(None)\n"))),
    ("the base renames it",  # one file changed: the graph is built upon
     replace("store/ledgers.py", "def reconcile(", "def settle(")),
    ("and back again", replace("store/ledgers.py", "def settle(", "def reconcile(")),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "graph")
    return tmp_path / "graph"


def _json(project: Path, use_cache: bool) -> str:
    return RENDERERS["json"](scan((str(project),), ScanOptions(use_cache=use_cache, workers=1)), 0)


def test_each_edit_gives_with_the_last_graph_what_a_fresh_scan_gives(project: Path) -> None:
    _json(project, use_cache=True)
    seen = [_json(project, use_cache=False)]
    for what, edit in EDITS:
        edit(project)
        fresh = _json(project, use_cache=False)
        assert _json(project, use_cache=True) == fresh, what
        seen.append(fresh)
    # the edits changed the findings, so the comparisons mean something
    changed = [what for (what, _), before, after in zip(EDITS, seen, seen[1:], strict=False) if before != after]
    assert "the re-export in the middle now names an unreachable check's function" in changed
    assert "an unchanged class rebased through an alias module: its override is now reached" in changed
    assert {"a settings string names a hook by the ending of its module's name", "the hook no longer reconciles",
            "a second module of that ending: the string names both", "the second module deleted",
            "a function called through a package that star-imports its module",
            "the star-imported module renames the function", "and back",
            "a classmethod called through a class that inherits it", "the base renames it",
            "and back again"} <= set(changed)


def test_a_damaged_kept_graph_is_ignored(project: Path) -> None:
    fresh = _json(project, use_cache=False)
    _json(project, use_cache=True)
    for kept in (project / ".flagaudit_cache").glob("*.json"):
        if kept.name.startswith(("graph-", "inventory-")):
            kept.write_bytes(b"not plain data")
    assert _json(project, use_cache=True) == fresh


def test_a_classmethod_is_reached_through_the_class_that_inherits_it(project: Path) -> None:
    """``Client.reconcile(...)``, ``reconcile`` a classmethod of ``Client``'s base in another module: its check is
    reached, until the base renames it."""
    def unreachable() -> list[str]:
        found = scan((str(project),), ScanOptions(use_cache=True, workers=1)).findings
        return [f.path for f in found if f.code == "FA301" and f.path == "store/ledgers.py"]

    edits = dict(EDITS)
    edits["a classmethod called through a class that inherits it"](project)
    assert unreachable() == []
    edits["the base renames it"](project)
    assert unreachable() == ["store/ledgers.py"]
