"""``flagaudit compare``: does every key mean the same on every version that runs at once? Nothing here prints.

Each ref's tree is read from git objects (no checkout) and analysed with the scan's per-file extraction and
content-hash cache, so a version already seen, or files shared between versions, cost a cache look-up.
Whether a key was retired and reborn between two versions comes from history (or flagaudit.lock where
history does not reach). The verdicts and FA204 are :mod:`flagaudit.checks.skew`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from flagaudit.checks.skew import KeyVerdict, Reborn, Version, compare_versions
from flagaudit.checks.suppression import finish
from flagaudit.config import Config
from flagaudit.errors import FlagauditError
from flagaudit.facts import Event, FileFacts, Finding, Inventory, Skipped
from flagaudit.gitrepo import Repository, open_repository
from flagaudit.history.ledger import LEDGER_FILE, ledger_timelines, read_ledger
from flagaudit.history.tree import tree_sources
from flagaudit.history.walk import HistoryOptions, history
from flagaudit.model.callgraph import CallGraph, build_graph
from flagaudit.model.resolve import build_flags, is_test_path
from flagaudit.model.wrappers import wrapper_functions
from flagaudit.scan.cache import FactCache
from flagaudit.scan.project import ScanOptions, analyse, scan_inputs, with_helpers
from flagaudit.sdk_rules import RuleSet

_LABEL = re.compile(r"[^\s#]+")


@dataclass(frozen=True)
class CompareOptions:
    """What to compare and how."""

    refs: tuple[tuple[str, str], ...]
    """(label, ref) in the order given: ``--deployed`` lines first, then refs from the command line."""
    key: str | None = None
    """Only this key: the question before one flag flip."""
    no_history: bool = False
    """Judge "retired and reborn in between" from flagaudit.lock alone (shallow clones)."""
    use_cache: bool = True
    workers: int | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """The versions compared, each key's verdict per pair, and the FA204 findings."""

    versions: tuple[Version, ...]
    verdicts: tuple[KeyVerdict, ...]
    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = ()

    def inventory(self) -> Inventory:
        """The newest version as an inventory holding the findings, for the formats ``check`` writes."""
        newest = self.versions[-1]
        return Inventory(root="", flags=newest.flags, skipped=self.skipped, findings=self.findings,
                         notes=self.notes)


def parse_deployed(text: str, name: str) -> tuple[tuple[str, str], ...]:
    """``deployed.txt``: one version per line, ``REF`` or ``LABEL REF``; blank lines and ``#`` comments skipped."""
    refs = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if len(words) > 2 or not all(_LABEL.fullmatch(w) for w in words):
            raise FlagauditError(f"{name}:{number}: expected 'REF' or 'LABEL REF', got {raw.strip()!r}")
        label, ref = (words[0], words[1]) if len(words) == 2 else (words[0], words[0])
        refs.append((label, ref))
    if not refs:
        raise FlagauditError(f"{name}: no deployed versions in it (one per line: 'LABEL REF')")
    return tuple(refs)


def compare(config: Config, rules: RuleSet, options: CompareOptions) -> Comparison:
    """Every key live on any of ``options.refs``, judged on every pair of distinct versions; FA204 findings."""
    if len(options.refs) < 2:
        raise FlagauditError("compare needs at least two refs (on the command line or in --deployed)")
    repository = open_repository(config.root)
    if repository is None:
        raise FlagauditError(f"{config.root} is not in a git repository: compare reads versions from git")
    folder = (config.cache_dir or config.root / ".flagaudit_cache") if options.use_cache else None
    cache = FactCache(folder, config.root)
    # the data files modules bind their globals from, found in the working tree, are read at every version, as
    # history reads them (scan/data_files.py)
    rules = scan_inputs(config, rules, ScanOptions(use_cache=options.use_cache, workers=options.workers)).rules
    try:
        commits = _resolve(repository, options.refs)
        versions, skipped, with_helpers = [], [], rules
        graphs = _Graphs(config)
        for commit, labels, names in commits:
            version, facts, missing, with_helpers = _version(repository, commit, (tuple(labels), tuple(names)),
                                                             config, rules, cache, options)
            versions.append(version)
            graphs.facts[commit] = facts
            skipped.extend(missing)
        reborn = _reborn(repository, config, with_helpers, options)
    finally:
        repository.close()
    notes = [n for n in (cache.warning, cache.save()) if n]
    if len(versions) == 1:
        notes.append(f"every ref names one commit ({versions[0].commit[:12]}): one version runs, so no key can "
                     "mean two things")
    verdicts, findings = compare_versions(versions, reborn, graphs.get, options.key)
    newest = versions[-1].flags
    return Comparison(tuple(versions), tuple(verdicts), finish(findings, newest, options.select, options.ignore),
                      tuple(sorted(set(skipped), key=lambda s: (s.path, s.reason))), tuple(notes))


def _resolve(repository: Repository, refs: tuple[tuple[str, str], ...]) -> list[tuple[str, list[str], list[str]]]:
    """(commit, labels, refs) per distinct commit, oldest first by committer date; an unknown ref is an error."""
    named: dict[str, tuple[list[str], list[str]]] = {}
    for label, ref in refs:
        commit = repository.resolve(ref)
        if commit is None:
            raise FlagauditError(_unknown(repository, ref))
        labels, names = named.setdefault(commit, ([], []))
        for value, into in ((label, labels), (ref, names)):
            if value not in into:
                into.append(value)
    order = sorted(named, key=lambda c: (repository.commit_date(c), list(named).index(c)))
    return [(c, *named[c]) for c in order]


def _unknown(repository: Repository, ref: str) -> str:
    """Why ``ref`` does not resolve, and what to do: fetch it, or it is not from this repository."""
    shown = ref.encode("unicode_escape").decode("ascii")
    if repository.shallow:
        return (f"unknown ref {shown!r}: this is a shallow clone and does not have it; fetch it with "
                f"`git fetch --depth=1 origin {shown}` (or `git fetch --unshallow`)")
    if re.fullmatch(r"[0-9a-fA-F]{7,40}", ref):
        return f"unknown ref {shown!r}: no such commit in {repository.top} (a commit of another repository?)"
    return f"unknown ref {shown!r}: not a branch, tag or commit of {repository.top} (try `git fetch --tags`)"


def _version(repository: Repository, commit: str, named: tuple[tuple[str, ...], tuple[str, ...]], config: Config,
             rules: RuleSet, cache: FactCache,
             options: CompareOptions) -> tuple[Version, list[FileFacts], list[Skipped], RuleSet]:
    """One version's flags and facts, from its tree; the rules extended with its own flag helpers."""
    sources, skipped = tree_sources(repository, commit, config, rules)
    facts, inferred = analyse(sources, rules, config, cache, options.workers)
    skipped.extend(Skipped(f.path, f.skipped) for f in facts if f.skipped)
    flags = build_flags(facts, config.test_paths, config.settings_paths, wrapper_functions(inferred))
    return Version(*named, commit, flags), facts, skipped, with_helpers(rules, inferred)


class _Graphs:
    """Each version's call graph, built from its facts the first time a verdict needs it (most never do)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.facts: dict[str, list[FileFacts]] = {}
        self.built: dict[str, CallGraph] = {}

    def get(self, version: Version) -> CallGraph | None:
        if version.commit not in self.built:
            config = self.config

            def is_test(path: str) -> bool:
                return is_test_path(path, config.test_paths)

            self.built[version.commit] = build_graph(self.facts[version.commit], is_test, config.entry_points,
                                                     config.scripts)
        return self.built[version.commit]


def _reborn(repository: Repository, config: Config, rules: RuleSet, options: CompareOptions) -> Reborn:
    """Whether a key was retired and referenced again between two versions: from history where it reaches
    (events whose commits lie between them), else from flagaudit.lock (events dated between them)."""
    if options.no_history:
        ledger = read_ledger(config.root / LEDGER_FILE)
        timelines = ledger_timelines(ledger) if ledger else {}
    else:
        found = history(config, rules, HistoryOptions(use_cache=options.use_cache, workers=options.workers))
        timelines = {(t.sdk, t.key): t for t in found.timelines}
    dates: dict[str, str] = {}

    def date_of(commit: str) -> str:
        if commit not in dates:
            dates[commit] = repository.commit_date(commit)[:10]
        return dates[commit]

    def reborn(identity: tuple[str, str], old: Version, new: Version) -> bool:
        timeline = timelines.get(identity)
        if timeline is None:
            return False
        between = repository.commits_between(old.commit, new.commit) | repository.commits_between(new.commit,
                                                                                                     old.commit)
        low, high = sorted((date_of(old.commit), date_of(new.commit)))
        return _retired_then_back([e for e in timeline.events if e.commit in between or (
            e.source != "git" and low < e.date[:10] <= high)])

    return reborn


def _retired_then_back(events: list[Event]) -> bool:
    retired = False
    for event in events:
        if event.kind == "retired":
            retired = True
        elif event.kind in ("reborn", "born") and retired:
            return True
    return False


def read_deployed(path: Path) -> tuple[tuple[str, str], ...]:
    """The versions listed in a deployed file (a path the user gave on the command line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FlagauditError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    return parse_deployed(text, str(path))

