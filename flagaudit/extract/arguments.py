"""Where a call passes the argument an SDK rule names (``key = {position = 1, keyword = "flag_name"}``)."""

from __future__ import annotations

import ast

from flagaudit.extract.tree import arguments
from flagaudit.sdk_rules import KeyArg


def argument(call: ast.Call, arg: KeyArg) -> ast.expr | None:
    """The expression passed for ``arg``, by keyword or position; ``None`` if absent or hidden by ``*args``."""
    positional = 0
    for item in arguments(call):
        if item.star:
            if item.star == "*":
                return None
            continue
        if item.keyword is not None:
            if item.keyword == arg.keyword:
                return item.value
            continue
        if arg.position is not None and positional == arg.position:
            return item.value
        positional += 1
    return None
