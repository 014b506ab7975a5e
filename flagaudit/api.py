"""The library API: what the command line and other tools call. Nothing here prints.

One function per command, each composing the pipeline's stages::

    from flagaudit.api import scan, check, history, update_ledger, report

The stage packages (``extract``, ``scan``, ``model``, ``history``, ``checks``,
``output``, ``report``) are the implementation; import from here so a change
of layout never breaks a caller.
"""

from __future__ import annotations

from flagaudit.commands.check import CheckOptions, check
from flagaudit.commands.history import LedgerUpdate, Lifecycle, update_ledger
from flagaudit.commands.history import lifecycle as history
from flagaudit.commands.report import ReportOptions, report
from flagaudit.history.walk import HistoryOptions
from flagaudit.scan.project import ScanOptions, scan

__all__ = ["CheckOptions", "HistoryOptions", "LedgerUpdate", "Lifecycle", "ReportOptions", "ScanOptions",
           "check", "history", "report", "scan", "update_ledger"]
