"""A loop over every row of a flag model that checks each row's key asks for every key of that SDK: a view
that hands all switches to a front end (``{s.name: switch_is_active(s.name) for s in Switch.objects.all()}``,
as open-apparel-registry's does) checks switches that no Python code names, so a switch its migrations create
is not unused (FA402). The site is the pattern ``*``; a loop over another model's rows says nothing of the key."""

from __future__ import annotations

import json
from pathlib import Path

from tests.repos import write_files
from tests.run import run_cli

MIGRATION = """
    from django.db import migrations


    def add_switches(apps, schema_editor):
        Switch = apps.get_model("waffle", "Switch")
        Switch.objects.create(name="report_a_facility", active=False)
        Flag = apps.get_model("waffle", "Flag")
        Flag.objects.create(name="can_submit", everyone=False)


    class Migration(migrations.Migration):
        operations = [migrations.RunPython(add_switches)]
"""

VIEWS = """
    from waffle import flag_is_active, switch_is_active
    from waffle.models import Flag, Switch


    def feature_switches(request):
        return {s.name: switch_is_active(s.name) for s in Switch.objects.all()}


    def feature_flags(request):
        found = {}
        for flag in Flag.objects.filter(everyone=None).order_by("name"):
            found[flag.name] = switch_is_active(flag.name)  # a flag's name asked of switches: no key known
        return found
"""


def _scan(tmp_path: Path, views: str) -> dict[str, list[tuple[str, bool]]]:
    """The keys of the flags with a site (``-`` where none is known) and whether each is a pattern; and the
    keys FA402 reports."""
    write_files(tmp_path, {"app/__init__.py": "", "app/migrations/__init__.py": "",
                           "app/migrations/0002_switches.py": MIGRATION, "app/views.py": views}, dedent=True)
    ran = run_cli("scan", "--format", "json", "--no-cache", str(tmp_path), cwd=tmp_path)
    found = json.loads(ran.stdout)
    return {"flags": sorted((f["key"] or "-", f["pattern"]) for f in found["flags"] if f["sites"]),
            "unused": sorted((f["flag"], False) for f in found["findings"] if f["code"] == "FA402")}


def test_a_loop_over_every_switch_checks_every_switch(tmp_path: Path) -> None:
    found = _scan(tmp_path, VIEWS)
    assert found["flags"] == [("*", True), ("-", False)]
    assert found["unused"] == [("can_submit", False)]  # the flags' loop asks switches, not flags


def test_without_the_loop_the_switch_is_unused(tmp_path: Path) -> None:
    found = _scan(tmp_path, VIEWS.replace("for s in Switch.objects.all()", "for s in request.switches"))
    assert found["unused"] == [("can_submit", False), ("report_a_facility", False)]
