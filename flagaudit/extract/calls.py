"""Call-graph facts from Python's ``ast``: functions, classes, and what each one calls or references.

Every file gets this pass, so it is one walk over the tree: uses are
recorded raw and resolved when the module is done, once every function's
local names are known (Python decides locality per function, not per line).
A target is a qualified name where the module's imports or definitions tell
it (``pkg.orders.send``), and ``.name`` where only the attribute is known
(``self.send()``, ``obj.send``): the graph links those to every project
function of that name, which keeps "unreachable" conservative.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flagaudit.extract.symbols import Scope, dotted_name, import_bindings
from flagaudit.facts import Function

_intern = sys.intern
_DOTTED_PATH = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?::[A-Za-z_]\w*)?$")
"""``"pkg.views.handler"`` or ``"pkg.cli:main"``: Django settings, pipelines and plugin configs name code this way."""


@dataclass
class _Frame:
    name: str
    kind: str
    parent: _Frame | None
    line: int = 0
    end: int = 0
    decorators: tuple[str, ...] = ()
    bases: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    local: set[str] = field(default_factory=set)
    imports: dict[str, str] = field(default_factory=dict)
    """Names a function imports in its own body (``from app.signals import handler`` inside ``ready()``)."""
    raw: list[tuple[str, int, bool]] = field(default_factory=list)
    """(name or target, line, needs resolving)"""
    built: list[tuple[str, int, bool]] = field(default_factory=list)
    """Targets of names f-strings build after a prefix (:data:`NAMED_BY_PREFIX`), used only where the frame looks
    a name up at run time (:attr:`looks_up`)."""
    looks_up: bool = False
    """Whether the frame calls ``getattr`` or ``hasattr`` with a name that is no literal."""
    named: list[tuple[str, int]] = field(default_factory=list)
    """For a class: the strings its body holds that could name a method (``messages = {"ready":
    "handle_ready"}``), with their lines (:func:`_named_methods`)."""


@dataclass
class CallFacts:
    """Per-file result; ``uses`` keeps lines so flag regions can tell which targets only they use."""

    functions: list[Function]
    uses: dict[str, dict[str, list[int]]]
    """Function -> target -> lines where it is called or referenced."""
    exports: tuple[str, ...] = ()
    nodes: list[ast.Call | ast.Subscript] = field(default_factory=list)
    """Every call and subscript, for the candidate finder (saves it a walk)."""
    local_imports: dict[str, str] = field(default_factory=dict)
    """Names imported inside functions anywhere in the module."""
    import_lines: tuple[int, ...] = ()
    """The lines of every import statement, in order: a branch that spans none of them imports nothing."""


def call_facts(tree: ast.Module, scope: Scope) -> CallFacts:
    """Walk the module once, attributing every call and reference to its enclosing function."""
    walker = _Walker(scope)
    module = _Frame(scope.module or "<module>", "module", None, 1, _last_line(tree))
    walker.frames.append(module)
    walker.all_frames.append(module)
    walker.block(tree.body)
    _named_methods(walker.all_frames)
    functions, uses = [], {}
    for frame in walker.all_frames:
        targets = walker.resolve(frame)
        uses[frame.name] = targets
        functions.append(Function(_intern(frame.name), frame.kind, frame.line, frame.end, frame.decorators,
                                  frame.bases, tuple(sorted(targets)), frame.params))
    local_imports = {k: v for frame in walker.all_frames for k, v in frame.imports.items()}
    return CallFacts(functions, uses, _exports(tree), walker.nodes, local_imports, tuple(sorted(walker.imports)))


def _named_methods(frames: list[_Frame]) -> None:
    """A class that names one of its own methods in a string of its body uses that method: HyphaApp/hypha's
    ``EmailAdapter.messages`` maps message types to handler names that its base class calls through ``getattr(self,
    self.messages[kind])``, and its handlers were reached by nothing. So is the method with the class."""
    methods: dict[int, set[str]] = {}
    for frame in frames:
        if frame.kind == "method" and frame.parent is not None:
            methods.setdefault(id(frame.parent), set()).add(frame.name.rpartition(".")[2])
    for frame in frames:
        own = methods.get(id(frame)) if frame.named else None
        if own:
            frame.raw.extend((f"{frame.name}.{name}", line, False) for name, line in frame.named if name in own)


_Name, _Attribute, _Constant, _Call, _Subscript = ast.Name, ast.Attribute, ast.Constant, ast.Call, ast.Subscript
_JoinedStr = ast.JoinedStr
_Store, _Load = ast.Store, ast.Load
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


class _Walker:
    """The walk, in one order (a frame's uses in the order written, nodes as met), with each node's class looked
    up once: isinstance chains and a generic child listing per node were most of the walk's cost."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.frames: list[_Frame] = []
        self.all_frames: list[_Frame] = []
        self.nodes: list[ast.Call | ast.Subscript] = []
        self.imports: list[int] = []
        """The lines of the import statements met."""

    def block(self, body: list[ast.stmt]) -> None:
        """Statements in order: definitions and imports as such, the statements below a compound one as a block,
        and what the others hold walked in runs (one walk for a run of simple statements)."""
        run: list[ast.AST] = []
        for statement in body:
            kind = statement.__class__
            if kind in _OWN:
                if run:
                    self.expression(run)
                    run = []
                self._own(statement)
                continue
            layout = _LAYOUTS.get(kind)
            if layout is None:
                layout = _layout(kind)
            if kind in _HANDLING:
                self._handled_imports(statement)
            for name, how in layout:
                value: Any = getattr(statement, name, None)
                if how is _BODY:
                    if run:
                        self.expression(run)
                        run = []
                    self.block(value)
                elif value.__class__ is list:
                    if how is _MIXED:
                        run.extend(item for item in value if isinstance(item, ast.AST))
                    else:
                        run += value
                elif value is not None:
                    run.append(value)
        if run:
            self.expression(run)

    def _own(self, statement: ast.stmt) -> None:
        """A definition or an import."""
        if isinstance(statement, _DEFINITIONS):
            self.function(statement)
        elif isinstance(statement, ast.ClassDef):
            self.klass(statement)
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            self.imports.append(statement.lineno)
            frame = self.frames[-1]
            if frame.kind in ("function", "method"):
                frame.imports.update(import_bindings(statement, self.scope.package))

    def _handled_imports(self, statement: ast.stmt) -> None:
        """The imports in a handler's or a case's body, which the walk goes through as through an expression."""
        for part in getattr(statement, "handlers", None) or getattr(statement, "cases", None) or ():
            self.imports.extend(node.lineno for node in ast.walk(part)
                                if isinstance(node, (ast.Import, ast.ImportFrom)))

    def _child(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, kind: str) -> _Frame:
        parent = self.frames[-1]
        parent.local.add(node.name)
        name = f"{parent.name}.{node.name}" if parent.kind != "module" or self.scope.module else node.name
        frame = _Frame(name, kind, parent, node.lineno, node.end_lineno or node.lineno,
                       tuple(self._label(d) for d in node.decorator_list))
        self.all_frames.append(frame)
        return frame

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        parent = self.frames[-1]
        args = node.args
        self.expression([*node.decorator_list, *args.defaults, *(d for d in args.kw_defaults if d is not None)])
        frame = self._child(node, "method" if parent.kind == "class" else "function")
        frame.params = tuple(a.arg for a in (*args.posonlyargs, *args.args))
        frame.local.update(a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs))
        frame.local.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
        if parent.kind in ("function", "method"):
            parent.raw.append((frame.name, node.lineno, False))
        self.frames.append(frame)
        self.block(node.body)
        self.frames.pop()

    def klass(self, node: ast.ClassDef) -> None:
        parent = self.frames[-1]
        self.expression([*node.decorator_list, *node.bases, *(k.value for k in node.keywords)])
        frame = self._child(node, "class")
        frame.bases = tuple(self._label(b) for b in node.bases)
        parent.raw.append((frame.name, node.lineno, False))
        self.frames.append(frame)
        self.block(node.body)
        self.frames.pop()

    def expression(self, roots: list[ast.AST]) -> None:
        """Record every name and attribute ``roots`` use, ``getattr(x, "name")`` and dotted-path strings, each
        root's subtree before the next's."""
        frame = self.frames[-1]
        raw = frame.raw.append
        local = frame.local.add
        nodes = self.nodes.append
        stack: list[Any] = roots[::-1]
        pop, push, extend = stack.pop, stack.append, stack.extend
        while stack:
            current = pop()
            kind = current.__class__
            if kind is _Name:
                if current.ctx.__class__ is _Store:
                    local(current.id)
                else:
                    raw((current.id, current.lineno, True))
            elif kind is _Attribute:
                parts = [current.attr]
                base = current.value
                while base.__class__ is _Attribute:
                    parts.append(base.attr)
                    base = base.value
                if base.__class__ is _Name:  # a dotted name: nothing below it but names
                    if current.ctx.__class__ is _Load:
                        parts.append(base.id)
                        parts.reverse()
                        raw((".".join(parts), current.lineno, True))
                    continue
                while current is not base:  # ``f().a.b``: ``.b`` and ``.a``, then the call
                    raw(("." + current.attr, current.lineno, False))
                    current = current.value
                push(base)
            elif kind is _Constant or kind is _JoinedStr:
                if frame.kind == "class" and kind is _Constant and current.value.__class__ is str:
                    frame.named.append((current.value, current.lineno))
                extend(_string_uses(current, raw, frame.built.append))
            elif kind is _Call:
                nodes(current)
                func, args = current.func, current.args
                if args:
                    named = func.id if func.__class__ is _Name else func.attr if func.__class__ is _Attribute else ""
                    if named in _NAMING_CALLS:
                        frame.looks_up = _named_call(current, named, raw) or frame.looks_up
                push(func)
                extend(args)
                extend(current.keywords)
            elif kind is _Subscript:
                nodes(current)
                push(current.value)
                push(current.slice)
            else:
                extend(child_nodes(current))

    def resolve(self, frame: _Frame) -> dict[str, list[int]]:
        """Targets of one frame, now that every frame's local names are known (each name looked up once)."""
        targets: dict[str, list[int]] = {}
        known: dict[str, str] = {}
        for name, line, needs_resolving in (*frame.raw, *frame.built) if frame.looks_up else frame.raw:
            if needs_resolving:
                target = known.get(name)
                if target is None:
                    target = known[name] = _intern(self._target(frame, name))
            else:
                target = name
            if target:
                lines = targets.get(target)
                if lines is None:
                    targets[_intern(target)] = [line]
                else:
                    lines.append(line)
        return targets

    def _target(self, frame: _Frame | None, dotted: str) -> str:
        """Qualified target; ``.attr`` for an attribute of a local or unknown object; ``""`` for locals."""
        head, _, rest = dotted.partition(".")
        method = "." + dotted.rsplit(".", 1)[1] if rest else ""
        while frame is not None:
            if head in frame.imports:
                return f"{frame.imports[head]}.{rest}" if rest else frame.imports[head]
            if frame.kind in ("function", "method") and head in frame.local:
                return method
            frame = frame.parent
        return self.scope.qualify(dotted) or method

    def _label(self, node: ast.expr) -> str:
        """A decorator or base as a name: qualified where the imports say, else as written. A generic base
        (``serializers.ModelSerializer[User]``, paperless-ngx) is the class it subscripts."""
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        dotted = dotted_name(node)
        if dotted is None:
            return ""
        return self.scope.qualify(dotted) or dotted


def _string_uses(node: ast.Constant | ast.JoinedStr, raw: Callable[[tuple[str, int, bool]], None],
                 built: Callable[[tuple[str, int, bool]], None]) -> list[ast.expr]:
    """What a string uses: a dotted path names its target (``"app.tasks.sync"``), an f-string that starts with a
    word and an underscore may build the name of any function with that prefix (``built``, :data:`NAMED_BY_PREFIX`);
    and the parts of an f-string, walked on."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, str) and "." in value and len(value) < 200 and _DOTTED_PATH.match(value):
            raw((value.replace(":", "."), node.lineno, False))
        return []
    first = node.values[0] if node.values else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str) and _PREFIX.fullmatch(first.value):
        built(("." + first.value + NAMED_BY_PREFIX, node.lineno, False))
    return node.values


_NAMING_CALLS = frozenset({"getattr", "hasattr", "call_command", "patterns"})
"""Calls that name code in their arguments (see :func:`_named_call`)."""


def _named_call(call: ast.Call, named: str, raw: Callable[[tuple[str, int, bool]], None]) -> bool:
    """``getattr(x, "name")`` uses ``.name``; ``call_command("name")`` the management command; ``patterns(prefix,
    ...)`` its views. Whether the call looks a name up at run time (``getattr(self, check_fn_name)``, ``hasattr(self,
    name)``)."""
    if named == "patterns":
        _prefixed_views(call, raw)
        return False
    func = call.func
    if isinstance(func, ast.Name) and func.id in ("getattr", "hasattr") and len(call.args) >= 2:
        name = call.args[1]
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
            return True
        if func.id == "getattr":
            raw(("." + name.value, call.lineno, False))
    command = management_command(call)
    if command:
        raw((command, call.lineno, False))
    return False


def _prefixed_views(call: ast.Call, raw: Callable[[tuple[str, int, bool]], None]) -> None:
    """Django before 1.10 joined the prefix of ``patterns("moztrap.view.users.views", url(r"^login/$", "login"),
    (r"^logout/$", "logout"))`` to each view's name: those views are used (mozilla/moztrap's login view)."""
    prefix = call.args[0]
    if not (isinstance(prefix, ast.Constant) and isinstance(prefix.value, str) and prefix.value):
        return
    for entry in call.args[1:]:
        view = entry.args[1] if isinstance(entry, ast.Call) and len(entry.args) > 1 else \
            entry.elts[1] if isinstance(entry, ast.Tuple) and len(entry.elts) > 1 else None
        if isinstance(view, ast.Constant) and isinstance(view.value, str) and _DOTTED_PATH.fullmatch(
                f"{prefix.value}.{view.value}"):
            raw((f"{prefix.value}.{view.value}", view.lineno, False))


NAMED_BY_PREFIX = "*"
"""The end of a target that names every method or function whose name begins with what comes before it: a name
built at run time after a fixed prefix, in a function that looks names up (grafana/oncall's validator builds
``f"_check_{name.lower()}"`` and calls what ``getattr(self, ...)`` finds under it, so its
``_check_telegram_webhook_host`` is no dead code; kobotoolbox/kpi's ``f"user_{i}"``, a test's user name, names
nothing)."""
_PREFIX = re.compile(r"\w{2,}_")
"""An f-string's start that builds a name: a word and an underscore (``_check_``, ``handle_``); ``f"{kind}"``
names anything, ``f"user {id}"`` nothing."""
_OWN = frozenset({*_DEFINITIONS, ast.ClassDef, ast.Import, ast.ImportFrom})
"""Statements :meth:`_Walker.block` reads as such, not as what they hold."""
_HANDLING = frozenset({ast.Try, ast.Match, *((ast.TryStar,) if hasattr(ast, "TryStar") else ())})
"""Statements with handlers or cases, whose bodies :meth:`_Walker.expression` goes through."""
_BODY, _MIXED, _ANY = "body", "mixed", "any"
_BODIES = frozenset({"body", "orelse", "finalbody"})
"""A statement's fields that hold statements (a handler's or a case's body is reached by the walk of its
handler or case, which goes through it as through an expression)."""
_LAYOUTS: dict[type[ast.AST], tuple[tuple[str, str], ...]] = {}


def _layout(kind: type[ast.AST]) -> tuple[tuple[str, str], ...]:
    """How :meth:`_Walker.block` reads a statement of class ``kind``: the fields :func:`child_nodes` reads, in
    its order, each a list of statements, a list that may hold ``None`` or names, or a node or list of them."""
    _LAYOUTS[kind] = layout = tuple((name, _BODY if name in _BODIES else _MIXED if mixed else _ANY)
                                    for name, mixed in _fields(kind))
    return layout


_LEAF_FIELDS = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "conversion", "kind", "type_comment", "level",
                          "module", "is_async", "name", "asname", "simple", "tag", "rest"})
"""Fields that hold a name, a number or an operator (``ops``: a comparison's), never a node below."""
_MIXED_FIELDS = frozenset({"keys", "kw_defaults", "names", "kwd_attrs"})
"""Lists that may hold ``None`` (``{**a}``'s key, a keyword-only parameter without a default) or names."""
_FIELDS: dict[type, tuple[tuple[str, bool], ...]] = {}


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """``ast.iter_child_nodes(node)`` as a list, in its order, less the context and operator nodes (which have
    nothing below them): the generator and its tests of every field cost a fifth of the call walk."""
    kind = type(node)
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _fields(kind)
    found: list[ast.AST] = []
    for name, mixed in fields:
        value = getattr(node, name, None)
        if value.__class__ is list:
            if mixed:
                found.extend(item for item in value if isinstance(item, ast.AST))
            else:
                found += value
        elif value is not None:
            found.append(value)
    return found


def _fields(kind: type[ast.AST]) -> tuple[tuple[str, bool], ...]:
    """The fields of a node class that may hold nodes, each with whether it is a list that may hold others."""
    leaf = kind in (ast.Constant, ast.MatchSingleton) if hasattr(ast, "MatchSingleton") else kind is ast.Constant
    _FIELDS[kind] = fields = () if leaf else tuple(
        (f, f in _MIXED_FIELDS) for f in kind._fields if f not in _LEAF_FIELDS)
    return fields


COMMAND = "call_command:"
"""``call_command("update_stats")`` runs the management command ``update_stats``: the target
``call_command:update_stats`` stands for it in the call graph and in fingerprints, linked to
``<app>.management.commands.update_stats``."""


def management_command(call: ast.Call) -> str | None:
    """``call_command:NAME`` for ``call_command("NAME", ...)`` (Django's, or a project function of that name)."""
    func = call.func
    named = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if named == "call_command" and call.args and isinstance(call.args[0], ast.Constant) \
            and isinstance(call.args[0].value, str) and call.args[0].value.isidentifier():
        return COMMAND + call.args[0].value
    return None


def _exports(tree: ast.Module) -> tuple[str, ...]:
    """Names in a literal ``__all__``."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            if isinstance(node.value, (ast.List, ast.Tuple)):
                return tuple(e.value for e in node.value.elts
                             if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return ()


def _last_line(tree: ast.Module) -> int:
    return max((getattr(n, "end_lineno", 0) or 0 for n in tree.body), default=1)
