"""Meaning findings: a key that came to mean something new (FA201-FA203), the Knight Capital failure."""

from flagaudit.checks import FindingRule

_NEW_KEY = "Give the new behaviour a new key. If the change of meaning is intended and every deployment runs the new code, record it: `flagaudit ledger --accept KEY --reason \"...\"`."

RULES = (
    FindingRule(
        "FA201", "reborn-flag", "error",
        "A retired key (no site or definition left, per git history or flagaudit.lock) is referenced again.",
        "Servers, caches, mobile clients or flag-service configuration may still hold the old key's state: "
        "reusing it can switch on behaviour nobody meant to ship.",
        '# 2019: if ld.variation("smart-routing", ...) retired in 2020\nif ld.variation("smart-routing", ctx, False):  # 2026, new code\n    route_retail(order)',
        _NEW_KEY,
    ),
    FindingRule(
        "FA202", "repurposed-flag", "error",
        "The key stayed but its meaning was replaced: the old sites' fingerprints are gone and new, unrelated "
        "ones took their place.",
        "Anything that still runs the old code (one server that missed the deploy) reads the same key and "
        "does the old thing.",
        'if flags.is_on("power-peg"):   # was: send_child_order(...)\n    price_improvement(order)   # now',
        _NEW_KEY,
    ),
    FindingRule(
        "FA203", "mixed-meaning-flag", "error",
        "New sites with fingerprints unrelated to the existing ones were added while old sites, dormant for a "
        "long time (default 180 days), still exist.",
        "This is Knight Capital's shape: new code read the Power Peg flag while the Power Peg code still lived.",
        'router/rlp.py (2026): if flag("power-peg"): price_improvement()\nrouter/peg.py (2016): if flag("power-peg"): send_child_order()',
        "Delete the dormant code first, or use a new key. " + _NEW_KEY,
    ),
)
