"""The quarterly cleanup report: which flags to delete, how much code goes with them, and who does it.

:mod:`flagaudit.commands.report` gathers a scan, history, the gate's
findings and the owners (``owners``); ``data`` turns them into a plain
:class:`~flagaudit.report.data.ReportData`;
``render_html``, ``render_md`` and ``render_json`` write it out (``charts``
draws the HTML's charts when matplotlib is installed). Nothing here prints
except :class:`~flagaudit.output.progress.TerminalProgress`, which only the
command line creates.
"""

from __future__ import annotations

from collections.abc import Callable

from flagaudit.report.data import ReportData
from flagaudit.report.render_html import render_html
from flagaudit.report.render_json import render_json
from flagaudit.report.render_md import render_md

REPORT_RENDERERS: dict[str, Callable[[ReportData], str]] = {"html": render_html, "md": render_md, "json": render_json}
"""``--format`` name -> renderer."""

SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json"}
"""``-o`` file suffix -> the format used when ``--format`` is not given."""
