"""Calls that make a function sync or async: ``sync_to_async(flag_is_active)(request, key)`` is a check.

The adapter returns a function that takes the same arguments as the one it was given, so the outer call's
arguments are the check's.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

ADAPTERS = frozenset({"asgiref.sync.sync_to_async", "asgiref.sync.async_to_sync",
                      "channels.db.database_sync_to_async"})


def adapted(func: ast.expr, qualify: Callable[[ast.expr], str | None]) -> ast.expr:
    """The function an adapter call wraps when ``func`` is one (``sync_to_async(check)``), else ``func``."""
    if isinstance(func, ast.Call) and len(func.args) == 1 and qualify(func.func) in ADAPTERS:
        return func.args[0]
    return func
