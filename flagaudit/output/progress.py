"""A one-line progress bar for a terminal: ``reading history  [██████░░░░░░]  412/1,000``.

The command line makes one only when stderr is a terminal and ``-q`` is not
given; everything else in the report takes a plain callback and never prints.
"""

from __future__ import annotations

import time
from typing import TextIO


class TerminalProgress:
    """Redraws one line in place, at most every ``interval`` seconds; :meth:`close` erases it."""

    def __init__(self, stream: TextIO, width: int = 30, interval: float = 0.08) -> None:
        self.stream = stream
        self.width = width
        self.interval = interval
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        self.full, self.empty = ("█", "░") if encoding.startswith("utf") else ("#", ".")
        self.shown = 0
        self.last = 0.0
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        finished = total > 0 and done >= total
        if stage == self.stage and not finished and now - self.last < self.interval:
            return
        self.stage, self.last = stage, now
        if total > 0:
            filled = min(self.width, self.width * done // total)
            bar = self.full * filled + self.empty * (self.width - filled)
            text = f"flagaudit: {stage:<18} [{bar}] {done:,}/{total:,}"
        else:
            text = f"flagaudit: {stage}..."
        self._write(text)

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown = 0

    def _write(self, text: str) -> None:
        padding = " " * max(0, self.shown - len(text))
        self.stream.write("\r" + text + padding)
        self.stream.flush()
        self.shown = len(text)
