"""``flagaudit history`` output: a compact timeline per key for people, a sorted document for tools."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flagaudit.facts import Event, Timeline
from flagaudit.output.escaping import json_text, visible
from flagaudit.output.json_format import SCHEMA, finding_document
from flagaudit.output.text_format import finding_lines

if TYPE_CHECKING:
    from flagaudit.commands.history import Lifecycle


def history_text(report: Lifecycle, verbosity: int = 0) -> str:
    lines = []
    for timeline in report.history.timelines:
        lines.append(_headline(timeline))
        lines.extend(f"  {_event_line(e, verbosity)}" for e in timeline.events)
    if report.findings:
        lines.append("")
        lines.extend(finding_lines(report.findings, verbosity))
    found = report.history
    live = sum(1 for t in found.timelines if t.live)
    first = found.first or ""
    span = f"{_count(found.commits, 'commit')} ({first[:12]}..{found.head[:12]})" if found.head else "no commits"
    lines.append("")
    lines.append(f"{_count(len(found.timelines), 'key')} ({live} live, {len(found.timelines) - live} retired) "
                 f"from {span}" + ("; history is partial" if found.partial else "")
                 + f"; {_count(len(report.findings), 'finding')}")
    return "\n".join(lines) + "\n"


def history_json(report: Lifecycle, verbosity: int = 0) -> str:
    found = report.history
    document = {
        "schema": SCHEMA,
        "history": {"head": found.head, "first": found.first, "commits": found.commits, "partial": found.partial},
        "timelines": [_timeline_document(t) for t in found.timelines],
        "findings": [finding_document(f) for f in report.findings],
        "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
    }
    return json_text(document, indent=2, sort_keys=True) + "\n"


HISTORY_RENDERERS: dict[str, Callable[[Lifecycle, int], str]] = {"text": history_text, "json": history_json}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _headline(timeline: Timeline) -> str:
    born = timeline.born
    if timeline.live:
        state = f"live since {born.date[:10]}" if born else "live"
    else:
        state = f"retired {timeline.events[-1].date[:10]}" if timeline.events else "retired"
    return f"{visible(timeline.key)}  [{visible(timeline.sdk)}]  {state}"


def _event_line(event: Event, verbosity: int) -> str:
    if event.kind == "moved":
        where = ", ".join(f"{visible(a)} -> {visible(b)}"
                          for a, b in zip(event.paths[::2], event.paths[1::2], strict=False))
    else:
        where = ", ".join(visible(path) for path in event.paths)
    rewritten = Counter(event.added) & Counter(event.removed)  # the same meaning, its check written anew
    added, removed = Counter(event.added) - rewritten, Counter(event.removed) - rewritten
    counts = ""
    if event.kind == "changed":
        again = f", {rewritten.total()} rewritten" if rewritten else ""
        counts = f"  (+{added.total()} -{removed.total()} sites{again})"
    who = visible(event.author.split(" <")[0]) if event.author else f"({event.source})"
    commit = visible(event.commit[:12]) or "-"
    line = f"{visible(event.date[:10])}  {event.kind:<8} {commit:<12}  {who}  {where}{counts}"
    if verbosity > 0:
        for mark, meanings in (("+", added), ("-", removed), ("~", rewritten)):
            line += "".join(f"\n      {mark} {visible(m)}" for m in sorted(meanings.elements()))
    if event.named:
        more = f" and {len(event.named) - 3} more" if len(event.named) > 3 else ""
        when = "named until then" if event.kind == "reborn" else "still named"
        line += (f"\n      {when} in {', '.join(visible(p) for p in event.named[:3])}{more} "
                 "(reads flagaudit does not follow)")
    return line


def _timeline_document(timeline: Timeline) -> dict[str, Any]:
    return {
        "key": timeline.key, "sdk": timeline.sdk, "status": "live" if timeline.live else "retired",
        "events": [{
            "kind": e.kind, "commit": e.commit, "date": e.date, "author": e.author, "subject": e.subject,
            "paths": list(e.paths), "added": list(e.added), "removed": list(e.removed), "source": e.source,
            "named": list(e.named),
        } for e in timeline.events],
    }
