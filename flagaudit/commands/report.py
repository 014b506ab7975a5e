"""Gather what the report needs: history, the gate's findings, the owners. Nothing here prints.

Built on :func:`flagaudit.history.walk.history` (timelines) and
:func:`flagaudit.commands.check.check` (every finding). The gate scans and reads history
itself; running it after the report's own scan and history walk (with the
same inferred wrappers) costs only cache loads. With
``use_cache=False`` both run against a throw-away cache folder, so history is
still read once and the user's cache is neither read nor written.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from flagaudit import __version__
from flagaudit.commands.check import CheckOptions, check
from flagaudit.config import Config
from flagaudit.errors import FlagauditError
from flagaudit.history.walk import HistoryOptions, history
from flagaudit.policies import load_policies
from flagaudit.report.data import (
    HistorySummary,
    ReportData,
    build_report,
    needs_owner,
    report_period,
)
from flagaudit.report.owners import find_owners
from flagaudit.scan.project import ScanOptions, scan_inferring
from flagaudit.sdk_rules import RuleSet

Progress = Callable[[str, int, int], None]
"""(stage, done, total) as the report runs; ``total`` 0 when the stage cannot count."""

STAGES = {"history": "reading history", "scan": "scanning the code", "owners": "finding owners"}


@dataclass(frozen=True)
class ReportOptions:
    since: date | None = None
    until: date | None = None
    """The period; by default the last full quarter before ``as_of``."""
    as_of: date | None = None
    """"Today" for ages and deadlines (default: the current date)."""
    use_cache: bool = True
    workers: int | None = None


def report(config: Config, rules: RuleSet, options: ReportOptions = ReportOptions(),
           progress: Progress | None = None) -> ReportData:
    """The quarterly cleanup report's data for the project ``config`` describes."""
    as_of = options.as_of or date.today()
    try:
        since, until = report_period(as_of, options.since, options.until)
    except ValueError as exc:
        raise FlagauditError(str(exc)) from None
    step = progress or _silent
    with _cache(config, options.use_cache) as cached:
        step(STAGES["scan"], 0, 0)
        _, with_helpers = scan_inferring(cached, rules, ScanOptions(workers=options.workers))
        found = history(cached, with_helpers, HistoryOptions(
            True, options.workers, lambda done, total: step(STAGES["history"], done, total)))
        inventory = check(cached, rules, CheckOptions(as_of=as_of, use_cache=True, workers=options.workers))
    policies = load_policies(config)
    step(STAGES["owners"], 0, 0)
    owners, owner_notes = find_owners(needs_owner(inventory), policies, config.root,
                                      lambda done, total: step(STAGES["owners"], done, total))
    notes = [*inventory.notes, *owner_notes]
    if inventory.skipped:
        notes.append(f"{len(inventory.skipped)} file(s) could not be analysed (`flagaudit scan` lists them)")
    return build_report(inventory, found.timelines, policies, owners, since, until, as_of,
                        project=config.root.name, history=HistorySummary(found.commits, found.head or "",
                                                                         found.first or "", found.partial),
                        notes=notes, version=__version__)


@contextmanager
def _cache(config: Config, use_cache: bool) -> Iterator[Config]:
    if use_cache:
        yield config
        return
    with tempfile.TemporaryDirectory(prefix="flagaudit-report-") as folder:
        yield replace(config, cache_dir=Path(folder))


def _silent(stage: str, done: int, total: int) -> None:
    return None
