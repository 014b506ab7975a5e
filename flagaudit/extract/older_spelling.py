"""libcst's respelling of newer syntax in older syntax, line for line (see newer_syntax.py, which gives it the
pieces of a file that in_place.py could not respell). Its own module so that only a run that needs libcst
imports it (a third of a second in each worker)."""

from __future__ import annotations

import sys

import libcst as cst


def respell(code: str) -> str | None:
    """``code`` as libcst reads it, respelled by :class:`_Older`; ``None`` if libcst cannot."""
    try:
        module = cst.parse_module(code)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None
    try:
        return module.visit(_Older()).code
    except (RecursionError, ValueError, cst.CSTValidationError):
        return None


class _Older(cst.CSTTransformer):
    """Respell newer syntax in older syntax with the same lines."""

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler,
                            updated_node: cst.ExceptHandler) -> cst.ExceptHandler:
        return updated_node.with_changes(type=_parenthesized(updated_node.type))

    def leave_ExceptStarHandler(self, original_node: cst.ExceptStarHandler,
                                updated_node: cst.ExceptStarHandler) -> cst.ExceptStarHandler:
        return updated_node.with_changes(type=_parenthesized(updated_node.type))

    def leave_TryStar(self, original_node: cst.TryStar, updated_node: cst.TryStar) -> cst.BaseStatement:
        if sys.version_info >= (3, 11):
            return updated_node
        handlers = [cst.ExceptHandler(body=h.body, type=h.type, name=h.name, leading_lines=h.leading_lines,
                                      whitespace_after_except=h.whitespace_after_star,  # `except* X` -> `except X`
                                      whitespace_before_colon=h.whitespace_before_colon)
                    for h in updated_node.handlers]
        return cst.Try(body=updated_node.body, handlers=handlers, orelse=updated_node.orelse,
                       finalbody=updated_node.finalbody, leading_lines=updated_node.leading_lines,
                       whitespace_before_colon=updated_node.whitespace_before_colon)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        return updated_node.with_changes(type_parameters=None)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        return updated_node.with_changes(type_parameters=None)

    def leave_TypeAlias(self, original_node: cst.TypeAlias, updated_node: cst.TypeAlias) -> cst.Assign:
        return cst.Assign(targets=[cst.AssignTarget(updated_node.name)], value=updated_node.value,
                          semicolon=updated_node.semicolon)

    def leave_FormattedString(self, original_node: cst.FormattedString,
                              updated_node: cst.FormattedString) -> cst.BaseExpression:
        return _requoted(updated_node)


def _parenthesized(node: cst.BaseExpression | None) -> cst.BaseExpression | None:
    if isinstance(node, cst.Tuple) and not node.lpar:
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


def _requoted(node: cst.FormattedString) -> cst.FormattedString:
    """An f-string whose replacement fields use its own quote (3.12) gets the other quote, or triple quotes; one
    in single quotes whose replacement fields run over lines (3.12, PEP 701: a line break after ``{``) gets triple
    quotes, in which older Pythons let a field do so."""
    quote = node.start[len(node.prefix):]
    inner = "".join(cst.Module([]).code_for_node(part.expression) for part in node.parts
                    if isinstance(part, cst.FormattedStringExpression))
    over_lines = len(quote) == 1 and "\n" in cst.Module([]).code_for_node(node)
    if quote[0] not in inner and not over_lines:
        return node
    for other in ("'''", '"""') if over_lines else ("'", '"', "'''", '"""'):
        if other[0] not in inner and not any(
                isinstance(p, cst.FormattedStringText) and other[0] in p.value for p in node.parts):
            return node.with_changes(start=node.prefix + other, end=other)
    if len(quote) == 1:
        triple = quote * 3
        if triple not in inner and not inner.endswith(quote):
            return node.with_changes(start=node.prefix + triple, end=triple)
    return node
