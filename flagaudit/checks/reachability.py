"""Reachability findings: checks nothing runs and code only a dead flag keeps alive (FA301-FA302)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from flagaudit.checks import CheckInput, Family, FindingRule, project
from flagaudit.facts import Evidence, Finding, Flag, Site

if TYPE_CHECKING:
    from flagaudit.model.callgraph import CallGraph
    from flagaudit.model.constancy import Fixed

_EXPORT = """
    from waffle import flag_is_active


    def old_export(request):
        if flag_is_active(request, "csv_v2"):
            return "v2"
        return "v1"
"""

UNREACHABLE = FindingRule(
    "FA301", "unreachable-check", "warning",
    "A flag check in a function that no entry point reaches (module top level, console scripts, `__main__` "
    "blocks, framework routes (Pyramid's `@view_config` too), tasks, commands and receivers, `__all__`, dunder "
    "methods, public functions of an `api` module and public methods of a `services` module's classes, the public "
    "names of a package the repository publishes (a folder below the root with its own `pyproject.toml`, "
    "`setup.py` or `setup.cfg` and no `manage.py`, `wsgi.py` or `asgi.py`), the Open edX `plugin_settings` hook, a "
    "module's `create_app` or `make_app` (the application factory Flask's command line and WSGI servers call by "
    "name), configured entry points). Tests are not entry points: code only tests "
    "reach is dead in production. A function or method a file that could not be parsed names (a Python 2 command) "
    "counts as reached: that file's calls are unknown.",
    "A check nobody runs keeps the flag looking alive and hides code that could be deleted.",
    "Delete the function, or declare how it is reached: `[tool.flagaudit] entry-points = [\"pkg.mod:func\"]`, "
    "or `# flagaudit: ignore[FA301] reason` on the check.",
    fires=(project({"app/exports.py": _EXPORT}),
           project({"app/__init__.py": "", "app/exports.py": _EXPORT, "tests/test_exports.py": """
               from app.exports import old_export


               def test_old_export():
                   assert old_export(None)
           """})),
    silent=(project({"app/__init__.py": "", "app/exports.py": _EXPORT, "app/urls.py": """
                from app.exports import old_export

                urlpatterns = [old_export]
            """}),
            project({"app/exports.py": _EXPORT + """
    if __name__ == "__main__":
        old_export(None)
"""})),
)


def _power_peg(routes: str) -> dict[str, str]:
    """A project whose migration deletes the ``power_peg`` switch row; ``routes`` are what its URLs reach
    (the flag's on-branch alone, or the function it calls too)."""
    return {
        "app/__init__.py": "",
        "app/migrations/__init__.py": "",
        "app/migrations/0002_remove_power_peg.py": """
            from django.db import migrations


            def remove_power_peg(apps, schema_editor):
                Switch = apps.get_model("waffle", "Switch")
                Switch.objects.filter(name="power_peg").delete()


            class Migration(migrations.Migration):
                operations = [migrations.RunPython(remove_power_peg)]
        """,
        "app/router.py": """
            from waffle import switch_is_active


            def route(order):
                if switch_is_active("power_peg"):
                    return send_child_orders(order)
                return order


            def send_child_orders(order):
                return [order, order]
        """,
        "app/urls.py": f"from app import router\n\nurlpatterns = [{routes}]\n",
    }


FLAG_ONLY = FindingRule(
    "FA302", "flag-only-code", "warning",
    "Functions reachable only through the branch of a flag that can never take that branch (its registry row "
    "was deleted, it is declared constant, or its value is the same in every settings module): removable code, "
    "with line counts.",
    "This is Power Peg: code kept alive only by a flag that should never flip again, until it does.",
    "Delete the branch, the check, and the functions listed.",
    fires=(project(_power_peg("router.route")),),
    silent=(project(_power_peg("router.route, router.send_child_orders")),),
)


def _reachability(given: CheckInput) -> list[Finding]:
    assert given.graph is not None, "the reachability family needs the call graph"
    return [*unreachable_checks(given.flags, given.graph), *flag_only_code(given.flags, given.graph, given.fixed)]


FAMILY = Family((UNREACHABLE, FLAG_ONLY), "code", _reachability)


def counts_lines_of(findings: Iterable[Finding], functions: Collection[str]) -> bool:
    """Whether one of ``findings`` counts the lines of one of ``functions``: only :data:`FLAG_ONLY` reads where a
    function ends, and it names each function it counts."""
    return bool(functions) and any(
        finding.code == FLAG_ONLY.code and any(e.value in functions for e in finding.evidence) for finding in findings)


def unreachable_checks(flags: Iterable[Flag], graph: CallGraph) -> list[Finding]:
    findings = []
    unreached = [(flag, site) for flag in flags for site in flag.sites
                 if site.precision == "syntax" and site.function in graph.nodes
                 and site.function not in graph.reachable]
    callers_of = graph.callers(site.function for _, site in unreached)
    for flag, site in unreached:
        callers = callers_of[site.function]
        if callers:
            more = f" and {len(callers) - 3} more" if len(callers) > 3 else ""
            how = f"called only from unreachable code or tests: {', '.join(callers[:3])}{more}"
        else:
            how = "nothing calls or references it"
        findings.append(UNREACHABLE.finding(
            flag, site.path, site.line, site.column,
            f"{_name(flag, site)} is checked in {site.function}, which no entry point reaches ({how})",
            [Evidence("call-path", site.function, how), *(Evidence("call-path", c, "caller") for c in callers[:20])],
        ))
    return findings


def flag_only_code(flags: Iterable[Flag], graph: CallGraph,
                   fixed: Mapping[tuple[str | None, str], Fixed]) -> list[Finding]:
    findings = []
    for flag in flags:
        known = fixed.get((flag.key, flag.sdk))
        if known is None or known.value is None:
            continue
        dead_branch = "off" if known.value else "on"
        sites = [s for s in flag.sites if s.precision == "syntax" and s.function in graph.nodes]
        removed = [edge for s in sites for t in (s.only_off if known.value else s.only_on)
                   for edge in graph.edges_for(s.function, t)]
        if not removed:
            continue
        lost = sorted(n for n in graph.reachable - graph.reach(removed) if n in graph.nodes)
        if not lost:
            continue
        site = next(s for s in sites if (s.only_off if known.value else s.only_on))
        lines = sum(graph.nodes[n][1].end - graph.nodes[n][1].line + 1 for n in lost)
        evidence = [*known.evidence, *(_site_evidence(s, dead_branch) for s in sites), _path_evidence(graph, site)]
        evidence += [Evidence("call-path", n, f"{graph.nodes[n][0]}:{graph.nodes[n][1].line}, "
                              f"{graph.nodes[n][1].end - graph.nodes[n][1].line + 1} lines") for n in lost]
        findings.append(FLAG_ONLY.finding(
            flag, site.path, site.line, site.column,
            f"{_name(flag)} is fixed {'on' if known.value else 'off'} ({known.reason}), so its {dead_branch}-branch "
            f"never runs; {len(lost)} function{'s' if len(lost) != 1 else ''} ({lines} lines) "
            f"{'are' if len(lost) != 1 else 'is'} reachable only through it: {', '.join(lost[:5])}"
            + (" ..." if len(lost) > 5 else ""),
            evidence,
        ))
    return findings


def _path_evidence(graph: CallGraph, site: Site) -> Evidence:
    """Why the check itself runs: one shortest path from an entry point to its function."""
    path = graph.path_to(site.function)
    return Evidence("reached-by", " → ".join(path) if path else site.function,
                    "shortest path from an entry point" if path else "no entry point reaches it")


def _site_evidence(site: Site, branch: str) -> Evidence:
    spans = site.off if branch == "off" else site.on
    region = ", ".join(f"{a}-{b}" for a, b in spans) or "-"
    return Evidence("guards", f"{site.path}:{site.line}", f"{branch}-branch lines {region}")


def _name(flag: Flag, site: Site | None = None) -> str:
    """The flag as a message names it: its key, or, where no key could be resolved, what ``site`` reads it from."""
    if flag.key is None and site is not None:
        return f"an unresolved key ({site.key_ref.expression}) [{flag.sdk}]"
    return f"{flag.key!r} [{flag.sdk}]"
