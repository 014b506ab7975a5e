"""The project's call graph (networkx) and what its entry points reach.

Nodes are modules, classes, functions and methods by qualified name. An
attribute call on an unknown object (``obj.send()``) goes through a name node
``.send`` to every project function of that name: conservative, so
"unreachable" is rarely wrong. A class whose base is not a project class (a
framework's ``View``, ``BaseCommand``, ``Model``) reaches all its methods,
since the framework calls them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
import fnmatch
import re
from dataclasses import dataclass, field
from functools import lru_cache

from typing import TYPE_CHECKING

from flagaudit.facts import FileFacts, Function
from flagaudit.model import Resolver

if TYPE_CHECKING:  # networkx takes 0.1 s to import; a run whose result is cached never builds a graph
    import networkx as nx

ROOT = "<entry points>"

FRAMEWORK_DECORATORS = (
    "*.route", "*.get", "*.post", "*.put", "*.patch", "*.delete", "*.head", "*.options", "*.websocket",
    "*.api_route", "*.task", "*shared_task", "*.periodic_task", "celery.*", "*.command", "*.group", "click.*",
    "typer.*", "*.receiver", "receiver", "*.register", "*.action", "*.api_view", "api_view", "*.hookimpl",
    "*.connect", "*.listens_for", "*.on_event", "*.middleware", "*.exception_handler", "*.errorhandler",
    "*.before_request", "*.after_request", "*.context_processor", "*.template_filter", "*.filter",
    "*.simple_tag", "*.inclusion_tag", "*.tag", "*.cached_property", "*.job",
)
"""Decorators by which a framework calls a function (routes, tasks, commands, signal receivers, template tags)."""


@dataclass
class CallGraph:
    """The graph, why each entry point is one, and where every node is defined."""

    graph: nx.DiGraph
    entries: dict[str, str]
    nodes: dict[str, tuple[str, Function]] = field(default_factory=dict)
    reachable: set[str] = field(default_factory=set)

    def callers(self, name: str) -> list[str]:
        """Direct callers and referrers, with name nodes (``.send``) looked through."""
        found: set[str] = set()
        if name not in self.graph:
            return []
        for predecessor in self.graph.predecessors(name):
            if predecessor.startswith("."):
                found.update(self.graph.predecessors(predecessor))
            elif predecessor != ROOT:
                found.add(predecessor)
        return sorted(found)

    def reach(self, removed: Iterable[tuple[str, str]] = ()) -> set[str]:
        """Nodes reachable from the entry points, optionally without some edges."""
        import networkx as nx

        removed = list(removed)
        if not removed:
            return set(nx.descendants(self.graph, ROOT))
        view = nx.restricted_view(self.graph, [], removed)
        return set(nx.descendants(view, ROOT))

    def edges_for(self, caller: str, target: str) -> list[tuple[str, str]]:
        """The graph edges a use of ``target`` inside ``caller`` became."""
        node = self._resolved.get(target)
        return [(caller, node)] if node and self.graph.has_edge(caller, node) else []

    _resolved: dict[str, str] = field(default_factory=dict)


def build_graph(facts: Iterable[FileFacts], is_test, entry_patterns: tuple[str, ...] = (),
                scripts: tuple[str, ...] = ()) -> CallGraph:
    """Build the graph from per-file facts (no parsing here) and mark the entry points."""
    import networkx as nx

    facts = [f for f in facts if f.symbols is not None]
    resolver = Resolver(facts)
    graph = nx.DiGraph()
    graph.add_node(ROOT)
    nodes: dict[str, tuple[str, Function]] = {}
    by_name: dict[str, list[str]] = defaultdict(list)
    for file_facts in facts:
        for function in file_facts.functions:
            nodes[function.name] = (file_facts.path, function)
            if function.kind != "module":
                by_name[function.name.rsplit(".", 1)[-1]].append(function.name)
    subclasses = _subclasses(nodes, resolver)
    edges: set[tuple[str, str]] = set()
    members: dict[str, list[str]] = defaultdict(list)
    for name in nodes:
        members[name.rpartition(".")[0]].append(name)
    resolved: dict[str, str] = {}

    def resolve(target: str) -> str | None:
        if target in resolved:
            return resolved[target]
        node = None
        if target.startswith("."):
            if target[1:] in by_name:
                node = target
                edges.update((node, callee) for callee in by_name[target[1:]])
        else:
            node = _project_node(target, nodes, resolver)
        resolved[target] = node
        return node

    framework: dict[str, bool] = {}
    for name, (path, function) in nodes.items():
        for target in function.targets:
            node = resolve(target)
            if node and node != name:
                edges.add((name, node))
                if not node.startswith("."):
                    edges.update((name, override) for override in _overrides(node, nodes, subclasses))
        if function.kind == "class" and _framework_class(name, nodes, resolver, framework):
            edges.update((name, m) for m in members.get(name, ()))
    graph.add_edges_from(edges)
    entries = _entries(facts, nodes, is_test, entry_patterns, scripts, resolver)
    graph.add_edges_from((ROOT, e) for e in entries)
    call_graph = CallGraph(graph, entries, nodes, _resolved=resolved)
    call_graph.reachable = call_graph.reach()
    return call_graph


def _project_node(target: str, nodes: dict[str, tuple[str, Function]], resolver: Resolver) -> str | None:
    """The project node a qualified name stands for: itself, through re-exports, or its nearest defined prefix."""
    for name in resolver.aliases(target):
        probe = name
        while probe:
            if probe in nodes:
                return probe
            probe = probe.rpartition(".")[0]
    return None


def _subclasses(nodes: dict[str, tuple[str, Function]], resolver: Resolver) -> dict[str, set[str]]:
    children: dict[str, set[str]] = defaultdict(set)
    for name, (_, function) in nodes.items():
        for base in function.bases:
            parent = _project_node(base, nodes, resolver)
            if parent and nodes[parent][1].kind == "class":
                children[parent].add(name)
    return children


def _overrides(node: str, nodes: dict[str, tuple[str, Function]], subclasses: dict[str, set[str]]) -> list[str]:
    """A call of ``Base.m`` may run any subclass's ``m``."""
    owner, _, method = node.rpartition(".")
    if owner not in subclasses:
        return []
    found, stack, seen = [], list(subclasses[owner]), set()
    while stack:
        child = stack.pop()
        if child in seen:
            continue
        seen.add(child)
        if f"{child}.{method}" in nodes:
            found.append(f"{child}.{method}")
        stack.extend(subclasses.get(child, ()))
    return found


def _framework_class(name: str, nodes: dict[str, tuple[str, Function]], resolver: Resolver,
                     known: dict[str, bool]) -> bool:
    """A class with a base outside the project, directly or through project bases: the framework calls
    its methods (a view deriving from the project's ``BaseView(APIView)``)."""
    if name in known:
        return known[name]
    known[name] = False  # cycles in broken code
    result = False
    for base in nodes[name][1].bases:
        if base in ("object", ""):
            continue
        parent = _project_node(base, nodes, resolver)
        if parent is None or (nodes[parent][1].kind == "class" and _framework_class(parent, nodes, resolver, known)):
            result = True
            break
    known[name] = result
    return result


def _entries(facts: list[FileFacts], nodes: dict[str, tuple[str, Function]], is_test, patterns: tuple[str, ...],
             scripts: tuple[str, ...], resolver: Resolver) -> dict[str, str]:
    """Every entry point with the reason it is one."""
    entries: dict[str, str] = {}
    for file_facts in facts:
        if is_test(file_facts.path):
            continue
        for function in file_facts.functions:
            name = function.name
            last = name.rsplit(".", 1)[-1]
            if function.kind == "module":
                entries[name] = "module top level (runs on import)"
            elif last.startswith("__") and last.endswith("__"):
                entries[name] = "dunder method (called by Python)"
            else:
                decorator = next((d for d in function.decorators if _matches(d, FRAMEWORK_DECORATORS)), None)
                if decorator:
                    entries[name] = f"decorated @{decorator} (called by the framework)"
                elif patterns and _matches(name, patterns):
                    entries[name] = "configured entry point"
        module = file_facts.symbols.module if file_facts.symbols else ""
        for export in file_facts.exports:
            node = _project_node(f"{module}.{export}", nodes, resolver)
            if node:
                entries.setdefault(node, f"exported in {module}.__all__")
    for script in scripts:
        node = _project_node(script.replace(":", "."), nodes, resolver)
        if node:
            entries.setdefault(node, f"console script {script}")
    return entries


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    return _compiled(patterns).match(name) is not None


@lru_cache(maxsize=8)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns) or "(?!)")
