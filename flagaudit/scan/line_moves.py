"""Edits that only move lines: a statement that makes no fact (a ``print()``, a comment, a blank line) inserted
into a body, or such lines deleted, moves every position below it and changes nothing else a scan reads.

Finding the move from a file's facts before and after the edit, and moving the last result by it, spares an edit
like that the model rebuilt from every file's facts. The model is moved with the facts: it compares positions
only for order and equality (sorting, suppressions, annotations on a line) and reads one distance, the length
of a function FA302 counts (which the caller checks), so its result for the moved facts is the last result
with the same positions moved, in the findings' text too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from flagaudit.checks import MESSAGE_LIMIT
from flagaudit.facts import Evidence, FileFacts, Finding, Flag, Inventory, Site


@dataclass(frozen=True)
class Move:
    """Lines from ``at`` on moved by ``by``; positions before ``at`` stay. Any ``at`` above the last position
    that stays and at most the first that moves gives the same facts: ``stay`` and ``at`` bound that range.

    Where a branch starts is a position too: with ``starts_stay``, a branch that starts at ``at`` still starts
    there, with the inserted line at its top (a ``print()`` put above the one statement of ``if flag: return
    x``: the branch starts where it did and ends a line lower)."""

    stay: int
    at: int
    by: int
    starts_stay: bool = False

    def line(self, line: int) -> int:
        return line + self.by if line >= self.at else line

    def start(self, line: int) -> int:
        """Where a branch that started at ``line`` starts now."""
        return line + self.by if line > self.at or line == self.at and not self.starts_stay else line

    def within(self, other: Move) -> Move | None:
        """The move both describe (the same lines moved by the same count), if there is one. Where only one keeps
        the branches that start at ``at``, the other must have had none there: its ``at`` was above."""
        stay, at = max(self.stay, other.stay), min(self.at, other.at)
        if self.by != other.by or stay >= at:
            return None
        if self.starts_stay == other.starts_stay:
            return Move(stay, at, self.by, self.starts_stay)
        moving = other if self.starts_stay else self
        return Move(stay, at, self.by, starts_stay=True) if at < moving.at else None


_NOWHERE = 1 << 62
"""``at`` of a move that moves no position."""
UNMOVED = Move(0, _NOWHERE, 0)


def find_move(was: FileFacts, now: FileFacts) -> Move | None:
    """The move that makes ``was`` into ``now`` but for where functions end and the count of lines (``by`` is
    how many lines the file gained), or ``None`` if there is none: another fact changed, or lines moved by
    other counts (an edit at two places)."""
    by = now.lines - was.lines
    before, after = list(_positions(was)), list(_positions(now))
    if len(before) != len(after):
        return None
    stay, at, start_stay, start_at = 0, _NOWHERE, 0, _NOWHERE  # of other positions, and of where branches start
    for (old, start), (new, _) in zip(before, after, strict=True):
        if new == old and start:
            start_stay = max(start_stay, old)
        elif new == old:
            stay = max(stay, old)
        elif by and new == old + by and start:
            start_at = min(start_at, old)
        elif by and new == old + by:
            at = min(at, old)
        else:
            return None
    if max(stay, start_stay) < min(at, start_at):
        move = Move(max(stay, start_stay), min(at, start_at), by)
    elif max(stay + 1, start_stay) <= min(at, start_at - 1):  # a branch that starts at the first line moved
        move = Move(max(stay + 1, start_stay) - 1, min(at, start_at - 1), by, starts_stay=True)
    else:
        return None  # a position moved above one that stayed
    return move if _ends_ignored(moved_facts(was, move)) == _ends_ignored(now) else None


def functions_resized(was: FileFacts, now: FileFacts) -> frozenset[str]:
    """The functions of ``now`` (with the facts of ``was`` but for positions) whose count of lines changed."""
    return frozenset(a.name for a, b in zip(was.functions, now.functions, strict=True)
                     if a.end - a.line != b.end - b.line)


def moved_facts(facts: FileFacts, move: Move) -> FileFacts:
    """``facts`` with every position moved (a function's end too)."""
    return facts if move.at == _NOWHERE else _placed(facts, move.line, move.start)


def same_but_positions(was: FileFacts, now: FileFacts) -> Move | None:
    """:data:`UNMOVED` if ``was`` and ``now`` differ only in positions, however they moved (what the kept call
    graph, which holds none, needs), else ``None``."""
    return UNMOVED if _placed(was, _nowhere) == _placed(now, _nowhere) else None


def _nowhere(line: int) -> int:
    return 0


def _placed(facts: FileFacts, line: Callable[[int], int], start: Callable[[int], int] | None = None) -> FileFacts:
    """``facts`` with every position ``p`` at ``line(p)`` (where a branch starts at ``start(p)``, if given), and its
    count of lines left out."""
    symbols = facts.symbols and replace(
        facts.symbols, notes=tuple((n, line(at), a) for n, at, a in facts.symbols.notes),
        toggles=tuple((n, line(at), a) for n, at, a in facts.symbols.toggles))
    return replace(
        facts, lines=0, symbols=symbols, definitions=tuple(replace(d, line=line(d.line)) for d in facts.definitions),
        sites=tuple(_placed_site(s, line, start or line) for s in facts.sites),
        functions=tuple(replace(f, line=line(f.line), end=line(f.end)) for f in facts.functions),
        settings=tuple((n, v, line(at)) for n, v, at in facts.settings))


def moved_result(inventory: Inventory, moves: dict[str, Move]) -> Inventory | None:
    """A scan's result with the positions in the files of ``moves`` moved, in its flags and in its findings'
    positions, messages and evidence; ``None`` where a message that names a moved line was cut short, or would be
    now (:func:`~flagaudit.checks.one_line`): moving the line can move where it is cut."""
    moves = {path: move for path, move in moves.items() if move.at != _NOWHERE}
    if not moves:
        return inventory
    named = re.compile(r"(?<![\w./\\-])(" + "|".join(re.escape(p) for p in sorted(moves, key=len, reverse=True))
                       + r"):(\d+)")

    def mentions(finding: Finding) -> bool:
        """Whether the finding is in or names a moved file (most of a large project's findings do not)."""
        return finding.path in moves or any(
            path in text for path in moves for text in (finding.message, *(
                part for e in finding.evidence for part in (e.value, e.detail))))

    findings = []
    for finding in inventory.findings:
        moved = _moved_finding(finding, moves, named) if mentions(finding) else finding
        if len(moved.message) > MESSAGE_LIMIT or finding.message.endswith("…") and named.search(finding.message):
            return None  # a line cut short may have been cut inside a number
        findings.append(moved)
    flags = tuple(_moved_flag(f, moves) if any(s.path in moves for s in (*f.sites, *f.test_sites))
                  or any(d.path in moves for d in f.definitions) else f for f in inventory.flags)
    return replace(inventory, flags=flags, findings=tuple(findings))


def _positions(facts: FileFacts) -> Iterator[tuple[int, bool]]:
    """Every position in ``facts`` but where functions end, in an order both versions of a file share, each with
    whether a branch starts there."""
    if facts.symbols:
        yield from ((at, False) for _, at, _ in facts.symbols.notes)
        yield from ((at, False) for _, at, _ in facts.symbols.toggles)
    for site in facts.sites:
        yield site.line, False
        for a, b in (*site.on, *site.off):
            yield a, True
            yield b, False
    yield from ((d.line, False) for d in facts.definitions)
    yield from ((f.line, False) for f in facts.functions)
    yield from ((at, False) for _, _, at in facts.settings)


def _ends_ignored(facts: FileFacts) -> FileFacts:
    return replace(facts, lines=0, functions=tuple(replace(f, end=0) for f in facts.functions))


def _placed_site(site: Site, line: Callable[[int], int], start: Callable[[int], int]) -> Site:
    return replace(site, line=line(site.line), on=tuple((start(a), line(b)) for a, b in site.on),
                   off=tuple((start(a), line(b)) for a, b in site.off))


def _moved_flag(flag: Flag, moves: dict[str, Move]) -> Flag:
    def sites(found: tuple[Site, ...]) -> tuple[Site, ...]:
        return tuple(_placed_site(s, moves[s.path].line, moves[s.path].start) if s.path in moves else s for s in found)

    return replace(flag, sites=sites(flag.sites), test_sites=sites(flag.test_sites), definitions=tuple(
        replace(d, line=moves[d.path].line(d.line)) if d.path in moves else d for d in flag.definitions))


_BRANCH_LINES = re.compile(r"(-branch lines )(.*)$")
_SPAN = re.compile(r"(\d+)-(\d+)")


def _moved_finding(finding: Finding, moves: dict[str, Move], named: re.Pattern[str]) -> Finding:
    def text(value: str) -> str:
        return named.sub(lambda m: f"{m[1]}:{moves[m[1]].line(int(m[2]))}", value)

    def evidence(item: Evidence) -> Evidence:
        detail = text(item.detail)
        site = named.fullmatch(item.value)
        if item.kind == "guards" and site:  # the lines of the branches the site at ``value`` guards
            move = moves[site[1]]
            detail = _BRANCH_LINES.sub(lambda m: m[1] + _SPAN.sub(
                lambda s: f"{move.start(int(s[1]))}-{move.line(int(s[2]))}", m[2]), detail)
        return replace(item, value=text(item.value), detail=detail)

    line = moves[finding.path].line(finding.line) if finding.path in moves else finding.line
    return replace(finding, line=line, message=text(finding.message),
                   evidence=tuple(evidence(e) for e in finding.evidence))
