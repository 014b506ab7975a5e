"""Flag systems a project built for itself, found so ``flagaudit init`` can propose SDK rules for them.

The shipped rules know SDKs; a project's own registry they cannot know. Two shapes are common:

- **a registry**: string constants (a class's attributes, or module constants) passed to a method, or to an
  imported function, named like a flag check: ``has_*``, ``is_enabled``, ``is_*_enabled``, anything with
  ``feature`` in it: ``project.has_feature(Feature.MKDOCS_THEME)``, ``self.is_feature_enabled(MFE_VIEWS)``,
  ``is_enabled(features.SYNC)`` with a library's ``is_enabled`` (its code is not in the project, so no helper
  of it can be inferred); permission and role checks (``has_perm(ADMIN_ACCESS)``) are left out;
- **a settings dictionary of flags** besides ``FEATURES``: ``settings.FEATURE_FLAGS["NEW_UI"]`` (names with
  FEATURE, FLAG, TOGGLE or SWITCH in them).

Pure: the files' bytes in, proposals out. ``ast`` of the running interpreter is enough and costs little:
this runs once, when a project adopts flagaudit. Tests are left out: they are not where flags are used.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from flagaudit.extract.file_facts import NOT_A_FLAG
from flagaudit.extract.symbols import DJANGO_SETTINGS

CHECK_NAME = re.compile(r"(?:has_\w+|is(?:_\w+)?_enabled|\w*feature\w*)", re.IGNORECASE)
"""Method and function names that read as "is this flag on"."""
_CONSTANT = re.compile(r"[A-Z][A-Z0-9_]*")
_FLAG_DICT = re.compile(r"[A-Z0-9_]*(?:FEATURE|FLAG|TOGGLE|SWITCH)[A-Z0-9_]*")
_HOPS = 5
"""Re-exports followed when a name is looked up (``from app.flags import Feature`` re-exported in a package)."""


@dataclass(frozen=True)
class Registry:
    """Constants passed to flag-check-like methods: one proposed rule."""

    methods: tuple[str, ...]
    """Names (last segment) of the methods that take the key first."""
    classes: tuple[str, ...]
    """Qualified names of the classes whose string attributes are the keys; empty for module constants."""
    keys: tuple[str, ...]
    calls: int
    where: str
    """``path:line`` of the first call."""
    functions: tuple[str, ...] = ()
    """Qualified names of the functions that take the key first: a library's (``mitol.olposthog.features.is_enabled``)
    or the project's own (``datahub.feature_flag.utils.is_feature_flag_active``)."""


@dataclass(frozen=True)
class FlagDict:
    """A settings dictionary of flags the shipped rules do not read."""

    name: str
    keys: tuple[str, ...]
    where: str


@dataclass(frozen=True)
class Suggestions:
    registries: tuple[Registry, ...] = ()
    dicts: tuple[FlagDict, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.registries or self.dicts)


@dataclass
class _Module:
    path: str
    tree: ast.Module
    aliases: dict[str, str] = field(default_factory=dict)
    """Local name -> qualified name, from imports and the module's own top-level definitions."""


def suggest(sources: Iterable[tuple[str, str, bytes]], known_dicts: Iterable[str] = (),
            known_sites: frozenset[tuple[str, int]] = frozenset()) -> Suggestions:
    """Proposals for ``(path, module, source)`` of the project's non-test Python files; calls at
    ``known_sites`` (``path``, ``line``) are flag sites the rules in use already find."""
    modules: dict[str, _Module] = {}
    constants: dict[str, str] = {}
    owner: dict[str, str] = {}
    for path, module, data in sources:
        if not path.endswith(".py"):
            continue
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError):
            continue  # `flagaudit scan` names unreadable files; proposals do without them
        found = modules[module] = _Module(path, tree)
        _collect(found, module, constants, owner)
    calls: dict[str, list[tuple[str, str]]] = {}
    dicts: dict[str, list[tuple[str, str]]] = {}
    skip = set(known_dicts)
    for held in modules.values():
        for node in ast.walk(held.tree):
            if isinstance(node, ast.Call) and node.args:
                name = _callee(node.func)
                if name and CHECK_NAME.fullmatch(name) and not NOT_A_FLAG.search(name) and \
                        (held.path, node.lineno) not in known_sites:
                    target = _resolve(_dotted(node.args[0]), held, modules)
                    if target in constants:
                        callee = _function(node.func, held, modules) or name
                        calls.setdefault(callee, []).append((target, f"{held.path}:{node.lineno}"))
            entry = _flag_dict(node, held, modules)
            if entry is not None and entry[0] not in skip:
                dicts.setdefault(entry[0], []).append((entry[1], f"{held.path}:{entry[2]}"))
    return Suggestions(_registries(calls, constants, owner), tuple(
        FlagDict(name, tuple(sorted({k for k, _ in found})), min(found, key=_place)[1])
        for name, found in sorted(dicts.items())))


def _registries(calls: dict[str, list[tuple[str, str]]], constants: dict[str, str],
                owner: dict[str, str]) -> tuple[Registry, ...]:
    """One proposal per family of constants: methods that take constants of the same classes (or modules) merge."""
    groups: dict[frozenset[str], set[str]] = {}
    for method, found in calls.items():
        homes = frozenset(owner.get(target, target.rpartition(".")[0]) for target, _ in found)
        merged = next((g for g in groups if g & homes), None)
        if merged is not None:
            groups[merged | homes] = groups.pop(merged) | {method}
        else:
            groups[homes] = {method}
    proposals = []
    for homes, methods in groups.items():
        found = [item for m in methods for item in calls[m]]
        classes = tuple(sorted(h for h in homes if h in owner.values()))
        proposals.append(Registry(tuple(sorted(m for m in methods if "." not in m)), classes,
                                  tuple(sorted({constants[t] for t, _ in found})), len(found),
                                  min(found, key=_place)[1], tuple(sorted(m for m in methods if "." in m))))
    return tuple(sorted(proposals, key=lambda r: (-len(r.keys), r.methods, r.functions)))


def _place(item: tuple[str, str]) -> tuple[str, int]:
    path, _, line = item[1].rpartition(":")
    return path, int(line)


def _collect(found: _Module, module: str, constants: dict[str, str], owner: dict[str, str]) -> None:
    """Imports, top-level definitions, and string constants of the module and of its top-level classes."""
    package = module if found.path.endswith("__init__.py") else module.rpartition(".")[0]
    for node in found.tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                found.aliases[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            for alias in node.names:
                if alias.name != "*":
                    found.aliases[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.aliases[node.name] = f"{module}.{node.name}"
        elif isinstance(node, ast.ClassDef):
            qualified = f"{module}.{node.name}"
            found.aliases[node.name] = qualified
            for item in node.body:
                for name, value in _string_constants(item):
                    constants[f"{qualified}.{name}"] = value
                    owner[f"{qualified}.{name}"] = qualified
        else:
            for name, value in _string_constants(node):
                constants[f"{module}.{name}"] = value
                found.aliases[name] = f"{module}.{name}"


def _string_constants(node: ast.stmt) -> list[tuple[str, str]]:
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
        return [(t.id, node.value.value) for t in node.targets if isinstance(t, ast.Name) and _CONSTANT.fullmatch(t.id)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and _CONSTANT.fullmatch(node.target.id) \
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
        return [(node.target.id, node.value.value)]
    return []


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".") if package else []
    base = ".".join(parts[:len(parts) - node.level + 1]) if node.level <= len(parts) + 1 else ""
    return ".".join(p for p in (base, node.module) if p)


def _function(func: ast.expr, module: _Module, modules: dict[str, _Module]) -> str | None:
    """The qualified name of the function a call names, matched by that name in the rule: one the module imports
    from a library (``is_enabled`` from ``from lib.features import is_enabled``, ``features.is_enabled`` after
    ``from lib import features``), or a module-level function of the project that checks a flag of its own
    (uktrade/data-hub-api's ``is_feature_flag_active(CODE)`` reads its own model: no SDK check to infer a helper
    from). ``None`` for a method of some object."""
    dotted = _dotted(func)
    if dotted is None or dotted.partition(".")[0] not in module.aliases:
        return None
    name = _resolve(dotted, module, modules)
    if name is None or "." not in name:
        return None
    home, _, last = name.rpartition(".")
    if home not in modules:
        return name
    return name if any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == last
                       for node in modules[home].tree.body) else None


def _callee(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _resolve(dotted: str | None, module: _Module, modules: dict[str, _Module]) -> str | None:
    """A name as written in ``module`` -> its qualified name, through imports and re-exports."""
    if dotted is None:
        return None
    first, _, rest = dotted.partition(".")
    name = module.aliases.get(first)
    if name is None:
        return None
    name = f"{name}.{rest}" if rest else name
    for _ in range(_HOPS):
        parts = name.split(".")
        size = next((n for n in range(len(parts) - 1, 0, -1) if ".".join(parts[:n]) in modules), 0)
        if not size:
            return name
        aliased = modules[".".join(parts[:size])].aliases.get(parts[size])
        if aliased is None or aliased == ".".join(parts[:size + 1]):
            return name  # defined there, or not known there
        name = ".".join([aliased, *parts[size + 1:]])
    return name


def _flag_dict(node: ast.AST, module: _Module, modules: dict[str, _Module]) -> tuple[str, str, int] | None:
    """``settings.NAME["KEY"]`` or ``settings.NAME.get("KEY")`` -> (NAME, KEY, line) for a flag-like NAME."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        holder, key, line = node.value, node.slice.value, node.lineno
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and \
            node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        holder, key, line = node.func.value, node.args[0].value, node.lineno
    else:
        return None
    if not isinstance(holder, ast.Attribute) or not _FLAG_DICT.fullmatch(holder.attr):
        return None
    if _resolve(_dotted(holder.value), module, modules) != DJANGO_SETTINGS:
        return None
    return holder.attr, key, line
