"""One runner for every finding family: a command says what it has, and the families that need no more run."""

from __future__ import annotations

from flagaudit.checks import CheckInput, Need, families
from flagaudit.facts import Finding


def run_checks(given: CheckInput, *have: Need) -> list[Finding]:
    """The findings of every family whose need is in ``have``; suppressions are applied later, once
    (:func:`flagaudit.checks.suppression.finish`)."""
    return [finding for family in families() if family.needs in have for finding in family.find(given)]
