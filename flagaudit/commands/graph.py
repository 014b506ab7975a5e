"""``flagaudit graph``: the call graph, or the part one key touches, for Graphviz, Gephi or a script.

Also answers "why is this reachable?" with one shortest path from an entry point. Nothing here prints.
"""

from __future__ import annotations

from flagaudit.config import Config
from flagaudit.errors import FlagauditError
from flagaudit.model.callgraph import CallGraph
from flagaudit.scan.project import ScanOptions, scan_graphed
from flagaudit.sdk_rules import RuleSet


def _graph(config: Config, rules: RuleSet, options: ScanOptions) -> CallGraph:
    """The project's call graph from a scan, cached like any scan."""
    graph = scan_graphed(config, rules, options, whole_graph=True).graph
    assert graph is not None  # asked for: always built
    return graph


def graph_document(config: Config, rules: RuleSet, options: ScanOptions, output_format: str,
                   key: str | None = None) -> str:
    """The whole graph, or the nodes ``key`` touches, as DOT, GraphML or JSON."""
    from flagaudit.model.graph_analysis import export, key_subgraph

    scanned = scan_graphed(config, rules, options, whole_graph=True)
    assert scanned.graph is not None
    keep = None
    if key is not None:
        flags = [f for f in scanned.inventory.flags if f.key == key]
        if not flags:
            raise FlagauditError(f"no flag with key {key!r} in the code (`flagaudit scan` lists them)")
        keep = set().union(*(key_subgraph(scanned.graph, flag) for flag in flags))
    return export(scanned.graph, output_format, keep)


def why_reachable(config: Config, rules: RuleSet, options: ScanOptions, node: str) -> list[str] | None:
    """One shortest path from an entry point to ``node`` (a qualified function name), or ``None``."""
    graph = _graph(config, rules, options)
    if node not in graph.successors and node not in graph.nodes:
        raise FlagauditError(f"{node!r} is not a function, method, class or module of the project's call graph")
    return graph.path_to(node)
