"""Strings from the analysed tree, made safe for a terminal or a CI log, and exact in JSON.

Everything a checkout holds is attacker-written, file names and flag keys
included. A CI runner reads workflow commands from the start of any line of
stdout or stderr (``::error``, ``::add-mask::``, ``::stop-commands::``, leading
spaces ignored) and the older ``##[command]`` form anywhere in a line; a
terminal obeys escape sequences, and bidirectional overrides make text read
differently from what it is. So every text renderer passes each string from
the tree through :func:`visible`, which keeps it on one line and shows those
characters as escapes: ``\\n``, ``\\x1b``, ``\\u202e``.

File names that are not UTF-8 arrive as lone surrogates (Python's
``surrogateescape``): text output shows the original byte (``\\xff``), and
JSON keeps the exact string as a ``\\udcff`` escape (:func:`json_text`), so the
document stays valid UTF-8 and ``json.loads`` gives back the same string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from itertools import chain, repeat
from operator import is_
from typing import Any

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}\ud800-\udfff]")
"""Control characters (C0, DEL, C1), line and paragraph separators, bidi controls, lone surrogates."""
_COMMAND_START = re.compile(r"^(\s*):(?=:)")
_OLD_COMMAND = "##["
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_COMMAND = re.compile(r"^[^\S\n]*::", re.MULTILINE)
_PLAIN_ASCII = b"\n" + bytes(range(0x20, 0x7F))


def visible(text: str) -> str:
    """``text`` on one line with every character a terminal or CI log could act on shown as an escape.

    A string that would begin a line with ``::`` (a workflow command) shows its first colon as ``\\x3a``,
    and ``##[`` anywhere becomes ``##\\x5b``. Backslashes are left alone: this is for people to read,
    JSON and SARIF carry the exact value.
    """
    escaped = _UNSAFE.sub(_escape, text)
    escaped = _COMMAND_START.sub(lambda m: m[1] + "\\x3a", escaped)
    return escaped.replace(_OLD_COMMAND, "##\\x5b")


def inert(text: str) -> bool:
    """Whether a whole output holds nothing a terminal or a CI log acts on: no character :func:`visible`
    escapes but line ends, no line that starts a workflow command, no ``##[``. Output read back from the
    cache is printed only if it is inert (a forged file cannot reach the terminal); ASCII, the usual case,
    is checked in a few milliseconds a megabyte."""
    if text.isascii():
        active = bool(text.encode("ascii").translate(None, _PLAIN_ASCII))
    else:
        active = _UNSAFE.search(text.replace("\n", "")) is not None
    return not active and _OLD_COMMAND not in text and ("::" not in text or not _LINE_COMMAND.search(text))


def visible_lines(text: str) -> str:
    """A multi-line text from the tree (``remove``'s diff) line by line through :func:`visible`, tabs kept:
    ordinary code comes out byte for byte (the diff still applies), a line that would act on a terminal or
    a CI log does not."""
    return "".join("\t".join(visible(part) for part in line.split("\t")) + "\n"
                   for line in text.splitlines())


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_text(document: Any, **options: Any) -> str:
    """``json.dumps`` without ASCII escaping, except lone surrogates: valid UTF-8, and lossless."""
    text = None
    if options.keys() <= {"indent", "sort_keys"} and options.get("indent") == 2:
        try:
            text = _indented(document, bool(options.get("sort_keys")))
        except _Unusual:
            pass
    if text is None:
        text = json.dumps(document, ensure_ascii=False, **options)
    if text.isascii():  # then there is no surrogate: one quick pass instead of a search through megabytes
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


class _Unusual(Exception):
    """A value :func:`_indented` leaves to ``json.dumps``: a key that is not a string, a float, a subclass."""


def _indented(document: Any, sort_keys: bool) -> str:
    """``json.dumps(document, ensure_ascii=False, indent=2, sort_keys=sort_keys)``, the same text three times as
    fast as the standard library, which writes indented JSON in Python through nested generators (0.28 s of CPU
    for the 9 MB inventory of a flag-dense tree): one recursive function and a list of pieces. A dict's keys are
    ordered and written once for each set of keys at each depth (thousands of sites share one), and strings,
    integers, booleans and ``None`` are written where they are met (a list of atoms of one type in one join);
    the function calls itself only for containers. Only dicts with string keys, lists, tuples, strings, integers,
    booleans and ``None`` of exactly those types; anything else raises :class:`_Unusual`, and the standard library
    writes the whole document."""
    pieces: list[str] = []
    append = pieces.append
    atoms = _ATOM_WRITERS
    layouts: dict[tuple[tuple[Any, ...], str], tuple[tuple[str, ...], tuple[str, ...], str]] = {}

    def layout(keys: tuple[Any, ...], indent: str) -> tuple[tuple[str, ...], tuple[str, ...], str]:
        """The keys in order, what comes before each one's value, and what ends the dict."""
        if not all(map(is_, map(type, keys), repeat(str))):
            raise _Unusual
        inner = "\n" + indent + "  "
        order = tuple(sorted(keys)) if sort_keys else keys
        return order, tuple(("{" if not number else ",") + inner + _STRING(key) + ": "
                            for number, key in enumerate(order)), "\n" + indent + "}"

    def write(value: Any, indent: str) -> None:
        kind = type(value)
        if kind is dict:
            if not value:
                append("{}")
                return
            keys = tuple(value)
            found = layouts.get((keys, indent))
            if found is None:
                found = layouts[keys, indent] = layout(keys, indent)
            order, heads, end = found
            items: Iterable[tuple[str, Any]] = zip(heads, map(value.__getitem__, order), strict=True)
        elif kind is list or kind is tuple:
            if not value:
                append("[]")
                return
            inner = "\n" + indent + "  "
            first = type(value[0])
            atom = atoms.get(first)
            if atom is not None and all(map(is_, map(type, value), repeat(first))):
                append("[" + inner + ("," + inner).join(map(atom, value)) + "\n" + indent + "]")
                return
            items, end = zip(chain(("[" + inner,), repeat("," + inner)), value, strict=False), "\n" + indent + "]"
        else:
            atom = atoms.get(kind)
            if atom is None:
                raise _Unusual
            append(atom(value))
            return
        deeper = indent + "  "
        for head, item in items:  # what comes before each value, then the value: plain ones written in place
            atom = atoms.get(type(item))
            if atom is None:
                append(head)
                write(item, deeper)
            else:
                append(head + atom(item))
        append(end)

    write(document, "")
    return "".join(pieces)


_STRING: Callable[[str], str] = json.encoder.encode_basestring
"""What ``json.dumps`` writes a string with when it does not escape non-ASCII characters."""
_ATOM_WRITERS: dict[type, Callable[[Any], str]] = {
    str: _STRING, int: int.__repr__, bool: {True: "true", False: "false"}.__getitem__,
    type(None): {None: "null"}.__getitem__}
"""How :func:`_indented` writes each JSON atom, by its exact type (``bool`` is not ``int`` here): all in C."""
