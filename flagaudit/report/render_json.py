"""``flagaudit report --format json``: the report's data for dashboards, sorted and stable (schema 1)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flagaudit.output.escaping import json_text
from flagaudit.report.data import OWNER_SOURCES, ReportData

SCHEMA = 1


def render_json(data: ReportData) -> str:
    return json_text(report_document(data), indent=2, sort_keys=True) + "\n"


def report_document(data: ReportData) -> dict[str, Any]:
    document = asdict(data)
    for row, source in zip(document["ages"]["rows"], data.ages.rows, strict=True):
        row["counts"] = dict(row["counts"])
        row["total"] = source.total
    oldest = data.ages.oldest
    document["ages"]["oldest"] = {"key": oldest[0], "days": oldest[1]} if oldest else None
    for queue, owned in zip(document["queues"], data.queues, strict=True):
        queue["lines"] = owned.lines
    return {"schema": SCHEMA, "kind": "flagaudit-report", "owner_sources": OWNER_SOURCES, **document}
