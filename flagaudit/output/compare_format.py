"""``flagaudit compare`` output: each key's verdict per pair of versions, for people (text) and tools (JSON).

The other formats (SARIF, GitHub, Markdown) are ``check``'s, fed the FA204 findings: a deploy pipeline
annotates and uploads them the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flagaudit.checks.skew import KeyVerdict
from flagaudit.output.escaping import json_text, visible
from flagaudit.output.json_format import SCHEMA, finding_document
from flagaudit.output.text_format import finding_lines

if TYPE_CHECKING:
    from flagaudit.commands.compare import Comparison

_SHOWN = {"changed": "changed", "reborn": "retired and reborn in between"}


def render_text(comparison: Comparison, verbosity: int = 0) -> str:
    names = {v.commit: visible(v.name) for v in comparison.versions}
    count = len(comparison.versions)
    lines = [f"compared {count} version{'s' if count != 1 else ''}: " + " · ".join(names.values())]
    for verdict in comparison.verdicts:
        if verdict.status == "same" and verbosity == 0:
            continue
        lines.append("")
        lines.extend(_verdict_lines(verdict, names))
    if comparison.findings:
        lines.append("")
        lines.extend(finding_lines(comparison.findings, verbosity))
    counts = Counter(v.status for v in comparison.verdicts)
    keys = len({(v.sdk, v.key) for v in comparison.verdicts})
    errors = sum(1 for f in comparison.findings if f.severity == "error")
    lines.append("")
    lines.append(f"{keys} keys over {count} version{'s' if count != 1 else ''}: {counts['same']} same, "
                 f"{counts['changed']} changed, {counts['only-in-a'] + counts['only-in-b']} only in one, "
                 f"{counts['reborn']} reborn; " + (f"{errors} error{'s' if errors != 1 else ''}" if errors else
                                                   "no skew"))
    return "\n".join(lines) + "\n"


def _verdict_lines(verdict: KeyVerdict, names: dict[str, str]) -> list[str]:
    a, b = names[verdict.a], names[verdict.b]
    if verdict.status in ("only-in-a", "only-in-b"):
        where = a if verdict.status == "only-in-a" else b
        head = f"{visible(verdict.key)}  [{visible(verdict.sdk)}]  only in {where}"
    else:
        shown = _SHOWN.get(verdict.status, verdict.status)
        head = f"{visible(verdict.key)}  [{visible(verdict.sdk)}]  {shown}: {a} → {b}"
    lines = [head]
    for side, sites, guards in ((a, verdict.sites_a, verdict.guards_a), (b, verdict.sites_b, verdict.guards_b)):
        if sites:
            lines.append(f"    {side.split(' (')[0]}: {', '.join(visible(site) for site in sites[:3])}"
                         + (f" (+{len(sites) - 3})" if len(sites) > 3 else ""))
            lines.extend(f"        guards {visible(g)}" for g in guards[:3])
    return lines


def render_json(comparison: Comparison, verbosity: int = 0) -> str:
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "versions": [{"commit": v.commit, "labels": list(v.labels)} for v in comparison.versions],
        "keys": [_verdict_document(v) for v in comparison.verdicts],
        "findings": [finding_document(f) for f in comparison.findings],
        "skipped": [{"path": s.path, "reason": s.reason} for s in comparison.skipped],
    }
    return json_text(document, indent=2, sort_keys=True) + "\n"


def _verdict_document(verdict: KeyVerdict) -> dict[str, Any]:
    return {
        "key": verdict.key, "sdk": verdict.sdk, "a": verdict.a, "b": verdict.b, "status": verdict.status,
        "sites_a": list(verdict.sites_a), "sites_b": list(verdict.sites_b),
        "guards_a": list(verdict.guards_a), "guards_b": list(verdict.guards_b), "foreign": list(verdict.foreign),
    }


COMPARE_RENDERERS: dict[str, Callable[[Comparison, int], str]] = {"text": render_text, "json": render_json}
"""``compare --format`` for text and JSON; every other format of ``check`` takes ``Comparison.inventory()``."""
