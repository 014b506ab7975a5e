"""``flagaudit history``: timelines with the lifecycle findings they date. Nothing here prints.

History is read from git (or flagaudit.lock) with the rules the scan of the working tree extended with the
project's own flag helpers, and the flags in the code now are judged against the lifecycle policies. (The
gate, the ledger and the report read history themselves, through :func:`flagaudit.history.walk.history`.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from flagaudit.checks import CheckInput
from flagaudit.checks.run import run_checks
from flagaudit.checks.suppression import finish
from flagaudit.config import Config
from flagaudit.facts import Finding, Flag, Skipped
from flagaudit.history.walk import History, HistoryOptions, history
from flagaudit.policies import load_policies
from flagaudit.scan.project import ScanOptions, scan_graphed
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


def lifecycle(config: Config, rules: RuleSet, options: HistoryOptions = HistoryOptions(),
              as_of: date | None = None) -> Lifecycle:
    """Timelines for every key, and the lifecycle findings for the flags in the code as of ``as_of`` (today).

    History reads with the rules the scan extended with the project's own flag
    helpers (wrappers, predicates) and the data files its modules load, so timelines see the sites the scan sees.
    """
    scanned = scan_graphed(config, rules, ScanOptions(use_cache=options.use_cache, workers=options.workers,
                                                      progress=options.progress), with_graph=False)
    inventory = scanned.inventory
    found = history(config, scanned.rules, options)
    if found.bare:
        return Lifecycle(found, skipped=found.skipped,
                         notes=(*found.notes,
                                "no working tree: lifecycle findings need the code, only timelines shown"))
    policies = load_policies(config, scanned.documented)
    findings = run_checks(CheckInput(inventory.flags, timelines=found.timelines, policies=policies,
                                     as_of=as_of or date.today()), "timelines")
    return Lifecycle(found, inventory.flags, finish(findings, inventory.flags), (*found.skipped, *inventory.skipped),
                     tuple(dict.fromkeys((*found.notes, *inventory.notes))))
