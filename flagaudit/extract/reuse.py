"""What a later wrapper-inference pass may keep of a file's facts from the pass that last analysed it.

Why: a pass after the first re-analyses every file that calls a helper it newly inferred (see
``scan/project.py``), and on flag-dense code that is half the files, each analysed again span by span.
Most of a re-analysed file's spans call none of the new helpers. A span's sites and definitions depend
on the rules only through the names its analysis looks up (a call's qualified callee, a method's name) and
on the candidate lines the ``ast`` gate marks in it. So a span whose candidate lines are the same under both
rule sets, and whose text holds no name that can lead to a callee whose rule differs, gives what it gave
before: its facts are taken over instead of being analysed again.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from flagaudit.extract.symbols import Scope
from flagaudit.facts import Definition, FileFacts, Site
from flagaudit.sdk_rules import RuleSet, word_alternation


@dataclass(frozen=True)
class Earlier:
    """A file's facts as an earlier pass made them, and the rules it made them with."""

    facts: FileFacts
    rules: RuleSet
    wanted: frozenset[int] | None = None
    """The candidate lines the extraction that made the facts found (see extract/candidates.py), when it ran in
    this run: a later pass compares them with its own instead of finding them again under the earlier rules."""


@dataclass(frozen=True)
class Changed:
    """What differs between two rule sets, as the site analysis looks rules up."""

    names: frozenset[str]
    """The last segments of the callees (functions, decorators, definers) and the methods whose rules differ: a
    span that calls none of them keeps its facts."""
    callees: frozenset[str]
    """Those callees in full: a bare call of a name the module imports from elsewhere is looked up by where it
    comes from (``flag_is_active`` from waffle), which a project module re-exporting it under the same last
    segment does not change."""
    methods: frozenset[str]
    """Those methods, looked up by name on any receiver."""

    @functools.cached_property
    def by_name(self) -> dict[str, tuple[str, ...]]:
        """The callees by their last names."""
        found: dict[str, list[str]] = {}
        for callee in sorted(self.callees):
            found.setdefault(callee.rpartition(".")[2], []).append(callee)
        return {name: tuple(callees) for name, callees in found.items()}


_COMPARED: dict[tuple[int, int], tuple[RuleSet, RuleSet, Changed | None]] = {}
""":func:`changed_names` by the identity of the two rule sets (kept with it, so the ids stay theirs): a worker
is asked about the same two for every file of a pass, and comparing them took a millisecond each time."""


def changed_names(old: RuleSet, new: RuleSet) -> Changed | None:
    """What differs between ``old`` and ``new`` for the calls a span makes; ``None`` when something else the site
    analysis reads differs, and no span may be kept."""
    known = _COMPARED.get((id(old), id(new)))
    if known is None:
        if len(_COMPARED) > 16:
            _COMPARED.clear()
        known = _COMPARED[(id(old), id(new))] = (old, new, _changed_names(old, new))
    return known[2]


def _changed_names(old: RuleSet, new: RuleSet) -> Changed | None:
    if (old.settings, old.object_methods, old.classes, old.models, old.mixins) != (
            new.settings, new.object_methods, new.classes, new.models, new.mixins) or _modules(old) != _modules(new):
        return None
    callees: set[str] = set()
    for before, after in ((old.functions, new.functions), (old.decorators, new.decorators),
                          (old.define_functions, new.define_functions)):
        callees.update(_differing(before, after))
    methods: set[str] = set()
    for methods_before, methods_after in ((old.methods, new.methods), (old.define_methods, new.define_methods)):
        methods.update(_differing(methods_before, methods_after))
    return Changed(frozenset({*(k.rpartition(".")[2] for k in callees), *methods}), frozenset(callees),
                   frozenset(methods))


def standing_names(earlier: Earlier, rules: RuleSet) -> frozenset[str] | None:
    """The names :func:`changed_names` gives for ``earlier``'s rules and ``rules``, if nothing in ``earlier``'s
    facts can lead to a rule that differs: no call target or reference ends in one of them (a name imported
    under another, called or only passed around, is a target by its own name), no deferred receiver is traced
    differently and no class the module gives constants to is a registry whose rule differs. ``None`` when
    one does: the file must be analysed again. What is left to look for is a call in the text that the call
    graph saw as something else (a local that shadows a module's function), see :func:`calls_any`."""
    changed = changed_names(earlier.rules, rules)
    facts = earlier.facts
    if changed is None or not earlier.rules.traced.symmetric_difference(rules.traced).isdisjoint(facts.deferred):
        return None
    names = changed.names
    if any(t.rpartition(".")[2] in names for function in facts.functions for t in function.targets):
        return None
    registries = _differing(earlier.rules.class_constants, rules.class_constants)
    holders = {".".join(parts[index:]) for name in registries if (parts := name.split("."))
               for index in range(len(parts))}
    if holders and facts.symbols is not None and any(
            name.rpartition(".")[0] in holders for name, _ in facts.symbols.constants):
        return None
    return names


def calls_any(text: str, names: frozenset[str]) -> bool:
    """Whether ``text`` may call one of ``names`` (as :class:`Kept` tells a span's) or import one under another
    name (``from flags import is_on as on``)."""
    called, aliased = _called(names), _aliased(names)
    return called is not None and aliased is not None and bool(called.search(text) or aliased.search(text))


def _differing(before: Mapping[str, object], after: Mapping[str, object]) -> Iterable[str]:
    return (k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def _modules(rules: RuleSet) -> set[str]:
    return {m for rule_file in rules.files for m in rule_file.modules}


class Kept:
    """The spans of one file whose earlier facts stand, and those facts by span."""

    def __init__(self, earlier: FileFacts, definitions_before: int, changed: Changed, scope: Scope,
                 wanted_before: tuple[int, ...], wanted: tuple[int, ...], lines: list[str], starts: list[int]) -> None:
        """``definitions_before``: how many of the earlier definitions came from outside the spans (they come
        first); ``changed``: :func:`changed_names`; ``starts``: the first lines of the file's spans, in order."""
        names = changed.names
        # A name the module imports under another name (``from flags import is_on as on``) leads to its target.
        self.aliased = _called(frozenset(local for local, target in scope.imports.items() if target in changed.callees))
        self.called = _called(names)  # the same for every file of a pass: built once, searched fast
        self.placed = _Placed(changed, scope)
        self.named = _named(names)
        self.wanted_before = wanted_before
        self.wanted = wanted
        self.lines = lines
        self.sites: dict[int, list[Site]] = _by_span(earlier.sites, starts)
        self.definitions: dict[int, list[Definition]] = _by_span(earlier.definitions[definitions_before:], starts)

    def facts(self, start: int, end: int) -> tuple[list[Site], list[Definition]] | None:
        """The earlier sites and definitions of lines ``start..end``, in the order the analysis gave them, if
        they stand; ``None`` if the span must be analysed again. A class body's span is parsed under a header
        line above it, so the line before is compared too."""
        if _within(self.wanted_before, start - 1, end) != _within(self.wanted, start - 1, end):
            return None
        if self.called is not None and self.named is not None:
            text = "".join(self.lines[start - 1:end])
            if self.aliased is not None and self.aliased.search(text) \
                    or self.called.search(text) and self.placed.reached(text) \
                    or _IMPORT.search(text) and self.named.search(text):
                return None
        return self.sites.get(start, []), self.definitions.get(start, [])


class _Placed:
    """Where a call of a changed callee's last name may reach a changed rule. The rule a call of ``name`` or
    ``head.name`` is looked up by is the module's qualified name for it (or none, for a local), found through the
    module's imports and definitions, which are the same before and after: so a span that calls waffle's
    ``flag_is_active`` keeps its facts when a project module that re-exports it gets a rule of its own. A call of
    a method's name, of a name the module qualifies as a changed callee, on anything else (``f().name``,
    ``a.b.name``, a name and a comment before the dot) or on the first parameter of a method where a class of the
    module has a changed method of that name, may reach one; so may a call after an import in the span, which the
    span's other test sees."""

    def __init__(self, changed: Changed, scope: Scope) -> None:
        self.scope, self.changed = scope, changed
        callees = changed.callees
        blocked = {name for name in (*scope.imports, *scope.defined) if scope.qualify(name) in callees}
        if scope.star:
            blocked.update(name for callee in callees if callee.rpartition(".")[0] == scope.star
                           and scope.qualify(name := callee.rpartition(".")[2]) == callee)
        self.placed = changed.names - changed.methods - blocked
        """The names whose calls reach a changed rule only by where they stand."""
        self.prefix = f"{scope.module}." if scope.module else ""
        self._own: dict[str, bool] = {}

    def reached(self, text: str) -> bool:
        """Whether ``text`` calls one of the changed names where its rule may have changed."""
        names = self.changed.names
        return any(name in names and (name not in self.placed or self._dotted(text, found.start(), name))
                   for found in _ANY_CALLED.finditer(text) if (name := found.group()))

    def _dotted(self, text: str, at: int, name: str) -> bool:
        """Whether the call of ``name`` at ``at`` may reach a changed rule, as an attribute."""
        before = text[:at].rstrip(" \t\n\\")
        if "#" in before[before.rfind("\n") + 1:]:  # the dot may be before a comment: not told without tokenizing
            return True
        if not before.endswith("."):
            return False  # called bare: looked up by the module's name for it, not a changed callee
        head = _HEAD.search(before, max(0, len(before) - 200))
        return head is None or self._owns(name) or self.scope.qualify(f"{head.group(1)}.{name}") in self.changed.callees

    def _owns(self, name: str) -> bool:
        """Whether a class of the module has a method ``name`` whose rule changed (``self.name()`` reaches it)."""
        known = self._own.get(name)
        if known is None:
            prefix, defined = self.prefix, self.scope.defined
            known = self._own[name] = any(
                callee.startswith(prefix) and callee[len(prefix):].partition(".")[0] in defined
                for callee in self.changed.by_name.get(name, ()))
        return known


_HEAD = re.compile(r"(?<![\w.)\]}'\"])([^\W\d]\w*)\.\Z")
"""A single name before the dot that ends a text, with nothing before it that would make it part of a longer
expression (``a.b.``, ``f().``, ``x[0].``, ``"".``)."""

_IMPORT = re.compile(r"\bimport\b")
"""A span that imports a name inside a function may call it under another name (``from f import on as check``)."""


class _Words:
    """Where a text has one of ``words``. Each word ``found`` finds in the text is looked up in the set while
    the texts searched add up to fewer than :data:`_LOOKED_UP` characters for each word; past that, the
    expression of the words is built and searched. Building the expression of hundreds of inferred names and
    compiling it took about 0.05 s of CPU in each process that analysed a file again under new rules (in every
    run after an edit, for the edited file alone), where looking up the words of a file of a few thousand lines
    takes a millisecond; the expression searches faster once built, which pays over many files. A set of words
    one of which is not a whole word (letters, digits and underscores: an empty word, a name with a dot) is
    always searched by the expression. A whole word is found where the expression finds it: both begin and end
    it at word boundaries."""

    def __init__(self, words: frozenset[str], found: re.Pattern[str], expression: Callable[[], str]) -> None:
        self.words, self.found, self.expression = words, found, expression
        whole = all(_WHOLE_WORD.fullmatch(word) for word in words)
        self.left = _LOOKED_UP * len(words) if whole else -1
        self.compiled: re.Pattern[str] | None = None

    def search(self, text: str) -> bool:
        if self.compiled is None and len(text) <= self.left:
            self.left -= len(text)
            return not self.words.isdisjoint(self.found.findall(text))
        if self.compiled is None:
            self.compiled = re.compile(self.expression())
        return self.compiled.search(text) is not None


_LOOKED_UP = 1_000
"""Characters looked up word by word, for each word, before the words' expression is built: about what building
it costs (55 µs a word; a millisecond looks up the words of 20,000 characters)."""

_WHOLE_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=16)
def _named(words: frozenset[str]) -> _Words | None:
    """Where a span mentions one of ``words``."""
    return _Words(words, _WHOLE_WORD, lambda: _word(words) + r"\b") if words else None


@functools.lru_cache(maxsize=16)
def _aliased(words: frozenset[str]) -> _Words | None:
    """Where an import may give one of ``words`` another name: the word, then ``as``."""
    if not words:
        return None
    return _Words(words, _ANY_ALIASED, lambda: _word(words) + _AS)


@functools.lru_cache(maxsize=64)
def _called(words: frozenset[str]) -> _Words | None:
    """Where a span may call one of ``words``: the word the analysis looks a call's callee up by is the last name
    before its parenthesis (``is_on(``, ``x.is_on (``, ``(is_on)(``, ``factory()(``, ``table[k](``), wherever
    it sits -- a string, a comment or a definition's own ``def is_on(`` are not calls, and only the last is left
    out: the others count, which only costs a span a parse."""
    if not words:
        return None
    return _Words(words, _ANY_CALLED, lambda: _word(words, r"(?<!def )") + r"\b(?=" + _BEFORE_PARENTHESIS + ")")


def _word(words: frozenset[str], before: str = "") -> str:
    """Where one of ``words`` begins at a word boundary (``before``: a look-behind of its own there). The
    expression opens by looking for a word's first letter: ``re`` then skips the spaces, digits and punctuation
    at once, where it tried the boundary and the look-behind at every character (three times slower on spans
    for hundreds of inferred names). An empty word (a rule's name ending in a dot) begins anywhere."""
    firsts = "".join(re.escape(letter) for letter in sorted({word[:1] for word in words}))
    opening = f"(?=[{firsts}])" if "" not in words else ""
    return f"{opening}{before}\\b(?:{word_alternation(sorted(words))})"


_BEFORE_PARENTHESIS = r"(?:\s|\\|\)|#[^\n]*(?![^\n]))*(?:[(\[]|#[^\n(\[]*[(\[])"
"""Spaces, backslashes, closing parentheses and comments, then an opening parenthesis or bracket, which may
be in the last comment (the text is not parsed). A comment runs to its line's end, so the text splits into
these one way only: with comments of any length, ``re`` tried every split of a run of ``#`` (exponential)."""

_AS = r"(?:\s|\\|#[^\n]*\n)+as\b"
"""Spaces, backslashes and whole comments, then ``as``: what gives an imported name another name."""

_ANY_CALLED = re.compile(r"(?<!def )\b\w+\b(?=" + _BEFORE_PARENTHESIS + ")")
"""Any word where :func:`_called`'s expression may find one."""

_ANY_ALIASED = re.compile(r"\b\w+(?=" + _AS + ")")
"""Any word where :func:`_aliased`'s expression may find one (ahead, so that each word is tried)."""


F = TypeVar("F", Site, Definition)


def _by_span(found: Iterable[F], starts: list[int]) -> dict[int, list[F]]:
    """Facts grouped by the span whose lines hold them (spans do not overlap), each group in its order."""
    groups: dict[int, list[F]] = {}
    for fact in found:
        index = bisect.bisect_right(starts, fact.line) - 1
        groups.setdefault(starts[index] if index >= 0 else 0, []).append(fact)
    return groups


def _within(lines: tuple[int, ...], start: int, end: int) -> tuple[int, ...]:
    return lines[bisect.bisect_left(lines, start):bisect.bisect_right(lines, end)]
