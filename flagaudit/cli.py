"""The command line: parse options, call the API, choose an output. Nothing else lives here.

Each command parses its options, makes one call into :mod:`flagaudit.api` (``init`` two: it asks between
them), hands the result to a renderer (:mod:`flagaudit.output`, :mod:`flagaudit.report`) and turns it into an
exit code. The API, and with it the engine (extraction, the call graph, history), is imported inside the
commands that run it, so ``flagaudit explain`` and ``--help`` load only click, the finding rules and the
output formats (``tests/test_layering.py`` holds it to that).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from flagaudit import __version__
from flagaudit.checks import all_rules, rules_markdown
from flagaudit.checks.verdict import blocking, parse_fail_on
from flagaudit.errors import ExitCode, FlagauditError
from flagaudit.output import RENDERERS
from flagaudit.output.escaping import inert, visible, visible_lines
from flagaudit.output.history_format import HISTORY_RENDERERS
from flagaudit.output.text_format import check_text
from flagaudit.report import REPORT_FORMATS, SUFFIXES

if TYPE_CHECKING:
    from flagaudit.api import Config, HistoryOptions, RuleSet
    from flagaudit.facts import Skipped
    from flagaudit.output.progress import Reporter

_ANNOTATIONS = ("github", "sarif")
"""Formats that annotate a pull request: with --base they carry only the change's findings (unless --all)."""


class _Group(click.Group):
    """Turns every failure into one line on stderr and exit 2: never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except FlagauditError as exc:
            _say(f"error: {exc}")
            ctx.exit(ExitCode.ERROR)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:  # `flagaudit check | head`: the reader left early; not clean, and not a bug
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at the final flush
            _say("error: the output was closed before everything was written")
            ctx.exit(ExitCode.ERROR)
        except KeyboardInterrupt:
            _say("interrupted")
            ctx.exit(ExitCode.ERROR)
        except Exception as exc:  # a bug in flagaudit: one line, the traceback only on request
            if os.environ.get("FLAGAUDIT_DEBUG"):
                raise
            _internal_error(exc)
            ctx.exit(ExitCode.ERROR)
        return None


def _say(message: str) -> None:
    """One line on stderr; ``message`` may hold strings from the tree, so it is shown escaped."""
    click.echo(f"flagaudit: {visible(message)}", err=True)


def _describe(exc: BaseException) -> str:
    """A bug's message, at most 500 characters, even when its ``str()`` fails or recurses too deep."""
    try:
        text = str(exc)
    except Exception:  # e.g. the repr of a deeply nested syntax tree: RecursionError
        text = ""
    return " ".join(text[:500].split()) or type(exc).__name__


def _internal_error(exc: BaseException) -> None:
    _say(f"internal error: {type(exc).__name__}: {_describe(exc)} "
         "(set FLAGAUDIT_DEBUG=1 for the traceback, and please report it)")


def _codes(value: str | tuple[str, ...]) -> tuple[str, ...]:
    """``FA301,FA4`` -> ("FA301", "FA4"): codes or code prefixes, checked against the known codes."""
    if isinstance(value, tuple):
        return value
    codes = tuple(c.strip().upper() for c in value.split(",") if c.strip())
    known = all_rules() if codes else {}  # the rules' modules cost a scan 15 ms to import when no code is given
    for code in codes:
        if not any(k.startswith(code) for k in known):
            raise click.BadParameter(f"unknown finding code {code!r}; see `flagaudit explain`")
    return codes


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flagaudit")
def cli() -> None:
    """Audit feature flags: where they are checked, how old they are, and whether a key was reused."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "output_format", type=click.Choice(sorted(RENDERERS)), default="text", show_default=True,
              help="Output format.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Config file (default: nearest "
              "flagaudit.toml or pyproject.toml with [tool.flagaudit]).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the output to a file.")
@click.option("--no-cache", is_flag=True, help="Analyse every file afresh; neither read nor write the cache.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--select", type=_codes, default="", help="Report only these finding codes or prefixes (FA3,FA401).")
@click.option("--ignore", type=_codes, default="", help="Do not report these finding codes or prefixes.")
@click.option("--show-entry-points", is_flag=True, help="List the call graph's entry points and why, then stop.")
@click.option("-v", "--verbose", count=True, help="Text format: list each flag's sites and definitions.")
@click.option("-q", "--quiet", is_flag=True, help="Do not report skipped files on stderr.")
def scan_command(paths: tuple[str, ...], output_format: str, config_file: str | None, output: str | None,
                 no_cache: bool, jobs: int | None, select: tuple[str, ...], ignore: tuple[str, ...],
                 show_entry_points: bool, verbose: int, quiet: bool) -> None:
    """Inventory every flag under PATHS (default: the configured paths, or the current folder), with the
    findings that need no history (FA104, FA3xx, FA4xx). Exits 1 if a finding has severity error."""
    from flagaudit.api import ScanOptions, View, scan, scan_shown

    options = ScanOptions(config_file=config_file, use_cache=not no_cache, workers=jobs, select=select,
                          ignore=ignore)
    if show_entry_points:
        from flagaudit.output.text_format import entry_points_text

        inventory = scan(paths, options)
        if not quiet:
            _notes(inventory.notes, inventory.skipped)
        _emit(entry_points_text(inventory), output)
        return
    render = RENDERERS[output_format]
    shown = scan_shown(paths, options, View(f"--format {output_format} -v{verbose}",
                                            lambda inventory: render(inventory, verbose), inert))
    if not quiet:
        _notes(shown.notes, shown.skipped)
    _emit(shown.text, output, output_format == "text")
    if shown.blocking:
        raise SystemExit(ExitCode.FINDINGS)


scan_command.name = "scan"


def _lifecycle_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options ``history`` and ``ledger`` share."""
    options = (
        click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Config file (default: nearest "
                     "flagaudit.toml or pyproject.toml with [tool.flagaudit])."),
        click.option("-C", "--directory", type=click.Path(file_okay=False, exists=True, path_type=Path),
                     help="Run as if started in DIRECTORY (a project folder, or a bare repository for history)."),
        click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]),
                     help="Judge ages as of this date, YYYY-MM-DD (default: today)."),
        click.option("--no-cache", is_flag=True, help="Read all history and analyse every file afresh; "
                     "neither read nor write the cache."),
        click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per core)."),
        click.option("-q", "--quiet", is_flag=True, help="No progress, notes or skipped files on stderr."),
    )
    for option in reversed(options):
        command = option(command)
    return command


@contextmanager
def _progress(quiet: bool) -> Iterator[Reporter | None]:
    """Progress on stderr for a run that may take a while (none with ``-q``); erased when the run ends."""
    from flagaudit.output.progress import make_progress

    progress = make_progress(sys.stderr, quiet)
    try:
        yield progress
    finally:
        if progress is not None:
            progress.close()


def _project(paths: tuple[str, ...], config_file: str | None, directory: Path | None = None) -> tuple[Config, RuleSet]:
    from flagaudit.api import load_project

    return load_project(paths, config_file, directory)


def _notes(notes: Iterable[str], skipped: Iterable[Skipped] = ()) -> None:
    for item in skipped:
        _say(f"skipped {item.path}: {item.reason}")
    for note in notes:
        _say(note)


@cli.command()
@click.argument("keys", nargs=-1)
@click.option("--format", "output_format", type=click.Choice(sorted(HISTORY_RENDERERS)), default="text",
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the output to a file.")
@click.option("-v", "--verbose", count=True, help="Text format: the site meanings each event added or removed.")
@_lifecycle_options
def history_command(keys: tuple[str, ...], output_format: str, output: str | None, verbose: int,
                    config_file: str | None, directory: Path | None, as_of: datetime | None, no_cache: bool,
                    jobs: int | None, quiet: bool) -> None:
    """Each key's life from git history: born, changed, moved, retired, reborn; with the stale, expired and
    dormant flags (FA101-FA103) as of --as-of. KEYS limit the output to those keys."""
    from flagaudit.api import HistoryOptions
    from flagaudit.api import history as lifecycle

    config, rules = _project((), config_file, directory)
    with _progress(quiet) as progress:
        report = lifecycle(config, rules, HistoryOptions(use_cache=not no_cache, workers=jobs, progress=progress),
                           as_of.date() if as_of else None)
    if keys:
        report = report.only(keys)
    if not quiet:
        _notes(report.notes, report.skipped)
    _emit(HISTORY_RENDERERS[output_format](report, verbose), output, output_format == "text")


history_command.name = "history"


@cli.command()
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if flagaudit.lock is out of date with the code.")
@click.option("--accept", "accept_key", metavar="KEY", help="Accept KEY's current meaning (silences FA201-FA203 for "
              "exactly that meaning); needs --reason.")
@click.option("--adopt", is_flag=True, help="Adopt flagaudit on a project with history: accept everything history "
              "did up to HEAD (findings about it stay visible and never block); needs --reason.")
@click.option("--reason", default="", help="Why the new meaning (--accept) or the project's history (--adopt) is safe.")
@_lifecycle_options
def ledger_command(check: bool, accept_key: str | None, adopt: bool, reason: str, config_file: str | None,
                   directory: Path | None, as_of: datetime | None, no_cache: bool, jobs: int | None,
                   quiet: bool) -> None:
    """Write flagaudit.lock: every key ever seen, when each of its lives began and ended, and the meaning
    last accepted for it. Commit it, so the story survives shallow clones and rewritten history. A file
    with merge conflict markers is merged from both sides and brought up to date."""
    from flagaudit.api import HistoryOptions, update_ledger
    from flagaudit.output.ledger_format import ledger_check_text

    if sum((check, accept_key is not None, adopt)) > 1:
        raise click.UsageError("--check, --accept and --adopt go one at a time")
    if (accept_key is not None or adopt) and not reason.strip():
        raise click.UsageError(f"{'--adopt' if adopt else '--accept'} needs --reason: say why it is safe")
    config, rules = _project((), config_file, directory)
    options = HistoryOptions(use_cache=not no_cache, workers=jobs)
    day = as_of.date() if as_of else None
    if not check:
        _record_ledger(config, rules, options, day, quiet, accept_key=accept_key, adopt=adopt, reason=reason)
        return
    with _progress(quiet) as progress:
        update = update_ledger(config, rules, replace(options, progress=progress), day)
    if not quiet:
        _notes(update.notes)
    click.echo(ledger_check_text(update), nl=False)
    if not update.current:
        raise SystemExit(ExitCode.FINDINGS)


ledger_command.name = "ledger"


def _record_ledger(config: Config, rules: RuleSet, options: HistoryOptions, as_of: date | None, quiet: bool,
                   accept_key: str | None = None, adopt: bool = False, reason: str = "") -> None:
    """``flagaudit ledger`` (and ``init``'s last step): write flagaudit.lock and say what it did; exit 1 naming
    the meanings the gate blocks, which it never records."""
    from flagaudit.api import record_ledger
    from flagaudit.output.ledger_format import ledger_record_text

    with _progress(quiet) as progress:
        record = record_ledger(config, rules, replace(options, progress=progress), as_of, accept_key, adopt, reason)
    if not quiet:
        _notes(record.update.notes)
    click.echo(ledger_record_text(record), nl=False)
    if record.problem is not None:
        raise FlagauditError(record.problem)
    if record.blocked:
        raise SystemExit(ExitCode.FINDINGS)


@cli.command()
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Accept every proposed SDK rule without asking.")
@click.option("--reason", default="", help="Also adopt: accept what history did up to HEAD "
              "(`flagaudit ledger --adopt --reason`), and say why.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Judge ages as of YYYY-MM-DD (default: today).")
@click.option("--no-cache", is_flag=True, help="Read all history and analyse every file afresh.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("-q", "--quiet", is_flag=True, help="Do not report notes and skipped files on stderr.")
def init_command(path: Path | None, yes: bool, reason: str, as_of: datetime | None, no_cache: bool,
                 jobs: int | None, quiet: bool) -> None:
    """Set flagaudit up for the project at PATH (default: here): propose SDK rules for the project's own flag
    registry and settings dictionaries (asks for each; --yes accepts them all), write a [tool.flagaudit]
    section that uses them, and with --reason record the adoption baseline in flagaudit.lock."""
    from flagaudit.api import HistoryOptions, ScanOptions, plan_setup, set_up
    from flagaudit.output.init_format import dict_offer, plan_text, registry_offer, setup_text

    config, rules = _project((), None, path)
    plan = plan_setup(config, rules, ScanOptions(use_cache=not no_cache, workers=jobs))
    click.echo(plan_text(plan), nl=False)
    ask = not yes and sys.stdin.isatty()
    registries = tuple(r for n, r in enumerate(plan.suggestions.registries, 1)
                       if _offer(registry_offer(n, r), yes, ask))
    dicts = tuple(d for d in plan.suggestions.dicts if _offer(dict_offer(d), yes, ask))
    with _progress(quiet) as progress:
        setup = set_up(plan, registries, dicts, HistoryOptions(use_cache=not no_cache, workers=jobs, progress=progress),
                       as_of.date() if as_of else None, reason)
    if setup.ledger is not None and not quiet:
        _notes(setup.ledger.update.notes)
    click.echo(setup_text(setup, ask), nl=False)
    if setup.ledger is not None and setup.ledger.blocked:
        raise SystemExit(ExitCode.FINDINGS)


init_command.name = "init"


def _offer(text: str, yes: bool, ask: bool) -> bool:
    click.echo(text)
    return yes or (ask and click.confirm("  add it?", default=True))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--base", help="Block only on flags whose sites or definitions changed since this git ref "
              "(pull requests); findings about other flags are reported, not blocking.")
@click.option("--no-history", is_flag=True, help="Use only flagaudit.lock and the working tree (pre-commit; fast; "
              "works in shallow clones); without flagaudit.lock, the local git history.")
@click.option("--allow-missing-ledger", is_flag=True, help="With neither flagaudit.lock nor git history, check only "
              "what needs neither instead of exiting 2 (reused and repurposed keys go unseen).")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Judge ages as of YYYY-MM-DD (default: today).")
@click.option("--format", "output_format", type=click.Choice(sorted(RENDERERS)), default="text", show_default=True,
              help="Output format.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Config file.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the output to a file.")
@click.option("--no-cache", is_flag=True, help="Analyse every file and commit afresh.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--select", type=_codes, default="", help="Report only these finding codes or prefixes.")
@click.option("--ignore", type=_codes, default="", help="Do not report these finding codes or prefixes.")
@click.option("--fail-on", metavar="WHAT", help="What fails the run: a severity and above (error, warning, info) "
              "and/or finding codes and prefixes, comma-separated (default: the configuration's fail-on, else error).")
@click.option("--all", "all_findings", is_flag=True, help="With --base: annotate every finding (--format github, "
              "sarif), not only those on lines the change touches or about flags it touched.")
@click.option("-v", "--verbose", count=True, help="Text format: the flags too, every piece of evidence, and the "
              "findings before the adoption baseline.")
@click.option("-q", "--quiet", is_flag=True, help="No progress, notes or skipped files on stderr.")
def check_command(paths: tuple[str, ...], base: str | None, no_history: bool, allow_missing_ledger: bool,
                  as_of: datetime | None,
                  output_format: str, config_file: str | None, output: str | None, no_cache: bool, jobs: int | None,
                  select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str | None, all_findings: bool,
                  verbose: int, quiet: bool) -> None:
    """The gate: the findings (FA1xx-FA4xx), exit 1 if one blocks (severity error, or what --fail-on says).
    The text format lists findings only; `flagaudit scan` or -v list the flags."""
    from flagaudit.api import CheckOptions, View, check, check_shown

    config, rules = _project(paths, config_file)
    chosen = parse_fail_on(fail_on.split(",")) if fail_on is not None else ()
    render = check_text if output_format == "text" else RENDERERS[output_format]
    with _progress(quiet) as progress:
        options = CheckOptions(base=base, no_history=no_history, allow_missing_ledger=allow_missing_ledger,
                               as_of=as_of.date() if as_of else None, use_cache=not no_cache, workers=jobs,
                               select=select, ignore=ignore, fail_on=chosen, progress=progress)
        if base is None:  # the output is kept, and printed again while nothing it depends on changes
            shown = check_shown(config, rules, options, View(f"check --format {output_format} -v{verbose}",
                                                             lambda inventory: render(inventory, verbose), inert))
        else:
            inventory = check(config, rules, options)
    if base is None:
        if not quiet:
            _notes(shown.notes, shown.skipped)
        _emit(shown.text, output, output_format == "text")
        if shown.blocking:
            raise SystemExit(ExitCode.FINDINGS)
        return
    if not quiet:
        _notes(inventory.notes, inventory.skipped)
    failing = blocking(inventory)
    if output_format in _ANNOTATIONS and inventory.focus is not None and not all_findings:
        inventory = replace(inventory, findings=inventory.focus)
    _emit(render(inventory, verbose), output, output_format == "text")
    if failing:
        raise SystemExit(ExitCode.FINDINGS)


check_command.name = "check"


@cli.command()
@click.argument("path", required=False, type=click.Path(exists=True, path_type=str))
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="First day of the period, YYYY-MM-DD (default: the last full quarter).")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Last day of the period, YYYY-MM-DD (with --since alone: --as-of).")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Judge ages as of YYYY-MM-DD (default: today).")
@click.option("--format", "output_format", type=click.Choice(REPORT_FORMATS),
              help="Output format (default: from the -o file's extension, else md).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the report to a file.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Config file.")
@click.option("--no-cache", is_flag=True, help="Read all history and analyse every file afresh; neither read nor "
              "write the cache.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, notes or skipped files on stderr.")
def report_command(path: str | None, since: datetime | None, until: datetime | None, as_of: datetime | None,
                   output_format: str | None, output: str | None, config_file: str | None, no_cache: bool,
                   jobs: int | None, quiet: bool) -> None:
    """The cleanup report for tech leads: headline numbers, flags born vs retired per quarter, ages, stale,
    expired and dormant flags with owners and suggested actions, repurposed keys, flag-only code, and a
    cleanup queue per owner. Covers the last full quarter unless --since/--until say otherwise."""
    from flagaudit.api import ReportOptions, report
    from flagaudit.report import render_report

    config, rules = _project((path,) if path else (), config_file)
    with _progress(quiet) as progress:
        data = report(config, rules, ReportOptions(since=since.date() if since else None,
                                                   until=until.date() if until else None,
                                                   as_of=as_of.date() if as_of else None,
                                                   use_cache=not no_cache, workers=jobs), progress)
    if not quiet:
        _notes(data.notes)
    chosen = output_format or (SUFFIXES.get(Path(output).suffix.lower(), "md") if output else "md")
    _emit(render_report(chosen, data), output)


report_command.name = "report"


@cli.command("compare")
@click.argument("refs", nargs=-1)
@click.option("--deployed", type=click.Path(dir_okay=False, path_type=Path),
              help="A file of deployed versions, one per line: 'LABEL REF' (prod-eu v4.12.0) or 'REF'.")
@click.option("--key", help="Only this key: does it mean the same everywhere before it is switched?")
@click.option("--no-history", is_flag=True, help="Judge 'retired and reborn in between' from flagaudit.lock alone.")
@click.option("--format", "output_format", type=click.Choice(sorted(RENDERERS)), default="text", show_default=True,
              help="Output format (text and json list every key; the others carry the FA204 findings).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the output to a file.")
@click.option("--select", type=_codes, default="", help="Report only these finding codes or prefixes.")
@click.option("--ignore", type=_codes, default="", help="Do not report these finding codes or prefixes.")
@click.option("-v", "--verbose", count=True, help="Text format: keys that mean the same too, and all evidence.")
@_lifecycle_options
def compare_command(refs: tuple[str, ...], deployed: Path | None, key: str | None, no_history: bool,
                    output_format: str, output: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
                    verbose: int, config_file: str | None, directory: Path | None, as_of: datetime | None,
                    no_cache: bool, jobs: int | None, quiet: bool) -> None:
    """Whether every key means the same on every version that runs at once (REFS, and --deployed); exit 1 on
    FA204 skewed-meaning."""
    from flagaudit.api import CompareOptions, compare, read_deployed
    from flagaudit.output.compare_format import COMPARE_RENDERERS

    listed = read_deployed(deployed) if deployed else ()
    config, rules = _project((), config_file, directory)
    comparison = compare(config, rules, CompareOptions(
        (*listed, *((r, r) for r in refs)), key=key, no_history=no_history, use_cache=not no_cache, workers=jobs,
        select=select, ignore=ignore))
    if not quiet:
        _notes(comparison.notes, comparison.skipped)
    if output_format in COMPARE_RENDERERS:
        _emit(COMPARE_RENDERERS[output_format](comparison, verbose), output, output_format == "text")
    else:
        _emit(RENDERERS[output_format](comparison.inventory(), verbose), output)
    if any(f.severity == "error" for f in comparison.findings):
        raise SystemExit(ExitCode.FINDINGS)


@cli.command("graph")
@click.argument("key", required=False)
@click.option("--format", "output_format", type=click.Choice(["dot", "graphml", "json"]), default="dot",
              show_default=True, help="DOT for Graphviz, GraphML for Gephi, JSON (node-link) for a script.")
@click.option("--why", metavar="NAME", help="Instead: one shortest path from an entry point to NAME (a qualified "
              "function name), or say that none exists.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the output to a file.")
@_lifecycle_options
def graph_command(key: str | None, output_format: str, why: str | None, output: str | None,
                  config_file: str | None, directory: Path | None, as_of: datetime | None, no_cache: bool,
                  jobs: int | None, quiet: bool) -> None:
    """The call graph (or, with KEY, what that key touches: how its checks are reached, what each branch calls,
    and the code reachable only through a branch)."""
    from flagaudit.api import ScanOptions, graph_document, why_reachable
    from flagaudit.output.text_format import call_path_text

    config, rules = _project((), config_file, directory)
    options = ScanOptions(use_cache=not no_cache, workers=jobs)
    if why is not None:
        _emit(call_path_text(why, why_reachable(config, rules, options, why)), output)
        return
    _emit(graph_document(config, rules, options, output_format, key), output)


@cli.command("remove")
@click.argument("keys", nargs=-1)
@click.option("--as", "value", type=click.Choice(["on", "off"]), required=True,
              help="The value the flag keeps for good: its on- or off-branches stay.")
@click.option("--key-file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="More keys, one per line (the report's ready-to-remove list); # starts a comment.")
@click.option("--write", is_flag=True, help="Apply the change and record the keys as retired in flagaudit.lock "
              "(default: print a unified diff).")
@_lifecycle_options
def remove_command(keys: tuple[str, ...], value: str, key_file: Path | None, write: bool, config_file: str | None,
                   directory: Path | None, as_of: datetime | None, no_cache: bool, jobs: int | None,
                   quiet: bool) -> None:
    """Delete flag KEY and the code only it kept alive, keeping the --as branch; exit 1 if a key had to be left
    alone (each place that made it unsafe is listed)."""
    from flagaudit.api import RemoveOptions, remove, write_removal
    from flagaudit.output.remove_format import removal_lines

    listed = [line.split("#", 1)[0].strip() for line in key_file.read_text(encoding="utf-8").splitlines()] \
        if key_file else []
    wanted = tuple(dict.fromkeys([*keys, *(k for k in listed if k)]))
    if not wanted:
        raise click.UsageError("name at least one KEY (or --key-file)")
    config, rules = _project((), config_file, directory)
    cleanup = remove(config, rules, RemoveOptions(wanted, value == "on", use_cache=not no_cache, workers=jobs))
    notes = write_removal(config.root, cleanup, as_of.date() if as_of else date.today()) if write else ()
    if not write:
        click.echo(visible_lines(cleanup.diff()), nl=False)
    if not quiet:
        _notes((*notes, *removal_lines(cleanup, write, value)))
    if any(r.refused for r in cleanup.removals):
        raise SystemExit(ExitCode.FINDINGS)


@cli.command()
@click.option("--test", "test_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Run the match and no_match examples of this SDK rule file; exit 1 if one fails.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Config file.")
def rules(test_file: Path | None, config_file: str | None) -> None:
    """List the SDK rules flagaudit loads (built in, or added by the configuration's `rules`) and where each
    comes from; with --test FILE, check that file's examples the way flagaudit's own tests check its rules."""
    from flagaudit.api import load_config, loaded_rules, test_rule_file
    from flagaudit.output.rules_format import outcomes_text, rules_text

    config = load_config((), config_file)
    if test_file is None:
        click.echo(rules_text(loaded_rules(config)), nl=False)
        return
    outcomes = test_rule_file(test_file, config)
    click.echo(outcomes_text(str(test_file), outcomes), nl=False)
    if any(o.problem for o in outcomes):
        raise SystemExit(ExitCode.FINDINGS)


@cli.command()
@click.argument("code", required=False)
@click.option("--markdown", is_flag=True, help="Print every rule's documentation as Markdown (docs/rules.md).")
def explain(code: str | None, markdown: bool) -> None:
    """Explain finding CODE (e.g. FA202); with no CODE, list every code."""
    rules = all_rules()
    if markdown:
        click.echo(rules_markdown(), nl=False)
        return
    if code is None:
        for rule in rules.values():
            click.echo(f"{rule.code}  {rule.name:<22} {rule.severity:<8} {rule.summary.split('. ')[0].rstrip('.')}")
        return
    chosen = rules.get(code.upper())
    if chosen is None:
        raise FlagauditError(f"unknown finding code {code!r}; known: {', '.join(rules)}")
    click.echo(chosen.explain(), nl=False)


def _emit(text: str, output: str | None, for_reading: bool = False) -> None:
    """Write UTF-8 bytes whatever the terminal's encoding; renderers leave no undecodable name in the text, and
    one left by a bug shows as ``\\udcff`` rather than failing the run. Text ``for_reading`` that goes to a
    terminal is wrapped to its width; files, pipes and CI logs get the lines whole."""
    if for_reading and output is None and sys.stdout.isatty():
        from shutil import get_terminal_size

        from flagaudit.output.terminal import fit

        text = fit(text, get_terminal_size().columns)
    data = text.encode("utf-8", "backslashreplace")
    if output is None:
        click.echo(data, nl=False)
        return
    from flagaudit.safefiles import replace_file

    target = Path(output)
    try:
        if _is_device(target):  # -o /dev/null, a pipe: renaming a file over it would replace the device itself
            with open(target, "wb") as stream:
                stream.write(data)
        else:  # a new file renamed over the path: a committed link there is replaced, never written through
            replace_file(target, data)
    except OSError as exc:
        raise FlagauditError(f"cannot write {output}: {exc.strerror}") from None


def _is_device(path: Path) -> bool:
    """A character device or a named pipe, itself (not through a link)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def main() -> None:
    """Console-script entry point. The last resort: whatever escapes the command (a failure while reporting
    a failure, say) is one line and exit 2, never a traceback and never 1, which means "blocking findings"."""
    try:
        cli(prog_name="flagaudit")
    except Exception as exc:
        if os.environ.get("FLAGAUDIT_DEBUG"):
            raise
        try:
            _internal_error(exc)
        except Exception:
            sys.stderr.write("flagaudit: internal error\n")
        sys.exit(ExitCode.ERROR)


if __name__ == "__main__":
    main()
