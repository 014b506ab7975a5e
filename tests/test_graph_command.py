"""``flagaudit graph`` and the graph algorithms on networkx: dominators, export, why-reachable paths.

Run on a copy of ``fixtures/graph`` (the Power Peg switch whose row a migration deleted) and on small
projects of their own; networkx must stay out of ``scan`` and ``check``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from flagaudit.config import load_config
from flagaudit.model.graph_analysis import only_through
from flagaudit.scan.project import ScanOptions, scan_graphed
from flagaudit.sdk_rules import load_rules
from tests.repos import write_files
from tests.run import ROOT, run_cli


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("graph") / "store"
    shutil.copytree(ROOT / "fixtures" / "graph", copy, ignore=shutil.ignore_patterns(".flagaudit_cache"))
    return copy


def _graph(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("graph", "-C", str(store), *args)


def test_key_subgraph_holds_the_path_the_branch_and_what_only_it_reaches(store: Path) -> None:
    result = _graph(store, "power_peg", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    nodes = {n["id"]: n for n in document["nodes"]}
    assert {"store.router.route_order", "store.router.send_child_orders", "store.router.build_child_orders",
            "store.router._child_order_size", "store.models.Order.submit"} <= nodes.keys()
    assert nodes["store.router.send_child_orders"]["path"] == "store/router.py"
    assert ["store.router.route_order", "store.router.send_child_orders"] in document["edges"]
    assert not any(n.startswith("store.views") for n in nodes)  # unrelated code stays out


def test_formats_for_graphviz_gephi_and_scripts(store: Path, tmp_path: Path) -> None:
    dot = _graph(store, "--format", "dot")
    assert dot.returncode == 0 and dot.stdout.startswith("digraph flagaudit {")
    assert '"store.router.route_order" -> "store.router.send_child_orders";' in dot.stdout
    target = tmp_path / "graph.graphml"
    assert _graph(store, "--format", "graphml", "-o", str(target)).returncode == 0
    loaded = nx.read_graphml(target)
    assert loaded.has_edge("store.router.route_order", "store.router.send_child_orders")
    assert _graph(store, "--format", "dot").stdout == dot.stdout  # same graph, same bytes


def test_why_reachable(store: Path) -> None:
    path = _graph(store, "--why", "store.router.send_child_orders")
    assert path.returncode == 0
    assert path.stdout.split(" → ")[-2:] == ["store.router.route_order", "store.router.send_child_orders\n"]
    unknown = _graph(store, "--why", "store.nothing_here")
    assert unknown.returncode == 2 and "not a function" in unknown.stderr
    assert _graph(store, "no-such-key").returncode == 2


def test_fa302_is_what_the_dead_branch_dominates(store: Path) -> None:
    """FA302 removes the dead branch's edges and asks what the entry points no longer reach (linear, no
    networkx in the scan); that is exactly the set the branch dominates in the dominator tree."""
    config = load_config((), None, store)
    scanned = scan_graphed(config, load_rules(config.rules, config.settings_dicts), ScanOptions(use_cache=False),
                           whole_graph=True)
    graph, flags = scanned.graph, scanned.inventory.flags
    assert graph is not None
    fa302 = {f.flag: f for f in scanned.inventory.findings if f.code == "FA302"}
    assert fa302, "the fixture has flag-only code"
    for flag in flags:
        if flag.key not in fa302:
            continue
        dead = [(s.function, s.only_on) for s in flag.sites if s.only_on] or \
               [(s.function, s.only_off) for s in flag.sites if s.only_off]
        dominated = only_through(graph, dead)
        listed = {e.value for e in fa302[flag.key].evidence if e.kind == "call-path"}
        assert dominated == listed, flag.key


def test_a_helper_also_called_elsewhere_is_not_flag_only(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "app/__init__.py": "",
        "app/jobs.py": (
            "import waffle\n\n\ndef run(request):\n    if waffle.switch_is_active('old_export'):\n"
            "        export_csv()\n        audit()\n\n\ndef export_csv():\n    pass\n\n\ndef audit():\n    pass\n\n\n"
            "def nightly():\n    audit()\n\n\n__all__ = ['run', 'nightly']\n"),
    })
    config = load_config((), None, tmp_path)
    scanned = scan_graphed(config, load_rules(config.rules, config.settings_dicts), ScanOptions(use_cache=False),
                           whole_graph=True)
    assert scanned.graph is not None
    site = next(s for f in scanned.inventory.flags for s in f.sites if f.key == "old_export")
    assert only_through(scanned.graph, [(site.function, site.only_on)]) == {"app.jobs.export_csv"}


def test_scan_and_check_never_import_networkx() -> None:
    code = ("import sys; from flagaudit.cli import main; sys.argv = ['flagaudit', 'check', 'fixtures/graph', "
            "'--no-cache', '-q']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('networkx' in sys.modules, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.stderr.strip().splitlines()[-1] == "False"

