"""Finding rules: each family module declares its rules with their documentation.

The documentation is the single source for ``flagaudit explain CODE`` and
``docs/rules.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flagaudit.facts import Evidence, Finding, Flag


@dataclass(frozen=True)
class FindingRule:
    """A finding code with the text a user reads to understand and fix it."""

    code: str
    name: str
    severity: str
    summary: str
    why: str
    example: str
    fix: str
    available: bool = False
    """False while no command reports it yet; ``explain`` says so."""

    def finding(self, flag: Flag | None, path: str, line: int, column: int, message: str,
                evidence: Iterable[Evidence] = (), confidence: str = "high") -> Finding:
        return Finding(self.code, self.name, self.severity, flag.key if flag else None, flag.sdk if flag else None,
                       path, line, column, message, tuple(evidence), confidence)

    def explain(self) -> str:
        status = "" if self.available else "\nStatus: documented, not yet reported by this version of flagaudit.\n"
        return (
            f"{self.code} {self.name} (default severity: {self.severity})\n{status}\n"
            f"What it finds\n  {self.summary}\n\nWhy it matters\n  {self.why}\n\n"
            f"Example\n{_indent(self.example)}\n\nHow to fix or suppress\n  {self.fix}\n"
        )


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.strip("\n").splitlines())


def all_rules() -> dict[str, FindingRule]:
    """Every finding rule by code, in code order."""
    from flagaudit.checks import constant, lifecycle, meaning, reachability, registry

    rules = [*lifecycle.RULES, *constant.RULES, *meaning.RULES, *reachability.RULES, *registry.RULES]
    return {r.code: r for r in sorted(rules, key=lambda r: r.code)}
