"""Modules that bind their globals from the rows of a loaded data file, recognised in the syntax tree.

osf.io's features module loads a YAML file and binds one global per row, so the code reads ``features.ENABLE_GV``
and no Python line spells the key::

    with open(settings.WAFFLE_VALUES_YAML) as stream:
        features = yaml.safe_load(stream)
    for flag in features['flags']:
        locals()[flag.pop('flag_name')] = flag['name']

A ``[[data]]`` rule can say which file, module and fields that is; this finds the shape by itself: a top-level
``for`` over something a YAML, JSON or TOML load function returned, whose body binds ``locals()[row[A]]``,
``globals()[row[A]]``, ``vars()[row[A]]`` or ``setattr(sys.modules[__name__], row[A], ...)`` to ``row[B]``.
It also keeps what the load reads from (path literals, and the names of settings holding a path), so the scan
can pick the file (scan/data_files.py). Pure: bytes in, descriptions out; nothing from the file is run.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from flagaudit.extract.symbols import Scope, dotted_name, module_scope, top_level

DATA_SUFFIXES = (".yaml", ".yml", ".json", ".toml")
"""The data files a module may load rows from: the ones data_constants.py reads."""

_LOAD_MODULES = frozenset({"yaml", "ruamel", "json", "simplejson", "ujson", "orjson", "toml", "tomllib", "tomli",
                           "rtoml", "tomlkit"})
_LOAD_FUNCTIONS = frozenset({"load", "loads", "safe_load", "full_load", "unsafe_load", "parse"})
_NAMESPACES = frozenset({"locals", "globals", "vars"})
_ROW_STEPS = frozenset({"get", "values"})
"""``X.get('flags', [])`` and ``X.values()`` still iterate over the loaded document's rows."""
_NAMESPACE_WORDS = (b"locals()", b"globals()", b"vars()", b"sys.modules")
"""Bytes one of which a module binding its globals holds: substring tests, far cheaper than a regular expression
over every file of the project."""


@dataclass(frozen=True)
class Loader:
    """A module that binds ``module.<row[name]>`` to ``row[value]`` for the rows of a file it loads."""

    module: str
    path: str
    """The module's file."""
    name: str
    value: str
    literals: tuple[str, ...] = ()
    """Path-like strings (ending in a data suffix) in the expression the file is opened with."""
    settings: tuple[str, ...] = ()
    """Qualified names that expression reads (``website.settings.WAFFLE_VALUES_YAML``): where a path may be set."""


def find_loaders(path: str, module: str, data: bytes) -> tuple[Loader, ...]:
    """The row-binding loops of one Python module; none if it cannot be parsed (the scan reports that itself)."""
    if not module or b"load" not in data or not any(word in data for word in _NAMESPACE_WORDS):
        return ()
    tree = _parse(path, data)
    if tree is None:
        return ()
    scope = module_scope(tree, module, path.endswith("__init__.py"))
    statements = list(top_level(tree.body))
    opened = {item.optional_vars.id: item.context_expr for node in statements if isinstance(node, ast.With)
              for item in node.items if isinstance(item.optional_vars, ast.Name)}
    loaded = {target.id: node.value for node in statements if isinstance(node, ast.Assign)
              and _is_load(node.value, scope) for target in node.targets if isinstance(target, ast.Name)}
    found = []
    for node in statements:
        if not isinstance(node, ast.For) or not isinstance(node.target, ast.Name):
            continue
        load = _loaded(node.iter, loaded, scope)
        if load is None:
            continue
        source = _source(load, opened)
        literals = tuple(dict.fromkeys(_path_literals(source))) if source is not None else ()
        settings = tuple(dict.fromkeys(_read_names(source, scope))) if source is not None else ()
        for name, value in _bindings(node.body, node.target.id, scope):
            found.append(Loader(module, path, name, value, literals, settings))
    return tuple(dict.fromkeys(found))


def assigned_paths(path: str, data: bytes, name: str) -> tuple[str, ...]:
    """Path-like strings a module's top-level ``name = ...`` holds (``WAFFLE_VALUES_YAML = 'osf/features.yaml'``,
    ``FLAGS = os.path.join(HERE, 'flags.json')``)."""
    if name.encode() not in data:
        return ()
    tree = _parse(path, data)
    if tree is None:
        return ()
    found = [literal for node in top_level(tree.body) if isinstance(node, (ast.Assign, ast.AnnAssign))
             and node.value is not None and any(isinstance(t, ast.Name) and t.id == name for t in _targets(node))
             for literal in _path_literals(node.value)]
    return tuple(dict.fromkeys(found))


def _parse(path: str, data: bytes) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(data, filename=path)  # bytes: the coding declaration is honoured, as Python does
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _targets(node: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return node.targets if isinstance(node, ast.Assign) else [node.target]


def _is_load(node: ast.expr, scope: Scope) -> bool:
    """A call of a YAML, JSON or TOML load function: ``yaml.safe_load(stream)``, ``json.loads(text)``."""
    if not isinstance(node, ast.Call):
        return False
    qualified = scope.qualify(dotted_name(node.func) or "") or ""
    return qualified.split(".")[0] in _LOAD_MODULES and qualified.rsplit(".", 1)[-1] in _LOAD_FUNCTIONS


def _loaded(node: ast.expr, loaded: dict[str, ast.expr], scope: Scope) -> ast.Call | None:
    """The load call a loop iterates over the rows of: ``features['flags']``, ``features.get('flags', [])``,
    ``json.load(stream)['flags']``, where ``features`` is a module name bound to a load call."""
    while True:
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _ROW_STEPS:
            node = node.func.value
        else:
            break
    if isinstance(node, ast.Name) and node.id in loaded:
        node = loaded[node.id]
    return node if isinstance(node, ast.Call) and _is_load(node, scope) else None


def _source(load: ast.Call, opened: dict[str, ast.expr]) -> ast.expr | None:
    """What the loaded file is opened from: ``with open(P) as stream: yaml.safe_load(stream)`` -> ``open(P)``."""
    argument = load.args[0] if load.args else next((k.value for k in load.keywords), None)
    if isinstance(argument, ast.Call) and isinstance(argument.func, ast.Attribute) and not argument.args \
            and argument.func.attr == "read" and isinstance(argument.func.value, ast.Name):
        argument = argument.func.value  # yaml.safe_load(stream.read())
    if isinstance(argument, ast.Name) and argument.id in opened:
        return opened[argument.id]
    return argument


def _path_literals(node: ast.expr) -> Iterator[str]:
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str) \
                and child.value.lower().endswith(DATA_SUFFIXES):
            yield child.value


def _read_names(node: ast.expr, scope: Scope) -> Iterator[str]:
    """Qualified names of the whole name chains in ``node`` (``settings.FEATURES_YAML``, not ``settings``)."""
    inner = {id(child.value) for child in ast.walk(node) if isinstance(child, ast.Attribute)}
    for child in ast.walk(node):
        if isinstance(child, (ast.Name, ast.Attribute)) and id(child) not in inner:
            qualified = scope.qualify(dotted_name(child) or "")
            if qualified is not None:
                yield qualified


def _bindings(body: list[ast.stmt], row: str, scope: Scope) -> Iterator[tuple[str, str]]:
    """(A, B) for each statement of a loop's body that binds a module global named ``row[A]`` to ``row[B]``."""
    for node in body:
        if isinstance(node, ast.If):
            yield from _bindings(node.body, row, scope)
            yield from _bindings(node.orelse, row, scope)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Subscript) and _namespace(target.value):
                yield from _pair(_field(target.slice, row), _field(node.value, row))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            call = node.value
            if isinstance(call.func, ast.Name) and call.func.id == "setattr" and len(call.args) == 3 \
                    and not call.keywords and _this_module(call.args[0], scope):
                yield from _pair(_field(call.args[1], row), _field(call.args[2], row))


def _pair(name: str | None, value: str | None) -> Iterator[tuple[str, str]]:
    if name is not None and value is not None and name != value:
        yield name, value


def _namespace(node: ast.expr) -> bool:
    """``locals()``, ``globals()`` or ``vars()``: at module level, the module's own names."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _NAMESPACES \
        and not node.args and not node.keywords


def _this_module(node: ast.expr, scope: Scope) -> bool:
    """``sys.modules[__name__]``."""
    return isinstance(node, ast.Subscript) and scope.qualify(dotted_name(node.value) or "") == "sys.modules" \
        and isinstance(node.slice, ast.Name) and node.slice.id == "__name__"


def _field(node: ast.expr, row: str) -> str | None:
    """``A`` for ``row['A']``, ``row.pop('A')`` or ``row.get('A')``."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == row:
        key = node.slice
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("pop", "get") \
            and isinstance(node.func.value, ast.Name) and node.func.value.id == row and node.args:
        key = node.args[0]
    else:
        return None
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value else None
