"""Flag definitions in one span: flag objects and data-migration rows.

A flag object is a constructor call that holds the key (``ENABLE_X = WaffleFlag("ns.x", __name__)``); bound
to a module-level name, that name is the symbol other modules' checks resolve through. A data migration
defines a flag with ``Flag.objects.create(name="k")`` (or ``get_or_create``, ``update_or_create``) and deletes
it with ``Flag.objects.filter(name="k").delete()``; ``Flag`` is waffle's model when it is imported from a
``models`` module or fetched with ``apps.get_model("waffle", "Flag")``. A row written only when a migration is
rolled back is not the flag's state (``rollback-`` actions).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from flagaudit.extract.arguments import argument
from flagaudit.extract.tree import arguments, full_name, is_compound
from flagaudit.facts import Definition, KeyPart, KeyRef
from flagaudit.sdk_rules import DefineRule, KeyArg, ObjectRule

if TYPE_CHECKING:
    from flagaudit.extract.sites import SpanVisitor

RETURNED = "<return>"
"""``pkg.toggles.get_flag.<return>``: the flag object a factory function returns, as a symbol."""
_ROW_CREATORS = frozenset({"create", "get_or_create", "update_or_create"})
_ROW_FINDERS = frozenset({"filter", "get"})
_SAME_ROWS = frozenset({"all", "order_by", "select_related", "prefetch_related", "only", "defer", "distinct", "using"})
"""Query methods that keep the rows a filter found: uktrade/dit-helpdesk's migration deletes switches by
``FlagState.objects.filter(name__in=[...]).all().delete()``."""


def object_definition(visitor: SpanVisitor, node: ast.Call, obj: ObjectRule) -> None:
    """A flag object's constructor; its symbol when it is assigned to a module-level (or class-level) name, or
    returned by a factory function (``get_flag().is_enabled()`` checks it)."""
    symbol = None
    parent = visitor.stack[-2] if len(visitor.stack) > 1 else None
    if isinstance(parent, ast.Assign) and parent.value is node and len(visitor.functions) == 1 \
            and len(parent.targets) == 1:
        target = full_name(parent.targets[0])
        if target and "." not in target:
            prefix = ".".join(filter(None, [visitor.scope.module, *visitor.names]))
            symbol = f"{prefix}.{target}" if prefix else target
    elif isinstance(parent, ast.Return) and len(visitor.functions) > 1:
        symbol = f"{visitor.function_name()}.{RETURNED}"
    add_definition(visitor, node, obj, object_key(visitor, node, obj), symbol=symbol, metadata=_keywords(visitor, node))


def object_key(visitor: SpanVisitor, node: ast.Call, obj: ObjectRule) -> KeyRef:
    """The key a flag object's constructor call holds, in its older signature too (:attr:`ObjectRule.namespaced`):
    a string there, or a third argument after a name that is not ``__name__`` (``NAMESPACE, GRADING_IGNORE_DECOYS,
    __name__``)."""
    name = argument(node, obj.namespaced) if obj.namespaced else None
    if obj.namespaced and name is not None and (isinstance(name, ast.Constant) and isinstance(name.value, str) or (
            len(node.args) > 2 and not (isinstance(name, ast.Name) and name.id == "__name__"))):
        return visitor.key(node, (*obj.key, obj.namespaced), "{}.{}")
    return visitor.key(node, obj.key, obj.key_template)


def model_rows(visitor: SpanVisitor, node: ast.Call, func: ast.Attribute) -> bool:
    """``Flag.objects.create(name="k")`` defines; ``Flag.objects.filter(name="k").delete()`` deletes. The rule's
    ``key`` names the column; a loop over literal keys gives one row per key, and so does ``name__in=[...]``."""
    method = func.attr
    if method in _ROW_CREATORS:
        model, call = _rows_model(visitor, func.value), node
        action = "define"
    elif method == "delete" and (found := deleted_rows(func)) is not None:
        call, manager = found
        model, action = _rows_model(visitor, manager), "delete"
    else:
        return False
    define = visitor.rules.models.get(model or "")
    if define is None:
        return False
    arg = define.key[0] if define.key else KeyArg(None, "name")
    refs = _row_keys(visitor, call, arg)
    for row, ref in refs:
        fields = _row_fields(visitor, call, arg.keyword, row) if action == "define" else ()
        add_definition(visitor, call, define, ref, action=action, metadata=fields, at=node)
    return bool(refs)


def deleted_rows(func: ast.Attribute) -> tuple[ast.Call, ast.expr] | None:
    """The ``filter(...)`` or ``get(...)`` call whose rows ``func`` (a ``.delete`` attribute) deletes, through query
    methods that keep them (``.filter(name__in=[...]).all().delete()``), and the manager it is called on; ``None``
    for any other receiver."""
    found = func.value
    while isinstance(found, ast.Call) and isinstance(found.func, ast.Attribute) and found.func.attr in _SAME_ROWS:
        found = found.func.value
    if isinstance(found, ast.Call) and isinstance(found.func, ast.Attribute) and found.func.attr in _ROW_FINDERS:
        return found, found.func.value
    return None


def _row_fields(visitor: SpanVisitor, call: ast.Call, key: str | None,
                row: int | None = None) -> tuple[tuple[str, str], ...]:
    """A created row's other literal fields, also those in ``defaults={...}`` (``get_or_create``,
    ``update_or_create``), as its definition's metadata (a string as its value): a switch's ``note`` describes
    it. In the ``row``-th turn of a loop over literal rows, a field a loop variable gives is that row's value
    (``for name, note in FLAGS.items(): Flag.objects.get_or_create(name=name, defaults={"note": note})``)."""
    given = [(a.arg, a.value) for a in call.keywords if a.arg is not None and a.arg != key]
    defaults = next((value for name, value in given if name == "defaults"), None)
    if isinstance(defaults, ast.Dict):
        given += [(name.value, value) for name, value in zip(defaults.keys, defaults.values, strict=True)
                  if isinstance(name, ast.Constant) and isinstance(name.value, str)]
    loops = visitor.functions[-1].loops

    def text(value: ast.expr) -> str:
        taken = loops.get(value.id, ()) if row is not None and isinstance(value, ast.Name) else ()
        if row is not None and row < len(taken) and all(part.kind == "lit" for part in taken[row]):
            return "".join(part.value for part in taken[row])
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
        return visitor.source.raw(value)

    return tuple((name, text(value)) for name, value in given if _literal(visitor, value))


def _row_keys(visitor: SpanVisitor, call: ast.Call, arg: KeyArg) -> list[tuple[int | None, KeyRef]]:
    """The keys rows are created or deleted by, each with its turn of the loop that gives it: the rule's key
    argument (a loop variable gives each key it takes, also inside ``"prefix_" + name``), or ``<key>__in=[...]``
    in a filter."""
    if argument(call, arg) is not None:
        ref = visitor.key(call, (arg,))
        turns = visitor.turns(ref)
        return list(enumerate(turns)) if turns else [(None, ref)]
    listed = argument(call, KeyArg(None, f"{arg.keyword}__in")) if arg.keyword else None
    rows = visitor.rows(listed) if listed is not None else None
    if not rows or listed is None:
        return []
    expression = visitor.source.code(listed)
    return [(None, KeyRef(row[0], expression)) for row in rows if len(row) == 1]


def each_turn(ref: KeyRef, loops: Mapping[str, tuple[tuple[KeyPart, ...], ...]]) -> list[KeyRef]:
    """The key ``ref`` spells in each turn of the loop over literal rows that gives one of its parts (``name`` of
    ``for name in SWITCHES:``, also inside ``"prefix_" + name``); none unless exactly one loop's name is in it."""
    variables = {p.value for p in ref.parts if p.kind == "unk" and p.value in loops}
    if len(variables) != 1:
        return []
    (variable,) = variables
    return [replace(ref, parts=tuple(q for p in ref.parts for q in (row if p.kind == "unk" and p.value == variable
                                                                   else (p,))))
            for row in loops[variable]]


def every_row(visitor: SpanVisitor, iterable: ast.expr) -> tuple[str, str] | None:
    """``Switch.objects.all()`` (or ``filter``, ``exclude``, ``order_by``, ``iterator``... chained) of a flag model
    a rule defines rows of: the rule's SDK and the column that holds the key, which a loop over the rows reads
    from each (``{s.name: switch_is_active(s.name) for s in Switch.objects.all()}`` asks for every switch, as a
    view that hands the switches to a front end does)."""
    query = _query(iterable)
    define = visitor.rules.models.get(_rows_model(visitor, query[0]) or "") if query else None
    if define is None:
        return None
    arg = define.key[0] if define.key else KeyArg(None, "name")
    return define.sdk, arg.keyword or "name"


_ROW_QUERIES = frozenset({"all", "filter", "exclude", "order_by", "iterator", "only", "select_related", "distinct"})
MANAGER_CALLS = _ROW_CREATORS | _ROW_FINDERS | _ROW_QUERIES
"""The calls on a model's manager that a read or a definition of its rows starts with."""


def _query(expression: ast.expr) -> tuple[ast.Attribute, list[ast.Call]] | None:
    """The manager a chain of queryset calls starts from (``M.objects`` of ``M.objects.filter(...).only(...)``)
    and the calls, outermost first."""
    calls = []
    while isinstance(expression, ast.Call) and isinstance(expression.func, ast.Attribute) \
            and expression.func.attr in _ROW_QUERIES:
        calls.append(expression)
        expression = expression.func.value
    if calls and isinstance(expression, ast.Attribute) and expression.attr == "objects":
        return expression, calls
    return None


def row_read(visitor: SpanVisitor, node: ast.Call, func: ast.Attribute) -> tuple[DefineRule, ast.Call] | None:
    """``Flag.objects.get(name=k)``, or ``.filter(name=k).first()`` (or ``last``), outside migrations: a
    flag's row read by its key, as a helper that asks waffle's model itself does (``flag = Flag.objects.filter(
    name=flag_name).first(); return flag.is_active(request)``); the rule of the model's rows and the call that
    names the key."""
    found = row_query(func)
    if found is None:
        return None
    manager, call = found[0], found[1] or node
    define = visitor.rules.models.get(_rows_model(visitor, manager) or "")
    if define is None or "migrations" in visitor.context.path.split("/")[:-1]:
        return None
    return define, call


def row_kept(visitor: SpanVisitor, node: ast.Call, func: ast.Attribute) -> DefineRule | None:
    """``flag, _ = Flag.objects.get_or_create(name=k, ...)`` outside migrations, its row kept in a local: the row
    is made if missing and then asked (mozilla/fx-private-relay's ``multi_replies_flag.is_active_for_user(user)``
    a few lines on), a read of the flag as :func:`row_read`'s; the rule of the model's rows."""
    parent = visitor.stack[-2] if len(visitor.stack) > 1 else None
    if func.attr != "get_or_create" or not isinstance(parent, ast.Assign) or parent.value is not node \
            or len(parent.targets) != 1 or "migrations" in visitor.context.path.split("/")[:-1]:
        return None
    target = parent.targets[0]
    row = target.elts[0] if isinstance(target, ast.Tuple) and target.elts else target
    scope = next((n for n in reversed(visitor.stack) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)), None)
    if not isinstance(row, ast.Name) or scope is None or not any(_asks(call, row.id) for call in ast.walk(scope)):
        return None  # a row made to be set (``flag.everyone = True``), not asked
    return visitor.rules.models.get(_rows_model(visitor, func.value) or "")


def _asks(node: ast.AST, row: str) -> bool:
    """``row.is_active(request)``, ``row.is_active_for_user(user)``: the flag's state asked of its row."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
        and node.func.attr.startswith("is_active") and isinstance(node.func.value, ast.Name) \
        and node.func.value.id == row


def row_query(func: ast.Attribute) -> tuple[ast.expr, ast.Call | None] | None:
    """The manager, and the ``filter`` call that names the key, of ``M.objects.filter(name=k)`` ended by
    ``first()`` or ``last()`` (through ``only``, ``order_by``... between); of ``M.objects.get(name=k)``
    the manager alone (the key is in the call of ``func``)."""
    if func.attr == "get":
        return (func.value, None) if isinstance(func.value, ast.Attribute) else None
    if func.attr not in ("first", "last"):
        return None  # not exists(): whether the row is there says nothing of the flag's state
    query = _query(func.value)
    if query is None or cast(ast.Attribute, query[1][-1].func).attr != "filter":
        return None
    return query[0], query[1][-1]


def frozen_label(node: ast.expr) -> str | None:
    """``waffle.flag`` of ``orm['waffle.Flag']`` in a South migration (Django before 1.7), in lower case: South's
    labels ignore case."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "orm" \
            and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value.lower()
    return None


def frozen_model(visitor: SpanVisitor, node: ast.expr) -> str | None:
    """The flag model a South migration's ``orm['waffle.flag']`` names, as a rule spells it."""
    label = frozen_label(node)
    return None if label is None else next((model for model in visitor.rules.models if model.lower() == label), None)


def constructed_row(visitor: SpanVisitor, node: ast.Call) -> bool:
    """``Flag(name="k", ...)`` of a flag model a function bound (``Flag = orm['waffle.flag']``,
    ``apps.get_model("waffle", "Flag")``), saved next as a migration does: defines the row."""
    model = visitor.functions[-1].models.get(node.func.id) if isinstance(node.func, ast.Name) else None
    define = visitor.rules.models.get(model or "")
    if define is None:
        return False
    arg = define.key[0] if define.key else KeyArg(None, "name")
    refs = _row_keys(visitor, node, arg)
    for row, ref in refs:
        add_definition(visitor, node, define, ref, metadata=_row_fields(visitor, node, arg.keyword, row))
    return bool(refs)


def get_model(visitor: SpanVisitor, call: ast.Call) -> str | None:
    """``apps.get_model("waffle", "Flag")`` -> ``waffle.Flag``; ``get_waffle_flag_model()`` -> the model a rule's
    ``model_factories`` name."""
    made = visitor.rules.model_factories.get(visitor.qualify_name(full_name(call.func) or "") or "")
    if made is not None:
        return made
    name = full_name(call.func) or ""
    if not name.endswith("get_model") or len(call.args) + len(call.keywords) < 2:
        return None
    values = [a.value.value for a in arguments(call)[:2]
              if isinstance(a.value, ast.Constant) and visitor.source.simple_string(a.value)]
    if len(values) != 2 or not all(isinstance(v, str) for v in values):
        return None
    return f"{values[0]!s}.{values[1]!s}"


def add_definition(visitor: SpanVisitor, node: ast.expr, rule: ObjectRule | DefineRule, ref: KeyRef, *,
                   action: str = "define", symbol: str | None = None, metadata: tuple[tuple[str, str], ...] = (),
                   at: ast.expr | None = None) -> None:
    """Record a definition at ``at`` (else ``node``), with the annotations on its line and above its statement."""
    line, column = visitor.start(at or node)
    if visitor.functions[-1].name != "<module>" and visitor.function_name() in visitor.context.rollback:
        action = f"rollback-{action}"
    statement_line = _statement_line(visitor)
    notes = visitor.context.notes(statement_line) if statement_line != line else ()
    visitor.definitions.append(Definition(
        path=visitor.context.path, line=line, column=column, rule=rule.id, sdk=rule.sdk, key_ref=ref,
        action=action, symbol=symbol,  # type: ignore[arg-type]
        metadata=tuple(sorted(set(metadata) | set(notes) | set(visitor.context.notes(line)))),
    ))


def _rows_model(visitor: SpanVisitor, manager: ast.expr) -> str | None:
    """``Flag.objects`` -> ``waffle.Flag`` when ``Flag`` is waffle's model (also ``orm['waffle.flag'].objects``)."""
    if not (isinstance(manager, ast.Attribute) and manager.attr == "objects"):
        return None
    if (frozen := frozen_model(visitor, manager.value)) is not None:
        return frozen
    holder = full_name(manager.value)  # also get_waffle_flag_model().objects: a call is named by what it calls
    if holder is None:
        return None
    function = visitor.functions[-1]
    if holder in function.models:
        return function.models[holder]
    if (made := visitor.rules.model_factories.get(visitor.qualify_name(holder) or "")) is not None:
        return made
    qualified = visitor.qualify_name(holder) or ""
    app, _, rest = qualified.partition(".")
    model = rest.rpartition(".")[2]
    return f"{app}.{model}" if rest.startswith("models.") else None


def _statement_line(visitor: SpanVisitor) -> int:
    """The first line of the statement that holds the definition, if it is a line of simple statements of its
    own (``X = Flag("x")``, not ``if x: X = Flag("x")``); else 0."""
    for index in range(len(visitor.stack) - 1, 0, -1):
        node = visitor.stack[index]
        if isinstance(node, ast.stmt):
            if is_compound(node):
                return 0
            first = visitor.first_of_line(node, visitor.stack[index - 1])
            return first.lineno if visitor.source.opens_line(first) else 0
    return 0


def _keywords(visitor: SpanVisitor, node: ast.Call) -> tuple[tuple[str, str], ...]:
    """Literal keyword arguments of a constructor (``default=False``) as metadata."""
    return tuple((arg.arg, visitor.source.raw(arg.value)) for arg in node.keywords
                 if arg.arg is not None and _literal(visitor, arg.value))


def _literal(visitor: SpanVisitor, value: ast.expr) -> bool:
    """A name, or a constant metadata can hold: ``None``, a boolean, an integer or a plain string."""
    return isinstance(value, ast.Name) or isinstance(value, ast.Constant) and (
        value.value is None or isinstance(value.value, bool) or type(value.value) is int
        or visitor.source.simple_string(value))
