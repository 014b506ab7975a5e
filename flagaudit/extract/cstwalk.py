"""A read-only walk over a libcst tree that calls a ``CSTVisitor``'s methods, without rebuilding the tree.

Why: ``CSTNode.visit`` is shared with transformers, so it rebuilds (and validates) every node it passes
even for a visitor that changes nothing; that was the largest share of the site analysis. This walk reads
each node's children in place and calls the same ``on_visit``/``on_leave`` (hence ``visit_<Node>`` and
``leave_<Node>``), so a visitor runs unchanged. Children come in field order, with decorators first as in
the source; statements in a block keep their order, which is all the site analysis relies on.

Leaves (names, literals, punctuation, operators, whitespace and comments: more than half of all nodes) are
passed over unless the visitor has a ``visit_``/``leave_`` method for their type: the visitors here keep
only bookkeeping in ``on_visit``/``on_leave`` that a leaf leaves as it found it (a node stack).
"""

from __future__ import annotations

import dataclasses

import libcst as cst

_FIELDS: dict[type, tuple[str, ...]] = {}
_WALKED: dict[tuple[type, type], bool] = {}

_LAYOUT: tuple[type, ...] = (
    cst.SimpleWhitespace, cst.ParenthesizedWhitespace, cst.TrailingWhitespace, cst.Newline, cst.EmptyLine,
    cst.Comment, cst.Comma, cst.Dot, cst.LeftParen, cst.RightParen, cst.LeftSquareBracket, cst.RightSquareBracket,
    cst.LeftCurlyBrace, cst.RightCurlyBrace, cst.Colon, cst.AssignEqual, cst.Semicolon, cst.ImportStar,
    cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp,
)
"""Whitespace, comments, punctuation and operators: what leaves hold, if anything."""
_LEAVES = (*_LAYOUT, cst.Name, cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.Ellipsis, cst.Pass,
           cst.Break, cst.Continue)
"""Node types with nothing below them but layout."""


def walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """Visit ``node`` and, where ``on_visit`` says so, everything below it."""
    if visitor.on_visit(node):
        kind = type(visitor)
        for name in _FIELDS.get(type(node)) or _fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, (tuple, list)):
                for item in value:
                    if _walked(kind, item):
                        walk(item, visitor)
            elif _walked(kind, value):
                walk(value, visitor)
    visitor.on_leave(node)


def _walked(visitor: type, value: object) -> bool:
    """Whether ``value`` is a node the walk visits (a dictionary lookup: ``CSTNode`` is an ABC, slow to test)."""
    key = (visitor, type(value))
    walked = _WALKED.get(key)
    if walked is None:
        kind = type(value)
        walked = _WALKED[key] = issubclass(kind, cst.CSTNode) and not (
            issubclass(kind, _LEAVES) and not _handles(visitor, kind)
            and not any(_handles(visitor, layout) for layout in _layout_types()))
    return walked


def _handles(visitor: type, kind: type) -> bool:
    """Whether a visitor class has its own ``visit_``/``leave_`` method for a node type (``CSTVisitor`` has
    empty ones for all)."""
    return any(getattr(visitor, name, None) is not getattr(cst.CSTVisitor, name, None)
               for name in (f"visit_{kind.__name__}", f"leave_{kind.__name__}"))


def _layout_types() -> list[type]:
    """Every concrete layout type (operators are many subclasses)."""
    found: list[type] = []
    pending = list(_LAYOUT)
    while pending:
        kind = pending.pop()
        found.append(kind)
        pending.extend(kind.__subclasses__())
    return found


def _fields(kind: type) -> tuple[str, ...]:
    names = [f.name for f in dataclasses.fields(kind)]
    if "decorators" in names:
        names.remove("decorators")
        names.insert(0, "decorators")
    _FIELDS[kind] = tuple(names)
    return _FIELDS[kind]
