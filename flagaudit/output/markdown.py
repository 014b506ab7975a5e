"""``--format markdown``: a pull request's summary, short enough for a comment or a job summary.

The verdict, then (with ``--base``) a table of the flags the change added, changed, retired or brought
back, each with its findings, then every blocking finding in full, and one line counting the rest by
code: a reviewer sees what the change did to flags without scrolling past findings it did not cause.
Text that comes from the analysed code (keys, paths, messages, evidence) is escaped, so it can neither
break the table nor format the comment.
"""

from __future__ import annotations

from collections import Counter

from flagaudit.checks import verdict
from flagaudit.facts import Finding, FlagChange, Inventory
from flagaudit.output import renderer
from flagaudit.output.escaping import visible

_SPECIAL = "\\`*_[]<>|~&"
"""Characters that could end a table cell, open a code span, emphasis, a link or HTML, or start an entity."""

_STATUSES = ("added", "changed", "retired", "reborn")


@renderer("markdown")
def render_markdown(inventory: Inventory, verbosity: int = 0) -> str:
    blocking = list(verdict.blocking(inventory))
    count = len(blocking)
    headline = f"{count} blocking finding{'s' if count != 1 else ''}" if count else "no blocking findings"
    lines = [f"## flagaudit: {headline}", ""]
    if inventory.base is None:
        lines += ["No `--base` given: the findings of the whole project, not of one change.", ""]
    else:
        lines += [*_changes(inventory.changes, inventory.findings, set(blocking), escape(inventory.base)), ""]
    if blocking:
        lines += ["### Blocking", ""]
        for finding in blocking:
            lines += _in_full(finding)
        lines.append("")
    listed = {(c.sdk, c.key) for c in inventory.changes}
    blocks = set(blocking)
    others = Counter((f.code, f.name) for f in inventory.findings
                     if f not in blocks and (f.sdk, f.flag) not in listed)
    if others:
        lines.append("Other findings, not blocking: "
                     + ", ".join(f"{n} {code} {name}" for (code, name), n in sorted(others.items())) + ".")
    if inventory.baseline:
        lines.append(f"{len(inventory.baseline)} finding{'s' if len(inventory.baseline) != 1 else ''} about events "
                     "before the adoption baseline in flagaudit.lock, not blocking (`flagaudit check -v`).")
    return "\n".join(lines).rstrip("\n") + "\n"


def escape(text: str) -> str:
    """``text`` on one line, control characters shown as escapes (:func:`visible`), and every character
    Markdown could read as syntax backslash-escaped."""
    flat = visible(" ".join(part.strip() for part in text.splitlines()))
    return "".join("\\" + c if c in _SPECIAL else c for c in flat)


def _changes(changes: tuple[FlagChange, ...], findings: tuple[Finding, ...], blocks: set[Finding],
             base: str) -> list[str]:
    if not changes:
        return [f"No flag changed since {base}."]
    counts: Counter[str] = Counter(c.status for c in changes)
    lines = [f"Since {base}: " + ", ".join(f"{counts[s]} {s}" for s in _STATUSES if counts[s]) + ".", "",
             "| Flag | Change | Where | Findings |", "|---|---|---|---|"]
    for change in changes:
        own = [f for f in findings if (f.sdk, f.flag) == (change.sdk, change.key)]
        lines.append(f"| {escape(change.key)} ({escape(change.sdk)}) | {change.status} | {_where(change)} "
                     f"| {_codes(own, blocks)} |")
    return lines


def _where(change: FlagChange) -> str:
    """The first site or definition in a file the change touched, else the first one; a retired key's file."""
    touched = [place for place in change.locations if place.rsplit(":", 1)[0] in change.paths]
    return escape((touched or list(change.locations) or list(change.paths) or ["-"])[0])


def _codes(findings: list[Finding], blocks: set[Finding]) -> str:
    cells = []
    for (code, severity, blocked), n in sorted(Counter((f.code, f.severity, f in blocks) for f in findings).items()):
        text = f"{code} {severity}" + (f" ×{n}" if n > 1 else "")
        cells.append(f"**{text}, blocking**" if blocked else text)
    return ", ".join(cells) or "-"


def _in_full(finding: Finding) -> list[str]:
    where = f"{finding.path}:{finding.line}" if finding.line >= 1 else finding.path
    lines = [f"- **{finding.code} {finding.name}** {escape(where)}: {escape(finding.message)}"]
    lines += [f"  - {escape(e.kind)}: {escape(e.value)}" + (f" ({escape(e.detail)})" if e.detail else "")
              for e in finding.evidence]
    return lines

