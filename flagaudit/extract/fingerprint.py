"""What a guarded branch uses: a site's fingerprint, and what its enclosing function uses only in one branch.

A fingerprint is the names a site's on-branch calls and references, named as the call graph names its
targets (qualified through the file's imports, ``.attr`` for an attribute of an object nobody can trace),
parameters and locals left out: it is what the meaning gate compares across history. What the enclosing
function uses *only* inside one branch is what dies with that branch (FA302).
"""

from __future__ import annotations

import ast
import bisect
from collections import Counter
from collections.abc import Callable, Sequence

from flagaudit.extract.calls import COMMAND
from flagaudit.extract.symbols import import_bindings
from flagaudit.extract.tree import Source, arguments, children, full_name
from flagaudit.facts import Span


class BranchUses:
    """Dotted names used in subtrees of one file, counted and memoized by node: a guard's branches and its
    statement are asked for again by each check inside them. ``import_lines``: the lines of the file's import
    statements, in order (:attr:`flagaudit.extract.calls.CallFacts.import_lines`)."""

    def __init__(self, source: Source, package: str, import_lines: tuple[int, ...]) -> None:
        self.source = source
        self.package = package
        self.import_lines = import_lines
        self.collected: dict[ast.AST, Counter[str]] = {}
        self.imported: dict[ast.AST, dict[str, str]] = {}

    def imports(self, node: ast.AST) -> dict[str, str]:
        """Local name -> qualified name for the imports inside ``node``: none where it spans no import statement's
        line (a walk of every branch for them was a twentieth of a cold scan of flag-dense code, whose functions
        import nothing)."""
        found = self.imported.get(node)
        if found is None:
            found = self.imported[node] = {} if self._imports_nothing(node) else {
                name: target for inner in ast.walk(node) if isinstance(inner, (ast.Import, ast.ImportFrom))
                for name, target in import_bindings(inner, self.package).items()}
        return found

    def _imports_nothing(self, node: ast.AST) -> bool:
        first, last = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        if first is None or last is None:
            return False
        lines = self.import_lines
        at = bisect.bisect_left(lines, first)
        return at == len(lines) or lines[at] > last

    def dotted(self, node: ast.AST) -> Counter[str]:
        names = self.collected.get(node)
        if names is None:
            names = self.collected[node] = Counter()
            _collect(node, names, self.source)
        return names

    def named(self, nodes: Sequence[ast.AST], is_local: Callable[[str], bool],
              qualify: Callable[[str], str | None]) -> Counter[str]:
        """Uses in ``nodes``, qualified by ``qualify`` or ``.attr``; names whose head ``is_local`` left out."""
        names: Counter[str] = Counter()
        for node in nodes:
            names.update(self.dotted(node))
        found: Counter[str] = Counter()
        for dotted, count in names.items():
            if dotted.startswith(COMMAND):
                found[dotted] += count  # a management command run by name: the call graph links it
                continue
            qualified = None if is_local(dotted.split(".")[0]) else qualify(dotted)
            if qualified:
                found[qualified] += count
            elif "." in dotted:
                found["." + dotted.rsplit(".", 1)[1]] += count
        return found


def exclusive(uses: dict[str, list[int]], line: int, on_spans: tuple[Span, ...], off_spans: tuple[Span, ...],
              on_names: Counter[str], off_names: Counter[str],
              around: Counter[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the enclosing function (its call targets by line, ``uses``) uses only in the on-branch, and only in
    the off-branch: what dies with that branch. Whole lines decide, except the check's own ``line`` and lines
    both branches share (``a() if flag else b()``), where the uses inside each branch's nodes (``on_names``,
    ``off_names``) are counted against those of the whole statement (``around``)."""
    shared = {line} | {n for a, b in on_spans for n in range(a, b + 1) if any(c <= n <= d for c, d in off_spans)}

    def only(spans: tuple[Span, ...], mine: Counter[str], theirs: Counter[str]) -> tuple[str, ...]:
        found = []
        for target, lines in uses.items():
            if not all(any(a <= n <= b for a, b in spans) for n in lines):
                continue
            if any(n in shared for n in lines) and not (
                    mine[target] and not theirs[target] and around[target] <= on_names[target] + off_names[target]):
                continue
            found.append(target)
        return tuple(sorted(found))

    return only(on_spans, on_names, off_names), only(off_spans, off_names, on_names)


def _collect(node: ast.AST, names: Counter[str], source: Source) -> None:
    """Maximal dotted names referenced in a subtree (``a.b.c``, not also ``a.b``; ``f(x).y`` is ``f.y``), counted;
    also the names a definition, a parameter, a keyword argument, an import or ``global`` spells out, and
    ``call_command("update_stats")``, which uses the command, as the call graph says."""
    if isinstance(node, ast.Attribute):
        names[full_name(node) or ""] += 1
        return
    if isinstance(node, ast.Name):
        names[node.id] += 1
        return
    if isinstance(node, ast.Constant):
        if node.value is None or node.value is True or node.value is False:
            names[repr(node.value)] += 1
        return
    if isinstance(node, ast.Call):
        if (full_name(node.func) or "").rsplit(".", 1)[-1] == "call_command" and (node.args or node.keywords):
            first = arguments(node)[0].value
            if source.simple_string(first) and isinstance(first, ast.Constant) and isinstance(first.value, str) \
                    and first.value.isidentifier():
                names[COMMAND + first.value] += 1
    elif _spelled(node, names):
        return
    for child in children(node):
        _collect(child, names, source)


def _spelled(node: ast.AST, names: Counter[str]) -> bool:
    """Count the names ``node`` spells as text (libcst holds them as name nodes): a definition's, a
    parameter's, a keyword argument's, what an import binds (not the module it imports from: no use of its
    own), ``global``'s, an exception's, a ``match`` pattern's. True when nothing below ``node`` is left to count."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        names[node.name] += 1
    elif isinstance(node, ast.arg):
        names[node.arg] += 1
    elif isinstance(node, ast.keyword):
        if node.arg is not None:
            names[node.arg] += 1
    elif isinstance(node, ast.alias):
        names.update(n for n in (node.name, node.asname) if n)
        return True
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        names.update(node.names)
        return True
    elif isinstance(node, ast.ExceptHandler):
        if node.name:
            names[node.name] += 1
    else:
        kind = type(node).__name__
        if kind.startswith(("Match", "TypeVar", "ParamSpec")):
            names.update(v for v in (getattr(node, "name", None), getattr(node, "rest", None)) if isinstance(v, str))
            if kind == "MatchClass":
                names.update(node.kwd_attrs)  # type: ignore[attr-defined]
    return False
