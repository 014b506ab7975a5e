"""History: the first-parent walk, what it keeps between runs, one commit's step, changes since ``--base``, and
the ledger.

``flagaudit.history.history`` (with ``History`` and ``HistoryOptions``) is what ``docs/history.md``
documented before the stage folders; it is kept for one release, loaded on first use so that importing
one module of this package (the ledger, the step) does not load the walk, libcst and git with it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["History", "HistoryOptions", "history"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from flagaudit.history import walk

        return getattr(walk, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
