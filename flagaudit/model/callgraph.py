"""The project's call graph and what its entry points reach.

Nodes are modules, classes, functions and methods by qualified name. An
attribute call on an unknown object (``obj.send()``) goes through a name node
``.send`` to every project function of that name: conservative, so
"unreachable" is rarely wrong. A class whose base is not a project class (a
framework's ``View``, ``BaseCommand``, ``Model``) reaches all its methods,
since the framework calls them.

The graph is plain successor sets: it needs successors, reachability from a
root (with some edges removed, for FA302) and the callers of a few nodes, and
networkx's import alone cost a quarter of a warm scan. Each run builds upon
the last run's graph (see :func:`build_graph`), so an edit costs what it can
change, not the whole project.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, ItemsView, Iterable, Iterator, KeysView, ValuesView
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import chain
from typing import Any

from flagaudit.extract.calls import COMMAND, NAMED_BY_PREFIX
from flagaudit.extract.symbols import is_settings_module
from flagaudit.facts import EXTENDS, FileFacts, Function
from flagaudit.model.entrypoints import MIDDLEWARE_METHODS, entry_points, local_entries
from flagaudit.model.resolve import Resolver

ROOT = "<entry points>"

Shape = tuple[str, str, tuple[str, ...]]
"""A file as the graph sees it besides call targets: (module, shape digest, names it defines)."""



@dataclass
class CallGraph:
    """The graph as successor sets, why each entry point is one, and where every node is defined."""

    successors: dict[str, set[str]]
    entries: dict[str, str]
    nodes: dict[str, tuple[str, Function]] = field(default_factory=dict)
    reachable: set[str] = field(default_factory=set)
    expansion: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Target -> the nodes a use of it reaches: the node it resolves to first, then overrides of a method."""
    sources: dict[str, str] = field(default_factory=dict)
    """Path -> content key of each file when the graph was built: a later run links again only the nodes
    of files whose content changed."""
    shapes: dict[str, Shape] = field(default_factory=dict)
    """Path -> (module, shape, names it defines) when the graph was built: what a definition change touches."""
    settings: str = ""
    """The settings that decide entry points and test code; another value means a build from scratch."""
    hops: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Target -> the names its resolution went through (imports, ``X = Y``), where there were any."""
    parents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Class -> its project base classes."""
    local_entries: dict[str, dict[str, str]] = field(default_factory=dict)
    """Path -> the entry points its own definitions make (not its exports)."""
    unread: dict[str, str] = field(default_factory=dict)
    """The entry points only because a file that could not be parsed names them -> that file: its calls are
    unknown. Found again on every build, since they depend on no file the graph was built from."""

    def callers(self, names: Iterable[str]) -> dict[str, list[str]]:
        """Each name's direct callers and referrers, with name nodes (``.send``) looked through.

        Asked for many names at once: one pass of set intersections over the graph, not an index of
        every edge's reverse, which would cost more than the rest of the graph."""
        wanted = set(names)
        found: dict[str, set[str]] = {name: set() for name in wanted}
        via_names: dict[str, set[str]] = defaultdict(set)
        for caller, callees in self.successors.items():
            if caller == ROOT or callees.isdisjoint(wanted):
                continue
            for callee in callees & wanted:
                if caller.startswith("."):
                    via_names[caller].add(callee)
                else:
                    found[callee].add(caller)
        if via_names:
            for caller, callees in self.successors.items():
                for name_node in callees & via_names.keys():
                    if caller != ROOT and not caller.startswith("."):
                        for callee in via_names[name_node]:
                            found[callee].add(caller)
        return {name: sorted(callers) for name, callers in found.items()}

    def reach(self, removed: Iterable[tuple[str, str]] = ()) -> set[str]:
        """Nodes reachable from the entry points, optionally without some edges."""
        return self.descendants((ROOT,), removed)

    def descendants(self, starts: Iterable[str], removed: Iterable[tuple[str, str]] = ()) -> set[str]:
        """Nodes reachable from ``starts`` through at least one edge, optionally without some edges."""
        cut: dict[str, set[str]] = defaultdict(set)
        for caller, callee in removed:
            cut[caller].add(callee)
        seen: set[str] = set()
        stack = list(starts)
        while stack:
            node = stack.pop()
            callees = self.successors.get(node)
            if not callees:
                continue
            for callee in (callees - cut[node]) if node in cut else callees:
                if callee not in seen:
                    seen.add(callee)
                    stack.append(callee)
        return seen

    def path_to(self, node: str) -> list[str] | None:
        """One shortest path from an entry point to ``node`` (entry point first), or ``None`` if none exists:
        the evidence of why something is reachable. Breadth-first over successor sets, so the scan pays no
        graph library for it."""
        parents: dict[str, str] = {ROOT: ROOT}
        frontier = [ROOT]
        while frontier and node not in parents:
            following = []
            for current in frontier:
                for callee in sorted(self.successors.get(current, ())):
                    if callee not in parents:
                        parents[callee] = current
                        following.append(callee)
            frontier = following
        if node not in parents or node == ROOT:
            return None
        path = [node]
        while parents[path[-1]] != ROOT:
            path.append(parents[path[-1]])
        return path[::-1]

    def edges_for(self, caller: str, target: str) -> list[tuple[str, str]]:
        """The graph edges a use of ``target`` inside ``caller`` became."""
        node = (self.expansion.get(target) or (None,))[0]
        return [(caller, node)] if node and node in self.successors.get(caller, ()) else []


_MOST_CHANGED = 0.05
"""Beyond this share of files with changed definitions, building afresh is cheaper than working out what changed."""


def build_graph(facts: Iterable[FileFacts], is_test: Callable[[str], bool], entry_patterns: tuple[str, ...] = (),
                scripts: tuple[str, ...] = (), settings: str = "", sources: dict[str, str] | None = None,
                previous: CallGraph | None = None, published: tuple[str, ...] = ()) -> CallGraph:
    """Build the graph from per-file facts (no parsing here) and mark the entry points (``published``: the folders
    of packages the project publishes, whose public names are ones; ``settings`` must name them).

    With the ``previous`` run's graph under the same ``settings``, only what changed is linked again: the
    nodes of files whose content key in ``sources`` changed, and, when definitions, bases, imports or exports
    changed (a file's *shape*), every node using a target whose resolution those changes can affect.
    """
    facts = list(facts)
    unparsed = [f for f in facts if f.unparsed_names]
    facts = [f for f in facts if f.symbols is not None]
    nodes = {function.name: (file_facts.path, function) for file_facts in facts for function in file_facts.functions}
    sources = sources or {}
    shapes = {f.path: _shape(f, previous.shapes.get(f.path) if previous else None) for f in facts}
    linker = _Linker(facts, nodes)
    changed = _changed_shapes(previous, shapes, settings)
    if previous is None or changed is None:
        successors = {name: linker.link(name, function) for name, (_, function) in nodes.items()}
        local = {f.path: local_entries(f, entry_patterns, published) for f in facts}
        entries = entry_points(facts, local, is_test, scripts, linker.project_node)
        parents = linker.parents
    else:
        stale, reclassed = _affected(previous, changed, shapes, linker) if changed else (set(), set())
        linker.expansion.update((t, e) for t, e in previous.expansion.items() if t not in stale)
        linker.hops.update((t, h) for t, h in previous.hops.items() if t not in stale)
        successors = {n: s for n, s in previous.successors.items()
                      if n in nodes or (n.startswith(".") and n not in stale)} if changed else dict(previous.successors)
        edited = {p for p in shapes if not sources.get(p) or previous.sources.get(p) != sources[p]} | set(changed)
        for name, (path, function) in nodes.items():
            if path in edited or name in reclassed or (stale and not stale.isdisjoint(function.targets)):
                successors[name] = linker.link(name, function)
        if changed:
            local = {f.path: local_entries(f, entry_patterns, published) if f.path in changed
                     else previous.local_entries[f.path] for f in facts}
            entries = entry_points(facts, local, is_test, scripts, linker.project_node)
            parents = linker.parents
        else:
            entries = {name: why for name, why in previous.entries.items() if name not in previous.unread}
            parents, local = previous.parents, previous.local_entries
    unread = _named_by_unparsed(unparsed, nodes, entries)
    entries = {**entries, **{name: f"named in {path}, which could not be parsed" for name, path in unread.items()}}
    successors.update(linker.name_nodes)
    successors[ROOT] = set(entries)
    call_graph = CallGraph(successors, entries, nodes, expansion=linker.expansion, sources=sources, shapes=shapes,
                           settings=settings, hops=linker.hops, parents=parents, local_entries=local, unread=unread)
    call_graph.reachable = call_graph.reach()
    return call_graph


def relinked(previous: CallGraph, functions: Iterable[Function], nodes: DefinedNodes,
             sources: dict[str, str]) -> CallGraph | None:
    """:func:`build_graph`'s graph where the files changed since ``previous`` (built under the same settings, from
    contents with the same shapes and unparsed names) changed only what ``functions`` call: those linked again
    without the other files' facts (``nodes``: the graph's nodes, read as asked for; ``sources``: the files' content
    keys now), through the targets ``previous`` resolved and new ones whose resolution is plain (:class:`_Direct`).
    ``None`` where that is not enough (another new target, or the calls of a module or class: a framework class
    reaches its members, a settings module its middleware's hooks); :class:`Unread` where a file's facts it needs
    were not kept."""
    expansion = dict(previous.expansion)
    direct = _Direct(previous, nodes)
    successors = dict(previous.successors)
    for function in functions:
        if function.kind not in ("function", "method"):
            return None
        for target in function.targets:
            if target not in expansion:
                found = direct.expand(target)
                if found is None:
                    return None
                expansion[target] = found
        callees = set(chain.from_iterable(map(expansion.__getitem__, function.targets)))
        callees.discard(function.name)
        successors[function.name] = callees
    successors.update(direct.name_nodes)
    graph = replace(previous, successors=successors, nodes=nodes, expansion=expansion, sources=sources)
    graph.reachable = graph.reach()
    return graph


class _Direct:
    """What :meth:`_Linker._expand` makes of a new target, without every file's facts, where that is plain: a project
    function, class or method named as it stands (no import or assignment makes it stand for another name, and no
    project class derives from its owner) is itself; a method of any object (``.name``) is the name node of the
    project's functions of that name, if there are any; a name nothing of the project's starts (a library's
    ``requests.get``) is nothing. What stands for a name is read from the files of the modules that name starts
    with (every name a module binds starts with its own), not from every file's. ``None`` for any other target."""

    def __init__(self, previous: CallGraph, nodes: DefinedNodes) -> None:
        self.nodes = nodes
        self.shapes = previous.shapes
        self.modules: dict[str, list[str]] = defaultdict(list)
        for path, (module, _, _) in previous.shapes.items():
            self.modules[module].append(path)
        self.derived = {parent for parents in previous.parents.values() for parent in parents}
        self.name_nodes: dict[str, set[str]] = {}
        """The name nodes the new ``.name`` targets made, with their successors."""

    def expand(self, target: str) -> tuple[str, ...] | None:
        if "" in self.modules or target.startswith(COMMAND) or target.endswith(NAMED_BY_PREFIX):
            return None
        if target.startswith("."):
            named = self.by_name.get(target[1:])
            if named:
                self.name_nodes[target] = set(named)
            return (target,) if named else ()
        if target not in self.nodes:
            return () if self._outside(target) else None
        if target.rpartition(".")[0] in self.derived:
            return None
        kind = self.nodes[target][1].kind
        resolver = self._resolver(target)
        if kind == "module" or resolver is None or resolver.aliases(target) != [target]:
            return None
        return (target,)

    @cached_property
    def by_name(self) -> dict[str, list[str]]:
        """The project's functions, classes and methods by their last name (:attr:`_Linker.by_name`): every node but
        the modules', which are named as their file's module."""
        found: dict[str, list[str]] = defaultdict(list)
        for name, path in self.nodes.paths.items():
            if name != self.shapes[path][0]:
                found[name.rpartition(".")[2]].append(name)
        return found

    def _outside(self, target: str) -> bool:
        """Whether ``target`` names nothing of the project's: none of its prefixes is a project module or node, and
        its leading names end no project module's name (:meth:`_Linker._rooted`)."""
        parts = target.split(".")
        prefixes = [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
        if any(prefix in self.nodes or prefix in self.modules for prefix in prefixes):
            return False
        return not any(".".join(parts[:cut]) in self.tails for cut in range(len(parts) - 1, 1, -1))

    @cached_property
    def tails(self) -> frozenset[str]:
        """The endings of the project's modules' names (:attr:`_Linker.module_tails`)."""
        return frozenset(tail for module in self.modules if module in self.nodes for tail in _tails(module))

    def _resolver(self, target: str) -> Resolver | None:
        """A resolver of the names ``target`` and its prefixes, or ``None`` if a file binds a name outside its
        module (then any file may bind these)."""
        parts = target.split(".")
        prefixes = {".".join(parts[:n]) for n in range(1, len(parts) + 1)}
        paths = sorted((self.nodes.order[path], path) for module in prefixes for path in self.modules.get(module, ()))
        resolver = Resolver()
        for _, path in paths:
            symbols = self.nodes.facts(path).symbols
            if symbols is None:
                continue
            if not all(name.startswith(symbols.module + ".") for name, _ in symbols.constants):
                return None
            resolver.values.update(symbols.constants)
        return resolver


class Unread(Exception):
    """The facts of a file whose function :class:`DefinedNodes` was asked for were not kept."""


class DefinedNodes(dict[str, tuple[str, Function]]):
    """A graph's nodes read from their files' facts as they are asked for: where a run links again only the calls an
    edit changed (:func:`relinked`), the findings read a few nodes (FA302 counts the lines of the functions a flag's
    dead branch alone reaches), and decoding every file's facts for all of them took a quarter of the run on a
    flag-dense tree. ``shapes``: each file's definitions, by path (a name defined in two files is the later one's,
    as :func:`build_graph` makes it); ``facts_of``: a file's facts, or ``None`` if they were not kept
    (:class:`Unread` is raised)."""

    def __init__(self, shapes: dict[str, Shape], facts_of: Callable[[str], FileFacts | None]) -> None:
        super().__init__()
        self.paths = {name: path for path, (_, _, names) in shapes.items() for name in names}
        self.order = {path: index for index, path in enumerate(shapes)}
        """Each file's place among the files: where two bind one name, the later one's binding stands."""
        self._facts_of = facts_of

    def facts(self, path: str) -> FileFacts:
        """The facts of the file at ``path``; :class:`Unread` if they were not kept."""
        facts = self._facts_of(path)
        if facts is None:
            raise Unread(path)
        return facts

    def __missing__(self, name: str) -> tuple[str, Function]:
        path = self.paths[name]
        facts = self.facts(path)
        for function in facts.functions:
            if self.paths.get(function.name) == path:
                self[function.name] = (path, function)
        if not dict.__contains__(self, name):
            raise Unread(path)
        return dict.__getitem__(self, name)

    def __contains__(self, name: object) -> bool:
        return name in self.paths

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self.paths else default

    def keys(self) -> KeysView[str]:  # type: ignore[override]  # as a dict's
        return self.paths.keys()

    def items(self) -> ItemsView[str, tuple[str, Function]]:  # type: ignore[override]  # as a dict's
        return {name: self[name] for name in self.paths}.items()

    def values(self) -> ValuesView[tuple[str, Function]]:  # type: ignore[override]  # as a dict's
        return {name: self[name] for name in self.paths}.values()


def _named_by_unparsed(unparsed: list[FileFacts], nodes: dict[str, tuple[str, Function]],
                       entries: dict[str, str]) -> dict[str, str]:
    """Functions and methods a file that could not be parsed names (``system.push_translations()`` in a Python 2
    command) -> the first such file: it may call them, so they are not reported unreachable."""
    if not unparsed:
        return {}
    named: dict[str, str] = {}
    for file_facts in sorted(unparsed, key=lambda f: f.path):
        for name in file_facts.unparsed_names:
            named.setdefault(name, file_facts.path)
    return {node: named[short] for node, (_, function) in nodes.items()
            if function.kind in ("function", "method") and node not in entries
            and (short := node.rpartition(".")[2]) in named}


def _shape(facts: FileFacts, before: Shape | None) -> Shape:
    """(module, shape, names defined): the previous run's tuple while the shape is the same."""
    module = facts.symbols.module if facts.symbols else ""
    if before is not None and before[0] == module and before[1] == facts.shape:
        return before
    return module, facts.shape, tuple(function.name for function in facts.functions)


def _changed_shapes(previous: CallGraph | None, shapes: dict[str, Shape],
                    settings: str) -> list[str] | None:
    """Paths whose shape differs from the previous graph's; ``None`` when that graph cannot be built upon."""
    if previous is None or not settings or previous.settings != settings:
        return None
    changed = sorted(p for p in shapes.keys() | previous.shapes.keys() if shapes.get(p) != previous.shapes.get(p))
    modules = [entry[0] for entry in (*map(shapes.get, changed), *map(previous.shapes.get, changed)) if entry]
    if len(changed) > _MOST_CHANGED * max(len(shapes), 20) or not all(modules):
        return None  # too much to follow, or a script outside any package (its names have no module prefix)
    return changed


def _affected(previous: CallGraph, changed: list[str], shapes: dict[str, Shape],
              linker: _Linker) -> tuple[set[str], set[str]]:
    """Targets of the previous graph whose resolution the changed files can affect, and the classes whose
    framework status can (those defined or rebased there, and the classes below them).

    A target resolves through names (itself, then what imports and assignments make it stand for), each
    looked up among the values and definitions of the module it starts with or a module above: so one
    passing through a changed module may resolve differently now. ``.name`` targets change with the
    functions of that name, and a method's overrides with the classes below its class.
    """
    before = [previous.shapes[p] for p in changed if p in previous.shapes]
    after = [shapes[p] for p in changed if p in shapes]
    modules = sorted({module for module, _, _ in (*before, *after)})
    # a name of a module that star-imports a changed one may stand for what that one defines now
    starring = {m for m, stars in linker.star_imports.items() if not set(stars).isdisjoint(modules)}
    touches = re.compile("|".join(f"(?:{re.escape(m)}(?:\\.|$))" for m in sorted({*modules, *starring}))).match
    tails = sorted({tail for m in modules for tail in _tails(m)})  # what a name rooted on sys.path may end in
    rooted = re.compile("|".join(f"(?:{re.escape(t)}\\.)" for t in tails) or "(?!)").match
    old_names = {name for _, _, names in before for name in names}
    new_names = {name for _, _, names in after for name in names}
    short = {name.rsplit(".", 1)[-1] for name in old_names ^ new_names}
    new_parents = linker.parents
    rebased = {c for c in previous.parents.keys() | new_parents.keys() if previous.parents.get(c) != new_parents.get(c)}
    reclassed = _closure({*new_names, *rebased}, lambda c: linker.subclasses.get(c, ()))
    def parents_of(name: str) -> tuple[str, ...]:
        return (*previous.parents.get(name, ()), *new_parents.get(name, ()))

    ancestors = _closure({p for c in (*old_names, *new_names, *rebased) for p in parents_of(c)}, parents_of)
    stale = set()
    for target, reached in previous.expansion.items():
        if target.startswith("."):
            if _names_any(target, short):
                stale.add(target)
        elif touches(target) or target.rpartition(".")[2] in short or any(
                touches(hop) or rooted(hop) for hop in previous.hops.get(target, ())) or (
                reached and (touches(reached[0]) or reached[0].rpartition(".")[0] in ancestors)) or any(
                r.startswith(".") and _names_any(r, short) for r in reached) or rooted(target):
            stale.add(target)
    return stale, reclassed


def _names_any(target: str, short: set[str]) -> bool:
    """Whether a name node (``.send``, or ``._check_*`` for every name with that prefix) stands for one of the
    ``short`` names."""
    if target.endswith(NAMED_BY_PREFIX):
        prefix = target[1:-len(NAMED_BY_PREFIX)]
        return any(name.startswith(prefix) for name in short)
    return target[1:] in short


_MOST_ROOTED = 8
"""Modules a name rooted on ``sys.path`` may stand for (see :meth:`_Linker._rooted`)."""


def _tails(module: str) -> list[str]:
    """The endings of two or more names of a module's name, without the whole name (which resolves as it is)."""
    parts = module.split(".")
    return [".".join(parts[i:]) for i in range(1, len(parts) - 1)]


def _closure(starts: set[str], neighbours: Callable[[str], Iterable[str]]) -> set[str]:
    """``starts`` and everything reachable from them by ``neighbours``."""
    found, stack = set(starts), list(starts)
    while stack:
        for neighbour in neighbours(stack.pop()):
            if neighbour not in found:
                found.add(neighbour)
                stack.append(neighbour)
    return found


class _Linker:
    """Resolves call targets to nodes; the name and class tables are built only when first needed."""

    def __init__(self, facts: list[FileFacts], nodes: dict[str, tuple[str, Function]]) -> None:
        self.facts = facts
        self.nodes = nodes
        self.expansion: dict[str, tuple[str, ...]] = {}
        self.name_nodes: dict[str, set[str]] = {}
        self.framework: dict[str, bool] = {}
        self.hops: dict[str, tuple[str, ...]] = {}

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver.from_facts(self.facts)

    @cached_property
    def by_name(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for name, (_, function) in self.nodes.items():
            if function.kind != "module":
                found[name.rsplit(".", 1)[-1]].append(name)
        return found

    @cached_property
    def members(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for name in self.nodes:
            found[name.rpartition(".")[0]].append(name)
        return found

    @cached_property
    def subclasses(self) -> dict[str, set[str]]:
        return _subclasses(self.nodes, self.resolver)

    @cached_property
    def parents(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = defaultdict(list)
        for parent, children in self.subclasses.items():
            for child in children:
                found[child].append(parent)
        return {child: tuple(sorted(parents)) for child, parents in found.items()}

    @cached_property
    def star_imports(self) -> dict[str, tuple[str, ...]]:
        """Module -> the modules it star-imports (``from .maintenance import *`` in a package's ``__init__``)."""
        return {f.symbols.module: stars for f in self.facts if f.symbols
                and (stars := tuple(module for name, module, _ in f.settings if name == EXTENDS))}

    def _starred(self, name: str) -> str | None:
        """The function or class ``name`` (``meshweb.views.maintenance``) stands for through a star import of the
        module it is named in, whose later star imports bind over the earlier ones and over its submodules: the
        package ``meshweb.views`` star-imports its submodule ``maintenance``, which defines the view
        ``maintenance``, so the package's attribute is the view."""
        module, _, short = name.rpartition(".")
        for star in reversed(self.star_imports.get(module, ())):
            found = f"{star}.{short}"
            if found in self.nodes and self.nodes[found][1].kind != "module":
                return found
        return None

    def project_node(self, target: str) -> str | None:
        return _project_node(target, self.nodes, self.resolver)

    def link(self, name: str, function: Function) -> set[str]:
        """The nodes ``function`` calls or references."""
        expansion = self.expansion
        for target in function.targets:
            if target not in expansion:
                expansion[target] = self._expand(target)
        callees = set(chain.from_iterable(map(expansion.__getitem__, function.targets)))
        if function.kind == "class" and _framework_class(name, self.nodes, self.resolver, self.framework):
            for owner in self._with_project_bases(name):  # a mixin's methods are the framework class's too
                callees.update(self.members.get(owner, ()))
        elif function.kind == "module" and is_settings_module("", name):  # a middleware its dotted strings name
            callees.update(m for c in list(callees) if c in self.nodes and self.nodes[c][1].kind == "class"
                           for m in self.members.get(c, ()) if m.rpartition(".")[2] in MIDDLEWARE_METHODS)
        callees.discard(name)
        return callees

    def _inherited(self, owner: str, member: str) -> str | None:
        """The method ``owner.member`` names where the class ``owner`` inherits it from a project class (the
        nearest base first): tilavarauspalvelu-core's ``PindoraClient.get_reservation_unit()``, a classmethod of
        one of the four clients ``PindoraClient`` joins."""
        return next((f"{base}.{member}" for base in self._with_project_bases(owner)[1:]
                     if f"{base}.{member}" in self.nodes), None)

    def _with_project_bases(self, name: str) -> list[str]:
        """The class ``name`` and the project classes it derives from, nearest first."""
        found = [name]
        for current in found:
            for base in self.nodes[current][1].bases:
                parent = _project_node(base, self.nodes, self.resolver) if base not in ("object", "") else None
                if parent is not None and parent not in found and self.nodes[parent][1].kind == "class":
                    found.append(parent)
        return found

    @cached_property
    def commands(self) -> dict[str, list[str]]:
        """Management command name -> its module node(s) (``shop.management.commands.update_stats``)."""
        found: dict[str, list[str]] = defaultdict(list)
        for name, (_, function) in self.nodes.items():
            if function.kind == "module" and ".management.commands." in f".{name}":
                found[name.rsplit(".", 1)[-1]].append(name)
        return found

    @cached_property
    def module_tails(self) -> dict[str, list[str]]:
        """The project's modules by each ending of two or more of their names (``hustings.context_processors``
        for ``wcivf.apps.hustings.context_processors``)."""
        found: dict[str, list[str]] = defaultdict(list)
        for file_facts in self.facts:  # a module's node is named as the module (a script's, ``<module>``, has no tail)
            module = file_facts.symbols.module if file_facts.symbols else ""
            for tail in _tails(module) if module in self.nodes else ():
                found[tail].append(module)
        return found

    def _rooted(self, target: str) -> tuple[str, ...]:
        """``target`` as the names of project modules' members, when it names none as it stands but its leading
        names are the ending of project modules' names (the longest such ending): a module imported, or named in
        a settings string, from a folder the project puts on ``sys.path`` (``sys.path.insert(0, root("apps"))``
        makes ``hustings.context_processors.show_cta`` a function of ``wcivf/apps/hustings/context_processors.py``).
        Where several modules end so, each is linked: like a name node, this errs toward reaching code; past
        ``_MOST_ROOTED`` of them the name says too little (and a checkout could make every such name cost as much
        as its thousands of modules), and it stays unresolved."""
        parts = target.split(".")
        for cut in range(len(parts) - 1, 1, -1):
            modules = self.module_tails.get(".".join(parts[:cut]))
            if modules:
                return tuple(".".join((module, *parts[cut:])) for module in sorted(modules)) \
                    if len(modules) <= _MOST_ROOTED else ()
        return ()

    def _expand(self, target: str) -> tuple[str, ...]:
        if target.startswith(COMMAND):
            modules = self.commands.get(target[len(COMMAND):], ())
            return tuple(n for m in sorted(modules) for n in (m, f"{m}.Command", f"{m}.Command.handle")
                         if n in self.nodes)
        if target.endswith(NAMED_BY_PREFIX) and target.startswith("."):
            prefix = target[1:-len(NAMED_BY_PREFIX)]
            named = {node for name, nodes in self.by_name.items() if name.startswith(prefix) for node in nodes}
            if not named:
                return ()
            self.name_nodes[target] = named
            return (target,)
        if target.startswith("."):
            if target[1:] not in self.by_name:
                return ()
            self.name_nodes[target] = set(self.by_name[target[1:]])
            return (target,)
        names = self.resolver.aliases(target)
        node = _first_node(names, self.nodes)
        if (node is None or self.nodes[node][1].kind == "module") and (starred := self._starred(names[-1])):
            node, names = starred, [*names, starred]
        rooted = self._rooted(names[-1]) if node is None else ()
        if rooted:  # each is a name of a project module's member: it resolves as any such name does
            self.hops[target] = (*names[1:], *rooted)
            return tuple(dict.fromkeys(chain.from_iterable(map(self._expand, rooted))))
        if len(names) > 1:
            self.hops[target] = tuple(names[1:])
        rest = names[-1][len(node) + 1:].split(".") if node and names[-1].startswith(node + ".") else []
        if node and len(rest) == 1 and self.nodes[node][1].kind == "class":
            node = self._inherited(node, rest[0]) or node
        found = (node, *_overrides(node, self.nodes, self.subclasses)) if node else ()
        if len(rest) > 1 and rest[-1] in self.by_name:
            # a method of an object a module holds (``views = Views(); views.page()``): whatever its class, a
            # method of that name, as for any attribute of an unknown object
            found = (*found, *self._expand(f".{rest[-1]}"))
        return found


def _project_node(target: str, nodes: dict[str, tuple[str, Function]], resolver: Resolver) -> str | None:
    """The project node a qualified name stands for: itself, through re-exports, or its nearest defined prefix."""
    return _first_node(resolver.aliases(target), nodes)


def _first_node(names: list[str], nodes: dict[str, tuple[str, Function]]) -> str | None:
    """The first of ``names`` (a name and what it stands for, nearest first) that is a node, else the nearest
    defined prefix of the farthest one that has one (a method of a known class, an attribute of a module).

    Exact names come first: ``app.api.compute`` re-exported from ``app.compat`` and defined in ``app.tax``
    is ``app.tax.compute``, not the module ``app.api`` that merely passes it on.
    """
    for name in names:
        if name in nodes:
            return name
    for name in reversed(names):
        probe = name.rpartition(".")[0]
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
