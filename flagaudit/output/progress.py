"""Progress on stderr while a long run works: a bar on a terminal, a line every ten seconds in a CI log.

``reading history  [██████░░░░░░]  412/1,000 commits · 96 files analysed · 38/s · 15 s left``

Nothing shows for the first two seconds, so quick runs stay quiet; the command line makes none with ``-q``.
Everything below the command line takes a plain callback and never prints. The texts are flagaudit's own
(stage names and counts), never strings from the analysed tree.
"""

from __future__ import annotations

import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Protocol, TextIO

DELAY = 2.0
"""Seconds before anything shows: a run shorter than that prints no progress."""
LOG_EVERY = 10.0
"""Seconds between two lines when stderr is not a terminal (CI logs keep every line)."""


class Progress(Protocol):
    def __call__(self, stage: str, done: int, total: int, detail: str = "") -> None:
        """``done`` of ``total`` (0 when the stage cannot count) items of ``stage``; ``detail`` names them."""


def make_progress(stream: TextIO, quiet: bool) -> Reporter | None:
    """The reporter the command line uses: a bar on a terminal, lines in a log, none with ``-q``."""
    if quiet:
        return None
    return TerminalProgress(stream) if stream.isatty() else LogProgress(stream)


class Reporter(ABC):
    """Keeps each stage's start, so what is shown can say how fast it goes and how long is left; a subclass
    says when to show and how (a bar redrawn in place, or log lines)."""

    def __init__(self, stream: TextIO, delay: float = DELAY, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.start = clock() + delay
        self.stage = ""
        self.stage_start = 0.0

    def __call__(self, stage: str, done: int, total: int, detail: str = "") -> None:
        now = self.clock()
        if stage != self.stage:
            self.stage, self.stage_start = stage, now
        if now >= self.start and self.due(now, total > 0 and done >= total):
            self.show(now, self.describe(now, done, total, detail))

    def describe(self, now: float, done: int, total: int, detail: str) -> str:
        if total <= 0:
            return "..."
        parts = [f"{done:,}/{total:,}" + (f" {detail}" if detail else "")]
        elapsed = now - self.stage_start
        if elapsed >= 1 and done:
            rate = done / elapsed
            parts.append(f"{rate:,.0f}/s" if rate >= 1 else f"{rate:.1f}/s")
            if done < total:
                parts.append(f"{_duration((total - done) / rate)} left")
        return " · ".join(parts)

    @abstractmethod
    def due(self, now: float, finished: bool) -> bool:
        """Whether to show anything now (checked first: most calls show nothing)."""

    @abstractmethod
    def show(self, now: float, text: str) -> None:
        """Put ``text`` on the stream."""

    def close(self) -> None:
        """Leave stderr as it was before the run (a terminal's bar is erased)."""
        return None  # lines in a log stay; the terminal's bar erases itself


class TerminalProgress(Reporter):
    """Redraws one line in place, at most every ``interval`` seconds; :meth:`close` erases it. The line fits the
    terminal's width (``columns``, read at each redraw): a line that wraps cannot be redrawn in place, and every
    redraw would leave a row behind."""

    def __init__(self, stream: TextIO, width: int = 30, interval: float = 0.08, delay: float = DELAY,
                 clock: Callable[[], float] = time.monotonic, columns: Callable[[], int] | None = None) -> None:
        super().__init__(stream, delay, clock)
        self.width = width
        self.columns = columns or (lambda: _columns(stream))
        self.interval = interval
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        self.full, self.empty = ("█", "░") if encoding.startswith("utf") else ("#", ".")
        self.shown = 0
        self.last = float("-inf")
        self.last_stage = ""

    def describe(self, now: float, done: int, total: int, detail: str) -> str:
        text = super().describe(now, done, total, detail)
        room = self.columns() - 1  # the last column would wrap on some terminals
        if total <= 0:
            return _cut(f"flagaudit: {self.stage}{text}", room)
        full = f"flagaudit: {self.stage:<18} [{self._bar(self.width, done, total)}] {text}"
        if len(full) <= room:
            return full
        stage = f"flagaudit: {self.stage}"
        narrow = room - len(stage) - len(text) - 4  # the bar's width that fits beside the stage's name unpadded
        if narrow >= 10:
            return f"{stage} [{self._bar(min(narrow, self.width), done, total)}] {text}"
        if len(stage) + 1 + len(text) <= room:
            return f"{stage} {text}"
        return _cut(f"{self.stage} {text}", room)

    def _bar(self, width: int, done: int, total: int) -> str:
        filled = min(width, width * done // total)
        return self.full * filled + self.empty * (width - filled)

    def due(self, now: float, finished: bool) -> bool:
        return self.stage != self.last_stage or finished or now - self.last >= self.interval

    def show(self, now: float, text: str) -> None:
        self.last, self.last_stage = now, self.stage
        padding = " " * max(0, self.shown - len(text))
        self.stream.write("\r" + text + padding)
        self.stream.flush()
        self.shown = len(text)

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown = 0


class LogProgress(Reporter):
    """One plain line every :data:`LOG_EVERY` seconds, for logs that keep every line (no ``\\r``)."""

    def __init__(self, stream: TextIO, every: float = LOG_EVERY, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(stream, every, clock)
        self.every = every
        self.next = self.start

    def due(self, now: float, finished: bool) -> bool:
        return now >= self.next

    def show(self, now: float, text: str) -> None:
        self.next = now + self.every
        self.stream.write(f"flagaudit: {self.stage}: {text.lstrip('.') or 'working'}\n")
        self.stream.flush()


def _columns(stream: TextIO) -> int:
    """The width of the terminal ``stream`` writes to; 80 when it cannot tell."""
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (OSError, ValueError, AttributeError):
        return 80


def _cut(text: str, room: int) -> str:
    return text if len(text) <= room else text[:max(room - 1, 0)] + "…"


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds:02d} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"
