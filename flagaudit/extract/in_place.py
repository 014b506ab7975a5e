"""Respell the newer syntax most files use in place: the same length, so every line and column stays.

Files that ``ast`` of 3.10 or 3.11 rejects though they are valid Python mostly reuse an f-string's quotes inside
its replacement fields (3.12, PEP 701: ``f'{d['k']}'``) or give a function or class type parameters (3.12, PEP
695: ``def f[T](x: T)``), or write a backslash in a string inside a replacement field (``f"{'\\n'.join(x)}"``).
newer_syntax.py reads any newer syntax through libcst, at about a tenth of ``ast``'s speed, and history reads
every version of such a file; and libcst's respelling cannot give the backslash a place older Pythons accept,
so such a file was skipped. These forms need no parser: a linear scan gives an f-string whose fields hold its
quote the other quote (``f"{d['k']}"``) where that quote appears nowhere in it, turns the escapes and ``#`` of
strings inside replacement fields into spaces (their values change; no key is written so), blanks type
parameters to spaces (``def f   (x: T)``) and writes ``type X = Y`` as ``X      = Y``. An f-string the other
quote cannot close (its text holds that quote too: ``f"<a href='{u}'>{d["k"]}</a>"``), or one in a replacement
field that reuses its quote or holds a backslash, is left to libcst; where libcst's respelling cannot place it
either, the last resort (``blank``) makes the outermost f-string around it a plain string of spaces, its quotes
kept: what its fields call is lost, the rest of the file is read (HHS/simpler-grants-gov had two files skipped
so); one in single quotes whose fields run over lines, with a comment in them (3.12), becomes an empty string in
brackets, ``(""`` and ``)`` around its lines made spaces. A template string (3.14, PEP 750: ``t"Hello {name}"``)
is read as the f-string of the same text. Every other character is the file's own, so ``ast`` reads the same code
at the same places. A file with
anything else (``except A, B:``, a comment in a replacement field) is left to libcst: the scan gives up, or
``ast`` still rejects the respelling.

The scan reads strings by the grammar of 3.12 (a replacement field is code, which may hold strings that hold
replacement fields); it nests at most ``_MAX_NESTING`` deep and visits each character once. Nothing from the
file is run.
"""

from __future__ import annotations

import re

from flagaudit.extract.python2 import QUOTED

_MAX_NESTING = 16
"""f-strings within replacement fields of f-strings: deeper, the scan gives up (Python allows 150)."""
_PREFIXES = frozenset({"r", "u", "b", "br", "rb", "f", "fr", "rf", "t", "tr", "rt"})
"""String prefixes, with 3.14's template strings (PEP 750: ``t"Hello {name}"``), read as f-strings."""
_PLAIN = {quote: re.compile(pattern, re.DOTALL) for quote, pattern in QUOTED.items()}
"""A string that is no f-string, from its opening quote to its closing one."""
_OTHER = {"'": '"', '"': "'", "'''": '"""', '"""': "'''"}
_DECLARATION = re.compile(r"^[ \t]*(?:async[ \t]+)?((?:def|class)[ \t]+[^\W\d]\w*[ \t]*\[|type[ \t]+[^\W\d])",
                          re.MULTILINE)
"""Where type parameters or a type alias may start (found inside strings too: the scan passes those by)."""
_NAMED = re.compile(r"(?:def|class)[ \t]+[^\W\d]\w*[ \t]*")
_ALIAS = re.compile(r"type[ \t]+([^\W\d]\w*)(?:[ \t]*\[[^\]\n]*\])?[ \t]*=(?!=)")
_OPENING = {"(": ")", "[": "]", "{": "}"}
_REFUSED = re.compile(r"\\N\{[^}\n]*\}|\\.|#", re.DOTALL)
"""An escape or a "#" in a string inside a replacement field: becomes spaces (the string's value is no key)."""
_CODE_RUN = re.compile(r"[^'\"#]+")
"""What the scan passes over in code outside f-strings: all but strings and comments."""
_FIELD_RUN = re.compile(r"[^'\"()\[\]{}:!#\\\n]+")
"""What the scan passes over in a replacement field's expression."""


class _GiveUp(Exception):
    """The text holds something this scan does not respell: libcst reads it."""


def in_place(text: str, blank: bool = False) -> str | None:
    """``text`` with its 3.12 f-strings requoted and its type parameters blanked, same length; ``None`` when
    there is nothing to respell or the scan gives up. With ``blank``, an f-string no quote can respell (see the
    module's docstring) becomes spaces rather than giving up: for when libcst's respelling fails too."""
    scan = _Scan(text, blank)
    try:
        scan.code()
    except (_GiveUp, IndexError, RecursionError):
        return None
    if not scan.edits:
        return None
    pieces, last = [], 0
    for start, new in sorted(scan.edits):
        pieces += [text[last:start], new]
        last = start + len(new)
    return "".join(pieces) + text[last:]


class _Scan:
    """One pass over the text, collecting (offset, same-length replacement) edits."""

    def __init__(self, text: str, blanks: bool) -> None:
        self.text = text
        self.edits: list[tuple[int, str]] = []
        self.blanks = blanks
        """Whether an f-string no quote can respell may become spaces (else the scan gives up)."""
        self.blank = False
        """An f-string being read cannot be respelled: the outermost one around it becomes spaces."""

    def code(self) -> None:
        """The text outside strings: strings and comments passed by, type parameters and aliases blanked."""
        text = self.text
        starts = [found.start(1) for found in _DECLARATION.finditer(text)]
        i = k = 0
        while i < len(text):
            while k < len(starts) and starts[k] < i:
                k += 1  # in a string or comment passed by
            limit = starts[k] if k < len(starts) else len(text)
            if i == limit:
                i = self.declaration(i)
                continue
            run = _CODE_RUN.match(text, i, limit)
            if run is not None:
                i = run.end()
            elif text[i] == "#":
                newline = text.find("\n", i)
                i = len(text) if newline < 0 else newline
            else:
                i = self.string(i, 0)

    def expression(self, i: int, quote: str, nesting: int) -> int:
        """A replacement field's expression from ``i`` (in an f-string opened by ``quote``): the offset of the
        ``}``, ``!`` or ``:`` that ends it."""
        text, closing = self.text, []
        while True:
            run = _FIELD_RUN.match(text, i)
            if run is not None:
                i = run.end()
            c = text[i]
            if c in "'\"":
                i = self.string(i, nesting)
            elif c in _OPENING:
                closing.append(_OPENING[c])
                i += 1
            elif c in ")]}" and closing:
                if closing.pop() != c:
                    raise _GiveUp
                i += 1
            elif not closing and (c in "}:" or c == "!" and text[i + 1:i + 2] != "="):
                return i
            elif c == "#" and (newline := text.find("\n", i)) >= 0:
                self._unspellable()  # a comment in a field over lines (3.12): older Pythons refuse it
                i = newline
            elif c in ")]}#\\":
                raise _GiveUp  # unbalanced, or what older Pythons refuse in a replacement field
            else:
                i += 1

    def declaration(self, start: int) -> int:
        """At ``def`` or ``class`` and a name, type parameters become spaces; ``type X = ...`` becomes ``X      =
        ...``. Where the scan goes on."""
        text = self.text
        if text.startswith("type", start):
            alias = _ALIAS.match(text, start)
            if alias is None:
                return start + 4
            self.edits.append((start, alias.group(1).ljust(alias.end() - 1 - start)))
            return alias.end()
        named = _NAMED.match(text, start)
        assert named is not None
        j, depth = named.end(), 0
        while True:  # to the closing bracket, on the same line
            c = text[j]
            if c in "[(":
                depth += 1
            elif c in "])":
                depth -= 1
                if not depth:
                    break
            elif c in "'\"#\n\\{}":
                raise _GiveUp
            j += 1
        self.edits.append((named.end(), " " * (j + 1 - named.end())))
        return j + 1

    def string(self, i: int, nesting: int) -> int:
        """The string whose opening quote is at ``i``: where it ends."""
        text = self.text
        prefix = _prefix(text, i)
        quote = text[i] * 3 if text.startswith(text[i] * 3, i) else text[i]
        if prefix in ("t", "tr", "rt"):  # a template string: the f-string of the same text, same names and places
            at = i - len(prefix) + prefix.index("t")
            self.edits.append((at, "F" if self.text[at] == "T" else "f"))
            prefix = prefix.replace("t", "f")
        if "f" not in prefix:
            found = _PLAIN[quote].match(text, i)
            if found is None:
                raise _GiveUp
            if nesting:  # in a replacement field, where older Pythons refuse a backslash or a "#"
                for refused in _REFUSED.finditer(text, i + len(quote), found.end() - len(quote)):
                    if "\n" in refused.group() and len(quote) == 1:
                        raise _GiveUp
                    self.edits.append((refused.start(), re.sub(r"[^\n]", " ", refused.group())))
            return found.end()
        if nesting >= _MAX_NESTING:
            raise _GiveUp
        return self.f_string(i, quote, "r" in prefix, nesting)

    def f_string(self, i: int, quote: str, raw: bool, nesting: int) -> int:
        """An f-string whose opening quote is at ``i``: where it ends. If a replacement field holds its quote, the
        other quote opens and closes it, provided that quote is nowhere in it and the f-string is not itself in
        a replacement field."""
        text = self.text
        j = i + len(quote)
        reused = False
        while not text.startswith(quote, j):
            c = text[j]
            if nesting and c in "\\#":
                self._unspellable()  # an f-string in a replacement field: older Pythons refuse these in it
            if c == "\\":
                if not raw and text.startswith("N{", j + 1):
                    j = text.index("}", j)
                j += 1 if text[j + 1] in "{}" else 2
            elif text.startswith("{{", j) or text.startswith("}}", j):
                j += 2
            elif c == "{":
                j, holds = self.field(j + 1, quote, nesting)
                reused = reused or holds
            elif c == "}":
                raise _GiveUp
            else:
                j += 1
        end = j + len(quote)
        if len(quote) == 1 and "\n" in text[i:end]:
            self._unspellable()  # over lines: older Pythons end a one-line f-string at its line
        if reused:
            other = _OTHER[quote]
            if nesting or other[0] in text[i + len(quote):j]:
                self._unspellable()
            else:
                self.edits += [(i, other), (j, other)]
        if self.blank and not nesting:
            self.blank = False
            start = i - len(_prefix(text, i))
            self.edits = [edit for edit in self.edits if not start <= edit[0] < end]
            if len(quote) == 1 and "\n" in text[start:end]:  # an empty string in brackets, which may run over lines
                self.edits.append((start, '(""' + re.sub(r"[^\n]", " ", text[start + 3:end - 1]) + ")"))
            else:
                self.edits.append((start, " " * (i - start) + quote + re.sub(r"[^\n]", " ", text[i + len(quote):j])
                                   + quote))
        return end

    def _unspellable(self) -> None:
        """The f-string being read cannot be respelled: the outermost one around it becomes spaces, if allowed."""
        if not self.blanks:
            raise _GiveUp
        self.blank = True

    def field(self, j: int, quote: str, nesting: int) -> tuple[int, bool]:
        """A replacement field whose expression starts at ``j``: where it ends, and whether it holds ``quote``."""
        text = self.text
        end = self.expression(j, quote, nesting + 1)
        holds = quote in text[j:end]
        if text[end] == "!":
            end += 2
        if text[end] == ":":  # the format spec: text, and replacement fields of its own
            end += 1
            while text[end] != "}":
                if text.startswith(quote, end):
                    raise _GiveUp
                if text[end] == "{":
                    end, inner = self.field(end + 1, quote, nesting)
                    holds = holds or inner
                else:
                    end += 2 if text[end] == "\\" else 1
        if text[end] != "}":
            raise _GiveUp
        return end + 1, holds


def _prefix(text: str, quote: int) -> str:
    """The string prefix before the quote at ``quote`` (lower case), or ``""``: a word of one or two letters."""
    start = quote
    while start > 0 and quote - start < 3 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    word = text[start:quote].lower()
    if word not in _PREFIXES or start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        return ""
    return word
