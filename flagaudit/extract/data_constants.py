"""Module constants a data file defines: the entries of a YAML, JSON or TOML file that a module loads into its
globals at import time (``for flag in features['flags']: locals()[flag['flag_name']] = flag['name']``), so
the code reads ``features.ENABLE_GV`` and only the data file spells the key. A ``[[data]]`` rule names the
file, the module and the two fields of an entry. An entry's other fields (``note: ...``, ``owner: ...``) are
what the project says about that flag, kept as its annotations. Pure: bytes in, constants out.

The file is attacker-written like everything in a checkout, and YAML loaders can build objects: nothing here
deserializes beyond plain strings. JSON and TOML go through the standard library's parsers; YAML through a
reader of the one shape such files have, a sequence of flat mappings of plain scalars (``- name: value``);
whatever else a YAML file holds (anchors, tags, flow collections, block scalars) is not read.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

from flagaudit.extract.annotations import LineNotes
from flagaudit.facts import KeyPart
from flagaudit.sdk_rules import DataRule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

Constants = tuple[tuple[str, tuple[KeyPart, ...]], ...]
Notes = tuple[tuple[str, int, tuple[tuple[str, str], ...]], ...]
"""``module.NAME``, the line of its entry, and the entry's other fields, as :attr:`ModuleSymbols.notes` holds them."""

_FIELD = re.compile(r"(?P<indent> *)(?P<dash>- +)?(?P<field>[A-Za-z_][\w-]*) *:(?: +(?P<value>.*))?$")
_QUOTED_NAME = re.compile(r"""(["'])([A-Za-z_]\w*)\1""")
_PLAIN = re.compile(r"[^\s'\"&*!|>{\[%@`#][^#]*?")
"""A plain YAML scalar on one line: no quote, anchor, alias, tag, block or flow indicator first."""


def data_constants(path: str, data: bytes, rules: list[DataRule]) -> Constants | str:
    """``module.NAME`` -> the key, for every entry the rules' fields name; a reason when the file cannot be read."""
    found = data_facts(path, data, rules)
    return found if isinstance(found, str) else found[0]


def data_facts(path: str, data: bytes, rules: list[DataRule]) -> tuple[Constants, Notes] | str:
    """:func:`data_constants`, and for each constant whose entry has other fields, those fields (a ``note``
    that says what the flag is for, an ``owner``, a ``type``), read as annotations of the key constant."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "cannot decode: not UTF-8"
    try:
        entries = list(_entries(path, text))
    except (ValueError, tomllib.TOMLDecodeError, RecursionError) as exc:
        return f"cannot read as data: {type(exc).__name__}"
    found: dict[str, tuple[KeyPart, ...]] = {}
    notes: dict[str, tuple[int, tuple[tuple[str, str], ...]]] = {}
    comments = LineNotes(text.splitlines())  # `# flagaudit: type=... ignore[FA101] why` above an entry (YAML, TOML)
    quoted: dict[str, int] | None = None
    for rule in rules:
        for line, entry in entries:
            name, value = entry.get(rule.name), entry.get(rule.value)
            if isinstance(name, str) and name.isidentifier() and isinstance(value, str) and value:
                qualified = f"{rule.module}.{name}"
                found[qualified] = (KeyPart("lit", value),)  # a later entry wins, as in the loop
                if not line:  # JSON or TOML: where the name is first written, found in one pass over the text
                    quoted = _quoted_lines(text) if quoted is None else quoted
                    line = quoted.get(name, 1)
                fields = tuple(sorted({*comments(line), *((field, shown) for field, raw in entry.items() if field
                                       not in (rule.name, rule.value) and (shown := _text(raw)) is not None)}))
                if fields:
                    notes[qualified] = (line, fields)
                else:
                    notes.pop(qualified, None)
    return tuple(found.items()), tuple((name, line, fields) for name, (line, fields) in sorted(notes.items()))


def _text(value: Any) -> str | None:
    """A field's value as an annotation: strings, numbers and booleans (as YAML spells them); not structures."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _quoted_lines(text: str) -> dict[str, int]:
    """The line each quoted name is first written on (JSON's and TOML's parsers keep no positions)."""
    found: dict[str, int] = {}
    line, counted = 1, 0
    for match in _QUOTED_NAME.finditer(text):
        line, counted = line + text.count("\n", counted, match.start()), match.start()
        found.setdefault(match[2], line)
    return found


def _entries(path: str, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Every entry, with the line it starts on (0 where the parser keeps no positions)."""
    if path.endswith(".json"):
        yield from ((0, m) for m in _mappings(json.loads(text)))
    elif path.endswith(".toml"):
        yield from ((0, m) for m in _mappings(tomllib.loads(text)))
    else:
        yield from yaml_entries(text)


def _mappings(value: Any) -> Iterator[dict[str, Any]]:
    """Every mapping in a parsed document, depth first, in document order."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def yaml_entries(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """The flat mappings of a YAML file's block sequences, each with the line it starts on: ``- a: x`` starts one,
    ``b: y`` at the same column adds to it, a more indented line without a field continues a plain value (a
    note folded over lines), anything less indented ends it, anything else more indented is skipped."""
    entry: dict[str, str] | None = None
    column, start_line, folded = -1, 0, ""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _FIELD.fullmatch(line.rstrip())
        indent = len(line) - len(line.lstrip(" "))
        if match is None:
            if indent <= column and entry is not None:
                yield start_line, entry
                entry, column = None, -1
            elif entry is not None and folded and _PLAIN.fullmatch(more := re.sub(r"\s+#.*$", "", stripped)):
                entry[folded] += " " + more
                continue
            folded = ""
            continue
        start = len(match["indent"]) + len(match["dash"] or "")
        folded = ""
        if match["dash"]:
            if entry is not None:
                yield start_line, entry
            entry, column, start_line = {}, start, number
        elif entry is not None and start < column:
            yield start_line, entry
            entry, column = None, -1
        if entry is not None and start == column:
            raw = match["value"] or ""
            value = _scalar(raw)
            if value is not None:
                entry[match["field"]] = value
                folded = match["field"] if value and raw.strip()[0] not in "'\"" else ""
    if entry is not None:
        yield start_line, entry


def _scalar(raw: str) -> str | None:
    """A one-line scalar: quoted (``'it''s'``, ``"x"`` without escapes) or plain, its comment dropped."""
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return raw[1:-1].replace("''", "'")
    if len(raw) >= 2 and raw[0] == raw[-1] == '"' and "\\" not in raw:
        return raw[1:-1]
    plain = re.sub(r"\s+#.*$", "", raw)
    return plain if _PLAIN.fullmatch(plain) else None
