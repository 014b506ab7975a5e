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


def no_literal_default(default: ast.expr) -> bool:
    """A default that fixes no value a reader can see: ``None``, a variable (paperless-ngx's
    ``getattr(settings, "SOCIALACCOUNT_ALLOW_SIGNUPS", allow_signups)``) or its negation (mozilla/moztrap's
    ``getattr(settings, "USE_GOOGLE_ANALYTICS", not settings.DEBUG)``). Read by a switch's name, the setting is
    still a flag; ``getattr(settings, "TIMEOUT", 30)`` or a name read with a list is configuration."""
    if isinstance(default, ast.UnaryOp) and isinstance(default.op, ast.Not):
        default = default.operand
    return isinstance(default, ast.Constant) and default.value is None or isinstance(default, (ast.Name, ast.Attribute))
