"""Fold a flag's template checks: ``{% flag "k" %}on{% else %}off{% endflag %}`` (django-waffle's tags),
``{% if waffle.flag('k') %}on{% else %}off{% endif %}`` and django-flags' ``{% if flag_enabled('K') %}`` (Jinja)
become the chosen branch's text.

Anything else that mentions the key (an ``elif`` chain, a condition with more than the check, wafflejs in a
script) is refused: text has no parser to prove a rewrite right.
"""

from __future__ import annotations

import re

from flagaudit.cleanup.fold import Refused

_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.S)
_WAFFLE_TAGS = ("flag", "switch", "sample")
_JINJA_CHECK = re.compile(r"""\s*(not\s+)?(?:waffle\.(?:flag|switch|sample)|flag_(enabled|disabled))"""
                          r"""\(\s*["'][^"']+["']\s*(?:,\s*request\s*)?\)\s*""")
"""The whole condition of a Jinja ``{% if %}``: one check of a literal key, perhaps negated; django-flags'
``flag_disabled`` (and ``flag_enabled``, passed the template's ``request``) too."""


def fold_template(text: str, offsets: list[tuple[int, int]], value: bool) -> str:
    """``text`` with the blocks at ``offsets`` ((line, column) of each check, 1-based line) folded to ``value``."""
    starts = sorted({_offset(text, line, column) for line, column in offsets}, reverse=True)
    for start in starts:  # from the end, so earlier offsets stay valid
        text = _fold_one(text, start, value)
    return text


def _whole_line(text: str, start: int, end: int) -> tuple[int, int]:
    """A tag alone on its line takes the line with it (its indentation and newline); otherwise just the tag."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end + 1
    if text[line_start:start].strip() or text[end:line_end].strip():
        return start, end
    return line_start, line_end


def _offset(text: str, line: int, column: int) -> int:
    lines = text.splitlines(keepends=True)
    return sum(len(x) for x in lines[:line - 1]) + column


def _fold_one(text: str, at: int, value: bool) -> str:
    opening = next((m for m in _TAG.finditer(text) if m.start() <= at < m.end()), None)
    line = text.count("\n", 0, at) + 1
    if opening is None:
        raise Refused(line, "the template check is not inside a {% %} tag")
    name, condition = opening.group(1), opening.group(2)
    if name in _WAFFLE_TAGS:
        polarity, closing = True, f"end{name}"
    elif name == "if" and (check := _JINJA_CHECK.fullmatch(condition)):
        polarity, closing = (not check.group(1)) != (check.group(2) == "disabled"), "endif"
    else:
        raise Refused(line, f"a template {{% {name} %}} whose condition is more than the check")
    middle, close = _matching(text, opening.end(), name, closing, line)
    start, after_open = _whole_line(text, opening.start(), opening.end())
    before_close, end = _whole_line(text, close.start(), close.end())
    if middle:
        before_else, after_else = _whole_line(text, middle.start(), middle.end())
        on, off = text[after_open:before_else], text[after_else:before_close]
    else:
        on, off = text[after_open:before_close], ""
    return text[:start] + (on if value == polarity else off) + text[end:]


def _matching(text: str, after: int, name: str, closing: str, line: int) -> tuple[re.Match[str] | None, re.Match[str]]:
    """The block's own ``{% else %}`` (if any) and closing tag, nested blocks of the same tag skipped."""
    depth, middle = 0, None
    for tag in _TAG.finditer(text, after):
        kind = tag.group(1)
        if kind == name:
            depth += 1
        elif kind == closing and depth:
            depth -= 1
        elif kind == closing:
            return middle, tag
        elif kind == "else" and not depth:
            middle = tag
        elif kind in ("elif", "elseif") and not depth:
            raise Refused(line, "a template check with an elif chain")
    raise Refused(line, f"no {{% {closing} %}} for this {{% {name} %}}")
