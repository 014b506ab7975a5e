"""flagaudit.lock: every key the project has used, its lives, its accepted meaning and acknowledgements.

The ledger is written by ``flagaudit ledger`` and committed. It keeps a key's
story where git history cannot tell it (shallow CI clones, squashed or
rewritten history, pre-commit), so a retired key stays retired for good, and
it makes a change of meaning visible in review as a diff of this file.

It is TOML, written here by hand (sorted, one fact per line, no new
dependency) and read back with tomllib. The schema is documented in
docs/history.md. The file records what was true when it was written: an
entry only changes when its key's status or meaning changes, or when a commit
becomes known for a change that was written before it was committed, so
rebases and squash merges do not churn it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flagaudit.errors import FlagauditError
from flagaudit.facts import LIFE_STARTS, Event, EventKind, Flag, Timeline, first_life, lives_by_key
from flagaudit.meaning import Meaning, meaning
from flagaudit.policies import Policies, declared
from flagaudit.safefiles import read_text_inside, replace_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

LEDGER_FILE = "flagaudit.lock"
VERSION = 1
_HEADER = (
    "# flagaudit.lock: every feature-flag key this project has used, when each life of it began and ended,\n"
    "# and the meaning last accepted for it. Written by `flagaudit ledger`; review changes to it like code.\n"
    "# Schema: docs/history.md in flagaudit.\n"
)


@dataclass(frozen=True, slots=True, order=True)
class Mark:
    """When a life began or ended: the committer date and the commit (empty if not yet committed)."""

    date: date
    commit: str = ""


@dataclass(frozen=True, slots=True)
class Life:
    born: Mark
    retired: Mark | None = None


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """Someone accepted a finding for this key (``flagaudit ledger --accept``), and why."""

    code: str
    date: date
    by: str
    reason: str
    meaning: tuple[str, ...] = ()
    """The meaning that was accepted, so a later change is not covered."""


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    sdk: str
    lives: tuple[Life, ...]
    meaning: tuple[str, ...] = ()
    """Sorted meanings of the key's sites, ``function: name name ...`` (see :func:`flagaudit.history.step.meaning`)."""
    type: str = ""
    """The declared flag type; empty when nothing declares one."""
    acknowledged: tuple[Acknowledgement, ...] = ()

    @property
    def status(self) -> str:
        return "live" if self.lives and self.lives[-1].retired is None else "retired"


@dataclass(frozen=True, slots=True)
class Adoption:
    """The adoption baseline (``flagaudit ledger --adopt --reason``): the project's history up to ``commit``
    was accepted as it stood when flagaudit was adopted. Findings about events at or before it are shown
    on request and never block; everything after it is judged as before."""

    commit: str
    date: datetime
    """The commit's committer date, with its offset."""
    by: str
    reason: str

    def covers(self, event: Event) -> bool:
        """Whether ``event`` happened at or before the baseline. A change not yet committed never is; an event
        flagaudit.lock dated only by day is if that day is not later than the baseline's."""
        if event.source == "ledger":
            return event.date[:10] <= self.date.date().isoformat()
        if not event.commit:
            return False
        if event.commit == self.commit:
            return True
        try:
            return datetime.fromisoformat(event.date) < self.date
        except (ValueError, TypeError):  # a date without an offset cannot be placed: judge it
            return False


@dataclass(frozen=True, slots=True)
class Ledger:
    entries: tuple[Entry, ...] = ()
    """Sorted by key, then SDK."""
    adoption: Adoption | None = None


def build_ledger(previous: Ledger | None, timelines: Iterable[Timeline], flags: Iterable[Flag],
                 policies: Policies, as_of: date) -> Ledger:
    """The ledger after this run: ``previous`` brought up to date with history and the code.

    ``flags`` are the flags in the code now; a change the code has and history
    does not yet (it is not committed) is dated ``as_of``, with no commit.
    """
    old = {(e.sdk, e.key): e for e in previous.entries} if previous else {}
    stories = {(t.sdk, t.key): t for t in timelines}
    by_key = lives_by_key(stories)
    live = {(f.sdk, f.key): f for f in flags if f.key is not None and (f.sites or f.definitions)}
    entries = []
    for sdk, key in sorted(set(old) | set(stories) | set(live), key=lambda i: (i[1], i[0])):
        before, story, flag = old.get((sdk, key)), stories.get((sdk, key)), live.get((sdk, key))
        lives = _lives(before.lives if before else (), story.events if story else (), flag is not None, as_of)
        if not lives:
            continue
        if flag is not None:
            began = first_life(story, by_key)[0]
            info = declared(flag, policies, began)  # the type FA101 judges by, its birth commit's included
            now = tuple(sorted({meaning(s.function, s.fingerprint) for s in flag.sites}))
            entry = Entry(key, sdk, lives, recorded_meaning(before.meaning, now) if before else now,
                          info.type if info.typed else "")
        elif before is not None:
            entry = replace(before, lives=lives)
        else:
            last = story.events[-1] if story and story.events else None
            entry = Entry(key, sdk, lives, tuple(sorted(set(last.removed))) if last else ())
        entries.append(replace(entry, acknowledged=before.acknowledged) if before else entry)
    return Ledger(tuple(entries), previous.adoption if previous else None)


def recorded_meaning(before: tuple[str, ...], now: tuple[str, ...]) -> tuple[str, ...]:
    """The meaning to record for a live key: what the code has now, except that a recorded meaning the code
    still has, only moved or renamed, stays as written: the same names called and referenced (by their last
    segment: a module renamed, a function moved to another module, reformatting) in an enclosing function
    that may have moved or been renamed too. Such a refactor does not rewrite flagaudit.lock; a change to
    what the branch does (a callee renamed or added, on/off to a value) is a meaning to record."""
    if set(before) == set(now):
        return before
    recorded: dict[frozenset[str], str] = {}
    for text in before:
        recorded.setdefault(_shape(text), text)
    return tuple(sorted({recorded.get(_shape(text), text) for text in now}))


def _shape(text: str) -> frozenset[str]:
    return frozenset(name.rsplit(".", 1)[-1] for name in Meaning.parse(text).names)


def _lives(recorded: Sequence[Life], events: Sequence[Event], live: bool, as_of: date) -> tuple[Life, ...]:
    """``recorded`` lives, then what history saw after them, then what the code shows now.

    History is matched to the record by date, not by commit, because rebases
    and squash merges give the same change a new commit.
    """
    lives = list(recorded)
    marks = [m for life in lives for m in (life.born, life.retired) if m is not None and m.commit]
    since = max((m.date for m in marks), default=date.min)
    known = {m.commit for m in marks}
    for event in events:
        if event.kind not in (*LIFE_STARTS, "retired") or event.commit in known:
            continue
        mark = Mark(date.fromisoformat(event.date[:10]), event.commit)
        if mark.date >= since:
            _apply(lives, event.kind == "retired", mark)
    last = lives[-1] if lives else None
    if live != (last is not None and last.retired is None):
        if live and last is not None and last.retired is not None and not last.retired.commit:
            lives[-1] = Life(last.born)  # the retirement was never committed
        elif not live and last is not None and not last.born.commit:
            lives.pop()  # nor was the birth
        else:
            _apply(lives, not live, Mark(as_of))
    return tuple(lives)


def _apply(lives: list[Life], retire: bool, mark: Mark) -> None:
    """Begin or end a life; a mark recorded before its commit existed takes the commit."""
    last = lives[-1] if lives else None
    if retire:
        if last is not None and (last.retired is None or not last.retired.commit):
            lives[-1] = Life(last.born, mark)
    elif last is None or last.retired is not None:
        lives.append(Life(mark))
    elif not last.born.commit and mark.commit:
        lives[-1] = Life(mark)


def ledger_changes(old: Ledger | None, new: Ledger) -> list[str]:
    """Why ``old`` is out of date with the code, one line per key; empty when it is not.

    Only what the code decides counts (keys, live or retired, meaning, type):
    a commit recorded for a change written before it was committed does not.
    """
    if old is None:
        return [f"{LEDGER_FILE} does not exist"]
    recorded = {(e.sdk, e.key): e for e in old.entries}
    reasons = []
    for entry in new.entries:
        name = f"{entry.key} [{entry.sdk}]"
        before = recorded.get((entry.sdk, entry.key))
        if before is None:
            reasons.append(f"{name}: missing ({entry.status})")
        elif before.status != entry.status:
            reasons.append(f"{name}: {entry.status} in the code, {before.status} in {LEDGER_FILE}")
        elif before.meaning != entry.meaning:
            added, removed = set(entry.meaning) - set(before.meaning), set(before.meaning) - set(entry.meaning)
            reasons.append(f"{name}: meaning changed ({len(added)} added, {len(removed)} removed)")
        elif before.type != entry.type:
            reasons.append(f"{name}: type {before.type or 'undeclared'} -> {entry.type or 'undeclared'}")
    kept = {(e.sdk, e.key) for e in new.entries}
    reasons += [f"{e.key} [{e.sdk}]: never committed, and gone from the code" for e in old.entries
                if (e.sdk, e.key) not in kept]
    return reasons


def ledger_timelines(ledger: Ledger) -> dict[tuple[str, str], Timeline]:
    """Each entry's lives as events (``source="ledger"``), for where git history does not reach."""
    found = {}
    for entry in ledger.entries:
        events = []
        for number, life in enumerate(entry.lives):
            events.append(_event("reborn" if number else "born", life.born))
            if life.retired is not None:
                events.append(_event("retired", life.retired))
        found[(entry.sdk, entry.key)] = Timeline(entry.key, entry.sdk, tuple(events))
    return found


def _event(kind: EventKind, mark: Mark) -> Event:
    return Event(kind, mark.commit, mark.date.isoformat(), source="ledger")


class LedgerConflict(FlagauditError):
    """flagaudit.lock holds git's merge conflict markers; ``flagaudit ledger`` merges both sides."""

    def __init__(self, path: Path, text: str, line: int) -> None:
        super().__init__(f"{path} has unresolved merge conflict markers (line {line}): run `flagaudit ledger` to "
                         "merge both sides and bring it up to date, then commit it")
        self.path, self.text = path, text


_CONFLICT = re.compile(r"^<{7}(?: |$)", re.MULTILINE)


def read_ledger(path: Path) -> Ledger | None:
    """The ledger at ``path``, or ``None`` if there is none; a damaged file is an error naming the field, a
    conflicted one (:class:`LedgerConflict`) says how to resolve it."""
    try:  # committed, so attacker-written: a regular file of the project, of a sane size
        text = read_text_inside(path.parent, path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise FlagauditError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise FlagauditError(f"cannot read {path}: {exc}") from None
    conflict = _CONFLICT.search(text)
    if conflict is not None:
        raise LedgerConflict(path, text, text.count("\n", 0, conflict.start()) + 1)
    return parse_ledger(text, path)


def parse_ledger(text: str, path: Path) -> Ledger:
    """A ledger from the file's text; errors name ``path`` and the field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FlagauditError(f"{path}: not valid TOML: {exc}") from None
    field = _Fields(path)
    if data.get("version") != VERSION:
        raise FlagauditError(f"{path}: version must be {VERSION} (written by a different flagaudit?)")
    entries = []
    for number, item in enumerate(field.tables(data, "flag")):
        where = f"flag[{number}]"
        lives = tuple(Life(field.mark(life, f"{where}.lives[{n}]", "born"),
                           field.mark(life, f"{where}.lives[{n}]", "retired") if "retired" in life else None)
                      for n, life in enumerate(field.tables(item, "lives", where)))
        acks = tuple(Acknowledgement(field.text(a, f"{where}.acknowledged[{n}]", "code"),
                                     field.day(a, f"{where}.acknowledged[{n}]", "date"),
                                     field.text(a, f"{where}.acknowledged[{n}]", "by"),
                                     field.text(a, f"{where}.acknowledged[{n}]", "reason"),
                                     field.texts(a, f"{where}.acknowledged[{n}]", "meaning"))
                     for n, a in enumerate(field.tables(item, "acknowledged", where)))
        entries.append(Entry(field.text(item, where, "key"), field.text(item, where, "sdk"), lives,
                             field.texts(item, where, "meaning"), field.text(item, where, "type", ""), acks))
    adoption = None
    if "adoption" in data:
        table = data["adoption"]
        if not isinstance(table, dict):
            raise field.error("adoption", "a table")
        adoption = Adoption(field.text(table, "adoption", "commit"), field.moment(table, "adoption", "date"),
                            field.text(table, "adoption", "by"), field.text(table, "adoption", "reason"))
        if not re.fullmatch(r"[0-9a-f]{40}([0-9a-f]{24})?", adoption.commit):
            raise field.error("adoption.commit", "a full commit id")
        if not adoption.reason.strip():
            raise field.error("adoption.reason", "the reason the baseline was accepted")
    return Ledger(tuple(sorted(entries, key=lambda e: (e.key, e.sdk))), adoption)


class _Fields:
    """Typed access to the parsed file; every error names the file and the field."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, where: str, what: str) -> FlagauditError:
        return FlagauditError(f"{self.path}: {where} must be {what}")

    def tables(self, data: dict[str, Any], name: str, where: str = "") -> list[dict[str, Any]]:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(f"{where}.{name}".lstrip("."), "a list of tables")
        return value

    def text(self, data: dict[str, Any], where: str, name: str, default: str | None = None) -> str:
        value = data.get(name, default)
        if not isinstance(value, str):
            raise self.error(f"{where}.{name}", "a string")
        return value

    def texts(self, data: dict[str, Any], where: str, name: str) -> tuple[str, ...]:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(f"{where}.{name}", "a list of strings")
        return tuple(value)

    def day(self, data: dict[str, Any], where: str, name: str) -> date:
        value = data.get(name)
        if not isinstance(value, date) or hasattr(value, "hour"):
            raise self.error(f"{where}.{name}", "a date (YYYY-MM-DD)")
        return value

    def moment(self, data: dict[str, Any], where: str, name: str) -> datetime:
        value = data.get(name)
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise self.error(f"{where}.{name}", "a date and time with its offset (2026-01-05T12:00:00+00:00)")
        return value

    def mark(self, data: dict[str, Any], where: str, name: str) -> Mark:
        commit = data.get(f"{name}-commit", "")
        if not isinstance(commit, str):
            raise self.error(f"{where}.{name}-commit", "a string")
        return Mark(self.day(data, where, name), commit)


def write_ledger(path: Path, ledger: Ledger) -> None:
    """Write atomically, so an interrupted run never leaves half a ledger."""
    try:
        replace_file(path, render_ledger(ledger).encode("utf-8"))
    except OSError as exc:
        raise FlagauditError(f"cannot write {path}: {exc.strerror}") from None


def render_ledger(ledger: Ledger) -> str:
    """The file's text: a header, then one ``[[flag]]`` table per key, sorted."""
    out = [_HEADER, f"version = {VERSION}\n"]
    if ledger.adoption is not None:
        adopted = ledger.adoption
        out.append(f"\n[adoption]\ncommit = {_quote(adopted.commit)}\ndate = {adopted.date.isoformat()}\n"
                   f"by = {_quote(adopted.by)}\nreason = {_quote(adopted.reason)}\n")
    for entry in ledger.entries:
        out.append(f"\n[[flag]]\nkey = {_quote(entry.key)}\nsdk = {_quote(entry.sdk)}\nstatus = "
                   f"{_quote(entry.status)}\n")
        if entry.type:
            out.append(f"type = {_quote(entry.type)}\n")
        out.append("lives = [\n" + "".join(f"  {_life(life)},\n" for life in entry.lives) + "]\n")
        out.append(_list("meaning", entry.meaning))
        for ack in entry.acknowledged:
            out.append(f"\n[[flag.acknowledged]]\ncode = {_quote(ack.code)}\ndate = {ack.date.isoformat()}\n"
                       f"by = {_quote(ack.by)}\nreason = {_quote(ack.reason)}\n" + _list("meaning", ack.meaning))
    return "".join(out)


def _life(life: Life) -> str:
    fields = [_mark("born", life.born)]
    if life.retired is not None:
        fields.append(_mark("retired", life.retired))
    return "{ " + ", ".join(fields) + " }"


def _mark(name: str, mark: Mark) -> str:
    return f"{name} = {mark.date.isoformat()}" + (f", {name}-commit = {_quote(mark.commit)}" if mark.commit else "")


def _list(name: str, values: Sequence[str]) -> str:
    if not values:
        return f"{name} = []\n"
    return f"{name} = [\n" + "".join(f"  {_quote(v)},\n" for v in values) + "]\n"


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _quote(text: str) -> str:
    """A TOML basic string; a lone surrogate (undecodable source) becomes U+FFFD, which TOML can hold."""
    return '"' + re.sub(r'["\\\x00-\x1f\x7f\ud800-\udfff]',
                        lambda m: _ESCAPES.get(m[0], "\\ufffd" if m[0] >= "\ud800" else f"\\u{ord(m[0]):04x}"),
                        text) + '"'


def accept(ledger: Ledger, key: str, by: str, reason: str, as_of: date) -> Ledger:
    """Record that ``by`` accepted the current meaning of ``key`` (every SDK that has it), and why: the gate's
    meaning findings (FA2xx) stop for exactly that meaning, and a later change is judged afresh."""
    if not reason.strip():
        raise FlagauditError("--accept needs --reason: say why the new meaning is safe")
    entries, found = [], False
    for entry in ledger.entries:
        if entry.key == key:
            found = True
            entry = replace(entry, acknowledged=(*entry.acknowledged,
                                                 Acknowledgement("FA2", as_of, by, reason.strip(), entry.meaning)))
        entries.append(entry)
    if not found:
        raise FlagauditError(f"--accept {key!r}: no such key in the code or in {LEDGER_FILE}")
    return replace(ledger, entries=tuple(entries))


def adoption_at(commit: str, when: datetime, by: str, reason: str) -> Adoption:
    """The adoption baseline at ``commit`` (HEAD, committed ``when``): what history did up to it stays visible
    and never blocks. Never implicit: it needs ``by`` and a reason."""
    if not reason.strip():
        raise FlagauditError("--adopt needs --reason: say why the project's history up to now is accepted")
    return Adoption(commit, when, by, reason.strip())


# -- a conflicted file -----------------------------------------------------------------------------------------


def conflict_sides(text: str) -> tuple[str, str]:
    """The two versions git's conflict markers hold (ours, theirs); a diff3 base section is dropped."""
    sides: tuple[list[str], list[str]] = ([], [])
    state = "both"
    for line in text.splitlines(keepends=True):
        marker = line[:7]
        if marker == "<<<<<<<" and state == "both":
            state = "ours"
        elif marker == "|||||||" and state == "ours":
            state = "base"
        elif marker == "=======" and state in ("ours", "base"):
            state = "theirs"
        elif marker == ">>>>>>>" and state == "theirs":
            state = "both"
        else:
            if state in ("both", "ours"):
                sides[0].append(line)
            if state in ("both", "theirs"):
                sides[1].append(line)
    return "".join(sides[0]), "".join(sides[1])


def merge_conflict(conflict: LedgerConflict) -> tuple[Ledger, list[str]]:
    """Both sides of a conflicted flagaudit.lock merged into one ledger, and what the merge did, one line each.

    Keys on one side only are taken from it; a key on both sides keeps the side whose story goes further (its
    last life began or ended later; ours on a tie) and the acknowledgements of both. If both sides adopted a
    baseline, the earlier one stays: it blocks more, never less. The caller brings the result up to date
    with history and the code, which decide the meanings of live keys.
    """
    texts = conflict_sides(conflict.text)
    parsed = []
    for name, text in zip(("ours", "theirs"), texts, strict=True):
        try:
            parsed.append(parse_ledger(text, conflict.path))
        except FlagauditError as exc:
            raise FlagauditError(f"cannot merge the conflict in {conflict.path}: {name} side: {exc}; resolve it "
                                 f"by hand, or take one side (`git checkout --ours {conflict.path.name}`) and run "
                                 "`flagaudit ledger`") from None
    ours, theirs = ({(e.sdk, e.key): e for e in side.entries} for side in parsed)
    entries: list[Entry] = []
    only: dict[str, list[str]] = {"ours": [], "theirs": []}
    differed = []
    for identity in sorted(ours.keys() | theirs.keys(), key=lambda i: (i[1], i[0])):
        mine, other = ours.get(identity), theirs.get(identity)
        if mine is None or other is None:
            only["ours" if other is None else "theirs"].append(f"{identity[1]} [{identity[0]}]")
            kept = mine if mine is not None else other
            assert kept is not None  # the key came from one of the two sides
            entries.append(kept)
            continue
        if mine != other:
            differed.append(f"{identity[1]} [{identity[0]}]")
        first, second = (mine, other) if _reach(mine) >= _reach(other) else (other, mine)
        acks = (*first.acknowledged, *(a for a in second.acknowledged if a not in first.acknowledged))
        entries.append(replace(first, acknowledged=acks))
    adoptions = [a for a in (parsed[0].adoption, parsed[1].adoption) if a is not None]
    adoption = min(adoptions, key=lambda a: a.date) if adoptions else None
    said = [f"merged the two sides of the conflict in {conflict.path.name}: {len(entries)} keys"]
    said += [f"  only on {side}'s side: {', '.join(keys)}" for side, keys in only.items() if keys]
    if differed:
        said.append(f"  on both sides, told differently (kept the story that goes further, and every "
                    f"acknowledgement): {', '.join(differed)}")
    if len({(a.commit, a.reason) for a in adoptions}) > 1:
        said.append(f"  both sides adopted a baseline: kept the earlier one ({adoption.commit[:12]})")  # type: ignore[union-attr]
    return Ledger(tuple(entries), adoption), said


def _reach(entry: Entry) -> tuple[date, int]:
    """How far a key's recorded story goes: its last mark, then how many lives it has."""
    marks = [m.date for life in entry.lives for m in (life.born, life.retired) if m is not None]
    return max(marks, default=date.min), len(entry.lives)


def retire(ledger: Ledger, key: str, as_of: date) -> tuple[Ledger, bool]:
    """``key`` (every SDK that has it) recorded as retired on ``as_of``, as ``flagaudit remove --write`` leaves
    it: a later use of the key is FA201. ``False`` when the ledger does not know the key."""
    entries, found = [], False
    for entry in ledger.entries:
        if entry.key == key and entry.lives and entry.lives[-1].retired is None:
            found = True
            entry = replace(entry, lives=(*entry.lives[:-1], replace(entry.lives[-1], retired=Mark(as_of))))
        entries.append(entry)
    return replace(ledger, entries=tuple(entries)), found
