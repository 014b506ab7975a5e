"""The report's content as plain data: which flags to delete, how much code goes with them, and who does it.

Pure: the inventory with every finding (:func:`flagaudit.commands.check.check`), the
timelines (:func:`flagaudit.history.walk.history`), the policies, the owners
(:mod:`flagaudit.report.owners`), the period and "today" in; a
:class:`ReportData` out. Every renderer reads only this, so the HTML, the
Markdown and the JSON say the same thing. Dates are ISO strings, lists are
sorted: the same input gives the same report.
"""

from __future__ import annotations

import re
import shlex
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from flagaudit.facts import Event, Finding, Flag, Inventory, Timeline, first_life, lives_by_key, sdk_moves
from flagaudit.policies import Declared, Policies, declared

QUARTERS_SHOWN = 8
"""Quarters in the born-versus-retired series, the period's last quarter included."""

FlagId = tuple[str, str]
"""(sdk, key)"""
Age = Callable[[Flag], tuple[int | None, str]]
"""A flag -> (days since its current life began, that day), or (None, "") when unknown."""

LIFECYCLE = ("FA101", "FA102", "FA103")
REPURPOSE = ("FA201", "FA202", "FA203")
FLAG_ONLY = "FA302"
READY = ("FA101", "FA102", "FA104", "FA302", "FA402")
"""Findings that say a flag's work is done and it can go: stale, expired, constant, dead code behind it, defined
and never checked. A key with a second meaning (FA201-FA203) needs a new key first, not a deletion."""

AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("< 1 month", 0, 30), ("1-3 months", 31, 90), ("3-6 months", 91, 180), ("6-12 months", 181, 365),
    ("> 1 year", 366, None),
)
UNKNOWN_AGE = "unknown"

OWNER_SOURCES = {
    "annotation": "a `# flagaudit: owner=...` comment or annotation at a site",
    "definition": "the flag's definition (its metadata or the comment above it)",
    "config": "`[tool.flagaudit] flags` in the configuration",
    "CODEOWNERS": "the CODEOWNERS rule matching the flag's site paths (the last matching rule wins)",
    "blame": "the most recent author of the site line (git blame)",
    "none": "nothing: no annotation, no CODEOWNERS rule with owners, no committed line to blame",
}
"""Where an owner can come from, in the order they are tried (``none`` last)."""


# -- the period ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.number}"

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)


def report_period(as_of: date, since: date | None = None, until: date | None = None) -> tuple[date, date]:
    """The period a report covers: by default the last full quarter before ``as_of``.

    ``since`` alone runs to ``as_of``; ``until`` alone starts at the beginning of its quarter.
    """
    if since is None and until is None:
        last = Quarter.of(as_of).previous()
        return last.start, last.end
    if since is None:
        assert until is not None
        since = Quarter.of(until).start
    until = until or as_of
    if since > until:
        raise ValueError(f"the period is empty: --since {since} is after --until {until}")
    return since, until


def period_label(since: date, until: date) -> str:
    """``2026 Q1`` for a whole quarter, ``2026`` for a whole year, else ``2026-01-15 to 2026-03-31``."""
    quarter = Quarter.of(since)
    if since == quarter.start and until == quarter.end:
        return quarter.label
    if since == date(since.year, 1, 1) and until == date(since.year, 12, 31):
        return str(since.year)
    return f"{since.isoformat()} to {until.isoformat()}"


# -- the data ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owner:
    """Who should act on a flag, and where that came from (see :data:`OWNER_SOURCES`)."""

    name: str = ""
    """``@team``, ``@team @person``, a person's name from git blame; empty when nobody was found."""
    source: str = "none"
    detail: str = ""
    """Where exactly: ``app/flags.py:12``, ``.github/CODEOWNERS:4 (/app/payments/)``,
    ``app/x.py:9 (a1b2c3d4e5f6, 2026-01-05)``."""


@dataclass(frozen=True)
class Period:
    since: str
    until: str
    label: str


@dataclass(frozen=True)
class HistorySummary:
    commits: int = 0
    head: str = ""
    first: str = ""
    partial: bool = False


@dataclass(frozen=True)
class Headline:
    """The numbers a lead reads first; flag counts unless the name says otherwise."""

    live: int = 0
    born: int = 0
    """Lives begun in the period: born and reborn events."""
    retired: int = 0
    stale: int = 0
    stale_guessed: int = 0
    """Of ``stale``, the flags whose type is only guessed, for an SDK whose flags are as often lasting settings as
    rollouts (their FA101 is information: ``guessed-type-info``)."""
    expired: int = 0
    dormant: int = 0
    repurposed: int = 0
    """Flags with a reborn, repurposed or mixed-meaning finding (FA201-FA203) that is not information only (a
    revert re-landed unchanged is listed among the repurposed keys, not counted as a risk)."""
    removable_lines: int = 0
    """Lines of functions reachable only through a dead flag branch (FA302)."""
    constant: int = 0
    unreachable: int = 0
    unknown: int = 0
    unused: int = 0


@dataclass(frozen=True)
class QuarterRow:
    label: str
    start: str
    end: str
    born: int
    retired: int
    live: int
    """Keys live at the quarter's end."""
    in_period: bool


@dataclass(frozen=True)
class AgeRow:
    bucket: str
    counts: tuple[tuple[str, int], ...]
    """Flag type -> live flags of that type in this bucket, in :attr:`Ages.types` order."""

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


@dataclass(frozen=True)
class Ages:
    types: tuple[str, ...] = ()
    rows: tuple[AgeRow, ...] = ()
    median_days: int | None = None
    oldest: tuple[str, int] | None = None
    """(key, days) of the oldest live flag."""


@dataclass(frozen=True)
class FlagRow:
    """A stale, expired or dormant flag, with what to do about it."""

    key: str
    sdk: str
    type: str
    age_days: int | None
    born: str
    owner: Owner
    sites: int
    last_change: str
    last_change_by: str
    codes: tuple[str, ...]
    reasons: tuple[str, ...]
    """Short texts: ``stale (limit 40 d)``, ``expired 2026-03-31``, ``dormant 737 d``."""
    action: str
    where: str


@dataclass(frozen=True)
class FindingRow:
    """One finding as a report row: repurpose risks, and the other cleanup findings."""

    code: str
    name: str
    severity: str
    key: str
    sdk: str
    where: str
    message: str
    owner: Owner
    date: str
    """When it happened, where the evidence dates it (the commit that brought the new meaning)."""
    action: str


@dataclass(frozen=True)
class DeadFunction:
    name: str
    where: str
    lines: int


@dataclass(frozen=True)
class FlagOnlyRow:
    key: str
    sdk: str
    where: str
    value: str
    """What the flag is fixed to: ``on``, ``off`` or empty when unknown."""
    dead_branch: str
    reason: str
    functions: tuple[DeadFunction, ...]
    lines: int
    owner: Owner


@dataclass(frozen=True)
class Preview:
    """What ``flagaudit remove KEY --as VALUE`` would do, as its planner worked it out (nothing written)."""

    value: str
    """``on`` or ``off``: the branch kept."""
    lines: int
    """Lines the cleanup deletes."""
    files: int
    refused: tuple[str, ...] = ()
    """``path:line: why`` for each place that makes the key unsafe to remove; empty when it can go."""


@dataclass(frozen=True)
class ReadyRow:
    """A flag ready to remove, with the command that removes it and what the command would delete."""

    key: str
    value: str
    """What the flag is fixed to (``on``/``off``, from FA104 or FA302); empty when the report does not know."""
    labels: tuple[str, ...]
    owner: Owner
    where: str
    command: str
    """``flagaudit remove KEY --as on``; ``--as on|off`` when the value is unknown."""
    previews: tuple[Preview, ...]
    """One per value the command may take: the known one, or ``on`` then ``off``."""


@dataclass(frozen=True)
class QueueItem:
    key: str
    sdk: str
    priority: int
    """0 (repurpose risk: first) to 5 (dormant only)."""
    labels: tuple[str, ...]
    action: str
    age_days: int | None
    lines: int
    where: str


@dataclass(frozen=True)
class OwnerQueue:
    owner: str
    """Empty for flags nobody owns."""
    sources: tuple[str, ...]
    items: tuple[QueueItem, ...]

    @property
    def lines(self) -> int:
        return sum(i.lines for i in self.items)


@dataclass(frozen=True)
class ReportData:
    project: str
    as_of: str
    period: Period
    history: HistorySummary
    headline: Headline
    quarters: tuple[QuarterRow, ...]
    ages: Ages
    lifecycle: tuple[FlagRow, ...]
    repurposed: tuple[FindingRow, ...]
    flag_only: tuple[FlagOnlyRow, ...]
    other: tuple[FindingRow, ...]
    queues: tuple[OwnerQueue, ...]
    ready: tuple[ReadyRow, ...] = ()
    notes: tuple[str, ...] = ()
    version: str = ""


# -- building it ---------------------------------------------------------------------------------------------


def needs_owner(inventory: Inventory) -> list[Flag]:
    """The flags the report names an owner for: those with a finding, in inventory order."""
    named = {(f.sdk, f.flag) for f in inventory.findings if f.flag is not None}
    return [f for f in inventory.flags if f.key is not None and (f.sdk, f.key) in named]


def _acted_on(found: Iterable[Finding]) -> set[str]:
    """The codes of the findings an owner has to act on: all but a second meaning that is information only (a
    revert re-landed unchanged, FA201 with the same fingerprint), which the report lists and never counts."""
    return {f.code for f in found if not (f.code in REPURPOSE and f.severity == "info")}


def ready_to_remove(inventory: Inventory) -> list[tuple[str, bool | None]]:
    """The keys whose findings say they can go (:data:`READY`, and no second meaning), each with the value it is
    fixed to when a finding says so (``None``: unknown), sorted by key: what the report plans removals for."""
    codes: dict[str, set[str]] = {}
    values: dict[str, set[bool]] = {}
    for finding in inventory.findings:
        if finding.flag is None:
            continue
        codes.setdefault(finding.flag, set()).update(_acted_on([finding]))
        fixed = _FIXED.search(finding.message) if finding.code in ("FA104", FLAG_ONLY) else None
        if fixed:
            values.setdefault(finding.flag, set()).add(fixed.group(1) == "on")
    ready = []
    for key, found in sorted(codes.items()):
        if found & set(READY) and not found & set(REPURPOSE):
            known = values.get(key, set())
            ready.append((key, next(iter(known)) if len(known) == 1 else None))
    return ready


_FIXED = re.compile(r"is (?:fixed|always) (on|off)\b")


def remove_command(key: str, value: bool | None) -> str:
    """The command line that removes ``key``, quoted for a POSIX shell."""
    chosen = "on|off" if value is None else "on" if value else "off"
    if key.startswith("-"):  # would read as an option
        return f"flagaudit remove --as {chosen} -- {shlex.quote(key)}"
    return f"flagaudit remove {shlex.quote(key)} --as {chosen}"


def build_report(inventory: Inventory, timelines: Iterable[Timeline], policies: Policies,
                 owners: Mapping[FlagId, Owner], since: date, until: date, as_of: date, *, project: str,
                 history: HistorySummary = HistorySummary(), notes: Iterable[str] = (),
                 version: str = "", previews: Mapping[str, tuple[Preview, ...]] | None = None) -> ReportData:
    """Everything the report shows, from the gate's inventory and the timelines; ``previews`` holds, per key
    :func:`ready_to_remove` lists, what its removal would do (the command layer runs the planner)."""
    stories = {(t.sdk, t.key): t for t in timelines}
    flags = {(f.sdk, f.key): f for f in inventory.flags if f.key is not None}
    live = [f for f in inventory.flags if is_live(f)]
    by_flag: dict[FlagId, list[Finding]] = {}
    for finding in inventory.findings:
        if finding.flag is not None and finding.sdk is not None:
            by_flag.setdefault((finding.sdk, finding.flag), []).append(finding)

    def owner(identity: FlagId) -> Owner:
        return owners.get(identity, Owner())

    by_key = lives_by_key(stories)

    def began(flag: Flag) -> Event | None:  # as FA101 tells it: the first life, across SDK moves
        story = stories.get((flag.sdk, flag.key or ""))
        return first_life(story, by_key)[0]

    def declare(flag: Flag) -> Declared:
        return declared(flag, policies, began(flag))

    def age(flag: Flag) -> tuple[int | None, str]:
        start = began(flag)
        if start is not None:
            day = _day(start.date)
        else:
            created = declare(flag).created
            if created is None:
                return None, ""
            day = created[0]
        return max(0, (as_of - day).days), day.isoformat()  # an --as-of before the flag was born: age 0

    flag_only = tuple(sorted((_flag_only_row(f, owner((f.sdk or "", f.flag or "")))
                              for f in inventory.findings if f.code == FLAG_ONLY and f.flag is not None),
                             key=lambda r: (-r.lines, r.key, r.sdk, r.where)))
    lines = Counter[FlagId]()
    for row in flag_only:
        lines[(row.sdk, row.key)] += row.lines

    lifecycle_rows = []
    for identity, found in sorted(by_flag.items()):
        codes = sorted(_acted_on(found))
        flag = flags.get(identity)
        if flag is None or not set(codes) & set(LIFECYCLE):
            continue
        days, born = age(flag)
        story = stories.get(identity)
        last = story.last_change if story is not None and story.live else None
        info = declare(flag)
        lifecycle_rows.append(FlagRow(
            key=identity[1], sdk=identity[0], type=info.type, age_days=days, born=born, owner=owner(identity),
            sites=len(flag.sites), last_change=last.date[:10] if last else "",
            last_change_by=_person(last.author) if last else "", codes=tuple(codes),
            reasons=tuple(_reason(f, days, policies.max_age.get(info.type)) for f in sorted(found, key=_code)
                          if f.code in LIFECYCLE),
            action=_action(codes, info.type, lines[identity], len(flag.sites), _guessed(found)),
            where=_where(found),
        ))
    lifecycle_rows.sort(key=lambda r: (-(r.age_days if r.age_days is not None else -1), r.key, r.sdk))

    repurposed = (*(_finding_row(f, owner((f.sdk or "", f.flag or ""))) for f in inventory.findings
                    if f.code in REPURPOSE),
                  *(replace(_finding_row(f, owner((f.sdk or "", f.flag or ""))), action=BASELINE_ACTION)
                    for f in inventory.baseline if f.code in REPURPOSE))
    other = tuple(_finding_row(f, owner((f.sdk or "", f.flag or ""))) for f in inventory.findings
                  if f.code not in REPURPOSE and f.code not in LIFECYCLE and f.code != FLAG_ONLY)

    def flagged(codes: tuple[str, ...]) -> int:
        return sum(1 for found in by_flag.values() if _acted_on(found) & set(codes))

    moved = sdk_moves(stories.values())
    events = [(e.kind, _day(e.date)) for t in stories.values() for e in t.events if (t.key, e.commit) not in moved]
    headline = Headline(
        live=len(live),
        born=sum(1 for kind, day in events if kind in ("born", "reborn") and since <= day <= until),
        retired=sum(1 for kind, day in events if kind == "retired" and since <= day <= until),
        stale=flagged(("FA101",)), expired=flagged(("FA102",)), dormant=flagged(("FA103",)),
        stale_guessed=sum(1 for found in by_flag.values() if "FA101" in _acted_on(found) and _guessed(found)),
        repurposed=flagged(REPURPOSE), removable_lines=sum(r.lines for r in flag_only),
        constant=flagged(("FA104",)), unreachable=flagged(("FA301",)), unknown=flagged(("FA401",)),
        unused=flagged(("FA402",)),
    )
    return ReportData(
        project=project, as_of=as_of.isoformat(),
        period=Period(since.isoformat(), until.isoformat(), period_label(since, until)),
        history=history, headline=headline,
        quarters=_quarters(stories.values(), since, until),
        ages=_ages(live, age, declare, policies),
        lifecycle=tuple(lifecycle_rows), repurposed=repurposed, flag_only=flag_only, other=other,
        queues=_queues(by_flag, flags, owner, age, declare, lines),
        ready=_ready(inventory, by_flag, owner, previews or {}),
        notes=tuple(notes), version=version,
    )


BASELINE_ACTION = "None: it happened before the adoption baseline in flagaudit.lock, which accepted it"
"""The action for a repurpose the adoption baseline accepted: listed, so history stays visible, never blocking."""


def is_live(flag: Flag) -> bool:
    """A live flag, counted the way history counts one (and so the quarterly chart): a key with a site
    outside tests, or a definition (test files define nothing) that no data migration deletes."""
    if flag.key is None or flag.pattern:
        return False
    return bool(flag.sites) or (bool(flag.definitions) and all(d.action != "delete" for d in flag.definitions))


def _ready(inventory: Inventory, by_flag: dict[FlagId, list[Finding]], owner: Callable[[FlagId], Owner],
           previews: Mapping[str, tuple[Preview, ...]]) -> tuple[ReadyRow, ...]:
    rows = []
    for key, value in ready_to_remove(inventory):
        identities = sorted(identity for identity in by_flag if identity[1] == key)
        found = [f for identity in identities for f in by_flag[identity]]
        codes = {f.code for f in found}
        labels = tuple(label for group, _, label in _PRIORITIES if codes & set(group))
        rows.append(ReadyRow(key, "" if value is None else "on" if value else "off", labels, owner(identities[0]),
                             _where(found), remove_command(key, value), previews.get(key, ())))
    return tuple(sorted(rows, key=lambda r: (-max((p.lines for p in r.previews if not p.refused), default=-1),
                                             r.key)))


def _quarters(timelines: Iterable[Timeline], since: date, until: date) -> tuple[QuarterRow, ...]:
    last = Quarter.of(until)
    quarters = [last]
    while len(quarters) < QUARTERS_SHOWN:
        quarters.insert(0, quarters[0].previous())
    told = list(timelines)
    moved = sdk_moves(told)
    stories = [[(e.kind, _day(e.date)) for e in t.events] for t in told]
    changes = [[(e.kind, _day(e.date)) for e in t.events if (t.key, e.commit) not in moved] for t in told]
    rows = []
    for quarter in quarters:
        start, end = quarter.start, quarter.end
        within = [kind for events in changes for kind, day in events if start <= day <= end]
        live = 0
        for events in stories:
            before = [kind for kind, day in events if day <= end and kind in ("born", "reborn", "retired")]
            live += bool(before) and before[-1] != "retired"
        rows.append(QuarterRow(quarter.label, start.isoformat(), end.isoformat(),
                               born=sum(1 for k in within if k in ("born", "reborn")),
                               retired=sum(1 for k in within if k == "retired"), live=live,
                               in_period=start <= until and end >= since))
    return tuple(rows)


def _ages(live: list[Flag], age: Age, declare: Callable[[Flag], Declared], policies: Policies) -> Ages:
    measured: list[tuple[str, int | None, str]] = []
    for flag in live:
        days, _ = age(flag)
        measured.append((declare(flag).type, days, flag.key or ""))
    known_types = list(policies.max_age)
    types = tuple(sorted({t for t, _, _ in measured}, key=lambda t: (known_types.index(t) if t in known_types
                                                                     else len(known_types), t)))
    rows = []
    for label, low, high in AGE_BUCKETS:
        counts = Counter(t for t, days, _ in measured if days is not None and low <= days <= (high or days))
        rows.append(AgeRow(label, tuple((t, counts[t]) for t in types)))
    unknown = Counter(t for t, days, _ in measured if days is None)
    if unknown:
        rows.append(AgeRow(UNKNOWN_AGE, tuple((t, unknown[t]) for t in types)))
    ages = sorted(days for _, days, _ in measured if days is not None)
    oldest = max(((days, key) for _, days, key in measured if days is not None), key=lambda x: (x[0], x[1]),
                 default=None)
    return Ages(types, tuple(rows), ages[(len(ages) - 1) // 2] if ages else None,
                (oldest[1], oldest[0]) if oldest else None)


_PRIORITIES: tuple[tuple[tuple[str, ...], int, str], ...] = (
    (("FA201",), 0, "reborn key"), (("FA202",), 0, "repurposed"), (("FA203",), 0, "mixed meaning"),
    (("FA102",), 1, "expired"), (("FA302",), 2, "flag-only code"), (("FA104",), 2, "constant"),
    (("FA101",), 3, "stale"), (("FA301",), 4, "unreachable"), (("FA402",), 4, "unused"),
    (("FA401",), 4, "unknown key"), (("FA103",), 5, "dormant"),
)


def _queues(by_flag: dict[FlagId, list[Finding]], flags: dict[FlagId, Flag], owner: Callable[[FlagId], Owner],
            age: Age, declare: Callable[[Flag], Declared], lines: Counter[FlagId]) -> tuple[OwnerQueue, ...]:
    """Each owner's flags to act on, most pressing first; owners with the most work first, nobody's last."""
    grouped: dict[str, list[tuple[QueueItem, str]]] = {}
    for identity, found in by_flag.items():
        codes = _acted_on(found)
        matched = [(priority, label) for group, priority, label in _PRIORITIES if codes & set(group)]
        if not matched:
            continue
        flag = flags.get(identity)
        days = age(flag)[0] if flag is not None else None
        who = owner(identity)
        info_type = declare(flag).type if flag is not None else ""
        item = QueueItem(identity[1], identity[0], min(p for p, _ in matched), tuple(label for _, label in matched),
                         _action(sorted(codes), info_type, lines[identity], len(flag.sites) if flag else 0,
                                 _guessed(found)),
                         days, lines[identity], _where(found))
        grouped.setdefault(who.name, []).append((item, who.source))
    queues = [OwnerQueue(name, tuple(sorted({source for _, source in items})),
                         tuple(sorted((i for i, _ in items), key=lambda i: (i.priority, -(i.age_days or -1), i.key,
                                                                            i.sdk))))
              for name, items in grouped.items()]
    return tuple(sorted(queues, key=lambda q: (not q.owner, -len(q.items), -q.lines, q.owner)))


def _guessed(found: list[Finding]) -> bool:
    """Whether the flag's FA101 rests on a type nothing declares, for an SDK whose flags are as often lasting
    settings as rollouts: the finding is information then (``guessed-type-info``)."""
    return any(f.code == "FA101" and f.severity == "info" for f in found)


def _action(codes: list[str], flag_type: str, lines: int, sites: int, guessed: bool) -> str:
    """What the owner should do, most pressing first; ``guessed``: FA101 rests on a type nothing declares, for an
    SDK whose flags are as often lasting settings as rollouts (it is information)."""
    if "FA201" in codes or "FA202" in codes:
        return "Move the new code to a new key; check that no deployment still runs the old code"
    if "FA203" in codes:
        return "Delete the dormant old code, or move the new code to a new key"
    if "FA302" in codes:
        return f"Delete the check, its dead branch and {lines} lines of flag-only code"
    if "FA104" in codes:
        return "Inline the fixed value and delete the dead branch"
    if "FA402" in codes and not sites:
        return "Delete the unused definition"
    if "FA301" in codes:
        return "Delete the unreachable check and the code around it"
    if "FA401" in codes:
        return "Fix the key (a typo is a flag that is always off) or define it"
    if "FA102" in codes:
        return "Past its removal date: remove it, or move the date with a reason"
    if "FA101" in codes:
        if guessed:
            return "Declare its type: `type=permission` for a setting that stays; else finish the rollout and delete it"
        if flag_type == "experiment":
            return "Conclude the experiment: keep the winner, delete the flag and the losing branch"
        if flag_type == "operational":
            return "Remove it, or declare `type=kill-switch` if it must stay"
        return "Roll out fully, then delete the flag and its off-branch"
    if "FA103" in codes:
        return "Untouched for months: make the behaviour permanent, or delete the branch"
    return "Review"


def _reason(finding: Finding, days: int | None, limit: int | None) -> str:
    """``stale (limit 40 d)``, ``expired 2026-03-31``, ``dormant 226 d``: the age itself has its own column."""
    if finding.code == "FA101":
        guessed = " if a rollout" if finding.severity == "info" else ""  # its type is a guess (guessed-type-info)
        return f"stale{guessed} (limit {limit} d)" if limit else f"stale{guessed}"
    if finding.code == "FA102":
        deadline = next((e.value for e in finding.evidence if e.kind == "date"), "")
        return f"expired {deadline}".strip()
    idle = re.search(r"for (\d+) days", finding.message)
    return f"dormant {idle.group(1)} d" if idle else "dormant"


def _finding_row(finding: Finding, owner: Owner) -> FindingRow:
    when = ""
    for item in finding.evidence:
        found = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", item.detail) if item.kind == "commit" else None
        if item.kind == "date":
            when = item.value[:10]
        elif found:
            when = found.group(1)
    return FindingRow(finding.code, finding.name, finding.severity, finding.flag or "", finding.sdk or "",
                      f"{finding.path}:{finding.line}", finding.message, owner, when,
                      _action([finding.code], "", 0, 1, _guessed([finding])))


_CALLED = re.compile(r"^(?P<where>.+:\d+), (?P<lines>\d+) lines?$")


def _flag_only_row(finding: Finding, owner: Owner) -> FlagOnlyRow:
    functions = []
    for item in finding.evidence:
        match = _CALLED.match(item.detail) if item.kind == "call-path" else None
        if match:
            functions.append(DeadFunction(item.value, match["where"], int(match["lines"])))
    fixed = re.search(r"is fixed (on|off) \((.*?)\), so its (on|off)-branch", finding.message)
    return FlagOnlyRow(finding.flag or "", finding.sdk or "", f"{finding.path}:{finding.line}",
                       fixed.group(1) if fixed else "", fixed.group(3) if fixed else "",
                       fixed.group(2) if fixed else "", tuple(sorted(functions, key=lambda f: (f.where, f.name))),
                       sum(f.lines for f in functions), owner)


def _where(found: list[Finding]) -> str:
    first = min(found, key=Finding.sort_key)
    return f"{first.path}:{first.line}"


def _code(finding: Finding) -> str:
    return finding.code


def _person(author: str) -> str:
    """``Ada Lovelace <ada@example.com>`` -> ``Ada Lovelace``."""
    return author.split(" <")[0].strip() or author


def _day(text: str) -> date:
    return date.fromisoformat(text[:10])
