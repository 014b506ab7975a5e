"""Read files written for a newer Python than the one running flagaudit.

The extractor's first pass is ``ast``, and ``ast`` reads only the grammar of
the interpreter it runs in: on 3.11, ``except A, B:`` (3.14, PEP 758), ``def
f[T]()`` and ``type X = ...`` (3.12, PEP 695) or an f-string that reuses its
quotes (3.12, PEP 701) are syntax errors, though the file is valid Python.
libcst's parser reads every grammar from 3.0 to 3.14 whatever runs it, so such
a file is parsed with libcst and written back in the older spelling of the same
code, line for line (parentheses around the exception classes, the type
parameters dropped, ``type X = Y`` as ``X = Y``, ``except*`` as ``except`` where
3.10 runs, f-strings requoted): every name, call, key and line stays where it
was, so the facts taken from it are the file's own.

The quoted f-strings and type parameters most such files hold are respelled in
place first, without a parser (in_place.py); libcst reads the rest.

libcst is slow (a 2,000-line module takes half a second), and history reads
every version of such a file, most of which differ from the one before in one
function. So the text is respelled in pieces, each starting at a top-level
``def``, ``class`` or decorator, and each piece's respelling is remembered by its
text. That is the whole file's respelling: a piece that libcst reads by itself
ends where a statement ends (no bracket or string left open), and the next
starts at column 0 with a ``def``, ``class`` or ``@``, which cannot continue a
statement, so the file parses as the pieces' statements one after the other,
and each node is respelled from its own text alone. From the first piece libcst
cannot read (a bad cut, inside a string, or a real error), the rest of the text
is read whole, as the file would be.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from itertools import pairwise

from flagaudit.extract.in_place import in_place

_MAX_DEPTH = 100
"""Brackets nested deeper than this in a file that ``ast`` rejects are not given to libcst: its native parser
crashes the process on a few thousand (and ``ast`` allows 200)."""
_MAX_OPERATORS = 1000
"""Operators in one statement: libcst's parse time grows much faster than their number (10,000 take seconds),
so a hostile file could stall a run."""
_OPERATOR_WORDS = frozenset({"not", "and", "or", "if", "else", "lambda", "await", "in", "is"})
_BRACKETS = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}
_PIECE_START = re.compile(r"(?:@|def |class |async def )")
"""A line that may start a piece: a top-level decorator or definition."""
_BODY_START = re.compile(r"[ \t]+(?:@|def |class |async def )")
"""A line that may start a piece of a class's body: an indented decorator or definition."""
_WRAPPER = "class _:\n"
"""What a piece of a class's body is read inside."""
_REMEMBERED_CHARS = 20_000_000
"""The respelled pieces a process keeps, by their text's length and the respelling's: versions of a few large
modules, dropped all at once when full."""
_respelled: dict[str, str | None] = {}
_remembered = 0


def translate(text: str) -> str | None:
    """``text`` respelled in syntax the running ``ast`` reads, lines unchanged (in place where in_place.py can,
    else through libcst, else in place with the f-strings no quote can respell made spaces); ``None`` if libcst
    cannot parse
    it either (a real syntax error), the respelling is still not readable, or the file is too deeply nested or
    has too large a statement to give libcst safely (see ``_MAX_DEPTH``; each text given to libcst is measured
    first, so a version that changes one function measures that function)."""
    quick = in_place(text)
    if quick is not None and _reads(quick):
        return quick
    older = _in_pieces(text)
    if older is not None and _reads(older):
        return older
    blanked = in_place(text, blank=True)  # the last resort: what no quote can respell becomes spaces
    return blanked if blanked is not None and _reads(blanked) else None


def _reads(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, RecursionError, ValueError, MemoryError):
        return False
    return True


def _in_pieces(text: str) -> str | None:
    """``text`` respelled piece by piece (see the module's docstring); ``None`` if libcst cannot read it."""
    pieces = _pieces(text)
    done: list[str] = []
    for index, piece in enumerate(pieces):
        older = _respelled.get(piece, "")
        if older == "":
            older = _remember(piece, _class_in_pieces(piece) or _respell(piece))
        if older is None:
            rest = "".join(pieces[index:])
            older = _respell(rest) if index + 1 < len(pieces) else None
            return None if older is None else "".join(done) + older
        done.append(older)
    return "".join(done)


def _pieces(text: str) -> list[str]:
    """``text`` cut before each top-level ``def``, ``class`` or decorator that no decorator line precedes."""
    pieces: list[str] = []
    lines: list[str] = []
    decorated = False
    for line in text.splitlines(keepends=True):
        starts = _PIECE_START.match(line) is not None
        if starts and lines and not decorated:
            pieces.append("".join(lines))
            lines = []
        lines.append(line)
        if line[:1] not in ("", " ", "\t", "#", "\n", ")", "]", "}"):
            decorated = line.startswith("@")
    pieces.append("".join(lines))
    return pieces


def _class_in_pieces(piece: str) -> str | None:
    """A top-level class respelled in pieces too, cut before each definition or decorator of its body: a large
    class is most of a module, and a version of it mostly changes one method. Each piece after the first is read
    as the body of an empty class of its own (``class _:``), which adds a line and changes nothing else, and is
    remembered by its text. As at the top level, a piece that libcst reads ends where a statement ends and the
    next starts with a ``def``, ``class`` or ``@`` at the body's indentation, so they read as the class did;
    ``None`` (respell the class whole) when a piece cannot be read or the piece is no class."""
    lines = piece.splitlines(keepends=True)
    header = next((i for i, line in enumerate(lines) if not line.startswith("@")), len(lines))
    if header == len(lines) or not lines[header].startswith("class "):
        return None
    starts = [i for i, line in enumerate(lines[header + 1:], header + 1) if _BODY_START.match(line)]
    if not starts:
        return None
    indent = lines[starts[0]][:len(lines[starts[0]]) - len(lines[starts[0]].lstrip(" \t"))]
    cuts, decorated = [], False
    for i in range(starts[0], len(lines)):  # as _pieces does at the top level, at the body's indentation
        line = lines[i]
        at_body = line.startswith(indent) and line[len(indent):len(indent) + 1] not in ("", " ", "\t", "\n")
        if at_body and i > starts[0] and not decorated and _BODY_START.match(line):
            cuts.append(i)
        if at_body and line[len(indent)] not in "#)]}":
            decorated = line[len(indent)] == "@"
    if not cuts:
        return None
    bounds = [0, *cuts, len(lines)]
    done = []
    for number, (start, end) in enumerate(pairwise(bounds)):
        part = "".join(lines[start:end])
        older = _respelled.get(part, "")
        if older == "":
            if number == 0:
                older = _respell(part)
            else:
                wrapped = _respell(_WRAPPER + part)
                older = wrapped[len(_WRAPPER):] if wrapped is not None and wrapped.startswith(_WRAPPER) else None
            _remember(part, older)
        if older is None:
            return None
        done.append(older)
    return "".join(done)


def _remember(piece: str, older: str | None) -> str | None:
    global _remembered
    if _remembered > _REMEMBERED_CHARS:
        _respelled.clear()
        _remembered = 0
    _respelled[piece] = older
    _remembered += len(piece) + len(older or "")
    return older


def _respell(code: str) -> str | None:
    """``code`` as libcst reads it, respelled in older syntax; ``None`` if libcst cannot, or if the code is too
    deeply nested or has too large a statement to give it safely."""
    if not _bounded(code):
        return None
    from flagaudit.extract.older_spelling import respell  # imports libcst: only for what in_place cannot read

    return respell(code)


def parse_any(text: str, filename: str = "<unknown>") -> ast.Module:
    """``ast`` of ``text``, also when it is written for a newer Python than the one running (read in its older
    spelling, :func:`translate`, which keeps every name and line); the ``SyntaxError`` of the running ``ast``
    when neither reads it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text, filename)
        except SyntaxError:
            older = translate(text)
            if older is None:
                raise
        return ast.parse(older, filename)


def _bounded(text: str) -> bool:
    """Whether no bracket nests deeper than ``_MAX_DEPTH`` and no statement holds more than ``_MAX_OPERATORS``."""
    depth = operators = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.OP and token.string in _BRACKETS:
                depth += _BRACKETS[token.string]
                if depth > _MAX_DEPTH:
                    return False
            elif token.type == tokenize.OP and token.string not in ",:.;=" or token.string in _OPERATOR_WORDS:
                operators += 1
                if operators > _MAX_OPERATORS:
                    return False
            elif token.type == tokenize.NEWLINE:
                operators = 0
    except (tokenize.TokenError, SyntaxError, ValueError):
        return False
    return True
