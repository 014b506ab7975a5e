"""What networkx earns its import for: dominators and export of the call graph.

The scan and the gate never import this module (networkx costs a quarter of a warm scan to import); the
commands that need graph algorithms do: ``flagaudit graph``, ``flagaudit remove`` and the report, which plans
removals.

- **Only through a branch**: the functions every path from an entry point to which passes through a flag
  branch are that branch's *dominated* nodes. The branch becomes a node of its own (the check's function
  reaches it, it reaches what only that branch calls), and the dominator tree from the entry points says
  which nodes hang below it. A helper called from the guarded branch and from nowhere else is flag-only;
  one also called elsewhere is not.
- **Export**: DOT for Graphviz, GraphML for Gephi, JSON (node-link) for a script; nodes and edges sorted, so
  the same graph gives the same bytes.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flagaudit.facts import Flag
from flagaudit.model.callgraph import ROOT, CallGraph

if TYPE_CHECKING:
    import networkx as nx

FORMATS = ("dot", "graphml", "json")


def as_digraph(graph: CallGraph) -> nx.DiGraph:
    """The call graph as a networkx graph, with where each node is defined and why an entry point is one."""
    import networkx as nx

    digraph = nx.DiGraph()
    for node in sorted(graph.successors.keys() | {c for cs in graph.successors.values() for c in cs}):
        digraph.add_node(node, **_attributes(graph, node))
    digraph.add_edges_from(sorted((caller, callee) for caller, callees in graph.successors.items()
                                  for callee in callees))
    return digraph


def _attributes(graph: CallGraph, node: str) -> dict[str, str | int]:
    attributes: dict[str, str | int] = {}
    if node in graph.nodes:
        path, function = graph.nodes[node]
        attributes = {"path": path, "line": function.line, "end": function.end, "kind": function.kind}
    elif node.startswith("."):
        attributes = {"kind": "name"}
    if node in graph.entries:
        attributes["entry"] = graph.entries[node]
    return attributes


def only_through(graph: CallGraph, branches: Iterable[tuple[str, Iterable[str]]],
                 digraph: nx.DiGraph | None = None) -> set[str]:
    """The functions reachable from an entry point only through ``branches``, each a site's function with the
    targets only its branch uses (``only_on`` or ``only_off``): the nodes the branches dominate together."""
    import networkx as nx

    edges = [edge for function, targets in branches if function in graph.reachable
             for target in targets for edge in graph.edges_for(function, target)]
    if not edges:
        return set()
    digraph = (as_digraph(graph) if digraph is None else digraph).copy()
    branch = "<flag branch>"
    for caller, callee in sorted(set(edges)):  # two targets (or two sites' branches) may become one edge
        digraph.remove_edge(caller, callee)
        digraph.add_edge(caller, branch)
        digraph.add_edge(branch, callee)
    dominators = nx.immediate_dominators(digraph, ROOT)
    return {n for n in dominators if n != branch and n in graph.nodes and _below(n, branch, dominators)}


def _below(node: str, ancestor: str, dominators: dict[str, str]) -> bool:
    while node != ROOT:
        node = dominators[node]
        if node == ancestor:
            return True
    return False


def key_subgraph(graph: CallGraph, flag: Flag) -> set[str]:
    """The nodes a key touches: a path from an entry point to each function checking it, what each branch
    calls, and everything reachable only through a branch."""
    digraph = as_digraph(graph)
    nodes: set[str] = set()
    for site in flag.sites:
        if site.function not in digraph:
            continue
        nodes.add(site.function)
        nodes.update(graph.path_to(site.function) or ())
        for targets in (site.only_on, site.only_off):
            nodes.update(callee for t in targets for _, callee in graph.edges_for(site.function, t))
            nodes.update(only_through(graph, [(site.function, targets)], digraph))
    return nodes


def export(graph: CallGraph, output_format: str, keep: set[str] | None = None) -> str:
    """The graph (or the nodes in ``keep`` and the edges between them) as DOT, GraphML or JSON."""
    import networkx as nx

    digraph = as_digraph(graph)
    if keep is not None:
        digraph = digraph.subgraph(sorted(keep | ({ROOT} if keep else set()))).copy()
    if output_format == "json":
        document = {
            "nodes": [{"id": n, **digraph.nodes[n]} for n in sorted(digraph.nodes)],
            "edges": [[a, b] for a, b in sorted(digraph.edges)],
        }
        return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if output_format == "graphml":
        buffer = io.BytesIO()
        nx.write_graphml(digraph, buffer, encoding="utf-8", prettyprint=True)
        return buffer.getvalue().decode("utf-8")
    return _dot(digraph)


def _dot(digraph: nx.DiGraph) -> str:
    lines = ["digraph flagaudit {", "  rankdir=LR;", '  node [shape=box, fontname="monospace"];']
    for node in sorted(digraph.nodes):
        attributes = digraph.nodes[node]
        where = f"\\n{_escape(attributes['path'])}:{attributes['line']}" if "path" in attributes else ""
        label = _escape(node) + where
        shape = ", shape=oval" if node == ROOT else ", style=dashed" if attributes.get("kind") == "name" else ""
        lines.append(f'  {_quote(node)} [label="{label}"{shape}];')
    lines.extend(f"  {_quote(a)} -> {_quote(b)};" for a, b in sorted(digraph.edges))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return f'"{_escape(text)}"'


def _escape(text: str) -> str:
    """Inside a DOT string: backslashes and quotes escaped, control characters shown, never raw."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return "".join(c if c.isprintable() else f"\\\\x{ord(c):02x}" for c in escaped)
