"""Reachability findings: checks nothing runs and code only a dead flag keeps alive (FA301-FA302)."""

from flagaudit.checks import FindingRule

RULES = (
    FindingRule(
        "FA301", "unreachable-check", "warning",
        "A flag check in a function that no entry point reaches (console scripts, `__main__` blocks, "
        "framework routes and tasks, `__all__`, configured entry points). Tests are not entry points.",
        "A check nobody runs keeps the flag looking alive and hides code that could be deleted.",
        "def _old_export(request):          # nothing calls it\n    if flag_is_active(request, 'csv_v2'):\n        ...",
        "Delete the function, or declare how it is reached: `[tool.flagaudit] entry-points = [\"pkg.mod:func\"]`.",
    ),
    FindingRule(
        "FA302", "flag-only-code", "warning",
        "Functions reachable only through the branch of a flag that can no longer take that branch (retired, "
        "declared constant, or fixed in configuration): removable code, with line counts.",
        "This is Power Peg: code kept alive only by a flag that should never flip again, until it does.",
        'if waffle.switch_is_active("power_peg"):   # switch deleted in 2019\n    send_child_orders()            # only caller',
        "Delete the branch and the functions only it reaches.",
    ),
)
