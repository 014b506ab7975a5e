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
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flagaudit.report.data import ReportData

REPORT_FORMATS = ("html", "json", "md")
"""``--format`` names; each is the module ``render_NAME`` with its function ``render_NAME``."""

SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json"}
"""``-o`` file suffix -> the format used when ``--format`` is not given."""


def render_report(output_format: str, data: ReportData) -> str:
    """The report in ``output_format``, its renderer imported only now (the HTML one brings the charts)."""
    if output_format not in REPORT_FORMATS:
        raise ValueError(f"unknown report format {output_format!r}")
    module = import_module(f"flagaudit.report.render_{output_format}")
    render: Callable[[ReportData], str] = getattr(module, f"render_{output_format}")
    return render(data)
