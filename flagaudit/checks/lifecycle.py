"""Deprecated: moved to :mod:`flagaudit.checks.stale`; kept for one release."""

from flagaudit.checks.stale import stale_findings, toggle_name_findings

__all__ = ["stale_findings", "toggle_name_findings"]
