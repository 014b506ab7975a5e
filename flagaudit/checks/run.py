"""Run the finding checks that need no history, then apply suppressions and --select/--ignore."""

from __future__ import annotations

from collections.abc import Iterable

from flagaudit.checks.constant import constant_findings
from flagaudit.checks.definitions import registry_findings
from flagaudit.checks.reachability import flag_only_code, unreachable_checks
from flagaudit.checks.suppression import unexplained
from flagaudit.config import Config
from flagaudit.facts import FileFacts, Finding, Flag
from flagaudit.model.callgraph import CallGraph, build_graph
from flagaudit.model.constancy import Fixed, fixed_flags
from flagaudit.model.resolve import is_test_path


def static_audit(facts: list[FileFacts], flags: tuple[Flag, ...], config: Config, sources: dict[str, str] | None = None,
                 previous: CallGraph | None = None) -> tuple[CallGraph, list[Finding]]:
    """Build the call graph (from ``previous``, the last run's, where the files' content keys in ``sources``
    say it still holds) and run every check that needs no history."""

    def is_test(path: str) -> bool:
        return is_test_path(path, config.test_paths)

    settings = repr((config.test_paths, config.entry_points, config.scripts))
    graph = build_graph(facts, is_test, config.entry_points, config.scripts, settings, sources, previous)
    return graph, static_findings(flags, graph, fixed_flags(flags, facts, config.settings_paths, is_test))


def static_findings(flags: tuple[Flag, ...], graph: CallGraph, fixed: dict[tuple[str | None, str], Fixed]) -> list[Finding]:
    """FA104, FA301, FA302, FA401, FA402."""
    return [
        *constant_findings(flags, fixed),
        *unreachable_checks(flags, graph),
        *flag_only_code(flags, graph, fixed),
        *registry_findings(flags),
    ]


def finish(findings: Iterable[Finding], flags: Iterable[Flag], select: tuple[str, ...] = (),
           ignore: tuple[str, ...] = ()) -> tuple[Finding, ...]:
    """Drop suppressed and deselected findings; sort for stable output.

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
    findings = [*findings, *(unexplained(path, line, sorted(set(codes))) for (path, line), codes in unexplained_at.items())]
    kept = [
        f for f in findings
        if not any((f.path, f.line) == (path, line) and f.code.startswith(code) for path, line, code in suppressed)
        and (not select or any(f.code.startswith(s) for s in select))
        and not any(f.code.startswith(i) for i in ignore)
    ]
    return tuple(sorted(set(kept), key=Finding.sort_key))
