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
from collections.abc import Iterator

from flagaudit.extract.symbols import named_as_flag
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
_SWITCH_READ = rb"""\s*\(\s*(?!\s)(?:(?![rRbBuU]?['"])|[rRbBuU]?['"](?:\w*_)?""" + _SWITCH_WORD + rb")"
_ENTRY_READ = re.compile(_LAYOUT_RUN.pattern + rb"(?:\[|\." + _LAYOUT_RUN.pattern + rb"get"
                         + _LAYOUT_RUN.pattern + rb"\()")
"""What follows a settings dict's name where one of its entries is read (``FEATURES["X"]``, ``FEATURES.get("X")``),
across spaces, comments and line continuations (:attr:`RuleSet.subscripted`)."""
_ENVIRONMENT = {b"environ": re.compile(rb"\s*\.\s*get" + _SWITCH_READ), b"getenv": re.compile(_SWITCH_READ)}
"""The environment's words count only for a read of a name said as a switch (a word of it between underscores:
``USE_SENTRY``, not ``OSF_DB_USER``), or not written out (a helper's ``os.environ.get(key)``): settings modules read
dozens of values so (``os.environ.get("DATABASE_URL")``), and every version of each went to the parser in history (a
quarter more CPU for osf.io's cold ``check``). A read the analysis keeps alone is one of such a name
(``resolve.is_flag_setting``); one of a name that only another rule's read makes a flag is left out here too. The
spaces before the argument are taken whole (``(?!\\s)``): else the search gives one back and finds no string after it
(``os.environ.get(\\n    "STRIPE_PUBLIC_KEY")`` in every version of nyaruka/rapidpro's settings)."""


def mentions(data: bytes, rules: RuleSet, alone: bool = False) -> bool:
    """Whether ``data`` may hold a site or definition of ``rules`` (the Python files' prefilter). ``alone``: for
    history, which counts each site alone (history/walk.py), so that a ``getattr(settings, "X", False)`` of a setting
    not named as a flag is none, where no edx annotation names a toggle (nyaruka/rapidpro's versions that
    ask ``getattr(settings, "SEND_EMAILS", False)``); a scan counts it where another site of its key makes it a flag."""
    if rules.trigger is None:
        return False
    reads = rules.attribute_reads  # ``settings.ENABLE_X``: a rule's words cannot spell every such name
    receivers = declared = None
    companions: dict[bytes, bool] = {}  # whether the file names a word's module, asked once for each word
    attributes: list[_Match] = []  # the reads of settings objects, looked at once no word decided
    for which, (start, end, groups) in _PARAGRAPHS.matches((rules.trigger, reads.data) if reads else (rules.trigger,),
                                                           data):
        if which:
            attributes.append((start, end, groups))
            continue
        word = data[start:end]
        if (needed := rules.companions.get(word)) is not None:
            named = companions.get(word)
            if named is None:
                named = companions[word] = any(module in data for module in needed)
            if not named:
                continue
        if word in rules.attributes and not _attribute(data, start):
            continue
        if word in rules.subscripted:
            if _ENTRY_READ.match(data, end) is not None:
                return True
            continue
        if word in _ENVIRONMENT:
            if _ENVIRONMENT[word].match(data, end) is not None:
                return True
            continue
        if word != _GETATTR or not rules.getattr_bool:
            return True
        receivers = receivers or _receivers(data, rules)
        if _bool_call(data, end, receivers, rules.attribute_reads, alone):
            return True
        declared = _declared(data, rules) if declared is None else declared
        if declared and any(pattern.match(data, end) for pattern in declared):
            return True
    return reads is not None and (_read_in(reads, attributes, data) or any(
        module.encode() in data for module in reads.modules) and _NESTED_GET.search(data) is not None)


class _Paragraphs:
    """Where patterns matched in each paragraph (the text between blank lines) read lately, with their groups.

    History reads every version of every file, and most of a version is paragraphs of the versions before it
    (seven eighths of the bytes of osf.io's 24,352 versions): the patterns are searched for in the paragraphs not
    seen yet, and their matches looked up for the others, in half the time of a search through every byte. A
    pattern that cannot match across a blank line, nor needs a word character beyond its match to fail, finds in
    a paragraph what it finds there in the whole text (a paragraph's edges are not word characters, as the blank
    lines are not), so the matches are those of ``finditer`` over the whole. Paragraphs are kept by their bytes
    (no digest to collide), about :data:`_MOST_KEPT` bytes of them: the young ones, found or searched since the
    old ones were young, and the old ones, which are forgotten when the young reach half of that."""

    def __init__(self) -> None:
        self.young: dict[tuple[re.Pattern[bytes], ...], dict[bytes, tuple[tuple[_Match, ...], ...]]] = {}
        self.old: dict[tuple[re.Pattern[bytes], ...], dict[bytes, tuple[tuple[_Match, ...], ...]]] = {}
        self.size = 0
        """Bytes the young paragraphs hold (:data:`_HELD`)."""

    def matches(self, patterns: tuple[re.Pattern[bytes], ...], data: bytes) -> Iterator[tuple[int, _Match]]:
        """Where ``patterns`` match in ``data``, with their groups, paragraph by paragraph in order (within one,
        pattern by pattern): the pattern's index and the match. Read as far as asked: a file decided by its first
        words is not searched further (most of a flag-dense tree's)."""
        young = self.young.setdefault(patterns, {})
        old = self.old.get(patterns, {})
        offset = 0
        for paragraph in data.split(b"\n\n"):
            known = young.get(paragraph)
            if known is None:
                known = old.get(paragraph)
                if known is None:
                    known = tuple(tuple((match.start(), match.end(), match.groups()) for match in pattern.finditer(
                        paragraph)) for pattern in patterns)
                    if not any(known):
                        known = _NOWHERE
                held = len(paragraph) + _HELD * (1 + sum(map(len, known)))
                if held <= _MOST_KEPT // 16:  # a paragraph of megabytes is searched again rather than kept
                    if self.size + held > _MOST_KEPT // 2:
                        self.old, self.young, self.size = self.young, {patterns: {}}, 0
                        young, old = self.young[patterns], self.old[patterns]
                    young[paragraph] = known
                    self.size += held
            if known is not _NOWHERE:
                for which, each in enumerate(known):
                    for start, end, groups in each:
                        yield which, (start + offset, end + offset, groups)
            offset += len(paragraph) + 2


_Match = tuple[int, int, tuple[bytes | None, ...]]
"""A match's start, end and groups."""
_NOWHERE: tuple[tuple[_Match, ...], ...] = ()
"""What a paragraph where no pattern matches keeps (one object for all)."""
_MOST_KEPT = 32_000_000
"""Bytes :class:`_Paragraphs` keeps in each process, about: the paragraphs' own and :data:`_HELD` for each
paragraph and each match."""
_HELD = 100
"""Bytes of memory a kept paragraph or match holds besides the paragraph's text (its object, its place in the dict,
a match's tuple): counted so that a file of a hostile pull request made of millions of one-letter paragraphs, or of
a paragraph of a million words, cannot make the process hold gigabytes within the bound."""
_PARAGRAPHS = _Paragraphs()


def _read_in(reads: AttributeReads, found: list[_Match], data: bytes) -> bool:
    """Whether ``data`` reads a flag as an attribute of a settings object, in a file that names its module (under
    its own name, or another it is imported as); ``found``: the matches of ``reads.data`` in it."""
    aliases = []
    for _, _, (holder, name, alias) in found:
        if alias is not None:
            aliases.append((holder.decode(), alias.decode()))  # type: ignore[union-attr]  # the first group is there
            continue
        names, modules = reads.by_holder[holder.decode()]  # type: ignore[union-attr]
        if names.fullmatch(name.decode()) and any(module in data for module in modules):  # type: ignore[union-attr]
            return True
    return any(reads.flag(holder, name) for _, holder, name in reads.renamed(data, aliases))


def _after_boundary(patterns: tuple[re.Pattern[bytes], ...], data: bytes) -> Iterator[re.Match[bytes]]:
    """What ``re.finditer(rb"\\b(?:" + "|".join(patterns) + ")", data)`` finds, where each pattern starts with a
    name (of word characters) and needs a character that is none after it, so that no two match at one place.
    An alternation after ``\\b`` is tried at every byte; a pattern that starts with a name is searched for as fast
    as ``bytes.find`` does, so each is searched alone, the boundary checked by hand, and their matches merged in
    order, none overlapping the one before, as ``finditer`` leaves them."""
    upcoming: list[re.Match[bytes] | None] = [None] * len(patterns)
    left: list[re.Pattern[bytes] | None] = list(patterns)  # those not yet found to match no more
    position = 0
    while True:
        first = None
        for index, pattern in enumerate(left):
            if pattern is None:
                continue
            found = upcoming[index]
            if found is None or found.start() < position:  # not searched yet, or overlapped by the last one
                found = upcoming[index] = _bounded(pattern, data, position)
                if found is None:
                    left[index] = None
                    continue
            if first is None or found.start() < first.start():
                first = found
        if first is None:
            return
        yield first
        position = first.end()


def _bounded(pattern: re.Pattern[bytes], data: bytes, position: int) -> re.Match[bytes] | None:
    """The first match of ``pattern`` at or after ``position`` that no word character comes right before."""
    while (found := pattern.search(data, position)) is not None:
        start = found.start()
        if start == 0 or data[start - 1] not in _WORD_BYTES:
            return found
        position = start + 1
    return None


_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
"""What ``\\w`` matches in a pattern of bytes."""


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
    aliases = [found.group(1) for found in _after_boundary(_imported_as(tuple(sorted(names))), data)]
    return re.compile(rb"(?:[^.]+\.)*(?:" + b"|".join([either, *map(re.escape, aliases)]) + rb")")


@functools.cache
def _imported_as(names: tuple[bytes, ...]) -> tuple[re.Pattern[bytes], ...]:
    """``name as alias`` for each name (the alias the group; identifiers need not be ASCII)."""
    return tuple(re.compile(re.escape(name) + rb"\s+as\s+([^\s,()#;]+)") for name in names)


def _attribute(data: bytes, start: int) -> bool:
    """Whether the word at ``start`` is read as an attribute (:attr:`RuleSet.attributes`): after a dot, spaces
    between, or first on its line (a chain of attributes may go on from the line above, past a comment or a line
    continuation)."""
    before = start
    while before and data[before - 1] in b" \t":
        before -= 1
    return not before or data[before - 1] in b".\n\r"


def _bool_call(data: bytes, end: int, receivers: re.Pattern[bytes], switches: AttributeReads | None,
               named: bool) -> bool:
    """Whether the ``getattr`` ending at ``end`` opens a call that may read a settings object with a bool
    default: ``getattr(settings, name, True|False)`` (where ``named``, only for a name not written out or one
    :func:`~flagaudit.extract.symbols.named_as_flag`), or ``getattr(settings, "ENABLE_X", None)`` or
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
                return first >= 0 and (
                    _BOOL_LAST.search(data, start, found.start()) is not None
                    and (not named or _may_be_flag(data, data[first + 1:second if second >= 0 else found.start()]))
                    or switches is not None and (two or _UNSET_LAST.search(data, start, found.start()) is not None)
                    and any(switches.switches.fullmatch(name.group(1).decode())
                            for name in _QUOTED_NAME.finditer(data, first, found.start())))
        elif char == b",":
            if depth == 1 and first < 0:
                first = found.start()
                if not _receiver(data[start:first], receivers):
                    return False  # not a settings object, whatever the rest (``getattr(self, f"{kind}_x")``)
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


def _may_be_flag(data: bytes, argument: bytes) -> bool:
    """Whether a ``getattr``'s name ``argument`` may name a flag in ``data``: any name not written out as a plain
    string, else one :func:`~flagaudit.extract.symbols.named_as_flag` or one beside an edx annotation that names a
    toggle (searched for only here, not in every version history reads)."""
    bare = _bare(argument)
    written = None if bare is None else _QUOTED_NAME.fullmatch(bare)
    return written is None or named_as_flag(written.group(1).decode()) or b"toggle_name" in data


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
    bare = _bare(text)
    return bare is None or receivers.fullmatch(bare) is not None


def _bare(argument: bytes) -> bytes | None:
    """An argument's text without spaces, parentheses and line continuations; ``None`` with a comment inside (not
    worth reading: the argument may be anything)."""
    return None if b"#" in argument else _LAYOUT.sub(b"", argument)
