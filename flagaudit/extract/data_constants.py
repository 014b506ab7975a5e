"""Module constants a data file defines: the entries of a YAML, JSON or TOML file that a module loads into its
globals at import time (``for flag in features['flags']: locals()[flag['flag_name']] = flag['name']``), so
the code reads ``features.ENABLE_GV`` and only the data file spells the key. A ``[[data]]`` rule names the
file, the module and the two fields of an entry. Pure: bytes in, constants out.

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

from flagaudit.facts import KeyPart
from flagaudit.sdk_rules import DataRule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

Constants = tuple[tuple[str, tuple[KeyPart, ...]], ...]

_FIELD = re.compile(r"(?P<indent> *)(?P<dash>- +)?(?P<field>[A-Za-z_][\w-]*) *:(?: +(?P<value>.*))?$")
_PLAIN = re.compile(r"[^\s'\"&*!|>{\[%@`#][^#]*?")
"""A plain YAML scalar on one line: no quote, anchor, alias, tag, block or flow indicator first."""


def data_constants(path: str, data: bytes, rules: list[DataRule]) -> Constants | str:
    """``module.NAME`` -> the key, for every entry the rules' fields name; a reason when the file cannot be read."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "cannot decode: not UTF-8"
    try:
        entries = list(_entries(path, text))
    except (ValueError, tomllib.TOMLDecodeError, RecursionError) as exc:
        return f"cannot read as data: {type(exc).__name__}"
    found: dict[str, tuple[KeyPart, ...]] = {}
    for rule in rules:
        for entry in entries:
            name, value = entry.get(rule.name), entry.get(rule.value)
            if isinstance(name, str) and name.isidentifier() and isinstance(value, str) and value:
                found[f"{rule.module}.{name}"] = (KeyPart("lit", value),)  # a later entry wins, as in the loop
    return tuple(found.items())


def _entries(path: str, text: str) -> Iterator[dict[str, Any]]:
    if path.endswith(".json"):
        yield from _mappings(json.loads(text))
    elif path.endswith(".toml"):
        yield from _mappings(tomllib.loads(text))
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


def yaml_entries(text: str) -> Iterator[dict[str, str]]:
    """The flat mappings of a YAML file's block sequences: ``- a: x`` starts one, ``b: y`` at the same column
    adds to it, anything less indented ends it, anything more indented (a folded note) is skipped."""
    entry: dict[str, str] | None = None
    column = -1
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _FIELD.fullmatch(line.rstrip())
        indent = len(line) - len(line.lstrip(" "))
        if match is None:
            if indent <= column and entry is not None:
                yield entry
                entry, column = None, -1
            continue
        start = len(match["indent"]) + len(match["dash"] or "")
        if match["dash"]:
            if entry is not None:
                yield entry
            entry, column = {}, start
        elif entry is not None and start < column:
            yield entry
            entry, column = None, -1
        if entry is not None and start == column:
            value = _scalar(match["value"] or "")
            if value is not None:
                entry[match["field"]] = value
    if entry is not None:
        yield entry


def _scalar(raw: str) -> str | None:
    """A one-line scalar: quoted (``'it''s'``, ``"x"`` without escapes) or plain, its comment dropped."""
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return raw[1:-1].replace("''", "'")
    if len(raw) >= 2 and raw[0] == raw[-1] == '"' and "\\" not in raw:
        return raw[1:-1]
    plain = re.sub(r"\s+#.*$", "", raw)
    return plain if _PLAIN.fullmatch(plain) else None
