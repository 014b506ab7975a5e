"""Imports a cleanup leaves unused: found with ``ast``, dropped with libcst so every other line keeps its
comments and layout."""

from __future__ import annotations

import ast
from collections.abc import Collection, Sequence

import libcst as cst

from flagaudit.cleanup.fold import tidy_top
from flagaudit.extract.newer_syntax import parse_any


def unused_imports(before: str, after: str) -> set[str]:
    """Names an import binds that ``before`` used and ``after`` no longer does (and ``__all__`` does not list):
    what the cleanup made unused. Imports that were already unused (re-exports) are left alone."""
    used_before, used_after = _loads(before), _loads(after)
    return {name for name in _imported(after) if name in used_before and name not in used_after}


def drop_imports(source: str, names: Collection[str]) -> str:
    """``source`` without the import aliases binding ``names``; an import left empty goes entirely."""
    if not names:
        return source
    return cst.parse_module(source).visit(_DropImports(set(names))).code


class _DropImports(cst.CSTTransformer):
    def __init__(self, names: set[str]) -> None:
        self.names = names
        self.emptied: set[cst.CSTNode] = set()

    def _bound(self, alias: cst.ImportAlias) -> str:
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            return alias.asname.name.value
        name: cst.BaseExpression = alias.name
        while isinstance(name, cst.Attribute):
            name = name.value  # ``import a.b`` binds ``a``
        return name.value if isinstance(name, cst.Name) else ""

    def leave_Import(self, original: cst.Import, updated: cst.Import) -> cst.Import | cst.RemovalSentinel:
        kept = [a for a in updated.names if self._bound(a) not in self.names]
        return _with_aliases(updated, kept)

    def leave_ImportFrom(self, original: cst.ImportFrom,
                         updated: cst.ImportFrom) -> cst.ImportFrom | cst.RemovalSentinel:
        if isinstance(updated.names, cst.ImportStar):
            return updated
        kept = [a for a in updated.names if self._bound(a) not in self.names]
        return _with_aliases(updated, kept)

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine,
                                  updated: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
        if updated.body:
            return updated
        emptied = updated.with_changes(body=[cst.Pass()])  # a stand-in, dropped by the block that holds it
        self.emptied.add(emptied)
        return emptied

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        body = _without_emptied(updated.body, self.emptied) or [cst.SimpleStatementLine([cst.Pass()])]
        return updated.with_changes(body=body)

    def leave_SimpleStatementSuite(self, original: cst.SimpleStatementSuite,
                                   updated: cst.SimpleStatementSuite) -> cst.SimpleStatementSuite:
        return updated if updated.body else updated.with_changes(body=[cst.Pass()])

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return tidy_top(original, updated.with_changes(body=_without_emptied(updated.body, self.emptied)))


def _without_emptied(body: Sequence[cst.BaseStatement], emptied: set[cst.CSTNode]) -> list[cst.BaseStatement]:
    """The statements left, without the import lines emptied of every name; a blank line that separated an
    emptied import from what came before (an import group) is kept when the next statement has none."""
    kept: list[cst.BaseStatement] = []
    separator = False
    for statement in body:
        lines = statement.leading_lines if isinstance(statement, (cst.SimpleStatementLine,
                                                                  cst.BaseCompoundStatement)) else ()
        if statement in emptied:
            separator = separator or any(line.comment is None for line in lines)
            continue
        if separator and kept and not any(line.comment is None for line in lines):
            statement = statement.with_changes(leading_lines=(cst.EmptyLine(), *lines))
        separator = False
        kept.append(statement)
    return kept


def _with_aliases(node, kept):  # type: ignore[no-untyped-def]
    if not kept:
        return cst.RemovalSentinel.REMOVE
    if len(kept) == len(node.names):
        return node
    kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return node.with_changes(names=kept)


def _loads(source: str) -> set[str]:
    tree = parse_any(source)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    for node in ast.walk(tree):  # names listed in __all__ count as used
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            names.update(e.value for e in ast.walk(node.value) if isinstance(e, ast.Constant) and isinstance(
                e.value, str))
    return names


def _imported(source: str) -> set[str]:
    names = set()
    for node in ast.walk(parse_any(source)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add(alias.asname or alias.name.split(".")[0])
    return names
