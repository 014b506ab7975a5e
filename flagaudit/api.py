"""The library API: what the command line and other tools call. Nothing here prints.

One function per command, each composing the pipeline's stages (``docs/api.md`` shows them at work)::

    from flagaudit.api import load_project, scan, check, history, update_ledger, report

The stage packages (``extract``, ``scan``, ``model``, ``history``, ``checks``, ``output``, ``report``) are the
implementation; import from here so a change of layout never breaks a caller. (These names cannot also be
attributes of the ``flagaudit`` package itself: ``flagaudit.scan``, ``flagaudit.history`` and
``flagaudit.report`` are the stage packages, and importing one sets that attribute.)
"""

from __future__ import annotations

from flagaudit.commands.check import CheckOptions, check
from flagaudit.commands.history import Lifecycle
from flagaudit.commands.history import lifecycle as history
from flagaudit.commands.init import Setup, SetupPlan, plan_setup, set_up
from flagaudit.commands.ledger import LedgerRecord, LedgerUpdate, record_ledger, update_ledger
from flagaudit.commands.report import ReportOptions, report
from flagaudit.config import Config, load_project
from flagaudit.history.walk import HistoryOptions
from flagaudit.scan.project import ScanOptions, scan
from flagaudit.sdk_rules import RuleSet

__all__ = ["CheckOptions", "Config", "HistoryOptions", "LedgerRecord", "LedgerUpdate", "Lifecycle", "ReportOptions",
           "RuleSet", "ScanOptions", "Setup", "SetupPlan", "check", "history", "load_project", "plan_setup",
           "record_ledger", "report", "scan", "set_up", "update_ledger"]

