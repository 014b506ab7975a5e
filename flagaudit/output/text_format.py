"""``--format text``: for people. ``scan``: one line per flag (``-v`` adds its sites and definitions), then the
findings. ``check``: the findings alone, which is what a CI log should show (``-v`` adds the inventory and the
findings the adoption baseline keeps from blocking).

Every string from the analysed tree goes through :func:`visible`, so no key or path can start a CI log
line with a workflow command or reach the terminal with control characters.
"""

from __future__ import annotations

import sys

from flagaudit.checks import verdict
from flagaudit.facts import Finding, Flag, Inventory, Site
from flagaudit.output import renderer
from flagaudit.output.escaping import visible


@renderer("text")
def render_text(inventory: Inventory, verbosity: int = 0) -> str:
    lines = _inventory_lines(inventory, verbosity)
    if inventory.findings:
        lines.append("")
        lines.extend(finding_lines(inventory.findings, verbosity))
    lines.extend(_respelled(inventory, verbosity))
    lines.append("")
    lines.append(_summary(inventory))
    return "\n".join(lines) + "\n"


def check_text(inventory: Inventory, verbosity: int = 0) -> str:
    """``flagaudit check``'s text: findings, then one summary line; ``-v`` lists the flags first and the
    findings about events before the adoption baseline last."""
    lines = [*_inventory_lines(inventory, verbosity), ""] if verbosity > 0 and inventory.flags else []
    lines.extend(finding_lines(inventory.findings, verbosity))
    if verbosity > 0 and inventory.baseline:
        lines += ["", "Before the adoption baseline (recorded in flagaudit.lock; never blocking):"]
        lines.extend(finding_lines(inventory.baseline, verbosity))
    lines.extend(_respelled(inventory, verbosity))
    if lines:
        lines.append("")
    summary = _summary(inventory)
    blocking = len(verdict.blocking(inventory))
    if blocking:
        summary += f"; {blocking} blocking"
    if inventory.baseline and verbosity == 0:
        summary += f"; {len(inventory.baseline)} before the adoption baseline (-v shows them)"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def _inventory_lines(inventory: Inventory, verbosity: int) -> list[str]:
    lines = []
    for flag in inventory.flags:
        lines.append(_flag_line(flag))
        if verbosity > 0:
            for definition in flag.definitions:
                action = {"delete": "deletes", "annotate": "documents"}.get(definition.action, "defines")
                lines.append(f"    {visible(definition.path)}:{definition.line}: {action} ({visible(definition.rule)})")
            for site in flag.sites:
                lines.append(f"    {_site_line(site)}")
            for site in flag.test_sites:
                lines.append(f"    {_site_line(site)}  [test]")
    return lines


def _respelled(inventory: Inventory, verbosity: int) -> list[str]:
    """``-v``: the files read in another spelling than their own (see FileFacts.respelled)."""
    if verbosity == 0 or not (inventory.newer_syntax or inventory.python2):
        return []
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    return ["", *(f"{visible(path)}: syntax newer than Python {running}, read through libcst"
                  for path in inventory.newer_syntax),
            *(f"{visible(path)}: Python 2, read respelled as Python 3" for path in inventory.python2)]


def _summary(inventory: Inventory) -> str:
    keyed = sum(1 for f in inventory.flags if f.key is not None)
    sites = sum(len(f.sites) for f in inventory.flags)
    return (f"{_n(keyed, 'flag')}, {_n(sites, 'site')} in {_n(inventory.files, 'file')} "
            f"({_n(inventory.lines, 'line')} of Python)"
            + (f"; {len(inventory.skipped)} skipped" if inventory.skipped else "")
            + f"; {_count(inventory.findings)}")


def call_path_text(name: str, path: list[str] | None) -> str:
    """``flagaudit graph --why NAME``: one shortest path from an entry point to ``name``, or that none exists."""
    return visible(" → ".join(path) if path else f"no entry point reaches {name}") + "\n"


def entry_points_text(inventory: Inventory) -> str:
    """``scan --show-entry-points``: each entry point of the call graph and why it is one."""
    return "".join(f"{visible(name)}  ({visible(why)})\n" for name, why in inventory.entry_points)


def finding_lines(findings: tuple[Finding, ...], verbosity: int) -> list[str]:
    """``path:line:col: CODE name [severity] message``, then the evidence a reviewer checks."""
    lines = []
    for finding in findings:
        lines.append(f"{visible(finding.path)}:{finding.line}:{finding.column + 1}: {finding.code} {finding.name} "
                     f"[{finding.severity}] {visible(finding.message)}")
        shown = finding.evidence if verbosity > 0 else finding.evidence[:4]
        for item in shown:
            lines.append(f"    {visible(item.kind)}: {visible(item.value)}"
                         + (f" ({visible(item.detail)})" if item.detail else ""))
        if len(shown) < len(finding.evidence):
            lines.append(f"    ... {len(finding.evidence) - len(shown)} more (-v)")
    return lines


def _count(findings: tuple[Finding, ...]) -> str:
    if not findings:
        return "no findings"
    by_severity: dict[str, int] = {}
    for finding in findings:
        by_severity[finding.severity] = by_severity.get(finding.severity, 0) + 1
    return ", ".join(_n(n, severity) for severity, n in sorted(by_severity.items()))


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _flag_line(flag: Flag) -> str:
    key = "<unresolved>" if flag.key is None else visible(flag.key) + (" (pattern)" if flag.pattern else "")
    first = (flag.sites or flag.test_sites or flag.definitions)
    where = f"{visible(first[0].path)}:{first[0].line}" if first else "-"
    counts = f"{len(flag.sites)} site{'s' if len(flag.sites) != 1 else ''}"
    if flag.test_sites:
        counts += f" (+{len(flag.test_sites)} in tests)"
    if not flag.definitions:
        counts += ", no definition"
    return f"{key}  [{visible(flag.sdk)}]  {counts}  {where}"


def _site_line(site: Site) -> str:
    guarded = ""
    if site.on:
        guarded = " on " + ",".join(f"{a}-{b}" for a, b in site.on)
    if site.off:
        guarded += " off " + ",".join(f"{a}-{b}" for a, b in site.off)
    via = f" via {' -> '.join(site.via)}" if site.via else ""
    return visible(f"{site.path}:{site.line}:{site.column + 1}: {site.guard}{guarded} in {site.function} "
                   f"({site.rule}){via} {site.key_ref.expression}")
