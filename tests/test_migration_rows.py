"""Flags created and deleted by data migrations: loops over literal keys, ``name__in``, the rule's key field."""

from __future__ import annotations

from pathlib import Path

from flagaudit.sdk_rules import load_rules
from tests.helpers import flags_in

LOOPING_MIGRATION = '''\
    from django.db import migrations

    RETIRED_SWITCHES = ("legacy_search", "old_checkout_banner")
    FLAGS = (
        ("reports_beta", True),
        ("bulk_export", False),
    )


    def forwards(apps, schema_editor):
        Switch = apps.get_model("waffle", "Switch")
        Flag = apps.get_model("waffle", "Flag")
        for name in RETIRED_SWITCHES:
            Switch.objects.filter(name=name).delete()
        for name, everyone in FLAGS:
            Flag.objects.get_or_create(name=name, defaults={"everyone": everyone})
        Switch.objects.filter(name__in=["holiday_promo", "spring_promo"]).delete()
        Switch.objects.filter(name__in=["summer_promo"]).all().delete()
        Switch.objects.filter(name__in=["autumn_promo"]).exclude(active=True).delete()
        for switch in ["new_invoices"]:
            Switch.objects.update_or_create(name=switch, defaults={"active": True})


    def backwards(apps, schema_editor):
        Switch = apps.get_model("waffle", "Switch")
        for name in RETIRED_SWITCHES:
            Switch.objects.get_or_create(name=name)


    class Migration(migrations.Migration):
        dependencies = [("shop", "0041_auto")]
        operations = [migrations.RunPython(forwards, backwards)]
    '''


def _actions(flags) -> dict[tuple[str, str | None], list[str]]:
    return {(f.sdk, f.key): sorted(d.action for d in f.definitions) for f in flags}


def test_loops_and_name_in_give_every_key() -> None:
    """Also through a query method that keeps the rows (uktrade/dit-helpdesk's ``.filter(name__in=[...]).all()
    .delete()``), not one that keeps some of them (``.exclude(...)``)."""
    flags = flags_in({"shop/migrations/0042_flags.py": LOOPING_MIGRATION})
    assert _actions(flags) == {
        ("waffle-switch", "legacy_search"): ["delete", "rollback-define"],
        ("waffle-switch", "old_checkout_banner"): ["delete", "rollback-define"],
        ("waffle-flag", "reports_beta"): ["define"],
        ("waffle-flag", "bulk_export"): ["define"],
        ("waffle-switch", "holiday_promo"): ["delete"],
        ("waffle-switch", "spring_promo"): ["delete"],
        ("waffle-switch", "summer_promo"): ["delete"],
        ("waffle-switch", "new_invoices"): ["define"],
    }


def test_loop_over_constants_of_another_module() -> None:
    flags = flags_in({
        "shop/__init__.py": "",
        "shop/switches.py": 'LEGACY_SEARCH = "legacy_search"\nNEW_SEARCH = "new_search"\n',
        "shop/migrations/0050_search.py": '''\
            from django.db import migrations

            from shop.switches import LEGACY_SEARCH, NEW_SEARCH


            def swap(apps, schema_editor):
                Switch = apps.get_model("waffle", "Switch")
                for name in (LEGACY_SEARCH,):
                    Switch.objects.filter(name=name).delete()
                Switch.objects.get_or_create(name=NEW_SEARCH)
            ''',
    })
    assert _actions(flags) == {("waffle-switch", "legacy_search"): ["delete"],
                               ("waffle-switch", "new_search"): ["define"]}


def test_a_loop_over_a_local_list_gives_each_key() -> None:
    """cisagov/manage.get.gov deletes its retired flags by a loop over a list bound in the migration's function;
    a name bound again to something else takes nothing."""
    flags = flags_in({"registrar/migrations/0154_remove_waffle_flags.py": '''\
        def remove_old_flags(apps, schema_editor):
            Flag = apps.get_model("waffle", "Flag")
            flags_to_remove = ["organization_feature", "organization_members"]
            for flag_name in flags_to_remove:
                Flag.objects.get(name=flag_name).delete()
            flags_to_remove = load_more()
            for flag_name in flags_to_remove:
                Flag.objects.get(name=flag_name).delete()
        '''})
    assert _actions(flags) == {("waffle-flag", "organization_feature"): ["delete"],
                               ("waffle-flag", "organization_members"): ["delete"], ("waffle-flag", None): ["delete"]}


def test_a_loop_over_something_unknown_defines_nothing() -> None:
    flags = flags_in({"shop/migrations/0060_sync.py": '''\
        def sync(apps, schema_editor):
            Switch = apps.get_model("waffle", "Switch")
            for name in load_names_from_settings():
                Switch.objects.get_or_create(name=name)
        '''})
    assert [f.key for f in flags] == [None]


def test_a_rule_key_field_names_the_row_column(tmp_path: Path) -> None:
    rule = tmp_path / "gates.toml"
    rule.write_text('''\
[sdk]
name = "gates"

[[check]]
id = "gate_open"
functions = ["gates.gate_open"]
key = { position = 0 }

[[define]]
id = "gate-rows"
model = "gates.Gate"
key = { keyword = "slug" }
''')
    flags = flags_in({
        "shop/migrations/0070_gates.py": '''\
            def add_gates(apps, schema_editor):
                Gate = apps.get_model("gates", "Gate")
                Gate.objects.create(slug="express_checkout", description="Express checkout for members")
                for slug in ("gift_wrap", "same_day"):
                    Gate.objects.get_or_create(slug=slug)
                Gate.objects.filter(slug__in=("paper_invoices",)).delete()
            ''',
        "shop/checkout.py": '''\
            from gates import gate_open


            def checkout(cart):
                if gate_open("express_checkout"):
                    return cart.express()
                return cart.standard()
            ''',
    }, load_rules([rule]))
    found = {f.key: (len(f.sites), sorted(d.action for d in f.definitions)) for f in flags}
    assert found == {"express_checkout": (1, ["define"]), "gift_wrap": (0, ["define"]), "same_day": (0, ["define"]),
                     "paper_invoices": (0, ["delete"])}


def test_a_south_migration_defines_rows_of_its_frozen_models() -> None:
    """mozilla/fjord made ``feedbackdev`` in a South data migration (Django before 1.7): the model comes from the
    frozen ``orm['waffle.flag']`` and the row is made with its constructor, then saved; ``backwards`` runs only
    when the migration is rolled back. Unread, the flag looked born again when the migration was ported."""
    flags = flags_in({"fjord/base/migrations/0003_create_dev_waffle_flag.py": '''\
        from south.v2 import DataMigration


        class Migration(DataMigration):

            def forwards(self, orm):
                Flag = orm['waffle.flag']
                flag = Flag(name='feedbackdev', everyone=False, note='')
                flag.save()
                orm['waffle.Switch'].objects.create(name='legacy_search')

            def backwards(self, orm):
                orm['waffle.flag'].objects.filter(name='feedbackdev').delete()
                Other = orm['base.product']
                Other(name='not_a_flag').save()
        '''})
    assert _actions(flags) == {("waffle-flag", "feedbackdev"): ["define", "rollback-delete"],
                               ("waffle-switch", "legacy_search"): ["define"]}
