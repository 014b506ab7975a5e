"""The file's ``ast`` read as the site analysis reads it: children in source order, call arguments as written,
names as the analysis spells them, and the text and columns of a node as the file has them.

Why: the site analysis used to parse each span holding a flag check again with libcst, which cost three
quarters of a cold scan on flag-dense code, though the ``ast`` of the whole file was already at hand and the
analysis rewrites nothing. What it read of libcst's tree it now reads here: the order a walk meets nodes in
(a call's positional and keyword arguments as they are written, a function's decorators first), a node's code
with its own parentheses, its column in characters (``ast`` counts UTF-8 bytes), and whether an ``elif``,
a one-line suite or a statement sharing its line with others is what the text says.
"""

from __future__ import annotations

import ast
import io
import keyword
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass

_OPERATORS = (ast.expr_context, ast.operator, ast.boolop, ast.cmpop, ast.unaryop)
_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.FunctionDef,
             ast.AsyncFunctionDef, ast.ClassDef, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()),
             *((ast.Match,) if hasattr(ast, "Match") else ()))
"""Statements with a block: the others (simple statements) are what share a line through semicolons."""


@dataclass(frozen=True)
class Arg:
    """One argument of a call as written: ``star`` is ``""``, ``"*"`` or ``"**"``; ``keyword`` its name."""

    value: ast.expr
    keyword: str | None = None
    star: str = ""


def arguments(call: ast.Call) -> list[Arg]:
    """A call's arguments in the order they are written (``ast`` keeps keywords apart from positions)."""
    if not call.keywords:
        return [Arg(a.value, None, "*") if isinstance(a, ast.Starred) else Arg(a) for a in call.args]
    found: list[tuple[int, int, Arg]] = []
    for a in call.args:
        found.append((a.lineno, a.col_offset, Arg(a.value, None, "*") if isinstance(a, ast.Starred) else Arg(a)))
    for k in call.keywords:
        found.append((k.lineno, k.col_offset, Arg(k.value, k.arg, "" if k.arg else "**")))
    found.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in found]


def full_name(node: ast.AST) -> str | None:
    """A dotted name as libcst's ``get_full_name_for_node`` spells it, which the analysis was written against: a
    call and a subscript name what they call or index (``a().b`` is ``a.b``), and an attribute of anything
    else is ``None.attr``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{full_name(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return full_name(node.func)
    if isinstance(node, ast.Subscript):
        return full_name(node.value)
    if isinstance(node, ast.Constant) and (node.value is None or node.value is True or node.value is False):
        return repr(node.value)  # ``None``, ``True`` and ``False`` are names to libcst
    return None


def children(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes below ``node`` in the order a walk of the source meets them, as libcst's fields give them:
    decorators first, a function's parameters each with its default, a class's body before its bases."""
    if isinstance(node, ast.Call):
        yield node.func
        yield from _in_order(node.args, node.keywords)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        yield from node.decorator_list
        yield from _parameters(node.args)
        yield from node.body
        if node.returns is not None:
            yield node.returns
    elif isinstance(node, ast.ClassDef):
        yield from node.decorator_list
        yield from node.body
        yield from node.bases
        yield from node.keywords
    elif isinstance(node, ast.Lambda):
        yield from _parameters(node.args)
        yield node.body
    elif isinstance(node, ast.ExceptHandler):
        yield from node.body
        if node.type is not None:
            yield node.type
    elif isinstance(node, ast.Dict):
        yield from (item for pair in zip(node.keys, node.values, strict=True) for item in pair if item is not None)
    else:
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST) and not isinstance(item, _OPERATORS):
                        yield item
            elif isinstance(value, ast.AST) and not isinstance(value, _OPERATORS):
                yield value


def _in_order(args: list[ast.expr], keywords: list[ast.keyword]) -> list[ast.expr | ast.keyword]:
    """A call's positional and keyword arguments as written (``f(a=1, *b)``)."""
    both: list[ast.expr | ast.keyword] = [*args, *keywords]
    if keywords:
        both.sort(key=lambda a: (a.lineno, a.col_offset))
    return both


def _parameters(parameters: ast.arguments) -> Iterator[ast.AST]:
    """Each parameter and then its default, in libcst's order: plain, ``*args``, keyword-only, ``**kwargs``,
    positional-only."""
    positional = [*parameters.posonlyargs, *parameters.args]
    defaults: dict[int, ast.expr] = {}
    for arg, default in zip(positional[len(positional) - len(parameters.defaults):], parameters.defaults,
                            strict=True):
        defaults[id(arg)] = default
    for arg, kw_default in zip(parameters.kwonlyargs, parameters.kw_defaults, strict=True):
        if kw_default is not None:
            defaults[id(arg)] = kw_default
    for group in (parameters.args, [parameters.vararg] if parameters.vararg else [], parameters.kwonlyargs,
                  [parameters.kwarg] if parameters.kwarg else [], parameters.posonlyargs):
        for arg in group:
            yield arg
            if id(arg) in defaults:
                yield defaults[id(arg)]


def parameter_names(parameters: ast.arguments) -> list[str]:
    """Every parameter's name, ``*args`` and ``**kwargs`` last."""
    names = [a.arg for a in (*parameters.posonlyargs, *parameters.args, *parameters.kwonlyargs)]
    names += [a.arg for a in (parameters.vararg, parameters.kwarg) if a is not None]
    return names


def is_compound(node: ast.AST) -> bool:
    return isinstance(node, _COMPOUND)


def is_bool(node: ast.expr) -> bool:
    """``True`` or ``False`` written out."""
    return isinstance(node, ast.Constant) and isinstance(node.value, bool)


def value_literal(node: ast.expr) -> bool:
    """A string, bytes, number (not a bool), f-string, dict, list or tuple written out: a value, not on/off."""
    if isinstance(node, ast.Constant):
        value = node.value
        return isinstance(value, (str, bytes, float)) or (isinstance(value, int) and not isinstance(value, bool))
    return isinstance(node, (ast.JoinedStr, ast.Dict, ast.List, ast.Tuple))


class Source:
    """The text of one file, addressed as ``ast`` addresses it (lines split at ``\\n``, columns in bytes)."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self._encoded: dict[int, bytes] = {}

    def _bytes(self, line: int) -> bytes:
        found = self._encoded.get(line)
        if found is None:
            found = self._encoded[line] = self.lines[line - 1].encode("utf-8", "surrogatepass")
        return found

    def column(self, line: int, offset: int) -> int:
        """The column in characters of byte ``offset`` on ``line`` (libcst counts characters)."""
        text = self.lines[line - 1]
        if text.isascii():
            return offset
        return len(self._bytes(line)[:offset].decode("utf-8", "surrogatepass"))

    def start(self, node: ast.expr | ast.stmt) -> tuple[int, int]:
        return node.lineno, self.column(node.lineno, node.col_offset)

    def first_line(self, node: ast.expr | ast.stmt) -> int:
        """The first line of a statement or expression, a parenthesized tuple's (or generator's) without its
        parentheses, as libcst places it."""
        line = node.lineno
        if isinstance(node, (ast.Tuple, ast.GeneratorExp)) and \
                self._bytes(line)[node.col_offset:node.col_offset + 1] == b"(":
            after = self._after(line, node.col_offset + 1)
            return after[0] if after is not None else line
        return line

    def last_line(self, node: ast.expr | ast.stmt) -> int:
        line = node.end_lineno or node.lineno
        if isinstance(node, (ast.Tuple, ast.GeneratorExp)) and node.end_col_offset and \
                self._bytes(line)[node.end_col_offset - 1:node.end_col_offset] == b")":
            before = self._before(line, node.end_col_offset - 1)
            return before[0] if before is not None else line
        return line

    def _text(self, line: int, offset: int, end_line: int, end_offset: int) -> str:
        if line == end_line:
            return self._bytes(line)[offset:end_offset].decode("utf-8", "surrogatepass")
        parts = [self._bytes(line)[offset:].decode("utf-8", "surrogatepass")]
        parts += self.lines[line:end_line - 1]
        parts.append(self._bytes(end_line)[:end_offset].decode("utf-8", "surrogatepass"))
        return "\n".join(parts)

    def raw(self, node: ast.expr) -> str:
        """The code of ``node`` as written, with the parentheses that are its own (``f((x))``: ``(x)``)."""
        assert node.end_lineno is not None and node.end_col_offset is not None
        line, offset, end_line, end_offset = node.lineno, node.col_offset, node.end_lineno, node.end_col_offset
        while True:
            before = self._before(line, offset)
            after = self._after(end_line, end_offset)
            if before is None or after is None or before[2] != "(" or after[2] != ")" \
                    or self._closes_atom(before[0], before[1]):
                break
            line, offset, end_line, end_offset = before[0], before[1], after[0], after[1] + 1
        return self._text(line, offset, end_line, end_offset)

    def code(self, node: ast.expr) -> str:
        """The code of ``node`` on one line, runs of whitespace made one space (a key's expression)."""
        return " ".join(self.raw(node).split())

    def _before(self, line: int, offset: int) -> tuple[int, int, str] | None:
        """The last character of code before byte ``offset`` of ``line``: its line, byte offset and itself."""
        while line >= 1:
            text = self._bytes(line)[:offset].rstrip()
            if text.endswith(b"\\"):
                text = text[:-1].rstrip()
            if text:
                return line, len(text) - 1, chr(text[-1])
            line -= 1
            if line >= 1:
                offset = _code_end(self._bytes(line))
        return None

    def _after(self, line: int, offset: int) -> tuple[int, int, str] | None:
        """The first character of code at or after byte ``offset`` of ``line``."""
        while line <= len(self.lines):
            data = self._bytes(line)
            index = offset
            while index < len(data) and data[index] in b" \t\f\\":
                index += 1
            if index < len(data) and data[index] != ord("#"):
                return line, index, chr(data[index])
            line, offset = line + 1, 0
        return None

    def _closes_atom(self, line: int, offset: int) -> bool:
        """Whether the parenthesis at ``offset`` follows an expression (a call's, a class's bases) rather than
        an operator or a keyword (a grouping)."""
        before = self._before(line, offset)
        if before is None:
            return False
        char = before[2]
        if char in ")]}\"'":
            return True
        if not (char.isalnum() or char == "_" or ord(char) > 127):
            return False
        data = self._bytes(before[0])[:before[1] + 1]
        start = len(data)
        while start > 0 and (chr(data[start - 1]).isalnum() or data[start - 1] in b"_" or data[start - 1] > 127):
            start -= 1
        word = data[start:].decode("utf-8", "surrogatepass")
        return word not in _KEYWORDS

    def is_elif(self, node: ast.If) -> bool:
        return self._bytes(node.lineno)[node.col_offset:node.col_offset + 4] == b"elif"

    def opens_line(self, node: ast.stmt) -> bool:
        """Whether only indentation stands before ``node`` on its line (not ``if x: node``, not ``a; node``)."""
        return not self._bytes(node.lineno)[:node.col_offset].strip()

    def simple_string(self, node: ast.expr) -> bool:
        """A ``str`` or ``bytes`` constant written as one literal (not ``"a" "b"``)."""
        if not isinstance(node, ast.Constant) or not isinstance(node.value, (str, bytes)):
            return False
        if node.lineno == node.end_lineno and not self.lines[node.lineno - 1].count("'") + \
                self.lines[node.lineno - 1].count('"') > 2:
            return True
        try:
            tokens = [t for t in tokenize.generate_tokens(io.StringIO(self._text(
                node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or 0)).readline)
                if t.type == tokenize.STRING]
        except (tokenize.TokenError, SyntaxError):
            return False
        return len(tokens) == 1


def _code_end(data: bytes) -> int:
    """Where the code of a line ends: before a comment that is not inside a string on that line."""
    quote = b""
    index = 0
    while index < len(data):
        char = data[index:index + 1]
        if quote:
            if char == b"\\":
                index += 2
                continue
            if data.startswith(quote, index):
                index += len(quote)
                quote = b""
                continue
        elif char == b"#":
            return index
        elif char in (b"'", b'"'):
            quote = data[index:index + 3] if data[index:index + 3] in (b"'''", b'"""') else char
            index += len(quote)
            continue
        index += 1
    return len(data)


_KEYWORDS = frozenset(keyword.kwlist)
