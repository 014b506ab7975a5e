"""What the history walk keeps between runs, and where: the walk's state at HEAD and the facts of every blob it
analysed, as plain data checked against these dataclasses when read back (:mod:`flagaudit.plaindata`).

Both files sit in the cache folder under names that carry :data:`HISTORY_VERSION` and the digest of what a walk
depends on besides the commits (extraction, the rules, which files count), so a walk made under other rules is
never continued. A missing file means walking from the first commit; a damaged or forged one is ignored with a
note and rebuilt; a file that cannot be written is a note, never a failure.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from flagaudit.config import Config
from flagaudit.facts import Definition, Event, KeyPart, Site
from flagaudit.plaindata import BadData, dumps, loads
from flagaudit.safefiles import read_regular
from flagaudit.scan.cache import (
    FACTS_VERSION,
    LIMIT,
    folder_problem,
    prepare_folder,
    read_cached,
    remove_stale,
    write_cached,
)
from flagaudit.sdk_rules import RuleSet

HISTORY_VERSION = 20
"""Bump when the walk state or the events it derives change (5: committer dates; 6: blobs git lacks, quiet facts;
16: the earlier names of the project's helpers; 20: a distribution's root below the project's is no package in the
module names the state keeps)."""

FlagId = tuple[str, str]
"""(sdk, key)"""


@dataclass(frozen=True, slots=True)
class KeptFacts:
    """What history keeps of a file's facts: enough to resolve keys and compare sites."""

    symbols: tuple[tuple[str, tuple[KeyPart, ...]], ...] = ()
    sites: tuple[Site, ...] = ()
    definitions: tuple[Definition, ...] = ()
    deferred: tuple[str, ...] = ()
    """Receivers made in other modules: the file is analysed again once they are traced to an SDK."""
    unreadable: bool = False
    """The file could not be analysed (a syntax error, undecodable, too large)."""


@dataclass(slots=True)
class KeptFile:
    """A file of the tree at the walk's commit."""

    path: str
    """Relative to the project root, as sites spell it."""
    blob: str
    module: str = ""
    facts: KeptFacts | None = None
    """``None`` while nothing needs the file analysed."""
    traced: frozenset[str] = frozenset()
    """Its deferred receivers that lead to an SDK client or flag object: ``facts`` were extracted knowing them."""


@dataclass
class WalkState:
    """The walk at ``head``. Paths as keys are relative to the work tree's top."""

    head: str | None = None
    first: str | None = None
    first_date: str = ""
    commits: int = 0
    files: dict[str, KeptFile] = field(default_factory=dict)
    packages: set[str] = field(default_factory=set)
    """Folders holding an ``__init__.py``, for module names."""
    scripts: set[str] = field(default_factory=set)
    """Folders holding Django's ``manage.py``: module names start below them."""
    distributions: set[str] = field(default_factory=set)
    """Files that make their folder a distribution's root (:data:`~flagaudit.scan.discover.DISTRIBUTION`), for the
    namespace packages in module names."""
    needed: set[str] = field(default_factory=set)
    """Modules some key needs symbols from: their files are analysed even if the prefilter says no."""
    timelines: dict[FlagId, list[Event]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    """Blobs git could not read (a partial clone, a damaged repository): each file's last readable version stood in."""
    earlier: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The names the rules' helpers had before renames of their modules, found when the walk began
    (history/earlier_names.py): a continued walk reads its new commits with the same names."""


@dataclass
class Blobs:
    """Facts by blob, path and module, and blobs the prefilter rejected: reused when a walk starts over.

    Facts are kept as JSON text: a long history has tens of thousands of them, and
    text takes a fraction of the memory of the objects.
    """

    facts: dict[str, str] = field(default_factory=dict)
    unmatched: set[str] = field(default_factory=set)
    quiet: set[str] = field(default_factory=set)
    """Keys of facts that hold only symbols: used when a key needs the module, otherwise not at all."""
    earlier: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The helpers' earlier names the facts were extracted with (:attr:`WalkState.earlier`)."""

    def __contains__(self, key: str) -> bool:
        return key in self.facts

    def get(self, key: str) -> KeptFacts | None:
        data = self.facts.get(key)
        return None if data is None else loads(data, KeptFacts)

    def put(self, key: str, facts: KeptFacts) -> KeptFacts:
        self.facts[key] = dumps(facts)
        return facts


class WalkStore:
    """The two files of one walk (state and blobs) in ``folder``; ``folder=None`` keeps nothing."""

    def __init__(self, folder: Path | None, config: Config, rules: RuleSet, top: Path) -> None:
        self.problems: list[str | None] = [folder_problem(folder, config.root)] if folder else []
        self.folder = None if any(self.problems) else folder
        digest = _digest(config, rules, top)
        self.state_file = self.folder / f"history-v{HISTORY_VERSION}-{digest}.json" if self.folder else None
        self.blobs_file = self.folder / f"history-blobs-v{HISTORY_VERSION}-{digest}.json" if self.folder else None
        self.unwritten = False

    def state(self) -> WalkState | None:
        """The walk the last run kept, if any."""
        loaded = self._load(self.state_file, WalkState)
        return loaded if isinstance(loaded, WalkState) else None

    def blobs(self) -> Blobs | None:
        """The blob facts the last run kept, each checked now, so that a bad one discards the whole file."""
        loaded = self._load(self.blobs_file, Blobs)
        if not isinstance(loaded, Blobs):
            return None
        try:
            for text in loaded.facts.values():
                loads(text, KeptFacts)
        except BadData as exc:
            self.problems.append(f"ignored a damaged cache file {self.blobs_file} ({exc}); it is rebuilt")
            return None
        return loaded

    def save(self, state: WalkState, blobs: Blobs | None) -> None:
        """Keep ``state``, and ``blobs`` unless ``None`` (a continued walk keeps the blob file it started from)."""
        if self.folder is None:
            return
        problem = self._store(self.state_file, state) or (
            self._store(self.blobs_file, blobs) if blobs is not None else None)
        self.problems.append(problem)
        self.unwritten = problem is not None

    def fingerprint(self) -> str:
        """The kept state as ``name:digest`` of its bytes; ``""`` when there is none, or this run's could not
        be written (then the file may hold another walk than the one this run ended with)."""
        if self.state_file is None or self.unwritten:
            return ""
        found = state_digest(self.state_file)
        return f"{self.state_file.name}:{found}" if found else ""

    @property
    def warning(self) -> str | None:
        """The first problem met reading or writing, for the user."""
        return next((p for p in self.problems if p), None)

    def _load(self, path: Path | None, kind: type) -> object:
        if path is None:
            return None
        loaded, problem = read_cached(path, kind)
        self.problems.append(problem)
        return loaded

    def _store(self, path: Path | None, value: object) -> str | None:
        """Write atomically and drop the files of other digests; a warning, not a failure, if it cannot."""
        assert self.folder is not None and path is not None
        try:
            prepare_folder(self.folder)
            remove_stale(self.folder, (path.name.split("-v")[0],), {path.name})
            write_cached(path, value)
        except OSError as exc:
            return f"could not write the history cache in {self.folder}: {exc.strerror}"
        return None


_STATE_NAME = re.compile(r"history-v[0-9]+-[0-9a-f]+\.json")


def state_digest(path: Path) -> str | None:
    """The digest of a kept walk state's bytes, ``None`` if it cannot be read."""
    try:
        data = read_regular(path, LIMIT)
    except OSError:
        return None
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def unchanged(folder: Path, fingerprint: str) -> bool:
    """Whether the walk state named by ``fingerprint`` (:meth:`WalkStore.fingerprint`, as read back from the
    cache, so any text) is still in ``folder`` with the same bytes."""
    name, _, digest = fingerprint.partition(":")
    return bool(_STATE_NAME.fullmatch(name)) and state_digest(folder / name) == digest


def _digest(config: Config, rules: RuleSet, top: Path) -> str:
    """What the walk depends on besides the commits: extraction, rules and which files count.

    Paths count relative to the project root, so a cache restored into another checkout of the project (a CI
    runner's working folder) is still found.
    """
    top, root = top.resolve(), config.root.resolve()
    text = repr((FACTS_VERSION, rules.digest, config.max_file_size, _place(top, root), _place(root, top),
                 sorted(_place(p.resolve(), root) for p in config.paths), config.exclude, config.test_paths))
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()


def _place(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` when inside it, else ``-``: a place independent of where the checkout is."""
    if not path.is_relative_to(base):
        return "-"
    relative = path.relative_to(base).as_posix()
    return "" if relative == "." else relative
