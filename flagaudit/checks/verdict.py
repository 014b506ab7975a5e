"""Which findings fail the build, and which a pull request's annotations carry. Pure: data in, data out.

A team chooses what blocks (``--fail-on error|warning|CODE,...``, or ``fail-on`` in the configuration):
a severity and everything above it, or finding codes and prefixes, in any mix. With ``--base`` only what
the change did can block or be annotated: a finding on a line the change touches, or about a flag the
change touched (an event of its timeline lies inside the change). Everything else stays in the full
output (text, JSON) and in ``--all``.
"""

from __future__ import annotations

from collections.abc import Iterable

from flagaudit.errors import FlagauditError
from flagaudit.facts import Finding, Inventory

SEVERITIES = ("info", "warning", "error")
"""Ascending: ``--fail-on warning`` fails on warnings and errors."""
DEFAULT_FAIL_ON = ("error",)


def parse_fail_on(items: Iterable[str], where: str = "--fail-on") -> tuple[str, ...]:
    """``["warning", "fa101"]`` -> ``("warning", "FA101")``; an unknown severity or code is an error naming it."""
    from flagaudit.checks import all_rules

    known = all_rules()
    found: list[str] = []
    for item in items:
        text = item.strip()
        if not text:
            continue
        if text.lower() in SEVERITIES:
            found.append(text.lower())
        elif any(code.startswith(text.upper()) for code in known) and text.upper().startswith("FA"):
            found.append(text.upper())
        else:
            raise FlagauditError(f"{where}: {text!r} is neither a severity ({', '.join(reversed(SEVERITIES))}) "
                                 "nor a finding code or prefix (`flagaudit explain` lists them)")
    if not found:
        raise FlagauditError(f"{where}: give a severity or finding codes, e.g. `error` or `warning,FA101`")
    return tuple(dict.fromkeys(found))


def fails(finding: Finding, fail_on: tuple[str, ...]) -> bool:
    """Whether ``finding`` matches the ``fail-on`` choice."""
    rank = SEVERITIES.index(finding.severity) if finding.severity in SEVERITIES else 0
    return any(rank >= SEVERITIES.index(item) if item in SEVERITIES else finding.code.startswith(item)
               for item in fail_on)


def blocking(inventory: Inventory) -> tuple[Finding, ...]:
    """The findings that fail the run: those ``fail_on`` picks, and with ``--base`` only those of the change."""
    focus = set(inventory.focus) if inventory.focus is not None else None
    return tuple(f for f in inventory.findings if fails(f, inventory.fail_on) and (focus is None or f in focus))


def in_change(findings: Iterable[Finding], touched: dict[str, frozenset[int]],
              flags: set[tuple[str, str]]) -> tuple[Finding, ...]:
    """Findings on a line the change touches, or about a flag the change touched (``(sdk, key)`` in ``flags``)."""
    return tuple(f for f in findings
                 if f.line in touched.get(f.path, frozenset()) or (f.sdk or "", f.flag or "") in flags)
