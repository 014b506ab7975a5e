"""The project's own helpers that define a flag by the key they are given, and the rows of a registry's model:
usdoj-crt/crt-portal's migrations call ``AddFeatureMigration("nav-updates", True)``, which creates the ``Feature``
row its ``Feature.is_feature_enabled(name)`` looks up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flagaudit.facts import Flag
from flagaudit.plaindata import BadData, dumps, loads
from flagaudit.scan.project import ScanOptions, scan
from flagaudit.sdk_rules import DefineRule
from tests.helpers import flags_in
from tests.repos import Repo, write_files
from tests.run import run_cli
from tests.test_context_dicts import PROJECT

ADD_FEATURE = '''

        class AddFeatureMigration(migrations.RunPython):
            def __init__(self, feature_name, enabled, *, description="", **kwargs):
                def add_feature(apps, schema_editor):
                    drop_feature(apps, schema_editor)
                    Feature.objects.create(name=feature_name, enabled=enabled, description=description)

                def drop_feature(apps, schema_editor):
                    try:
                        Feature.objects.get(name=feature_name).delete()
                    except Feature.DoesNotExist:
                        pass

                super().__init__(add_feature, drop_feature, **kwargs)
'''

MODELS = PROJECT["features/models.py"].replace("from django.db import models",
                                               "from django.db import migrations, models") + ADD_FEATURE

MIGRATION = """
    from django.db import migrations

    from features.models import AddFeatureMigration


    class Migration(migrations.Migration):
        dependencies = [("features", "0001_initial")]

        operations = [
            AddFeatureMigration("nav-updates", True, description="The new navigation"),
        ]
"""


def _definitions(flags: tuple[Flag, ...]) -> list[tuple[str | None, list[tuple[str, int, str, str]]]]:
    return sorted((f.key, [(d.path, d.line, d.rule, d.action) for d in f.definitions]) for f in flags if f.definitions)


def test_a_migration_that_creates_a_row_of_a_registrys_model_defines_its_key() -> None:
    """``Feature.is_feature_enabled`` is a class method of a Django model that looks a row up: the model's rows are
    the registry's flags, so a data migration that creates one defines the key and one that deletes it retires it."""
    migration = """
        from django.db import migrations


        def forwards(apps, schema_editor):
            Feature = apps.get_model("features", "Feature")
            Feature.objects.create(name="tags", enabled=False)
            Feature.objects.filter(name="old-search").delete()


        class Migration(migrations.Migration):
            operations = [migrations.RunPython(forwards)]
    """
    flags = flags_in({**PROJECT, "features/migrations/__init__.py": "",
                      "features/migrations/0002_tags.py": migration})
    rows = "registry/features.models.Feature.is_feature_enabled.rows"
    assert _definitions(flags) == [
        ("old-search", [("features/migrations/0002_tags.py", 8, rows, "delete")]),
        ("tags", [("features/migrations/0002_tags.py", 7, rows, "define")]),
    ]


def test_a_helper_that_creates_a_row_by_its_parameter_defines_its_callers_keys() -> None:
    """``AddFeatureMigration(name, ...)`` creates the row in a function nested in its ``__init__``: each call defines
    the key it passes, joined with the templates' underscored spelling of it, and the helper's own row, keyed by its
    parameter, is no flag's."""
    flags = flags_in({**PROJECT, "features/models.py": MODELS, "features/migrations/__init__.py": "",
                      "features/migrations/0002_nav_updates.py": MIGRATION})
    assert _definitions(flags) == [
        ("nav-updates", [("features/migrations/0002_nav_updates.py", 11,
                          "definer/features.models.AddFeatureMigration", "define")]),
    ]
    nav = next(f for f in flags if f.key == "nav-updates")
    assert [(s.path, s.line) for s in nav.sites] == [("forms/templates/base.html", 1)]
    assert all(f.key is not None for f in flags)


def test_a_function_that_creates_a_waffle_row_by_its_parameter_is_a_definer() -> None:
    """A module function that gets or creates waffle's switch by the name it is given: a migration's call of it
    defines that switch; a test's call defines nothing (a test's rows are fixtures)."""
    helpers = """
        from waffle.models import Switch


        def add_switch(name, active=False):
            Switch.objects.get_or_create(name=name, defaults={"active": active})
    """
    migration = """
        from django.db import migrations

        from app.switches import add_switch


        def forwards(apps, schema_editor):
            add_switch("new_checkout")


        class Migration(migrations.Migration):
            operations = [migrations.RunPython(forwards)]
    """
    test = """
        from app.switches import add_switch


        def test_switch():
            add_switch("fixture_switch", True)
    """
    flags = flags_in({"app/__init__.py": "", "app/switches.py": helpers, "app/migrations/__init__.py": "",
                      "app/migrations/0002_checkout.py": migration, "app/tests/__init__.py": "",
                      "app/tests/test_switches.py": test})
    assert _definitions(flags) == [
        ("new_checkout", [("app/migrations/0002_checkout.py", 8, "definer/app.switches.add_switch", "define")]),
    ]


def test_a_rows_own_check_makes_no_rule_for_its_table() -> None:
    """``organization.has_feature("sso")`` asks one organisation's row: the table holds organisations, not flags, so a
    migration that creates one defines nothing."""
    models = """
        from django.db import models


        class Organization(models.Model):
            name = models.CharField(max_length=100)
            features = models.JSONField(default=list)

            def has_feature(self, name):
                return name in self.features
    """
    views = """
        def settings_page(request):
            if request.user.organization.has_feature("sso"):
                return "sso"
            return "plain"
    """
    migration = """
        from django.db import migrations


        def forwards(apps, schema_editor):
            apps.get_model("orgs", "Organization").objects.create(name="Acme")


        class Migration(migrations.Migration):
            operations = [migrations.RunPython(forwards)]
    """
    flags = flags_in({"orgs/__init__.py": "", "orgs/models.py": models, "orgs/views.py": views,
                      "orgs/migrations/__init__.py": "", "orgs/migrations/0002_acme.py": migration})
    assert [f.key for f in flags] == ["sso"]
    assert _definitions(flags) == []


def test_a_helper_that_creates_a_switch_now_and_then_makes_no_unknown_keys(tmp_path: Path) -> None:
    """cmsgov/bluebutton-web-server's command for a test environment turns one switch off through its own
    ``set_switch(name, active)``: that defines ``outreach_email``, but the project's other switches are made in the
    admin, so none of them is an unknown key (FA401)."""
    command = """
        from django.core.management.base import BaseCommand
        from waffle.models import Switch


        def set_switch(name, active):
            switch, _ = Switch.objects.get_or_create(name=name)
            switch.active = active
            switch.save()


        class Command(BaseCommand):
            def handle(self, *args, **options):
                set_switch("outreach_email", False)
    """
    views = """
        from waffle import switch_is_active


        def home(request):
            if switch_is_active("outreach_email") or switch_is_active("enable_swaggerui"):
                return "docs"
            return "home"
    """
    write_files(tmp_path, {"app/__init__.py": "", "app/views.py": views, "app/management/__init__.py": "",
                           "app/management/commands/__init__.py": "",
                           "app/management/commands/setup_env.py": command}, dedent=True)
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert [(f.key, [d.rule for d in f.definitions]) for f in inventory.flags] == [
        ("enable_swaggerui", []), ("outreach_email", ["definer/app.management.commands.setup_env.set_switch"])]
    assert [f.code for f in inventory.findings if f.code == "FA401"] == []


def test_a_helper_that_only_deletes_a_row_by_its_parameter_retires_its_callers_keys() -> None:
    """``remove_switch("old_checkout")`` in a migration deletes the row: the key is retired there, as a migration's
    own ``Switch.objects.filter(name="old_checkout").delete()`` retires it."""
    helpers = """
        from waffle.models import Switch


        def remove_switch(name):
            Switch.objects.filter(name=name).delete()
    """
    migration = """
        from django.db import migrations

        from app.switches import remove_switch


        def forwards(apps, schema_editor):
            remove_switch("old_checkout")


        class Migration(migrations.Migration):
            operations = [migrations.RunPython(forwards)]
    """
    flags = flags_in({"app/__init__.py": "", "app/switches.py": helpers, "app/migrations/__init__.py": "",
                      "app/migrations/0003_drop.py": migration})
    assert _definitions(flags) == [
        ("old_checkout", [("app/migrations/0003_drop.py", 8, "definer/app.switches.remove_switch", "delete")]),
    ]


def test_history_follows_a_key_its_helpers_create_and_delete(tmp_path: Path) -> None:
    """The helpers are inferred from the working tree and read in every commit: the migration that calls
    ``add_switch`` gives the switch its birth before any code checks it, the one that calls ``remove_switch`` retires
    it with its check, and a check of the key written after is a new life of it."""
    helpers = """
        from waffle.models import Switch


        def add_switch(name):
            Switch.objects.get_or_create(name=name)


        def remove_switch(name):
            Switch.objects.filter(name=name).delete()
    """
    migration = """
        from django.db import migrations

        from app.switches import {helper}


        def forwards(apps, schema_editor):
            {helper}("legacy_pricing")


        class Migration(migrations.Migration):
            operations = [migrations.RunPython(forwards)]
    """
    view = """
        from waffle import switch_is_active


        def price(order):
            if switch_is_active("legacy_pricing"):
                return order.{rule}()
            return order.total
    """
    repo = Repo(tmp_path)
    repo.commit("2023-03-01", "A switch for legacy pricing", {
        "app/__init__.py": "", "app/switches.py": helpers, "app/migrations/__init__.py": "",
        "app/migrations/0002_legacy.py": migration.format(helper="add_switch")})
    repo.commit("2023-06-01", "Legacy pricing behind it", {"app/views.py": view.format(rule="legacy_total")})
    repo.commit("2024-03-01", "Retire legacy pricing", {
        "app/migrations/0003_drop.py": migration.format(helper="remove_switch"), "app/views.py": None})
    repo.commit("2025-03-01", "Seasonal pricing behind the old switch's name", {
        "app/views.py": view.format(rule="seasonal_total")})
    result = run_cli("history", "--format", "json", "--no-cache", "--as-of", "2026-01-01", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    (timeline,) = json.loads(result.stdout)["timelines"]
    assert [(e["kind"], e["date"][:10]) for e in timeline["events"]] == [
        ("born", "2023-03-01"), ("changed", "2023-06-01"), ("retired", "2024-03-01"), ("reborn", "2025-03-01")]


def test_a_kept_definer_does_nothing_but_define_or_delete() -> None:
    """The inferred rules are kept in the cache folder, which a pull request writes: a definer's action decodes only
    as ``define`` or ``delete``."""
    rule = DefineRule(id="definer/app.switches.remove_switch", sdk="waffle-switch", functions=("app.switches.x",),
                      via=("app.switches.x",), action="delete")
    kept = dumps(rule)
    assert loads(kept, DefineRule) == rule
    with pytest.raises(BadData):
        loads(kept.replace('"delete"', '"\\u001b[31mannotate"'), DefineRule)
