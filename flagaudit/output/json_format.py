"""``--format json``: the stable, sorted document other tools build on (schema 1)."""

from __future__ import annotations

from typing import Any

from flagaudit.facts import Definition, Finding, Flag, FlagChange, Inventory, Site
from flagaudit.output import renderer
from flagaudit.output.escaping import json_text

SCHEMA = 1
CONFIDENCE = "high"
"""Every finding's ``confidence`` in schema 1 (JSON and SARIF). No rule grades its findings yet: each is
decided only where the analysis errs toward silence (an unresolved call counts as reaching every method of
its name), so the field is constant; it stays in the schema for the tools that read it."""


@renderer("json")
def render_json(inventory: Inventory, verbosity: int = 0) -> str:
    return json_text(inventory_document(inventory), indent=2, sort_keys=True) + "\n"


def inventory_document(inventory: Inventory) -> dict[str, Any]:
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "flags": [flag_document(f) for f in inventory.flags],
        "findings": [finding_document(f) for f in inventory.findings],
        "skipped": [{"path": s.path, "reason": s.reason} for s in inventory.skipped],
        "summary": {"files": inventory.files, "lines": inventory.lines,
                    "flags": sum(1 for f in inventory.flags if f.key)},
    }
    if inventory.newer_syntax:  # only then: documents of other trees keep their exact shape
        document["newer_syntax"] = list(inventory.newer_syntax)
    if inventory.python2:  # the same
        document["python2"] = list(inventory.python2)
    if inventory.base is not None:  # only `check --base`: documents without it keep their exact shape
        document["changes"] = [change_document(c) for c in inventory.changes]
    if inventory.baseline:  # only under an adoption baseline that keeps findings from blocking
        document["baseline"] = [finding_document(f) for f in inventory.baseline]
    return document


def flag_document(flag: Flag) -> dict[str, Any]:
    return {
        "key": flag.key,
        "sdk": flag.sdk,
        "pattern": flag.pattern,
        "definitions": [definition_document(d, flag.key) for d in flag.definitions],
        "sites": [site_document(s, flag.key) for s in flag.sites],
        "test_sites": [site_document(s, flag.key) for s in flag.test_sites],
    }


def site_document(site: Site, key: str | None) -> dict[str, Any]:
    return {
        "path": site.path, "line": site.line, "column": site.column, "function": site.function,
        "rule": site.rule, "sdk": site.sdk, "key": key, "expression": site.key_ref.expression,
        "guard": site.guard, "on": [list(s) for s in site.on], "off": [list(s) for s in site.off],
        "fingerprint": list(site.fingerprint), "precision": site.precision,
        "annotations": dict(site.annotations), "via": list(site.via),
    }


def finding_document(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code, "name": finding.name, "severity": finding.severity, "flag": finding.flag,
        "sdk": finding.sdk, "path": finding.path, "line": finding.line, "column": finding.column,
        "message": finding.message, "confidence": CONFIDENCE,
        "evidence": [{"kind": e.kind, "value": e.value, "detail": e.detail} for e in finding.evidence],
    }


def definition_document(definition: Definition, key: str | None) -> dict[str, Any]:
    return {
        "path": definition.path, "line": definition.line, "column": definition.column, "rule": definition.rule,
        "sdk": definition.sdk, "key": key, "expression": definition.key_ref.expression, "action": definition.action,
        "symbol": definition.symbol, "metadata": dict(definition.metadata),
    }


def change_document(change: FlagChange) -> dict[str, Any]:
    return {
        "key": change.key, "sdk": change.sdk, "status": change.status, "locations": list(change.locations),
        "paths": list(change.paths), "commits": list(change.commits),
    }
