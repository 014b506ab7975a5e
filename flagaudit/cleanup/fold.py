"""Fold a flag's checks to a constant and simplify what depends on it, with libcst: comments and layout kept.

The checks (found by the scan, addressed by line and column) become ``True`` or ``False``; then, bottom-up:
``not``, ``and``/``or`` with a constant left operand (exact in any context) or a side-effect-free other
operand, comparisons with a constant, conditional expressions, ``if``/``elif``/``else`` chains and
``while False``; a local assigned a constant once and never rebound is substituted where it is read; the
statements after an unconditional ``return``/``raise`` in a block that changed are dropped; an emptied
block gets ``pass``. What cannot be simplified exactly is refused (:class:`Refused`), never half-done.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

_EXITS = (cst.Return, cst.Raise)
_CHECKS = (cst.Call, cst.Decorator, cst.Subscript)
"""What a check can be: a call, a decorator, or a read of a settings dictionary (``FEATURES["X"]``); else a
settings attribute read (``settings.ENABLE_X``)."""
_ANNOTATION = re.compile(r"#\s*flagaudit:")
_PURE = (cst.Name, cst.Attribute, cst.SimpleString, cst.Integer, cst.Float, cst.ConcatenatedString)


class Refused(Exception):
    """A check sits where folding would change behaviour or cannot be done exactly; the key is left alone."""

    def __init__(self, line: int, reason: str, path: str = "") -> None:
        super().__init__(f"{path}:{line}: {reason}" if path else f"line {line}: {reason}")
        self.line, self.reason, self.path = line, reason, path


@dataclass(frozen=True)
class Check:
    """One check to fold: where its call starts (1-based line, 0-based column) and the value it takes."""

    line: int
    column: int
    value: bool
    decorator: bool = False
    """A ``@waffle_flag``-style decorator: removed when the flag is on; refused when off (the view would
    answer 404 for ever, and its URL route is not ours to delete)."""


def fold(source: str, checks: Sequence[Check], statements: Collection[int] = ()) -> str:
    """``source`` with ``checks`` folded and everything they decided simplified, and the simple statements
    starting on ``statements`` (the key's constant, flag object or registry entry) deleted with the comment
    block above them (Open edX ``# .. toggle_*`` annotations)."""
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    wanted = {(c.line, c.column): c for c in checks}
    found: dict[tuple[int, int], cst.CSTNode] = {}
    ends: dict[tuple[int, int], tuple[int, int]] = {}
    read: dict[tuple[int, int], cst.CSTNode] = {}
    for node, where in positions.items():
        key, end = (where.start.line, where.start.column), (where.end.line, where.end.column)
        if key in wanted and isinstance(node, cst.Attribute) and key not in read:
            read[key] = node  # the outermost: ``settings.ENABLE_X``, unless a call starts there too
        elif key in wanted and isinstance(node, _CHECKS) and end > ends.get(key, (0, 0)):
            found[key], ends[key] = node, end  # ``client().variation(...)``: the outer call starts there too
    found = {**read, **found}
    for key, check in wanted.items():
        if key not in found:
            raise Refused(check.line, "the check is not where the scan saw it (file changed?)")
    lines = set(statements)
    doomed: set[cst.CSTNode] = {node for node, where in positions.items()
              if isinstance(node, cst.SimpleStatementLine) and where.start.line in lines}
    replace = _Replace({found[k]: wanted[k] for k in found}, doomed)
    folded = wrapper.module.visit(replace)
    return folded.visit(_Simplify(replace.assigned)).code


class _Replace(cst.CSTTransformer):
    """Each check call becomes its constant; a decorator check is dropped (on) or refused (off)."""

    def __init__(self, checks: dict[cst.CSTNode, Check], doomed: set[cst.CSTNode]) -> None:
        self.checks = checks
        self.doomed = doomed
        self.assigned: dict[str, int] = {}
        """Locals a check was assigned to (``enabled = flag_is_active(...)``), with the check's line: substituted
        where read."""

    def visit_Assign(self, node: cst.Assign) -> None:
        if node.value in self.checks and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self.assigned[node.targets[0].target.value] = self.checks[node.value].line

    def visit_Attribute(self, node: cst.Attribute) -> None:
        check = self.checks.get(node.value)
        if check is not None and not check.decorator:  # ``variation_detail(...).reason``: no constant has that
            raise Refused(check.line, f"the check's result is used as an object (.{node.attr.value}), not as "
                          "on/off: remove it by hand")

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        return cst.RemovalSentinel.REMOVE if original in self.doomed else updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        return self._fold(original, updated)

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript) -> cst.BaseExpression:
        return self._fold(original, updated)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        return self._fold(original, updated)  # ``settings.ENABLE_X``

    def _fold(self, original: cst.BaseExpression, updated: cst.BaseExpression) -> cst.BaseExpression:
        check = self.checks.get(original)
        if check is None or check.decorator:
            return updated
        return cst.Name("True" if check.value else "False")

    def leave_Decorator(self, original: cst.Decorator,
                        updated: cst.Decorator) -> cst.Decorator | cst.RemovalSentinel:
        check = self.checks.get(original) or self.checks.get(original.decorator)
        if check is None or not check.decorator:
            return updated
        if not check.value:
            raise Refused(check.line, "decorated view is switched off: it would always answer 404; remove the "
                          "view and its URL route by hand")
        return cst.RemovalSentinel.REMOVE


def _constant(node: cst.BaseExpression) -> bool | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


def _as_constant(value: bool, like: cst.BaseExpression | None = None) -> cst.Name:
    name = cst.Name("True" if value else "False")
    return name.with_changes(lpar=like.lpar, rpar=like.rpar) if like is not None and hasattr(like, "lpar") else name


def _pure(node: cst.BaseExpression) -> bool:
    """No side effect when evaluated: dropping it changes nothing."""
    if isinstance(node, cst.Attribute):
        return _pure(node.value)
    if isinstance(node, cst.UnaryOperation):
        return _pure(node.expression)
    if isinstance(node, cst.BooleanOperation):
        return _pure(node.left) and _pure(node.right)
    return isinstance(node, _PURE)


class _Simplify(cst.CSTTransformer):
    """Bottom-up simplification of everything a folded constant decides."""

    def __init__(self, assigned: dict[str, int]) -> None:
        self.assigned = assigned
        self.functions: list[list] = []  # type: ignore[type-arg]
        """Enclosing functions: [name, whether an ``assert`` in it now always fails]."""
        self.elifs: set[cst.If] = set()
        self.changed: list[bool] = []
        """One entry per open block: whether a statement in it was simplified away or flattened."""

    # -- expressions ----------------------------------------------------------------------------------------

    def leave_UnaryOperation(self, original: cst.UnaryOperation,
                             updated: cst.UnaryOperation) -> cst.BaseExpression:
        if not isinstance(updated.operator, cst.Not):
            return updated
        updated = updated.with_changes(expression=_test(updated.expression))
        value = _constant(updated.expression)
        return _as_constant(not value, updated) if value is not None else updated

    def leave_BooleanOperation(self, original: cst.BooleanOperation,
                               updated: cst.BooleanOperation) -> cst.BaseExpression:
        is_and = isinstance(updated.operator, cst.And)
        left, right = _constant(updated.left), _constant(updated.right)
        if left is not None:  # exact: Python evaluates the right operand only when the left does not decide
            if left == is_and:
                return _keep_parens(updated.right, updated)
            return _as_constant(left, updated)
        if right is not None and right != is_and:  # ``x and False`` / ``x or True``: decided
            if _pure(updated.left):
                return _as_constant(right, updated)
            raise Refused(0, "a check decides an and/or whose other operand has side effects")
        return updated  # ``x and True`` keeps x's value, not its truth: simplified only in a test (``_test``)

    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison) -> cst.BaseExpression:
        left = _constant(updated.left)
        if left is None or len(updated.comparisons) != 1:
            return updated
        target = updated.comparisons[0]
        right = _constant(target.comparator)
        if right is None:
            return updated
        if isinstance(target.operator, (cst.Equal, cst.Is)):
            return _as_constant(left == right, updated)
        if isinstance(target.operator, (cst.NotEqual, cst.IsNot)):
            return _as_constant(left != right, updated)
        return updated

    def leave_IfExp(self, original: cst.IfExp, updated: cst.IfExp) -> cst.BaseExpression:
        updated = updated.with_changes(test=_test(updated.test))
        value = _constant(updated.test)
        if value is None:
            return updated
        return _keep_parens(updated.body if value else updated.orelse, updated)

    # -- statements -----------------------------------------------------------------------------------------

    def visit_If(self, node: cst.If) -> None:
        if isinstance(node.orelse, cst.If):
            self.elifs.add(node.orelse)

    def leave_If(self, original: cst.If, updated: cst.If) -> cst.BaseStatement | cst.FlattenSentinel[
            cst.BaseStatement] | cst.RemovalSentinel:
        if original in self.elifs:
            return updated  # the chain is simplified from its first ``if``
        chain, tail = _chain(updated)
        kept: list[tuple[cst.If, cst.BaseExpression]] = []
        decided = False
        for node, test in chain:
            test = _test(test)
            value = _constant(test)
            decided = decided or value is not None
            if value is False:
                continue
            if value is True:
                tail = node.body
                break
            kept.append((node.with_changes(test=test), test))
        if not decided:
            changed = any(k[1] is not c[1] for k, c in zip(kept, chain, strict=True))
            return _rebuild(kept, tail).with_changes(leading_lines=updated.leading_lines) if changed else updated
        self._mark()
        if not kept:
            return _flatten(tail, updated)
        return _rebuild(kept, tail).with_changes(leading_lines=updated.leading_lines)

    def leave_While(self, original: cst.While, updated: cst.While) -> cst.BaseStatement | cst.FlattenSentinel[
            cst.BaseStatement] | cst.RemovalSentinel:
        updated = updated.with_changes(test=_test(updated.test))
        if _constant(updated.test) is False:
            self._mark()
            return _flatten(updated.orelse.body if updated.orelse else None, updated)
        return updated

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.changed.append(False)

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        changed = self.changed.pop()
        body = _trim_after_exit(updated.body) if changed else list(updated.body)
        if not body:
            body = [cst.SimpleStatementLine([cst.Pass()])]
        return updated.with_changes(body=body)

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return tidy_top(original, updated)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append([node.name.value, False])

    def leave_FunctionDef(self, original: cst.FunctionDef,
                          updated: cst.FunctionDef) -> cst.FunctionDef | cst.RemovalSentinel:
        name, failing = self.functions.pop()
        if failing or (name.startswith("test") and _only_pass(updated) and not _only_pass(original)):
            return cst.RemovalSentinel.REMOVE  # it asserted the branch that is gone, or now asserts nothing
        return _substitute_locals(updated, self.assigned)

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        """``assert True`` says nothing; ``assert False`` in a test means the test was about the other
        branch: the test goes. Elsewhere an assertion that always fails is refused."""
        kept = []
        for statement in updated.body:
            value = _constant(_test(statement.test)) if isinstance(statement, cst.Assert) else None
            if value is False:
                if not (self.functions and self.functions[-1][0].startswith("test")):
                    raise Refused(0, "an assert outside a test would always fail")
                self.functions[-1][1] = True
            if value is None:
                kept.append(statement)
        if len(kept) == len(updated.body):
            return updated
        self._mark()
        return updated.with_changes(body=kept) if kept else cst.RemovalSentinel.REMOVE

    def _mark(self) -> None:
        if self.changed:
            self.changed[-1] = True


def tidy_top(original: cst.Module, updated: cst.Module) -> cst.Module:
    """A deleted first statement leaves the blank lines that separated it from the next one: not at the top of
    a file. Every transformer that deletes statements ends with this."""
    if not updated.body or original.body and updated.body[0] is original.body[0]:
        return updated
    first = updated.body[0]
    lines = list(first.leading_lines)
    while lines and lines[0].comment is None:
        lines.pop(0)
    return updated.with_changes(body=[first.with_changes(leading_lines=lines), *updated.body[1:]])


def _only_pass(function: cst.FunctionDef) -> bool:
    body = function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
    return all(isinstance(s, cst.SimpleStatementLine) and all(isinstance(x, cst.Pass) for x in s.body)
               for s in body)


def _test(node: cst.BaseExpression) -> cst.BaseExpression:
    """Where only truth matters (an ``if``/``while``/conditional test, the operand of ``not``): ``x and True``
    and ``x or False`` are ``x``."""
    if isinstance(node, cst.BooleanOperation):
        left, right = _test(node.left), _test(node.right)
        keep = isinstance(node.operator, cst.And)
        if _constant(right) is keep:
            return _keep_parens(left, node)
        if _constant(left) is keep:
            return _keep_parens(right, node)
        return node.with_changes(left=left, right=right)
    return node


def _keep_parens(node: cst.BaseExpression, around: cst.BaseExpression) -> cst.BaseExpression:
    """``node`` in place of ``around``, wrapped in parentheses when ``around`` had them (precedence)."""
    if getattr(around, "lpar", None) and hasattr(node, "lpar"):
        return node.with_changes(lpar=around.lpar, rpar=around.rpar)
    return node


def _chain(node: cst.If) -> tuple[list[tuple[cst.If, cst.BaseExpression]], cst.BaseSuite | None]:
    """``if``/``elif`` links with their tests, and the final ``else`` block (``None`` when there is none)."""
    chain = []
    current: cst.If | cst.Else | None = node
    while isinstance(current, cst.If):
        chain.append((current, current.test))
        current = current.orelse
    return chain, current.body if isinstance(current, cst.Else) else None


def _rebuild(kept: list[tuple[cst.If, cst.BaseExpression]], tail: cst.BaseSuite | None) -> cst.If:
    orelse: cst.If | cst.Else | None = cst.Else(body=tail) if tail is not None else None
    for node, _ in reversed(kept[1:]):
        orelse = node.with_changes(orelse=orelse)
    return kept[0][0].with_changes(orelse=orelse)


def _flatten(block: cst.BaseSuite | None, replaced: cst.BaseStatement) -> cst.FlattenSentinel[
        cst.BaseStatement] | cst.RemovalSentinel:
    """The statements of ``block`` in place of the compound statement that held them; the comments that led
    the replaced statement stay above the first one."""
    if block is None:
        return cst.RemovalSentinel.REMOVE
    if isinstance(block, cst.SimpleStatementSuite):
        statements: list[cst.BaseStatement] = [cst.SimpleStatementLine(list(block.body))]
    else:
        assert isinstance(block, cst.IndentedBlock)
        statements = list(block.body)
    if not statements:
        return cst.RemovalSentinel.REMOVE
    leading = [line for line in getattr(replaced, "leading_lines", ())
               if not (line.comment and _ANNOTATION.match(line.comment.value))]  # about the check that went
    first = statements[0]
    statements[0] = first.with_changes(leading_lines=(*leading, *getattr(first, "leading_lines", ())))
    return cst.FlattenSentinel(statements)


def _trim_after_exit(body: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """Statements after an unconditional ``return``/``raise`` never run: drop them."""
    kept: list[cst.BaseStatement] = []
    for statement in body:
        kept.append(statement)
        if isinstance(statement, cst.SimpleStatementLine) and statement.body and isinstance(statement.body[-1],
                                                                                            _EXITS):
            break
    return kept


def _substitute_locals(function: cst.FunctionDef, assigned: dict[str, int]) -> cst.FunctionDef:
    """A local a check was assigned to (now ``enabled = True``), assigned once and never rebound: its reads
    become the constant and the assignment goes; simplifying again decides what it guarded."""
    counter = _Assignments()
    function.body.visit(counter)
    constants = {name: value for name, (count, value) in counter.assigned.items()
                 if name in assigned and count == 1 and value is not None and name not in counter.other_bindings}
    if not constants:
        return function
    substituted = function.visit(_Substitute(constants, {name: assigned[name] for name in constants}))
    assert isinstance(substituted, cst.FunctionDef)
    return substituted.visit(_Simplify({}))  # type: ignore[return-value]


class _Assignments(cst.CSTVisitor):
    def __init__(self) -> None:
        self.assigned: dict[str, tuple[int, bool | None]] = {}
        self.other_bindings: set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                count, _ = self.assigned.get(target.target.value, (0, None))
                value = _constant(node.value) if len(node.targets) == 1 else None
                self.assigned[target.target.value] = (count + 1, value if count == 0 else None)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.other_bindings.add(node.target.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.other_bindings.add(node.target.value)

    def visit_For(self, node: cst.For) -> None:
        for name in _names(node.target):
            self.other_bindings.add(name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if isinstance(node.target, cst.Name):
            self.other_bindings.add(node.target.value)

    def visit_Global(self, node: cst.Global) -> None:
        self.other_bindings.update(n.name.value for n in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.other_bindings.update(n.name.value for n in node.names)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function's locals are its own

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def _names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for element in target.elements for n in _names(element.value)]
    return []


class _Substitute(cst.CSTTransformer):
    """Reads of the constant locals become the constant; their one assignment is removed."""

    def __init__(self, constants: dict[str, bool], lines: dict[str, int]) -> None:
        self.constants, self.lines = constants, lines
        self.depth = 0

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.value.value in self.constants:  # ``details.value``
            raise Refused(self.lines[node.value.value], f"the check's result is used as an object "
                          f"({node.value.value}.{node.attr.value}), not as on/off: remove it by hand")

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        body = [s for s in updated.body if not (
            isinstance(s, cst.Assign) and len(s.targets) == 1 and isinstance(s.targets[0].target, cst.Name)
            and s.targets[0].target.value in self.constants)]
        if len(body) == len(updated.body):
            return updated
        return updated.with_changes(body=body) if body else cst.RemovalSentinel.REMOVE

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if updated.value in self.constants:
            return cst.Name("True" if self.constants[updated.value] else "False")
        return updated

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        return False

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        return updated.with_changes(attr=original.attr)  # ``obj.enabled`` is not the local

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        return updated.with_changes(keyword=original.keyword)  # nor is ``f(enabled=...)``'s keyword

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.depth += 1
        return self.depth == 1  # a nested function's names may be its own locals: left alone

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        self.depth -= 1
        return updated

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False
