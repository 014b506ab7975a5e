"""Text output fitted to the terminal it is shown on.

Why: a finding is one line plus evidence lines so that editors, ``grep`` and CI logs can take it apart; on an
80-column terminal those lines run off the right edge and a reader loses the evidence. So text that goes to a
terminal is wrapped at word boundaries, each continuation indented under its line (a finding's message by two
more spaces, its evidence by four), while files, pipes and CI logs keep the one-line form byte for byte.
"""

from __future__ import annotations

import textwrap

_MIN_WIDTH = 40  # narrower than this, wrapping helps nobody: the lines are left whole


def fit(text: str, width: int) -> str:
    """``text`` with every line longer than ``width`` wrapped; a word longer than the width (a path) stays whole."""
    if width < _MIN_WIDTH:
        return text
    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        indent = len(line) - len(line.lstrip(" "))
        hanging = " " * (indent + (4 if indent else 2))
        out.extend(textwrap.wrap(line, width, subsequent_indent=hanging, break_long_words=False,
                                 break_on_hyphens=False) or [line])
    return "\n".join(out)
