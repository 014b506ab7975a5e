"""The byte-level prefilter: could a file hold a flag check or definition? Answered before any parse.

A site or definition always spells one of the rules' words (an SDK function, class, method or model name,
a settings dict), even through an alias, because the import names it. One word is in almost every Django
module: ``getattr``, which a settings rule reads only as ``getattr(obj, name, True)`` or ``False`` (or ``None``,
a variable or no default, for a name that says it is a switch, ``"ENABLE_X"``), while ``getattr(settings,
"TIMEOUT", 30)`` is everywhere. So a ``getattr`` counts only when the call it opens may end in ``True`` or
``False``, or in ``None``, a variable or nothing after such a name: its parentheses are followed to the closing
one, skipping strings and comments. Whatever the scan cannot follow (an f-string, a call left open) counts, so the
filter never drops a file the analysis would keep; it only spares the parse of files that cannot hold a site.
"""

from __future__ import annotations

import functools
import re

from flagaudit.sdk_rules import AttributeReads, RuleSet

_GETATTR = b"getattr"
_LAYOUT_RUN = re.compile(rb"(?:\s|#[^\n]*|\\\r?\n)*")
"""Spaces, comments and line continuations from the end of the word (a newline is allowed inside brackets): a
comment runs to its line's end, so this is one match, never tried again in parts."""
_SPECIAL = re.compile(rb"[()\[\]{},#'\"]")
_LAYOUT = re.compile(rb"[\s()\\]")
"""Spaces, line continuations and parentheses, which a dotted name may carry (``(conf . settings)``)."""
_BOOL_LAST = re.compile(rb"\b(?:True|False)(?:[\s),]|#[^\n]*(?![^\n])|\\\r?\n)*\Z")
"""The text before the closing parenthesis ends with a bool (in parentheses, before a comma or comments). A
comment runs to its line's end (so a failed search cannot try every split of a run of ``#``)."""
_UNSET_LAST = re.compile(rb"(?:\bNone|[,\s](?!None\b|True\b|False\b)[A-Za-z_][\w.]*)"
                         rb"(?:[\s),]|#[^\n]*(?![^\n])|\\\r?\n)*\Z")
"""The same for ``None``, or a variable (``allow_signups``, ``self.default``)."""
_NESTED_GET = re.compile(rb"\.\s*[A-Z][A-Z0-9_]*\s*\.\s*get\s*\([^()]*\)\s*\.\s*get\s*\(")
"""``settings.IMPORTERS.get("trello", {}).get(``: an entry of a settings dict of dicts (``extract/sites.py``,
``_nested_setting``), where the file names a settings object's module."""
_QUOTED_NAME = re.compile(rb"[\"']([A-Za-z_]\w*)[\"']")
"""A name in quotes: what ``getattr(settings, "ENABLE_X", None)`` names."""
_STRING_END = {
    b'"""': re.compile(rb'(?:[^"\\]|\\.|"(?!""))*"""', re.S),
    b"'''": re.compile(rb"(?:[^'\\]|\\.|'(?!''))*'''", re.S),
    b'"': re.compile(rb'(?:[^"\\\n]|\\.)*"', re.S),
    b"'": re.compile(rb"(?:[^'\\\n]|\\.)*'", re.S),
}
_PREFIX = re.compile(rb"[A-Za-z]*\Z")
"""Letters right before a quote: a string prefix (``rb``, ``f``...)."""
_SWITCH_WORD = rb"(?i:enabled?|disabled?|allow(?:ed)?|show|hide|use|can|features?|flags?)(?![A-Za-z0-9])"
_SWITCH_READ = rb"""\s*\(\s*(?:(?![rRbBuU]?['"])|[rRbBuU]?['"](?:\w*_)?""" + _SWITCH_WORD + rb")"
_ENVIRONMENT = {b"environ": re.compile(rb"\s*\.\s*get" + _SWITCH_READ), b"getenv": re.compile(_SWITCH_READ)}
"""The environment's words count only for a read of a name said as a switch (a word of it between underscores:
``USE_SENTRY``, not ``OSF_DB_USER``), or not written out (a helper's ``os.environ.get(key)``): settings modules read
dozens of values so (``os.environ.get("DATABASE_URL")``), and every version of each went to the parser in history (a
quarter more CPU for osf.io's cold ``check``). A read the analysis keeps alone is one of such a name
(``resolve.is_flag_setting``); one of a name that only another rule's read makes a flag is left out here too."""


def mentions(data: bytes, rules: RuleSet) -> bool:
    """Whether ``data`` may hold a site or definition of ``rules`` (the Python files' prefilter)."""
    if rules.trigger is None:
        return False
    receivers = declared = None
    for match in rules.trigger.finditer(data):
        word = match.group()
        if (needed := rules.companions.get(word)) is not None and not any(module in data for module in needed):
            continue
        if word in _ENVIRONMENT:
            if _ENVIRONMENT[word].match(data, match.end()) is not None:
                return True
            continue
        if word != _GETATTR or not rules.getattr_bool:
            return True
        receivers = receivers or _receivers(data, rules)
        if _bool_call(data, match.end(), receivers, rules.attribute_reads):
            return True
        declared = _declared(data, rules) if declared is None else declared
        if declared and any(pattern.match(data, match.end()) for pattern in declared):
            return True
    reads = rules.attribute_reads  # ``settings.ENABLE_X``: a rule's words cannot spell every such name
    return reads is not None and (reads.read_in(data) or _NESTED_GET.search(data) is not None
                                  and any(module.encode() in data for module in reads.modules))


def _declared(data: bytes, rules: RuleSet) -> list[re.Pattern[bytes]]:
    """What follows a ``getattr`` that reads an object whose every value is read by name (django-constance's
    ``getattr(config, name)``, any default), for each such object whose module the file names."""
    return [_first_argument(obj.rpartition(".")[2]) for rule in rules.settings if rule.declared for obj in rule.objects
            if obj.rpartition(".")[0].encode() in data]


@functools.cache
def _first_argument(name: str) -> re.Pattern[bytes]:
    """A call's opening up to its first argument's end, where that is ``name`` or a dotted name ending in it."""
    return re.compile(rb"\s*\(\s*(?:\w+\s*\.\s*)*" + re.escape(name.encode()) + rb"\s*,")


def _receivers(data: bytes, rules: RuleSet) -> re.Pattern[bytes]:
    """What a first argument naming a settings object can look like here: a dotted name ending in the object's
    name (``settings``, ``conf.settings``), or an alias the file imports it as (``settings as config``)."""
    names = {o.rsplit(".", 1)[-1].encode() for rule in rules.settings if rule.getattr_bool for o in rule.objects}
    either = b"|".join(re.escape(n) for n in sorted(names))
    aliases = re.findall(rb"\b(?:" + either + rb")\s+as\s+([^\s,()#;]+)", data)  # identifiers need not be ASCII
    return re.compile(rb"(?:[^.]+\.)*(?:" + b"|".join([either, *map(re.escape, aliases)]) + rb")")


def _bool_call(data: bytes, end: int, receivers: re.Pattern[bytes], switches: AttributeReads | None) -> bool:
    """Whether the ``getattr`` ending at ``end`` opens a call that may read a settings object with a bool
    default: ``getattr(settings, name, True|False)``, or ``getattr(settings, "ENABLE_X", None)`` or
    ``getattr(settings, "ENABLE_X")`` for a name ``switches`` takes for a flag's."""
    start = position = _opening(data, end)
    if start < 0:
        return False  # a name, not a call: no rule reads it
    first = second = -1
    depth = 1
    while True:
        found = _SPECIAL.search(data, position)
        if found is None:
            return True  # never closed: leave it to the parser
        char, position = found.group(), found.end()
        if char in b"([{":
            depth += 1
        elif char in b")]}":
            depth -= 1
            if depth == 0:
                two = second < 0 or not data[second + 1:found.start()].strip()  # no default (a trailing comma)
                return first >= 0 and _receiver(data[start:first], receivers) and (
                    _BOOL_LAST.search(data, start, found.start()) is not None
                    or switches is not None and (two or _UNSET_LAST.search(data, start, found.start()) is not None)
                    and any(switches.switches.fullmatch(name.group(1).decode())
                            for name in _QUOTED_NAME.finditer(data, first, found.start())))
        elif char == b",":
            if depth == 1 and first < 0:
                first = found.start()
            elif depth == 1 and second < 0:
                second = found.start()
        elif char == b"#":
            position = data.find(b"\n", position)
            if position < 0:
                return True
        else:
            letters = _PREFIX.search(data, max(0, found.start() - 3), found.start())
            if letters is not None and b"f" in letters.group().lower():
                return True  # an f-string may hold quotes and brackets of its own
            quote = data[found.start():found.start() + 3]
            quote = quote if quote in (b'"""', b"'''") else char
            closed = _STRING_END[quote].match(data, found.start() + len(quote))
            if closed is None:
                return True
            position = closed.end()


def _opening(data: bytes, end: int) -> int:
    """Where the arguments of a call whose name ends at ``end`` start: after the parenthesis that ends the spaces,
    comments and line continuations there, else after the last one in those comments (the text is not parsed:
    such a comment counts); -1 if there is none."""
    run = _LAYOUT_RUN.match(data, end)
    after = run.end() if run is not None else end
    if data[after:after + 1] == b"(":
        return after + 1
    inside = data.rfind(b"(", end, after)
    return inside + 1 if inside >= 0 else -1


def _receiver(text: bytes, receivers: re.Pattern[bytes]) -> bool:
    """Whether the first argument may be a settings object (``None`` of ``dotted_name`` otherwise: no site)."""
    if b"#" in text:
        return True  # a comment inside: not worth reading
    return receivers.fullmatch(_LAYOUT.sub(b"", text)) is not None
