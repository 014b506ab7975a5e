"""Meaning findings: a key that came to mean something new (FA201-FA203), the Knight Capital failure.

Pure: the flags in the code now, their timelines (or only flagaudit.lock),
the acknowledgements, and "today" in; findings out. A flag's *reference*
meanings are those of its first life plus every later meaning related to
them (see :mod:`flagaudit.meaning`); an unrelated meaning is *foreign*. Each
finding names the key, the new site and what it guards, and the old sites
and what they guard, with dates and commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from itertools import repeat
from typing import TYPE_CHECKING

from flagaudit.checks import CheckInput, Family, FindingRule, project
from flagaudit.facts import Definition, Event, EventKind, Evidence, Finding, Flag, Site, Timeline
from flagaudit.meaning import (
    GENERIC_CALLS,
    VALUE_MARK,
    Meaning,
    class_of,
    judgeable,
    meaning,
    related,
    same_work,
    words,
)
from flagaudit.sdk_rules import ATTRIBUTE_READ, GETATTR_READ

if TYPE_CHECKING:
    from flagaudit.history.ledger import Adoption, Entry
    from flagaudit.model.callgraph import CallGraph

_NEW_KEY = ("Give the new behaviour a new key. If the change of meaning is intended and every deployment runs the "
            "new code, record it: `flagaudit ledger --accept KEY --reason \"...\"`.")

_PEG = """
    import ldclient


    def route(order):
        if ldclient.get().variation("power-peg", order, False):
            return send_child_order(order)
        return order


    def send_child_order(order):
        return [order]
"""
_RLP = """
    import ldclient


    def improve(order):
        if ldclient.get().variation("power-peg", order, False):
            return price_improvement(order)
        return order


    def price_improvement(order):
        return order
"""
_INIT = {"router/__init__.py": ""}

REBORN = FindingRule(
    "FA201", "reborn-flag", "error",
    "A retired key (no site or definition left, per git history or flagaudit.lock) is referenced again. When what "
    "came back is what was retired (a revert re-landed), or, within the dormant window of the retirement, each new "
    "site does the work a retired one did (a guard dropped in a refactor and put back), or a setting's name stayed "
    "in the code, read where flagaudit does not follow (a settings object of the project's own), it is information.",
    "Servers, caches, mobile clients or flag-service configuration may still hold the old key's state: "
    "reusing it can switch on behaviour nobody meant to ship.",
    _NEW_KEY,
    fires=(project({}, ("2019-03-01", {**_INIT, "router/peg.py": _PEG}), ("2020-01-15", {"router/peg.py": None}),
                   ("2026-05-04", {"router/rlp.py": _RLP})),),
    silent=(project({}, ("2019-03-01", {**_INIT, "router/peg.py": _PEG}), ("2020-01-15", {"router/peg.py": None}),
                    ("2026-05-04", {"router/rlp.py": _RLP.replace("power-peg", "retail-liquidity")})),),
)
REPURPOSED = FindingRule(
    "FA202", "repurposed-flag", "error",
    "The key stayed but its meaning was replaced: the old sites' fingerprints are gone and new, unrelated "
    "ones took their place (in one commit or across several), or its value kind changed (on/off to "
    "multivariate) with new sites.",
    "Anything that still runs the old code (one server that missed the deploy) reads the same key and "
    "does the old thing.",
    _NEW_KEY,
    fires=(project({}, ("2026-01-05", {**_INIT, "router/peg.py": _PEG}),
                   ("2026-05-04", {"router/peg.py": None, "router/rlp.py": _RLP})),),
    silent=(project({}, ("2026-01-05", {**_INIT, "router/peg.py": _PEG}),
                    ("2026-05-04", {"router/peg.py": None, "router/routing.py": _PEG})),),
)
MIXED = FindingRule(
    "FA203", "mixed-meaning-flag", "error",
    "New sites with fingerprints unrelated to the existing ones were added while old sites, dormant for a "
    "long time (default 180 days), still exist.",
    "This is Knight Capital's shape: new code read the Power Peg flag while the Power Peg code still lived.",
    "Delete the dormant code first, or use a new key. " + _NEW_KEY,
    fires=(project({}, ("2016-06-01", {**_INIT, "router/peg.py": _PEG}), ("2026-05-04", {"router/rlp.py": _RLP})),),
    silent=(project({}, ("2016-06-01", {**_INIT, "router/peg.py": _PEG}), ("2026-05-04", {"router/retry.py": """
        import ldclient

        from router.peg import send_child_order


        def resend(order):
            if ldclient.get().variation("power-peg", order, False):
                return send_child_order(order)
            return order
    """})),),
)


def _meanings(given: CheckInput) -> list[Finding]:
    assert given.as_of is not None, "the meaning family needs the day it judges"
    return meaning_findings(given.flags, given.history, given.ledger, given.as_of, given.dormant_days, given.graph,
                            given.adoption)


FAMILY = Family((REBORN, REPURPOSED, MIXED), "meanings", _meanings)
_NAMES_SHOWN = 4



@dataclass
class _Story:
    """A key's meanings while its events are replayed."""

    subject: frozenset[str] = frozenset()
    """The words of the key's own name (``mailhog`` of ``enable_mailhog``)."""
    passes: frozenset[str] = frozenset()
    """The predicates and wrappers the key's other sites ask through (``monitoring_enabled()``): their own check
    hands its value to those callers, so it is no meaning of its own that outlives theirs."""
    reference: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Meaning -> (date, commit) it last appeared or changed."""
    current: dict[str, tuple[str, str]] = field(default_factory=dict)
    sites: Counter[str] = field(default_factory=Counter)
    """How many sites have each current meaning: several share one (every ``{% flag %}`` in a template is
    ``<template>:``), and it stays while one of them does (cfgov-refresh's Spanish results page dropped its two,
    the English page kept its two)."""
    foreign: dict[str, tuple[str, str]] = field(default_factory=dict)
    reborn: Event | None = None
    retired: Event | None = None
    retired_life: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    """The meanings and paths the key had when it was last retired."""
    same_again: bool = False
    """The last rebirth brought back exactly what was retired (a revert re-landed): information, not a block."""
    out_of_sight: tuple[str, ...] = ()
    """A setting's reads went where flagaudit does not follow them (a settings object of the project's own): modules
    named it when it was retired and still did before its rebirth; so it was never retired, and the rebirth is
    information."""
    same_work: bool = False
    """Each site the last rebirth brought, within the dormant window of the retirement, does the work a retired
    site did (a guard dropped in a refactor and put back, in the two functions one was split into): information,
    not a block."""
    problems: dict[str, tuple[str, Event, tuple[tuple[str, str, str], ...]]] = field(default_factory=dict)
    """Foreign meaning -> (code, the event that brought it, the old meanings with date and commit)."""
    before: _Story | None = None
    """The story as the adoption baseline found it (its rebirth and problems): reported apart, never blocking."""


def meaning_findings(flags: Iterable[Flag], timelines: Iterable[Timeline], ledger: Mapping[tuple[str, str], Entry],
                     as_of: date, dormant_days: int, graph: CallGraph | None = None,
                     adoption: Adoption | None = None) -> list[Finding]:
    """FA201-FA203 for the flags in the code, from their timelines and the ledger; ``graph`` tells whether
    the code an old branch guarded still lives apart from the new branch. Findings about events the adoption
    baseline covers are marked ``baseline`` (the key's meanings at the baseline are accepted; what comes
    after is judged against them)."""
    stories = {(t.sdk, t.key): t for t in timelines}
    reach = _Reach(graph) if graph is not None else None
    findings = []
    for flag in flags:
        if flag.key is None or flag.pattern or _configuration(flag) \
                or not (flag.sites or any(d.action == "define" for d in flag.definitions)):
            continue
        entry = ledger.get((flag.sdk, flag.key))
        timeline = stories.get((flag.sdk, flag.key))
        story = _replay(timeline.events if timeline else (), entry, dormant_days, reach,
                        frozenset(words(flag.key)), adoption,
                        frozenset(s.via[0] for s in (*flag.sites, *flag.test_sites) if s.via))
        _now(story, flag, as_of, dormant_days, reach)
        findings.extend(_report(flag, story, entry))
        if story.before is not None:
            findings.extend(replace(f, baseline=True) for f in _report(flag, story.before, entry))
    return findings


def _configuration(flag: Flag) -> bool:
    """A setting the code reads only as a plain attribute (``if settings.EDGE_ENABLED:``) is a deployment's
    configuration of a subsystem, read wherever that subsystem is used: a new place that reads it is no new
    meaning. Judged as flags, Flagsmith's ``EDGE_ENABLED`` and ``ENABLE_CHARGEBEE`` blocked its tip three times,
    each for code that uses the service the setting switches. Every site must be such a read, or a call of a
    predicate that returns one (Flagsmith's ``is_edge_enabled()``): one added beside a check (or made by a rule
    file a pull request adds) does not take the key out of the gate. A predicate that returns the setting read
    with a default is such a read too (open-zaak's admin shows ``cmis_enabled()``, ``getattr(settings,
    "CMIS_ENABLED", False)``, beside 93 attribute reads of the deployment's CMIS switch: three false FA203 in 200
    commits), where a default read that gates code itself is not."""
    predicates = {site.via[-1] for site in flag.sites if site.via}

    def read(site: Site) -> bool:
        return site.rule.endswith(ATTRIBUTE_READ) or site.rule.endswith(GETATTR_READ) and site.function in predicates

    reads = {site.function for site in flag.sites if read(site)}
    return bool(flag.sites) and all(read(site) or (site.via and site.via[-1] in reads) for site in flag.sites)


class _Reach:
    """What the call graph says about two branches: whether the project code an old meaning's branch called
    still lives and the new branch's calls, followed through the graph, reach none of it (``left_behind``: a
    branch given other work), or all of it (``reaches``: the work moved into a helper, a task, or a management
    command the new branch runs). A renamed function no longer lives under its old name: neither."""

    def __init__(self, graph: CallGraph) -> None:
        self.graph = graph
        self.reached: dict[frozenset[str], _Search] = {}
        """The searches made, by the nodes they start from (branches of other names often call the same ones)."""
        self.finished: list[_Search] = []

    def _nodes(self, names: frozenset[str]) -> set[str]:
        """Project nodes the names stand for (``call_command:x`` for the command's module and handler)."""
        nodes, expansion = self.graph.successors, self.graph.expansion
        return {node for name in names if not name.startswith((".", "<", "="))
                for node in (expansion.get(name) or (name,)) if node in nodes}

    def _living(self, old: Meaning) -> set[str]:
        """The project code an old branch called that still lives: the functions, methods and classes its names
        stand for, but not a class or module a name only starts with, nor every method of a name nearly every
        branch calls (``Signal.objects.get`` is no work of the model class ``Signal``, nor of each project method
        called ``get``: both would stay "living" behind every branch that reads a signal)."""
        successors, expansion, hops = self.graph.successors, self.graph.expansion, self.graph.hops
        found: set[str] = set()
        for name in old.names:
            if name.startswith((".", "<", "=")):
                continue
            last = (name, *hops.get(name, ()))[-1]
            for node in expansion.get(name) or (name,):
                generic = node.startswith(".") and node[1:] in GENERIC_CALLS
                prefix = last.startswith(node + ".") and (node in self.modules or node.rpartition(".")[2][:1].isupper())
                if node in successors and not generic and not prefix:
                    found.add(node)
        return found

    @cached_property
    def modules(self) -> frozenset[str]:
        """The project's modules (from the graph's shapes, which a kept graph has too, unlike its nodes)."""
        return frozenset(shape[0] for shape in self.graph.shapes.values())

    def _reach(self, new: Meaning) -> _Search:
        starts = frozenset(self._nodes(new.names))
        if starts not in self.reached:
            self.reached[starts] = _Search(self.graph.successors, starts, self.finished)
        return self.reached[starts]

    def _bound(self, new: Meaning) -> set[str] | None:
        """A set the nodes ``new``'s branch reaches lie within: the whole reach of a search already finished from
        nodes that include ``new``'s (what they reach, they reach too), if there is one."""
        search = self._reach(new)
        if not search.frontier:
            return search.seen
        return next((other.seen for other in self.reached.values()
                     if not other.frontier and search.starts <= other.seen), None)

    def left_behind(self, new: Meaning, old: Meaning) -> bool:
        living = self._living(old)
        bound = self._bound(new)
        if bound is not None and living.isdisjoint(bound):
            return bool(living)
        return bool(living) and not self._reach(new).any_of(living)

    def kin(self, new: Meaning, old: Meaning) -> bool:
        """One meaning's class inherits the other's, through project classes."""
        mine, theirs = class_of(new), class_of(old)
        return bool(mine and theirs) and (theirs in self._ancestors(mine) or mine in self._ancestors(theirs))

    def _ancestors(self, name: str) -> set[str]:
        found, stack = set(), [name]
        while stack:
            for parent in self.graph.parents.get(stack.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    stack.append(parent)
        return found

    def calls(self, new: Meaning, old: Meaning) -> bool:
        """The old branch's function, still there, calls the new branch's own (directly, or by the method's name on
        an object): the check went into a helper the function calls (cfgov-refresh's ``ask_search`` view, whose
        typo correction went into ``AskSearch.suggest``, which the view calls)."""
        callees = self.graph.successors.get(old.function, set())
        return new.function in callees or any(
            new.function in self.graph.successors.get(callee, ()) for callee in callees if callee.startswith("."))

    def reaches(self, new: Meaning, old: Meaning) -> bool:
        living = self._living(old) - self.modules
        bound = self._bound(new)
        if bound is not None and not living <= bound:
            return False
        return bool(living) and self._reach(new).all_of(living)


class _Search:
    """The nodes reachable from ``starts`` (themselves included), found level by level only as far as the
    questions asked need: whether one of some nodes is reached stops at the level of the first, whether all are
    at the level of the last. A key's story asks this of a few dozen branches on a graph of tens of thousands of
    nodes, and many answers come before the whole reach is known (osf.io, with the bound of a finished search:
    the judgement of meanings after one new commit 0.31 to 0.14 s of CPU). Each level is the union of the last
    one's callees less the nodes seen, made in C, and a search that reaches where a finished one started takes
    that one's reach whole: on osf.io, nine searches that each went node by node in Python over the whole graph
    (four of them from the same nodes as another) had cost 0.1 s of CPU."""

    def __init__(self, successors: dict[str, set[str]], starts: Iterable[str], finished: list[_Search]) -> None:
        self.successors = successors
        self.starts = frozenset(starts)
        self.seen = set(starts)
        self.frontier = set(starts)
        """Nodes reached whose callees are still to be taken: empty once the whole reach is known."""
        self.finished = finished
        """The searches on the same graph whose whole reach is known (this one joins them when it is done): once
        this one has reached all the nodes one of them started from, it has reached all that one reached."""
        self.taken: set[_Search] = set()
        """Those of them taken whole."""

    def any_of(self, nodes: set[str]) -> bool:
        return not nodes.isdisjoint(self.seen) or any(True for _ in self._found(nodes))

    def all_of(self, nodes: set[str]) -> bool:
        missing = nodes - self.seen
        for node in self._found(missing):
            missing.discard(node)
            if not missing:
                break
        return not missing

    def _found(self, wanted: set[str]) -> Iterator[str]:
        """The nodes of ``wanted`` newly reached, a level at a time, each level taken whole before any is told
        (so a search left off can go on later); it goes no further than asked."""
        seen, successors = self.seen, self.successors
        while self.frontier:
            level = set().union(*map(successors.get, self.frontier, repeat(_NONE)))
            level -= seen
            seen |= level
            frontier = level
            for other in self.finished:
                if other not in self.taken and other.starts <= seen:
                    self.taken.add(other)
                    known = other.seen - seen
                    seen |= known
                    level = level | known
                    frontier = frontier - other.seen  # their callees are all in it
            self.frontier = frontier
            if not frontier:
                self.finished.append(self)
            yield from level & wanted


_NONE: frozenset[str] = frozenset()


def _replay(events: Sequence[Event], entry: Entry | None, dormant_days: int,
            reach: _Reach | None, subject: frozenset[str], adoption: Adoption | None = None,
            passes: frozenset[str] = frozenset()) -> _Story:
    """The key's story: the meaning flagaudit.lock accepted (if any), then every event in order. Under an
    adoption baseline, the events it covers are replayed first, on their own, so what they did stays
    visible; the lock's meaning joins the story where the baseline is crossed."""
    story = _Story(subject, passes)
    accepted: dict[str, tuple[str, str]] = {}
    if entry is not None:
        born = entry.lives[-1].born if entry.lives else None
        stamp = (born.date.isoformat(), born.commit) if born else ("", "")
        accepted = {m: stamp for m in entry.meaning}
        if adoption is None or not events:
            story.reference = dict(accepted)
        if not events:  # no history: the ledger is the whole story
            retired = entry.lives[-1].retired if entry.lives else None
            if retired is not None:
                story.retired = Event("retired", retired.commit, retired.date.isoformat(), source="ledger")
            else:
                _now_means(story, story.reference, stamp)
    adopted = adoption is None
    for event in events:
        if not adopted and not adoption.covers(event):  # type: ignore[union-attr]
            _adopt(story, accepted)
            adopted = True
        _apply(story, event, dormant_days, reach)
    if not adopted:
        _adopt(story, accepted)
    return story


def _adopt(story: _Story, accepted: dict[str, tuple[str, str]]) -> None:
    """The adoption baseline: what the story found so far is accepted (kept in ``before``), and the key's
    meanings then (and those flagaudit.lock accepted) become what later events are judged against."""
    story.before = _Story(reborn=story.reborn, retired=story.retired, same_again=story.same_again,
                          same_work=story.same_work, out_of_sight=story.out_of_sight, problems=story.problems)
    story.problems, story.reborn = {}, None
    story.reference.update(story.current)
    story.reference.update(accepted)
    story.foreign = {}


def _life_event(story: _Story, event: Event, stamp: tuple[str, str], dormant_days: int, reach: _Reach | None) -> bool:
    """Retirement, rebirth and first sight change the key's life, not its meaning; True when ``event`` was one.
    A rebirth within ``dormant_days`` of the retirement whose judgeable sites each do the work a retired one did,
    or are related to one as a change would be (:func:`related`), is churn (a guard dropped in a refactor and put
    back); after longer, the key's old state may have been changed or deleted by someone who took it for gone, and
    the rebirth blocks whatever it guards."""
    if event.kind == "retired":
        story.retired_life = (frozenset(story.current), frozenset(event.paths))
        story.retired = event
        _now_means(story, (), stamp)
        return True
    if event.kind == "reborn" or (event.kind == "born" and story.retired is not None):
        meanings, paths = story.retired_life
        story.reborn, story.same_again = event, set(event.added) == meanings and (
            bool(meanings) or bool(paths) and set(event.paths) == paths)
        story.out_of_sight = tuple(sorted(set(event.named) | set(story.retired.named))) \
            if story.retired is not None and story.retired.named and event.named else ()
        judged = [came for came in event.added if judgeable(Meaning.parse(came))]
        story.same_work = not story.same_again and bool(judged) and story.retired is not None \
            and _days(story.retired.date, event.date) <= dormant_days \
            and all(any(_does_work_of(came, gone, reach) for gone in meanings)
                    or _related_to(came, dict.fromkeys(meanings, stamp), set(meanings), reach, story.subject)
                    for came in judged)
        _now_means(story, event.added, stamp)
        return True  # FA201 says it; what the new life guards is in its message
    if not story.reference and not story.current and story.retired is None:
        story.reference = {m: stamp for m in event.added}  # first sight of the key: what it means is this
        _now_means(story, event.added, stamp)
        return True
    return False


def _apply(story: _Story, event: Event, dormant_days: int, reach: _Reach | None) -> None:
    stamp = (event.date[:10], event.commit)
    if _life_event(story, event, stamp, dormant_days, reach):
        return
    if event.kind == "born":  # first seen in history, after flagaudit.lock already knew it: judge against it
        _now_means(story, (), stamp)
    edited = {m: story.current[m] for m in event.removed if m in story.current}
    for gone in event.removed:
        _forget(story, gone)
    old = [(m, *story.current[m]) for m in sorted(story.current) if m in story.reference]
    compared = any(judgeable(Meaning.parse(m)) for m in story.reference)
    for came in event.added:
        if _kind_changed(came, story.reference):
            story.problems.setdefault(came, ("FA202", event, tuple(old)))
        elif not compared or not judgeable(Meaning.parse(came)) \
                or _related_to(came, story.reference, set(event.removed), reach, story.subject):
            story.reference[came] = stamp  # nothing judgeable to compare with yet (a template), or related
        else:
            _judge_unrelated(story, came, event, old, edited, dormant_days, reach)
        story.current[came] = stamp
        story.sites[came] += 1
    for m in [m for m in story.current if m in story.reference]:
        if m in event.added:
            story.reference[m] = stamp
    if story.foreign and not any(m in story.reference and Meaning.parse(m).function not in story.passes
                                 for m in story.current):
        for came in story.current:
            if came in story.foreign and came not in story.problems:
                story.problems[came] = ("FA202", event, tuple((m, *w) for m, w in sorted(story.reference.items())))


def _judge_unrelated(story: _Story, came: str, event: Event, old: list[tuple[str, str, str]],
                     edited: dict[str, tuple[str, str]], dormant_days: int, reach: _Reach | None) -> None:
    """A new site unlike the key's first uses: an edited one keeps its earlier form's standing, a copy of a use the
    key has had without a problem is no new use, and anything else is a new use, FA203 where the old ones have
    stood for the dormant window."""
    stamp = (event.date[:10], event.commit)
    if _related_to(came, edited, set(edited), reach, story.subject):
        # the same site edited: it keeps the standing its earlier form had (judged when that form came)
        (story.reference if any(m in story.reference for m in edited) else story.foreign)[came] = stamp
        for problem in (story.problems[m] for m in edited if m in story.problems):
            story.problems.setdefault(came, problem)
        return
    story.foreign[came] = stamp
    if _related_to(came, _standing(story), set(), reach, story.subject):
        return  # what another of its sites has done without a problem: a copy, no new use
    if any(_guards_code(m) for m, _, _ in old) and all(_days(when, event.date) >= dormant_days for _, when, _ in old):
        story.problems.setdefault(came, ("FA203", event, tuple(old)))


def _standing(story: _Story) -> dict[str, tuple[str, str]]:
    """The key's current uses besides the first ones that came without a problem (too soon after those to be
    judged, BODS's visualiser view a month after the extraction): a new site doing what one of them does is a copy
    of a use the key already has, whatever the first ones do."""
    return {m: when for m, when in story.current.items() if m in story.foreign and m not in story.problems}


def _guards_code(text: str) -> bool:
    """Whether a site guards code (a template's, or a branch with names in it), not only hands its value on: Knight's
    shape needs old code behind the key, and a report of a setting's value (ansible/awx's metrics, read beside a
    branch retired long ago) holds none."""
    parsed = Meaning.parse(text)
    return judgeable(parsed) or parsed.function == "<template>"


def _now(story: _Story, flag: Flag, as_of: date, dormant_days: int, reach: _Reach | None) -> None:
    """The working tree as one more step: what the code has now that history has not committed yet."""
    present = {meaning(s.function, s.fingerprint) for s in flag.sites}  # templates too, as history has them
    added = tuple(sorted(present - set(story.current)))
    removed = tuple(sorted(m for m in set(story.current) - present for _ in range(max(story.sites[m], 1))))
    if not (added or removed):
        return
    kind: EventKind = "reborn" if not story.current and story.retired is not None else "changed"
    _apply(story, Event(kind, "", as_of.isoformat(), subject="(not committed)", added=added, removed=removed),
           dormant_days, reach)


def _report(flag: Flag, story: _Story, entry: Entry | None) -> list[Finding]:
    accepted = {(a.code, m) for a in (entry.acknowledged if entry else ()) for m in a.meaning}
    sites = {meaning(s.function, s.fingerprint): s for s in flag.sites}
    findings = []
    if story.reborn is not None and not any("FA201".startswith(code) for code, _ in accepted):
        findings.append(_reborn(flag, story))
    for came, (code, event, old) in sorted(story.problems.items()):
        site = sites.get(came)
        if site is None or any(code.startswith(prefix) and came == m for prefix, m in accepted):
            continue  # gone again, or accepted
        rule = MIXED if code == "FA203" else REPURPOSED
        old_sites = [sites.get(m) for m, _, _ in old]
        if code == "FA203":
            still = [f"{s.path}:{s.line}, unchanged since {w}, still guards {_guarded(s)}"
                     for s, (_, w, _) in zip(old_sites, old, strict=True) if s is not None]
            # an old site changed since (ansible/awx moved its import's check to another method): named as it was
            still = still or [f"{_describe(m)} guarded it (since {w}; changed since)" for m, w, _ in old]
            message = (f"{flag.key!r} [{flag.sdk}] now guards {_guarded(site)} at "
                       f"{site.path}:{site.line}{_when(event)} "
                       f"while {_first(still)}")
        elif _kind_changed(came, dict.fromkeys(m for m, _, _ in old)):
            message = (f"{flag.key!r} [{flag.sdk}] changed between an on/off flag and a multivariate value at "
                       f"{site.path}:{site.line}{_when(event)}, with a new site guarding {_guarded(site)}")
        else:
            was = _first([_describe(m) for m, _, _ in old]) or "its old sites"
            message = (f"{flag.key!r} [{flag.sdk}] now guards {_guarded(site)} at "
                       f"{site.path}:{site.line}{_when(event)}; "
                       f"it used to guard {was}, which is gone")
        evidence = [_event_evidence("changed", event), _guards(site),
                    *(Evidence("site", _describe(m), f"since {w}" + (f", {c[:12]}" if c else "")) for m, w, c in old)]
        findings.append(rule.finding(flag, site.path, site.line, site.column, message,
                                     [e for e in evidence if e is not None]))
    return findings


def _reborn(flag: Flag, story: _Story) -> Finding:
    """FA201 at the first site, or at the definition of a key defined again with no check yet; information only
    when the rebirth brought back exactly what was retired (a revert re-landed), or sites that do the work retired
    ones did."""
    retired, reborn = story.retired, story.reborn
    evidence = [_event_evidence("out of sight" if story.out_of_sight else "retired", retired),
                _event_evidence("reborn", reborn),
                *(_guards(s) for s in flag.sites)]
    if flag.sites:
        where: Site | Definition = flag.sites[0]
        now = f"{where.path}:{where.line} now guards {_guarded(flag.sites[0])}"
        again = "is referenced again"
    else:
        where = next(d for d in flag.definitions if d.action == "define")
        now = f"{where.path}:{where.line} defines it again, with no check yet"
        again = "is defined again"
        evidence.append(Evidence("definition", f"{where.path}:{where.line}", where.rule))
    if story.same_again:
        evidence.append(Evidence("note", "same fingerprint", "the sites that came back are the ones retired"))
        finding = REBORN.finding(flag, where.path, where.line, where.column,
                                 f"{flag.key!r} [{flag.sdk}] was retired{_when(retired)} and came back unchanged"
                                 f"{_when(reborn)} (same fingerprint: a revert re-landed): {now}",
                                 [e for e in evidence if e is not None])
        return replace(finding, severity="info")
    if story.same_work:
        evidence.append(Evidence("note", "same work", "each site that came back does the work of a retired one"))
        finding = REBORN.finding(flag, where.path, where.line, where.column,
                                 f"{flag.key!r} [{flag.sdk}] was retired{_when(retired)} and came back guarding the "
                                 f"same work{_when(reborn)}: {now}", [e for e in evidence if e is not None])
        return replace(finding, severity="info")
    if story.out_of_sight:
        evidence.append(Evidence("note", "out of sight", "still named in " + ", ".join(_few(list(story.out_of_sight)))
                                 + ": reads flagaudit does not follow"))
        finding = REBORN.finding(flag, where.path, where.line, where.column,
                                 f"{flag.key!r} [{flag.sdk}] went out of sight{_when(retired)}, not retired, and "
                                 f"{again}{_when(reborn)}: {now}", [e for e in evidence if e is not None])
        return replace(finding, severity="info")
    return REBORN.finding(flag, where.path, where.line, where.column,
                          f"{flag.key!r} [{flag.sdk}] was retired{_when(retired)} and {again}{_when(reborn)}: {now}",
                          [e for e in evidence if e is not None])


def _does_work_of(came: str, gone: str, reach: _Reach | None) -> bool:
    """Whether a site that came back with a key does the work a retired site of it did: half or more of the
    distinctive names its branch calls in common, or its branch reaches the code the old one guarded. Then the
    old state a server or a flag row may still hold switches the same work, not new behaviour."""
    new, old = Meaning.parse(came), Meaning.parse(gone)
    return same_work(new, old) or bool(reach and reach.reaches(new, old))


def _related_to(text: str, reference: dict[str, tuple[str, str]], removed: set[str],
                reach: _Reach | None, subject: frozenset[str]) -> bool:
    """Related to a reference meaning; by enclosing-function name across modules only if that meaning moved
    away in the same step (a function moved to another module, not two ``Command.handle``)."""
    candidate = Meaning.parse(text)
    behind, reaches, kin, calls = (reach.left_behind, reach.reaches, reach.kin, reach.calls) if reach else (
        None, None, None, None)
    return any(related(candidate, Meaning.parse(m), moved=m in removed, left_behind=behind, reaches=reaches,
                       kin=kin, subject=subject, calls=calls) for m in reference)


def _kind_changed(text: str, reference: Mapping[str, object]) -> bool:
    """An on/off flag whose new site reads a multivariate value (or back)."""
    if not reference:
        return False
    was_value = any(VALUE_MARK in Meaning.parse(m).names for m in reference)
    return (VALUE_MARK in Meaning.parse(text).names) != was_value and all(
        (VALUE_MARK in Meaning.parse(m).names) == was_value for m in reference)


def _now_means(story: _Story, meanings: Iterable[str], stamp: tuple[str, str]) -> None:
    """The key's sites now have ``meanings`` (one per site), all as of ``stamp``."""
    story.sites = Counter(list(meanings))  # a mapping's keys (a Counter of a mapping would take its values)
    story.current = dict.fromkeys(story.sites, stamp)


def _forget(story: _Story, gone: str) -> None:
    """Drop a removed site's meaning, kept while another site has it; after a rename the same site may carry a
    new module prefix."""
    if gone not in story.current:
        removed = Meaning.parse(gone)
        gone = next((candidate for candidate in story.current
                     if (parsed := Meaning.parse(candidate)).function_name == removed.function_name
                     and {n.rsplit(".", 1)[-1] for n in parsed.names} == {n.rsplit(".", 1)[-1] for n in removed.names}),
                    "")
    if gone not in story.current:
        return
    story.sites[gone] -= 1
    if story.sites[gone] <= 0:
        del story.current[gone], story.sites[gone]


def _days(earlier: str, later: str) -> int:
    try:
        return (date.fromisoformat(later[:10]) - date.fromisoformat(earlier[:10])).days
    except ValueError:
        return 0


def _first(items: Sequence[str]) -> str:
    """The first of several old sites or meanings; the evidence lists them all."""
    return items[0] + (f" and {len(items) - 1} more (see the evidence)" if len(items) > 1 else "") if items else ""


def _guarded(site: Site) -> str:
    names = [n.rsplit(".", 1)[-1].lstrip(".") for n in site.fingerprint if not n.startswith("=")]
    return " → ".join([site.function.rsplit(".", 1)[-1], *_few(names)]) if names else site.function.rsplit(".", 1)[-1]


def _describe(text: str) -> str:
    parsed = Meaning.parse(text)
    names = [n.rsplit(".", 1)[-1].lstrip(".") for n in sorted(parsed.names) if not n.startswith("=")]
    return f"{parsed.function} → {', '.join(_few(names))}" if names else parsed.function


def _few(names: list[str]) -> list[str]:
    """Names a branch uses, at most :data:`_NAMES_SHOWN` of them: a message stays one readable line."""
    return names if len(names) <= _NAMES_SHOWN else [*names[:_NAMES_SHOWN], f"… (+{len(names) - _NAMES_SHOWN})"]


def _when(event: Event | None) -> str:
    if event is None:
        return ""
    commit = f", {event.commit[:12]}" if event.commit else ""
    return f" ({event.date[:10]}{commit})" if event.date else ""


def _event_evidence(kind: str, event: Event | None) -> Evidence | None:
    if event is None:
        return None
    detail = " ".join(p for p in (event.date[:10], event.author, event.subject) if p)
    return Evidence("commit" if event.commit else "date", event.commit[:12] or event.date[:10] or kind,
                    f"{kind}: {detail}")


def _guards(site: Site) -> Evidence:
    return Evidence("guards", f"{site.path}:{site.line}", _guarded(site))
