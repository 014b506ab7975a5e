"""Where a call passes the argument an SDK rule names (``key = {position = 1, keyword = "flag_name"}``)."""

from __future__ import annotations

import libcst as cst

from flagaudit.sdk_rules import KeyArg


def argument(call: cst.Call, arg: KeyArg) -> cst.BaseExpression | None:
    """The expression passed for ``arg``, by keyword or position; ``None`` if absent or hidden by ``*args``."""
    positional = 0
    for item in call.args:
        if item.star:
            if item.star == "*":
                return None
            continue
        if item.keyword is not None:
            if item.keyword.value == arg.keyword:
                return item.value
            continue
        if arg.position is not None and positional == arg.position:
            return item.value
        positional += 1
    return None
