"""Suppressions and ``--select``/``--ignore``, applied once to a command's findings; FA501 for an inline ignore
with no reason, which does not count."""

from __future__ import annotations

from collections.abc import Iterable

from flagaudit.checks import FindingRule, project
from flagaudit.facts import Evidence, Finding, Flag

UNEXPLAINED = FindingRule(
    "FA501", "unexplained-suppression", "warning",
    "An inline `# flagaudit: ignore[CODE]` with no reason after it. It suppresses nothing: the finding it "
    "meant to hide is still reported.",
    "A suppression is a decision someone else will have to trust in review; without the why, nobody can.",
    "Say why on the same comment: `# flagaudit: ignore[FA301] kept for the 2027 audit export, see TICKET-12`.",
    fires=(project({"app/exports.py": """
        from waffle import flag_is_active


        def old_export(request):  # nothing calls it
            return flag_is_active(request, "csv_v2")  # flagaudit: ignore[FA301]
    """}),),
    silent=(project({"app/exports.py": """
        from waffle import flag_is_active


        def old_export(request):  # nothing calls it
            return flag_is_active(request, "csv_v2")  # flagaudit: ignore[FA301] kept for the 2027 audit export
    """}),),
)
RULES = (UNEXPLAINED,)


def unexplained(path: str, line: int, codes: list[str]) -> Finding:
    return UNEXPLAINED.finding(
        None, path, line, 0, f"ignore[{', '.join(codes)}] has no reason, so it suppresses nothing",
        [Evidence("note", f"{path}:{line}", "add the reason after the closing bracket")],
    )


def finish(findings: Iterable[Finding], flags: Iterable[Flag], select: tuple[str, ...] = (),
           ignore: tuple[str, ...] = ()) -> tuple[Finding, ...]:
    """Drop suppressed and deselected findings; sort for stable output. Each command calls it once, last.

    A finding is suppressed by ``# flagaudit: ignore[CODE] reason`` on the line it points at (or in the
    comment block above it). An ignore without a reason suppresses nothing and is itself a finding (FA501).
    """
    suppressed: set[tuple[str, int, str]] = set()
    unexplained_at: dict[tuple[str, int], list[str]] = {}
    for flag in flags:
        items = [(i.path, i.line, i.annotations) for i in (*flag.sites, *flag.test_sites)]
        items += [(d.path, d.line, d.metadata) for d in flag.definitions]
        for path, line, notes in items:
            for name, reason in notes:
                if name.startswith("ignore:"):
                    if reason.strip():
                        suppressed.add((path, line, name[len("ignore:"):]))
                    else:
                        unexplained_at.setdefault((path, line), []).append(name[len("ignore:"):])
    findings = [*findings,
                *(unexplained(path, line, sorted(set(codes))) for (path, line), codes in unexplained_at.items())]
    kept = [
        f for f in findings
        if not any((f.path, f.line) == (path, line) and f.code.startswith(code) for path, line, code in suppressed)
        and (not select or any(f.code.startswith(s) for s in select))
        and not any(f.code.startswith(i) for i in ignore)
    ]
    return tuple(sorted(set(kept), key=Finding.sort_key))
