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
from datetime import date
from pathlib import Path
from typing import Any

from flagaudit.errors import FlagauditError
from flagaudit.facts import LIFE_STARTS, Event, Flag, Timeline
from flagaudit.meaning import meaning
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
    """When a life began or ended: the author date and the commit (empty if not yet committed)."""

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
class Ledger:
    entries: tuple[Entry, ...] = ()
    """Sorted by key, then SDK."""


def build_ledger(previous: Ledger | None, timelines: Iterable[Timeline], flags: Iterable[Flag],
                 policies: Policies, as_of: date) -> Ledger:
    """The ledger after this run: ``previous`` brought up to date with history and the code.

    ``flags`` are the flags in the code now; a change the code has and history
    does not yet (it is not committed) is dated ``as_of``, with no commit.
    """
    old = {(e.sdk, e.key): e for e in previous.entries} if previous else {}
    stories = {(t.sdk, t.key): t for t in timelines}
    live = {(f.sdk, f.key): f for f in flags if f.key is not None and (f.sites or f.definitions)}
    entries = []
    for sdk, key in sorted(set(old) | set(stories) | set(live), key=lambda i: (i[1], i[0])):
        before, story, flag = old.get((sdk, key)), stories.get((sdk, key)), live.get((sdk, key))
        lives = _lives(before.lives if before else (), story.events if story else (), flag is not None, as_of)
        if not lives:
            continue
        if flag is not None:
            info = declared(flag, policies)
            entry = Entry(key, sdk, lives, tuple(sorted({meaning(s.function, s.fingerprint) for s in flag.sites})),
                          info.type if info.typed else "")
        elif before is not None:
            entry = replace(before, lives=lives)
        else:
            last = story.events[-1] if story and story.events else None
            entry = Entry(key, sdk, lives, tuple(sorted(set(last.removed))) if last else ())
        entries.append(replace(entry, acknowledged=before.acknowledged) if before else entry)
    return Ledger(tuple(entries))


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


def _event(kind: str, mark: Mark) -> Event:
    return Event(kind, mark.commit, mark.date.isoformat(), source="ledger")


def read_ledger(path: Path) -> Ledger | None:
    """The ledger at ``path``, or ``None`` if there is none; a damaged file is an error naming the field."""
    try:  # committed, so attacker-written: a regular file of the project, of a sane size
        text = read_text_inside(path.parent, path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise FlagauditError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise FlagauditError(f"cannot read {path}: {exc}") from None
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
    return Ledger(tuple(sorted(entries, key=lambda e: (e.key, e.sdk))))


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
    for entry in ledger.entries:
        out.append(f"\n[[flag]]\nkey = {_quote(entry.key)}\nsdk = {_quote(entry.sdk)}\nstatus = {_quote(entry.status)}\n")
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
    return Ledger(tuple(entries))


def retire(ledger: Ledger, key: str, as_of: date) -> tuple[Ledger, bool]:
    """``key`` (every SDK that has it) recorded as retired on ``as_of``, as ``flagaudit remove --write`` leaves
    it: a later use of the key is FA201. ``False`` when the ledger does not know the key."""
    entries, found = [], False
    for entry in ledger.entries:
        if entry.key == key and entry.lives and entry.lives[-1].retired is None:
            found = True
            entry = replace(entry, lives=(*entry.lives[:-1], replace(entry.lives[-1], retired=Mark(as_of))))
        entries.append(entry)
    return Ledger(tuple(entries)), found
