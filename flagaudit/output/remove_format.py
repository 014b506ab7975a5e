"""``flagaudit remove`` output besides the diff: what happened to each key, one line each for stderr.

Keys, paths and the reasons a place was refused come from the analysed tree; the command line shows every
line through :func:`flagaudit.output.escaping.visible`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flagaudit.cleanup import Cleanup


def removal_lines(cleanup: Cleanup, written: bool, value: str) -> list[str]:
    """Each key's notes, what was (or would be) removed, each place that kept a key from being removed, and
    without ``--write`` how many lines the diff deletes."""
    lines: list[str] = []
    for removal in cleanup.removals:
        lines += removal.notes
        if removal.removed and not removal.files:
            lines.append(f"nothing of {removal.key!r} is left to remove")
        elif removal.removed:
            lines.append(f"{'removed' if written else 'would remove'} {removal.key!r} (--as {value}): "
                         f"{len(removal.files)} file(s)" + (f", functions {', '.join(removal.functions)}"
                                                            if removal.functions else ""))
        lines += [f"left {removal.key!r} alone: {place}" for place in removal.refused]
    if not written:
        lines.append(f"{cleanup.deleted_lines} lines deleted in all; --write applies it")
    return lines
