"""``flagaudit history`` and ``flagaudit ledger``: timelines with the lifecycle findings they date, and
flagaudit.lock brought up to date. Nothing here prints.

Each reads history from git (or flagaudit.lock) with the rules the scan of the working tree extended with
the project's own flag helpers, and judges the flags in the code now against the lifecycle policies. (The
gate and the report read history themselves, through :func:`flagaudit.history.walk.history`.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from flagaudit.checks import CheckInput
from flagaudit.checks.run import run_checks
from flagaudit.checks.suppression import finish
from flagaudit.commands.check import meaning_judgement
from flagaudit.config import Config
from flagaudit.errors import FlagauditError
from flagaudit.facts import Finding, Flag, Skipped
from flagaudit.gitrepo import open_repository
from flagaudit.history.ledger import (
    LEDGER_FILE,
    Adoption,
    Ledger,
    LedgerConflict,
    build_ledger,
    ledger_changes,
    merge_conflict,
    read_ledger,
    write_ledger,
)
from flagaudit.history.walk import History, HistoryOptions, history
from flagaudit.policies import load_policies
from flagaudit.scan.project import ScanOptions, scan_graphed, scan_inferring
from flagaudit.sdk_rules import RuleSet


@dataclass(frozen=True)
class Lifecycle:
    """History, the flags in the code now, and the lifecycle findings (FA101-FA103, FA401 on toggle_name)."""

    history: History
    flags: tuple[Flag, ...] = ()
    findings: tuple[Finding, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = ()

    def only(self, keys: Iterable[str]) -> Lifecycle:
        """The timelines and findings of ``keys`` alone, with a note for each key history never saw."""
        wanted = set(keys)
        timelines = tuple(t for t in self.history.timelines if t.key in wanted)
        unknown = sorted(wanted - {t.key for t in timelines})
        return replace(self, history=replace(self.history, timelines=timelines),
                       findings=tuple(f for f in self.findings if f.flag in wanted),
                       notes=(*self.notes, *(f"no history for {key!r}" for key in unknown)))


@dataclass(frozen=True)
class LedgerUpdate:
    """The ledger as it is on disk and as it should be, and why they differ."""

    path: Path
    previous: Ledger | None
    ledger: Ledger
    changes: tuple[str, ...]
    notes: tuple[str, ...] = ()
    blocked: tuple[Finding, ...] = ()
    """What the gate blocks (FA201-FA203 errors, judged against the ledger on disk): writing the ledger would
    record those meanings as the keys' own, and the gate without history would pass them."""
    merged: tuple[str, ...] = ()
    """What merging a conflicted file did, one line each; empty when there was no conflict."""


def lifecycle(config: Config, rules: RuleSet, options: HistoryOptions = HistoryOptions(),
              as_of: date | None = None) -> Lifecycle:
    """Timelines for every key, and the lifecycle findings for the flags in the code as of ``as_of`` (today).

    History reads with the rules the scan extended with the project's own flag
    helpers (wrappers, predicates), so timelines see the sites the scan sees.
    """
    inventory, with_helpers = scan_inferring(config, rules, ScanOptions(use_cache=options.use_cache,
                                                                        workers=options.workers,
                                                                        progress=options.progress))
    found = history(config, with_helpers, options)
    if found.bare:
        return Lifecycle(found, skipped=found.skipped,
                         notes=(*found.notes,
                                "no working tree: lifecycle findings need the code, only timelines shown"))
    policies = load_policies(config)
    findings = run_checks(CheckInput(inventory.flags, timelines=found.timelines, policies=policies,
                                     as_of=as_of or date.today()), "timelines")
    return Lifecycle(found, inventory.flags, finish(findings, inventory.flags), (*found.skipped, *inventory.skipped),
                     tuple(dict.fromkeys((*found.notes, *inventory.notes))))


def update_ledger(config: Config, rules: RuleSet, options: HistoryOptions = HistoryOptions(),
                  as_of: date | None = None, merge: bool = False,
                  adoption: Adoption | None = None) -> LedgerUpdate:
    """flagaudit.lock brought up to date with history and the code, and what the gate blocks; writing it is the
    caller's choice.

    A file with merge conflict markers is an error, unless ``merge``: then both sides are merged and the
    merged file is written first (history reads it for what git does not reach), and brought up to date.
    ``adoption`` is a new adoption baseline (``ledger --adopt``): the gate's block is judged under it, and the
    ledger records it.
    """
    path = config.root / LEDGER_FILE
    merged: list[str] = []
    if merge:
        try:
            read_ledger(path)
        except LedgerConflict as conflict:
            resolved, merged = merge_conflict(conflict)
            write_ledger(path, resolved)
    scanned = scan_graphed(config, rules, ScanOptions(use_cache=options.use_cache, workers=options.workers))
    found = history(config, scanned.rules, options)
    if found.bare:
        raise FlagauditError(f"{config.root} is a bare repository: there is no working tree to keep {LEDGER_FILE} in")
    previous = read_ledger(path)
    today = as_of or date.today()
    flags = scanned.inventory.flags
    policies = load_policies(config)
    ledger = build_ledger(previous, found.timelines, flags, policies, today)
    judging = previous
    if adoption is not None:
        ledger = replace(ledger, adoption=adoption)
        judging = replace(previous or Ledger(), adoption=adoption)
    judged = finish([f for f in meaning_judgement(flags, found.timelines, judging, scanned.graph, today, policies)
                     if not f.baseline], flags)
    notes = tuple(dict.fromkeys((*found.notes, *scanned.inventory.notes)))  # both read the cache folder
    return LedgerUpdate(path, previous, ledger, tuple(ledger_changes(previous, ledger)), notes,
                        tuple(f for f in judged if f.severity == "error"), tuple(merged))


def adoption_point(config: Config) -> tuple[str, datetime]:
    """HEAD's commit and its committer date: where ``flagaudit ledger --adopt`` puts the baseline."""
    repository = open_repository(config.root)
    if repository is None or repository.head is None:
        raise FlagauditError(f"--adopt: {config.root} has no git commit to adopt at (commit first)")
    try:
        return repository.head, datetime.fromisoformat(repository.commit_date(repository.head))
    finally:
        repository.close()
