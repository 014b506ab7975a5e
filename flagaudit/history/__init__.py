"""History: the first-parent walk, one commit's step, changes since ``--base``, and the ledger.

Re-exports the walk's entry points, which ``docs/history.md`` documented as ``flagaudit.history`` before
the stage folders; kept for one release.
"""

from flagaudit.history.walk import History, HistoryOptions, history

__all__ = ["History", "HistoryOptions", "history"]
