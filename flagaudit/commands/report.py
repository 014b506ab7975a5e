"""``flagaudit report``: gather what the report needs (a scan, history, the gate's findings, the owners) and
build its data. Nothing here prints.

The code is scanned once and history read once, with the wrappers the scan inferred; the gate
(:func:`flagaudit.commands.check.gate`) judges those same two, so ``use_cache=False`` needs no cache at all.
The scan keeps its whole call graph, on which ``flagaudit remove`` plans each ready flag's removal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flagaudit import __version__
from flagaudit.commands.check import CheckOptions, gate
from flagaudit.config import Config
from flagaudit.errors import FlagauditError
from flagaudit.history.ledger import LEDGER_FILE, read_ledger
from flagaudit.history.walk import STAGE, HistoryOptions, history
from flagaudit.policies import load_policies
from flagaudit.report.data import (
    HistorySummary,
    Preview,
    ReportData,
    build_report,
    needs_owner,
    ready_to_remove,
    report_period,
)
from flagaudit.report.owners import find_owners
from flagaudit.scan.project import STAGE as SCAN_STAGE
from flagaudit.scan.project import Scanned, ScanOptions, scan_graphed
from flagaudit.sdk_rules import RuleSet

if TYPE_CHECKING:
    from flagaudit.output.progress import Progress

STAGES = {"history": STAGE, "scan": SCAN_STAGE, "owners": "finding owners", "remove": "planning removals"}


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
    step(STAGES["scan"], 0, 0)
    scanned = scan_graphed(config, rules, ScanOptions(use_cache=options.use_cache, workers=options.workers,
                                                      progress=progress), whole_graph=True)
    found = history(config, scanned.rules, HistoryOptions(options.use_cache, options.workers, progress))
    inventory = gate(config, scanned, found, read_ledger(config.root / LEDGER_FILE), CheckOptions(as_of=as_of))
    previews = _previews(config, rules, scanned, ready_to_remove(inventory),
                         lambda done, total: step(STAGES["remove"], done, total))
    policies = load_policies(config, scanned.documented)
    step(STAGES["owners"], 0, 0)
    owners, owner_notes = find_owners(needs_owner(inventory), policies, config.root,
                                      lambda done, total: step(STAGES["owners"], done, total))
    notes = [*inventory.notes, *owner_notes]
    if inventory.skipped:
        notes.append(f"{len(inventory.skipped)} file(s) could not be analysed (`flagaudit scan` lists them)")
    return build_report(inventory, found.timelines, policies, owners, since, until, as_of,
                        project=config.root.name, history=HistorySummary(found.commits, found.head or "",
                                                                         found.first or "", found.partial),
                        notes=tuple(dict.fromkeys(notes)), version=__version__, previews=previews)


def _previews(config: Config, rules: RuleSet, scanned: Scanned, ready: list[tuple[str, bool | None]],
              progress: Callable[[int, int], None]) -> dict[str, tuple[Preview, ...]]:
    """What ``flagaudit remove`` would do for each ready key (both values when the report does not know which
    the flag is fixed to), planned on the report's own scan: nothing is scanned again, nothing written."""
    from flagaudit.commands.remove import RemoveOptions, remove

    previews: dict[str, tuple[Preview, ...]] = {}
    for done, (key, value) in enumerate(ready):
        progress(done, len(ready))
        planned = []
        for chosen in (value,) if value is not None else (True, False):
            name = "on" if chosen else "off"
            try:
                cleanup = remove(config, rules, RemoveOptions((key,), chosen), scanned)
            except FlagauditError as exc:  # one key the planner cannot judge does not stop the report
                planned.append(Preview(name, 0, 0, (str(exc),)))
                continue
            (removal,) = cleanup.removals
            planned.append(Preview(name, cleanup.deleted_lines, len(cleanup.files), removal.refused))
        previews[key] = tuple(planned)
    progress(len(ready), len(ready))
    return previews



def _silent(stage: str, done: int, total: int, detail: str = "") -> None:
    return None
