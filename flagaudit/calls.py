"""Call-graph facts from Python's ``ast``: functions, classes, and what each one calls or references.

Every file gets this pass (it costs a fraction of a libcst parse). A call
target is a qualified name where the module's imports or definitions tell
it (``pkg.orders.send``), and ``.name`` where only the attribute is known
(``self.send()``, ``obj.send``): the graph links those to every project
method of that name, which keeps "unreachable" conservative.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field

from flagaudit.facts import Function
from flagaudit.symbols import Scope, dotted_name, import_bindings

_intern = sys.intern
_DOTTED_PATH = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?::[A-Za-z_]\w*)?$")
"""``"pkg.views.handler"`` or ``"pkg.cli:main"``: Django settings, pipelines and plugin configs name code this way."""


@dataclass
class _Frame:
    name: str
    kind: str
    local: set[str] = field(default_factory=set)
    imports: dict[str, str] = field(default_factory=dict)
    """Names a function imports in its own body (``from app.signals import handler`` inside ``ready()``)."""
    targets: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class CallFacts:
    """Per-file result; ``uses`` keeps lines so flag regions can tell which targets only they use."""

    functions: list[Function]
    uses: dict[str, dict[str, list[int]]]
    """Function -> target -> lines where it is called or referenced."""
    exports: tuple[str, ...] = ()


def call_facts(tree: ast.Module, scope: Scope) -> CallFacts:
    """Walk the module once, attributing every call and reference to its enclosing function."""
    walker = _Walker(scope)
    module = _Frame(scope.module or "<module>", "module")
    walker.frames.append(module)
    walker.block(tree.body)
    walker.close(module, 1, _last_line(tree), (), ())
    return CallFacts(walker.functions, walker.uses, _exports(tree))


class _Walker:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.frames: list[_Frame] = []
        self.functions: list[Function] = []
        self.uses: dict[str, dict[str, list[int]]] = {}

    def close(self, frame: _Frame, line: int, end: int, decorators: tuple[str, ...], bases: tuple[str, ...],
              params: tuple[str, ...] = ()) -> None:
        self.functions.append(Function(
            _intern(frame.name), frame.kind, line, end, decorators, bases, tuple(sorted(frame.targets)), params,
        ))
        self.uses[frame.name] = frame.targets

    def block(self, body: list[ast.stmt]) -> None:
        for statement in body:
            self.statement(statement)

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.function(node)
        elif isinstance(node, ast.ClassDef):
            self.klass(node)
        else:
            self.expressions(node)

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        parent = self.frames[-1]
        for decorator in node.decorator_list:
            self.expression(decorator)
        args = node.args
        for default in (*args.defaults, *(d for d in args.kw_defaults if d is not None)):
            self.expression(default)
        parent.local.add(node.name)
        name = f"{parent.name}.{node.name}" if parent.kind != "module" or self.scope.module else node.name
        kind = "method" if parent.kind == "class" else "function"
        frame = _Frame(name, kind)
        frame.local.update(a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs))
        frame.local.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
        frame.local.update(_assigned_names(node))
        frame.imports.update(self._local_imports(node))
        if parent.kind in ("function", "method"):
            self._use(parent, name, node.lineno)
        self.frames.append(frame)
        self.block(node.body)
        self.frames.pop()
        self.close(frame, node.lineno, node.end_lineno or node.lineno,
                   tuple(self._label(d) for d in node.decorator_list), (),
                   tuple(a.arg for a in (*args.posonlyargs, *args.args)))

    def klass(self, node: ast.ClassDef) -> None:
        parent = self.frames[-1]
        for expression in (*node.decorator_list, *node.bases, *(k.value for k in node.keywords)):
            self.expression(expression)
        parent.local.add(node.name)
        name = f"{parent.name}.{node.name}" if parent.kind != "module" or self.scope.module else node.name
        frame = _Frame(name, "class")
        self._use(parent, name, node.lineno)
        self.frames.append(frame)
        self.block(node.body)
        self.frames.pop()
        self.close(frame, node.lineno, node.end_lineno or node.lineno,
                   tuple(self._label(d) for d in node.decorator_list), tuple(self._label(b) for b in node.bases))

    def expressions(self, node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self.statement(child)
            else:
                self.expression(child)

    def expression(self, node: ast.AST) -> None:
        """Record every name and attribute the expression uses, and ``getattr(x, "name")``."""
        frame = self.frames[-1]
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, ast.Attribute):
                dotted = dotted_name(current)
                if dotted is not None:
                    self._use(frame, self._target(dotted), current.lineno)
                    continue
                self._use(frame, "." + current.attr, current.lineno)
                stack.append(current.value)
                continue
            if isinstance(current, ast.Name):
                if not isinstance(current.ctx, ast.Store):
                    self._use(frame, self._target(current.id), current.lineno)
                continue
            if isinstance(current, ast.Constant):
                if isinstance(current.value, str) and _DOTTED_PATH.match(current.value):
                    self._use(frame, current.value.replace(":", "."), current.lineno)
                continue
            if isinstance(current, ast.Call) and isinstance(current.func, ast.Name) and current.func.id == "getattr":
                name = current.args[1] if len(current.args) >= 2 else None
                if isinstance(name, ast.Constant) and isinstance(name.value, str):
                    self._use(frame, "." + name.value, current.lineno)
            stack.extend(ast.iter_child_nodes(current))

    def _target(self, dotted: str) -> str:
        """Qualified target; ``.attr`` for an attribute of a local or unknown object; ``""`` for locals."""
        head, _, rest = dotted.partition(".")
        method = "." + dotted.rsplit(".", 1)[1] if rest else ""
        for frame in reversed(self.frames):
            if head in frame.imports:
                return f"{frame.imports[head]}.{rest}" if rest else frame.imports[head]
            if frame.kind in ("function", "method") and head in frame.local:
                return method
        return self.scope.qualify(dotted) or method

    def _use(self, frame: _Frame, target: str, line: int) -> None:
        if target:
            frame.targets.setdefault(_intern(target), []).append(line)

    def _local_imports(self, node: ast.AST) -> dict[str, str]:
        """Imports in a function body (not in nested functions), resolved like module imports."""
        found: dict[str, str] = {}
        stack = list(ast.iter_child_nodes(node))
        while stack:
            current = stack.pop()
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            if isinstance(current, (ast.Import, ast.ImportFrom)):
                found.update(import_bindings(current, self.scope.package))
            elif isinstance(current, ast.stmt):
                stack.extend(ast.iter_child_nodes(current))
        return found

    def _label(self, node: ast.expr) -> str:
        """A decorator or base as a name: qualified where the imports say, else as written."""
        if isinstance(node, ast.Call):
            node = node.func
        dotted = dotted_name(node)
        if dotted is None:
            return ""
        return self.scope.qualify(dotted) or dotted


def _assigned_names(node: ast.AST) -> set[str]:
    """Names bound inside a function body (not in nested functions or classes)."""
    names: set[str] = set()
    stack = list(ast.iter_child_nodes(node))
    while stack:
        current = stack.pop()
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(current.name)
            continue
        if isinstance(current, ast.Name) and isinstance(current.ctx, ast.Store):
            names.add(current.id)
        elif isinstance(current, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in current.names)
        elif isinstance(current, ast.Lambda):
            continue
        stack.extend(ast.iter_child_nodes(current))
    return names


def _exports(tree: ast.Module) -> tuple[str, ...]:
    """Names in a literal ``__all__``."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            if isinstance(node.value, (ast.List, ast.Tuple)):
                return tuple(e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return ()


def _last_line(tree: ast.Module) -> int:
    return max((getattr(n, "end_lineno", 0) or 0 for n in tree.body), default=1)
