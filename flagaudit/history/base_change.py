"""What a change since ``--base`` did to each flag: added, changed, retired or reborn. Pure: data in, data out.

The gate blocks only on flags listed here, and ``--format markdown`` shows them as a pull request's
summary, so the two always agree on what the change touched. A flag is touched when one of the
change's commits made an event in its timeline, or when the working tree differs from what history
last committed (a pre-commit run, or a CI job that edits files before checking).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from flagaudit.facts import ChangeStatus, Event, Flag, FlagChange, Timeline
from flagaudit.meaning import meaning


def flag_changes(timelines: Iterable[Timeline], commits: frozenset[str],
                 flags: Iterable[Flag]) -> tuple[FlagChange, ...]:
    """Every flag ``commits`` or the working tree touched, sorted by key and SDK."""
    stories = {(t.sdk, t.key): t for t in timelines}
    now = {(f.sdk, f.key): f for f in flags if f.key is not None}
    found = (_change(sdk, key, stories.get((sdk, key)), now.get((sdk, key)), commits)
             for sdk, key in sorted(stories.keys() | now.keys(), key=lambda ident: (ident[1], ident[0])))
    return tuple(change for change in found if change is not None)


def _change(sdk: str, key: str, story: Timeline | None, flag: Flag | None,
            commits: frozenset[str]) -> FlagChange | None:
    events = story.events if story else ()
    before = Timeline(key, sdk, tuple(e for e in events if e.commit not in commits))
    during = [e for e in events if e.commit in commits]
    present = flag is not None and _present(flag)
    if flag is not None and present:
        differs = story is None or not story.live or _uncommitted(flag, story)
        locations = (*(f"{s.path}:{s.line}" for s in flag.sites), *(f"{d.path}:{d.line}" for d in flag.definitions))
    else:
        differs, locations = story is not None and story.live, ()
    if not (during or differs):
        return None
    paths = tuple(sorted({p for e in during for p in e.paths}))
    return FlagChange(key, sdk, _status(present, before, during), locations, paths,
                      tuple(dict.fromkeys(e.commit for e in during)))


def _status(present: bool, before: Timeline, during: list[Event]) -> ChangeStatus:
    """Relative to the base: gone now, back after a retirement (then or during the change), live then, or new."""
    if not present:
        return "retired"
    if any(e.kind == "reborn" for e in during) or (before.born is not None and not before.live):
        return "reborn"
    return "changed" if before.live else "added"


def _uncommitted(flag: Flag, story: Timeline) -> bool:
    """Whether the working tree's sites of ``flag`` differ from what history last committed."""
    present = {meaning(s.function, s.fingerprint) for s in flag.sites}  # templates too, as history has them
    return present != _committed(story.events)


def _committed(events: Sequence[Event]) -> set[str]:
    """The meanings of a key's sites after its last committed event. Counted site by site: several sites share a
    meaning (each ``{% flag %}`` of a template), which stays while one of them does."""
    current: Counter[str] = Counter()
    for event in events:
        current = Counter() if event.kind == "retired" else current - Counter(event.removed) + Counter(event.added)
    return set(current)


def _present(flag: Flag) -> bool:
    """As history sees a key: a non-test site, or a definition no data migration deletes."""
    return bool(flag.sites) or (bool(flag.definitions) and all(d.action != "delete" for d in flag.definitions))

