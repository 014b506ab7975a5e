"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` holds every known finding code with its
documentation (the text ``flagaudit explain`` prints), so a viewer can show
why a finding matters and how to fix it. Each result carries a
``partialFingerprints`` entry computed from what identifies the problem (code,
SDK, key, file, and the finding's rank among identical ones in that file),
never from line numbers or the message, so moving code around does not open
new alerts. Evidence goes into ``properties.evidence``; evidence that names a
place in the project (``path:line``) also becomes a ``relatedLocations`` entry.

URIs are relative to the git work tree holding the project (``uriBaseId``
``%SRCROOT%``), which is what GitHub resolves them against, even when the
flagaudit configuration sits in a sub-folder. The output is deterministic: the
same findings give the same bytes.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from flagaudit import __version__
from flagaudit.checks import FindingRule, all_rules
from flagaudit.facts import Evidence, Finding, Inventory
from flagaudit.output import renderer
from flagaudit.output.escaping import json_text
from flagaudit.output.json_format import CONFIDENCE

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "flagaudit/v1"
"""The ``partialFingerprints`` key; GitHub's own ``primaryLocationLineHash`` is left to the upload action."""

LEVELS = {"error": "error", "warning": "warning", "info": "note", "note": "note"}
"""flagaudit severity -> SARIF level (anything else is a note)."""

_FAMILIES = {"FA1": "lifecycle", "FA2": "meaning", "FA3": "dead-code", "FA4": "registry", "FA5": "suppression"}
_PLACE = re.compile(r"(?P<path>[^\s:][^:]*):(?P<line>[1-9][0-9]*)")
_RELATED_LIMIT = 100
"""GitHub keeps at most 100 related locations per result (more are accepted but dropped)."""


def level(severity: str) -> str:
    return LEVELS.get(severity, "note")


@renderer("sarif")
def render_sarif(inventory: Inventory, verbosity: int = 0) -> str:
    return json_text(sarif_document(inventory), indent=2) + "\n"


def sarif_document(inventory: Inventory) -> dict[str, Any]:
    """The whole SARIF log as plain data (what :func:`render_sarif` prints)."""
    rules = dict(all_rules())
    findings = sorted(inventory.findings, key=Finding.sort_key)
    for finding in findings:  # a code no rule module documents still gets a descriptor, so ruleIndex stays valid
        if finding.code not in rules:
            rules[finding.code] = FindingRule(finding.code, finding.name, finding.severity,
                                              f"{finding.name}: a finding this version's rule modules do not document.",
                                              "", f"`flagaudit explain {finding.code}`", (), ())
    index = {code: number for number, code in enumerate(rules)}
    places = Places(inventory.root)
    prints = fingerprints(findings)
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "flagaudit",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": [rule_descriptor(rule) for rule in rules.values()],
        }},
        "invocations": [_invocation(inventory)],
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.code], fingerprint, places)
                    for f, fingerprint in zip(findings, prints, strict=True)],
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def rule_descriptor(rule: FindingRule) -> dict[str, Any]:
    """A ``reportingDescriptor``: the rule's documentation, as ``flagaudit explain`` gives it."""
    summary = rule.summary.strip() or rule.name
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _first_sentence(summary)},
        "fullDescription": {"text": f"{summary} {rule.why.strip()}".strip()},
    }
    descriptor["help"] = {"text": rule.explain(), "markdown": rule.markdown()}
    descriptor["defaultConfiguration"] = {"level": level(rule.severity)}
    descriptor["properties"] = {
        "tags": ["feature-flags", _FAMILIES.get(rule.code[:3], "other")],
        "flagaudit-severity": rule.severity,
    }
    return descriptor


def _result(finding: Finding, rule_index: int, fingerprint: str, places: Places) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": {"text": finding.message or f"{finding.code} {finding.name}"},
        "locations": [{"physicalLocation": places.physical(finding.path, finding.line, finding.column)}],
        "partialFingerprints": {FINGERPRINT: fingerprint},
    }
    related = _related(finding, places)
    if related:
        result["relatedLocations"] = related
    properties: dict[str, Any] = {"severity": finding.severity, "confidence": CONFIDENCE}
    if finding.flag is not None:
        properties["flag"] = finding.flag
    if finding.sdk is not None:
        properties["sdk"] = finding.sdk
    if finding.evidence:
        properties["evidence"] = [_evidence(e) for e in finding.evidence]
    result["properties"] = properties
    return result


def _related(finding: Finding, places: Places) -> list[dict[str, Any]]:
    """Evidence that names a place in the project (``app/views.py:12``), other than the finding's own line."""
    seen = {(finding.path, finding.line)}
    related: list[dict[str, Any]] = []
    for item in finding.evidence:
        place = _PLACE.fullmatch(item.value)
        if place is None:
            continue
        path, line = place["path"], int(place["line"])
        if (path, line) in seen or not places.known(path):
            continue
        seen.add((path, line))
        related.append({
            "id": len(related),
            "physicalLocation": places.physical(path, line, -1),
            "message": {"text": f"{item.kind}: {item.detail}" if item.detail else item.kind},
        })
        if len(related) == _RELATED_LIMIT:
            break
    return related


def _evidence(item: Evidence) -> dict[str, str]:
    return {"kind": item.kind, "value": item.value, "detail": item.detail}


def _invocation(inventory: Inventory) -> dict[str, Any]:
    notes = [*inventory.notes, *(f"skipped {s.path}: {s.reason}" for s in inventory.skipped)]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notes:
        invocation["toolExecutionNotifications"] = [{"level": "note", "message": {"text": n}} for n in notes]
    return invocation


def fingerprints(findings: list[Finding]) -> list[str]:
    """A stable identity per finding: what it is about, not where its line happens to be.

    Findings that share code, SDK, key and file are told apart by their rank in
    the file (GitHub's own line hashes count occurrences the same way).
    """
    rank: dict[tuple[str, str, str, str], int] = {}
    prints = []
    for finding in findings:
        identity = (finding.code, finding.sdk or "", finding.flag or "", finding.path)
        rank[identity] = rank.get(identity, 0) + 1
        text = "\0".join((*identity, str(rank[identity])))
        prints.append(hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32])
    return prints


def _first_sentence(text: str) -> str:
    """The summary's first sentence (GitHub shows it as the alert title's description)."""
    match = re.search(r"(?<=[.!?])\s", text)
    return text[:match.start()] if match else text


class Places:
    """Turns a finding's path (relative to the project root, or absolute) into a SARIF location.

    GitHub resolves ``%SRCROOT%`` to the repository's root, so paths are made
    relative to the git work tree holding the project, not to the project root.
    """

    def __init__(self, root: str) -> None:
        self.root = Path(root or ".").resolve()
        top = next((p for p in (self.root, *self.root.parents) if (p / ".git").exists()), None)
        self.top = top or self.root
        self.prefix = PurePosixPath(self.root.relative_to(self.top).as_posix())

    def known(self, path: str) -> bool:
        """Whether ``path`` can be a location: relative (to the project root) or absolute."""
        return bool(path) and not path.startswith(("http:", "https:"))

    def relative(self, path: str) -> str | None:
        """``path`` relative to the repository root (POSIX), or ``None`` if it lies outside it."""
        posix = path.replace("\\", "/")
        if Path(posix).is_absolute():
            try:
                return Path(posix).resolve().relative_to(self.top).as_posix()
            except ValueError:
                return None
        return posix if str(self.prefix) == "." else (self.prefix / posix).as_posix()

    def artifact(self, path: str) -> dict[str, str]:
        relative = self.relative(path)
        if relative is None:
            return {"uri": Path(path).resolve().as_uri()}
        # the file name's own bytes, percent-encoded: a name that is not UTF-8 keeps its exact bytes
        return {"uri": quote(relative.encode("utf-8", "surrogateescape"), safe="/"), "uriBaseId": SRCROOT}

    def physical(self, path: str, line: int, column: int) -> dict[str, Any]:
        region: dict[str, int] = {"startLine": max(line, 1)}
        if column >= 0 and line >= 1:
            region["startColumn"] = column + 1
        return {"artifactLocation": self.artifact(path), "region": region}

