"""The report's charts as inline SVG, drawn with matplotlib when it is installed (``flagaudit[report]``).

matplotlib is optional: :func:`render_charts` returns ``None`` without it and
the HTML keeps its tables. The SVG is made to sit inside an HTML page that
loads nothing: no XML prologue or DTD, no namespace URLs, no creation date,
fonts from the page, and ids prefixed per chart so several charts never
collide. The same data gives the same bytes (a fixed hash salt, no dates).
"""

from __future__ import annotations

import io
import re
from typing import Any

from flagaudit.output.escaping import visible
from flagaudit.report.data import ReportData

INSTALL_HINT = "pip install 'flagaudit[report]'"

PALETTE = {
    "born": "#3d6fd9", "retired": "#2e9e78", "live": "#7b8494", "period": "#eef2fb",
    "release": "#3d6fd9", "experiment": "#8b5cd6", "operational": "#e39b2d", "kill-switch": "#d64f4f",
    "permission": "#6b7a8f", "ink": "#1f2937", "muted": "#6b7280", "grid": "#e5e7eb",
}
_OTHER_TYPES = ("#14a3b8", "#b05d8f", "#8d9b3a", "#a0714f")
PRIORITY_COLOURS = ("#d64f4f", "#e07b39", "#e3a72d", "#3d6fd9", "#7b8494", "#b7bec9")
PRIORITY_NAMES = ("repurpose risk", "expired", "dead code", "stale", "unused or unreachable", "dormant")
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'


def render_charts(data: ReportData) -> dict[str, str] | None:
    """``{"quarters": svg, "ages": svg, "owners": svg}`` (only charts with something to show), or ``None``.

    The owners chart has no legend of its own: its colours are the priorities the page's legend names
    (:data:`PRIORITY_NAMES`, :data:`PRIORITY_COLOURS`).
    """
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        return None
    style: Any = {  # matplotlib types its keys as literals
        "svg.fonttype": "none", "font.family": "sans-serif", "font.size": 11,
        "axes.edgecolor": PALETTE["grid"], "axes.labelcolor": PALETTE["muted"], "axes.titleweight": "bold",
        "xtick.color": PALETTE["muted"], "ytick.color": PALETTE["muted"], "text.color": PALETTE["ink"],
        "axes.spines.top": False, "axes.spines.right": False, "legend.frameon": False,
        "text.parse_math": False,  # owners and types come from the project: `$` is text, never mathtext
    }
    charts = {}
    with matplotlib.rc_context(style):
        for name, draw in (("quarters", _quarters), ("ages", _ages), ("owners", _owners)):
            figure = draw(Figure, data)
            if figure is not None:
                charts[name] = _svg(figure, name)
    return charts


def _quarters(figure_class: Any, data: ReportData) -> Any:
    rows = data.quarters
    if not rows:
        return None
    figure = figure_class(figsize=(6.4, 3.0))
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    width = 0.36
    for index, row in enumerate(rows):
        if row.in_period:
            axes.axvspan(index - 0.5, index + 0.5, color=PALETTE["period"], zorder=0, linewidth=0)
    born = axes.bar([p - width / 2 for p in positions], [r.born for r in rows], width, label="born",
                    color=PALETTE["born"], zorder=2)
    retired = axes.bar([p + width / 2 for p in positions], [r.retired for r in rows], width, label="retired",
                       color=PALETTE["retired"], zorder=2)
    for bars in (born, retired):
        for bar in bars:
            if bar.get_height():
                axes.annotate(f"{int(bar.get_height())}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                              xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=10,
                              color=PALETTE["ink"])
    axes.set_xticks(positions, [r.label for r in rows])
    axes.set_xlim(-0.5, len(rows) - 0.5)
    top = max([r.born for r in rows] + [r.retired for r in rows] + [1])
    axes.set_ylim(0, top * 1.15 + 0.3)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.grid(axis="y", color=PALETTE["grid"], linewidth=0.8, zorder=1)
    axes.tick_params(length=0)
    axes.spines["left"].set_visible(False)
    axes.set_ylabel("flags")
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, fontsize=10, handlelength=1.0, borderaxespad=0.2)
    figure.tight_layout(pad=0.6)
    return figure


def _ages(figure_class: Any, data: ReportData) -> Any:
    ages = data.ages
    if not ages.rows or not any(row.total for row in ages.rows):
        return None
    figure = figure_class(figsize=(6.4, 3.0))
    axes = figure.add_subplot()
    labels = [row.bucket for row in ages.rows]
    bottoms = [0] * len(labels)
    for number, flag_type in enumerate(ages.types):
        values = [dict(row.counts).get(flag_type, 0) for row in ages.rows]
        colour = PALETTE.get(flag_type, _OTHER_TYPES[number % len(_OTHER_TYPES)])
        axes.bar(labels, values, 0.6, bottom=bottoms, label=visible(flag_type), color=colour, zorder=2,
                 edgecolor="white", linewidth=0.8)
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    for index, total in enumerate(bottoms):
        if total:
            axes.annotate(str(total), (index, total), xytext=(0, 2), textcoords="offset points", ha="center",
                          va="bottom", fontsize=10, fontweight="bold")
    axes.set_ylim(0, max(bottoms + [1]) * 1.15 + 0.3)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.grid(axis="y", color=PALETTE["grid"], linewidth=0.8, zorder=1)
    axes.tick_params(length=0)
    axes.spines["left"].set_visible(False)
    axes.set_ylabel("live flags")
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=min(5, len(ages.types)), fontsize=10,
                handlelength=1.0, borderaxespad=0.2)
    figure.tight_layout(pad=0.6)
    return figure


def _owners(figure_class: Any, data: ReportData) -> Any:
    queues = data.queues[:12]
    if not queues:
        return None
    figure = figure_class(figsize=(7.2, 0.7 + 0.32 * len(queues)))
    axes = figure.add_subplot()
    names = [visible(q.owner) if q.owner else "(nobody)" for q in queues][::-1]
    lefts = [0] * len(queues)
    for priority, (name, colour) in enumerate(zip(PRIORITY_NAMES, PRIORITY_COLOURS, strict=True)):
        values = [sum(1 for item in q.items if item.priority == priority) for q in queues][::-1]
        if not any(values):
            continue
        axes.barh(names, values, 0.62, left=lefts, label=name, color=colour, zorder=2, edgecolor="white",
                  linewidth=0.8)
        lefts = [a + b for a, b in zip(lefts, values, strict=True)]
    for index, total in enumerate(lefts):
        axes.annotate(str(total), (total, index), xytext=(4, 0), textcoords="offset points", va="center",
                      fontsize=10, fontweight="bold")
    axes.set_xlim(0, max(lefts + [1]) * 1.12 + 0.3)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.grid(axis="x", color=PALETTE["grid"], linewidth=0.8, zorder=1)
    axes.tick_params(length=0)
    axes.spines["bottom"].set_visible(False)
    axes.set_xlabel("flags to act on")
    figure.tight_layout(pad=0.6)
    return figure


def _svg(figure: Any, name: str) -> str:
    """The figure as SVG fit for inlining in an HTML page, deterministic for the same figure."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"flagaudit-{name}"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None,
                                                        "Type": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)
    text = re.sub(r'\s+xmlns(?::\w+)?="[^"]*"', "", text)
    text = re.sub(r'<svg([^>]*?)\s+width="[^"]*"\s+height="[^"]*"', r"<svg\1", text, count=1)
    text = text.replace("<svg", f'<svg class="chart" role="img" aria-label="{name} chart"', 1)
    text = re.sub(r'\bid="', f'id="{name}-', text)
    text = text.replace('url(#', f'url(#{name}-').replace('href="#', f'href="#{name}-')
    text = re.sub(r"font-family:[^;\"]*", "font-family: " + FONT.replace('"', "'"), text)
    return text.strip()
