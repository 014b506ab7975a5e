"""Lifecycle findings: flags that outlived their purpose (FA101-FA103)."""

from flagaudit.checks import FindingRule

_SUPPRESS = "To keep the flag on purpose, annotate it: `# flagaudit: ignore[{code}] reason`."

RULES = (
    FindingRule(
        "FA101", "stale-flag", "warning",
        "A flag older than its type allows: release and experiment flags 40 days, operational flags 7 days "
        "(rules/policies.toml); kill switches and permission flags never go stale.",
        "Every live flag doubles the paths through the code it guards. Release flags that linger turn into "
        "permanent configuration nobody dares to touch, and a forgotten flag is the one that gets reused.",
        '# flagaudit: type=release owner=@payments\nif ld.variation("new-checkout", ctx, False):  # born 2026-01-05\n    return new_checkout(cart)',
        "Remove the flag and the losing branch once the rollout is complete. If the flag is meant to stay, "
        "declare its type (`# flagaudit: type=kill-switch`). " + _SUPPRESS.format(code="FA101"),
    ),
    FindingRule(
        "FA102", "expired-flag", "warning",
        "A flag whose declared expiry or target removal date has passed "
        "(`# flagaudit: expires=YYYY-MM-DD`, edx `toggle_target_removal_date`).",
        "The owner promised a removal date; the date passed and the flag is still read.",
        "# .. toggle_target_removal_date: 2026-03-01\nENABLE_NEW_GRADES = WaffleFlag('grades.enable_new', __name__)",
        "Remove the flag, or move the date with a reason in the same commit. " + _SUPPRESS.format(code="FA102"),
    ),
    FindingRule(
        "FA103", "dormant-flag", "info",
        "No site of the flag changed for N days (default 180).",
        "Code behind a flag nobody touches is the Power Peg pattern: it still runs the day the flag flips.",
        'if switch_is_active("legacy_export"):  # unchanged since 2025-02-11\n    run_legacy_export()',
        "Decide: make the behaviour permanent and delete the flag, or delete the dormant branch. "
        + _SUPPRESS.format(code="FA103"),
    ),
)
