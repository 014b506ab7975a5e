"""FA104 constant-flag: a flag whose value cannot change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from flagaudit.checks import CheckInput, Family, FindingRule, project
from flagaudit.facts import Finding, Flag

if TYPE_CHECKING:
    from flagaudit.model.constancy import Fixed

_VIEW = {"app/views.py": """
    from django.conf import settings


    def view(request):
        if settings.FEATURES["ENABLE_X"]:
            return "x"
        return "y"
"""}
_WSGI = "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n"

CONSTANT = FindingRule(
    "FA104", "constant-flag", "warning",
    "A flag whose value is fixed everywhere it is configured: a settings flag set to the same literal in "
    "every settings module, a setting toggle whose hard-coded default is never overridden, or "
    "`# flagaudit: constant=true` (optionally `value=on|off`, or `constant=on|off`). Never a setting each "
    "deployment chooses: one the project's documentation or an example configuration its operators copy "
    "(`settings/config.py.example`, `.env.example`) names, or one an Open edX annotation declares an "
    "operator's choice (`toggle_use_cases: open_edx`, `opt_in`, `opt_out`, `circuit_breaker`); nor a setting of "
    "a project that serves no Django application of its own (nothing calls `get_wsgi_application` or "
    "`get_asgi_application`): a reusable app's settings modules run only its tests and development server, and the "
    "host that installs it sets the rest, as for a setting only a package the repository publishes reads (see "
    "FA301). Nor any setting of a project whose deployments write a settings module "
    "the tree does not hold: one a settings module star-imports from its own package (`from proj.local_settings "
    "import *`), one written for operators to copy (`settings/production_example.py`), or one an example is for "
    "(`settings/config.py.prod.example` for `settings/config.py`): no value the committed modules set is the one "
    "that runs.",
    "A flag that cannot change is an if-statement with a dead branch.",
    "Inline the value and delete the dead branch, or set the flag differently where it really varies. "
    "To keep it: `# flagaudit: ignore[FA104] reason`.",
    fires=(project({**_VIEW, "app/wsgi.py": _WSGI, "app/settings/prod.py": 'FEATURES = {"ENABLE_X": True}\n',
                    "app/settings/staging.py": 'FEATURES = {"ENABLE_X": True}\n'}),
        project({"app/views.py": """
            import ldclient


            def view(ctx):
                # flagaudit: constant=on
                return ldclient.get().variation("always-on", ctx, False)
        """})),
    silent=(project({**_VIEW, "app/wsgi.py": _WSGI, "app/settings/prod.py": 'FEATURES = {"ENABLE_X": True}\n',
                     "app/settings/staging.py": 'FEATURES = {"ENABLE_X": False}\n'}),
            project({**_VIEW, "app/settings/prod.py": 'FEATURES = {"ENABLE_X": True}\n',
                     "app/settings/staging.py": 'FEATURES = {"ENABLE_X": True}\n'})),
)


def _constant(given: CheckInput) -> list[Finding]:
    return constant_findings(given.flags, given.fixed)


FAMILY = Family((CONSTANT,), "code", _constant)


def constant_findings(flags: Iterable[Flag], fixed: Mapping[tuple[str | None, str], Fixed]) -> list[Finding]:
    findings = []
    for flag in flags:
        known = fixed.get((flag.key, flag.sdk))
        if known is None or known.kind == "deleted":
            continue
        anchor = (flag.definitions or flag.sites)[0] if (flag.definitions or flag.sites) else None
        if anchor is None:
            continue
        value = "unknown value" if known.value is None else ("on" if known.value else "off")
        findings.append(CONSTANT.finding(
            flag, anchor.path, anchor.line, anchor.column,
            f"{flag.key!r} [{flag.sdk}] is always {value}: {known.reason}", known.evidence,
        ))
    return findings
