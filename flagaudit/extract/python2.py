"""Read files written in Python 2 as the Python 3 they would be, line for line.

Python 2.7 is a released Python, and long-lived repositories keep it: in scripts at their tips and in every
version of their modules before the port, which history reads. ``ast`` rejects it (``print x``, ``except E,
e:``, backticks, ``0777``, ``123L``, ``ur''``, ...). A file ``ast`` rejects is respelled here in Python 3
syntax. Every line stays where it was, and every token keeps its column wherever the respelling is no longer
than the original: ``print x`` -> ``print(x)``, ``exec code in ns`` -> ``exec(code ,  ns)``, ``raise E, msg``
-> ``raise E( msg)``, ``0777`` -> ``511 ``, ``123L`` -> ``123 ``, ``ur'x'`` -> `` r'x'``, ``<>`` -> ``!=``,
``[x for x in a, b]`` -> ``[x for x in(a, b)]``, a sole generator's trailing comma (``f(x for x in y,)``,
which Python 3.6 read too) -> a space, and tuple parameters (``lambda (k, v): v``) lose their parentheses to
spaces. Where the respelling must be longer (``except E, e:`` -> ``except E as e:``, a backtick
-> ``repr(``, a ``\\N`` that a ``str`` of Python 2 keeps, ``async`` or an assigned ``False`` as a name ->
``async_``, ``False_``), the line's later whitespace gives the columns back. So the keys, calls and tests
found point at the file's own positions.

The text is read by a scanner of its own, not ``tokenize``, which reads ``0777``, backticks and ``<>``
differently since 3.12 (it became the C tokenizer): nothing here may depend on the running version. The
scanner is one regular expression over the text and one pass over its tokens, without recursion: linear in
the text whatever it holds. Nothing from the file is run.
"""

from __future__ import annotations

import re
import sys

QUOTED = {
    "'''": r"'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''",
    '"""': r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""',
    "'": r"'[^'\\\n]*(?:\\.[^'\\\n]*)*'",
    '"': r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'}
"""A string from its opening quote to its closing one (its prefix apart), by quote, triple quotes first: how this
module and in_place.py both read strings, neither through Python's tokenizer, whose reading changes by version."""

_TOKEN = re.compile(r"""
 (?P<ws>[ \t\f]+)
|(?P<nl>\n)
|(?P<comment>\#[^\n]*)
|(?P<cont>\\\n)
|(?P<string>(?:[uUbB][rR]?|[rR][bBuUfF]?|[fF][rR]?)?(?:""" + "|".join(QUOTED.values()) + r"""))
|(?P<name>[^\W\d]\w*)
|(?P<number>(?:0[xX][\da-fA-F_]+|0[oObB][\d_]+|\d[\d_]*(?:\.[\d_]*)?(?:[eE][+-]?\d[\d_]*)?
   |\.\d[\d_]*(?:[eE][+-]?\d[\d_]*)?)[jJlL]?)
|(?P<op><>|\*\*=?|//=?|>>=?|<<=?|->|\.\.\.|[-+*/%&|^@=!<>:]=|.)
""", re.VERBOSE | re.DOTALL)
"""One token: ``op`` also takes any other character, so the tokens cover the text; a quote left as ``op`` opens
a string that never closes."""

_EXCEPT_COMMA_REJECTED = sys.version_info < (3, 14)
"""Python 3.14 reads ``except A, B:`` as two classes (PEP 758), so ``except E, e:`` parses there."""
_SURROGATE = re.compile("[\udc80-\udcff]")
"""A byte that did not decode, as ``surrogateescape`` keeps it."""
_OCTAL = re.compile(r"0[0-7]*[1-7][0-7]*")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_MALFORMED = re.compile(r"N(?!\{[^}\n]*\})|u(?![\da-fA-F]{4})|U(?![\da-fA-F]{8})")
"""A ``\\N``, ``\\u`` or ``\\U`` that Python 3 rejects in a ``str`` literal (Python 2's ``str`` keeps it)."""
_UNICODE_LITERALS = re.compile(r"^from\s+__future__\s+import\s[^\n#]*\bunicode_literals\b", re.MULTILINE)
_COMPOUND = frozenset({"if", "elif", "else", "for", "while", "try", "except", "finally", "with", "def", "class"})
_KEYWORDS = frozenset({"and", "as", "assert", "del", "elif", "else", "exec", "for", "from", "if", "import", "in",
                       "is", "lambda", "not", "or", "print", "raise", "return", "while", "with", "yield"})
"""Words after which an expression starts (so a backtick there opens a conversion)."""
_NOT_A_STATEMENT = frozenset({"=", ".", ")", "]", "}", ",", ":", "(", "+=", "-=", "*=", "/=", "%=", "//=", "**=",
                              "&=", "|=", "^=", ">>=", "<<="})
"""Tokens after ``print`` or ``exec`` that make it a name or a call, not a statement."""
_PUNCTUATION = frozenset("()[]{}:;,=+-*/%<>!&|^~@#\\")
"""Characters beside which whitespace between tokens may go (not ``.``: ``1 .real`` is not ``1.real``)."""
_BETWEEN = ("ws", "comment", "cont", "nl")
"""What lies between two tokens inside brackets."""
_RENAMED = {"async": "async_", "await": "await_", "True": "True_", "False": "False_"}
"""Names of Python 2 that are keywords of Python 3 (``async`` and ``await`` since 3.7)."""


def undecodable_comments(text: str) -> str | None:
    """``text``, decoded with its undecodable bytes as surrogates (``surrogateescape``), with each such byte in a
    comment as ``?`` (one byte for one: columns stay); ``None`` if one lies outside a comment. Python's own
    tokenizer does not decode comments (``compile`` reads such a file, in 2.7 as in 3.13): old vendored modules
    credit their authors in Latin-1 under a UTF-8 coding line."""
    if text.startswith("\ufeff"):
        text = text[1:]
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "comment" and _SURROGATE.search(match[0]):
            return None
    return _SURROGATE.sub("?", text)


def respell(text: str, certain: bool = False) -> str | None:
    """``text``, which Python 3's ``ast`` rejects, in Python 3 syntax with the same lines; ``None`` when it holds
    nothing that only Python 2 reads or cannot be scanned (a string that never closes, unbalanced brackets).
    ``certain``: ``None`` also unless some form respelled is one that this Python's ``ast`` rejects, so the text
    need not have been tried with ``ast`` first."""
    str_is_bytes = _UNICODE_LITERALS.search(text) is None
    pieces = _DEFINITION.split(text) if "\t" not in text else [text]
    read = [_piece(piece, str_is_bytes) for piece in pieces] if len(pieces) > 1 else [None]
    if not all(read):  # a piece that does not scan alone begins or ends inside a string or brackets
        read = [_scanned(text, str_is_bytes)]
    python2 = any(r[1] for r in read if r)
    sure = any(r[2] for r in read if r)
    if not read[0] or not python2 or certain and not sure:
        return None
    return "".join(r[0] for r in read if r)


_DEFINITION = re.compile(r"(?<=\n)(?=[ ]*(?:@|(?:async[ ]+)?def[ ]|class[ ]))")
"""Where a line starts a definition or its decorators: where a module is cut into pieces scanned on their own
(tabs apart, whose consistency is the whole file's). A piece's first line is a statement's unless a string or
brackets span it, and then the piece before does not scan alone."""
_Read = tuple[str, bool, bool] | None
"""A piece respelled, whether a form in it is only Python 2's, whether one is rejected by this Python's ``ast``;
``None`` when it cannot be scanned."""
_PIECES: dict[tuple[str, bool], _Read] = {}
"""The pieces read lately: history reads every version of a module, and an edit changes few of its definitions
(each of mozilla/zamboni's largest Python 2 modules has 200 to 300 versions)."""
_MAX_PIECES = 5_000
"""About 15 MB of pieces at most (a 2,000-line module is a hundred)."""


def _piece(text: str, str_is_bytes: bool) -> _Read:
    key = (text, str_is_bytes)
    if key in _PIECES:
        return _PIECES[key]
    if len(_PIECES) >= _MAX_PIECES:
        _PIECES.clear()
    found = _PIECES[key] = _scanned(text, str_is_bytes)
    return found


def _scanned(text: str, str_is_bytes: bool) -> _Read:
    tokens = [(m.lastgroup or "", m.start(), m.end()) for m in _TOKEN.finditer(text)]
    scan = _Scan(text, tokens, str_is_bytes)
    if not scan.run():
        return None
    return scan.respelled() if scan.replace or scan.after else text, scan.python2, scan.certain


_OPERATOR_WORDS = frozenset({"in", "is", "and", "or", "not", "if", "else"})
"""Words after which ``print`` is a name in an expression Python 3 reads (``print is None``)."""


class _Scan:
    """One pass over the tokens that decides each one's respelling (``replace``) and what follows it
    (``after``)."""

    def __init__(self, text: str, tokens: list[tuple[str, int, int]], str_is_bytes: bool) -> None:
        self.source = text
        self.tokens = tokens
        self.replace: dict[int, str] = {}
        self.after: dict[int, str] = {}
        self.python2 = False
        """Whether some respelling is of a form only Python 2 reads: ``except A, B:`` is also Python 3.14's,
        and ``'\\u00e9'`` also Python 3's (with another value)."""
        self.certain = False
        """Whether some respelling is of a form this Python's ``ast`` rejects: not a ``print`` alone, nor ``print
        >>f, x`` or ``print -x`` (expressions Python 3 reads), nor ``except E, e:`` on Python 3.14."""
        self.str_is_bytes = str_is_bytes
        """Whether a plain string literal is bytes (no ``from __future__ import unicode_literals`` in the file)."""
        self.indents = _Indents()
        # the state of the statement being read
        self.stack: list[str] = []  # open brackets: "(" any, "d" a def's parameters, "t" a tuple parameter, "`"
        self.lambdas: list[list[int]] = []  # [depth, in a default value] per lambda whose colon is to come
        self.in_default = False  # in the default value of a def's parameter
        self.start = True  # at a statement's first token
        self.head = ""  # the first word of the logical line
        self.statement = ""  # "print", "exec", "raise" or "except" while in one that is respelled
        self.close = False  # a ")" goes after the statement's last token
        self.comma = -1  # the comma of an `except E, name:` clause, or its `as`
        self.last = -1  # the last significant token
        self.previous = "\n"  # its text, as respelled
        self.params = False  # after `def NAME`
        self.loops: list[list[int]] = []  # [depth, its `in`, tuple opened] per `for` of a list comprehension
        self.generators: list[int] = []  # the depths of the parentheses that hold a generator's `for`

    def _text(self, index: int) -> str:
        if index >= len(self.tokens):
            return ""
        _, start, end = self.tokens[index]
        return self.source[start:end]

    def _next(self, index: int, skipped: tuple[str, ...] = ("ws", "comment", "cont")) -> int:
        """The next token that is not whitespace, a comment or a line continuation (or another ``skipped``)."""
        index += 1
        while index < len(self.tokens) and self.tokens[index][0] in skipped:
            index += 1
        return index

    def _edit(self, index: int, replacement: str, python2: bool = True, certain: bool = True) -> None:
        """``certain``: the form respelled is one that this Python's ``ast`` rejects, if ``python2`` says it is
        Python 2's."""
        self.replace[index] = replacement
        self.python2 = self.python2 or python2
        self.certain = self.certain or python2 and certain

    def run(self) -> bool:
        """Decide the edits; ``False`` if the text cannot be scanned (:attr:`python2` says whether they matter)."""
        line_start = True
        for index, (kind, start, end) in enumerate(self.tokens):
            if kind in ("ws", "comment", "cont"):
                continue
            word = self.source[start:end]
            if kind == "nl" or word == ";" and not self.stack:
                if not self.stack:
                    self._end_statement()
                    line_start = line_start or kind == "nl"
                    self.head = "" if kind == "nl" else self.head
                continue
            if line_start:
                self._indent(index)
                line_start = False
            if not self._token(index, kind, word):
                return False
        if self.stack:
            return False
        self._end_statement()
        for index, spaces in self.indents.expanded():
            self._edit(index, spaces)
        return True

    def _end_statement(self) -> None:
        if self.close:
            self.after[self.last] = self.after.get(self.last, "") + ")"
        self.start, self.statement, self.close, self.comma, self.lambdas = True, "", False, -1, []
        self.previous = "\n"

    def _indent(self, index: int) -> None:
        """Give the indentation of the logical line starting at token ``index`` to the tab check."""
        before = index - 1
        if before >= 0 and self.tokens[before][0] == "ws" and (before == 0 or self.tokens[before - 1][0] == "nl"):
            self.indents.line(before, self._text(before))
        elif before < 0 or self.tokens[before][0] == "nl":
            self.indents.line(-1, "")

    def _token(self, index: int, kind: str, word: str) -> bool:  # noqa: C901 - one dispatch on the token
        """Read one significant token; ``False`` if the text cannot be scanned."""
        stack = self.stack
        shown = word
        if kind == "string":
            self._string(index, word)
        elif kind == "number":
            self._number(index, word)
        elif kind == "name":
            if self.start:
                self.head = word
                self._statement(index, word)
            elif word == "in" and self.statement == "exec" and not stack:
                self._edit(index, ", ")
                self.statement = "exec in"
            if word in _RENAMED and index not in self.replace and self._is_name(index, word):
                self._edit(index, _RENAMED[word])
            if word == "lambda":
                self.lambdas.append([len(stack), 0])
            elif word in ("for", "if") and stack and stack[-1] == "[":
                self._end_loop(len(stack))
                if word == "for":
                    self.loops.append([len(stack), -1, 0])
            elif word == "for" and stack and stack[-1] == "(" and self.generators[-1:] != [len(stack)]:
                self.generators.append(len(stack))
            elif word == "in" and self.loops and self.loops[-1][:2] == [len(stack), -1]:
                self.loops[-1][1] = index
            elif word == "as" and not stack and self.statement == "except" and self.comma < 0:
                self.comma = index
            self.params = word == "def" or self.params and self.previous == "def"
        elif word == "`":
            if stack and stack[-1] == "`" and not _expects_operand(self.previous):
                stack.pop()
                shown = ")"
            elif _expects_operand(self.previous):
                stack.append("`")
                shown = "("  # as the next token sees it
            else:
                return False
            self._edit(index, "repr(" if shown == "(" else shown)
        elif word in ("(", "[", "{"):
            if word == "(" and self._tuple_parameter():
                stack.append("t")
                self._edit(index, " ")
            else:
                stack.append("d" if word == "(" and self.params else word)
                self.in_default = self.in_default and not self.params
            self.params = False
        elif word in (")", "]", "}"):
            if word == "]":
                self._end_loop(len(stack))
            elif self.generators[-1:] == [len(stack)]:
                self.generators.pop()
            if stack and stack.pop() == "t":
                self._edit(index, " ")
        elif word == "," and self.loops and self.loops[-1][0] == len(stack) and self.loops[-1][1] >= 0:
            self._loop_tuple(self.loops[-1])
        elif word == "," and self.generators[-1:] == [len(stack)] and self._text(self._next(index, _BETWEEN)) == ")":
            self._edit(index, " ")  # `f(x for x in y,)`: Python 3.6 and before
        elif word == "<>":
            self._edit(index, "!=")
        elif word in ("=", ",") and stack and stack[-1] == "d":
            self.in_default = word == "="
        elif word in ("=", ",") and self.lambdas and self.lambdas[-1][0] == len(stack):
            self.lambdas[-1][1] = int(word == "=")
        elif word == "," and not stack and self.statement == "raise":
            self._edit(index, "(")
            self.statement, self.close = "raise,", True
        elif word == "," and not stack and self.statement == "except" and self.comma < 0:
            self.comma = index
        elif word == ":" and self.lambdas and self.lambdas[-1][0] == len(stack):
            self.lambdas.pop()
        elif word == ":" and not stack and self.head in _COMPOUND:
            if self.statement == "except" and self.comma >= 0:
                self._except_name(self.comma, index)
            self.start, self.statement, self.head, self.comma = True, "", "", -1
            self.last, self.previous = index, word
            return True
        elif kind == "op" and word in ("'", '"', "\\"):
            return False
        self.start = False
        self.last, self.previous = index, shown
        return True

    def _statement(self, index: int, word: str) -> None:
        """Respell the start of a statement that begins with the name ``word``."""
        if word in ("raise", "except"):
            self.statement = word
        if word not in ("print", "exec"):
            return
        following = self._next(index)
        text = self._text(following)
        if following >= len(self.tokens) or self.tokens[following][0] == "nl" or text == ";":
            if word == "print":
                self.after[index] = "()"
                self.python2 = True
            return
        if text in _NOT_A_STATEMENT:
            return
        given = self.tokens[following][0]  # a name, a string or a number after the word: no Python 3 reads that
        certain = given in ("string", "number") or given == "name" and text not in _OPERATOR_WORDS
        if self.tokens[index + 1][0] == "ws":
            self._edit(index + 1, "(" + self._text(index + 1)[1:], certain=certain)
        else:
            self.after[index] = "("
            self.python2 = True
            self.certain = self.certain or certain
        if text == ">>" and word == "print":
            self._edit(following, "  ", certain=False)
        self.statement, self.close = word, True

    def _end_loop(self, depth: int) -> None:
        """The iterable of the list comprehension's ``for`` at ``depth`` ends after the last token."""
        if self.loops and self.loops[-1][0] == depth:
            if self.loops.pop()[2]:
                self.after[self.last] = self.after.get(self.last, "") + ")"

    def _loop_tuple(self, loop: list[int]) -> None:
        """``[x for x in a, b]`` (Python 2 alone) -> ``[x for x in(a, b)]``: the space after ``in`` opens."""
        if loop[2]:
            return
        loop[2] = 1
        if self.tokens[loop[1] + 1][0] == "ws":
            self._edit(loop[1] + 1, "(" + self._text(loop[1] + 1)[1:])
        else:
            self.after[loop[1]] = "("
            self.python2 = self.certain = True

    def _is_name(self, index: int, word: str) -> bool:
        """Whether ``async``/``await`` here is a name (as in Python 2, or 3.6 and before), not a keyword, or
        ``True``/``False`` one that Python 2 assigns or reads as an attribute (``False = 0``)."""
        text = self._text(self._next(index))
        if word in ("True", "False"):
            return self.previous == "." or text == "="
        if word == "async":
            return text not in ("def", "with", "for")
        return self.previous in ("def", ".", "import", "as", "class") or text in _NOT_A_STATEMENT or text == ""

    def _tuple_parameter(self) -> bool:
        """Whether a ``(`` here opens a tuple parameter (``def f(a, (b, c))``, ``lambda (k, v): v``)."""
        stack, lambdas = self.stack, self.lambdas
        if stack and self.previous in ("(", ",") and (
                stack[-1] == "t" or stack[-1] == "d" and not self.in_default):
            return True
        return bool(lambdas) and lambdas[-1][0] == len(stack) and not lambdas[-1][1] \
            and self.previous in ("lambda", ",")

    def _except_name(self, comma: int, colon: int) -> None:
        """``except E, name:`` -> ``except E as name:``; taken for Python 3.14's ``except A, B:`` (two
        classes) alone when the name is capitalised, as a class's is. ``except E, (code, text):`` and ``except E
        as (code, text):`` (mozilla/moztrap) bind the first name alone (the rest of the tuple becomes spaces)."""
        name = self._next(comma)
        if self._text(name) == "(":
            self._except_tuple(comma, name, colon)
            return
        if self._text(comma) == "as":
            return
        if name >= colon or self.tokens[name][0] != "name" or self._next(name) != colon:
            return
        spaced = self.tokens[comma + 1][0] == "ws"
        self._edit(comma, " as" if spaced else " as ", python2=not self._text(name)[:1].isupper(),
                   certain=_EXCEPT_COMMA_REJECTED)

    def _except_tuple(self, comma: int, opening: int, colon: int) -> None:
        inside = range(opening + 1, colon)
        if any(self.tokens[i][0] not in ("name", "ws", "nl", "comment", "cont") and self._text(i) not in "(),"
               for i in inside):
            return
        first = next((i for i in inside if self.tokens[i][0] == "name"), colon)
        if first == colon:
            return
        certain = _EXCEPT_COMMA_REJECTED or self._text(comma) == "as"  # no Python 3 binds a tuple so
        if self._text(comma) != "as":
            self._edit(comma, " as", certain=certain)
        self._edit(opening, "", certain=certain)
        for index in range(first + 1, colon):
            if self.tokens[index][0] != "nl":
                self._edit(index, " " * len(self._text(index)), certain=certain)

    def _string(self, index: int, word: str) -> None:
        quote = min(i for i in (word.find("'"), word.find('"')) if i >= 0)
        prefix = word[:quote].lower()
        if prefix == "ur":
            self._edit(index, " " + word[1:])
        elif prefix == "" and self.str_is_bytes and "\\" in word:
            malformed = False

            def escaped(match: re.Match[str]) -> str:
                nonlocal malformed
                if match[1] not in "uUN":
                    return match[0]
                malformed = malformed or _MALFORMED.match(word, match.start(1)) is not None
                return "\\" + match[0]

            respelled = _ESCAPE.sub(escaped, word)
            if respelled != word:
                self._edit(index, respelled, python2=malformed)

    def _number(self, index: int, word: str) -> None:
        digits = word[:-1] if word[-1] in "lL" else word
        if _OCTAL.fullmatch(digits):  # in decimal, no longer (0o777 would be); a huge one costs a character
            self._edit(index, str(int(digits, 8)).ljust(len(word)) if len(digits) < 100 else f"0o{digits[1:]}")
        elif digits != word:
            self._edit(index, digits + " ")

    def respelled(self) -> str:
        """The respelled text: each token's respelling, and after one that is longer, the line's later
        whitespace shortened (down to one character) until the columns are the original's again. The stretches
        between edits where no column is owed are copied whole (a module of 2,000 lines has a few hundred edits
        among a hundred thousand tokens)."""
        source, tokens, replace, after = self.source, self.tokens, self.replace, self.after
        edited = sorted(replace.keys() | after.keys())
        out: list[str] = []
        shift = 0
        last = ""  # the last piece written
        index, total, upcoming = 0, len(tokens), 0
        while index < total:
            if shift == 0:  # nothing owed: copy up to the next edit
                while upcoming < len(edited) and edited[upcoming] < index:
                    upcoming += 1
                if upcoming == len(edited):
                    out.append(source[tokens[index][1]:])
                    break
                following = edited[upcoming]
                if following > index:
                    stop = tokens[following][1]
                    out.append(source[tokens[index][1]:stop])
                    last, index = source[stop - 1:stop], following
            kind, start, end = tokens[index]
            original = source[start:end]
            piece = replace.get(index, original) + after.get(index, "")
            if kind == "ws" and shift > 0 and index not in replace and index:
                next_char = replace.get(index + 1, source[end:end + 1])[:1]
                keep = 0 if last[-1:] in _PUNCTUATION or next_char in _PUNCTUATION else 1
                piece = piece[max(0, min(shift, len(piece) - keep)):]
            out.append(piece)
            last = piece
            if "\n" in original:
                shift = len(piece) - piece.rfind("\n") - len(original) + original.rfind("\n")
            else:
                shift += len(piece) - len(original)
            index += 1
        return "".join(out)


def _expects_operand(previous: str) -> bool:
    """Whether an expression may start after the token ``previous`` (so a backtick there opens one)."""
    if previous[:1].isalnum() or previous[:1] in ("_", "'", '"'):
        return previous in _KEYWORDS
    return previous not in (")", "]", "}")


class _Indents:
    """Python 3 rejects indentation whose tabs make other levels at tab size 1 than at 8, as CPython's
    tokenizer checks it; Python 2 read tabs at 8. Such a file's indentation is expanded at 8 (the columns of
    those lines shift: no spelling keeps them)."""

    def __init__(self) -> None:
        self.levels = [(0, 0)]
        self.tabbed: list[tuple[int, str]] = []
        self.consistent = True

    def line(self, index: int, spaces: str) -> None:
        """A logical line indented by ``spaces`` (token ``index``; -1 for none)."""
        if "\t" in spaces:
            self.tabbed.append((index, spaces))
        if not self.consistent:
            return
        wide, narrow = len(spaces.expandtabs(8)), len(spaces)
        while len(self.levels) > 1 and wide < self.levels[-1][0]:
            self.levels.pop()
        top_wide, top_narrow = self.levels[-1]
        if wide > top_wide:
            self.consistent = narrow > top_narrow
            self.levels.append((wide, narrow))
        else:
            self.consistent = (wide, narrow) == (top_wide, top_narrow)

    def expanded(self) -> list[tuple[int, str]]:
        """The indentations to expand: none when Python 3 reads the file's tabs as Python 2 did."""
        return [] if self.consistent else [(index, spaces.expandtabs(8)) for index, spaces in self.tabbed]
