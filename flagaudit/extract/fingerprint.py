"""What a guarded branch uses: a site's fingerprint, and what its enclosing function uses only in one branch.

A fingerprint is the names a site's on-branch calls and references, named as the call graph names its
targets (qualified through the file's imports, ``.attr`` for an attribute of an object nobody can trace),
parameters and locals left out: it is what the meaning gate compares across history. What the enclosing
function uses *only* inside one branch is what dies with that branch (FA302).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import libcst as cst
from libcst.helpers import get_full_name_for_node

from flagaudit.extract.calls import COMMAND
from flagaudit.extract.cstwalk import walk
from flagaudit.facts import Span


class BranchUses:
    """Dotted names used in subtrees of one span, counted and memoized by node: a guard's branches and its
    statement are asked for again by each check inside them."""

    def __init__(self) -> None:
        self.collected: dict[cst.CSTNode, Counter[str]] = {}

    def dotted(self, node: cst.CSTNode) -> Counter[str]:
        names = self.collected.get(node)
        if names is None:
            collector = _NameCollector()
            walk(node, collector)
            names = self.collected[node] = collector.names
        return names

    def named(self, nodes: Sequence[cst.CSTNode], is_local: Callable[[str], bool],
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


class _NameCollector(cst.CSTVisitor):
    """Maximal dotted names referenced in a subtree (``a.b.c``, not also ``a.b``), counted."""

    def __init__(self) -> None:
        super().__init__()
        self.names: Counter[str] = Counter()

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        dotted = get_full_name_for_node(node)
        if dotted is not None and "(" not in dotted:
            self.names[dotted] += 1
            return False
        return True

    def visit_Name(self, node: cst.Name) -> None:
        self.names[node.value] += 1

    def visit_Call(self, node: cst.Call) -> None:
        """``call_command("update_stats")`` uses the command, as the call graph says."""
        if (get_full_name_for_node(node.func) or "").rsplit(".", 1)[-1] == "call_command" and node.args \
                and isinstance(node.args[0].value, cst.SimpleString):
            name = node.args[0].value.evaluated_value
            if isinstance(name, str) and name.isidentifier():
                self.names[COMMAND + name] += 1
