"""Metadata written in comments next to a site or definition.

Two conventions: flagaudit's own ``# flagaudit: type=release owner=@team
expires=2027-03-31`` and Open edX's annotation blocks (``# .. toggle_name: x``).
Comments are read from the source lines, so this works the same for every
parser and for the text-level matcher. A plain comment right above that calls
the change temporary (``# This is a temporary change while we transition``) is
kept too, as ``temporary``, and one that calls the flag long-lived as ``lasting``:
the lifecycle policies read both as a declared type.
"""

from __future__ import annotations

import re

_OWN = re.compile(r"#\s*flagaudit:\s*(?P<body>.*)$")
_EDX = re.compile(r"^#\s*\.\.\s*(?P<key>toggle_\w+|setting_\w+)\s*:\s*(?P<value>.*)$")
_PAIR = re.compile(r"(?P<key>[\w-]+)=(?P<value>\S+)")
_TEMPORARY = re.compile(r"\btemporary\s+(change|fix|workaround|hack|code|flag|switch|toggle|measure|solution|patch|"
                        r"shim|branch)\b|\btemporar(y|ily)\b[^.;]{0,60}\b(while|until)\b|"
                        r"\b(TODO|FIXME|XXX)\b[^.;]{0,80}?\b(retire|remove|delete|drop|clean\s*up|get\s+rid\s+of)\b"
                        r"[^.;]{0,60}?\b(flag|switch|toggle|waffle)\b", re.IGNORECASE)
"""A comment that calls the code temporary (``a temporary change while we transition``) or asks for the flag to go
(``TODO MPP-4465: Retire tracker_removal flag as enabled``), not one that says the flag is to be used for a while
(``set it to temporarily bypass the check``): that flag stays, as an escape hatch."""
_LASTING = re.compile(r"\blong[- ]lived\b|\bpermanent\s+(?:feature\s+)?(?:flag|switch|toggle|kill\s+switch)\b",
                      re.IGNORECASE)
"""A comment that calls the flag long-lived (``a long-lived feature flag which allows us to quickly switch off email
ingestion``): meant to stay."""
_TEMPORARY_TEXT = 120
"""Characters of a temporary or long-lived comment kept as evidence."""
_IGNORE = re.compile(r"ignore\[(?P<codes>[A-Z0-9, ]+)\]\s*(?P<reason>.*)")


def parse_directive(body: str) -> list[tuple[str, str]]:
    """``type=release owner=@x`` -> pairs; ``ignore[FA202] why`` -> ``("ignore:FA202", "why")``."""
    ignore = _IGNORE.match(body.strip())
    if ignore:
        reason = ignore["reason"].strip()
        return [(f"ignore:{code.strip()}", reason) for code in ignore["codes"].split(",") if code.strip()]
    return [(m["key"], m["value"]) for m in _PAIR.finditer(body)]


_TOGGLE_NAME = re.compile(r"^\s*#\s*\.\.\s*toggle_name\s*:\s*(?P<name>.+?)\s*$")


def toggle_blocks(lines: list[str], notes: LineNotes) -> tuple[tuple[str, int, tuple[tuple[str, str], ...]], ...]:
    """Open edX annotation blocks by the key their ``toggle_name`` names: (name, the line below the block, its
    annotations). A block may sit above a line that is no site or definition of the key (``return
    self.enabled(PEER_GRADING)`` behind a helper): the key's flag is then found by the name alone."""
    found = []
    for index, text in enumerate(lines):
        named = _TOGGLE_NAME.match(text)
        if named is None:
            continue
        below = index + 1
        while below < len(lines) and lines[below].lstrip().startswith("#"):
            below += 1
        if below < len(lines):
            found.append((named["name"].strip("`'\" "), below + 1, notes(below + 1)))
    return tuple(found)


class LineNotes:
    """:func:`annotations_for` over one file's lines, each line read once: a line holding thousands of checks or
    constants (a one-line template, a generated module) would otherwise be searched once for each of them."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.found: dict[int, tuple[tuple[str, str], ...]] = {}

    def __call__(self, line: int) -> tuple[tuple[str, str], ...]:
        found = self.found.get(line)
        if found is None:
            found = self.found[line] = annotations_for(self.lines, line)
        return found


def comment_above(lines: list[str], line: int) -> list[str]:
    """The comment lines right above ``line`` (1-based), stripped, top first."""
    block: list[str] = []
    index = line - 2
    while index >= 0 and lines[index].lstrip().startswith("#"):
        block.append(lines[index].strip())
        index -= 1
    return block[::-1]


def annotations_for(lines: list[str], line: int) -> tuple[tuple[str, str], ...]:
    """Directives on ``line`` itself and in the comment block right above it.

    ``lines`` is the file's text split into lines; ``line`` is 1-based.
    """
    found: list[tuple[str, str]] = []
    if 0 < line <= len(lines):
        own = _OWN.search(lines[line - 1])
        if own:
            found.extend(parse_directive(own["body"]))
    block = comment_above(lines, line)
    edx_key: str | None = None
    edx: dict[str, str] = {}
    for comment in block:
        own = _OWN.match(comment)
        if own:
            found.extend(parse_directive(own["body"]))
            edx_key = None
            continue
        match = _EDX.match(comment)
        if not match and _TEMPORARY.search(comment):
            found.append(("temporary", comment.lstrip("#").strip()[:_TEMPORARY_TEXT]))
        if not match and _LASTING.search(comment):
            found.append(("lasting", comment.lstrip("#").strip()[:_TEMPORARY_TEXT]))
        if match:
            edx_key = match["key"]
            edx[edx_key] = match["value"].strip()
        elif edx_key and comment.startswith("#   "):
            edx[edx_key] = f"{edx[edx_key]} {comment.lstrip('#').strip()}".strip()
        else:
            edx_key = None
    found.extend(edx.items())
    return tuple(sorted(set(found)))
