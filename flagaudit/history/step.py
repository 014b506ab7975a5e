"""What happened to a key between two consecutive commits. Pure: data in, data out.

History feeds this module a key's *presence* before and after a commit (its
non-test sites and the files that define it) and the files the commit
renamed; it answers with the step: born, changed, moved, retired, reborn, or
nothing. A site is compared by its file, enclosing function and fingerprint,
never its line, so edits elsewhere in a file do not count as changes, and a
renamed module is mapped to its new name first, so a move is not a change. A
site whose check was rewritten (another check function or wrapper, another key
expression) is a change even where its meaning stays: the commit's author edited
that check, so the code behind it was not left unseen (FA203 asks for old code
nobody touched).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flagaudit.facts import EventKind, Site
from flagaudit.meaning import in_order, meaning


@dataclass(frozen=True, slots=True, order=True)
class SiteRef:
    """A site as history compares it: where it is and what its on-branch does, not its line."""

    path: str
    function: str
    fingerprint: tuple[str, ...]
    form: tuple[str, ...] = ()
    """How the check is written: the rule that matched (``wrapper/app.flags.is_on``), then the key's parts
    (``sym/app.flags.NEW_CHECKOUT``); not its spelling, quotes or line."""

    @property
    def meaning(self) -> str:
        return meaning(self.function, self.fingerprint)


@dataclass(frozen=True, slots=True)
class Presence:
    """A key at one commit: its non-test sites and the files that define it, both sorted multisets."""

    sites: tuple[SiteRef, ...] = ()
    definitions: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.sites or self.definitions)


@dataclass(frozen=True, slots=True)
class Move:
    """A file the commit renamed, with the module names before and after."""

    old_path: str
    new_path: str
    old_module: str
    new_module: str


@dataclass(frozen=True, slots=True)
class Step:
    """An event without its commit: what ``step`` found."""

    kind: EventKind
    paths: tuple[str, ...]
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def step(before: Presence, after: Presence, retired: bool, moves: Mapping[str, Move]) -> Step | None:
    """The event a commit makes for one key; ``retired`` says the key's last life had ended."""
    if not before and not after:
        return None
    if not before:
        return Step("reborn" if retired else "born", _paths(after), _meanings(after.sites))
    if not after:
        return Step("retired", _paths(before), removed=_meanings(before.sites))
    old, new = Counter(_moved(s, moves) for s in before.sites), Counter(after.sites)
    if old != new:
        gone, came = list((old - new).elements()), list((new - old).elements())
        return Step("changed", tuple(sorted({s.path for s in (*gone, *came)})), _meanings(came), _meanings(gone))
    renamed = [p for p in _paths(before) if p in moves]
    if renamed:
        return Step("moved", tuple(p for old in renamed for p in (old, moves[old].new_path)))
    return None


def _moved(site: SiteRef, moves: Mapping[str, Move]) -> SiteRef:
    """``site`` as it reads after the renames: new path, and renamed modules in its qualified names."""
    path = moves[site.path].new_path if site.path in moves else site.path
    return SiteRef(path, _rename(site.function, moves), in_order(_rename(n, moves) for n in site.fingerprint),
                   _rename_form(site.form, moves))


def check_form(site: Site) -> tuple[str, ...]:
    """The ``form`` of ``site``'s check: its rule, then its key parts as ``kind/value``."""
    return (site.rule, *(f"{part.kind}/{part.value}" for part in site.key_ref.parts))


_QUALIFIED = ("sym/", "obj/", "fmt/", "wrapper/", "predicate/")
"""Form items whose value is a qualified name, which a renamed module changes."""


def _rename_form(form: tuple[str, ...], moves: Mapping[str, Move]) -> tuple[str, ...]:
    """``form`` as it reads after the renames."""
    renamed = []
    for item in form:
        kind, _, name = item.partition("/")
        renamed.append(f"{kind}/{_rename(name, moves)}" if item.startswith(_QUALIFIED) else item)
    return tuple(renamed)


def _rename(name: str, moves: Mapping[str, Move]) -> str:
    """``name`` under the module it moved to: the longest old module that holds it, since a package's
    ``__init__.py`` may move apart from its submodules (TreyWW/MyFinances renamed ``backend/api/__init__.py`` to
    ``backend/clients/`` and ``backend/api/base/modal.py`` to ``backend/core/api/base/``, one commit)."""
    move = max((m for m in moves.values() if m.old_module and (name == m.old_module
                                                             or name.startswith(m.old_module + "."))),
               key=lambda m: len(m.old_module), default=None)
    return name if move is None else move.new_module + name[len(move.old_module):]


def _meanings(sites: Iterable[SiteRef]) -> tuple[str, ...]:
    return tuple(sorted(s.meaning for s in sites))


def _paths(presence: Presence) -> tuple[str, ...]:
    return tuple(sorted({s.path for s in presence.sites} | set(presence.definitions)))
