"""What a flag check guards: the code that runs when the flag is on, and when off.

Given the chain of libcst nodes from a statement block down to the check, find
the construct that branches on it (``if``/``elif``/``else``, ``while``, a
conditional expression, an early return, an ``and``/``or`` guard, a decorator,
an assignment tested later) and return the guarded nodes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst
from libcst.helpers import get_full_name_for_node

from flagaudit.facts import GuardKind

_EXITS = (cst.Return, cst.Raise, cst.Continue, cst.Break)
_NEGATING = ("!=", "is not", "not in")


@dataclass
class Guard:
    """The branching construct around a check; nodes are still libcst nodes."""

    kind: GuardKind = "value"
    on: list[cst.CSTNode] = field(default_factory=list)
    off: list[cst.CSTNode] = field(default_factory=list)
    assigned: str | None = None
    """Local name the check's value was assigned to, tested later."""


def find_guard(stack: Sequence[cst.CSTNode], polarity: bool = True) -> Guard:
    """Classify the innermost construct that branches on ``stack[-1]``: up through negations, ``and``/``or``
    operands, comparisons and ``bool(...)``, to the first node that decides (:func:`_decided`)."""
    child = stack[-1]
    bool_guard: _BoolGuard | None = None
    for index in range(len(stack) - 2, -1, -1):
        parent = stack[index]
        if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
            polarity = not polarity
        elif isinstance(parent, cst.BooleanOperation):
            if child is parent.left:
                op: Literal["and", "or"] = "and" if isinstance(parent.operator, cst.And) else "or"
                bool_guard = bool_guard or (op if polarity else ("or" if op == "and" else "and"), parent.right)
        elif isinstance(parent, cst.Comparison):
            if any(_comparison_text(c.operator) in _NEGATING for c in parent.comparisons):
                polarity = not polarity
        elif not (isinstance(parent, cst.Arg) or
                  isinstance(parent, cst.Call) and get_full_name_for_node(parent.func) == "bool"):
            return _decided(stack, index, child, polarity, bool_guard)
        child = parent
    return _boolean_guard(bool_guard)


_BoolGuard = tuple[Literal["and", "or"], cst.BaseExpression]
"""An ``and``/``or`` the check is the left operand of, and the right operand it guards."""


def _decided(stack: Sequence[cst.CSTNode], index: int, child: cst.CSTNode, polarity: bool,
             bool_guard: _BoolGuard | None) -> Guard:
    """The guard ``stack[index]`` makes of ``child``, the check's value as far as it got."""
    parent = stack[index]
    if isinstance(parent, cst.Call):  # any call but bool(): the value flows into it
        return Guard()
    if isinstance(parent, (cst.If, cst.While)) and child is parent.test:
        return _branch_guard(stack, index, polarity)
    if isinstance(parent, cst.IfExp) and child is parent.test:
        on: list[cst.CSTNode] = [parent.body]
        off: list[cst.CSTNode] = [parent.orelse]
        return Guard("ternary", *((on, off) if polarity else (off, on)))
    if isinstance(parent, cst.Decorator):
        function = stack[index - 1] if index else None
        if isinstance(function, (cst.FunctionDef, cst.ClassDef)):
            return Guard("decorator", list(_statements(function.body)), [])
        return Guard()
    if isinstance(parent, cst.Assign) and child is parent.value and bool_guard is None:
        targets = parent.targets
        if len(targets) == 1 and isinstance(targets[0].target, cst.Name):
            return Guard("assign", assigned=targets[0].target.value)
        return Guard()
    if isinstance(parent, cst.Return):
        return _boolean_guard(bool_guard) if bool_guard else Guard("return")
    return _boolean_guard(bool_guard)


def _boolean_guard(bool_guard: _BoolGuard | None) -> Guard:
    """``flag and run()`` guards ``run()`` when on; ``flag or fallback()`` guards it when off."""
    if bool_guard is None:
        return Guard()
    op, right = bool_guard
    return Guard(op, [right], []) if op == "and" else Guard(op, [], [right])


def _comparison_text(operator: cst.BaseCompOp) -> str:
    return {
        cst.NotEqual: "!=", cst.IsNot: "is not", cst.NotIn: "not in",
    }.get(type(operator), "")


def _branch_guard(stack: Sequence[cst.CSTNode], index: int, polarity: bool) -> Guard:
    node = stack[index]
    assert isinstance(node, (cst.If, cst.While))
    body = list(_statements(node.body))
    orelse: list[cst.CSTNode] = []
    if isinstance(node.orelse, cst.If):
        orelse = [node.orelse]
    elif isinstance(node.orelse, cst.Else):
        orelse = list(_statements(node.orelse.body))
    kind: GuardKind = "while" if isinstance(node, cst.While) else "if"
    if kind == "if" and not orelse and body and _exits(body[-1]):
        rest = _following(stack, index)
        if rest:
            kind, orelse = "early-return", rest
    return Guard(kind, body, orelse) if polarity else Guard(kind, orelse, body)


def _statements(block: cst.BaseSuite) -> tuple[cst.CSTNode, ...]:
    if isinstance(block, cst.IndentedBlock):
        return tuple(block.body)
    if isinstance(block, cst.SimpleStatementSuite):
        return tuple(block.body)
    return ()


def _exits(statement: cst.CSTNode) -> bool:
    if isinstance(statement, cst.SimpleStatementLine):
        return bool(statement.body) and isinstance(statement.body[-1], _EXITS)
    return isinstance(statement, _EXITS)


def _following(stack: Sequence[cst.CSTNode], index: int) -> list[cst.CSTNode]:
    """Statements after ``stack[index]`` in the block that holds it."""
    if index == 0:
        return []
    holder = stack[index - 1]
    body = holder.body if isinstance(holder, (cst.IndentedBlock, cst.Module)) else None
    if not isinstance(body, (list, tuple)):
        return []
    for position, statement in enumerate(body):
        if statement is stack[index]:
            return list(body[position + 1:])
    return []
