"""Run the finding checks that need no history, then apply suppressions and --select/--ignore."""

from __future__ import annotations

from collections.abc import Iterable

from flagaudit.callgraph import CallGraph, build_graph
from flagaudit.checks.constant import constant_findings
from flagaudit.checks.reachability import flag_only_code, unreachable_checks
from flagaudit.checks.registry import registry_findings
from flagaudit.config import Config
from flagaudit.constancy import Fixed, fixed_flags
from flagaudit.facts import FileFacts, Finding, Flag
from flagaudit.model import is_test_path


def static_audit(facts: list[FileFacts], flags: tuple[Flag, ...], config: Config) -> tuple[CallGraph, list[Finding]]:
    """Build the call graph and run every check that needs no history."""

    def is_test(path: str) -> bool:
        return is_test_path(path, config.test_paths)

    graph = build_graph(facts, is_test, config.entry_points, config.scripts)
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

    A finding is suppressed by ``# flagaudit: ignore[CODE] reason`` on the line it points at (or the
    comment block above it).
    """
    suppressed = set()
    for flag in flags:
        for item in (*flag.sites, *flag.test_sites):
            suppressed.update((item.path, item.line, k[len("ignore:"):]) for k, _ in item.annotations if k.startswith("ignore:"))
        for definition in flag.definitions:
            suppressed.update((definition.path, definition.line, k[len("ignore:"):])
                              for k, _ in definition.metadata if k.startswith("ignore:"))
    kept = [
        f for f in findings
        if (f.path, f.line, f.code) not in suppressed
        and (not select or any(f.code.startswith(s) for s in select))
        and not any(f.code.startswith(i) for i in ignore)
    ]
    return tuple(sorted(set(kept), key=Finding.sort_key))
