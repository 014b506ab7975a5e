"""``flagaudit check``: every finding, from the code, the call graph, history (or only the ledger) and the
lifecycle policies. Nothing here prints.

:func:`check` scans and reads history; :func:`gate` judges a scan and a history already read, which is how
the report reuses both instead of reading them twice. :func:`check_shown` keeps the output as rendered, so a
run on the same tree, commits, ledger and options prints it again without the scan's result, the call graph,
the history's timelines or the checks.

The kept output (the ``checked`` memo) is named by the digest of everything the output depends on: the scan's
inputs (code version, configuration, rules, every file's content), the view, the options, the day judged,
flagaudit.lock's bytes, and the repository's HEAD, place, bareness and detached state (a shallow clone keeps
nothing: deepened, it has the same HEAD and more history); it holds the name and digest of the kept walk state
the timelines came from, which must be unchanged, and the blobs git lacked, which must still be missing. It lies
in the checkout's cache folder, guarded like every memo (never a folder git lists files in, never through a
link): a forged one can make the run print what a forged inventory or walk state could, never a character a
terminal or a CI log acts on (:attr:`View.inert`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from flagaudit.checks import CheckInput
from flagaudit.checks.run import run_checks
from flagaudit.checks.suppression import finish
from flagaudit.checks.verdict import DEFAULT_FAIL_ON, blocking, in_change
from flagaudit.commands.scan import Shown, View
from flagaudit.config import Config
from flagaudit.errors import FlagauditError
from flagaudit.facts import Finding, Flag, FlagChange, Inventory, Timeline
from flagaudit.gitrepo import find_repository, git_available, open_repository
from flagaudit.history.base_change import flag_changes
from flagaudit.history.ledger import LEDGER_FILE, Entry, Ledger, ledger_timelines, read_ledger
from flagaudit.history.store import unchanged
from flagaudit.model.callgraph import CallGraph
from flagaudit.policies import Policies, load_policies
from flagaudit.safefiles import TEXT_LIMIT, read_inside
from flagaudit.scan.project import Inputs, Scanned, ScanOptions, scan_graphed, scan_inputs
from flagaudit.sdk_rules import RuleSet

if TYPE_CHECKING:
    from flagaudit.history.walk import History
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
    return _checked(config, rules, options)[0]


def _checked(config: Config, rules: RuleSet, options: CheckOptions,
             inputs: Inputs | None = None) -> tuple[Inventory, History | None]:
    """:func:`check` (on the scan's ``inputs``, if already read), and the history it judged with. The files'
    bytes and facts are dropped once scanned (a caller's ``inputs`` keeps its digest and cache folder): history's
    workers are forked, and each would hold a copy of them."""
    from flagaudit.history.walk import HistoryOptions, history  # not needed to print a kept output

    scanned = scan_graphed(config, rules, _scan_options(options), inputs=inputs)
    if inputs is not None:
        inputs.sources.clear()
        inputs.cache.release()
    ledger = read_ledger(config.root / LEDGER_FILE)
    found = None if options.no_history and ledger is not None else history(
        config, scanned.rules, HistoryOptions(use_cache=options.use_cache, workers=options.workers,
                                              progress=options.progress))
    return gate(config, scanned, found, ledger, options), found


def _scan_options(options: CheckOptions) -> ScanOptions:
    return ScanOptions(use_cache=options.use_cache, workers=options.workers, progress=options.progress)


@dataclass(frozen=True)
class _Kept:
    """The ``checked`` memo: the output, and what of history it holds only while unchanged."""

    shown: Shown
    walk: str
    """The kept walk state's ``name:digest`` (``""``: the run read no history)."""
    missing: tuple[str, ...]
    """Blobs git lacked: should one become readable, the walk starts over and the output may change."""


def check_shown(config: Config, rules: RuleSet, options: CheckOptions, view: View) -> Shown:
    """:func:`check` shown by ``view`` (without ``--base``, whose output also depends on what the working tree
    changed since that ref): the last run's output when nothing it depends on changed (see the module's
    docstring), else rendered afresh and kept as a run that reads nothing new would show it."""
    assert options.base is None, "--base: the focus depends on the working tree's lines, which are not kept"
    options = replace(options, as_of=options.as_of or date.today())  # one day for the key and the judgement
    inputs = scan_inputs(config, rules, _scan_options(options))
    keyed = _check_digest(config, options, view, inputs.digest) if inputs.cache.folder else None
    read, problem = inputs.cache.read_memo("checked", keyed[0], _Kept, text=True) if keyed else (None, None)
    kept = None if read is None else replace(read[0], shown=replace(read[0].shown, text=read[1]))
    if kept is not None and view.inert(kept.shown.text) and _holds(config, inputs, kept):
        return kept.shown
    if kept is not None and not view.inert(kept.shown.text):
        problem = f"ignored the kept {view.name} output: it holds characters a terminal acts on; it is rebuilt"
    inventory, found = _checked(config, rules, options, inputs)
    text = view.render(inventory)
    transient = {n for n in (inputs.cache.warning, *(found.transient if found else ())) if n}
    own = replace(inventory, notes=tuple(n for n in inventory.notes if n not in transient))
    kept_text = view.render(own) if own.notes != inventory.notes else text  # what a run reading nothing new shows
    walk = found.kept if found is not None and found.head is not None else ""
    if keyed and view.inert(kept_text) and _judged_as_keyed(config, found, keyed[1:]):
        shown = Shown("", own.notes, own.skipped, bool(blocking(own)))  # the text kept as it is, after the rest
        inputs.cache.keep("checked", keyed[0], _Kept(shown, walk, found.missing if found else ()), text=kept_text)
        inputs.cache.save()  # a failure to write was noted already, by the scan's own save
    warning = inputs.cache.warning
    notes = (problem, *inventory.notes) if problem and not warning else inventory.notes  # one note on the cache
    return Shown(text, notes, inventory.skipped, bool(blocking(inventory)))


def _check_digest(config: Config, options: CheckOptions, view: View,
                  inputs: str) -> tuple[str, str | None, str] | None:
    """What a check's output depends on besides the walk state (:func:`_holds`), with the HEAD and the digest
    of flagaudit.lock it names (a run that ends with others keeps nothing); ``None`` when no output is kept:
    flagaudit.lock cannot be read (the run says why), or the clone is shallow (a deepened one has the same
    HEAD and more history)."""
    ledger = _file_digest(config.root, config.root / LEDGER_FILE)
    if ledger is None:
        return None
    head, place = None, "history not read"
    if not (options.no_history and ledger != "absent"):
        repository = open_repository(config.root) if git_available() else None
        if repository is not None and repository.shallow:
            return None
        if repository is not None:
            head = repository.head
            place = repr((str(repository.top), str(repository.git_dir), head, repository.bare, repository.detached))
        else:
            place = "no repository" if git_available() else "no git"
    assert options.as_of is not None
    chosen = (options.select, options.ignore, options.fail_on, options.no_history, options.allow_missing_ledger)
    text = "\0".join([inputs, view.name, repr(chosen), options.as_of.isoformat(), ledger, place])
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=20).hexdigest(), head, ledger


def _judged_as_keyed(config: Config, found: History | None, keyed: tuple[str | None, str]) -> bool:
    """Whether the run judged what its key names: the HEAD and flagaudit.lock it named (neither changed during
    the run), and timelines from a kept walk state (or no history: none was read, or there is none)."""
    head, ledger = keyed
    walked = found is None or found.head is None or bool(found.kept and found.head == head)
    return walked and _file_digest(config.root, config.root / LEDGER_FILE) == ledger


def _file_digest(root: Path, path: Path) -> str | None:
    """A digest of a project file's bytes, ``absent`` when there is none, ``None`` when it cannot be read."""
    try:
        data = read_inside(root, path, TEXT_LIMIT)
    except FileNotFoundError:
        return "absent"
    except OSError:
        return None
    return hashlib.blake2b(data, digest_size=20).hexdigest()


_BLOB_ID = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


def _holds(config: Config, inputs: Inputs, kept: _Kept) -> bool:
    """Whether what the kept output rests on besides its digest is as it was: the walk state's bytes, and
    every blob git lacked still missing."""
    assert inputs.cache.folder is not None
    if kept.walk and not unchanged(inputs.cache.folder, kept.walk):
        return False
    if not kept.missing:
        return True
    if not all(_BLOB_ID.fullmatch(blob) for blob in kept.missing):
        return False
    repository = open_repository(config.root)
    if repository is None:
        return False
    try:
        return all(repository.blobs().read(blob) is None for blob in kept.missing)
    finally:
        repository.close()


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
