"""``flagaudit report --format md``: GitHub-flavoured Markdown that pastes cleanly into a wiki or an issue.

Tables only, no HTML and no images: the born-versus-retired trend is drawn
with block characters, so it survives any renderer that shows tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flagaudit.output.escaping import visible
from flagaudit.output.markdown import escape
from flagaudit.report.data import OWNER_SOURCES, FindingRow, Owner, Preview, ReportData

_BORN, _RETIRED = "█", "░"


def render_md(data: ReportData) -> str:
    out: list[str] = []
    headline = data.headline
    out += [f"# Feature-flag cleanup report: {_text(data.project)}, {data.period.label}", ""]
    out += [(f"Period **{data.period.since} to {data.period.until}** · ages as of **{data.as_of}** · "
             f"{_history(data)}"), ""]

    out += ["## Headline", ""]
    out += _table(["Live flags", f"Born in {data.period.label}", f"Retired in {data.period.label}", "Stale",
                   "Expired", "Dormant", "Repurpose risks", "Removable lines"],
                  [[headline.live, headline.born, headline.retired, headline.stale, headline.expired,
                    headline.dormant, headline.repurposed, headline.removable_lines]], "rrrrrrrr")
    extra = [f"{n} {what}" for n, what in ((headline.constant, "constant"), (headline.unreachable, "unreachable"),
                                           (headline.unknown, "unknown key"), (headline.unused, "unused"))
             if n]
    if extra:
        out += ["", f"Also flagged: {', '.join(extra)} (see *Other findings*)."]
    out.append("")

    out += [f"## Flags born vs retired, last {len(data.quarters)} quarters", ""]
    out += _table(["Quarter", "Born", "Retired", "Net", "Live at end", f"{_BORN} born {_RETIRED} retired"],
                  [[f"**{q.label}**" if q.in_period else q.label, q.born, q.retired, f"{q.born - q.retired:+d}",
                    q.live, _BORN * q.born + (" " if q.born and q.retired else "") + _RETIRED * q.retired or "·"]
                   for q in data.quarters], "lrrrrl")
    out.append("")

    out += ["## Age of live flags", ""]
    if data.ages.rows:
        out += _table(["Age", *data.ages.types, "Total"],
                      [[row.bucket, *(n or "·" for _, n in row.counts), f"**{row.total}**"] for row in data.ages.rows],
                      "l" + "r" * (len(data.ages.types) + 1))
        facts = []
        if data.ages.median_days is not None:
            facts.append(f"median age {data.ages.median_days} days")
        if data.ages.oldest:
            facts.append(f"oldest {_code(data.ages.oldest[0])} ({data.ages.oldest[1]} days)")
        if facts:  # each fact is escaped already; capitalize() would lower-case the key
            sentence = "; ".join(facts)
            out += ["", sentence[:1].upper() + sentence[1:] + "."]
    else:
        out.append("No live flags.")
    out.append("")

    out += [f"## Stale, expired and dormant flags ({len(data.lifecycle)})", ""]
    if data.lifecycle:
        out += ["Oldest first.", ""]
        out += _table(["Flag", "Type", "Age", "Owner", "Sites", "Last change", "Why", "Suggested action"],
                      [[_code(r.key), _text(r.type), _days(r.age_days), _owner(r.owner), r.sites,
                        _text(" ".join(p for p in (r.last_change, r.last_change_by) if p) or "-"),
                        _text("; ".join(r.reasons)), _text(r.action)] for r in data.lifecycle], "llrlrlll")
    else:
        out.append("None.")
    out.append("")

    out += [f"## Repurposed keys ({len(data.repurposed)})", ""]
    if data.repurposed:
        out += ["A key that came to mean something new: anything still running the old code reads it too.", ""]
        out += _findings(data.repurposed, with_date=True)
    else:
        out.append("None: no key was reused or given a second meaning.")
    out.append("")

    out += [f"## Flag-only code ({headline.removable_lines} removable lines)", ""]
    if data.flag_only:
        out += _table(["Flag", "Fixed", "Where", "Reachable only through the dead branch", "Lines", "Owner"],
                      [[_code(r.key), f"{r.value} ({_text(r.reason)})" if r.value else "-", _code(r.where),
                        ", ".join(f"{_code(f.name)} ({f.lines})" for f in r.functions), f"**{r.lines}**",
                        _owner(r.owner)] for r in data.flag_only], "llllrl")
    else:
        out.append("None.")
    out.append("")

    out += [f"## Ready to remove ({_count(len(data.ready), 'flag')})", ""]
    if data.ready:
        out += ["Each command prints the cleanup as a diff and changes nothing; `--write` applies it and records the "
                "key as retired in `flagaudit.lock`. The lines are what the command deletes, as it planned them.", ""]
        out += _table(["Flag", "Why", "Command", "Deletes", "Owner"],
                      [[_code(r.key), _text(", ".join(r.labels)), _command(r.command), _deletes(r.previews),
                        _owner(r.owner)] for r in data.ready], "lllll")
    else:
        out.append("None.")
    out.append("")

    if data.other:
        out += [f"## Other findings ({len(data.other)})", ""]
        out += _findings(data.other, with_date=False)
        out.append("")

    out += ["## Cleanup queue by owner", ""]
    if not data.queues:
        out += ["Nothing to clean up.", ""]
    for queue in data.queues:
        who = _text(queue.owner) if queue.owner else "Nobody (no owner found)"
        lines = f", {queue.lines} removable lines" if queue.lines else ""
        source = f" · from {', '.join(queue.sources)}" if queue.owner else ""
        out += [f"### {who}: {_count(len(queue.items), 'flag')}{lines}{source}", ""]
        for number, item in enumerate(queue.items, 1):
            age = f", {item.age_days} days old" if item.age_days is not None else ""
            out.append(f"{number}. {_code(item.key)} ({', '.join(item.labels)}{age}): {_text(item.action)}. "
                       f"{_code(item.where)}")
        out.append("")

    out += ["---", "", "**Where owners come from**, in this order: "
            + "; ".join(f"*{name}*: {_text(what)}" for name, what in OWNER_SOURCES.items() if name != "none") + "."]
    if data.notes:
        out += ["", "**Notes**", ""] + [f"- {_text(note)}" for note in data.notes]
    out += ["", (f"*Generated by flagaudit {data.version} · `flagaudit report --since {data.period.since} "
                 f"--until {data.period.until} --as-of {data.as_of}`*")]
    return "\n".join(out) + "\n"


def _deletes(previews: Sequence[Preview]) -> str:
    """``**42 lines** in 3 files``, one such per value when the value is unknown, or why the key is left alone."""
    parts = []
    for preview in previews:
        prefix = f"--as {preview.value}: " if len(previews) > 1 else ""
        if preview.refused:
            more = f" (and {len(preview.refused) - 1} more)" if len(preview.refused) > 1 else ""
            parts.append(f"{prefix}left alone: {_text(preview.refused[0])}{more}")
        elif preview.files:
            parts.append(f"{prefix}**{_count(preview.lines, 'line')}** in {_count(preview.files, 'file')}")
        else:
            parts.append(f"{prefix}nothing to delete")
    return "; ".join(parts) or "-"


def _findings(rows: Sequence[FindingRow], with_date: bool) -> list[str]:
    header = ["Flag", "Finding", "Where", *(["When"] if with_date else []), "Owner", "What happened"]
    return _table(header, [[_code(r.key) if r.key else "-", f"{r.code} {r.name}", _code(r.where),
                            *([r.date or "-"] if with_date else []), _owner(r.owner), _text(r.message)] for r in rows],
                  "lll" + ("l" if with_date else "") + "ll")


def _table(header: Sequence[object], rows: Iterable[Sequence[object]], align: str) -> list[str]:
    rule = {"l": "---", "r": "---:"}
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |",
             "|" + "|".join(rule[a] for a in align.ljust(len(header), "l")) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _cell(value: object) -> str:
    """A table cell: text is escaped by :func:`_text` or :func:`_code` before it gets here."""
    return str(value).replace("\n", " ")


def _code(text: str) -> str:
    """Inline code that survives any backticks inside, pipes in tables, and control characters (shown as escapes)."""
    text = visible(text)
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text.replace('|', '¦')}{pad}{fence}"


def _command(text: str) -> str:
    """A command line as inline code in a table cell: its ``|`` escaped the way GitHub's tables read it, so
    what is copied is the command itself."""
    return _code(text).replace("¦", "\\|") if "¦" not in text else _code(text)


def _text(text: str) -> str:
    """Text from the project (keys, owners, messages): one line, nothing in it can format the page or end a cell."""
    return escape(text)


def _owner(owner: Owner) -> str:
    if not owner.name:
        return "*nobody*"
    return f"{_text(owner.name)} *({owner.source})*"


def _days(days: int | None) -> str:
    return "?" if days is None else f"{days} d"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _history(data: ReportData) -> str:
    if not data.history.commits:
        return "no git history"
    partial = " (partial: shallow clone)" if data.history.partial else ""
    return f"{_count(data.history.commits, 'commit')} of history up to {data.history.head[:12]}{partial}"
