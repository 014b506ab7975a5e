"""Cleanup: rewriting the code once a flag is dead: fold its checks, delete what only it kept alive.

This module holds what ``flagaudit remove`` is asked and answers, as plain data without the codemod (libcst),
so :mod:`flagaudit.api` can name them without loading it; :mod:`flagaudit.commands.remove` does the work.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RemoveOptions:
    keys: tuple[str, ...]
    value: bool
    """The value the key takes for good: ``True`` keeps the on-branches (``--as on``)."""
    use_cache: bool = True
    workers: int | None = None


@dataclass(frozen=True)
class Removal:
    """What happened to one key."""

    key: str
    removed: bool
    files: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    """Functions and classes deleted because only the key's dead branch reached them."""
    refused: tuple[str, ...] = ()
    """``path:line: why`` for each place that made the key unsafe to remove; nothing of it was changed."""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cleanup:
    """The rewritten files (``before`` is ``None`` for a new file) and what happened to each key."""

    removals: tuple[Removal, ...]
    files: dict[str, tuple[str | None, str]] = field(default_factory=dict)

    @property
    def deleted_lines(self) -> int:
        return sum(1 for line in self.diff().splitlines() if line.startswith("-") and not line.startswith("---"))

    def diff(self) -> str:
        """A unified diff of every change, paths relative to the project root (``git apply``-able)."""
        chunks: list[str] = []
        for path, (before, after) in sorted(self.files.items()):
            chunks.extend(difflib.unified_diff(
                (before or "").splitlines(keepends=True), after.splitlines(keepends=True),
                "/dev/null" if before is None else f"a/{path}", f"b/{path}"))
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in chunks)
