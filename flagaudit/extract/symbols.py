"""Module-level names from Python's own ``ast``: imports, constants, key expressions.

Every file gets this cheap pass (``ast`` parses ten times faster than libcst);
it yields what other modules need to resolve keys, and the statement spans
the site analysis is limited to.
"""

from __future__ import annotations

import ast
import bisect
import builtins
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

from flagaudit.facts import DYNAMIC_SETTINGS, EXTENDS, LITERAL_VALUE, RUN_TIME_BOOL, RUN_TIME_VALUE, KeyPart

Resolver = Callable[[str], "tuple[KeyPart, ...] | None"]


def is_settings_module(path: str, module: str) -> bool:
    """A Django settings module (``proj.settings``, ``proj.settings.base``, Open edX's ``envs``, and by the other
    convention ``proj.settings_dev``, LibraryOfCongress/concordia's ``settings_template``), not a test's
    (``test.py``, ``settings_test.py``), nor code named for settings (``settings_views``, ``settings_utils``)."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".py")
    return any(s.endswith("settings") or s == "envs" or s.startswith("settings_") and s[9:] not in _SETTINGS_CODE
               for s in module.split(".")) and not stem.startswith("test") and not stem.endswith("_test")


_SETTINGS_CODE = frozenset({"views", "view", "urls", "utils", "util", "helpers", "forms", "models", "admin", "api",
                            "serializers", "tasks", "cache", "tests", "signals", "apps", "context_processors"})
"""What follows ``settings_`` in the name of a module of code about settings, not of settings."""


DJANGO_SETTINGS = "django.conf.settings"


def is_plugin_settings(module: str, function: str) -> bool:
    """The Open edX plugin hook ``plugin_settings(settings)`` of a plugin's settings module: the platform calls it
    with Django's settings object, which it reads and extends (openedx/forum's ``getattr(settings,
    "TYPESENSE_ENABLED", False)``)."""
    return function == f"{module}.plugin_settings" and ".settings." in f".{module}."


@dataclass(frozen=True)
class Scope:
    """How names at a module's top level resolve to qualified names."""

    module: str
    imports: dict[str, str]
    defined: frozenset[str]
    package: str = ""
    stars: tuple[str, ...] = ()
    """Every module it star-imports, in order: part of the file's shape, since the call graph looks names of the
    module up in them."""

    @cached_property
    def star(self) -> str:
        """The module of the one ``from module import *`` at top level (none, or several: ``""``): a name the module
        neither imports nor defines comes from there."""
        return self.stars[0] if len(self.stars) == 1 else ""

    def qualify(self, dotted: str) -> str | None:
        """``ld.get`` -> ``ldclient.get`` through the imports; ``None`` for locals and builtins."""
        head, _, rest = dotted.partition(".")
        if head in self.imports:
            base = self.imports[head]
        elif head in self.defined:
            base = f"{self.module}.{head}" if self.module else head
        elif self.star and head not in _BUILTINS:
            base = f"{self.star}.{head}"
        else:
            return None
        return f"{base}.{rest}" if rest else base

    def symbol(self, dotted: str) -> tuple[KeyPart, ...] | None:
        """A key expression's name as one ``sym`` part, qualified (a :data:`Resolver` for :func:`key_parts` at
        module level); ``None`` for locals and builtins."""
        qualified = self.qualify(dotted)
        return (KeyPart("sym", qualified),) if qualified else None

    def as_setting(self, qualified: str | None) -> str | None:
        """A qualified name as Django's settings object names the same value, where it is a settings module the
        module imports (``from fec import settings``) or one of the upper-case names of such a module, of this one
        if it is a settings module (its ``FEATURES`` read by its bare name), or of the settings module it
        star-imports: what ``django.conf.settings`` holds at run time. Any other name as it is (an object called
        ``settings`` that the module makes is no settings module)."""
        if qualified is None:
            return None
        owner, _, name = qualified.rpartition(".")
        if owner and name.isupper() and owner in self._modules and is_settings_module("", owner):
            return f"{DJANGO_SETTINGS}.{name}"
        if name.endswith("settings") and qualified in self._modules and is_settings_module("", qualified):
            return DJANGO_SETTINGS
        return qualified

    @cached_property
    def _modules(self) -> frozenset[str]:
        """This module, the one it star-imports and what it imports (modules among them)."""
        return frozenset((self.module, self.star, *self.imports.values()))

    def imported_modules(self) -> frozenset[str]:
        """Every module (and its parents) that this module imports from."""
        found: set[str] = set()
        for target in self.imports.values():
            parts = target.split(".")
            found.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
        return frozenset(found)


def module_scope(tree: ast.Module, module: str, is_package: bool) -> Scope:
    """Imports and top-level definitions, including those under ``if``/``try`` at top level."""
    imports: dict[str, str] = {}
    defined: set[str] = set()
    stars: dict[str, None] = {}
    package = module if is_package else module.rpartition(".")[0]
    for node in top_level(tree.body):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.update(import_bindings(node, package))
            if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
                stars[_import_base(node, package)] = None
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined.update(t.id for t in targets if isinstance(t, ast.Name))
    return Scope(module, imports, frozenset(defined), package, tuple(stars))


def import_bindings(node: ast.Import | ast.ImportFrom, package: str) -> dict[str, str]:
    """Local name -> qualified name for one import statement."""
    found: dict[str, str] = {}
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                found[alias.asname] = alias.name
            else:
                head = alias.name.split(".")[0]
                found[head] = head
        return found
    base = _import_base(node, package)
    for alias in node.names:
        if alias.name != "*":
            found[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
    return found


def _import_base(node: ast.ImportFrom, package: str) -> str:
    """The absolute module a ``from ... import`` names, resolving leading dots."""
    if not node.level:
        return node.module or ""
    parts = package.split(".") if package else []
    parent = parts[: len(parts) - (node.level - 1)] if node.level - 1 <= len(parts) else []
    return ".".join(p for p in [*parent, node.module or ""] if p)


_BUILTINS = frozenset(dir(builtins))
"""Names every module has without importing them: never a star import's."""


def top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements at module level, looking through ``if``/``try``/``with`` blocks."""
    return (node for node, _ in top_level_in(body))


def top_level_in(body: list[ast.stmt], under_if: bool = False) -> Iterator[tuple[ast.stmt, bool]]:
    """:func:`top_level`'s statements, each with whether an ``if`` holds it."""
    for node in body:
        yield node, under_if
        if isinstance(node, ast.If):
            yield from top_level_in(node.body, True)
            yield from top_level_in(node.orelse, True)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from top_level_in(block, under_if)
        elif isinstance(node, ast.With):
            yield from top_level_in(node.body, under_if)


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of names and attributes, else ``None``."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def key_parts(node: ast.expr, resolve: Resolver) -> tuple[KeyPart, ...]:
    """Split a key expression into literal and symbolic parts.

    Handles literals, names and attribute chains (via ``resolve``), ``+``
    concatenation, f-strings, and ``Enum.MEMBER.value``.
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (KeyPart("lit", node.value),)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return key_parts(node.left, resolve) + key_parts(node.right, resolve)
    if isinstance(node, ast.JoinedStr):
        parts: tuple[KeyPart, ...] = ()
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                inner = key_parts(value.value, resolve) if value.format_spec is None and value.conversion == -1 else ()
                parts += inner or (KeyPart("unk", ast.unparse(value.value)),)
            else:
                parts += key_parts(value, resolve)
        return parts
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _CASES \
            and not node.args and not node.keywords:
        return _cased(key_parts(node.func.value, resolve), node.func.attr) or (KeyPart("unk", ast.unparse(node)),)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        template = node.func.value
        if isinstance(template, ast.Constant) and isinstance(template.value, str):
            return _format_parts(node, template.value, resolve)
        named = resolve(dotted_name(template) or "")
        if named and len(named) == 1 and named[0].kind == "sym":
            return (KeyPart("fmt", named[0].value),)
    dotted = dotted_name(node)
    if dotted is not None:
        if dotted.endswith(".value"):
            dotted = dotted[: -len(".value")]
        resolved = resolve(dotted)
        if resolved is not None:
            return resolved
    return (KeyPart("unk", ast.unparse(node)),)


_CASES = frozenset({"upper", "lower"})
"""String methods a key may go through on its way to the check (``f"SKIP_{permission.upper()}"``)."""


def _cased(parts: tuple[KeyPart, ...], case: str) -> tuple[KeyPart, ...] | None:
    """``parts`` upper- or lower-cased: literals at once, a wrapper's parameter as ``param`` ``name:case`` (its
    callers' values are cased where they are read, :meth:`~flagaudit.sdk_rules.KeyArg.case`), a constant as
    ``case`` ``case:name`` (openedx/platform-plugin-aspects' ``f"{WAFFLE_FLAG_NAMESPACE.upper()}_..._ENABLED"``,
    cased where the key is resolved); ``None`` for anything else, whose value is known only later."""
    if all(part.kind == "lit" for part in parts):
        return tuple(KeyPart("lit", getattr(part.value, case)()) for part in parts)
    if len(parts) == 1 and parts[0].kind == "param" and not set(parts[0].value) & {".", ":"}:
        return (KeyPart("param", f"{parts[0].value}:{case}"),)
    if len(parts) == 1 and parts[0].kind == "sym":  # a constant, maybe of another module: cased once resolved
        return (KeyPart("case", f"{case}:{parts[0].value}"),)
    return None


def _format_parts(call: ast.Call, template: str, resolve: Resolver) -> tuple[KeyPart, ...]:
    """``"{}.{}".format(NAMESPACE, NAME)`` -> the parts of each argument a field takes (``{}``, ``{0}``,
    ``{name}``, without a conversion or format spec), so the key resolves as the f-string it became would;
    ``"ns.{}_ping".format(backend)`` -> literal and unknown parts, so the key becomes the pattern ``ns.*_ping``."""
    source = ast.unparse(call)
    parts: tuple[KeyPart, ...] = ()
    auto = 0
    for piece in re.split(r"(\{[^{}]*\})", template):
        if not piece.startswith("{"):
            parts += (KeyPart("lit", piece),) if piece else ()
            continue
        field, argument = piece[1:-1], None
        if field == "" or field.isdigit():
            index = auto if field == "" else int(field)
            auto += field == ""
            argument = call.args[index] if index < len(call.args) else None
        elif field.isidentifier():
            argument = next((k.value for k in call.keywords if k.arg == field), None)
        known = () if argument is None or isinstance(argument, ast.Starred) else key_parts(argument, resolve)
        parts += known if known and all(p.kind != "unk" for p in known) else (KeyPart("unk", source),)
    return parts


def module_values(tree: ast.Module, scope: Scope) -> Iterator[tuple[str, tuple[KeyPart, ...], int]]:
    """Qualified name, value parts and line of every module constant and class attribute.

    Imports count too (as an alias to what they import), so a constant
    re-exported through a package's ``__init__`` still resolves.
    """
    prefix = f"{scope.module}." if scope.module else ""
    for local, target in scope.imports.items():
        yield prefix + local, (KeyPart("sym", target),), 0
    body = list(top_level(tree.body))
    yield from _assigned_values(body, prefix, scope)
    yield from _namespace_updates(body, prefix, scope)
    yield from _factory_values(body, prefix, scope)
    yield from _template_globals(body, scope)


TEMPLATE_GLOBALS = "<template>"
"""The namespace of the names a Jinja2 environment gives every template (no module is named so): a template's
``flags.NEW_NAV`` is ``<template>.flags.NEW_NAV``, which the module's ``env.globals`` makes an alias."""


def _template_globals(body: list[ast.stmt], scope: Scope) -> Iterator[tuple[str, tuple[KeyPart, ...], int]]:
    """The names a module that imports jinja2 gives its environment's templates (``env.globals.update({"flags":
    flags})``, with keywords, or ``env.globals["flags"] = flags``), as aliases under :data:`TEMPLATE_GLOBALS` of
    what they name: Django's Jinja2 templates call ``flag_is_active(request, flags.NEW_NAV)`` with the module
    of key constants and the check given that way (uktrade/redbox). Read at module level and in the statements
    of module functions (the ``environment()`` Django's backend calls)."""
    if not any(target.partition(".")[0] == "jinja2" for target in scope.imports.values()):
        return
    statements = [*body, *(s for node in body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                           for s in node.body)]
    for node in statements:
        given: list[tuple[str | None, ast.expr]] = []
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) \
                and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "update" \
                and _is_globals(node.value.func.value):
            given += [(key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None, value)
                      for arg in node.value.args if isinstance(arg, ast.Dict)
                      for key, value in zip(arg.keys, arg.values, strict=True)]
            given += [(keyword.arg, keyword.value) for keyword in node.value.keywords]
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript) \
                and _is_globals(node.targets[0].value) and isinstance(node.targets[0].slice, ast.Constant) \
                and isinstance(node.targets[0].slice.value, str):
            given.append((node.targets[0].slice.value, node.value))
        for name, value in given:
            dotted = dotted_name(value)
            qualified = scope.qualify(dotted) if dotted else None
            if name and name.isidentifier() and qualified:
                yield f"{TEMPLATE_GLOBALS}.{name}", (KeyPart("sym", qualified),), value.lineno


def _is_globals(node: ast.expr) -> bool:
    """``env.globals``: where a Jinja2 environment keeps the names every template sees."""
    return isinstance(node, ast.Attribute) and node.attr == "globals"


def _factory_values(body: list[ast.stmt], prefix: str,
                    scope: Scope) -> Iterator[tuple[str, tuple[KeyPart, ...], int]]:
    """``f()`` for a module function annotated to return a class (``-> Flagsmith``), or whose body ends by
    returning what one callee made, directly or through a local its body assigns once (``client =
    api.get_client(domain); ...; return client``): the return value's origin, so a receiver
    ``get_client_of_ours().get_boolean_value(...)`` in another module is traced to the SDK. Only the body's own
    statements are read, not the blocks inside them: a scan pays for this on every module."""
    for node in body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        annotated = dotted_name(node.returns) if node.returns is not None else None
        if annotated and (origin := scope.qualify(annotated)) and "." in origin:
            yield f"{prefix}{node.name}()", (KeyPart("call", origin),), node.lineno
            continue
        last = node.body[-1]
        if not isinstance(last, ast.Return) or last.value is None:
            continue
        value = last.value
        if isinstance(value, ast.Name):
            assigned = [s.value for s in node.body if isinstance(s, ast.Assign) and len(s.targets) == 1
                        and isinstance(s.targets[0], ast.Name) and s.targets[0].id == value.id]
            origin = _made_by(assigned[0], scope) if len(assigned) == 1 else None
        else:
            origin = _made_by(value, scope)
        if origin is not None:
            yield f"{prefix}{node.name}()", (KeyPart("call", origin),), node.lineno


def made_names(body: list[ast.stmt], scope: Scope) -> dict[str, str]:
    """The module's names (qualified) that every top-level assignment binds to a call of one imported or defined
    name -> what calling such a name calls, as a rule names it (``env = environ.Env(...)`` -> ``environ.Env()``,
    for ``env("X")``)."""
    made: dict[str, str | None] = {}
    for node in top_level(body):
        if isinstance(node, ast.Assign):
            targets, callee = node.targets, _made_by(node.value, scope)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, callee = [node.target], _made_by(node.value, scope)
        elif isinstance(node, ast.AugAssign):
            targets, callee = [node.target], None
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and (name := scope.qualify(target.id)) is not None:
                made[name] = callee if made.get(name, callee) == callee else None
    return {name: f"{callee}()" for name, callee in made.items() if callee is not None}


def _made_by(value: ast.expr | None, scope: Scope) -> str | None:
    """The qualified callee of a call to a module-level or imported name, else ``None``."""
    if not isinstance(value, ast.Call):
        return None
    dotted = dotted_name(value.func)
    return scope.qualify(dotted) if dotted else None


def _namespace_updates(body: list[ast.stmt], prefix: str,
                       scope: Scope) -> Iterator[tuple[str, tuple[KeyPart, ...], int]]:
    """``locals().update(flags)`` (or ``globals()``, ``vars()``) at module level, ``flags`` a dict literal the
    module assigns (or the literal itself): each string key becomes a module name holding its value, as at
    import time (osf.io's features module, 2020-2022: ``flags = {'EGAP_ADMINS': 'egap_admins', ...}``)."""
    literals: dict[str, ast.Dict] = {}
    for node in body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, ast.Dict):
            literals[node.targets[0].id] = node.value
        elif isinstance(node, ast.Expr) and _namespace_update(node.value):
            for arg in node.value.args:  # type: ignore[attr-defined]
                literal = literals.get(arg.id) if isinstance(arg, ast.Name) else arg
                if not isinstance(literal, ast.Dict):
                    continue
                for key, value in zip(literal.keys, literal.values, strict=True):
                    if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.isidentifier() \
                            and _may_be_key(value):
                        parts = key_parts(value, scope.symbol)
                        if not any(p.kind == "unk" for p in parts):
                            yield prefix + key.value, parts, key.lineno


def _namespace_update(node: ast.expr) -> bool:
    """``locals().update(...)``, ``globals().update(...)``, ``vars().update(...)``."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update" \
        and isinstance(node.func.value, ast.Call) and isinstance(node.func.value.func, ast.Name) \
        and node.func.value.func.id in _NAMESPACES and not node.func.value.args


def _assigned_values(
    body: Iterator[ast.stmt] | list[ast.stmt], prefix: str, scope: Scope
) -> Iterator[tuple[str, tuple[KeyPart, ...], int]]:
    body = list(body)
    records = _record_fields(body)
    for node in body:
        if isinstance(node, ast.ClassDef):
            yield from _assigned_values(node.body, f"{prefix}{node.name}.", scope)
            yield from _enum_record_values(node, records, f"{prefix}{node.name}.", scope.symbol)
            continue
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        origin = _call_origin(value, scope)
        if origin is not None:
            for target in targets:
                if isinstance(target, ast.Name):
                    yield prefix + target.id, (KeyPart("call", origin),), node.lineno
            continue
        looked_up = _looked_up_values(value)
        if looked_up:
            for target in targets:
                if isinstance(target, ast.Name):
                    yield prefix + target.id + EACH, looked_up, node.lineno
            continue
        if not _may_be_key(value):
            continue
        parts = key_parts(value, scope.symbol)
        if any(p.kind == "unk" for p in parts):
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                yield prefix + target.id, parts, node.lineno


EACH = "[]"
"""The suffix of the name under which a dict of texts keeps its values (``MAPPING[]``): what a lookup of an
entry not known before it runs (``MAPPING.get(page_type)``) may give, each an ``alt`` part."""
_MOST_LOOKED_UP = 64
"""Values of a dict of texts kept for lookups: a dict of more (a table of countries, of messages) holds no keys."""


def _looked_up_values(value: ast.expr) -> tuple[KeyPart, ...]:
    """The distinct values of a dict literal whose every value is a text, in order, as ``alt`` parts: uktrade/
    great-international-ui's ``FEATURE_FLAGGED_PAGE_TYPES_MAPPING = {"AboutUkRegionPage": "ABOUT_UK_REGION_PAGE_ON",
    ...}``, which a view of another module looks the flag of a page type up in. Nothing for any other value."""
    if not isinstance(value, ast.Dict) or None in value.keys:
        return ()
    texts = [v.value for v in value.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    distinct = list(dict.fromkeys(texts))
    if not texts or len(texts) < len(value.values) or len(distinct) > _MOST_LOOKED_UP:
        return ()
    return tuple(KeyPart("alt", text) for text in distinct)


def _record_fields(body: list[ast.stmt]) -> dict[str, list[str]]:
    """The dataclasses these statements define (``@dataclass class FlagInfo: slug: str; ...``): their fields in
    order, as an enum that mixes one in gives its members' values to them."""
    return {node.name: [s.target.id for s in node.body
                        if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
            for node in body if isinstance(node, ast.ClassDef)
            and any(dotted_name(d.func if isinstance(d, ast.Call) else d) in ("dataclass", "dataclasses.dataclass")
                    for d in node.decorator_list)}


def _enum_record_values(node: ast.ClassDef, records: dict[str, list[str]], prefix: str,
                        resolve: Resolver) -> Iterator[tuple[str, tuple[KeyPart, ...], int]]:
    """``Flags.EVALS.slug`` of ``class Flags(FlagInfo, Enum): EVALS = ("flag_evaluations", "Evaluations")``: a
    member of an enum that mixes in a dataclass of the module takes its tuple's items as the dataclass's fields
    (dimagi/open-chat-studio asks ``flag_is_active(request, Flags.EVALS.slug)``)."""
    bases = [dotted_name(base) or "" for base in node.bases]
    fields = next((records[base] for base in bases if base in records), None)
    if not fields or not any(base.rpartition(".")[2].endswith("Enum") for base in bases):
        return
    for statement in node.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, ast.Tuple):
            for field, item in zip(fields, statement.value.elts, strict=False):
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    yield f"{prefix}{statement.targets[0].id}.{field}", key_parts(item, resolve), statement.lineno


Row = tuple[tuple[KeyPart, ...], ...]
"""One element of a literal sequence: its columns' key parts (one column unless the element is a tuple)."""


def sequence_values(tree: ast.Module, scope: Scope) -> dict[str, tuple[Row, ...]]:
    """Top-level names bound to a literal list, tuple or set (or a dict, for its keys) of key expressions:
    a data migration loops over them to create or delete flags (``for name in SWITCHES:``)."""

    found = {}
    for node in top_level(tree.body):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            pairs = literal_rows(node.value, scope.symbol, items=True)  # a dict's: ``for name, note in FLAGS.items()``
            rows = tuple(row[:-1] for row in pairs) if pairs else literal_rows(node.value, scope.symbol)
            if rows:
                found[name] = rows
            if pairs:
                found[f"{name}{ITEMS}"] = pairs
    return found


ITEMS = ".items()"
"""What a top-level dict's (key, value) rows are kept under, after its name."""


def literal_rows(node: ast.expr, resolve: Resolver, items: bool = False) -> tuple[Row, ...] | None:
    """The rows of a literal sequence whose elements (or tuples of elements) include a key expression; a dict's
    keys, or with ``items`` its (key, value) rows."""
    if isinstance(node, ast.Dict):
        pairs = [(k, v) for k, v in zip(node.keys, node.values, strict=True) if k is not None]
        elements: list[ast.expr] = [k for k, _ in pairs]
        values: list[tuple[tuple[KeyPart, ...], ...]] = [(key_parts(v, resolve),) if items else () for _, v in pairs]
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)) and not items:
        elements, values = list(node.elts), [()] * len(node.elts)
    else:
        return None
    rows = tuple((*(key_parts(column, resolve) for column in (e.elts if isinstance(e, ast.Tuple) else [e])), *value)
                 for e, value in zip(elements, values, strict=True))
    keyed = any(any(p.kind != "unk" for column in row[:len(row) - len(value)] for p in column)
                for row, value in zip(rows, values, strict=True))
    return rows if rows and keyed else None


def _call_origin(node: ast.expr, scope: Scope) -> str | None:
    """``get_factory("k").client()`` -> ``splitio.get_factory``: what made the object, by qualified name."""
    if not isinstance(node, ast.Call):
        return None
    while isinstance(node, (ast.Call, ast.Attribute)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return scope.qualify(node.id) if isinstance(node, ast.Name) else None


def _may_be_key(node: ast.expr) -> bool:
    return isinstance(node, (ast.Constant, ast.JoinedStr, ast.BinOp, ast.Name, ast.Attribute)) and not (
        isinstance(node, ast.Constant) and not isinstance(node.value, str)
    )


def statement_spans(tree: ast.Module) -> list[tuple[int, int, str | None]]:
    """Line spans the site analysis takes one at a time.

    Top-level statements, except that a class is split into its body
    statements (tagged with the class name) so one flag check in a large class
    does not cost an analysis of the whole class. A class header holds no checks.
    """
    spans = [(_first_line(s), s.end_lineno or s.lineno, owner.name if owner else None) for s, owner in _members(tree)]
    return _merge_shared_lines(spans)


def span_statements(tree: ast.Module,
                    spans: list[tuple[int, int, str | None]]) -> dict[int, tuple[list[ast.stmt], ast.ClassDef | None]]:
    """The statements of each of ``spans`` (:func:`statement_spans`), by its first line, and the class they
    belong to."""
    found: dict[int, tuple[list[ast.stmt], ast.ClassDef | None]] = {}
    starts = [start for start, _, _ in spans]
    for statement, owner in _members(tree):
        start = starts[bisect.bisect_right(starts, _first_line(statement)) - 1]
        members, first_owner = found.setdefault(start, ([], owner))
        members.append(statement)
        if first_owner is not owner:
            found[start] = (members, None)
    return found


def _members(tree: ast.Module) -> Iterator[tuple[ast.stmt, ast.ClassDef | None]]:
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.body and not node.decorator_list:
            if all(_first_line(s) > node.lineno for s in node.body):
                yield from ((s, node) for s in node.body)
                continue
        yield node, None


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", None) or []
    return min([node.lineno, *(d.lineno for d in decorators)])


def _merge_shared_lines(spans: list[tuple[int, int, str | None]]) -> list[tuple[int, int, str | None]]:
    """Join spans that share a line (``a = 1; b = 2``) so each line belongs to one span."""
    merged: list[tuple[int, int, str | None]] = []
    for start, end, owner in spans:
        if merged and start <= merged[-1][1]:
            prev = merged[-1]
            merged[-1] = (prev[0], max(end, prev[1]), prev[2] if prev[2] == owner else None)
        else:
            merged.append((start, end, owner))
    return merged


def setting_values(tree: ast.Module, dicts: frozenset[str], package: str,
                   literals: bool = False) -> Iterator[tuple[str, str, int]]:
    """Boolean settings a module assigns at top level: ``X = True``, ``FEATURES["X"] = False``, ``FEATURES = {...}``;
    and upper-case names assigned what a call returns (read when the program runs: the environment, a file); with
    ``literals`` (a settings module's), upper-case names assigned another literal, as :data:`LITERAL_VALUE`.

    Whether the module is a settings module is decided later, from its path. A module that sets names it
    cannot see (``vars().update(yaml.safe_load(f))``, ``globals()[name] = ...``) gives ``(DYNAMIC_SETTINGS, "", line)``:
    any setting may come from outside the code. A value assigned under an ``if`` depends on what the condition reads
    when the program runs (``if os.environ.get("DATA_PATH"): USE_LOCAL_DATA = True``): it is one read then too.
    Each module it star-imports (``package``'s, for a relative import) gives ``(EXTENDS, module, line)``.
    """
    for node, conditional in top_level_in(tree.body):
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            yield EXTENDS, _import_base(node, package), node.lineno
        for name, value, line in _settings_of(node, dicts, literals):
            yield name, RUN_TIME_VALUE if conditional and name != DYNAMIC_SETTINGS and value != RUN_TIME_BOOL \
                else value, line


def _settings_of(node: ast.stmt, dicts: frozenset[str], literals: bool) -> Iterator[tuple[str, str, int]]:
    """The settings one statement assigns, as :func:`setting_values` gives them."""
    if _sets_unseen_names(node):
        yield DYNAMIC_SETTINGS, "", node.lineno
    elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
        yield from _named_setting(node.target.id, node.value, node.lineno, dicts, literals)  # ``X: bool = True``
    elif isinstance(node, ast.Assign) and len(node.targets) == 1:
        target, value = node.targets[0], node.value
        if isinstance(target, ast.Name):
            yield from _named_setting(target.id, value, node.lineno, dicts, literals)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id in dicts:
            key = target.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and _is_flag_value(value):
                yield f"{target.value.id}['{key.value}']", repr(value.value), node.lineno  # type: ignore[attr-defined]
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        call = node.value
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "update" and isinstance(func.value, ast.Name) \
                and func.value.id in dicts:
            for arg in call.args:
                if isinstance(arg, ast.Dict):
                    yield from _dict_entries(func.value.id, arg)
            for keyword in call.keywords:
                if keyword.arg and _is_flag_value(keyword.value):
                    yield f"{func.value.id}['{keyword.arg}']", repr(keyword.value.value), keyword.value.lineno  # type: ignore[attr-defined]


def _named_setting(name: str, value: ast.expr, line: int, dicts: frozenset[str],
                   literals: bool) -> Iterator[tuple[str, str, int]]:
    """``X = True``; ``X = env.str("X")`` (an upper-case name, what a call returns: read when the program runs),
    ``X = env.bool("X", default=True)`` a boolean so; ``FEATURES = {...}`` for a settings dict, entry by entry, and
    a dict of booleans named as one (``GALAXY_FEATURE_FLAGS = {"ai_deny_index": False, ...}``), which
    model/boolean_settings.py makes a settings dict."""
    if _is_flag_value(value):
        yield name, repr(value.value), line  # type: ignore[attr-defined]
    elif isinstance(value, ast.Dict) and (name in dicts or is_flag_dict(name) and _booleans(value)):
        yield from _dict_entries(name, value)
    elif isinstance(value, ast.Dict) and name.isupper():
        yield from _switch_entries(name, value)
    elif name.isupper() and _calls(value):
        yield name, RUN_TIME_BOOL if _read_as_bool(value) else RUN_TIME_VALUE, line
    elif literals and name.isupper() and _is_other_literal(value):
        yield name, LITERAL_VALUE, line


_FLAG_DICT = re.compile(r"[A-Z][A-Z0-9_]*_(?:FEATURE_FLAGS|FEATURES|FLAGS|SWITCHES|TOGGLES)")
"""The name of a settings dict of a project's own: ansible/galaxy_ng's ``GALAXY_FEATURE_FLAGS``."""


def _switch_entries(name: str, value: ast.Dict) -> Iterator[tuple[str, str, int]]:
    """The entries of a settings dict of values of every kind that are switches: named as one, set to a bool
    (wger-project/wger's ``WGER_SETTINGS = {"ALLOW_REGISTRATION": True, "EMAIL_FROM": "...", ...}``, read as
    ``settings.WGER_SETTINGS["ALLOW_REGISTRATION"]``); model/boolean_settings.py makes the dict a settings dict, whose
    other entries are no flags (resolve.py)."""
    for key, item in zip(value.keys, value.values, strict=True):
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and SWITCH_NAME.fullmatch(key.value) \
                and isinstance(item, ast.Constant) and isinstance(item.value, bool):
            yield f"{name}['{key.value}']", repr(item.value), key.lineno


SWITCH_NAME = re.compile(r"(?!\w*_(?:SSL|TLS)$)(?:(?:\w+_)?(?:ENABLE|DISABLE|ALLOW|SHOW|HIDE)_\w+|(?:USE|CAN)_\w+"
                          r"|\w+_(?:ENABLE|ENABLED|DISABLE|DISABLED))")
"""The name of an undeclared value read where every value is (django-constance's ``config.MFA_ENABLED``, the
environment's ``DOCS_ALLOW_ANONYMIZATION``): a switch's, not a list's or a message's that merely mentions one
(``REGISTRATION_ALLOWED_EMAIL_DOMAINS``), nor a connection's option (``EMAIL_USE_TLS``, ``DB_DISABLE_SSL``); and of a
settings dict's entry that is a switch (:func:`_switch_entries`)."""


_FLAG_WORDS = frozenset({"ENABLE", "ENABLED", "DISABLE", "DISABLED", "FEATURE", "FEATURES", "FLAG", "FLAGS",
                         "SWITCH", "TOGGLE", "ALLOW", "ALLOWED", "MODE", "SHOW", "HIDE", "SKIP"})
"""Words of a setting's name that say it switches something, where it is read with a bool default
(openedx/edx-search's ``getattr(settings, "SEARCH_SKIP_ENROLLMENT_START_DATE_FILTERING", False)``)."""
_FLAG_PREFIXES = ("USE_", "SHOW_", "HIDE_", "ENABLE", "DISABLE", "ALLOW", "CAN_")
_DJANGO_FLAG_NAMED = frozenset({"USE_I18N", "USE_L10N", "USE_TZ", "USE_THOUSAND_SEPARATOR", "USE_X_FORWARDED_HOST",
                                "USE_X_FORWARDED_PORT", "USE_ETAGS", "USE_DEPRECATED_PYTZ", "ALLOWED_HOSTS",
                                "ALLOWED_INCLUDE_ROOTS"})
"""Django's own settings named like flags: they configure the framework, not a feature of the project
(``getattr(settings, "USE_I18N", False)`` in a context processor, dimagi/open-chat-studio)."""


def named_as_flag(name: str) -> bool:
    """Whether a setting read with a bool default (``getattr(settings, "X", False)``) is named as a flag, not as one of
    Django's own: the model's test of such a read, and history's of each read alone (extract/prefilter.py)."""
    return name not in _DJANGO_FLAG_NAMED and (
        name.startswith(_FLAG_PREFIXES) or not _FLAG_WORDS.isdisjoint(name.split("_")))


def is_flag_dict(name: str) -> bool:
    """Whether a settings dict is named as one of flags only (:data:`_FLAG_DICT`)."""
    return _FLAG_DICT.fullmatch(name) is not None


def _booleans(value: ast.Dict) -> bool:
    """A dict literal of named booleans only: ``{"ai_deny_index": False}``, not ``{"view": "is_system_auditor"}``."""
    return bool(value.keys) and all(
        isinstance(key, ast.Constant) and isinstance(key.value, str) and isinstance(item, ast.Constant)
        and isinstance(item.value, bool) for key, item in zip(value.keys, value.values, strict=True))


_NAMESPACES = frozenset({"vars", "globals", "locals"})


def _sets_unseen_names(node: ast.stmt) -> bool:
    """Whether the analysed module's statement sets names no assignment shows: ``vars().update(...)``,
    ``globals()[key] = value``, ``setattr(sys.modules[__name__], ...)``, ``exec(...)``, or django-split-settings'
    ``include(..., scope=locals())`` (ansible/awx reads ``/etc/tower/conf.d/*.py`` so). The statement is only
    looked at in its syntax tree; nothing from the checkout is ever run."""
    def namespace(expr: ast.expr) -> bool:
        return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in _NAMESPACES

    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        if isinstance(func, ast.Attribute) and func.attr == "update" and namespace(func.value):
            return True
        if any(k.arg == "scope" and namespace(k.value) for k in node.value.keywords):
            return True
        return isinstance(func, ast.Name) and func.id in ("exec", "setattr")
    if isinstance(node, ast.Assign):
        return any(isinstance(t, ast.Subscript) and namespace(t.value) for t in node.targets)
    if isinstance(node, ast.For):
        return any(_sets_unseen_names(inner) for inner in node.body)
    return False


def _dict_entries(name: str, value: ast.Dict) -> Iterator[tuple[str, str, int]]:
    """The entries of a settings dict literal: a bool or ``None``, or what a call returns, read when the program
    runs (``'presidential_map': bool(env.get_credential('FEC_FEATURE_PRESIDENTIAL_MAP', ''))``)."""
    for key, item in zip(value.keys, value.values, strict=True):
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            if _is_flag_value(item):
                yield f"{name}['{key.value}']", repr(item.value), key.lineno  # type: ignore[attr-defined]
            elif _calls(item):
                yield f"{name}['{key.value}']", RUN_TIME_VALUE, key.lineno


def _read_as_bool(value: ast.expr) -> bool:
    """A value read when the program runs that is a boolean: a reader named for one (django-environ's
    ``env.bool``, ``get_bool_from_env``, ``strtobool``, ``bool(...)``, django-configurations' ``BooleanValue``), one
    told to cast to it (``config("X", cast=bool)``), or a text compared with texts (``os.environ.get("X") ==
    "True"``, ``.lower() in ("true", "1")``)."""
    if isinstance(value, ast.Call):
        name = (dotted_name(value.func) or "").rpartition(".")[2].lower()
        return "bool" in name or any(k.arg in ("cast", "parser") and isinstance(k.value, ast.Name)
                                     and k.value.id == "bool" for k in value.keywords)
    if isinstance(value, ast.Compare) and _calls(value.left):
        return all(_texts(operand) for operand in value.comparators)
    return False


def _texts(node: ast.expr) -> bool:
    """A text, or a literal collection of texts."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return bool(node.elts) and all(map(_texts, node.elts))
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _calls(node: ast.expr) -> bool:
    return any(isinstance(n, ast.Call) for n in ast.walk(node))


def _is_other_literal(node: ast.expr) -> bool:
    """A literal that holds no boolean: a text, a number other than 0 and 1 (which old code switches with), a list,
    tuple, set or dict display."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (str, bytes, float)) or type(node.value) is int and node.value not in (0, 1)
    return isinstance(node, (ast.JoinedStr, ast.List, ast.Tuple, ast.Set, ast.Dict))


def _is_flag_value(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool))
