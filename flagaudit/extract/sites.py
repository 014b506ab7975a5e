"""Find flag checks and definitions in one span of a file with libcst.

libcst is spent only here, and only on the statement spans that can hold a
check (see :func:`flagaudit.extract.symbols.statement_spans`), because its parse and
position metadata cost ten times what ``ast`` does. Keys leave this module as
:class:`KeyRef` parts; resolving them across modules is the model's job.
"""

from __future__ import annotations

import ast
import bisect
import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import cast

import libcst as cst
from libcst.helpers import get_full_name_for_node

from flagaudit.extract.annotations import LineNotes
from flagaudit.extract.arguments import argument
from flagaudit.extract.cstwalk import walk
from flagaudit.extract.declarations import RETURNED, add_definition, get_model, model_rows, object_definition
from flagaudit.extract.fingerprint import BranchUses, exclusive
from flagaudit.extract.guards import Guard, find_guard
from flagaudit.extract.positions import positions
from flagaudit.extract.symbols import Row, Scope, import_bindings, key_parts, literal_rows
from flagaudit.facts import Definition, KeyPart, KeyRef, ReceiverProof, Site, SiteGuard, Span
from flagaudit.meaning import OFF_MARK, VALUE_MARK, in_order
from flagaudit.sdk_rules import CheckRule, KeyArg, RuleSet

_VALUE_LITERALS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer, cst.Float,
                   cst.Dict, cst.List, cst.Tuple)
"""A fallback written as one of these is not on/off: the flag is multivariate."""


@functools.cache
def _is_expression(kind: type) -> bool:
    """``isinstance(node, cst.BaseExpression)`` by the node's type: an ABC test is slow, and asked per node."""
    return issubclass(kind, cst.BaseExpression)


@dataclass(frozen=True)
class SpanContext:
    """What the analysis of one span needs to know about its file."""

    path: str
    lines: list[str]
    notes: LineNotes
    """The annotations of each line, read once per line however many sites it holds."""
    scope: Scope
    rules: RuleSet
    imported: frozenset[str]
    rollback: frozenset[str] = frozenset()
    """Functions run only when a migration is rolled back: their rows are not the flag's state."""
    uses: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    """From the call facts: function -> target -> lines, to tell what only one branch uses."""
    wanted: tuple[int, ...] = ()
    """Sorted lines where the ``ast`` gate saw a call or subscript a rule could match (see candidates.py)."""
    sequences: dict[str, tuple[Row, ...]] = field(default_factory=dict)
    """Top-level names bound to literal sequences of keys, which data migrations loop over."""


@dataclass
class _Function:
    """Per-function state: parameters and what local names were bound to."""

    name: str
    params: frozenset[str] = frozenset()
    values: dict[str, tuple[KeyPart, ...] | None] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)
    """Imports inside the function (``from openedx... import FLAG`` under ``try``)."""
    flags: dict[str, int] = field(default_factory=dict)
    """Local name -> index of the site whose value it holds (``on = flag(); if on:``)."""
    loops: dict[str, tuple[tuple[KeyPart, ...], ...]] = field(default_factory=dict)
    """Loop variable -> the key expressions it takes in turn (``for name in ("a", "b"):``)."""


def analyse_span(context: SpanContext, start: int, end: int, owner: str | None) -> tuple[list[Site], list[Definition]]:
    """Sites and definitions in lines ``start..end``; ``owner`` is the class the lines sit in."""
    body = "".join(context.lines[start - 1:end])
    header = "class _:\n" if owner else ""
    module = cst.parse_module(header + body)
    visitor = SpanVisitor(context, module, start - 1 - (1 if owner else 0), owner)
    walk(module, visitor)
    return visitor.sites, visitor.definitions


class SpanVisitor(cst.CSTVisitor):
    """One walk over a span's libcst tree that fills ``sites`` (flag checks: a call an SDK rule names, a flag
    object's method, a settings read, each with its key parts, guard, branches, fingerprint and annotations)
    and ``definitions`` (flag objects and data-migration rows, built in
    :mod:`flagaudit.extract.declarations`).

    It keeps what the walk has passed: the node stack (for guards), the enclosing class and function names,
    and per function its parameters, imports and what its locals were bound to (a key in a local, a model
    from ``apps.get_model``, a check's value tested later), so that names qualify as the module's imports
    say. What a branch uses is counted in :mod:`flagaudit.extract.fingerprint`.
    """

    def __init__(self, context: SpanContext, module: cst.Module, offset: int, owner: str | None) -> None:
        super().__init__()
        self.context = context
        self.scope = context.scope
        self.rules = context.rules
        self.module = module
        self.positions = positions(module)
        self.uses = BranchUses()
        self.offset = offset
        self.owner = owner
        self.stack: list[cst.CSTNode] = []
        self.names: list[str] = []
        self.functions: list[_Function] = [_Function("<module>")]
        self.sites: list[Site] = []
        self.definitions: list[Definition] = []
        self.depth = 0

    # -- traversal bookkeeping -------------------------------------------------
    def on_visit(self, node: cst.CSTNode) -> bool:
        self.stack.append(node)  # whitespace and comments (a third of all nodes) the walk passes over
        if _is_expression(type(node)) and not self.functions[-1].flags and not self._holds_candidate(node):
            return False  # nothing a rule matches in here, and no flag-holding local a test could read
        return super().on_visit(node)

    def _holds_candidate(self, node: cst.CSTNode) -> bool:
        """Whether an expression spans a line the gate marked; most expressions in a span do not."""
        first, _, last, _ = self.positions[id(node)]
        wanted = self.context.wanted
        index = bisect.bisect_left(wanted, first + self.offset)
        return index < len(wanted) and wanted[index] <= last + self.offset

    def on_leave(self, original_node: cst.CSTNode) -> None:
        super().on_leave(original_node)
        self.stack.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        name = self.owner if (self.owner and self.depth == 0) else node.name.value
        self.names.append(name)
        self.depth += 1

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.names.pop()
        self.depth -= 1

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        params = node.params
        names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                names.append(star.name.value)
        self.names.append(node.name.value)
        self.functions.append(_Function(".".join(self.names), frozenset(names)))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.names.pop()
        self.functions.pop()

    # -- local bindings -----------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        self._local_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._local_import(node)

    def _local_import(self, node: cst.Import | cst.ImportFrom) -> None:
        if len(self.functions) == 1:
            return  # module-level imports are in the scope already
        statement = ast.parse(self.module.code_for_node(node).strip()).body[0]
        assert isinstance(statement, (ast.Import, ast.ImportFrom))
        self.functions[-1].imports.update(import_bindings(statement, self.scope.package))

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(self.functions) == 1 or len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        name = node.targets[0].target.value
        function = self.functions[-1]
        function.flags.pop(name, None)
        value = node.value
        if isinstance(value, cst.Call):
            model = get_model(value)
            if model:
                function.models[name] = model
                return
            obj = self.rules.classes.get(self._qualify(value.func) or "")
            if obj:
                function.values[name] = self.key(value, obj.key, obj.key_template).parts
                return
        parts = self._parts(value)
        function.values[name] = None if all(p.kind == "unk" for p in parts) else parts

    def visit_For(self, node: cst.For) -> None:
        """``for name in SWITCHES:`` / ``for name, active in (("a", True), ...):`` over literal keys."""
        rows = self.rows(node.iter)
        loops = self.functions[-1].loops
        names = _targets(node.target)
        for column, name in enumerate(names):
            if not isinstance(name, cst.Name):
                continue
            loops.pop(name.value, None)
            if rows and all(len(row) == len(names) for row in rows):
                loops[name.value] = tuple(row[column] for row in rows)

    def leave_For(self, original_node: cst.For) -> None:
        for name in _targets(original_node.target):
            if isinstance(name, cst.Name):
                self.functions[-1].loops.pop(name.value, None)

    def rows(self, expression: cst.BaseExpression) -> tuple[Row, ...] | None:
        """The rows of a literal sequence, inline or named at top level; a dict's keys (also ``.keys()``, and
        ``.items()`` as (key, value) rows)."""
        items = False
        if isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute) and not expression.args \
                and expression.func.attr.value in ("keys", "items"):
            items = expression.func.attr.value == "items"
            expression = expression.func.value
        if isinstance(expression, cst.Name):
            function = self.functions[-1]
            local = len(self.functions) > 1 and (expression.value in function.params
                                                 or expression.value in function.values)
            rows = None if local else self.context.sequences.get(expression.value)
        else:
            try:
                tree = ast.parse(f"({self.module.code_for_node(expression)})", mode="eval").body
            except SyntaxError:
                return None
            rows = literal_rows(tree, self._resolve)
        if rows is None:
            return None
        return tuple((*row, (KeyPart("unk", "<value>"),)) for row in rows) if items else rows

    def visit_If(self, node: cst.If) -> None:
        self._tested_local(node.test)

    def visit_While(self, node: cst.While) -> None:
        self._tested_local(node.test)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._tested_local(node.test)

    def _tested_local(self, test: cst.BaseExpression) -> None:
        """``on = flag_check(); if on:`` -- give the earlier site this branch's regions."""
        chain: list[cst.CSTNode] = [test]
        while isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            test = test.expression
            chain.append(test)
        if not isinstance(test, cst.Name):
            return
        index = self.functions[-1].flags.get(test.value)
        if index is None:
            return
        guard = find_guard([*self.stack, *chain])
        site = self.sites[index]
        only_on, only_off = self._exclusive(guard, self.line(test))
        self.sites[index] = replace(site, guard=cast(SiteGuard, f"assign+{guard.kind}"),
                                    on=site.on + self._spans(guard.on),
                                    off=site.off + self._spans(guard.off), fingerprint=in_order(
                                        (*site.fingerprint, *self._fingerprint(guard.on, guard.off))),
                                    only_on=tuple(sorted({*site.only_on, *only_on})),
                                    only_off=tuple(sorted({*site.only_off, *only_off})))

    # -- calls ----------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        callee = self._qualify(node.func)
        rule = self.rules.functions.get(callee or "") or self.rules.decorators.get(callee or "")
        if rule:
            self._check(node, rule)
            return
        obj = self.rules.classes.get(callee or "")
        if obj:
            object_definition(self, node, obj)
            return
        define = self.rules.define_functions.get(callee or "")
        if define:
            add_definition(self, node, define, self.key(node, define.key))
            return
        if self._setting_call(node, callee):
            return
        if isinstance(node.func, cst.Attribute):
            self._method_call(node, node.func)

    def _method_call(self, node: cst.Call, func: cst.Attribute) -> None:
        method = func.attr.value
        symbol = self._project_symbol(func.value)
        for rule in self.rules.methods.get(method, ()):
            if rule.fixed_key is None and argument(node, rule.key[0]) is None:
                continue
            if symbol is not None and rule.evidence:
                proof = ReceiverProof(symbol, rule.evidence, any(m in self.context.imported for m in rule.evidence))
                self._check(node, rule, proof)  # one candidate per SDK; the model keeps the one traced
                continue
            if self._evidence(rule.evidence, func.value):
                self._check(node, rule)
                return
        if method in self.rules.object_methods and self._object_check(node, func):
            return
        if model_rows(self, node, func):
            return
        for define in self.rules.define_methods.get(method, ()):
            if self._evidence(define.evidence, func.value) and argument(node, define.key[0]) is not None:
                add_definition(self, node, define, self.key(node, define.key))
                return

    def _project_symbol(self, receiver: cst.BaseExpression) -> str | None:
        """The qualified name of a module-level or imported object (not an SDK module itself)."""
        dotted = get_full_name_for_node(receiver) if isinstance(receiver, (cst.Name, cst.Attribute)) else None
        qualified = self._qualify(receiver) if dotted else None
        if qualified is None:
            return None
        modules = {m for rule_file in self.rules.files for m in rule_file.modules}
        if any(qualified == m or qualified.startswith(m + ".") for m in modules):
            return None
        return qualified

    def _object_check(self, node: cst.Call, func: cst.Attribute) -> bool:
        """``ENABLE_X.is_enabled()``: the receiver is a flag object, here or in another module."""
        receiver = func.value
        if isinstance(receiver, cst.Call):
            made_by = self._qualify(receiver.func)
            obj = self.rules.classes.get(made_by or "")
            if obj and func.attr.value in obj.methods:
                self._site(node, f"{obj.id}.{func.attr.value}", obj.sdk, self.key(receiver, obj.key, obj.key_template),
                           obj.on)
                return True
            if made_by is None:
                return False
            ref = KeyRef((KeyPart("obj", f"{made_by}.{RETURNED}"),), self._code(receiver))
            self._site(node, f"object.{func.attr.value}", "", ref, "truthy")  # the model keeps it if a factory made it
            return True
        dotted = get_full_name_for_node(receiver)
        if dotted is None:
            return False
        function = self.functions[-1]
        if "." not in dotted and dotted in function.values and len(self.functions) > 1:
            parts = function.values[dotted]
            if parts is None:
                return False
            ref = KeyRef(parts, self._code(receiver))
        else:
            qualified = self.qualify_name(dotted)
            if qualified is None:
                return False
            ref = KeyRef((KeyPart("obj", qualified),), self._code(receiver))
        self._site(node, f"object.{func.attr.value}", "", ref, "truthy")
        return True

    def _setting_call(self, node: cst.Call, callee: str | None) -> bool:
        """``settings.FEATURES.get("X")`` and ``getattr(settings, "X", False)``."""
        for rule in self.rules.settings:
            if callee and callee.endswith(".get"):
                holder = callee[: -len(".get")]
                for obj in rule.objects:
                    for name in rule.dicts:
                        if holder == f"{obj}.{name}" and node.args:
                            self._site(node, rule.id, rule.sdk, self.key(node, (KeyArg(0),), f"{name}['{{}}']"),
                                       "truthy")
                            return True
            if rule.getattr_bool and callee is None and get_full_name_for_node(node.func) == "getattr":
                args = node.args
                if len(args) == 3 and self._qualify(args[0].value) in rule.objects and _is_bool(args[2].value):
                    self._site(node, f"{rule.id}.getattr", rule.sdk, self.key(node, (KeyArg(1),)), "truthy")
                    return True
        return False

    def visit_Subscript(self, node: cst.Subscript) -> None:
        """``settings.FEATURES["X"]`` read (not assigned)."""
        if any(isinstance(parent, cst.AssignTarget) for parent in self.stack[-3:-1]):
            return
        holder = self._qualify(node.value)
        if holder is None or len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return
        for rule in self.rules.settings:
            for obj in rule.objects:
                for name in rule.dicts:
                    if holder == f"{obj}.{name}":
                        parts = self._parts(node.slice[0].slice.value)
                        ref = KeyRef(parts, self._code(node.slice[0].slice.value), f"{name}['{{}}']")
                        self._site(node, rule.id, rule.sdk, ref, "truthy")
                        return

    # -- building facts -------------------------------------------------------------
    def _check(self, node: cst.Call, rule: CheckRule, proof: ReceiverProof | None = None) -> None:
        if rule.fixed_key is not None:
            ref = KeyRef((KeyPart("lit", rule.fixed_key),), self._code(node.func) + "()")
        else:
            ref = self.key(node, rule.key, rule.key_template)
        fallback = argument(node, rule.fallback) if rule.fallback else None
        multivariate = isinstance(fallback, _VALUE_LITERALS)
        self._site(node, rule.id, rule.sdk, ref, "value" if multivariate else rule.on, rule.via, proof)

    def _site(self, node: cst.CSTNode, rule: str, sdk: str, ref: KeyRef, on: str, via: tuple[str, ...] = (),
              proof: ReceiverProof | None = None) -> None:
        guard = find_guard(self.stack, polarity=(on != "falsy"))
        line, column = self.start(node)
        only_on, only_off = self._exclusive(guard, line)
        value_kind = (VALUE_MARK,) if on == "value" else ()
        site = Site(
            path=self.context.path, line=line, column=column,
            function=self.function_name(), rule=rule, sdk=sdk, key_ref=ref, guard=guard.kind,
            on=self._spans(guard.on), off=self._spans(guard.off),
            fingerprint=in_order((*self._fingerprint(guard.on, guard.off), *value_kind)),
            annotations=self.context.notes(line), via=via, proof=proof,
            only_on=only_on, only_off=only_off,
        )
        if guard.assigned:
            self.functions[-1].flags[guard.assigned] = len(self.sites)
        self.sites.append(site)

    def function_name(self) -> str:
        function = self.functions[-1].name
        prefix = self.scope.module
        if function == "<module>":
            inner = ".".join(self.names)
            return f"{prefix}.{inner}" if inner and prefix else (inner or prefix or "<module>")
        return f"{prefix}.{function}" if prefix else function

    def start(self, node: cst.CSTNode) -> tuple[int, int]:
        """Line in the file and column where ``node`` starts."""
        position = self.positions[id(node)]
        return position[0] + self.offset, position[1]

    def line(self, node: cst.CSTNode) -> int:
        return self.positions[id(node)][0] + self.offset

    def _spans(self, nodes: Sequence[cst.CSTNode]) -> tuple[Span, ...]:
        if not nodes:
            return ()
        return ((self.line(nodes[0]), self.positions[id(nodes[-1])][2] + self.offset),)

    def _fingerprint(self, on: Sequence[cst.CSTNode], off: Sequence[cst.CSTNode]) -> tuple[str, ...]:
        """The on-branch's names, and the off-branch's marked :data:`~flagaudit.meaning.OFF_MARK`: two sites
        whose branches trade places (one shows what the other stops showing) are one feature."""
        return in_order((*self._names(on), *(OFF_MARK + n for n in self._names(off))))

    def _names(self, nodes: Sequence[cst.CSTNode]) -> Counter[str]:
        function = self.functions[-1]

        def is_local(head: str) -> bool:
            return head in function.params or head in function.values or head in function.models

        return self.uses.named(nodes, is_local, self.qualify_name)

    def _exclusive(self, guard: Guard, line: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """What dies with each branch (:func:`flagaudit.extract.fingerprint.exclusive`)."""
        uses = self.context.uses.get(self.function_name(), {})
        on_spans, off_spans = self._spans(guard.on), self._spans(guard.off)
        if not uses or not (on_spans or off_spans):
            return (), ()
        statement = next((n for n in reversed(self.stack) if isinstance(n, cst.BaseStatement)), None)
        around = self._names([statement]) if statement is not None else Counter()
        return exclusive(uses, line, on_spans, off_spans, self._names(guard.on), self._names(guard.off), around)

    def _qualify(self, node: cst.BaseExpression) -> str | None:
        dotted = get_full_name_for_node(node)
        return None if dotted is None else self.qualify_name(dotted)

    def qualify_name(self, dotted: str) -> str | None:
        """Through the function's own imports, then the module's; ``None`` for parameters and locals."""
        head, _, rest = dotted.partition(".")
        function = self.functions[-1]
        if head in function.imports:
            return f"{function.imports[head]}.{rest}" if rest else function.imports[head]
        if len(self.functions) > 1 and (head in function.params or head in function.values):
            return None
        return self.scope.qualify(dotted)

    def _evidence(self, modules: tuple[str, ...], receiver: cst.BaseExpression) -> bool:
        """A generic method name counts only if the module imports the SDK or the receiver comes from it."""
        if not modules:
            return True
        if any(m in self.context.imported for m in modules):
            return True
        origin = self._qualify(receiver.func if isinstance(receiver, cst.Call) else receiver) or ""
        return any(origin == m or origin.startswith(m + ".") for m in modules)

    def _code(self, node: cst.CSTNode) -> str:
        return " ".join(self.module.code_for_node(node).split())

    def _parts(self, expression: cst.BaseExpression) -> tuple[KeyPart, ...]:
        code = self.module.code_for_node(expression)
        try:
            tree = ast.parse(f"({code})", mode="eval").body
        except SyntaxError:
            return (KeyPart("unk", self._code(expression)),)
        return key_parts(tree, self._resolve)

    def _resolve(self, dotted: str) -> tuple[KeyPart, ...] | None:
        function = self.functions[-1]
        head, _, rest = dotted.partition(".")
        if len(self.functions) > 1:
            if head in function.values:
                return None if rest else function.values[head]
            if head in function.params:
                return None if rest else (KeyPart("param", head),)
        qualified = self.qualify_name(dotted)
        return (KeyPart("sym", qualified),) if qualified else None

    def key(self, node: cst.Call, args: tuple[KeyArg, ...], template: str = "{}") -> KeyRef:
        parts: list[tuple[KeyPart, ...]] = []
        codes = []
        for arg in args:
            value = argument(node, arg)
            if value is None:
                parts.append((KeyPart("unk", "<missing>"),))
                codes.append("<missing>")
            else:
                parts.append(self._parts(value))
                codes.append(self._code(value))
        if len(parts) == 1:
            return KeyRef(parts[0], codes[0], template)
        flat = tuple(p for group in parts for p in (group if len(group) == 1 else (KeyPart("unk", "<complex>"),)))
        return KeyRef(flat, ", ".join(codes), template)



def _targets(target: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The names a ``for`` binds: ``name``, or each of ``name, active``."""
    return [e.value for e in target.elements] if isinstance(target, (cst.Tuple, cst.List)) else [target]


def _is_bool(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value in ("True", "False")
