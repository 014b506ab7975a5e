"""A read-only walk over a libcst tree that calls a ``CSTVisitor``'s methods, without rebuilding the tree.

Why: ``CSTNode.visit`` is shared with transformers, so it rebuilds (and validates) every node it passes
even for a visitor that changes nothing; that was the largest share of the site analysis. This walk reads
each node's children in place and calls the same ``on_visit``/``on_leave`` (hence ``visit_<Node>`` and
``leave_<Node>``), so a visitor runs unchanged. Children come in field order, with decorators first as in
the source; statements in a block keep their order, which is all the site analysis relies on.
"""

from __future__ import annotations

import dataclasses

import libcst as cst

_FIELDS: dict[type, tuple[str, ...]] = {}


def walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """Visit ``node`` and, where ``on_visit`` says so, everything below it."""
    if visitor.on_visit(node):
        for name in _FIELDS.get(type(node)) or _fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                walk(value, visitor)
            elif isinstance(value, (tuple, list)):
                for item in value:
                    if isinstance(item, cst.CSTNode):
                        walk(item, visitor)
    visitor.on_leave(node)


def _fields(kind: type) -> tuple[str, ...]:
    names = [f.name for f in dataclasses.fields(kind)]
    if "decorators" in names:
        names.remove("decorators")
        names.insert(0, "decorators")
    _FIELDS[kind] = tuple(names)
    return _FIELDS[kind]
