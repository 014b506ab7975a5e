"""The library API: what the command line and other tools call. Nothing here prints.

One function per command, each composing the pipeline's stages (``docs/api.md`` shows them at work)::

    from flagaudit.api import load_project, scan, check, history, update_ledger, record_ledger, report

The stage packages (``extract``, ``scan``, ``model``, ``history``, ``checks``, ``cleanup``, ``output``,
``report``) and the command modules (``commands``) are the implementation; import from here so a change of
layout never breaks a caller. (These names cannot also be attributes of the ``flagaudit`` package itself:
``flagaudit.scan``, ``flagaudit.history`` and ``flagaudit.report`` are the stage packages, and importing one
sets that attribute.)
"""

from __future__ import annotations

from datetime import date
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from flagaudit.cleanup import Cleanup, Removal, RemoveOptions
from flagaudit.config import Config, load_config, load_project
from flagaudit.sdk_rules import RuleSet

if TYPE_CHECKING:
    from flagaudit.commands.check import CheckOptions, check, check_shown
    from flagaudit.commands.compare import CompareOptions, Comparison, compare, read_deployed
    from flagaudit.commands.graph import graph_document, why_reachable
    from flagaudit.commands.history import Lifecycle
    from flagaudit.commands.history import lifecycle as history
    from flagaudit.commands.init import Setup, SetupPlan, plan_setup, set_up
    from flagaudit.commands.ledger import LedgerRecord, LedgerUpdate, record_ledger, update_ledger
    from flagaudit.commands.report import ReportOptions, report
    from flagaudit.commands.rules import ExampleOutcome, LoadedFile, loaded_rules, test_rule_file
    from flagaudit.commands.scan import Shown, View, scan_shown
    from flagaudit.history.walk import HistoryOptions
    from flagaudit.scan.project import ScanOptions, scan

__all__ = ["CheckOptions", "Cleanup", "CompareOptions", "Comparison", "Config", "ExampleOutcome", "HistoryOptions",
           "LedgerRecord", "LedgerUpdate", "Lifecycle", "LoadedFile", "Removal", "RemoveOptions", "ReportOptions",
           "RuleSet", "ScanOptions", "Setup", "SetupPlan", "Shown", "View", "check", "check_shown", "compare",
           "graph_document", "history", "load_config", "load_project", "loaded_rules", "plan_setup", "read_deployed",
           "record_ledger", "remove", "report", "scan", "scan_shown", "set_up", "test_rule_file", "update_ledger",
           "why_reachable", "write_removal"]


def remove(config: Config, rules: RuleSet, options: RemoveOptions) -> Cleanup:
    """The rewritten files that remove ``options.keys`` for good, and why a key was left alone; nothing is
    written (:func:`write_removal` writes it). The codemod is imported only now: it brings libcst, which a
    warm scan or gate never loads."""
    from flagaudit.commands import remove as removal

    return removal.remove(config, rules, options)


def write_removal(root: Path, cleanup: Cleanup, as_of: date) -> tuple[str, ...]:
    """Write ``cleanup`` under ``root`` and record its keys as retired ``as_of`` in flagaudit.lock; the notes."""
    from flagaudit.commands import remove as removal

    return removal.write_removal(root, cleanup, as_of)


_HOMES = {
    **dict.fromkeys(("CheckOptions", "check", "check_shown"), "flagaudit.commands.check"),
    **dict.fromkeys(("CompareOptions", "Comparison", "compare", "read_deployed"), "flagaudit.commands.compare"),
    **dict.fromkeys(("graph_document", "why_reachable"), "flagaudit.commands.graph"),
    **dict.fromkeys(("Lifecycle", "history"), "flagaudit.commands.history"),
    **dict.fromkeys(("Setup", "SetupPlan", "plan_setup", "set_up"), "flagaudit.commands.init"),
    **dict.fromkeys(("LedgerRecord", "LedgerUpdate", "record_ledger", "update_ledger"), "flagaudit.commands.ledger"),
    **dict.fromkeys(("ReportOptions", "report"), "flagaudit.commands.report"),
    **dict.fromkeys(("ExampleOutcome", "LoadedFile", "loaded_rules", "test_rule_file"), "flagaudit.commands.rules"),
    **dict.fromkeys(("Shown", "View", "scan_shown"), "flagaudit.commands.scan"),
    "HistoryOptions": "flagaudit.history.walk",
    **dict.fromkeys(("ScanOptions", "scan"), "flagaudit.scan.project"),
}
"""Where each command's names live: imported on first use, so a scan never loads history's, the report's
or the ledger's modules (a third of its start-up, 0.1 s of CPU)."""
_RENAMED = {"history": "lifecycle"}


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_HOMES[name]), _RENAMED.get(name, name))
    globals()[name] = value
    return value
