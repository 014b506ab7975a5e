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
    """A default that fixes no value a reader can see: ``None``, or a variable (paperless-ngx's
    ``getattr(settings, "SOCIALACCOUNT_ALLOW_SIGNUPS", allow_signups)``). Read by a switch's name, the setting is
    still a flag; ``getattr(settings, "TIMEOUT", 30)`` or a name read with a list is configuration."""
    return isinstance(default, ast.Constant) and default.value is None or isinstance(default, (ast.Name, ast.Attribute))
