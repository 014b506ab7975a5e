"""Deprecated: moved to :mod:`flagaudit.history.ledger`; kept for one release."""

from flagaudit.history.ledger import (
    Ledger,
    build_ledger,
    ledger_changes,
    read_ledger,
    write_ledger,
)

__all__ = ["Ledger", "build_ledger", "ledger_changes", "read_ledger", "write_ledger"]
