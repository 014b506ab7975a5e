"""FA204 skewed-meaning: a key that means one thing on one running version and another on a second.

Pure: the flags of each compared version (and its call graph) in, a verdict per key and pair, and findings
out. The gate judges one history; this judges versions that run side by side (a canary beside the fleet,
a region that missed a deploy, a mobile client months old). Knight Capital needed both halves: a reused
key, and one server of eight still running the code it used to switch.

Meanings are compared as the gate compares them (:func:`flagaudit.meaning.related`), with one change: the
same enclosing function ties two meanings only when the newer branch still reaches, through the newer
version's call graph, something the older branch called. Between two releases nothing says a function was
moved in the same step, and a dispatcher that kept its name while its branch was given other work (Power
Peg's ``route_order``) is exactly the case to catch. The key's own words (rule 7 of docs/meaning.md) are not
passed: that rule yields when the old branch's work still lives, and on the older version it always does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from itertools import combinations
from typing import TYPE_CHECKING

from flagaudit.checks import FindingRule, project
from flagaudit.checks.repurposed import _INIT, _PEG, _RLP, _describe, _guarded, _kind_changed
from flagaudit.facts import Evidence, Finding, Flag, Site
from flagaudit.meaning import Meaning, judgeable, meaning, related

if TYPE_CHECKING:
    from flagaudit.model.callgraph import CallGraph

SKEWED = FindingRule(
    "FA204", "skewed-meaning", "error",
    "A key is live on two compared versions (two deployed releases, a canary and the fleet, HEAD and what "
    "runs in production) and guards unrelated code on each: switching it does different things on "
    "different machines.",
    "An accepted change of meaning is safe only once no old version runs anywhere. Until then one flag flip "
    "wakes the old code on the servers that still run it: Knight Capital's eighth server.",
    "Do not switch the key until every version that reads it shares one meaning: finish the rollout (or "
    "roll the old version back out of service) first, or give the new behaviour a new key.",
    fires=(project({}, ("2026-01-05", {**_INIT, "router/peg.py": _PEG}),
                   ("2026-03-02", {"router/peg.py": None, "router/rlp.py": _RLP}), versions=(0, 1)),),
    silent=(project({}, ("2026-01-05", {**_INIT, "router/peg.py": _PEG}),
                    ("2026-03-02", {"router/peg.py": None, "router/routing.py": _PEG}), versions=(0, 1)),),
)
RULES = (SKEWED,)

STATUSES = ("same", "changed", "only-in-a", "only-in-b", "reborn")
"""A key's verdict for one pair of versions: ``reborn`` means retired and referenced again between them."""


@dataclass(frozen=True)
class Version:
    """One compared version: the refs and labels that name it, its commit, and what its code holds."""

    labels: tuple[str, ...]
    """Server labels from ``--deployed`` and refs given on the command line that resolved to this commit."""
    refs: tuple[str, ...]
    """The refs that named it (``v4.12.0``), in the order first given."""
    commit: str
    flags: tuple[Flag, ...]

    @property
    def name(self) -> str:
        """``server-1, server-2 and 5 more (v2, 1c5a27fb2780)``: who runs it, and which code that is."""
        shown = ", ".join(self.labels[:2]) + (f" and {len(self.labels) - 2} more" if len(self.labels) > 2 else "")
        refs = [r for r in self.refs if r not in self.labels[:2]]
        return f"{shown} ({', '.join([*refs[:2], self.commit[:12]])})"


@dataclass(frozen=True)
class KeyVerdict:
    """One key on one pair of versions."""

    key: str
    sdk: str
    a: str
    """The older version's commit (the first in the order given)."""
    b: str
    status: str
    sites_a: tuple[str, ...] = ()
    """``path:line`` of the key's non-test sites on ``a``."""
    sites_b: tuple[str, ...] = ()
    guards_a: tuple[str, ...] = ()
    """What each meaning on ``a`` guards, for people: ``route_order → send_child_order``."""
    guards_b: tuple[str, ...] = ()
    foreign: tuple[str, ...] = ()
    """The meanings (either side) unrelated to everything on the other side: why it is ``changed``."""


Reborn = Callable[[tuple[str, str], Version, Version], bool]
"""Whether a key was retired and referenced again between two versions (from history or the ledger)."""
Graph = Callable[[Version], "CallGraph | None"]
"""A version's call graph, built only when two meanings share an enclosing function and nothing else."""


def compare_versions(versions: Iterable[Version], reborn: Reborn, graph: Graph,
                     key: str | None = None) -> tuple[list[KeyVerdict], list[Finding]]:
    """Every key live on any version, judged for every pair; FA204 for each key and pair whose meanings differ.

    ``versions`` come oldest first, so a finding points at the key's site on the newer version of the pair
    (the code about to run, where an inline ``# flagaudit: ignore[FA204] reason`` belongs).
    """
    verdicts: list[KeyVerdict] = []
    findings: list[Finding] = []
    for old, new in combinations(tuple(versions), 2):
        flags_a, flags_b = _live(old.flags, key), _live(new.flags, key)
        reaches = _Reaches(partial(graph, new))
        for identity in sorted(flags_a.keys() | flags_b.keys()):
            flag_a, flag_b = flags_a.get(identity), flags_b.get(identity)
            verdict = _judge(identity, old, new, flag_a, flag_b, reborn, reaches)
            verdicts.append(verdict)
            if verdict.foreign and flag_a is not None and flag_b is not None:
                findings.append(_finding(verdict, old, new, flag_a, flag_b))
    return verdicts, findings


def _live(flags: Iterable[Flag], key: str | None) -> dict[tuple[str, str], Flag]:
    """Keys with a site outside tests: a key only defined, or only read by tests, switches nothing."""
    return {(f.sdk, f.key): f for f in flags
            if f.key is not None and not f.pattern and f.sites and key in (None, f.key)}


def _judge(identity: tuple[str, str], old: Version, new: Version, flag_a: Flag | None, flag_b: Flag | None,
           reborn: Reborn, reaches: _Reaches) -> KeyVerdict:
    sdk, key = identity
    base = KeyVerdict(key, sdk, old.commit, new.commit, "same",
                      _where(flag_a), _where(flag_b), _guards(flag_a), _guards(flag_b))
    if flag_a is None or flag_b is None:
        status = "only-in-b" if flag_a is None else "only-in-a"
        return KeyVerdict(**{**base.__dict__, "status": status})
    meanings_a, meanings_b = _meanings(flag_a), _meanings(flag_b)
    foreign = sorted({*(m for m in meanings_b if _foreign(m, meanings_a, reaches)),
                      *(m for m in meanings_a if _foreign(m, meanings_b, reaches))})
    status = "reborn" if reborn(identity, old, new) else "changed" if foreign else "same"
    return KeyVerdict(**{**base.__dict__, "status": status, "foreign": tuple(foreign)})


def _meanings(flag: Flag) -> set[str]:
    return {meaning(s.function, s.fingerprint) for s in flag.sites if s.precision == "syntax"}


def _foreign(text: str, others: set[str], reaches: _Reaches) -> bool:
    """Unrelated to every meaning on the other side, or a switch between on/off and a multivariate value."""
    if text in others:
        return False
    if _kind_changed(text, {m: ("", "") for m in others}):
        return True
    parsed = Meaning.parse(text)
    if not judgeable(parsed):
        return False
    return not any(related(parsed, Meaning.parse(m), moved=False, left_behind=reaches.unreached) for m in others)


class _Reaches:
    """Whether one branch reaches, through the newer version's call graph, a name the other branch calls."""

    def __init__(self, build: Callable[[], CallGraph | None]) -> None:
        self.build = build
        self.graph: CallGraph | None = None
        self.built = False

    def unreached(self, one: Meaning, other: Meaning) -> bool:
        if not self.built:
            self.graph, self.built = self.build(), True
        if self.graph is None:
            return False  # no graph: the same function ties, as the gate would
        nodes = self.graph.successors
        wanted = {n for n in other.names if not n.startswith((".", "<", "="))}
        if wanted & one.names:
            return False
        starts = {n for n in one.names if n in nodes}
        return wanted.isdisjoint(starts | self.graph.descendants(starts))


def _where(flag: Flag | None) -> tuple[str, ...]:
    return tuple(f"{s.path}:{s.line}" for s in flag.sites) if flag else ()


def _guards(flag: Flag | None) -> tuple[str, ...]:
    return tuple(sorted({_guarded(s) for s in flag.sites})) if flag else ()


def _finding(verdict: KeyVerdict, old: Version, new: Version, flag_a: Flag, flag_b: Flag) -> Finding:
    site = _first(flag_b, verdict.foreign) or flag_b.sites[0]
    was = "; ".join(_describe(m) for m in sorted(_meanings(flag_a))) or "nothing we can see"
    now = "; ".join(_describe(m) for m in sorted(_meanings(flag_b))) or "nothing we can see"
    message = f"{verdict.key!r} [{verdict.sdk}] means one thing on {old.name} and another on {new.name}"
    evidence = [
        Evidence("version", old.name, f"guards {was}"),
        Evidence("version", new.name, f"guards {now}"),
        *(Evidence("site", f"{old.commit[:12]}:{s.path}:{s.line}", _guarded(s)) for s in flag_a.sites),
        *(Evidence("site", f"{new.commit[:12]}:{s.path}:{s.line}", _guarded(s)) for s in flag_b.sites),
    ]
    return SKEWED.finding(flag_b, site.path, site.line, site.column, message, evidence)


def _first(flag: Flag, foreign: tuple[str, ...]) -> Site | None:
    """The site whose meaning is foreign, so the finding points at the new code rather than a shared site."""
    return next((s for s in flag.sites if meaning(s.function, s.fingerprint) in foreign), None)
