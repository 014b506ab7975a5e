"""``--format gitlab``: a GitLab Code Quality report (``artifacts: reports: codequality``).

A JSON array with one issue per finding: ``description`` (the code, name and message), ``check_name`` (the
code), ``fingerprint`` (the SARIF output's: code, SDK, key, file and rank, never the line, so moving code
does not show as a new issue), ``severity`` (``error`` -> ``critical``, ``warning`` -> ``minor``, ``info`` ->
``info``) and ``location`` (the path relative to the repository root, as GitLab resolves it, and a 1-based
``lines.begin``). GitLab compares the report of a merge request with the target branch's itself, so the
report always holds every finding. Deterministic: the same findings give the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from flagaudit.facts import Finding, Inventory
from flagaudit.output import renderer
from flagaudit.output.sarif import Places, fingerprints

SEVERITIES = {"error": "critical", "warning": "minor", "info": "info"}
"""flagaudit severity -> Code Quality severity (anything else is ``info``)."""


@renderer("gitlab")
def render_gitlab(inventory: Inventory, verbosity: int = 0) -> str:
    findings = sorted(inventory.findings, key=Finding.sort_key)
    places = Places(inventory.root)
    issues = [_issue(f, fingerprint, places) for f, fingerprint in zip(findings, fingerprints(findings), strict=True)]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(finding: Finding, fingerprint: str, places: Places) -> dict[str, Any]:
    path = places.relative(finding.path)
    return {
        "description": f"{finding.code} {finding.name}: {finding.message}",
        "check_name": finding.code,
        "fingerprint": fingerprint,
        "severity": SEVERITIES.get(finding.severity, "info"),
        "location": {"path": path if path is not None else finding.path.replace("\\", "/"),
                     "lines": {"begin": max(finding.line, 1)}},
    }
