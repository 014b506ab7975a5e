"""What a flag check guards: the code that runs when the flag is on, and when off.

Given the chain of ``ast`` nodes from the module down to the check, find the construct that branches on it
(``if``/``elif``/``else``, ``while``, a conditional expression, an early return, an ``and``/``or`` guard, a
decorator, an assignment tested later) and return the guarded nodes.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from flagaudit.extract.tree import Source, full_name
from flagaudit.facts import GuardKind

_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
_NEGATING = (ast.NotEq, ast.IsNot, ast.NotIn)
_BLOCKS = ("body", "orelse", "finalbody")

Node = ast.stmt | ast.expr
"""What a branch holds: statements, or an expression (a conditional expression's, an ``and``'s operand)."""


@dataclass
class Guard:
    """The branching construct around a check; nodes are ``ast`` statements or expressions."""

    kind: GuardKind = "value"
    on: list[Node] = field(default_factory=list)
    off: list[Node] = field(default_factory=list)
    assigned: str | None = None
    """Local name the check's value was assigned to, tested later."""


def find_guard(stack: Sequence[ast.AST], source: Source, last_line: int, polarity: bool = True) -> Guard:
    """Classify the innermost construct that branches on ``stack[-1]``: up through negations, ``and``/``or``
    operands, comparisons, arguments of ``bool(...)``, ``await`` (a coroutine's value), to the first node that
    decides (:func:`_decided`).
    ``last_line``: the last line of the span analysed, where an early return's following statements end."""
    child = stack[-1]
    bool_guard: _BoolGuard | None = None
    for index in range(len(stack) - 2, -1, -1):
        parent = stack[index]
        if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
            polarity = not polarity
        elif isinstance(parent, ast.BoolOp):
            values = parent.values
            position = next(i for i, value in enumerate(values) if value is child)
            if position < len(values) - 1:
                op: Literal["and", "or"] = "and" if isinstance(parent.op, ast.And) else "or"
                bool_guard = bool_guard or (op if polarity else ("or" if op == "and" else "and"), values[position + 1])
        elif isinstance(parent, ast.Compare):
            if child is not parent.left:  # a compared value, not the left operand: nothing decides on it
                return _boolean_guard(bool_guard)
            if any(isinstance(op, _NEGATING) for op in parent.ops):
                polarity = not polarity
            if _said_off(parent):
                polarity = not polarity
        elif not (isinstance(parent, (ast.keyword, ast.Await)) or isinstance(parent, ast.Starred) and index
                  and isinstance(stack[index - 1], ast.Call)
                  or isinstance(parent, ast.Call) and full_name(parent.func) == "bool"
                  or _normalised(parent, child)):
            return _decided(stack, index, child, polarity, bool_guard, source, last_line)
        child = parent
    return _boolean_guard(bool_guard)


_NORMALISING = frozenset({"lower", "upper", "casefold", "strip"})
_OFF_WORDS = frozenset({"false", "0", "no", "off", ""})


def _normalised(parent: ast.AST, child: ast.AST) -> bool:
    """``value.lower()`` (the method, then its call): a switch's text made comparable, still the switch."""
    if isinstance(parent, ast.Attribute):
        return parent.attr in _NORMALISING
    return isinstance(parent, ast.Call) and parent.func is child and isinstance(child, ast.Attribute) \
        and child.attr in _NORMALISING and not parent.args and not parent.keywords


def _said_off(compare: ast.Compare) -> bool:
    """``value == "false"``: a comparison with the text of a switch that is off (MyFinances'
    ``get_var("AWS_DISABLED", "").lower() == "true"`` is on where this is not)."""
    return len(compare.comparators) == 1 and isinstance(compare.comparators[0], ast.Constant) \
        and isinstance(compare.comparators[0].value, str) and compare.comparators[0].value.lower() in _OFF_WORDS


_BoolGuard = tuple[Literal["and", "or"], ast.expr]
"""An ``and``/``or`` the check is an operand of (not the last), and the operand after it that it guards."""


def _decided(stack: Sequence[ast.AST], index: int, child: ast.AST, polarity: bool, bool_guard: _BoolGuard | None,
             source: Source, last_line: int) -> Guard:
    """The guard ``stack[index]`` makes of ``child``, the check's value as far as it got."""
    parent = stack[index]
    if isinstance(parent, ast.Call):  # any call but bool(): the value flows into it
        return Guard()
    if isinstance(parent, (ast.If, ast.While)) and child is parent.test:
        return _branch_guard(stack, index, polarity, source, last_line)
    if isinstance(parent, ast.IfExp) and child is parent.test:
        on: list[Node] = [parent.body]
        off: list[Node] = [parent.orelse]
        return Guard("ternary", *((on, off) if polarity else (off, on)))
    if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
            and any(d is child for d in parent.decorator_list):
        body: list[Node] = list(parent.body)
        return Guard("decorator", *((body, []) if polarity else ([], body)))
    if isinstance(parent, ast.Assign) and child is parent.value and bool_guard is None:
        targets = parent.targets
        if len(targets) == 1 and isinstance(targets[0], ast.Name):
            return Guard("assign", assigned=targets[0].id)
        return Guard()
    if isinstance(parent, ast.Return):
        return _boolean_guard(bool_guard) if bool_guard else Guard("return")
    return _boolean_guard(bool_guard)


def _boolean_guard(bool_guard: _BoolGuard | None) -> Guard:
    """``flag and run()`` guards ``run()`` when on; ``flag or fallback()`` guards it when off."""
    if bool_guard is None:
        return Guard()
    op, right = bool_guard
    return Guard(op, [right], []) if op == "and" else Guard(op, [], [right])


def _branch_guard(stack: Sequence[ast.AST], index: int, polarity: bool, source: Source, last_line: int) -> Guard:
    node = stack[index]
    assert isinstance(node, (ast.If, ast.While))
    body: list[Node] = list(node.body)
    orelse: list[Node] = list(node.orelse)
    kind: GuardKind = "while" if isinstance(node, ast.While) else "if"
    if kind == "if" and not orelse and body and isinstance(body[-1], _EXITS):
        rest = _following(stack, index, source, last_line)
        if rest:
            kind, orelse = "early-return", rest
    return Guard(kind, body, orelse) if polarity else Guard(kind, orelse, body)


def _following(stack: Sequence[ast.AST], index: int, source: Source, last_line: int) -> list[Node]:
    """Statements after ``stack[index]`` in the block that holds it, within the span analysed; none after an
    ``elif``, which is part of its ``if``."""
    if index == 0:
        return []
    node, holder = stack[index], stack[index - 1]
    if isinstance(holder, ast.If) and isinstance(node, ast.If) and len(holder.orelse) == 1 \
            and holder.orelse[0] is node and source.is_elif(node):
        return []
    for name in ("body", *_BLOCKS[1:]) if not isinstance(holder, ast.Module) else ("body",):
        block = getattr(holder, name, None)
        if not isinstance(block, list):
            continue
        for position, statement in enumerate(block):
            if statement is node:
                return [s for s in block[position + 1:] if s.lineno <= last_line]
    return []
