"""``flagaudit check``: every finding, from the code, the call graph, history (or only the ledger) and the
lifecycle policies. Nothing here prints.

:func:`check` scans and reads history; :func:`gate` judges a scan and a history already read, which is how
the report reuses both instead of reading them twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from flagaudit.checks import CheckInput
from flagaudit.checks.run import run_checks
from flagaudit.checks.suppression import finish
from flagaudit.checks.verdict import DEFAULT_FAIL_ON, in_change
from flagaudit.config import Config
from flagaudit.errors import FlagauditError
from flagaudit.facts import Finding, Flag, FlagChange, Inventory, Timeline
from flagaudit.gitrepo import find_repository
from flagaudit.history.base_change import flag_changes
from flagaudit.history.ledger import LEDGER_FILE, Entry, Ledger, ledger_timelines, read_ledger
from flagaudit.history.walk import History, HistoryOptions, history
from flagaudit.model.callgraph import CallGraph
from flagaudit.policies import Policies, load_policies
from flagaudit.scan.project import Scanned, ScanOptions, scan_graphed
from flagaudit.sdk_rules import RuleSet

if TYPE_CHECKING:
    from flagaudit.output.progress import Progress

_DEFAULT_DORMANT = 180


@dataclass(frozen=True)
class CheckOptions:
    """How to run the gate."""

    base: str | None = None
    """Block only on flags whose sites or definitions changed since this ref (pull requests)."""
    no_history: bool = False
    """Use only flagaudit.lock and the working tree (pre-commit): fast, and works in shallow clones. Without
    flagaudit.lock, the local git history is read instead."""
    allow_missing_ledger: bool = False
    """With neither flagaudit.lock nor git history, report what needs neither instead of refusing to judge."""
    as_of: date | None = None
    use_cache: bool = True
    workers: int | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: tuple[str, ...] = ()
    """What fails the run (severities, finding codes); empty: the configuration's ``fail-on``, else errors."""
    progress: Progress | None = None
    """Told how the scan and the history walk go."""


def check(config: Config, rules: RuleSet, options: CheckOptions = CheckOptions()) -> Inventory:
    """The inventory with every finding (:func:`flagaudit.checks.verdict.blocking` says which block), and apart
    from them the findings the adoption baseline in flagaudit.lock keeps from blocking.

    The gate never passes when it cannot judge: with neither flagaudit.lock
    nor a git repository, whether a key was retired or meant something else
    before is unknowable, so that is an error unless the caller opted out.
    """
    scanned = scan_graphed(config, rules, ScanOptions(use_cache=options.use_cache, workers=options.workers,
                                                      progress=options.progress))
    ledger = read_ledger(config.root / LEDGER_FILE)
    found = None if options.no_history and ledger is not None else history(
        config, scanned.rules, HistoryOptions(use_cache=options.use_cache, workers=options.workers,
                                              progress=options.progress))
    return gate(config, scanned, found, ledger, options)


def gate(config: Config, scanned: Scanned, found: History | None, ledger: Ledger | None,
         options: CheckOptions = CheckOptions()) -> Inventory:
    """:func:`check` on a scan (with its call graph), the history read with the scan's rules and flagaudit.lock;
    ``found`` is ``None`` when the ledger alone dates the flags (``--no-history``)."""
    inventory = scanned.inventory
    notes = list(inventory.notes)
    timelines: tuple[Timeline, ...]
    if found is None:
        assert ledger is not None, "without history, the ledger dates the flags"
        timelines = tuple(ledger_timelines(ledger).values())
        meaning_timelines: tuple[Timeline, ...] = ()
    else:
        timelines = meaning_timelines = found.timelines
        notes.extend(found.notes)
        if ledger is None and not found.git:
            if not options.allow_missing_ledger:
                raise FlagauditError(f"cannot judge: no {LEDGER_FILE} and no git history, so a reused or repurposed "
                                     f"key would pass unseen. Run `flagaudit ledger` where the history is and commit "
                                     f"{LEDGER_FILE}, or pass --allow-missing-ledger to check only what needs neither")
            notes.append(f"NOT JUDGED: no {LEDGER_FILE} and no git history; reused and repurposed keys (FA201-FA203) "
                         "were not checked (--allow-missing-ledger)")
        elif ledger is None and options.no_history:
            notes.append(f"no {LEDGER_FILE}: judged from the local git history instead "
                         "(run `flagaudit ledger` and commit it, so shallow clones can be judged too)")
    policies = load_policies(config, scanned.documented)
    as_of = options.as_of or date.today()
    given = CheckInput(inventory.flags, scanned.graph, timelines=timelines, policies=policies, as_of=as_of,
                       history=meaning_timelines, ledger=_entries(ledger),
                       adoption=ledger.adoption if ledger else None, dormant_days=_dormant(policies))
    findings: list[Finding] = [*inventory.findings, *run_checks(given, "timelines", "meanings")]
    changes: tuple[FlagChange, ...] = ()
    if options.base:
        changes = flag_changes(timelines, _commits_since(config, options.base), inventory.flags)
        findings = _only_changed_block(findings, {(c.sdk, c.key) for c in changes}, options.base)
    every = finish(findings, inventory.flags, options.select, options.ignore)  # the baseline's too, in one pass
    kept = tuple(f for f in every if not f.baseline)
    focus = None
    if options.base:
        focus = in_change(kept, _touched_lines(config, options.base), {(c.sdk, c.key) for c in changes})
    return replace(inventory, findings=kept, notes=tuple(dict.fromkeys(notes)), base=options.base, changes=changes,
                   focus=focus, fail_on=options.fail_on or config.fail_on or DEFAULT_FAIL_ON,
                   baseline=tuple(f for f in every if f.baseline))


def meaning_judgement(flags: tuple[Flag, ...], timelines: tuple[Timeline, ...], ledger: Ledger | None,
                      graph: CallGraph | None, as_of: date, policies: Policies) -> list[Finding]:
    """FA201-FA203: the gate's judgement of every key's meaning, which ``flagaudit ledger`` must not overrule;
    findings about events the ledger's adoption baseline covers are marked ``baseline`` (they never block)."""
    given = CheckInput(flags, graph, as_of=as_of, history=timelines, ledger=_entries(ledger),
                       adoption=ledger.adoption if ledger else None, dormant_days=_dormant(policies))
    return run_checks(given, "meanings")


def _entries(ledger: Ledger | None) -> dict[tuple[str, str], Entry]:
    return {(e.sdk, e.key): e for e in ledger.entries} if ledger else {}


def _dormant(policies: Policies) -> int:
    return policies.dormant_days or _DEFAULT_DORMANT


def _commits_since(config: Config, base: str) -> frozenset[str]:
    """Commits on HEAD's first-parent line since ``base``; the ref is checked to name a commit before use."""
    repository = find_repository(config.root)
    if repository is None:
        raise FlagauditError(f"--base {base!r}: {config.root} is not in a git repository")
    return repository.commits_since(base)


def _touched_lines(config: Config, base: str) -> dict[str, frozenset[int]]:
    """Lines the change since ``base`` adds or changes, by path relative to the project root."""
    repository = find_repository(config.root)
    if repository is None:
        raise FlagauditError(f"--base {base!r}: {config.root} is not in a git repository")
    lines = repository.changed_lines(base)
    prefix = repository.prefix(config.root) or ""
    return {path[len(prefix):]: found for path, found in lines.items() if path.startswith(prefix)}


def _only_changed_block(findings: list[Finding], touched: set[tuple[str, str]], base: str) -> list[Finding]:
    """Errors about flags the change did not touch become warnings: reported, not blocking."""
    return [f if f.severity != "error" or f.baseline or (f.sdk, f.flag) in touched else
            replace(f, severity="warning", message=f"{f.message} [not blocking: not changed since {base}]")
            for f in findings]
