"""FA104 constant-flag: a flag whose value cannot change."""

from __future__ import annotations

from collections.abc import Iterable

from flagaudit.checks import FindingRule
from flagaudit.facts import Finding, Flag
from flagaudit.model.constancy import Fixed

CONSTANT = FindingRule(
    "FA104", "constant-flag", "warning",
    "A flag whose value is fixed everywhere it is configured: a settings flag set to the same literal in "
    "every settings module, a setting toggle whose hard-coded default is never overridden, or "
    "`# flagaudit: constant=true` (optionally `value=on|off`, or `constant=on|off`).",
    "A flag that cannot change is an if-statement with a dead branch.",
    'FEATURES = {"ENABLE_X": True}  # in every settings module\nif settings.FEATURES["ENABLE_X"]:\n    ...',
    "Inline the value and delete the dead branch, or set the flag differently where it really varies. "
    "To keep it: `# flagaudit: ignore[FA104] reason`.",
    available=True,
)
RULES = (CONSTANT,)


def constant_findings(flags: Iterable[Flag], fixed: dict[tuple[str | None, str], Fixed]) -> list[Finding]:
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
