"""``flagaudit ledger`` output: whether flagaudit.lock is up to date (``--check``), and what writing it did.

Keys and paths come from the analysed tree, so each passes through :func:`flagaudit.output.escaping.visible`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flagaudit.checks.verdict import blocking
from flagaudit.output.escaping import visible
from flagaudit.output.text_format import finding_lines

if TYPE_CHECKING:
    from flagaudit.commands.ledger import LedgerRecord, LedgerUpdate

_BLOCKED = {"FA201": "reborn key", "FA202": "repurposed key", "FA203": "mixed meaning"}
"""How ``ledger --check`` names a change only ``--accept`` may record."""

_ACCEPT = "`flagaudit ledger --accept KEY --reason \"...\"`"


def ledger_check_text(update: LedgerUpdate) -> str:
    """Each change the file lacks, with the gate's verdict on it when the gate blocks it; or that it is current."""
    if update.current:
        return f"{update.path.name} is up to date ({len(update.ledger.entries)} keys)\n"
    verdicts: dict[str, list[str]] = {}
    for finding in update.blocked:
        verdicts.setdefault(f"{finding.flag} [{finding.sdk}]", []).append(
            f"{_BLOCKED[finding.code]}, see {finding.code}")
    lines = []
    for change in update.changes:
        name = change.split(": ", 1)[0]
        lines.append(f"{change}; {', '.join(sorted(set(verdicts.pop(name))))}" if name in verdicts else change)
    lines += [f"{name}: {', '.join(sorted(set(found)))}" for name, found in sorted(verdicts.items())]
    advice = (f"the gate blocks the change, so give the new behaviour a new key, or accept it: {_ACCEPT}:"
              if update.blocked else "run `flagaudit ledger` and commit it:")
    return f"{update.path.name} is out of date; {advice}\n" + "".join(f"  {visible(line)}\n" for line in lines)


def ledger_record_text(record: LedgerRecord) -> str:
    """What merging a conflicted file did, then either why nothing was written or what was."""
    update = record.update
    lines = list(update.merged)
    if record.problem is not None:
        return "".join(f"{line}\n" for line in lines)
    if record.blocked:
        lines.append(f"{update.path.name} not written: it would record these keys' new meaning, and the gate "
                     "without history would then pass them"
                     + (" (an adoption baseline covers committed history only)" if record.adoption else "") + ":")
        lines += finding_lines(record.blocked, 0)
        lines.append(f"Give the new behaviour a new key, or accept the change for good: {_ACCEPT}")
        if record.adoption is None and (update.previous is None or update.previous.adoption is None):
            lines.append("Adopting flagaudit on a history that already did this? `flagaudit ledger --adopt --reason "
                         "\"...\"` accepts what history did up to HEAD, visibly and once (docs/ci.md).")
        return "".join(f"{line}\n" for line in lines)
    entries = update.ledger.entries
    live = sum(1 for e in entries if e.status == "live")
    change = "new" if update.previous is None else f"{len(update.changes)} changed"
    lines.append(f"wrote {visible(str(update.path))}: {len(entries)} keys ({live} live, {len(entries) - live} "
                 f"retired), {change}")
    if record.adoption is not None and record.gate is not None:
        lines.append(f"adopted at {record.adoption.commit[:12]} ({record.adoption.date.isoformat()}): "
                     f"{len(record.gate.baseline)} finding(s) about history up to it no longer block "
                     "(`flagaudit check -v` lists them); what comes after is judged as before. "
                     f"`flagaudit check` now: {len(blocking(record.gate))} blocking.")
    return "".join(f"{line}\n" for line in lines)
