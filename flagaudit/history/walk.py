"""Flag timelines from git history: when each key was born, changed, moved, retired and reborn.

HEAD's first-parent history is read once, oldest commit first, and only the
files a commit changed are looked at. A changed file is analysed only when it
can matter: its bytes match the rules' prefilter (it could hold a site or a
definition), a text rule reads it (templates), or a key needs its symbols (a
module of constants, a re-export). The symbol table is updated in place, and
a file's keys are resolved again only when the file changed or when a name its
keys were looked up through (found or not) changed. Facts are kept per blob
and the whole walk at HEAD (:mod:`flagaudit.history.store`), so the next run reads only the commits
added since.

Where history does not reach (a shallow clone, squashed history, no
repository at all) the story comes from flagaudit.lock.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flagaudit.config import Config
from flagaudit.extract.file_facts import extract
from flagaudit.extract.prefilter import mentions
from flagaudit.extract.symbols import DJANGO_SETTINGS, is_settings_module
from flagaudit.facts import (
    Event,
    FileFacts,
    Skipped,
    Timeline,
)
from flagaudit.gitrepo import (
    REGULAR,
    SUBMODULE,
    BlobReader,
    BlobSource,
    Change,
    Commit,
    Repository,
    open_repository,
)
from flagaudit.history.earlier_names import earlier_names, with_earlier_names
from flagaudit.history.ledger import LEDGER_FILE, ledger_timelines, read_ledger
from flagaudit.history.step import Move, Presence, SiteRef, check_form, step
from flagaudit.history.store import Blobs, FlagId, KeptFacts, KeptFile, WalkState, WalkStore
from flagaudit.model.resolve import Resolver, is_flag_setting, is_test_path, resolve_sites
from flagaudit.scan.discover import DISTRIBUTION, SCRIPT, excluded, module_name, names_itself, wanted
from flagaudit.scan.parallel import in_workers
from flagaudit.sdk_rules import SETTINGS_SDK, RuleSet

if TYPE_CHECKING:
    from flagaudit.output.progress import Progress

STAGE = "reading history"

_SETTINGS_NEEDED = f"{DJANGO_SETTINGS}.*"
"""Kept among the needed modules once a key read through ``settings`` needed the settings modules (no module
has this name)."""
_NAMED = re.compile(rb"""(?<=['".])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b""")
"""A setting's name after a quote (``"LOG_AGGREGATOR_ENABLED"``) or a dot (``settings_module.X``)."""
_CHUNK = 1000
"""Commits whose new blobs are extracted together, in parallel, before the walk applies them."""
_PARALLEL_JOBS = 16
"""Below this many blobs to read, starting workers costs more than it saves."""

@dataclass(frozen=True)
class HistoryOptions:
    """How to read history: with the cache or not, how many processes extract blobs, whom to tell the progress."""

    use_cache: bool = True
    workers: int | None = None
    progress: Progress | None = None
    """Told, as the walk goes, how many of the commits to read it has read, and how many files it analysed."""


@dataclass(frozen=True)
class History:
    """Timelines of every key, and how much history they rest on."""

    timelines: tuple[Timeline, ...] = ()
    """Sorted by key, then SDK."""
    head: str | None = None
    first: str | None = None
    """The oldest commit read: the root, or where a shallow clone's history starts."""
    commits: int = 0
    partial: bool = False
    """History starts at ``first`` (a shallow clone), not at the repository's root."""
    bare: bool = False
    git: bool = True
    """A git repository holds the project (it may have no commits yet: then there is no history to miss)."""
    skipped: tuple[Skipped, ...] = ()
    """Submodules at HEAD: their history is not analysed."""
    notes: tuple[str, ...] = ()
    analysed: int = 0
    """Commits read this run; the rest came from the cache."""
    transient: tuple[str, ...] = ()
    """The notes about this run alone (git comparing less for renames in the commits it read, a cache that could
    not be written): a run that reads nothing new does not repeat them."""
    kept: str = ""
    """The kept walk state these timelines come from, as ``name:digest`` of its bytes (``""`` when none was
    kept): output kept beside it holds only while that file is unchanged."""
    missing: tuple[str, ...] = ()
    """Blobs git could not read: when one becomes readable, the walk starts over."""

    def timeline(self, sdk: str, key: str) -> Timeline | None:
        return next((t for t in self.timelines if t.sdk == sdk and t.key == key), None)


def history(config: Config, rules: RuleSet, options: HistoryOptions = HistoryOptions()) -> History:
    """Every key's timeline from the history of the repository holding ``config.root``."""
    ledger = read_ledger(config.root / LEDGER_FILE)
    recorded = ledger_timelines(ledger) if ledger else {}
    repository = open_repository(config.root)
    if repository is None:
        note = "using flagaudit.lock" if ledger else "only findings that need no history"
        return History(_sorted(recorded), git=False,
                       notes=(f"{config.root} is not in a git repository: no history; {note}",))
    try:
        notes = _describe(repository)
        if repository.head is None:
            return History(_sorted(recorded), bare=repository.bare,
                           notes=(*notes, f"the repository at {repository.top} has no commits yet: no history"))
        state, analysed, walk_notes, kept = _walk(repository, config, rules, options)
    finally:
        repository.close()
    first = state.first or ""
    if repository.shallow:
        notes.append(f"history is partial (shallow clone): it starts at commit {first[:12]} ({state.first_date[:10]}); "
                     + ("earlier events come from flagaudit.lock" if ledger else
                        "flags already there are dated from it (commit a flagaudit.lock to keep their story)"))
    if state.missing:
        notes.append(f"history is partial: git cannot read {len(state.missing)} version(s) of analysed files (a "
                     "partial clone, or a damaged repository); the last readable version of each stands in for them")
    timelines = {k: Timeline(k[1], k[0], tuple(v)) for k, v in state.timelines.items()}
    return History(
        _sorted(_with_ledger(timelines, recorded, first)),
        head=state.head, first=first, commits=state.commits, partial=repository.shallow or bool(state.missing),
        bare=repository.bare, skipped=tuple(Skipped(p, r) for p, r in sorted(state.skipped.items())),
        notes=(*notes, *walk_notes), analysed=analysed, transient=tuple(walk_notes), kept=kept,
        missing=tuple(sorted(state.missing)),
    )


def _describe(repository: Repository) -> list[str]:
    notes = []
    if repository.bare:
        notes.append(f"{repository.top} is a bare repository: reading its history (there is no working tree)")
    if repository.detached and repository.head:
        notes.append(f"HEAD is detached at {repository.head[:12]}: following its first parents")
    return notes


def _sorted(timelines: dict[FlagId, Timeline]) -> tuple[Timeline, ...]:
    return tuple(timelines[k] for k in sorted(timelines, key=lambda k: (k[1], k[0])))


def _with_ledger(timelines: dict[FlagId, Timeline], recorded: dict[FlagId, Timeline],
                 first: str) -> dict[FlagId, Timeline]:
    """Git timelines, completed from flagaudit.lock where history does not reach.

    Keys history never saw come from the ledger whole (retired before history
    begins, or squashed away). A key already there at the first commit read (a
    shallow clone's boundary, a squashed root) was not born there when the
    ledger knows an earlier life; a key born later is reborn if the ledger saw
    it retired before. Ledger events git also has are not repeated, and a life
    the ledger recorded under another commit (a squash merge) is not doubled.
    """
    merged = dict(timelines)
    for identity, story in recorded.items():
        found = timelines.get(identity)
        if found is None:
            merged[identity] = story
            continue
        start, seen = found.events[0], {e.commit for e in found.events}
        at_start = start.commit == first
        earlier = [e for e in story.events if e.commit not in seen and (
            e.date[:10] <= start.date[:10] if at_start else e.date[:10] < start.date[:10])]
        ended = bool(earlier) and earlier[-1].kind == "retired"
        if earlier and (at_start or (ended and start.kind == "born")):
            reborn = [replace(start, kind="reborn")] if ended else []
            merged[identity] = replace(found, events=(*earlier, *reborn, *found.events[1:]))
    return merged


# -- the walk ------------------------------------------------------------------------------------------------


Item = tuple[FlagId, SiteRef | tuple[str, str]]
"""What a file gives a key: a site, or a definition as (action, path)."""


class _Recorder(dict):  # type: ignore[type-arg]
    """A symbol table that notes each name looked up while ``seen`` is set, found or not.

    Resolution is a function of the names it looks up, so the names a file's
    keys went through say exactly which changes can change them.
    """

    seen: set[str] | None = None

    def get(self, key: str, default: Any = None) -> Any:
        if self.seen is not None:
            self.seen.add(key)
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        if self.seen is not None:
            self.seen.add(key)  # type: ignore[arg-type]
        return dict.__contains__(self, key)

    def __getitem__(self, key: str) -> Any:
        if self.seen is not None:
            self.seen.add(key)
        return dict.__getitem__(self, key)


class _Walk:
    """Applies commits to the state: files, symbol table, each key's presence, and the events."""

    def __init__(self, state: WalkState, repository: Repository, config: Config, rules: RuleSet,
                 blobs: Blobs, workers: int | None) -> None:
        self.state = state
        self.repository = repository
        self.rules = rules
        self.config = config
        self.blobs = blobs
        self.workers = workers
        self.analysed = 0
        """Files analysed this run."""
        self.reader = repository.blobs()
        self.select = _selector(repository.top, config, rules)
        self.values, self.objects = _Recorder(), _Recorder()
        self.resolver = Resolver(self.values, self.objects)
        self.by_module: dict[str, str] = {}
        self.items: dict[str, tuple[Item, ...]] = {}
        self.depends: dict[str, frozenset[str]] = {}
        """File -> the names its keys were looked up through, found or not."""
        self.dependents: dict[str, set[str]] = {}
        self.tests: dict[str, bool] = {}
        self.named: dict[str, frozenset[str]] = {}
        """Blob -> the setting-like names it spells after a quote or a dot (see :meth:`_named`)."""
        self.presence: dict[FlagId, Counter[SiteRef | tuple[str, str]]] = {}
        self.before: dict[FlagId, Presence] = {}
        for path, entry in state.files.items():
            self._index(path, entry, True)
            if entry.facts:
                self._register(entry.facts, True)
        for path in sorted(state.files):
            self._watch(path)
        self.before.clear()

    # -- reading ahead ---------------------------------------------------------------------------------------

    def prefetch(self, commits: list[Commit], reached: Callable[[Commit], None]) -> None:
        """Read and analyse, in parallel, the new blobs of ``commits`` that the walk will want; ``reached`` hears
        of each commit whose blobs are being read."""
        folders = _Folders(set(self.state.packages), set(self.state.scripts), set(self.state.distributions))
        jobs: dict[str, _Job] = {}
        origin: dict[str, Commit] = {}
        for commit in commits:
            _update_folders(folders, commit.changes, self.reader)
            for change in commit.changes:
                blob = change.blob
                path = self.select(change.path) if blob and change.mode in REGULAR else None
                if path is None or blob is None:
                    continue
                module = _module(change.path, folders) if path.endswith(".py") else ""
                key = _blob_key(blob, path, module)
                needed = self._needed(path, module)
                if key in self.blobs or key in jobs or not needed and self._spared(blob, key, path):
                    continue
                jobs[key] = (blob, path, module, needed)
                origin[key] = commit
        work = list(jobs.values())
        results: Iterable[tuple[bool | None, KeptFacts | None]]
        if len(work) < _PARALLEL_JOBS or self.workers == 1:
            results = (_read_with(self.reader, self.rules, self.config.max_file_size, job) for job in work)
        else:
            setup = (self.repository.blob_source(), self.rules, self.config.max_file_size)
            results = in_workers(_read, work, _open, setup, self.workers)
        for key, (found, facts) in zip(jobs, results, strict=True):
            self._keep(key, jobs[key][0], found, facts)
            reached(origin[key])

    # -- one commit ------------------------------------------------------------------------------------------

    def apply(self, commit: Commit) -> None:
        state = self.state
        removed: dict[str, KeptFile] = {}
        added: dict[str, KeptFile] = {}
        renames: list[tuple[KeptFile, str]] = []
        folders = _Folders(state.packages, state.scripts, state.distributions)
        was = _Folders(set(state.packages), set(state.scripts), set(state.distributions))
        _update_folders(folders, commit.changes, self.reader)
        for change in commit.changes:
            old = change.old_path or change.path
            gone = state.files.pop(old, None)
            if gone is not None:
                removed.setdefault(old, gone)
                added.pop(old, None)
            path = self.select(change.path) if change.status != "D" and change.mode in REGULAR else None
            if path is not None:
                added[change.path] = state.files[change.path] = KeptFile(path, change.blob or "")
                if change.old_path and gone is not None:
                    renames.append((gone, change.path))
        if was != folders:
            # Only a file below a folder that became or stopped being a package (or a script's, or a distribution's
            # root) can be renamed.
            below = tuple(f"{folder}/" for folder in was.changed(folders) if folder)
            for git_path, entry in state.files.items():
                if git_path not in added and git_path.startswith(below) and entry.path.endswith(".py") and \
                        _module(git_path, folders) != entry.module:
                    removed.setdefault(git_path, entry)
                    added[git_path] = state.files[git_path] = KeptFile(entry.path, entry.blob)
        for git_path, entry in added.items():
            entry.module = _module(git_path, folders) if entry.path.endswith(".py") else ""
            entry.facts = self._analyse(entry)
            before = removed.get(git_path)
            if entry.facts and entry.facts.unreadable and before and before.facts and before.module == entry.module:
                entry.facts, entry.traced = before.facts, before.traced  # a broken commit does not retire flags
        changed = self._swap(removed, added)
        for git_path, entry in removed.items():
            self._index(git_path, entry, False)
        for git_path, entry in added.items():
            self._index(git_path, entry, True)
        self._settle(set(removed) | set(added), changed)
        moves = {gone.path: Move(gone.path, state.files[new].path, gone.module, state.files[new].module)
                 for gone, new in renames}
        self._record(commit, moves, removed, added)

    def _record(self, commit: Commit, moves: dict[str, Move], removed: dict[str, KeptFile],
                added: dict[str, KeptFile]) -> None:
        """Turn each touched key's presence before and after the commit into its event."""
        for identity in sorted(self.before, key=lambda i: (i[1], i[0])):
            events = self.state.timelines.get(identity, [])
            retired = bool(events) and _ended(events)
            found = step(self.before[identity], self._presence(identity), retired, moves)
            if found is not None:
                named: tuple[str, ...] = ()
                if identity[0] == SETTINGS_SDK and found.kind in ("retired", "reborn"):
                    files = self.state.files if found.kind == "retired" else \
                        {**{p: e for p, e in self.state.files.items() if p not in added}, **removed}
                    named = self._named(identity[1], files.values())
                event = Event(found.kind, commit.sha, commit.date, commit.author, commit.subject, found.paths,
                              found.added, found.removed, named=named)
                self.state.timelines.setdefault(identity, []).append(event)
        self.before.clear()

    def _named(self, key: str, files: Iterable[KeptFile]) -> tuple[str, ...]:
        """The modules among ``files`` (tests and settings modules aside) that name setting ``key`` as a string or
        an attribute where no check of it is read: when a setting is retired (and before it is reborn), they say
        its reads only went where flagaudit does not follow them (ansible/awx's ``getattr(tower_settings,
        "ACTIVITY_STREAM_ENABLED", True)``, a settings object of its own). Read from the blobs only then."""
        found = []
        for entry in files:
            if not entry.path.endswith(".py") or self._is_test(entry.path) or \
                    is_settings_module(entry.path, entry.module):
                continue
            names = self.named.get(entry.blob)
            if names is None:
                data = self.reader.read(entry.blob) if entry.blob else None
                names = self.named[entry.blob] = frozenset(
                    m.decode("ascii") for m in _NAMED.findall(data or b""))
            if key in names:
                found.append(entry.path)
        return tuple(sorted(found))

    # -- analysis --------------------------------------------------------------------------------------------

    def _analyse(self, entry: KeptFile, traced: frozenset[str] = frozenset()) -> KeptFacts | None:
        """The file's facts if it can matter now, from the blob cache where possible.

        A file matters when a key needs its module, a traced receiver asks for it, or it is not Python
        (text rules read it). Otherwise only when it may hold a site, a definition or a receiver to trace:
        the prefilter lets it through and it is no test, and then only if it does (the rest of a file is
        its symbols, which the walk looks up on demand: a key that needs them makes the module needed).
        """
        key = _blob_key(entry.blob, entry.path, entry.module) + "".join(f":{n}" for n in sorted(traced))
        needed = bool(traced) or self._needed(entry.path, entry.module)
        if not needed and self._spared(entry.blob, key, entry.path):
            return None
        cached = self.blobs.get(key)
        if cached is None:
            rules = replace(self.rules, traced=traced) if traced else self.rules
            found, facts = _read_with(self.reader, rules, self.config.max_file_size,
                                      (entry.blob, entry.path, entry.module, needed))
            self._keep(key, entry.blob, found, facts)
            if found is None:
                return _MISSING
            cached = facts
        return cached if needed or key not in self.blobs.quiet else None

    def _needed(self, path: str, module: str) -> bool:
        """Analysed whatever the prefilter says: text files (the text rules read them), modules keys need, and
        settings modules once a key is read from ``django.conf.settings``."""
        return not path.endswith(".py") or module in self.state.needed or (
            _SETTINGS_NEEDED in self.state.needed and is_settings_module(path, module))

    def _spared(self, blob: str, key: str, path: str) -> bool:
        """Known not to be wanted unless needed: no rule word, nothing but symbols, or a test (tests hold no sites)."""
        return blob in self.blobs.unmatched or key in self.blobs.quiet or self._is_test(path)

    def _keep(self, key: str, blob: str, found: bool | None, facts: KeptFacts | None) -> None:
        """Store what reading a blob gave: facts, a prefilter miss, or (``found`` is None) a blob git lacks."""
        if found is None:
            self.state.missing.add(blob)
        elif not found:
            self.blobs.unmatched.add(blob)
        elif facts is not None:
            self.analysed += 1
            self.blobs.put(key, facts)
            if not (facts.sites or facts.definitions or facts.deferred or facts.unreadable):
                self.blobs.quiet.add(key)

    def _retrace(self, git_path: str) -> None:
        """Analyse the file again if which of its deferred receivers lead to an SDK changed."""
        entry = self.state.files.get(git_path)
        if entry is None or entry.facts is None or not entry.facts.deferred:
            return
        resolver = self.resolver
        traced = frozenset(n for n in entry.facts.deferred
                           if resolver.object(n) is not None or self.rules.made_by_sdk(resolver.origin(n) or ""))
        if traced != entry.traced:
            entry.facts, entry.traced = self._analyse(entry, traced), traced

    # -- symbols ---------------------------------------------------------------------------------------------

    def _swap(self, removed: dict[str, KeptFile], added: dict[str, KeptFile]) -> set[str]:
        """Replace removed files' symbols with added ones'; the names that now mean something else."""
        names = {n for e in (*removed.values(), *added.values()) if e.facts for n in _names(e.facts)}
        before = {n: self._symbol(n) for n in names}
        for entry in removed.values():
            if entry.facts:
                self._register(entry.facts, False)
        for entry in added.values():
            if entry.facts:
                self._register(entry.facts, True)
        return {n for n in names if self._symbol(n) != before[n]}

    def _symbol(self, name: str) -> tuple[Any, Any]:
        return self.values.get(name), self.objects.get(name)

    def _register(self, facts: KeptFacts, add: bool) -> None:
        values, objects = self.values, self.objects
        for name, parts in facts.symbols:
            if add:
                values[name] = parts
            elif values.get(name) == parts:
                del values[name]
        for definition in facts.definitions:
            if definition.symbol is None:
                continue
            if add:
                objects.setdefault(definition.symbol, definition)
            elif objects.get(definition.symbol) == definition:
                del objects[definition.symbol]

    def _index(self, git_path: str, entry: KeptFile, add: bool) -> None:
        if not entry.module:
            return
        if add:
            self.by_module[entry.module] = git_path
        elif self.by_module.get(entry.module) == git_path:
            del self.by_module[entry.module]

    # -- keys ------------------------------------------------------------------------------------------------

    def _settle(self, paths: set[str], changed: set[str]) -> None:
        """Resolve ``paths`` and the files whose keys went through a changed name, until no key needs another file."""
        while True:
            for name in changed:
                paths |= self.dependents.get(name, set())
            wanted: list[str] = []
            for path in sorted(paths):
                wanted += [p for p in self._need(self._watch(path)) if p not in wanted]
            if not wanted:
                return
            newly = {}
            for path in wanted:
                entry = self.state.files[path]
                entry.facts = self._analyse(entry)
                newly[path] = entry
            changed = self._swap({}, newly)
            paths = set(newly)

    def _watch(self, git_path: str) -> set[str]:
        """Resolve the file's keys, noting every name looked up: re-resolved when one of them changes."""
        seen: set[str] = set()
        self.values.seen = self.objects.seen = seen
        try:
            self._retrace(git_path)
            self._set_items(git_path, self._resolve(git_path))
        finally:
            self.values.seen = self.objects.seen = None
        for name in self.depends.pop(git_path, frozenset()) - seen:
            self.dependents[name].discard(git_path)
        for name in seen:
            self.dependents.setdefault(name, set()).add(git_path)
        if seen:
            self.depends[git_path] = frozenset(seen)
        return seen

    def _resolve(self, git_path: str) -> tuple[Item, ...]:
        """What ``git_path`` gives each key: its sites and definitions, resolved."""
        entry = self.state.files.get(git_path)
        if entry is None or entry.facts is None or self._is_test(entry.path):
            return ()
        items: list[Item] = []
        for site in entry.facts.sites:
            for resolved, key, _ in resolve_sites(site, self.resolver):
                if key is not None and is_flag_setting(key, [resolved]):
                    ref = SiteRef(site.path, site.function, site.fingerprint, check_form(site))
                    items.append(((resolved.sdk, key), ref))
        for definition in entry.facts.definitions:
            key, _ = self.resolver.key(definition.key_ref)
            if key is not None:
                items.append(((definition.sdk, key), (definition.action, definition.path)))
        return tuple(sorted(items, key=repr))

    def _is_test(self, path: str) -> bool:
        found = self.tests.get(path)
        if found is None:
            found = self.tests[path] = is_test_path(path, self.config.test_paths)
        return found

    def _need(self, names: Iterable[str]) -> list[str]:
        """Files not analysed yet that hold a module one of ``names`` lives in; the modules are needed from now on.
        A name of ``django.conf.settings`` lives in the project's settings modules (``waffle.flag_is_active(r,
        settings.SUGGESTED_SEARCHES_FLAG)``, the key a settings module's constant): all of them are needed."""
        names = tuple(names)
        found = []
        if _SETTINGS_NEEDED not in self.state.needed and any(n.startswith(f"{DJANGO_SETTINGS}.") for n in names):
            self.state.needed.add(_SETTINGS_NEEDED)
            found += [path for module, path in sorted(self.by_module.items())
                      if self.state.files[path].facts is None and is_settings_module(path, module)]
        for name in names:
            parts = name.split(".")
            for size in range(1, len(parts) + 1):
                module = ".".join(parts[:size])
                self.state.needed.add(module)
                path = self.by_module.get(module)
                if path is not None and self.state.files[path].facts is None:
                    found.append(path)
        return found

    def _set_items(self, git_path: str, items: tuple[Item, ...]) -> None:
        old = self.items.get(git_path, ())
        if old == items:
            return
        for identity in {i for i, _ in (*old, *items)}:
            if identity not in self.before:
                self.before[identity] = self._presence(identity)
        for identity, item in old:
            counter = self.presence[identity]
            counter[item] -= 1
            if counter[item] <= 0:
                del counter[item]
        for identity, item in items:
            self.presence.setdefault(identity, Counter())[item] += 1
        if items:
            self.items[git_path] = items
        else:
            self.items.pop(git_path, None)

    def _presence(self, identity: FlagId) -> Presence:
        """A key's sites and definitions; a deletion (a data migration removing the flag) cancels definitions."""
        counter = self.presence.get(identity, Counter())
        sites = tuple(sorted(i for i in counter.elements() if isinstance(i, SiteRef)))
        actions = [i for i in counter.elements() if not isinstance(i, SiteRef)]
        deleted = any(action == "delete" for action, _ in actions)
        return Presence(sites, () if deleted else tuple(sorted(path for _, path in actions)))


_Job = tuple[str, str, str, bool]
"""(blob, path, module, needed): ``needed`` files are analysed whatever the prefilter says."""

_MISSING = KeptFacts(unreadable=True)
"""What a blob git cannot read gives: the file's last readable version stands in for it."""

_worker: dict[str, Any] = {}


def _open(source: BlobSource, rules: RuleSet, max_bytes: int) -> None:
    """In each worker: its own reader of blobs, and what extraction needs."""
    _worker.update(reader=source.open(), rules=rules, max_bytes=max_bytes)


def _read(job: _Job) -> tuple[bool | None, KeptFacts | None]:
    return _read_with(_worker["reader"], _worker["rules"], _worker["max_bytes"], job)


def _read_with(reader: BlobReader, rules: RuleSet, max_bytes: int, job: _Job) -> tuple[bool | None, KeptFacts | None]:
    """A blob read and, if the prefilter lets it through, analysed: (found, facts); ``found`` is None when git
    does not have the blob, False when no rule word is in it."""
    blob, path, module, needed = job
    data = reader.read(blob)
    if data is None:
        return None, None
    if not needed and not mentions(data, rules, alone=True):
        return False, None
    return True, _slim(extract(path, module, data, rules, max_bytes))


def _walk(repository: Repository, config: Config, rules: RuleSet,
          options: HistoryOptions) -> tuple[WalkState, int, list[str], str]:
    """Bring the kept walk up to HEAD, or walk from the first commit when it cannot be continued; with the
    kept state's ``name:digest`` (:meth:`WalkStore.fingerprint`)."""
    store = WalkStore((config.cache_dir or config.root / ".flagaudit_cache") if options.use_cache else None,
                      config, rules, repository.top)
    state = store.state()
    new = _since(repository, state)
    resume = new is not None and state is not None and \
        not any(repository.blobs().read(blob) is not None for blob in state.missing)  # fetched since
    if state is None or new is None or not resume:
        chain = repository.first_parents()
        state, new = WalkState(first=chain[-1], first_date=repository.commit_date(chain[-1])), chain
    commits, note = repository.commits(state.head if resume else None, _pathspecs(repository.top, config, rules))
    if not resume:
        state.earlier = earlier_names(commits, rules)
    blobs = store.blobs() if not resume else None
    if blobs is None or blobs.earlier != state.earlier:  # none kept, or extracted with other names for the helpers
        blobs = Blobs(earlier=state.earlier)
    walk = _Walk(state, repository, config, with_earlier_names(rules, state.earlier), blobs, options.workers)
    position = {sha: len(new) - index for index, sha in enumerate(new)}
    progress = options.progress
    highest = 0

    def reached(commit: Commit) -> None:
        """Chunks are read ahead in parallel and may finish out of order: the count shown only goes up."""
        nonlocal highest
        highest = max(highest, position[commit.sha])
        if progress is not None:
            progress(STAGE, highest, len(new), f"commits · {walk.analysed:,} files analysed")

    for chunk in _chunks(commits):
        walk.prefetch(chunk, reached)
        for commit in chunk:
            walk.apply(commit)
            reached(commit)
    if new:
        state.skipped = {path: "submodule: its history is not analysed"
                         for path, mode, _ in repository.tree(new[0]) if mode == SUBMODULE}
        state.head, state.commits = new[0], state.commits + len(new)
    if new:
        store.save(state, None if resume else blobs)
    return state, len(commits), [n for n in (note, store.warning) if n], store.fingerprint()


def _since(repository: Repository, state: WalkState | None) -> list[str] | None:
    """The first-parent commits since the kept walk's head, newest first; ``None`` when the walk cannot be
    continued: there is none, its head is not on HEAD's first-parent chain, or its first commit is no longer the
    chain's (a shallow clone deepened or cut shorter: only there is the whole chain listed to tell)."""
    if state is None or state.head is None or state.first is None:
        return None
    if repository.shallow:
        chain = repository.first_parents()
        return chain[:chain.index(state.head)] if state.first == chain[-1] and state.head in set(chain) else None
    if not repository.parentless(state.first):
        return None  # walked from where a shallow clone started, which has been deepened since
    return repository.first_parents_after(state.head)


def _chunks(commits: list[Commit]) -> Iterator[list[Commit]]:
    for start in range(0, len(commits), _CHUNK):
        yield commits[start:start + _CHUNK]


def _pathspecs(top: Path, config: Config, rules: RuleSet) -> tuple[tuple[str, ...], ...]:
    """Pathspecs for every file the walk may read, Python files and what the text rules' globs name, so git
    neither lists nor compares for renames anything else (vendored archives, images, binaries).

    A superset of :func:`_selector`'s choice: each glob becomes ``**/*`` and its literal ending.
    """
    top, root = top.resolve(), config.root.resolve()
    prefix = _glob_escape(_relative(root, top)) + "/" if root != top and root.is_relative_to(top) else ""
    endings = dict.fromkeys(re.split(r"[*?[\]/\\]", glob)[-1] for glob in rules.file_globs)
    texts = tuple(f":(glob){prefix}**/*{_glob_escape(ending)}" for ending in endings)
    return ((f":(glob){prefix}**/*.py",), texts) if texts else ((f":(glob){prefix}**/*.py",),)


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[\\])", r"\\\1", text)


# -- small pure helpers ----------------------------------------------------------------------------------------


def _selector(top: Path, config: Config, rules: RuleSet) -> Callable[[str], str | None]:
    """Which files of the tree the scan would analyse: a path relative to the top -> relative to the root, or None."""
    top, root = top.resolve(), config.root.resolve()
    if root.is_relative_to(top):
        strip, add = _relative(root, top), ""
    elif top.is_relative_to(root):
        strip, add = "", _relative(top, root) + "/"
    else:
        return lambda path: None
    prefixes = [_relative(t.resolve(), root) for t in config.paths if t.resolve().is_relative_to(root)]
    text_globs = rules.file_globs

    def select(path: str) -> str | None:
        if strip:
            if not path.startswith(strip + "/"):
                return None
            path = path[len(strip) + 1:]
        path = add + path
        if not any(not p or path == p or path.startswith(p + "/") for p in prefixes):
            return None
        return path if wanted(path, text_globs) and not excluded(path, config.exclude) else None

    return select


def _relative(path: Path, base: Path) -> str:
    """``path`` under ``base`` in POSIX form; ``""`` for ``base`` itself."""
    relative = path.relative_to(base).as_posix()
    return "" if relative == "." else relative


@dataclass(frozen=True)
class _Folders:
    """What module names are made from at one commit: the folders holding an ``__init__.py``, those holding a
    :data:`SCRIPT` that does not name its own folder's package, and the files that make a distribution's root."""

    packages: set[str]
    scripts: set[str]
    distributions: set[str]

    def changed(self, other: _Folders) -> set[str]:
        """The folders whose part in module names differs between the two."""
        return self.packages ^ other.packages | self.scripts ^ other.scripts | {
            path.rpartition("/")[0] for path in self.distributions ^ other.distributions}


def _update_folders(folders: _Folders, changes: Sequence[Change], reader: BlobReader) -> None:
    """Keep ``folders`` in step with a commit's files coming and going (a :data:`SCRIPT`'s blob read, against the
    packages the commit leaves, for :func:`names_itself`)."""
    for name, kept in (("__init__.py", folders.packages), (SCRIPT, folders.scripts)):
        for change in changes:
            old = change.old_path or change.path
            if old.rpartition("/")[2] == name and (change.status in "DR" or change.mode not in REGULAR):
                kept.discard(old.rpartition("/")[0])
            if change.path.rpartition("/")[2] == name and change.status != "D" and change.mode in REGULAR:
                folder = change.path.rpartition("/")[0]
                if kept is folders.scripts and names_itself(folder, reader.read(change.blob or "") or b"",
                                                            functools.partial(_holds, folders.packages, folder)):
                    kept.discard(folder)
                else:
                    kept.add(folder)
    for change in changes:
        old = change.old_path or change.path
        if old.rpartition("/")[2] in DISTRIBUTION and (change.status in "DR" or change.mode not in REGULAR):
            folders.distributions.discard(old)
        if change.path.rpartition("/")[2] in DISTRIBUTION and change.status != "D" and change.mode in REGULAR:
            folders.distributions.add(change.path)


def _holds(packages: set[str], folder: str, name: str) -> bool:
    """Whether ``folder`` holds the package ``name``."""
    return f"{folder}/{name}".lstrip("/") in packages


def _module(path: str, folders: _Folders) -> str:
    """The dotted module name of a file at ``path``, from the folders of that commit."""
    return module_name(path, lambda folder: folder in folders.packages and folder not in folders.scripts,
                       folders.scripts.__contains__,
                       lambda folder: any(f"{folder}/{name}" in folders.distributions for name in DISTRIBUTION))


def _blob_key(blob: str, path: str, module: str) -> str:
    return f"{blob}:{path}:{module}"


def _slim(facts: FileFacts) -> KeptFacts:
    return KeptFacts(facts.symbols.constants if facts.symbols else (), facts.sites, facts.definitions, facts.deferred,
                  facts.skipped is not None)


def _names(facts: KeptFacts) -> set[str]:
    return {name for name, _ in facts.symbols} | {d.symbol for d in facts.definitions if d.symbol}


def _ended(events: list[Event]) -> bool:
    """Whether the key's last life has ended."""
    return next((e.kind == "retired" for e in reversed(events) if e.kind != "changed" and e.kind != "moved"), False)
