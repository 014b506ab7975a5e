"""Find flag checks and definitions in one span of a file with libcst.

libcst is spent only here, and only on the statement spans that can hold a
check (see :func:`flagaudit.extract.symbols.statement_spans`), because its parse and
position metadata cost ten times what ``ast`` does. Keys leave this module as
:class:`KeyRef` parts; resolving them across modules is the model's job.
"""

from __future__ import annotations

import ast
import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import libcst as cst
from libcst.helpers import get_full_name_for_node

from flagaudit.extract.annotations import annotations_for
from flagaudit.extract.cstwalk import walk
from flagaudit.extract.guards import Guard, find_guard
from flagaudit.extract.positions import positions
from flagaudit.extract.symbols import Scope, import_bindings, key_parts
from flagaudit.facts import Definition, KeyPart, KeyRef, ReceiverProof, Site, Span
from flagaudit.meaning import VALUE_MARK
from flagaudit.sdk_rules import CheckRule, DefineRule, KeyArg, ObjectRule, RuleSet

_VALUE_LITERALS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer, cst.Float,
                   cst.Dict, cst.List, cst.Tuple)
"""A fallback written as one of these is not on/off: the flag is multivariate."""

_LAYOUT = (cst.SimpleWhitespace, cst.ParenthesizedWhitespace, cst.TrailingWhitespace, cst.Newline, cst.EmptyLine,
           cst.Comment)
"""Whitespace and comments: no rule looks inside, and they are a third of all nodes."""

_ROW_CREATORS = frozenset({"create", "get_or_create", "update_or_create"})
_ROW_FINDERS = frozenset({"filter", "get"})


@dataclass(frozen=True)
class SpanContext:
    """What the analysis of one span needs to know about its file."""

    path: str
    lines: list[str]
    scope: Scope
    rules: RuleSet
    imported: frozenset[str]
    rollback: frozenset[str] = frozenset()
    """Functions run only when a migration is rolled back: their rows are not the flag's state."""
    uses: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    """From the call facts: function -> target -> lines, to tell what only one branch uses."""
    wanted: tuple[int, ...] = ()
    """Sorted lines where the ``ast`` gate saw a call or subscript a rule could match (see candidates.py)."""


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


def analyse_span(context: SpanContext, start: int, end: int, owner: str | None) -> tuple[list[Site], list[Definition]]:
    """Sites and definitions in lines ``start..end``; ``owner`` is the class the lines sit in."""
    body = "".join(context.lines[start - 1:end])
    header = "class _:\n" if owner else ""
    module = cst.parse_module(header + body)
    visitor = _Visitor(context, module, start - 1 - (1 if owner else 0), owner)
    walk(module, visitor)
    return visitor.finish()


class _Visitor(cst.CSTVisitor):
    def __init__(self, context: SpanContext, module: cst.Module, offset: int, owner: str | None) -> None:
        super().__init__()
        self.context = context
        self.scope = context.scope
        self.rules = context.rules
        self.module = module
        self.positions = positions(module)
        self.collected: dict[cst.CSTNode, Counter[str]] = {}
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
        self.stack.append(node)
        if isinstance(node, _LAYOUT):
            return False
        if isinstance(node, cst.BaseExpression) and not self.functions[-1].flags and not self._holds_candidate(node):
            return False  # nothing a rule matches in here, and no flag-holding local a test could read
        return super().on_visit(node)

    def _holds_candidate(self, node: cst.CSTNode) -> bool:
        """Whether an expression spans a line the gate marked; most expressions in a span do not."""
        first, _, last, _ = self.positions[node]
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
            model = self._get_model(value)
            if model:
                function.models[name] = model
                return
            obj = self.rules.classes.get(self._qualify(value.func) or "")
            if obj:
                function.values[name] = self._key(value, obj.key, obj.key_template).parts
                return
        parts = self._parts(value)
        function.values[name] = None if all(p.kind == "unk" for p in parts) else parts

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
        only_on, only_off = self._exclusive(guard, self._line(test))
        self.sites[index] = replace(site, guard=f"assign+{guard.kind}", on=site.on + self._spans(guard.on),
                                    off=site.off + self._spans(guard.off), fingerprint=tuple(sorted(
                                        set(site.fingerprint) | set(self._fingerprint(guard.on)))),
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
            self._object_definition(node, obj)
            return
        define = self.rules.define_functions.get(callee or "")
        if define:
            self._definition(node, define, self._key(node, define.key))
            return
        if self._setting_call(node, callee):
            return
        if isinstance(node.func, cst.Attribute):
            self._method_call(node, node.func)

    def _method_call(self, node: cst.Call, func: cst.Attribute) -> None:
        method = func.attr.value
        symbol = self._project_symbol(func.value)
        for rule in self.rules.methods.get(method, ()):
            if rule.fixed_key is None and _argument(node, rule.key[0]) is None:
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
        if self._model_rows(node, func):
            return
        for define in self.rules.define_methods.get(method, ()):
            if self._evidence(define.evidence, func.value) and _argument(node, define.key[0]) is not None:
                self._definition(node, define, self._key(node, define.key))
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
            obj = self.rules.classes.get(self._qualify(receiver.func) or "")
            if obj and func.attr.value in obj.methods:
                self._site(node, f"{obj.id}.{func.attr.value}", obj.sdk, self._key(receiver, obj.key, obj.key_template), obj.on)
                return True
            return False
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
            qualified = self._qualify_name(dotted)
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
                            self._site(node, rule.id, rule.sdk, self._key(node, (KeyArg(0),), f"{name}['{{}}']"), "truthy")
                            return True
            if rule.getattr_bool and callee is None and get_full_name_for_node(node.func) == "getattr":
                args = node.args
                if len(args) == 3 and self._qualify(args[0].value) in rule.objects and _is_bool(args[2].value):
                    self._site(node, f"{rule.id}.getattr", rule.sdk, self._key(node, (KeyArg(1),)), "truthy")
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

    # -- definitions ------------------------------------------------------------
    def _object_definition(self, node: cst.Call, obj: ObjectRule) -> None:
        symbol = None
        parent = self.stack[-2] if len(self.stack) > 1 else None
        if isinstance(parent, cst.Assign) and len(self.functions) == 1 and len(parent.targets) == 1:
            target = get_full_name_for_node(parent.targets[0].target)
            if target and "." not in target:
                prefix = ".".join(filter(None, [self.scope.module, *self.names]))
                symbol = f"{prefix}.{target}" if prefix else target
        self._definition(node, obj, self._key(node, obj.key, obj.key_template), symbol=symbol, metadata=_keywords(node, self.module))

    def _model_rows(self, node: cst.Call, func: cst.Attribute) -> bool:
        """``Flag.objects.create(name="k")`` defines; ``Flag.objects.filter(name="k").delete()`` deletes."""
        method = func.attr.value
        if method in _ROW_CREATORS:
            model, call = self._rows_model(func.value), node
            action = "define"
        elif method == "delete" and isinstance(func.value, cst.Call) and isinstance(func.value.func, cst.Attribute):
            finder = func.value.func
            if finder.attr.value not in _ROW_FINDERS:
                return False
            model, call, action = self._rows_model(finder.value), func.value, "delete"
        else:
            return False
        define = self.rules.models.get(model or "")
        if define is None:
            return False
        key = _argument(call, KeyArg(None, "name"))
        if key is None:
            return False
        self._definition(call, define, self._key(call, (KeyArg(None, "name"),)), action=action, at=node)
        return True

    def _rows_model(self, manager: cst.BaseExpression) -> str | None:
        """``Flag.objects`` -> ``waffle.Flag`` when ``Flag`` is waffle's model."""
        if not (isinstance(manager, cst.Attribute) and manager.attr.value == "objects"):
            return None
        holder = get_full_name_for_node(manager.value)
        if holder is None:
            return None
        if holder in self.functions[-1].models:
            return self.functions[-1].models[holder]
        qualified = self._qualify_name(holder) or ""
        app, _, rest = qualified.partition(".")
        model = rest.rpartition(".")[2]
        return f"{app}.{model}" if rest.startswith("models.") else None

    def _get_model(self, call: cst.Call) -> str | None:
        """``apps.get_model("waffle", "Flag")`` -> ``waffle.Flag``."""
        name = get_full_name_for_node(call.func) or ""
        if not name.endswith("get_model") or len(call.args) < 2:
            return None
        values = [a.value.evaluated_value for a in call.args[:2] if isinstance(a.value, cst.SimpleString)]
        return f"{values[0]}.{values[1]}" if len(values) == 2 else None

    # -- building facts -------------------------------------------------------------
    def _check(self, node: cst.Call, rule: CheckRule, proof: ReceiverProof | None = None) -> None:
        if rule.fixed_key is not None:
            ref = KeyRef((KeyPart("lit", rule.fixed_key),), self._code(node.func) + "()")
        else:
            ref = self._key(node, rule.key, rule.key_template)
        fallback = _argument(node, rule.fallback) if rule.fallback else None
        multivariate = isinstance(fallback, _VALUE_LITERALS)
        self._site(node, rule.id, rule.sdk, ref, "value" if multivariate else rule.on, rule.via, proof)

    def _site(self, node: cst.CSTNode, rule: str, sdk: str, ref: KeyRef, on: str, via: tuple[str, ...] = (),
              proof: ReceiverProof | None = None) -> None:
        guard = find_guard(self.stack, polarity=(on != "falsy"))
        line, column = self._start(node)
        only_on, only_off = self._exclusive(guard, line)
        value_kind = (VALUE_MARK,) if on == "value" else ()
        site = Site(
            path=self.context.path, line=line, column=column,
            function=self._function_name(), rule=rule, sdk=sdk, key_ref=ref, guard=guard.kind,
            on=self._spans(guard.on), off=self._spans(guard.off), fingerprint=self._fingerprint(guard.on) + value_kind,
            annotations=annotations_for(self.context.lines, line), via=via, proof=proof,
            only_on=only_on, only_off=only_off,
        )
        if guard.assigned:
            self.functions[-1].flags[guard.assigned] = len(self.sites)
        self.sites.append(site)

    def _definition(self, node: cst.CSTNode, rule: ObjectRule | DefineRule, ref: KeyRef, *, action: str = "define",
                    symbol: str | None = None, metadata: tuple[tuple[str, str], ...] = (), at: cst.CSTNode | None = None) -> None:
        line, column = self._start(at or node)
        if self.functions[-1].name != "<module>" and self._function_name() in self.context.rollback:
            action = f"rollback-{action}"
        statement_line = self._statement_line()
        notes = annotations_for(self.context.lines, statement_line) if statement_line != line else ()
        self.definitions.append(Definition(
            path=self.context.path, line=line, column=column, rule=rule.id, sdk=rule.sdk, key_ref=ref,
            action=action, symbol=symbol,
            metadata=tuple(sorted(set(metadata) | set(notes) | set(annotations_for(self.context.lines, line)))),
        ))

    def _statement_line(self) -> int:
        for node in reversed(self.stack):
            if isinstance(node, cst.SimpleStatementLine):
                return self._line(node)
        return 0

    def _function_name(self) -> str:
        function = self.functions[-1].name
        prefix = self.scope.module
        if function == "<module>":
            inner = ".".join(self.names)
            return f"{prefix}.{inner}" if inner and prefix else (inner or prefix or "<module>")
        return f"{prefix}.{function}" if prefix else function

    def _start(self, node: cst.CSTNode) -> tuple[int, int]:
        """Line in the file and column where ``node`` starts."""
        position = self.positions[node]
        return position[0] + self.offset, position[1]

    def _line(self, node: cst.CSTNode) -> int:
        return self.positions[node][0] + self.offset

    def _spans(self, nodes: Sequence[cst.CSTNode]) -> tuple[Span, ...]:
        if not nodes:
            return ()
        return ((self._line(nodes[0]), self.positions[nodes[-1]][2] + self.offset),)

    def _fingerprint(self, nodes: Sequence[cst.CSTNode]) -> tuple[str, ...]:
        return tuple(sorted(self._names(nodes)))

    def _names(self, nodes: Sequence[cst.CSTNode]) -> Counter[str]:
        """Uses in ``nodes`` named as the call graph names its targets: qualified, or ``.attr``; locals left out."""
        names: Counter[str] = Counter()
        for node in nodes:
            names.update(self._dotted_names(node))
        function = self.functions[-1]
        found: Counter[str] = Counter()
        for dotted, count in names.items():
            head = dotted.split(".")[0]
            local = head in function.params or head in function.values or head in function.models
            qualified = None if local else self._qualify_name(dotted)
            if qualified:
                found[qualified] += count
            elif "." in dotted:
                found["." + dotted.rsplit(".", 1)[1]] += count
        return found

    def _dotted_names(self, node: cst.CSTNode) -> Counter[str]:
        """Memoized: a guard's branches and its statement are asked for again by each check inside them."""
        names = self.collected.get(node)
        if names is None:
            collector = _NameCollector()
            walk(node, collector)
            names = self.collected[node] = collector.names
        return names

    def _exclusive(self, guard: Guard, line: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """What the enclosing function uses only in the on-branch, and only in the off-branch: what dies
        with that branch. Whole lines decide, except the check's own line and lines both branches share
        (``a() if flag else b()``), where the uses inside each branch's nodes are counted against the rest."""
        uses = self.context.uses.get(self._function_name(), {})
        on_spans, off_spans = self._spans(guard.on), self._spans(guard.off)
        if not uses or not (on_spans or off_spans):
            return (), ()
        statement = next((n for n in reversed(self.stack) if isinstance(n, cst.BaseStatement)), None)
        on_names, off_names = self._names(guard.on), self._names(guard.off)
        around = self._names([statement]) if statement is not None else Counter()
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

    def _qualify(self, node: cst.BaseExpression) -> str | None:
        dotted = get_full_name_for_node(node)
        return None if dotted is None else self._qualify_name(dotted)

    def _qualify_name(self, dotted: str) -> str | None:
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
        qualified = self._qualify_name(dotted)
        return (KeyPart("sym", qualified),) if qualified else None

    def _key(self, node: cst.Call, args: tuple[KeyArg, ...], template: str = "{}") -> KeyRef:
        parts: list[tuple[KeyPart, ...]] = []
        codes = []
        for arg in args:
            value = _argument(node, arg)
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

    def finish(self) -> tuple[list[Site], list[Definition]]:
        return self.sites, self.definitions


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


def _argument(call: cst.Call, arg: KeyArg) -> cst.BaseExpression | None:
    """The expression passed for ``arg``, by keyword or position; ``None`` if absent or hidden by ``*args``."""
    positional = 0
    for item in call.args:
        if item.star:
            if item.star == "*":
                return None
            continue
        if item.keyword is not None:
            if item.keyword.value == arg.keyword:
                return item.value
            continue
        if arg.position is not None and positional == arg.position:
            return item.value
        positional += 1
    return None


def _is_bool(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value in ("True", "False")


def _keywords(node: cst.Call, module: cst.Module) -> tuple[tuple[str, str], ...]:
    """Literal keyword arguments of a constructor (``default=False``) as metadata."""
    found = []
    for arg in node.args:
        if arg.keyword is not None and isinstance(arg.value, (cst.Name, cst.SimpleString, cst.Integer)):
            found.append((arg.keyword.value, module.code_for_node(arg.value)))
    return tuple(found)
