"""``flagaudit ledger``: flagaudit.lock brought up to date with history and the code, and either checked
(``--check``) or written, with an acceptance (``--accept``) or the adoption baseline (``--adopt``). Nothing
here prints.

Writing never records a meaning the gate blocks: the gate without history would then pass it. A file with
merge conflict markers is merged from both sides first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from flagaudit.checks.suppression import finish
from flagaudit.commands.check import CheckOptions, check, meaning_judgement
from flagaudit.config import Config
from flagaudit.errors import FlagauditError
from flagaudit.facts import Finding, Inventory
from flagaudit.gitrepo import find_repository, git_available, open_repository, user_identity
from flagaudit.history.ledger import (
    LEDGER_FILE,
    Adoption,
    Ledger,
    LedgerConflict,
    accept,
    adoption_at,
    build_ledger,
    ledger_changes,
    merge_conflict,
    read_ledger,
    write_ledger,
)
from flagaudit.history.walk import HistoryOptions, history
from flagaudit.policies import load_policies
from flagaudit.scan.project import ScanOptions, scan_graphed
from flagaudit.sdk_rules import RuleSet


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

    @property
    def current(self) -> bool:
        """The file on disk is what it should be, and the gate blocks nothing it would record."""
        return not self.changes and not self.blocked


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
    policies = load_policies(config, scanned.documented)
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


@dataclass(frozen=True)
class LedgerRecord:
    """What ``flagaudit ledger`` (without ``--check``) did."""

    update: LedgerUpdate
    """The update judged; its ledger carries the acceptance when one was recorded."""
    blocked: tuple[Finding, ...] = ()
    """What kept the file from being written: meanings the gate blocks that no ``--accept`` covers."""
    adoption: Adoption | None = None
    """The adoption baseline recorded (or, when blocked, that would have been)."""
    gate: Inventory | None = None
    """The gate's verdict once the adoption baseline is written."""
    problem: str | None = None
    """Why the acceptance could not be recorded; reported after what the merge of a conflicted file did, since
    that file was rewritten all the same."""


def record_ledger(config: Config, rules: RuleSet, options: HistoryOptions = HistoryOptions(),
                  as_of: date | None = None, accept_key: str | None = None, adopt: bool = False,
                  reason: str = "") -> LedgerRecord:
    """Merge a conflicted flagaudit.lock, bring it up to date, record an acceptance of ``accept_key``'s meaning
    or (``adopt``) the adoption baseline at HEAD, both with ``reason``, and write it, unless it would record
    a meaning the gate blocks."""
    adoption = None
    if adopt:
        commit, when = adoption_point(config)
        adoption = adoption_at(commit, when, who_accepts(config.root), reason)
    update = update_ledger(config, rules, options, as_of, merge=True, adoption=adoption)
    blocked = tuple(f for f in update.blocked if f.flag != accept_key)
    if blocked:
        return LedgerRecord(update, blocked, adoption)
    if accept_key is not None:
        try:
            accepted = accept(update.ledger, accept_key, who_accepts(config.root), reason, as_of or date.today())
        except FlagauditError as exc:
            return LedgerRecord(update, adoption=adoption, problem=str(exc))
        update = replace(update, ledger=accepted)
    write_ledger(update.path, update.ledger)
    gate = None if adoption is None else check(config, rules, CheckOptions(as_of=as_of, use_cache=options.use_cache,
                                                                           workers=options.workers))
    return LedgerRecord(update, adoption=adoption, gate=gate)


def who_accepts(root: Path) -> str:
    """The git identity accepting a meaning (``user.name <user.email>``), or the login name."""
    return user_identity(find_repository(root) if git_available() else None) or os.environ.get("USER", "unknown")
