"""Progress on stderr: quiet for two seconds, then a bar on a terminal or a line every ten seconds in a log.

The reporters take the clock as a parameter, so the timing is exact here; the command line's wiring is tested
on a pseudo-terminal in test_report.py.
"""

from __future__ import annotations

import io

from flagaudit.output.progress import LogProgress, TerminalProgress, make_progress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Stream(io.StringIO):
    encoding = "utf-8"

    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_the_bar_waits_two_seconds_then_shows_counts_rate_and_time_left() -> None:
    clock, stream = Clock(), Stream(True)
    bar = TerminalProgress(stream, width=10, clock=clock, columns=lambda: 120)
    bar("reading history", 10, 1000, "commits · 3 files analysed")
    clock.now += 1.9
    bar("reading history", 190, 1000, "commits · 40 files analysed")
    assert stream.getvalue() == ""  # a quick run shows nothing
    clock.now += 0.1
    bar("reading history", 200, 1000, "commits · 42 files analysed")
    line = stream.getvalue()
    assert line.startswith("\rflagaudit: reading history ")
    assert "[██░░░░░░░░] 200/1,000 commits · 42 files analysed · 100/s · 8 s left" in line
    bar("reading history", 201, 1000, "commits · 42 files analysed")
    assert stream.getvalue() == line  # redrawn at most every 80 ms
    clock.now += 0.1
    bar("reading history", 1000, 1000, "commits · 99 files analysed")
    assert stream.getvalue().rstrip(" ").endswith("[██████████] 1,000/1,000 commits · 99 files analysed · 476/s")
    shown = len(stream.getvalue().rsplit("\r", 1)[-1].rstrip(" "))
    bar.close()
    assert stream.getvalue().endswith("\r" + " " * shown + "\r")  # erased


def test_the_bar_fits_the_terminal_so_each_redraw_stays_on_one_row() -> None:
    """A line longer than the terminal wraps, and ``\\r`` then returns only to the start of its last row: each
    redraw would leave a row behind. The bar narrows, then goes; the counts and the time left stay."""
    shown = {}
    for columns in (140, 120, 80, 60, 30):
        clock, stream = Clock(), Stream(True)
        bar = TerminalProgress(stream, clock=clock, columns=lambda width=columns: width)
        bar("reading history", 0, 4763, "commits · 0 files analysed")
        for done in range(1, 40):
            clock.now += 0.5
            bar("reading history", done * 100, 4763, f"commits · {done * 30:,} files analysed")
        lines = [line.rstrip(" ") for line in stream.getvalue().split("\r") if line.strip()]
        assert max(len(line) for line in lines) < columns
        shown[columns] = lines[-1]
    assert shown[140] == ("flagaudit: reading history    [████████████████████████░░░░░░] 3,900/4,763 commits · "
                          "1,170 files analysed · 200/s · 4 s left")
    assert shown[120] == ("flagaudit: reading history [██████████████████████░░░░░░] 3,900/4,763 commits · "
                          "1,170 files analysed · 200/s · 4 s left")
    assert shown[80] == "reading history 3,900/4,763 commits · 1,170 files analysed · 200/s · 4 s left"
    assert shown[60] == "reading history 3,900/4,763 commits · 1,170 files analysed…"
    assert shown[30] == "reading history 3,900/4,763 …"


def test_a_log_gets_one_line_every_ten_seconds_and_no_carriage_returns() -> None:
    clock, stream = Clock(), Stream(False)
    log = LogProgress(stream, clock=clock)
    for second in range(35):
        log("reading history", second * 10, 500, "commits")
        clock.now += 1
    lines = stream.getvalue().splitlines()
    assert lines == ["flagaudit: reading history: 100/500 commits · 10/s · 40 s left",
                     "flagaudit: reading history: 200/500 commits · 10/s · 30 s left",
                     "flagaudit: reading history: 300/500 commits · 10/s · 20 s left"]
    assert "\r" not in stream.getvalue()


def test_stages_that_cannot_count_say_they_are_working() -> None:
    clock, stream = Clock(), Stream(False)
    log = LogProgress(stream, clock=clock)
    clock.now += 10
    log("finding owners", 0, 0)
    assert stream.getvalue() == "flagaudit: finding owners: working\n"


def test_the_command_line_picks_a_bar_for_a_terminal_a_log_otherwise_and_nothing_with_quiet() -> None:
    assert isinstance(make_progress(Stream(True), quiet=False), TerminalProgress)
    assert isinstance(make_progress(Stream(False), quiet=False), LogProgress)
    assert make_progress(Stream(True), quiet=True) is None
