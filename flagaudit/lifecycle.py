"""Deprecated: moved to :mod:`flagaudit.commands.history` and :mod:`flagaudit.commands.ledger` (use
:mod:`flagaudit.api`); kept for one release."""

from flagaudit.commands.history import Lifecycle, lifecycle
from flagaudit.commands.ledger import LedgerUpdate, update_ledger

__all__ = ["LedgerUpdate", "Lifecycle", "lifecycle", "update_ledger"]
