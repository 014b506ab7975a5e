"""Find flag checks and definitions in the statements of one span of a file.

The analysis reads the ``ast`` the file was parsed into once (see :mod:`flagaudit.extract.tree` for how it
reads what libcst's tree used to give it), and only the statement spans that can hold a check (see
:func:`flagaudit.extract.symbols.statement_spans` and the gate in ``candidates.py``). Keys leave this module as
:class:`KeyRef` parts; resolving them across modules is the model's job.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any, ClassVar, cast

from flagaudit.extract.adapters import adapted
from flagaudit.extract.annotations import LineNotes
from flagaudit.extract.arguments import argument, no_literal_default
from flagaudit.extract.candidates import NESTED_GET, own_switch_rule, tested_names
from flagaudit.extract.declarations import (
    RETURNED,
    add_definition,
    constructed_row,
    each_turn,
    every_row,
    frozen_model,
    get_model,
    model_rows,
    object_definition,
    object_key,
    row_kept,
    row_read,
)
from flagaudit.extract.fingerprint import BranchUses, exclusive
from flagaudit.extract.guards import Guard, Node, find_guard
from flagaudit.extract.symbols import (
    DJANGO_SETTINGS,
    EACH,
    ITEMS,
    Row,
    Scope,
    import_bindings,
    is_plugin_settings,
    key_parts,
    literal_rows,
)
from flagaudit.extract.tree import (
    Arg,
    Source,
    arguments,
    children,
    full_name,
    is_bool,
    is_compound,
    parameter_names,
    value_literal,
)
from flagaudit.facts import Definition, KeyPart, KeyRef, ReceiverProof, Site, SiteGuard, Span
from flagaudit.meaning import OFF_MARK, VALUE_MARK, in_order
from flagaudit.sdk_rules import (
    ATTRIBUTE_READ,
    DECLARED_READ,
    ENVIRONMENT_READ,
    FIELD_READ,
    GETATTR_READ,
    CheckRule,
    KeyArg,
    ObjectRule,
    RuleSet,
    SettingRule,
    within_modules,
)

_BLOCKS = ("body", "orelse", "finalbody")
_Table = dict[type, Callable[[Any, Any], None]]
"""Node type -> what the walk does on meeting (or leaving) a node of it."""
_MAYBE_KEY = (ast.Constant, ast.BinOp, ast.JoinedStr, ast.Call, ast.Name, ast.Attribute)
"""What a local's value must be for :func:`key_parts` to find anything but one unknown part in it."""


@dataclass(frozen=True)
class SpanContext:
    """What the analysis of one span needs to know about its file."""

    path: str
    source: Source
    notes: LineNotes
    """The annotations of each line, read once per line however many sites it holds."""
    scope: Scope
    rules: RuleSet
    imported: frozenset[str]
    uses_by_node: BranchUses
    """Names used under each node, shared by the file's spans."""
    rollback: frozenset[str] = frozenset()
    """Functions run only when a migration is rolled back: their rows are not the flag's state."""
    uses: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    """From the call facts: function -> target -> lines, to tell what only one branch uses."""
    wanted: tuple[int, ...] = ()
    """Sorted lines where the ``ast`` gate saw a call or subscript a rule could match (see candidates.py)."""
    sequences: dict[str, tuple[Row, ...]] = field(default_factory=dict)
    """Top-level names bound to literal sequences of keys, which data migrations loop over."""
    own_switches: frozenset[int] = frozenset()
    """In a settings module, the lines where a test reads a switch it sets by its bare name (candidates.py)."""
    made: dict[str, str] = field(default_factory=dict)
    """The module's names bound to what a call made -> what calling them calls (``env`` -> ``environ.Env()``)."""


@dataclass
class _Function:
    """Per-function state: parameters and what local names were bound to."""

    name: str
    params: frozenset[str] = frozenset()
    values: dict[str, tuple[KeyPart, ...] | None] = field(default_factory=dict)
    objects: dict[str, ObjectRule] = field(default_factory=dict)
    """Local name -> the rule of the flag object it holds, made here (``waffle_flag = WaffleFlag(f"ns.{cls.model}")``),
    whose key parts are in :attr:`values`."""
    models: dict[str, str] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)
    """Imports inside the function (``from openedx... import FLAG`` under ``try``)."""
    flags: dict[str, tuple[range, int]] = field(default_factory=dict)
    """Local name -> indexes of the sites whose value it holds (``on = flag(); if on:``), one for each key a loop's
    turns give the check, and how many branches and loops enclose the assignment: one assigned again inside more
    of them still holds the check where that assignment does not run."""
    loops: dict[str, tuple[tuple[KeyPart, ...], ...]] = field(default_factory=dict)
    """Loop variable -> the key expressions it takes in turn (``for name in ("a", "b"):``)."""
    sequences: dict[str, tuple[Row, ...]] = field(default_factory=dict)
    """Local name -> the rows of the literal sequence it was bound to (``flags_to_remove = ["a", "b"]``)."""
    made: dict[str, str] = field(default_factory=dict)
    """Local name -> the module-level or imported function whose call it holds (``client = get_client()``)."""
    items: dict[str, str] = field(default_factory=dict)
    """Loop or comprehension variable -> the parameter (of this function or one it is nested in) whose items it
    takes (``any(switch_is_active(s) for s in switches)``): a helper that checks each key of a list it is given."""
    tables: dict[str, tuple[str, ast.Dict]] = field(default_factory=dict)
    """Local name -> the parameter and the dict literal it was picked from (``chosen = {"flag": ...}[kind]``)."""
    rows: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Loop or comprehension variable -> the SDK and key column of the flag model whose every row it takes
    (``for s in Switch.objects.all()``): its key column read in a check asks for every key of that SDK."""
    bound: tuple[str, str] = ("", "")
    """For a method: its first parameter (``self``, ``cls``) and its class's qualified name, whose constants
    ``cls.NAME`` and ``self.NAME`` read (``Flag.get(cls.ROLLOUT_FLAG_NAME)``)."""


def without_negation(parts: tuple[KeyPart, ...], negation: str) -> tuple[tuple[KeyPart, ...], bool]:
    """A key's parts without the prefix that asks for the flag to be off (django-waffle's ``"!name"``), and whether
    it had one."""
    first = parts[0] if parts else None
    if not negation or first is None or first.kind != "lit" or not first.value.startswith(negation):
        return parts, False
    rest = first.value[len(negation):]
    return ((KeyPart("lit", rest),) if rest else ()) + parts[1:], True


def analyse_span(context: SpanContext, module: ast.Module, statements: Sequence[ast.stmt], owner: ast.ClassDef | None,
                 last_line: int) -> tuple[list[Site], list[Definition]]:
    """Sites and definitions in ``statements``, the span of lines up to ``last_line``; ``owner`` is the class
    they are the body of, when the span is part of a class."""
    visitor = SpanVisitor(context, last_line)
    visitor.stack.append(module)
    if owner is not None:
        visitor.stack.append(owner)
        visitor.names.append(owner.name)
    for statement in statements:
        visitor.walk(statement)
    return [site for site in visitor.sites if not _only_kept(site)], visitor.definitions


def _only_kept(site: Site) -> bool:
    """A switch read from the environment (:data:`ENVIRONMENT_READ`) or from a typed settings class
    (:data:`FIELD_READ`) whose value is only kept or passed on: where a setting is made (``USE_SENTRY =
    os.environ.get("USE_SENTRY")``), no check. One of a key the function is given stays: it makes a helper (``def
    get_var(key): value = os.environ.get(key)``), as does one of an entry of each item it is given (plane's ``for
    key in keys: values.append(os.environ.get(key.get("key")))``)."""
    return site.rule.endswith((ENVIRONMENT_READ, FIELD_READ)) and site.guard in ("value", "assign", "assign+value") \
        and not any(part.kind in ("param", "item") for part in site.key_ref.parts)


class SpanVisitor:
    """One walk over a span's statements that fills ``sites`` (flag checks: a call an SDK rule names, a flag
    object's method, a settings read, each with its key parts, guard, branches, fingerprint and annotations)
    and ``definitions`` (flag objects and data-migration rows, built in
    :mod:`flagaudit.extract.declarations`).

    It keeps what the walk has passed: the node stack (for guards), the enclosing class and function names,
    and per function its parameters, imports and what its locals were bound to (a key in a local, a model
    from ``apps.get_model``, a check's value tested later), so that names qualify as the module's imports
    say. What a branch uses is counted in :mod:`flagaudit.extract.fingerprint`.
    """

    def __init__(self, context: SpanContext, last_line: int) -> None:
        self.context = context
        self.source = context.source
        self.scope = context.scope
        self.rules = context.rules
        self.uses = context.uses_by_node
        self.last_line = last_line
        self.stack: list[ast.AST] = []
        self.names: list[str] = []
        self.functions: list[_Function] = [_Function("<module>")]
        self.sites: list[Site] = []
        self.turns_left = _TURNS
        """How many more keys the loops over literal keys may still make sites or definitions of (:meth:`turns`)."""
        self.definitions: list[Definition] = []

    # -- traversal ---------------------------------------------------------------
    def walk(self, node: ast.AST) -> None:
        """Visit ``node`` and what is below it in source order, except expressions that span no candidate line
        while no local holds a check's value (most expressions of a span)."""
        self.stack.append(node)
        if isinstance(node, ast.expr):
            if self.functions[-1].flags or self._holds_candidate(node):
                visit = self._EXPRESSIONS.get(type(node))
                if visit is not None:
                    visit(self, node)
                for child in children(node):
                    self.walk(child)
                if visit is SpanVisitor.visit_comprehension:
                    self._leave_comprehension(cast(_Comprehension, node))
        else:
            kind = type(node)
            visit = self._STATEMENTS.get(kind)
            if visit is not None:
                visit(self, node)
            for child in children(node):
                self.walk(child)
            leave = self._LEAVES.get(kind)
            if leave is not None:
                leave(self, node)
        self.stack.pop()

    def _holds_candidate(self, node: ast.expr) -> bool:
        """Whether an expression spans a line the gate marked; most expressions in a span do not."""
        wanted = self.context.wanted
        index = bisect.bisect_left(wanted, node.lineno)
        return index < len(wanted) and wanted[index] <= (node.end_lineno or node.lineno)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.names.append(node.name)

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self.names.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.names.append(node.name)
        params = parameter_names(node.args)
        bound = ("", "")
        if isinstance(self.stack[-2], ast.ClassDef) and node.args.posonlyargs + node.args.args \
                and not any(full_name(d) == "staticmethod" for d in node.decorator_list):
            owner = ".".join(self.names[:-1])
            bound = ((node.args.posonlyargs + node.args.args)[0].arg,
                     f"{self.scope.module}.{owner}" if self.scope.module else owner)
        held = self._settings_defaults(node.args)
        positional = [*node.args.posonlyargs, *node.args.args]
        if len(self.functions) == 1 and positional and is_plugin_settings(self.scope.module, ".".join(
                [self.scope.module, node.name])) and any(DJANGO_SETTINGS in r.objects for r in self.rules.settings):
            held[positional[0].arg] = DJANGO_SETTINGS  # the platform's settings object
        self.functions.append(_Function(".".join(self.names), frozenset(params) - held.keys(), imports=held,
                                        bound=bound))

    def _settings_defaults(self, parameters: ast.arguments) -> dict[str, str]:
        """Parameters whose default is a settings object a rule reads (``def render(settings=settings)``, ansible/
        awx's rsyslog configuration): read as that object, as the callers that pass nothing have it. The candidate
        gate finds reads by the object's own name, so one renamed (``conf=settings``) is read only on lines it
        lets through."""
        positional = [*parameters.posonlyargs, *parameters.args]
        pairs = [*zip(positional[len(positional) - len(parameters.defaults):], parameters.defaults, strict=True),
                 *((a, d) for a, d in zip(parameters.kwonlyargs, parameters.kw_defaults, strict=True) if d is not None)]
        found = {}
        for parameter, default in pairs:
            qualified = self.scope.as_setting(self._qualify(default))
            if qualified is not None and any(qualified in rule.objects for rule in self.rules.settings):
                found[parameter.arg] = qualified
        return found

    def leave_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.names.pop()
        self.functions.pop()

    # -- local bindings -----------------------------------------------------------
    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        if len(self.functions) == 1:
            return  # module-level imports are in the scope already
        self.functions[-1].imports.update(import_bindings(node, self.scope.package))

    def visit_Assign(self, node: ast.Assign) -> None:
        if len(self.functions) == 1 or len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            return
        name = node.targets[0].id
        function = self.functions[-1]
        if name in function.flags and self._branch_depth() <= function.flags[name][1]:
            del function.flags[name]  # else it is set again only on some paths (``if override: on = True``)
        function.made.pop(name, None)
        function.items.pop(name, None)
        function.tables.pop(name, None)
        function.sequences.pop(name, None)
        function.objects.pop(name, None)
        value = node.value
        function.sequences.pop(f"{name}{ITEMS}", None)
        if isinstance(value, (ast.List, ast.Tuple, ast.Set)) and (rows := literal_rows(value, self._resolve)):
            function.sequences[name] = rows
        if isinstance(value, ast.Dict) and (pairs := literal_rows(value, self._resolve, items=True)):
            function.sequences[f"{name}{ITEMS}"] = pairs  # ``flagged = {URL: "EXPORTING_ON"}``, looked up below
        if isinstance(value, (ast.Name, ast.Attribute)) and (checked := self._qualify(value)) in self.rules.functions:
            function.imports[name] = checked  # ``active = waffle.flag_is_active``: calls of ``active`` are checks
            function.values.pop(name, None)
            return
        function.imports.pop(name, None)
        table = self._table(value)
        if table is not None:
            function.tables[name] = table
        if (frozen := frozen_model(self, value)) is not None:
            function.models[name] = frozen  # ``Flag = orm['waffle.flag']`` (South)
            return
        if isinstance(value, ast.Call):
            made = self._project_symbol(value.func.value) if isinstance(value.func, ast.Attribute) else None
            callee = f"{made}.{cast(ast.Attribute, value.func).attr}" if made and made.endswith("()") \
                else self._qualify(value.func)  # flags = client.get_identity_flags(...), client made by a function
            if callee:
                function.made[name] = callee
            model = get_model(self, value)
            if model:
                function.models[name] = model
                return
            obj = self.rules.classes.get(self._qualify(value.func) or "")
            if obj:
                function.values[name] = object_key(self, value, obj).parts
                function.objects[name] = obj
                return
        looked = self._looked_up(value)  # ``name = SWITCHES.get(processor)``: any of the dict's values
        if looked is not None:
            function.values[name] = looked
            return
        if not _may_hold_key(value):
            function.values[name] = None  # what key_parts would find: one unknown part
            return
        parts = self._parts(value)
        function.values[name] = None if all(p.kind == "unk" for p in parts) else parts

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        """``for name in SWITCHES:`` / ``for name, active in (("a", True), ...):`` over literal keys."""
        self._loop(node.target, node.iter)

    def leave_For(self, node: ast.For | ast.AsyncFor) -> None:
        self._end_loop(node.target)

    def visit_comprehension(self, node: _Comprehension) -> None:
        """``{name: flag_is_active(request, name) for name in FLAGS}``: a check of each key a literal sequence holds,
        as in a ``for`` statement's body."""
        for generator in node.generators:
            self._loop(generator.target, generator.iter)

    def _leave_comprehension(self, node: _Comprehension) -> None:
        """A comprehension's names are its own: they mean nothing after it."""
        for generator in node.generators:
            self._end_loop(generator.target)

    def _loop(self, target: ast.expr, iterable: ast.expr) -> None:
        """A loop's names take the columns of the literal rows it goes over, and a parameter's items."""
        rows = self.rows(iterable)
        loops = self.functions[-1].loops
        names = _targets(target)
        self._take_items(target, iterable)
        for column, name in enumerate(names):
            if not isinstance(name, ast.Name):
                continue
            loops.pop(name.id, None)
            if rows and all(len(row) == len(names) for row in rows):
                loops[name.id] = tuple(row[column] for row in rows)

    def _end_loop(self, target: ast.expr) -> None:
        for name in _targets(target):
            if isinstance(name, ast.Name):
                self.functions[-1].loops.pop(name.id, None)
                self.functions[-1].items.pop(name.id, None)

    def _take_items(self, target: ast.expr, iterable: ast.expr) -> None:
        """``for s in switches`` where ``switches`` is a parameter of this function or of one it is nested in
        (and no local of this one): ``s`` takes the parameter's items."""
        function = self.functions[-1]
        if not isinstance(target, ast.Name):
            return
        function.items.pop(target.id, None)
        function.rows.pop(target.id, None)
        if (rows := every_row(self, iterable)) is not None:
            function.rows[target.id] = rows
        if isinstance(iterable, ast.Name) and len(self.functions) > 1 and iterable.id not in function.values \
                and any(iterable.id in f.params for f in self.functions[1:]):
            function.items[target.id] = iterable.id

    def rows(self, expression: ast.expr) -> tuple[Row, ...] | None:
        """The rows of a literal sequence, inline or named at top level; a dict's keys (also ``.keys()``, and
        ``.items()`` as (key, value) rows)."""
        items = False
        if isinstance(expression, ast.Call) and isinstance(expression.func, ast.Attribute) \
                and not expression.args and not expression.keywords and expression.func.attr in ("keys", "items"):
            items = expression.func.attr == "items"
            expression = expression.func.value
        if isinstance(expression, ast.Name):
            return self._named_rows(expression.id, items)
        return literal_rows(expression, self._resolve, items)

    def _named_rows(self, name: str, items: bool = False) -> tuple[Row, ...] | None:
        """The rows of the literal sequence (with ``items``, the dict's (key, value) rows) a local or, where no
        local has the name, a top-level name holds."""
        function = self.functions[-1]
        local = len(self.functions) > 1 and (name in function.params or name in function.values)
        named = f"{name}{ITEMS}" if items else name
        return function.sequences.get(named) if local else self.context.sequences.get(named)

    def visit_If(self, node: ast.If | ast.While | ast.IfExp) -> None:
        """``on = flag_check(); if on:`` -- give the earlier site this branch's regions."""
        self._tested(node.test, [node.test])

    def visit_Return(self, node: ast.Return) -> None:
        """``(enabled,) = flag_check(); return enabled == "1"``: the function answers the check, as its caller asks."""
        if node.value is not None and self.functions[-1].flags:
            self._tested(node.value, [node.value])

    def _tested(self, test: ast.expr, chain: list[ast.AST]) -> None:
        """A local holding a check's value decides here: alone, negated, compared with an expected parameter or a
        text (``if on == "0":``), or as an operand of ``and``/``or``."""
        if isinstance(test, ast.BoolOp):
            for operand in test.values:
                self._tested(operand, [*chain, operand])
            return
        while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test = test.operand
            chain.append(test)
        if isinstance(test, ast.Compare) and (self._compared(test, test.left) or _with_text(test)):
            test = test.left
            chain.append(test)
        if not isinstance(test, ast.Name):
            return
        held = self.functions[-1].flags.get(test.id)
        if held is None:
            return
        indexes = held[0]
        guard = find_guard([*self.stack, *chain], self.source, self.last_line)
        only_on, only_off = self._exclusive(guard, test.lineno)
        on, off, fingerprint = self._spans(guard.on), self._spans(guard.off), self._fingerprint(guard.on, guard.off)
        for index in indexes:
            site = self.sites[index]
            guards = site.guards or self._closure_guard(guard, site.key_ref, site.when)
            compared = self._compared(chain[-2], test) if len(chain) > 1 and guards else None
            self.sites[index] = replace(site, guard=cast(SiteGuard, f"assign+{guard.kind}"), guards=guards,
                                        compared=compared or site.compared, on=site.on + on, off=site.off + off,
                                        fingerprint=in_order((*site.fingerprint, *fingerprint)),
                                        only_on=tuple(sorted({*site.only_on, *only_on})),
                                        only_off=tuple(sorted({*site.only_off, *only_off})))

    # -- calls ----------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        func = adapted(node.func, self._qualify)
        # ``waffle_switch("k")(view)`` calls what the check made: the check is the inner call, whose name
        # ``_qualify`` would also give the outer one (``full_name`` names what a call calls)
        callee = None if isinstance(func, ast.Call) else self._qualify(func)
        rule = self.rules.functions.get(callee or "") or self.rules.decorators.get(callee or "") \
            or self.rules.functions.get(self._own_method(func) or "") or self._made_call(func, callee)
        if rule:
            self._check(node, rule)
            return
        obj = self.rules.classes.get(callee or "")
        if obj:
            object_definition(self, node, obj)
            return
        define = self.rules.define_functions.get(callee or "")
        if define:
            add_definition(self, node, define, self.key(node, define.key), action=define.action)
            return
        if self._setting_call(node, callee):
            return
        if isinstance(node.func, ast.Attribute):
            self._method_call(node, node.func)
        elif isinstance(node.func, ast.Subscript):
            self._table_call(node)
        else:
            constructed_row(self, node)

    # -- tables of checks -----------------------------------------------------------
    def _table(self, expression: ast.expr) -> tuple[str, ast.Dict] | None:
        """``{"flag": ..., "switch": ...}[kind]`` where ``kind`` is a parameter: the parameter and the table."""
        if isinstance(expression, ast.Subscript) and isinstance(expression.value, ast.Dict) \
                and isinstance(expression.slice, ast.Name) and self._is_param(expression.slice.id):
            return expression.slice.id, expression.value
        return None

    def _chosen(self, expression: ast.expr) -> tuple[str, dict[str, ast.expr]] | None:
        """What ``expression`` is for each string key of a table picked by a parameter: the table's values
        (``chosen``, or the table subscripted in place), or an entry of each value (``chosen["func"]``, where each
        value is a dict literal that has it); ``None`` if unknown, or a table key is not a string."""
        if isinstance(expression, ast.Name) and len(self.functions) > 1:
            table = self.functions[-1].tables.get(expression.id)
        else:
            table = self._table(expression)
        if table is not None:
            param, literal = table
            cases = {k.value: v for k, v in zip(literal.keys, literal.values, strict=True)
                     if isinstance(k, ast.Constant) and isinstance(k.value, str)}
            return (param, cases) if len(cases) == len(literal.keys) else None
        if not (isinstance(expression, ast.Subscript) and isinstance(expression.slice, ast.Constant)
                and isinstance(expression.slice.value, str)):
            return None
        chosen = self._chosen(expression.value)
        if chosen is None:
            return None
        entry = expression.slice.value
        return chosen[0], {case: found for case, value in chosen[1].items() if isinstance(value, ast.Dict)
                           and (found := _entry(value, entry)) is not None}

    def _table_call(self, node: ast.Call) -> None:
        """A check picked from a table by a parameter and called (``chosen["func"](*chosen["args"])``): a site for
        each string the table has a checking function for, made only when the parameter holds it."""
        chosen = self._chosen(node.func)
        if chosen is None:
            return
        param, functions = chosen
        spread = len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Starred)
        listed = self._chosen(cast(ast.Starred, node.args[0]).value) if spread else None
        if spread and (listed is None or listed[0] != param) or node.keywords \
                or any(isinstance(a, ast.Starred) for a in node.args) and not spread:
            return
        for case in sorted(functions):
            function = functions[case]
            rule = self.rules.functions.get(self._qualify(function) or "") \
                if isinstance(function, (ast.Name, ast.Attribute)) else None
            values = listed[1].get(case) if listed else None
            items = values.elts if isinstance(values, (ast.Tuple, ast.List)) else None if listed else node.args
            if rule is None or rule.selector is not None or rule.guards is not None or rule.each \
                    or rule.fixed_key is not None or len(rule.key) != 1 or rule.key[0].position is None \
                    or items is None:
                continue
            position = rule.key[0].position
            if position >= len(items) or any(isinstance(item, ast.Starred) for item in items[:position + 1]):
                continue
            key = items[position]
            ref = KeyRef(self._parts(key), self._code(key), rule.key_template)
            if ref.parts[:1] and ref.parts[0].kind == "lit" and rule.negation \
                    and ref.parts[0].value.startswith(rule.negation):
                continue
            self._site(node, rule.id, rule.sdk, ref, rule.on, rule.via, when=(param, case))

    def _is_param(self, name: str) -> bool:
        """Whether ``name`` is a parameter of the function or of one it is nested in, where the walk is."""
        return self._resolve(name) == (KeyPart("param", name),)

    def _method_call(self, node: ast.Call, func: ast.Attribute) -> None:
        method = func.attr
        symbol = self._project_symbol(func.value)
        made = symbol is not None and symbol.endswith("()")  # what a function of the project returned
        rules = [r for r in self.rules.methods.get(method, ()) if (r.fixed_key is not None
                 or argument(node, r.key[0]) is not None) and not self._parents(func, r)
                 and not self._of_another_class(node, r)]
        for rule in rules:
            if symbol is not None and rule.evidence and not made:
                proof = ReceiverProof(symbol, rule.evidence, any(m in self.context.imported for m in rule.evidence))
                self._check(node, rule, proof)  # one candidate per SDK; the model keeps the one traced
                continue
            if self._evidence(rule.evidence, func.value):
                self._check(node, rule)
                return
        if made:  # no evidence here: one candidate per SDK, kept only if the function's return is traced to it
            for rule in rules:
                if rule.evidence:
                    self._check(node, rule, ReceiverProof(cast(str, symbol), rule.evidence, False))
        if method in self.rules.object_methods and self._object_check(node, func):
            return
        if model_rows(self, node, func):
            if (kept := row_kept(self, node, func)) is not None and argument(node, kept.key[0]) is not None:
                self._site(node, f"{kept.id}/read", kept.sdk, self.key(node, kept.key), "truthy")
            return
        if (read := row_read(self, node, func)) is not None and argument(read[1], read[0].key[0]) is not None:
            define, call = read
            self._site(node, f"{define.id}/read", define.sdk, self.key(call, define.key), "truthy")
            return
        for define in self.rules.define_methods.get(method, ()):
            if self._evidence(define.evidence, func.value) and argument(node, define.key[0]) is not None:
                add_definition(self, node, define, self.key(node, define.key))
                return

    def _of_another_class(self, node: ast.Call, rule: CheckRule) -> bool:
        """Whether the call gives a registry's check a constant of a class other than the registry's
        (:attr:`CheckRule.key_class`)."""
        given = argument(node, rule.key[0]) if rule.key_class and rule.key else None
        if isinstance(given, ast.Attribute) and given.attr == "value":
            given = given.value  # ``Flags.X.value``: the member's text
        if not isinstance(given, ast.Attribute) or not isinstance(given.value, ast.Name | ast.Attribute):
            return False
        module, _, holder = (self._qualify(given.value) or "").rpartition(".")
        registry, _, name = rule.key_class.rpartition(".")
        if not holder[:1].isupper() or holder.isupper():
            return False  # not a class's name (``self.flag``, ``Flags.X`` of an unknown ``Flags``)
        return holder != name or not (registry == module or registry.startswith(module + "."))  # a re-export

    def _project_symbol(self, receiver: ast.expr) -> str | None:
        """The qualified name of a module-level or imported object (not an SDK module itself); ``f()`` for what a
        call of a module-level or imported function returns (``get_client_of_ours().get_boolean_value(...)``), also
        held in a local (``client = get_client()``), and ``f().m()`` for what a method of that returns (also
        called in place, ``get_client().m()``, or held in a local, ``flags = client.m()``)."""
        called = isinstance(receiver, ast.Call)
        if called:
            receiver = receiver.func  # type: ignore[attr-defined]
        if isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Call):
            made = self._project_symbol(receiver.value)  # get_client().get_identity_flags(...)
            if made is None or not made.endswith("()"):
                return None
            return f"{made}.{receiver.attr}()" if called else f"{made}.{receiver.attr}"
        root = full_name(receiver) if isinstance(receiver, (ast.Name, ast.Attribute)) else None
        if root is None:
            return None
        head, _, rest = root.partition(".")
        frame = self.functions[-1]
        if len(self.functions) > 1 and head in frame.made:
            if self._in_sdk(frame.made[head]):
                return None
            symbol = f"{frame.made[head]}()" + (f".{rest}" if rest else "")
            return f"{symbol}()" if called and rest else symbol
        qualified = self._qualify(receiver)
        if qualified is None or self._in_sdk(qualified):
            return None
        return f"{qualified}()" if called else qualified

    def _in_sdk(self, name: str) -> bool:
        """Whether ``name`` lies in a module an SDK rule names."""
        return within_modules(name, self.rules.sdk_modules)

    def _object_check(self, node: ast.Call, func: ast.Attribute) -> bool:
        """``ENABLE_X.is_enabled()``: the receiver is a flag object, here or in another module."""
        receiver = func.value
        if isinstance(receiver, ast.Call):
            made_by = self._qualify(receiver.func)
            obj = self.rules.classes.get(made_by or "")
            if obj and func.attr in obj.methods:
                self._site(node, f"{obj.id}.{func.attr}", obj.sdk, object_key(self, receiver, obj),
                           obj.on)
                return True
            if made_by is None:
                return False
            ref = KeyRef((KeyPart("obj", f"{made_by}.{RETURNED}"),), self._code(receiver))
            self._site(node, f"object.{func.attr}", "", ref, "truthy")  # the model keeps it if a factory made it
            return True
        dotted = full_name(receiver)
        if dotted is None:
            return False
        function = self.functions[-1]
        if "." not in dotted and dotted in function.values and len(self.functions) > 1:
            parts = function.values[dotted]
            if parts is None:
                return False
            ref = KeyRef(parts, self._code(receiver))
            made = function.objects.get(dotted)
            if made is not None:  # a flag object made here: a check of its SDK (platform-plugin-aspects' sinks)
                if func.attr not in made.methods:
                    return False
                self._site(node, f"{made.id}.{func.attr}", made.sdk, ref, made.on)
                return True
        else:
            qualified = self.qualify_name(dotted)
            if qualified is None:
                return False
            ref = KeyRef((KeyPart("obj", qualified),), self._code(receiver))
        self._site(node, f"object.{func.attr}", "", ref, "truthy")
        return True

    def _setting_call(self, node: ast.Call, callee: str | None) -> bool:
        """``settings.FEATURES.get("X")``, ``getattr(settings, "X", False)`` and dynaconf's ``settings.get("X",
        False)`` (ansible/galaxy_ng), read as ``getattr``; a switch of a settings dict of dicts
        (:meth:`_nested_setting`)."""
        if callee and callee.endswith(NESTED_GET):
            return self._nested_setting(node, callee)
        if callee and callee.endswith(".get"):
            holder = self.scope.as_setting(callee[: -len(".get")])
            for rule in self.rules.settings:
                for obj in rule.objects:
                    for name in rule.dicts:
                        if holder == f"{obj}.{name}" and (node.args or node.keywords):
                            self._site(node, rule.id, rule.sdk, self.key(node, (KeyArg(0),), f"{name}['{{}}']"),
                                       "truthy")
                            return True
                if rule.getattr_bool and holder in rule.objects and _read_by_name(arguments(node), rule):
                    self._site(node, f"{rule.id}{GETATTR_READ}", rule.sdk, self.key(node, (KeyArg(0),)), "truthy")
                    return True
            return False
        if callee is not None or full_name(node.func) != "getattr":
            return False
        args = arguments(node)
        holder = self.scope.as_setting(self._qualify(args[0].value)) if args else None
        for rule in self.rules.settings:
            if holder not in rule.objects:
                continue
            if rule.declared and 2 <= len(args) <= 3 and not any(a.keyword or a.star for a in args):
                # getattr(config, name[, default]): any declared value, read by its name
                self._site(node, f"{rule.id}{DECLARED_READ}", rule.sdk, self.key(node, (KeyArg(1),)), "truthy")
                return True
            if rule.getattr_bool and len(args) == 3 and _read_by_name(args[1:], rule):
                self._site(node, f"{rule.id}{GETATTR_READ}", rule.sdk, self.key(node, (KeyArg(1),)), "truthy")
                return True
            if len(args) == 2 and not any(a.keyword or a.star for a in args) and _switch_named(args[1].value, rule):
                # getattr(settings, "X_ENABLED"): the attribute read, spelled as a call (ansible/awx)
                self._site(node, f"{rule.id}{ATTRIBUTE_READ}", rule.sdk, self.key(node, (KeyArg(1),)), "truthy")
                return True
        return False

    def _nested_setting(self, node: ast.Call, callee: str) -> bool:
        """``settings.IMPORTERS.get("trello", {}).get("active", False)``: an entry of a settings dict of dicts, read
        with a boolean default, is a switch (taigaio/taiga-back's importers), keyed ``IMPORTERS['trello']['active']``,
        whatever the dict's own name (its sites count as a switch-named attribute's do)."""
        func = node.func
        if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Call):
            return False  # ``settings.X.get.get(...)``, spelt so: no dict's entry
        holder = self.scope.as_setting(callee[: -len(NESTED_GET)])
        owner, _, name = (holder or "").rpartition(".")
        outer, inner = arguments(node), arguments(func.value)
        entries = [args[0].value for args in (inner, outer) if args and not args[0].keyword and not args[0].star]
        if not name.isupper() or len(outer) != 2 or outer[1].keyword or not is_bool(outer[1].value) \
                or len(entries) != 2 or not all(isinstance(e, ast.Constant) and isinstance(e.value, str)
                                                for e in entries):
            return False
        rule = next((r for r in self.rules.settings if r.attributes and not r.declared and owner in r.objects), None)
        if rule is None:
            return False
        key = f"{name}{''.join(f'[{e.value!r}]' for e in entries)}"  # type: ignore[attr-defined]  # strings
        self._site(node, f"{rule.id}{ATTRIBUTE_READ}", rule.sdk, KeyRef((KeyPart("lit", key),), self._code(node)),
                   "truthy")
        return True

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """``settings.ENABLE_X`` read (not assigned, nor the object of another read or call), where a settings
        rule takes the name for a flag's."""
        reads = self.rules.attribute_reads
        typed = self.rules.typed_fields.get(node.attr)
        if not isinstance(node.ctx, ast.Load) or typed is None and (
                reads is None or not reads.names.fullmatch(node.attr)):
            return
        parent = self.stack[-2]
        if isinstance(parent, ast.Attribute) or isinstance(parent, ast.Subscript) and parent.value is node:
            return  # ``settings.ENABLE_X.is_enabled()``, ``settings.ENABLE_X["a"]``: an object, not the value
        if _compared_with_text(parent, node):
            return  # ``settings.ALLOW_JINJA_IN_EXTRA_VARS == "always"`` (ansible/awx): one of several values
        if isinstance(parent, ast.FormattedValue):
            return  # ``f"HIDE_DEPRECATED_VIEWS: {settings.HIDE_DEPRECATED_VIEWS}"`` (SHARE logs it): no gate
        if typed is not None and _configuration(node.value):
            rule, key = typed
            self._site(node, f"{rule.id}{FIELD_READ}", rule.sdk, KeyRef((KeyPart("lit", key),), self._code(node)),
                       "truthy")
            return
        holder = self._qualify(node.value)
        for rule in self.rules.settings:
            if rule.attributes and holder in rule.objects and re.fullmatch(rule.attributes, node.attr) \
                    and node.attr not in rule.dicts:  # ``name in settings.FEATURE_FLAGS``: the dict, not a flag
                self._site(node, f"{rule.id}{DECLARED_READ if rule.declared else ATTRIBUTE_READ}", rule.sdk,
                           KeyRef((KeyPart("lit", node.attr),), self._code(node)), "truthy")
                return

    def visit_Name(self, node: ast.Name) -> None:
        """In a settings module, ``if X_ENABLED:``: the setting read where it is made, as ``settings.X_ENABLED``
        reads it elsewhere."""
        if node.lineno not in self.context.own_switches or not isinstance(node.ctx, ast.Load):
            return
        for child, parent in pairwise(reversed(self.stack)):
            if isinstance(parent, (ast.If, ast.IfExp, ast.While)) and child is parent.test:
                break
            if not isinstance(parent, (ast.BoolOp, ast.UnaryOp)) or node not in tested_names(cast(ast.expr, parent)):
                return
        else:
            return
        rule = own_switch_rule(self.rules)
        if rule is not None and rule.attributes and re.fullmatch(rule.attributes, node.id):
            self._site(node, f"{rule.id}{ATTRIBUTE_READ}", rule.sdk, KeyRef((KeyPart("lit", node.id),), node.id),
                       "truthy")

    def visit_Subscript(self, node: ast.Subscript) -> None:
        """``settings.FEATURES["X"]`` read (not assigned)."""
        if self._assigned(node):
            return
        holder = self.scope.as_setting(self._qualify(node.value))
        key = node.slice
        if holder is None or isinstance(key, ast.Slice) or isinstance(key, ast.Tuple) and self._bare(key):
            return
        for rule in self.rules.settings:
            for obj in rule.objects:
                for name in rule.dicts:
                    if holder == f"{obj}.{name}":
                        ref = KeyRef(self._parts(key), self._code(key), f"{name}['{{}}']")
                        self._site(node, rule.id, rule.sdk, ref, "truthy")
                        return

    def _assigned(self, node: ast.Subscript) -> bool:
        """Whether the subscript is assigned to (``X[k] = v``), or is what an assigned attribute or item belongs
        to (``X[k].a = v``, ``X[k][j] = v``)."""
        parent = self.stack[-2]
        if isinstance(parent, ast.Assign):
            return any(t is node for t in parent.targets)
        if isinstance(parent, (ast.Attribute, ast.Subscript)) and parent.value is node and len(self.stack) > 2:
            grandparent = self.stack[-3]
            return isinstance(grandparent, ast.Assign) and any(t is parent for t in grandparent.targets)
        return False

    def _bare(self, key: ast.Tuple) -> bool:
        """``x["a", "b"]`` (two subscripts to libcst), not ``x[("a", "b")]``."""
        line = self.source.lines[key.lineno - 1].encode("utf-8", "surrogatepass")
        return line[key.col_offset:key.col_offset + 1] != b"("

    # -- building facts -------------------------------------------------------------
    def _check(self, node: ast.Call, rule: CheckRule, proof: ReceiverProof | None = None) -> None:
        if rule.each and self._each(node, rule, proof):
            return
        if rule.fixed_key is not None:
            if rule.key and argument(node, rule.key[0]) is not None:  # a predicate that checks the key it is given
                self._site(node, rule.id, rule.sdk, self.key(node, rule.key, rule.key_template), rule.on, rule.via,
                           proof)
            ref = KeyRef((KeyPart("lit", rule.fixed_key),), self._code(node.func) + "()")
        else:
            ref = self.key(node, rule.key, rule.key_template)
        if any(p.kind == "any" and p.value != rule.sdk for p in ref.parts):  # another model's rows
            ref = replace(ref, parts=tuple(KeyPart("unk", ref.expression) if p.kind == "any" else p
                                           for p in ref.parts))
        fallback = argument(node, rule.fallback) if rule.fallback else None
        multivariate = fallback is not None and value_literal(fallback)
        on = "value" if multivariate else rule.on
        parts, negated = without_negation(ref.parts, rule.negation)
        if negated:
            ref = replace(ref, parts=parts)
            on = _flipped(on)
        if rule.expects is not None:  # ``@feature_flag_check("x", False)`` runs the view while the flag is off
            given = argument(node, rule.expects)
            expected = rule.expected if given is None else given.value if isinstance(given, ast.Constant) \
                and isinstance(given.value, bool) else None
            on = "value" if expected is None else on if expected else _flipped(on)
        guards = self._made_guard(node, rule, on)
        if rule.selector is None:
            self._site(node, rule.id, rule.sdk, ref, on, rule.via, proof, guards=guards)
            return
        chosen = argument(node, rule.selector)
        if isinstance(chosen, ast.Constant) and isinstance(chosen.value, str):
            for case, sdk in rule.cases:
                if case == chosen.value:
                    self._site(node, rule.id, sdk, ref, on, rule.via, proof, guards=guards)
        elif isinstance(chosen, ast.Name) and self._is_param(chosen.id):
            for case, sdk in rule.cases:
                self._site(node, rule.id, sdk, ref, on, rule.via, proof, when=(chosen.id, case), guards=guards)

    def _each(self, node: ast.Call, rule: CheckRule, proof: ReceiverProof | None) -> bool:
        """A helper that checks each key of a list (or the ``entry`` of each dict of it): a site per key written in
        the call, none without; whether the call was so decided."""
        listed = argument(node, rule.key[0])
        if listed is None or isinstance(listed, ast.Constant) and listed.value is None:
            return True
        if not isinstance(listed, (ast.List, ast.Tuple, ast.Set)):
            return False
        for item, name in zip(listed.elts, self._unpacked(node, len(listed.elts)), strict=True):
            key = (_entry(item, rule.entry) if isinstance(item, ast.Dict) else None) if rule.entry else item
            if key is not None:
                self._site(node, rule.id, rule.sdk, KeyRef(self._parts(key), self._code(key)), rule.on, rule.via,
                           proof, assigned=name)
        return True

    def _unpacked(self, node: ast.Call, count: int) -> list[str | None]:
        """The names a helper's answers for each of ``count`` keys are unpacked to, in order (``(ENABLE_SIGNUP,) =
        get_configuration_value([...])``), each tested later as a check's value kept in a local is; ``None`` for
        each where the call's value goes anywhere else."""
        parent = self.stack[-2]
        if isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1 \
                and isinstance(parent.targets[0], (ast.Tuple, ast.List)) and len(parent.targets[0].elts) == count:
            return [name.id if isinstance(name, ast.Name) else None for name in parent.targets[0].elts]
        return [None] * count

    def _made_guard(self, node: ast.Call, rule: CheckRule, on: str) -> tuple[str, ...]:
        """``def wrapper(fn): return guarded(fn, name)`` nested in and returned by a function: the call returns a
        version of the parameter ``fn`` that runs only on the rule's side of the check (``Site.guards``)."""
        given = argument(node, rule.guards) if rule.guards is not None else None
        if not isinstance(given, ast.Name) or on not in _SIDES:
            return ()
        frame = self._frame()
        if frame is None or not self._returned(frame) \
                or given.id not in self.functions[-1].params or not isinstance(self.stack[-2], ast.Return) \
                or not any(s is self.stack[-2] for s in cast(ast.FunctionDef, self.stack[frame]).body):
            return ()
        return given.id, _SIDES[on]

    def _closure_guard(self, guard: Guard, ref: KeyRef, when: tuple[str, ...]) -> tuple[str, ...]:
        """A check in a closure its function returns, of a key that function is given, deciding whether the one
        callable parameter the closure calls runs: that parameter and the side of the check it runs on, if every
        call of it is on that side (``Site.guards``); ``()`` when unsure. The key may also be given to the
        function around that one, which returns it (a decorator factory: ``def require(name): def decorator(fn):
        def run(*args): ...``), where the callable runs only while the flag is on: a factory whose function runs
        while it is off swaps other code in, which only the decorator names (a rule file's)."""
        if len(self.functions) < 3 or len(ref.parts) != 1 or ref.parts[0].kind != "param" \
                or not set(ref.parts[0].value).isdisjoint(".:") or not (guard.on or guard.off):
            return ()
        frame = self._frame()
        if frame is None or not self._returned(frame) or not self._plain_test():
            return ()
        closure = cast(ast.FunctionDef, self.stack[frame])
        own = set(parameter_names(closure.args))
        given = set(parameter_names(cast(ast.FunctionDef, self.stack[frame - 1]).args)) - own
        keyed = {ref.parts[0].value, *when[:1]}
        factory = not given.issuperset(keyed)
        if factory and not (len(self.functions) > 3 and self._returned(frame - 1) and keyed.issubset(
                set(parameter_names(cast(ast.FunctionDef, self.stack[frame - 2]).args)) - given - own)):
            return ()
        given -= keyed
        calls = [n for n in ast.walk(closure) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                 and n.func.id in given]
        if len({cast(ast.Name, n.func).id for n in calls}) != 1:
            return ()
        for nodes, side in ((guard.on, "on"), (() if factory else guard.off, "off")):
            within = {id(n) for top in nodes for n in ast.walk(top)}
            if all(id(n) in within for n in calls):
                return cast(ast.Name, calls[0].func).id, side
        return ()

    def _frame(self) -> int | None:
        """Where the innermost function is on the stack."""
        return next((i for i in range(len(self.stack) - 1, -1, -1)
                     if isinstance(self.stack[i], (ast.FunctionDef, ast.AsyncFunctionDef))), None)

    def _returned(self, frame: int) -> bool:
        """Whether the function at ``frame`` on the stack is defined in the body of the function around it, which
        returns it there: by name, or through ``functools`` (nycmeshnet/meshdb's ``return wraps(func)(inner)``,
        ``return update_wrapper(inner, func)``)."""
        inner, outer = self.stack[frame], self.stack[frame - 1]
        return isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)) \
            and isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(s is inner for s in outer.body) \
            and any(isinstance(s, ast.Return) and _is_named(_unwrapped(s.value), inner.name) for s in outer.body)

    def _plain_test(self) -> bool:
        """Whether the check decides its guard through nothing but ``not``, ``and`` and ``or`` (a comparison's
        meaning depends on what it is compared with), or a comparison with a parameter (:meth:`_compared`)."""
        for child, node in pairwise(reversed(self.stack)):
            if isinstance(node, ast.stmt):
                return True
            if isinstance(node, ast.Compare) and self._compared(node, child) is None:
                return False
        return True

    def _compared(self, test: ast.AST, left: ast.AST) -> tuple[str, str] | None:
        """``answer == expected`` (``is``, or negated): the parameter ``expected`` of a function the walk is in,
        and its default written out (empty without one), when ``left`` is the answer; ``None`` otherwise."""
        if not isinstance(test, ast.Compare) or test.left is not left or len(test.ops) != 1 \
                or not isinstance(test.ops[0], (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
            return None
        other = test.comparators[0]
        if not isinstance(other, ast.Name) or not self._is_param(other.id):
            return None
        for node in reversed(self.stack):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args
                names = [a.arg for a in (*args.posonlyargs, *args.args)]
                keywords = zip(args.kwonlyargs, args.kw_defaults, strict=True)
                defaults = {**dict(zip(names[len(names) - len(args.defaults):], args.defaults, strict=True)),
                            **{a.arg: d for a, d in keywords if d is not None}}
                if other.id in {*names, *(a.arg for a in args.kwonlyargs)}:
                    default = defaults.get(other.id)
                    return other.id, ast.unparse(default) if default is not None else ""
        return None

    def _site(self, node: ast.Call | ast.Subscript | ast.Attribute | ast.Name, rule: str, sdk: str, ref: KeyRef,
              on: str, via: tuple[str, ...] = (), proof: ReceiverProof | None = None, when: tuple[str, ...] = (),
              guards: tuple[str, ...] = (), assigned: str | None = None) -> None:
        """A site of ``node``; ``assigned``: the local its answer is unpacked to (:meth:`_unpacked`)."""
        guard = Guard("assign", assigned=assigned) if assigned else find_guard(
            self.stack, self.source, self.last_line, polarity=(on != "falsy"))
        if rule.endswith(ENVIRONMENT_READ) and _makes_itself(guard, ref):
            return
        line, column = self.start(node)
        only_on, only_off = self._exclusive(guard, line)
        value_kind = (VALUE_MARK,) if on == "value" else ()
        site = Site(
            path=self.context.path, line=line, column=column,
            function=self.function_name(), rule=rule, sdk=sdk, key_ref=ref, guard=guard.kind,
            on=self._spans(guard.on), off=self._spans(guard.off),
            fingerprint=in_order((*self._fingerprint(guard.on, guard.off), *value_kind)),
            annotations=self.context.notes(line), via=via, proof=proof,
            only_on=only_on, only_off=only_off, when=when,
            guards=guards or self._closure_guard(guard, ref, when),
        )
        if site.guards and not guards:
            compared = next((c for child, parent in pairwise(reversed(self.stack))
                             if isinstance(parent, ast.Compare) and (c := self._compared(parent, child))), None)
            site = replace(site, compared=compared or ())
        turns = self.turns(ref)  # ``for name in FLAGS: flag_is_active(request, name)``
        start = len(self.sites)
        self.sites.extend([replace(site, key_ref=turn) for turn in turns] or [site])
        if guard.assigned:
            self.functions[-1].flags[guard.assigned] = (range(start, len(self.sites)), self._branch_depth())

    def _branch_depth(self) -> int:
        """How many branches, loops and exception handlers enclose the node the walk is at."""
        return sum(isinstance(node, _BRANCHES) for node in self.stack)

    def turns(self, ref: KeyRef) -> list[KeyRef]:
        """The key ``ref`` spells in each turn of a loop over literal keys (:func:`each_turn`), while the span's
        budget lasts: a file of a hostile pull request could loop over a tuple of 100,000 names around each of
        thousands of checks. Past it, the one reference, as a key not known."""
        turns = each_turn(ref, self.functions[-1].loops)
        if len(turns) > self.turns_left:
            return []
        self.turns_left -= len(turns)
        return turns

    def function_name(self) -> str:
        function = self.functions[-1].name
        prefix = self.scope.module
        if function == "<module>":
            inner = ".".join(self.names)
            return f"{prefix}.{inner}" if inner and prefix else (inner or prefix or "<module>")
        return f"{prefix}.{function}" if prefix else function

    def start(self, node: ast.expr) -> tuple[int, int]:
        """Line in the file and column (in characters) where ``node`` starts."""
        return self.source.start(node)

    def _spans(self, nodes: Sequence[Node]) -> tuple[Span, ...]:
        if not nodes:
            return ()
        return ((self.source.first_line(nodes[0]), self.source.last_line(nodes[-1])),)

    def _fingerprint(self, on: Sequence[ast.AST], off: Sequence[ast.AST]) -> tuple[str, ...]:
        """The on-branch's names, and the off-branch's marked :data:`~flagaudit.meaning.OFF_MARK`: two sites
        whose branches trade places (one shows what the other stops showing) are one feature."""
        return in_order((*self._names(on), *(OFF_MARK + n for n in self._names(off))))

    def _names(self, nodes: Sequence[ast.AST]) -> Counter[str]:
        """What ``nodes`` use, qualified; a name the branch imports itself is that import's (ansible/awx's
        ``from awx.main.signals import disable_activity_stream`` inside the branch that calls it), which the walk
        has not reached when the check is read."""
        function = self.functions[-1]
        imported = {name: target for node in nodes for name, target in self.uses.imports(node).items()}

        def is_local(head: str) -> bool:
            return head not in imported and (head in function.params or head in function.values
                                              or head in function.models)

        def qualify(dotted: str) -> str | None:
            head, _, rest = dotted.partition(".")
            if head in imported:
                return f"{imported[head]}.{rest}" if rest else imported[head]
            return self.qualify_name(dotted)

        return self.uses.named(nodes, is_local, qualify)

    def _exclusive(self, guard: Guard, line: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """What dies with each branch (:func:`flagaudit.extract.fingerprint.exclusive`)."""
        uses = self.context.uses.get(self.function_name(), {})
        on_spans, off_spans = self._spans(guard.on), self._spans(guard.off)
        if not uses or not (on_spans or off_spans):
            return (), ()
        around = self._names(self._statement()) if len(self.stack) > 1 else Counter()
        return exclusive(uses, line, on_spans, off_spans, self._names(guard.on), self._names(guard.off), around)

    def _statement(self) -> list[ast.AST]:
        """The innermost statement around the check as libcst has statements: a compound statement, or a line of
        simple statements (``a = 1; b = flag()``) unless the line is a compound statement's (``if x: y()``),
        where it is that statement."""
        for index in range(len(self.stack) - 1, 0, -1):
            node = self.stack[index]
            if not isinstance(node, ast.stmt):
                continue
            if is_compound(node):
                return [node]
            holder = self.stack[index - 1]
            first = self.first_of_line(node, holder)
            if not self.source.opens_line(first):
                return next(([n] for n in reversed(self.stack[:index]) if isinstance(n, ast.stmt)), [])
            return self._line_of(first, holder)
        return []

    def first_of_line(self, statement: ast.stmt, holder: ast.AST) -> ast.stmt:
        """The first of the simple statements that share ``statement``'s line (``a = 1; b = 2``)."""
        block = _block(statement, holder)
        index = next(i for i, s in enumerate(block) if s is statement)
        while index and not is_compound(block[index - 1]) and block[index - 1].end_lineno == block[index].lineno:
            index -= 1
        return block[index]

    def _line_of(self, first: ast.stmt, holder: ast.AST) -> list[ast.AST]:
        block = _block(first, holder)
        index = next(i for i, s in enumerate(block) if s is first)
        found: list[ast.AST] = [first]
        while index + 1 < len(block) and not is_compound(block[index + 1]) \
                and block[index + 1].lineno == block[index].end_lineno:
            index += 1
            found.append(block[index])
        return found

    def _qualify(self, node: ast.expr) -> str | None:
        dotted = full_name(node)
        return None if dotted is None else self.qualify_name(dotted)

    def _parents(self, func: ast.Attribute, rule: CheckRule) -> bool:
        """``super().is_open_for_signup(...)`` in the project's helper method ``is_open_for_signup`` (paperless-ngx's
        signup adapter): the parent class's method, not a call of the helper ``rule`` was inferred for."""
        value, (_, owner) = func.value, self.functions[-1].bound
        return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super" \
            and bool(owner) and rule.via[:1] == (f"{owner}.{func.attr}",)

    def _made_call(self, func: ast.expr, callee: str | None) -> CheckRule | None:
        """The rule for a call of what a module-level call made (``env("X")`` after ``env = environ.Env(...)``),
        which a rule names as ``environ.Env()``."""
        return self.rules.functions.get(self.context.made.get(callee or "", "")) if isinstance(func, ast.Name) else None

    def _own_method(self, func: ast.expr) -> str | None:
        """``self.name`` in a method: the qualified name of its class's method (a helper method whose name other
        classes' methods share is inferred by that name, ``Memory._is_enabled``, not by ``._is_enabled``)."""
        head, _ = self.functions[-1].bound
        if head and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == head:
            return f"{self.functions[-1].bound[1]}.{func.attr}"
        return None

    def qualify_name(self, dotted: str) -> str | None:
        """Through the function's own imports, then the module's; ``None`` for parameters and locals."""
        head, _, rest = dotted.partition(".")
        function = self.functions[-1]
        if head in function.imports:
            return f"{function.imports[head]}.{rest}" if rest else function.imports[head]
        if len(self.functions) > 1 and (head in function.params or head in function.values):
            return None
        return self.scope.qualify(dotted)

    def _evidence(self, modules: tuple[str, ...], receiver: ast.expr) -> bool:
        """A generic method name counts only if the module imports the SDK or the receiver comes from it."""
        if not modules:
            return True
        if any(m in self.context.imported for m in modules):
            return True
        origin = self._qualify(receiver.func if isinstance(receiver, ast.Call) else receiver) or ""
        return within_modules(origin, modules)

    def _code(self, node: ast.expr) -> str:
        return self.source.code(node)

    def _parts(self, expression: ast.expr) -> tuple[KeyPart, ...]:
        return self._looked_up(expression) or key_parts(expression, self._resolve)

    def _looked_up(self, expression: ast.expr) -> tuple[KeyPart, ...] | None:
        """``SWITCHES[processor]`` or ``SWITCHES.get(processor)`` of a literal dict whose values are keys: a key that
        is any of them, as a loop's name over them is (:func:`each_turn` makes a site of each); uktrade/
        great-international-ui's ``settings.FEATURE_FLAGS[flagged_choices[value]]``. The lookup, by its code, stands
        for the values; a literal index, for its entry's."""
        if isinstance(expression, ast.Subscript):
            holder, index = expression.value, expression.slice
        elif isinstance(expression, ast.Call) and isinstance(expression.func, ast.Attribute) \
                and expression.func.attr == "get" and len(expression.args) == 1 and not expression.keywords:
            holder, index = expression.func.value, expression.args[0]
        else:
            return None
        if not isinstance(holder, ast.Name):
            return self._looked_up_elsewhere(holder, index)
        param = self.functions[-1].items.get(holder.id)
        if param is not None:  # ``key.get("key")`` of each dict a helper is given: an entry of its items
            return (KeyPart("item", f"{param}[{index.value}]"),) \
                if isinstance(index, ast.Constant) and isinstance(index.value, str) else None
        pairs = self._named_rows(holder.id, items=True)
        if not pairs:  # no literal here: a constant another module may hold
            return self._looked_up_elsewhere(holder, index)
        values = tuple(row[1] for row in pairs if len(row) == 2)
        if not values or not all(part.kind == "lit" for value in values for part in value):
            return None
        if isinstance(index, ast.Constant):  # ``SWITCHES["PayPal"]``: that entry's
            entry = (KeyPart("lit", index.value),) if isinstance(index.value, str) else None
            return next((row[1] for row in pairs if row[0] == entry), None)
        code = self._code(expression)
        self.functions[-1].loops[code] = values
        return (KeyPart("unk", code),)

    def _looked_up_elsewhere(self, holder: ast.expr, index: ast.expr) -> tuple[KeyPart, ...] | None:
        """``constants.PAGE_FLAGS.get(page_type)`` of a constant dict another module may hold (or an import of
        one): a ``sym`` part of its values (:data:`~flagaudit.extract.symbols.EACH`), which the model takes each of
        if the dict's are texts (uktrade/great-international-ui's view asks ``settings.FEATURE_FLAGS[flag_name]``
        of a flag its constants module maps each page type to). Only an upper-case name, a constant's, looked up
        by what the code computes."""
        qualified = self._qualify(holder)
        if qualified is None or isinstance(index, ast.Constant) or not qualified.rpartition(".")[2].isupper():
            return None
        return (KeyPart("sym", qualified + EACH),)

    def _resolve(self, dotted: str) -> tuple[KeyPart, ...] | None:
        function = self.functions[-1]
        head, _, rest = dotted.partition(".")
        if head in function.rows and rest == function.rows[head][1]:
            return (KeyPart("any", function.rows[head][0]),)
        if len(self.functions) > 1:
            if head == function.bound[0] and rest.isupper() and "." not in rest and head not in function.values:
                return (KeyPart("sym", f"{function.bound[1]}.{rest}"),)  # a constant of the method's class
            if head in function.values:
                return None if rest else function.values[head]
            if head in function.params:  # also ``flag.slug`` of an object it is given (a wrapper's key)
                return None if "." in rest else (KeyPart("param", dotted),)
            if head in function.items:
                return None if rest else (KeyPart("item", function.items[head]),)
            if head not in function.imports:
                for outer in reversed(self.functions[1:-1]):
                    if head in outer.values:
                        break
                    if head in outer.params:
                        return None if rest else (KeyPart("param", head),)
        qualified = self.qualify_name(dotted)
        return (KeyPart("sym", qualified),) if qualified else None

    def key(self, node: ast.Call, args: tuple[KeyArg, ...], template: str = "{}") -> KeyRef:
        parts: list[tuple[KeyPart, ...]] = []
        codes = []
        for arg in args:
            value = argument(node, arg)
            if value is None:
                parts.append((KeyPart("unk", "<missing>"),))
                codes.append("<missing>")
            elif arg.attribute or arg.case or arg.frame != ("", ""):
                read = ast.Attribute(value, arg.attribute, ast.Load()) if arg.attribute else value
                if arg.case:
                    read = ast.Call(ast.Attribute(read, arg.case, ast.Load()), [], [])
                before, after = arg.frame
                parts.append((*((KeyPart("lit", before),) if before else ()),
                              *self._parts(ast.copy_location(read, value)),
                              *((KeyPart("lit", after),) if after else ())))
                codes.append(self._code(value) + (f".{arg.attribute}" if arg.attribute else "")
                             + (f".{arg.case}()" if arg.case else ""))
            else:
                parts.append(self._parts(value))
                codes.append(self._code(value))
        if len(parts) == 1:
            return KeyRef(parts[0], codes[0], template)
        flat = tuple(p for group in parts for p in (group if len(group) == 1 else (KeyPart("unk", "<complex>"),)))
        return KeyRef(flat, ", ".join(codes), template)

    _EXPRESSIONS: ClassVar[_Table] = {
        ast.Call: visit_Call, ast.Subscript: visit_Subscript, ast.Attribute: visit_Attribute, ast.IfExp: visit_If,
        ast.Name: visit_Name,
        ast.GeneratorExp: visit_comprehension, ast.ListComp: visit_comprehension, ast.SetComp: visit_comprehension,
        ast.DictComp: visit_comprehension}
    _STATEMENTS: ClassVar[_Table] = {
        ast.ClassDef: visit_ClassDef, ast.FunctionDef: visit_FunctionDef, ast.AsyncFunctionDef: visit_FunctionDef,
        ast.Import: visit_Import, ast.ImportFrom: visit_Import, ast.Assign: visit_Assign, ast.For: visit_For,
        ast.AsyncFor: visit_For, ast.If: visit_If, ast.While: visit_If, ast.Return: visit_Return}
    _LEAVES: ClassVar[_Table] = {ast.ClassDef: leave_ClassDef, ast.FunctionDef: leave_FunctionDef,
                                 ast.AsyncFunctionDef: leave_FunctionDef, ast.For: leave_For, ast.AsyncFor: leave_For}


_TURNS = 10_000
"""Sites and definitions a span's loops over literal keys may make (a data migration creates a few hundred)."""
_Comprehension = ast.GeneratorExp | ast.ListComp | ast.SetComp | ast.DictComp
"""What :meth:`SpanVisitor.visit_comprehension` is given."""
_SIDES = {"truthy": "on", "falsy": "off"}
"""A check's polarity -> the side of it what it guards runs on."""


def _flipped(on: str) -> str:
    """The polarity of a check whose answer is taken the other way round (``!name``, compared with ``False``)."""
    return {"truthy": "falsy", "falsy": "truthy"}.get(on, on)


def _makes_itself(guard: Guard, ref: KeyRef) -> bool:
    """``if os.environ.get("X") in ("True", "1"): X = True``: the setting ``X`` made from the environment, as ``X =
    os.environ.get("X") == "1"`` makes it (:func:`_only_kept`), where every statement either branch runs
    sets ``X`` and nothing else."""
    key = ref.parts[0].value if len(ref.parts) == 1 and ref.parts[0].kind == "lit" else None
    branches = [*guard.on, *guard.off]
    return key is not None and bool(branches) and all(
        isinstance(n, ast.Assign) and all(isinstance(t, ast.Name) and t.id == key for t in n.targets) for n in branches)


def _entry(literal: ast.Dict, name: str) -> ast.expr | None:
    """The value a dict literal gives the string key ``name``."""
    return next((v for k, v in zip(literal.keys, literal.values, strict=True)
                 if isinstance(k, ast.Constant) and k.value == name), None)


def _block(statement: ast.stmt, holder: ast.AST) -> list[ast.stmt]:
    """The list of statements of ``holder`` that ``statement`` is in."""
    for name in _BLOCKS:
        block = getattr(holder, name, None)
        if isinstance(block, list) and any(s is statement for s in block):
            return block
    return [statement]


def _may_hold_key(value: ast.expr) -> bool:
    """Whether :func:`key_parts` can find more than one unknown part in a local's value (saves unparsing the
    others, which are most assignments)."""
    if not isinstance(value, _MAYBE_KEY):
        return False
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str)
    if isinstance(value, ast.BinOp):
        return isinstance(value.op, ast.Add)
    if isinstance(value, ast.Call):
        return isinstance(value.func, ast.Attribute) and value.func.attr == "format"
    return True


def _targets(target: ast.expr) -> list[ast.expr]:
    """The names a ``for`` binds: ``name``, or each of ``name, active``."""
    if isinstance(target, (ast.Tuple, ast.List)):
        return [e.value if isinstance(e, ast.Starred) else e for e in target.elts]
    return [target]


def _with_text(test: ast.Compare) -> bool:
    """``ENABLE_SIGNUP == "0"``: an answer kept in a local, compared with one text (which says on or off:
    :func:`flagaudit.extract.guards.find_guard`)."""
    return len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.NotEq)) \
        and isinstance(test.comparators[0], ast.Constant) and isinstance(test.comparators[0].value, str)


def _configuration(receiver: ast.expr) -> bool:
    """Whether an object is named as configuration, by its name, the attribute holding it or the function or class
    making it (``config``, ``self.notification_config``, ``get_soap_config()``, ``EndpointConfig()``; ``feature_flags``
    for a class named for flags): a field of a typed settings class is read by a name any object may have, and the
    object's class is not known here."""
    if isinstance(receiver, ast.Call):
        receiver = receiver.func
    name = receiver.attr if isinstance(receiver, ast.Attribute) else receiver.id if isinstance(receiver, ast.Name) \
        else ""
    return _CONFIGURATION.search(name) is not None


_BRANCHES = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler, ast.match_case)
"""Statements whose bodies may not run (a ``try``'s body runs, up to where it raises)."""
_CONFIGURATION = re.compile(r"(?:^|_)(?:config|conf|cfg|settings?|env|flags|features|CONFIG|CONF|CFG|SETTINGS?|ENV)$"
                            r"|(?:^|[a-z0-9])(?:Config|Conf|Cfg|Settings?|Env|Flags|Features)$")


def _compared_with_text(parent: ast.AST, node: ast.expr) -> bool:
    """Whether ``parent`` compares ``node`` with text (``== "always"``, ``in ("a", "b")``): a setting of several
    values, not a switch."""
    if not isinstance(parent, ast.Compare):
        return False

    def text(operand: ast.expr) -> bool:
        if isinstance(operand, ast.Tuple | ast.List | ast.Set):
            return bool(operand.elts) and all(map(text, operand.elts))
        return isinstance(operand, ast.Constant) and isinstance(operand.value, str)

    operands = [parent.left, *parent.comparators]
    return any(o is node for o in operands) and any(text(o) for o in operands if o is not node)


def _read_by_name(args: list[Arg], rule: SettingRule) -> bool:
    """``settings.get("X", True|False)``, or ``settings.get("ENABLE_X")`` (``None`` by default, or a variable) for a
    name that says it is a switch: as ``getattr(settings, ...)`` is read (whose arguments after the object are
    these)."""
    if not 1 <= len(args) <= 2 or any(a.keyword or a.star for a in args):
        return False
    if len(args) == 2 and is_bool(args[1].value):
        return True
    return (len(args) == 1 or no_literal_default(args[1].value)) and _switch_named(args[0].value, rule)


def _switch_named(node: ast.expr, rule: SettingRule) -> bool:
    """A setting's name as a string that says it is a switch (``"ENABLE_AUTO_AUTH"``): read with a ``None``
    default it is still a flag, where ``getattr(settings, "X", None)`` of any other name is mere configuration."""
    return rule.attributes is not None and isinstance(node, ast.Constant) and isinstance(node.value, str) \
        and re.fullmatch(rule.attributes, node.value) is not None


def _unwrapped(value: ast.expr | None) -> ast.expr | None:
    """What a returned ``wraps(f)(g)`` or ``update_wrapper(g, f)`` is: ``g``, with ``f``'s name and docstring."""
    if isinstance(value, ast.Call) and len(value.args) == 1 and isinstance(value.func, ast.Call) \
            and _is_named(value.func.func, "wraps"):
        return value.args[0]
    if isinstance(value, ast.Call) and value.args and _is_named(value.func, "update_wrapper"):
        return value.args[0]
    return value


def _is_named(node: ast.expr | None, name: str) -> bool:
    """Whether ``node`` is the name ``name``, or an attribute of that name (``functools.wraps``)."""
    return isinstance(node, ast.Name) and node.id == name or isinstance(node, ast.Attribute) and node.attr == name
