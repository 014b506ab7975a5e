"""The library API: what the command line and other tools call. Nothing here prints.

One function per command, each composing the pipeline's stages (``docs/api.md`` shows them at work)::

    from flagaudit.api import load_project, scan, check, history, update_ledger, report

The stage packages (``extract``, ``scan``, ``model``, ``history``, ``checks``, ``output``, ``report``) are the
implementation; import from here so a change of layout never breaks a caller. (These names cannot also be
attributes of the ``flagaudit`` package itself: ``flagaudit.scan``, ``flagaudit.history`` and
``flagaudit.report`` are the stage packages, and importing one sets that attribute.)
"""

from __future__ import annotations

from pathlib import Path

from flagaudit.commands.check import CheckOptions, check
from flagaudit.commands.history import Lifecycle
from flagaudit.commands.history import lifecycle as history
from flagaudit.commands.ledger import LedgerRecord, LedgerUpdate, record_ledger, update_ledger
from flagaudit.commands.report import ReportOptions, report
from flagaudit.config import Config, load_config
from flagaudit.history.walk import HistoryOptions
from flagaudit.scan.project import ScanOptions, scan
from flagaudit.sdk_rules import RuleSet, load_rules

__all__ = ["CheckOptions", "Config", "HistoryOptions", "LedgerRecord", "LedgerUpdate", "Lifecycle", "ReportOptions",
           "RuleSet", "ScanOptions", "check", "history", "load_project", "record_ledger", "report", "scan",
           "update_ledger"]


def load_project(paths: tuple[str, ...] = (), config_file: str | None = None,
                 directory: Path | None = None) -> tuple[Config, RuleSet]:
    """The configuration for ``paths`` (else ``directory``, else the current folder) and the SDK rules it loads:
    what :func:`check`, :func:`history`, :func:`update_ledger` and :func:`report` take."""
    config = load_config(paths, config_file, directory)
    return config, load_rules(config.rules, config.settings_dicts)
