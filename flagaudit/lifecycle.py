"""Deprecated: moved to :mod:`flagaudit.commands.history` (and :mod:`flagaudit.api`); kept for one release."""

from flagaudit.commands.history import LedgerUpdate, Lifecycle, lifecycle, update_ledger

__all__ = ["LedgerUpdate", "Lifecycle", "lifecycle", "update_ledger"]
