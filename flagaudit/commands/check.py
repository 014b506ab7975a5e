"""``flagaudit check``: every finding, from the code, the call graph, history (or only the ledger) and the
lifecycle policies. Nothing here prints.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, replace
from datetime import date

from flagaudit.checks.repurposed import meaning_findings
from flagaudit.checks.run import finish
from flagaudit.checks.stale import stale_findings, toggle_name_findings
from flagaudit.config import Config
from flagaudit.errors import FlagauditError
from flagaudit.facts import Finding, FlagChange, Inventory, Timeline
from flagaudit.history.base_change import flag_changes
from flagaudit.history.ledger import LEDGER_FILE, ledger_timelines, read_ledger
from flagaudit.history.walk import HistoryOptions, history
from flagaudit.policies import load_policies
from flagaudit.scan.project import ScanOptions, scan_graphed
from flagaudit.sdk_rules import RuleSet

_DEFAULT_DORMANT = 180


@dataclass(frozen=True)
class CheckOptions:
    """How to run the gate."""

    base: str | None = None
    """Block only on flags whose sites or definitions changed since this ref (pull requests)."""
    no_history: bool = False
    """Use only flagaudit.lock and the working tree (pre-commit): fast, and works in shallow clones."""
    as_of: date | None = None
    use_cache: bool = True
    workers: int | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def check(config: Config, rules: RuleSet, options: CheckOptions = CheckOptions()) -> Inventory:
    """The inventory with every finding; ``severity == "error"`` and not downgraded by ``base`` means blocking."""
    scan_options = ScanOptions(use_cache=options.use_cache, workers=options.workers)
    scanned = scan_graphed(config, rules, scan_options)
    inventory, with_helpers = scanned.inventory, scanned.rules
    ledger = read_ledger(config.root / LEDGER_FILE)
    entries = {(e.sdk, e.key): e for e in ledger.entries} if ledger else {}
    notes = list(inventory.notes)
    timelines: tuple[Timeline, ...]
    if options.no_history:
        timelines = tuple(ledger_timelines(ledger).values()) if ledger else ()
        if ledger is None:
            notes.append(f"no {LEDGER_FILE}: without history, only findings that need none "
                         "(run `flagaudit ledger` and commit it)")
        meaning_timelines: tuple[Timeline, ...] = ()
    else:
        found = history(config, with_helpers, HistoryOptions(use_cache=options.use_cache, workers=options.workers))
        timelines = meaning_timelines = found.timelines
        notes.extend(found.notes)
    policies = load_policies(config)
    as_of = options.as_of or date.today()
    dormant = policies.dormant_days or _DEFAULT_DORMANT
    findings: list[Finding] = [
        *inventory.findings,
        *stale_findings(inventory.flags, timelines, policies, as_of),
        *toggle_name_findings(inventory.flags),
        *meaning_findings(inventory.flags, meaning_timelines, entries, as_of, dormant, scanned.graph),
    ]
    changes: tuple[FlagChange, ...] = ()
    if options.base:
        changes = flag_changes(timelines, _commits_since(config, options.base), inventory.flags)
        findings = _only_changed_block(findings, {(c.sdk, c.key) for c in changes}, options.base)
    return replace(inventory, findings=finish(findings, inventory.flags, options.select, options.ignore),
                   notes=tuple(notes), base=options.base, changes=changes)


def _commits_since(config: Config, base: str) -> frozenset[str]:
    """Commits on HEAD's first-parent line since ``base``; the ref is data, passed as one argument."""
    result = subprocess.run(["git", "-C", str(config.root), "rev-list", "--first-parent", f"{base}..HEAD", "--"],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise FlagauditError(f"--base {base!r}: not a commit git knows here ({result.stderr.strip().splitlines()[-1:]})")
    return frozenset(result.stdout.split())


def _only_changed_block(findings: list[Finding], touched: set[tuple[str, str]], base: str) -> list[Finding]:
    """Errors about flags the change did not touch become warnings: reported, not blocking."""
    return [f if f.severity != "error" or (f.sdk, f.flag) in touched else
            replace(f, severity="warning", message=f"{f.message} [not blocking: not changed since {base}]")
            for f in findings]
