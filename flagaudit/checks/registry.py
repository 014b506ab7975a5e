"""Registry findings: checks and definitions that do not match up (FA401-FA402)."""

from flagaudit.checks import FindingRule

RULES = (
    FindingRule(
        "FA401", "unknown-flag", "warning",
        "A key is checked but not defined, in a project that defines the flags of that SDK or namespace; "
        "the message suggests the nearest defined key.",
        "A typo in a key is a flag that is silently always off.",
        'ENABLE_NEW_NAV = WaffleFlag("nav.enable_new", __name__)\nflag_is_active(request, "nav.enable_nwe")  # did you mean nav.enable_new?',
        "Fix the key, or define the flag where the project defines its flags.",
    ),
    FindingRule(
        "FA402", "unused-flag", "warning",
        "A key is defined but never checked outside tests (a flag object never asked, a registry entry with no site).",
        "A definition with no reader is either a leftover to delete or a check that was lost in a refactor.",
        'ENABLE_BETA = WaffleFlag("shop.enable_beta", __name__)  # no .is_enabled() anywhere',
        "Delete the definition (and its data migration row), or restore the check.",
    ),
)
