"""``flagaudit report --format html``: one self-contained page a tech lead can forward.

Everything is inline: the CSS, and the charts as SVG (:mod:`flagaudit.report.charts`). The page loads
nothing, no scripts, fonts, images or style sheets, so it opens the same from a mail attachment, an
artifact store or a file share. Without matplotlib it keeps every table and says how to get the charts.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from flagaudit.output.escaping import visible
from flagaudit.report import charts as charts_module
from flagaudit.report.data import (
    OWNER_SOURCES,
    FindingRow,
    Owner,
    Preview,
    QueueItem,
    ReportData,
)

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SEVERITY = {"error": "bad", "warning": "warn", "info": "info"}
_PRIORITY_CLASS = ("p0", "p1", "p2", "p3", "p4", "p5")


def render_html(data: ReportData, charts: bool = True) -> str:
    """The whole page; ``charts=False`` leaves the charts out (as if matplotlib were missing)."""
    drawn = charts_module.render_charts(data) if charts else None
    title = f"Feature-flag cleanup report · {data.project} · {data.period.label}"
    body = [
        _masthead(data),
        '<main class="wrap">',
        _kpis(data),
        _summary(data),
        "" if drawn is not None else _no_charts(),
        '<div class="grid2">',
        _trend(data, drawn),
        _ages(data, drawn),
        "</div>",
        _lifecycle(data),
        _repurposed(data),
        _flag_only(data),
        _ready(data),
        _other(data),
        _queues(data, drawn),
        _footer(data),
        "</main>",
    ]
    return ("<!DOCTYPE html>\n"
            f'<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="flagaudit {escape(data.version)}">\n'
            f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(part for part in body if part) + "\n</body>\n</html>\n")


def escape(text: str) -> str:
    """Text for the page: control and bidi characters shown as escapes (:func:`visible`), then HTML-escaped."""
    return html.escape(visible(text))


# -- sections ------------------------------------------------------------------------------------------------


def _masthead(data: ReportData) -> str:
    history = data.history
    if history.commits:
        partial = " (partial: shallow clone)" if history.partial else ""
        story = (f"{_count(history.commits, 'commit')} of history up to "
                 f"<code>{escape(history.head[:12])}</code>{partial}")
    else:
        story = "no git history"
    return (f'<header class="masthead"><div class="wrap">'
            f'<div class="eyebrow">Feature-flag cleanup report</div>'
            f'<h1>{escape(data.project)} <span class="period">{escape(data.period.label)}</span></h1>'
            f'<p class="meta">{_span(data.period.since, data.period.until)} · ages as of {_human(data.as_of)} · '
            f"{story}</p></div></header>")


def _kpis(data: ReportData) -> str:
    h = data.headline
    label = escape(data.period.label)
    cards = [
        ("Live flags", h.live, "in the code today", ""),
        (f"Born in {label}", h.born, "new and reborn keys", "accent"),
        (f"Retired in {label}", h.retired, "keys removed", "good"),
        ("Stale", h.stale, "older than their type allows", "warn" if h.stale else ""),
        ("Expired", h.expired, "past a declared removal date", "warn" if h.expired else ""),
        ("Dormant", h.dormant, "no site changed in months", "muted" if h.dormant else ""),
        ("Repurpose risks", h.repurposed, "keys with a second meaning", "bad" if h.repurposed else "good"),
        ("Removable lines", h.removable_lines, "of flag-only code", "accent" if h.removable_lines else ""),
    ]
    items = "".join(f'<div class="kpi {tone}"><div class="kpi-value">{value:,}</div>'
                    f'<div class="kpi-label">{name}</div><div class="kpi-note">{note}</div></div>'
                    for name, value, note, tone in cards)
    return f'<section id="headline" class="kpis" aria-label="Headline numbers">{items}</section>'


def _summary(data: ReportData) -> str:
    h = data.headline
    points = []
    if h.repurposed:
        points.append(f'<strong class="t-bad">{_count(h.repurposed, "key")} carr{"ies" if h.repurposed == 1 else "y"} '
                      f'a second meaning</strong>: fix {"it" if h.repurposed == 1 else "these"} first '
                      f'(<a href="#repurposed">repurposed keys</a>).')
    if h.expired or h.stale:
        points.append(f"{_count(h.stale, 'flag')} outlived {'its' if h.stale == 1 else 'their'} type's lifetime"
                      + (f" ({h.stale_guessed} of them only if "
                         f"{'it is a rollout' if h.stale_guessed == 1 else 'rollouts'}: nothing declares their type)"
                         if h.stale_guessed else "")
                      + (f" and {h.expired} passed {'its' if h.expired == 1 else 'their'} declared removal date"
                         if h.expired else "") + ' (<a href="#lifecycle">table</a>).')
    if h.removable_lines:
        flags = len(data.flag_only)
        points.append(f"Deleting {_count(flags, 'dead flag')} removes <strong>{h.removable_lines:,} lines</strong> "
                      f'of code only {"its" if flags == 1 else "their"} dead branch reaches '
                      f'(<a href="#flag-only">flag-only code</a>).')
    net = h.born - h.retired
    trend = "grew by" if net > 0 else "shrank by" if net < 0 else "stayed at"
    amount = f"{abs(net)}" if net else "the same number"
    points.append(f"In {escape(data.period.label)} {_count(h.born, 'flag')} {'was' if h.born == 1 else 'were'} born "
                  f"and {h.retired} retired: the live set {trend} {amount}.")
    owned = [q for q in data.queues if q.owner]
    if owned:
        top = owned[0]
        points.append(f"Longest queue: <strong>{escape(top.owner)}</strong> with {_count(len(top.items), 'flag')} "
                      '(<a href="#queues">cleanup queue</a>).')
    items = "".join(f"<li>{p}</li>" for p in points)
    return f'<section id="summary" class="card summary"><h2>In short</h2><ul>{items}</ul></section>'


def _no_charts() -> str:
    return (f'<p id="no-charts" class="notice">Charts are not included: they need matplotlib. Install it with '
            f"<code>{escape(charts_module.INSTALL_HINT)}</code> and run the report again. Every number is in the "
            "tables below.</p>")


def _trend(data: ReportData, drawn: dict[str, str] | None) -> str:
    rows = [[f"<strong>{escape(q.label)}</strong>" if q.in_period else escape(q.label), _num(q.born),
             _num(q.retired), f"{q.born - q.retired:+d}", _num(q.live)] for q in data.quarters]
    table = _table(["Quarter", "Born", "Retired", "Net", "Live at end"], rows, "lrrrr", "compact")
    several = sum(q.in_period for q in data.quarters) > 1
    marked = "shaded" if drawn and drawn.get("quarters") else "in bold"
    return _chart_card("trend", f"Flags born vs retired, last {len(data.quarters)} quarters",
                       f"The quarter{'s' if several else ''} {marked} {'are' if several else 'is'} the report's "
                       "period. Reborn keys count as born.", drawn, "quarters", table)


def _ages(data: ReportData, drawn: dict[str, str] | None) -> str:
    ages = data.ages
    if not ages.rows:
        return _chart_card("ages", "Age of live flags", "No live flags.", drawn, "ages", "")
    rows = [[escape(r.bucket), *(_num(n) if n else '<span class="dim">·</span>' for _, n in r.counts),
             f"<strong>{r.total}</strong>"] for r in ages.rows]
    table = _table(["Age", *map(escape, ages.types), "Total"], rows, "l" + "r" * (len(ages.types) + 1), "compact")
    facts = []
    if ages.median_days is not None:
        facts.append(f"median age {ages.median_days} days")
    if ages.oldest:
        facts.append(f"oldest <code>{escape(ages.oldest[0])}</code>, {ages.oldest[1]} days")
    caption = ("By type, from each flag's birth in git history. " + "; ".join(facts).capitalize() + ".") if facts \
        else "By type, from each flag's birth in git history."
    return _chart_card("ages", "Age of live flags", caption, drawn, "ages", table)


def _chart_card(section: str, title: str, caption: str, drawn: dict[str, str] | None, chart: str,
                table: str) -> str:
    svg = (drawn or {}).get(chart)
    if svg:
        figure = f'<figure class="chart-box">{svg}</figure>'
        numbers = f"<details><summary>Numbers</summary>{table}</details>" if table else ""
    else:
        figure, numbers = "", table
    return (f'<section id="{section}" class="card"><h2>{escape(title)}</h2>'
            f'<p class="caption">{caption}</p>{figure}{numbers}</section>')


def _lifecycle(data: ReportData) -> str:
    rows = data.lifecycle
    head = f'<h2>Stale, expired and dormant flags <span class="count">{len(rows)}</span></h2>'
    if not rows:
        return (f'<section id="lifecycle" class="card">{head}'
                '<p class="empty">None: every flag is within its lifetime.</p></section>')
    oldest = max((r.age_days or 0 for r in rows), default=1) or 1
    body = []
    for r in rows:
        age = ("?" if r.age_days is None else
               f'<div class="age"><span>{r.age_days:,}&nbsp;d</span><i '
               f'style="width:{max(4, round(100 * r.age_days / oldest))}%"></i></div>')
        reasons = "".join(f'<span class="tag {_reason_tone(reason)}">{escape(reason)}</span>' for reason in r.reasons)
        last = (f"{_human(r.last_change)}<br><span class='dim'>{escape(r.last_change_by)}</span>"
                if r.last_change else '<span class="dim">-</span>')
        body.append([_key(r.key, r.sdk, r.where),
                     f'<span class="type type-{escape(r.type)}">{escape(r.type)}</span>', age, _owner(r.owner),
                     _num(r.sites), last, reasons, _inline_code(r.action)])
    table = _table(["Flag", "Type", "Age", "Owner", "Sites", "Last change", "Why", "Suggested action"], body,
                   "llllrlll", "wide")
    return (f'<section id="lifecycle" class="card">{head}<p class="caption">Oldest first. Age counts from the start '
            f"of the flag's current life in git history.</p>{table}</section>")


def _repurposed(data: ReportData) -> str:
    rows = data.repurposed
    head = f'<h2>Repurposed keys <span class="count{" bad" if rows else ""}">{len(rows)}</span></h2>'
    if not rows:
        return (f'<section id="repurposed" class="card">{head}<p class="empty">None: no key was reused or given a '
                "second meaning.</p></section>")
    caption = ('<p class="caption">A key that came to mean something new: anything still running the old code '
               "(one server that missed a deploy, a cached client) reads it too. This is how Knight Capital lost "
               "$440M in 45 minutes.</p>")
    return f'<section id="repurposed" class="card alert">{head}{caption}{_findings(rows, True)}</section>'


def _flag_only(data: ReportData) -> str:
    rows = data.flag_only
    head = (f'<h2>Flag-only code <span class="count">{data.headline.removable_lines:,} lines</span></h2>')
    if not rows:
        return f'<section id="flag-only" class="card">{head}<p class="empty">None found.</p></section>'
    body = []
    for r in rows:
        functions = "".join(f"<li><code>{escape(f.name)}</code> <span class='dim'>{escape(f.where)}</span> "
                            f"<span class='lines'>{f.lines} lines</span></li>" for f in r.functions)
        fixed = (f'<span class="tag">{escape(r.value)}</span><div class="sub">{escape(r.reason)}</div>'
                 if r.value else "-")
        body.append([_key(r.key, r.sdk, r.where), fixed,
                     f'<ul class="plain">{functions}</ul>', f"<strong>{r.lines:,}</strong>", _owner(r.owner)])
    table = _table(["Flag", "Fixed to", "Reachable only through the dead branch", "Lines", "Owner"], body, "lllrl",
                   "wide")
    return (f'<section id="flag-only" class="card">{head}<p class="caption">Functions nothing else calls: they go '
            f"with the flag's dead branch.</p>{table}</section>")


def _ready(data: ReportData) -> str:
    rows = data.ready
    head = f'<h2>Ready to remove <span class="count">{_count(len(rows), "flag")}</span></h2>'
    if not rows:
        return f'<section id="ready" class="card">{head}<p class="empty">None.</p></section>'
    body = [[_key(r.key, "", r.where), escape(", ".join(r.labels)), f"<code>{escape(r.command)}</code>",
             _deletes(r.previews), _owner(r.owner)] for r in rows]
    table = _table(["Flag", "Why", "Command", "Deletes", "Owner"], body, "lllll", "wide")
    return (f'<section id="ready" class="card">{head}<p class="caption">Each command prints the cleanup as a diff '
            "and changes nothing; <code>--write</code> applies it and records the key as retired in "
            f"<code>flagaudit.lock</code>. The lines are what the command deletes, as it planned them.</p>{table}"
            "</section>")


def _deletes(previews: Sequence[Preview]) -> str:
    parts = []
    for preview in previews:
        prefix = f'<span class="dim">--as {escape(preview.value)}:</span> ' if len(previews) > 1 else ""
        if preview.refused:
            more = f" (and {len(preview.refused) - 1} more)" if len(preview.refused) > 1 else ""
            parts.append(f'{prefix}<span class="tag warn">left alone</span><div class="sub">'
                         f"{escape(preview.refused[0])}{more}</div>")
        elif preview.files:
            parts.append(f'{prefix}<span class="lines">{_count(preview.lines, "line")}</span> '
                         f'<span class="dim">in {_count(preview.files, "file")}</span>')
        else:
            parts.append(f'{prefix}<span class="dim">nothing to delete</span>')
    return "<br>".join(parts) or "-"


def _other(data: ReportData) -> str:
    if not data.other:
        return ""
    return (f'<section id="other" class="card"><h2>Other findings <span class="count">{len(data.other)}</span></h2>'
            f"{_findings(data.other, False)}</section>")


def _queues(data: ReportData, drawn: dict[str, str] | None) -> str:
    head = '<h2>Cleanup queue by owner</h2>'
    if not data.queues:
        return f'<section id="queues" class="card">{head}<p class="empty">Nothing to clean up.</p></section>'
    svg = (drawn or {}).get("owners")
    figure = f'<figure class="chart-box owners-chart">{svg}</figure>' if svg else ""
    cards = []
    for queue in data.queues:
        name = escape(queue.owner) if queue.owner else "Nobody"
        sources = "".join(f'<span class="src">{escape(s)}</span>' for s in queue.sources) if queue.owner else \
            '<span class="src none">no owner found</span>'
        lines = f" · {queue.lines:,} removable lines" if queue.lines else ""
        items = "".join(_queue_item(item) for item in queue.items)
        cards.append(f'<article class="queue{"" if queue.owner else " unowned"}"><header><h3>{name}</h3>{sources}'
                     f'<div class="sub">{_count(len(queue.items), "flag")}{lines}</div></header>'
                     f'<ol>{items}</ol></article>')
    legend = "".join(f'<span class="legend-item"><i class="dot {cls}"></i>{escape(name)}</span>'
                     for cls, name in zip(_PRIORITY_CLASS, charts_module.PRIORITY_NAMES, strict=False))
    return (f'<section id="queues" class="card">{head}<p class="caption">Each owner\'s flags, most pressing first. '
            f'{legend}</p>{figure}<div class="queues">{"".join(cards)}</div></section>')


def _queue_item(item: QueueItem) -> str:
    age = f" · {item.age_days:,} days" if item.age_days is not None else ""
    return (f'<li><i class="dot {_PRIORITY_CLASS[item.priority]}"></i><div><code class="key">{escape(item.key)}</code> '
            f'<span class="dim">{escape(", ".join(item.labels))}{age}</span>'
            f'<div class="action">{_inline_code(item.action)}</div><div '
            f'class="sub">{escape(item.where)}</div></div></li>')


def _footer(data: ReportData) -> str:
    sources = "".join(f"<li><span class='src'>{escape(name)}</span> {_inline_code(what)}</li>"
                      for name, what in OWNER_SOURCES.items())
    notes = ("<h3>Notes</h3><ul>" + "".join(f"<li>{escape(n)}</li>" for n in data.notes) + "</ul>"
             if data.notes else "")
    command = (f"flagaudit report --since {data.period.since} --until {data.period.until} --as-of {data.as_of} "
               "--format html")
    return (f'<footer class="footer"><div><h3>Where owners come from</h3><p class="caption">Tried in this order; '
            f"hover an owner to see the exact source.</p><ul class='sources'>{sources}</ul></div>"
            f"<div>{notes}<h3>Reproduce</h3><p><code>{escape(command)}</code></p>"
            f'<p class="dim">Generated by flagaudit {escape(data.version)}.</p></div></footer>')


# -- pieces --------------------------------------------------------------------------------------------------


def _findings(rows: Sequence[FindingRow], with_date: bool) -> str:
    body = []
    for r in rows:
        code = (f'<span class="tag {_SEVERITY.get(r.severity, "")}">{escape(r.code)}</span>'
                f'<div class="sub nowrap">{escape(r.name)}</div>')
        cells = [_key(r.key or "-", r.sdk, r.where), code]
        if with_date:
            cells.append(_human(r.date) if r.date else "-")
        cells += [_owner(r.owner), escape(r.message)]
        body.append(cells)
    header = ["Flag", "Finding", *(["When"] if with_date else []), "Owner", "What happened"]
    return _table(header, body, "ll" + ("l" if with_date else "") + "ll", "wide")


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str, kind: str) -> str:
    classes = ["r" if a == "r" else "" for a in align]
    head = "".join(f'<th class="{c}">{h}</th>' if c else f"<th>{h}</th>" for h, c in zip(header, classes, strict=False))
    body = "".join("<tr>" + "".join(f'<td class="{c}">{v}</td>' if c else f"<td>{v}</td>"
                                    for v, c in zip(row, classes, strict=False)) + "</tr>" for row in rows)
    return (f'<div class="table-wrap"><table class="{kind}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{body}</tbody></table></div>')


def _key(key: str, sdk: str, where: str) -> str:
    """A flag's key, its SDK on hover, and where to find it. A long key or path may break after its separators,
    so the table fits a laptop's width (``enable_feature_versioning_for_new_environments`` took a third of it)."""
    key_text, where_text = (_SEPARATOR.sub(r"\1<wbr>", escape(text)) for text in (key, where))
    return f'<code class="key" title="{escape(sdk)}">{key_text}</code><div class="sub">{where_text}</div>'


_SEPARATOR = re.compile(r"([_./:-])")


def _owner(owner: Owner) -> str:
    if not owner.name:
        return '<span class="dim">nobody</span> <span class="src none">none</span>'
    return (f'<span class="owner" title="{escape(owner.detail)}">{escape(owner.name)}</span> '
            f'<span class="src">{escape(owner.source)}</span>')


def _reason_tone(reason: str) -> str:
    if reason.startswith("expired"):
        return "bad"
    if reason.startswith("stale"):
        return "warn"
    return "info"


def _inline_code(text: str) -> str:
    """Markdown-style `code` spans in our own fixed texts, as HTML."""
    parts = escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _num(value: int) -> str:
    return f"{value:,}"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _human(iso: str) -> str:
    """``2026-04-15`` -> ``15 Apr 2026``."""
    try:
        year, month, day = (int(x) for x in iso[:10].split("-"))
        return f"{day} {_MONTHS[month - 1]} {year}"
    except (ValueError, IndexError):
        return escape(iso)


def _span(since: str, until: str) -> str:
    if since[:4] == until[:4]:
        start = _human(since).rsplit(" ", 1)[0]
        return f"{start} – {_human(until)}"
    return f"{_human(since)} – {_human(until)}"


_CSS = """
:root{--ink:#111827;--ink2:#374151;--muted:#6b7280;--line:#e5e7eb;--bg:#f3f5f8;--card:#fff;--accent:#3d6fd9;
--bad:#c93c3c;--bad-bg:#fdecec;--warn:#b7791f;--warn-bg:#fdf3e1;--good:#24855f;--good-bg:#e6f5ee;--info:#5b6472;
--info-bg:#eef0f3;--mono:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;
--sans:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 var(--sans)}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
code{font-family:var(--mono);font-size:.86em;background:#f1f3f6;border-radius:4px;padding:.05em .35em}
.wrap{max-width:1180px;margin:0 auto;padding:0 28px}
.masthead{background:linear-gradient(120deg,#17213a 0%,#24365e 60%,#2d4a80 100%);color:#fff;padding:30px 0 78px}
.masthead .eyebrow{text-transform:uppercase;letter-spacing:.14em;font-size:12px;color:#a9b8d8;font-weight:600}
.masthead h1{margin:6px 0 6px;font-size:32px;font-weight:700;letter-spacing:-.01em}
.masthead .period{display:inline-block;margin-left:10px;padding:2px 12px;border-radius:999px;background:rgba(255,255,255,.14);
font-size:18px;font-weight:600;vertical-align:middle}
.masthead .meta{margin:0;color:#c9d3ea}
.masthead code{background:rgba(255,255,255,.12);color:#fff}
main.wrap{margin-top:-56px;padding-bottom:40px}
.kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:14px;margin-bottom:18px}
.kpi{background:var(--card);border-radius:12px;padding:16px 18px 14px;box-shadow:0 1px 2px rgba(16,24,40,.06),0 4px 14px rgba(16,24,40,.06);
border-top:4px solid #cfd6e2}
.kpi-value{font-size:32px;font-weight:700;line-height:1.1;font-variant-numeric:tabular-nums}
.kpi-label{font-weight:600;margin-top:4px}
.kpi-note{color:var(--muted);font-size:12.5px}
.kpi.accent{border-top-color:var(--accent)}.kpi.accent .kpi-value{color:var(--accent)}
.kpi.good{border-top-color:var(--good)}.kpi.good .kpi-value{color:var(--good)}
.kpi.warn{border-top-color:#e39b2d}.kpi.warn .kpi-value{color:var(--warn)}
.kpi.bad{border-top-color:var(--bad);background:linear-gradient(0deg,#fff 60%,#fff6f6)}.kpi.bad .kpi-value{color:var(--bad)}
.kpi.muted{border-top-color:#9aa3b2}
.card{background:var(--card);border-radius:12px;padding:20px 22px;margin-bottom:18px;
box-shadow:0 1px 2px rgba(16,24,40,.06),0 4px 14px rgba(16,24,40,.05)}
.card.alert{border-left:5px solid var(--bad)}
.card h2{margin:0 0 4px;font-size:18px;letter-spacing:-.005em}
.card h2 .count{display:inline-block;margin-left:6px;padding:1px 9px;border-radius:999px;background:var(--info-bg);
color:var(--info);font-size:13px;vertical-align:2px}
.card h2 .count.bad{background:var(--bad-bg);color:var(--bad)}
.caption{color:var(--muted);margin:0 0 12px;font-size:13px}
.summary ul{margin:6px 0 0;padding-left:20px}.summary li{margin:3px 0}
.t-bad{color:var(--bad)}
.notice{background:var(--warn-bg);border:1px solid #f1d29a;color:#7a5310;border-radius:10px;padding:10px 14px;margin:0 0 18px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.grid2 .card{margin-bottom:18px}
.chart-box{margin:0}
svg.chart{width:100%;height:auto;display:block}
.owners-chart{max-width:760px;margin:0 0 16px}
details{margin-top:8px}summary{cursor:pointer;color:var(--muted);font-size:13px}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th{font-size:11.5px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:600;text-align:left;
padding:8px 8px;border-bottom:2px solid var(--line);white-space:nowrap}
td{padding:9px 8px;border-bottom:1px solid var(--line);vertical-align:top}
tbody tr:nth-child(even) td{background:#fafbfc}
tbody tr:hover td{background:#f3f6fc}
table.compact td,table.compact th{padding:5px 8px}table.compact td:first-child{white-space:nowrap}
.r{text-align:right;font-variant-numeric:tabular-nums}
code.key{background:none;padding:0;font-weight:600;color:var(--ink);font-size:13px;white-space:nowrap}
.sub{color:var(--muted);font-size:12px;font-family:var(--mono);margin-top:2px;overflow-wrap:anywhere}
table.wide td:first-child{min-width:150px}table.wide td:last-child{min-width:190px}
table.wide code.key{white-space:normal;overflow-wrap:break-word}table.wide .sub{overflow-wrap:break-word}
.nowrap{white-space:nowrap}
.dim{color:var(--muted)}
.tag{display:inline-block;padding:1px 8px;border-radius:999px;font-size:11.5px;font-weight:600;background:var(--info-bg);
color:var(--info);margin:0 4px 3px 0;white-space:nowrap}
.tag.bad{background:var(--bad-bg);color:var(--bad)}.tag.warn{background:var(--warn-bg);color:var(--warn)}
.tag.info{background:var(--info-bg);color:var(--info)}
.type{display:inline-block;padding:1px 8px;border-radius:6px;font-size:12px;background:#eef3fd;color:#2f5bb7;white-space:nowrap}
.type-experiment{background:#f3edfc;color:#6c3fc0}.type-operational{background:#fdf3e1;color:#9a6212}
.type-kill-switch{background:#fdecec;color:#b03434}.type-permission{background:#eef0f3;color:#4b5563}
.age{min-width:92px}.age span{font-variant-numeric:tabular-nums;font-weight:600}
.age i{display:block;height:4px;border-radius:2px;background:linear-gradient(90deg,#f0b453,#d64f4f);margin-top:4px}
.owner{font-weight:600}
.src{display:inline-block;padding:0 6px;border-radius:4px;font-size:10.5px;text-transform:uppercase;letter-spacing:.04em;
background:#eef0f3;color:#5b6472;margin-left:2px;white-space:nowrap;vertical-align:1px}
.src.none{background:var(--bad-bg);color:var(--bad)}
ul.plain{list-style:none;margin:0;padding:0}ul.plain li{margin:0 0 3px}
.lines{font-size:12px;color:var(--good);font-weight:600;white-space:nowrap}
.empty{color:var(--good);margin:4px 0 0}
.legend-item{display:inline-flex;align-items:center;margin-left:12px;white-space:nowrap}
.dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:5px;flex:none}
.p0{background:#d64f4f}.p1{background:#e07b39}.p2{background:#e3a72d}.p3{background:#3d6fd9}.p4{background:#7b8494}.p5{background:#b7bec9}
.queues{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:14px;align-items:start}
.queue{border:1px solid var(--line);border-radius:10px;padding:12px 14px;background:#fcfdfe;min-width:0}
.queue.unowned{border-style:dashed}
.queue header h3{display:inline;margin:0 6px 0 0;font-size:15px}
.queue ol{list-style:none;margin:10px 0 0;padding:0}
.queue li{display:flex;gap:4px;padding:7px 0;border-top:1px solid var(--line)}
.queue li .dot{margin-top:6px}
.queue li>div{min-width:0}.queue code.key{white-space:normal;overflow-wrap:anywhere}
.action{color:var(--ink2);font-size:13px}
.footer{display:grid;grid-template-columns:1.3fr 1fr;gap:28px;color:var(--ink2);font-size:13px;padding:6px 4px}
.footer h3{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:10px 0 6px}
.footer ul{margin:0;padding-left:0;list-style:none}.footer li{margin:3px 0}
@media (max-width:900px){.kpis{grid-template-columns:repeat(2,1fr)}.grid2,.footer{grid-template-columns:1fr}}
@media print{body{background:#fff}.masthead{padding:20px 0;-webkit-print-color-adjust:exact;print-color-adjust:exact}
main.wrap{margin-top:16px}.card,.kpi{box-shadow:none;border:1px solid var(--line)}.card,.queue,.kpi,tr{break-inside:avoid}
details{display:none}}
"""  # noqa: E501 (a style sheet: one rule a line)
