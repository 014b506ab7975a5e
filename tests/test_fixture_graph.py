"""The ``fixtures/graph`` project, scanned through the library API: call graph, entry points and static findings.

The fixture is a small Django + Celery + click order-management project (package ``store``) with its own
``pyproject.toml`` (a console script and a configured plugin entry-point pattern). Every construct the call
graph must handle appears once, at a place located here by a unique snippet of its line (``line_of``): checks
no entry point reaches (FA301), look-alikes that are reached only through a conservative or framework edge,
the Power Peg switch whose row a migration deleted (FA302), a FEATURES flag off in every deployment settings
module (FA104, FA302), a key typo (FA401), unused WaffleFlags (FA402), and wrapper and predicate chains three
levels deep.

The tests at the end (``test_probe_*``) pin analyser bugs found while writing the fixture, each on a minimal
project of its own, so they stay fixed.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from flagaudit.cli import cli
from flagaudit.facts import Finding, Inventory, Site
from flagaudit.scan.project import ScanOptions, scan
from tests.helpers import FixtureProject
from tests.projects import WSGI

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "graph"

ROUTER = "store/router.py"
TAX = "store/tax.py"
VIEWS = "store/views.py"
TOGGLES = "store/toggles.py"
SHIPPING = "store/shipping.py"
PRICING = "store/pricing.py"


# -- helpers -----------------------------------------------------------------------------------------------------

PROJECT = FixtureProject("graph")
rel, line_of, span, flag = PROJECT.rel, PROJECT.line_of, PROJECT.span, PROJECT.flag


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return PROJECT.inventory()


def site(inventory: Inventory, sdk: str, key: str, path: str, snippet: str) -> Site:
    line = line_of(path, snippet)
    found = [s for s in flag(inventory, sdk, key).sites if rel(s.path) == path and s.line == line]
    assert len(found) == 1, f"no single site of {(sdk, key)} at {path}:{line}"
    return found[0]


def findings(inventory: Inventory, code: str, key: str) -> list[Finding]:
    return [f for f in inventory.findings if f.code == code and f.flag == key]


def one_finding(inventory: Inventory, code: str, key: str) -> Finding:
    found = findings(inventory, code, key)
    assert len(found) == 1, f"{len(found)} {code} findings for {key!r}"
    return found[0]


def call_paths(finding: Finding) -> dict[str, str]:
    return {e.value: e.detail for e in finding.evidence if e.kind == "call-path"}


# -- the findings, exactly ------------------------------------------------------------------------------------------

def expected_findings() -> set[tuple[str, str, str, int]]:
    """(code, flag key, path, line) of every finding the fixture must produce, written by hand."""
    legacy_tax = line_of(TAX, 'settings.FEATURES.get("ENABLE_LEGACY_TAX")')
    return {
        # a check nothing calls, and a check only tests/ calls
        ("FA301", "store.legacy_refund_report", VIEWS, line_of(VIEWS, "if LEGACY_REFUND_REPORT.is_enabled()")),
        ("FA301", "store.ledger_reconcile_v2", "store/reconcile.py",
         line_of("store/reconcile.py", "if LEDGER_RECONCILE_V2.is_enabled()")),
        # Power Peg: the switch's row is deleted by store/migrations/0042_remove_power_peg.py
        ("FA302", "power_peg", ROUTER, line_of(ROUTER, 'if switch_is_active("power_peg")')),
        # FEATURES['ENABLE_LEGACY_TAX'] is False in base.py and production.py (test.py does not count)
        ("FA104", "FEATURES['ENABLE_LEGACY_TAX']", TAX, legacy_tax),
        ("FA302", "FEATURES['ENABLE_LEGACY_TAX']", TAX, legacy_tax),
        # the typo
        ("FA401", "store.new_crat", VIEWS, line_of(VIEWS, '"store.new_crat"')),
        # defined and never checked; defined and checked only in tests/
        ("FA402", "store.one_click_refund", TOGGLES, line_of(TOGGLES, "ONE_CLICK_REFUND = ")),
        ("FA402", "store.bulk_discounts", TOGGLES, line_of(TOGGLES, "BULK_DISCOUNTS = ")),
    }


def test_whole_fixture_is_analysed(inventory: Inventory) -> None:
    assert inventory.skipped == ()
    assert inventory.files == len(list(FIXTURE.rglob("*.py")))


def test_findings_are_exact(inventory: Inventory) -> None:
    got = {(f.code, f.flag, rel(f.path), f.line) for f in inventory.findings}
    assert got == expected_findings()


# -- FA301: unreachable checks, and the look-alikes that are reached --------------------------------------------------

def test_unreferenced_check(inventory: Inventory) -> None:
    finding = one_finding(inventory, "FA301", "store.legacy_refund_report")
    assert "store.views.refund_report" in finding.message and "nothing calls or references it" in finding.message
    assert call_paths(finding) == {"store.views.refund_report": "nothing calls or references it"}


def test_check_reached_only_from_tests(inventory: Inventory) -> None:
    finding = one_finding(inventory, "FA301", "store.ledger_reconcile_v2")
    assert "store.reconcile.reconcile_ledgers" in finding.message
    assert "tests.test_reconcile.test_unbooked_payouts_are_reported" in finding.message
    assert set(call_paths(finding)) == {"store.reconcile.reconcile_ledgers",
                                        "tests.test_reconcile.test_unbooked_payouts_are_reported"}


# (path, snippet of the check's line, key, enclosing function, how production code reaches it)
REACHED = [
    ("store/refunds.py", "if REFUND_AUDIT.is_enabled()", "store.refund_audit",
     "store.refunds.RefundProcessor.process", "step.process(order) on an unknown receiver (store/checkout.py)"),
    ("store/webhooks.py", "if INSTANT_REFUNDS.is_enabled()", "store.instant_refunds",
     "store.webhooks.RefundHooks.on_refund", 'getattr(hooks, "on_refund")'),
    ("store/signals.py", "if ORDER_AUDIT_LOG.is_enabled()", "store.order_audit_log",
     "store.signals.on_order_saved", "post_save.connect(on_order_saved, ...)"),
    ("store/pipeline.py", "if ADDRESS_ENRICHMENT.is_enabled()", "store.address_enrichment",
     "store.pipeline.enrich_order", '"store.pipeline.enrich_order" in settings.ORDER_PIPELINE'),
    ("store/tasks.py", "if ASYNC_INVENTORY.is_enabled()", "store.async_inventory",
     "store.tasks.sync_inventory", "@shared_task"),
    ("store/cli.py", 'variation("reindex-parallel"', "reindex-parallel", "store.cli.reindex", "@cli.command"),
    ("store/views.py", "if REFUND_V2.is_enabled()", "store.refund_v2", "store.views.refund_order", "urlpatterns"),
    ("store/management/commands/backfill_orders.py", "if BATCHED_BACKFILL.is_enabled()", "store.batched_backfill",
     "store.management.commands.backfill_orders.Command.handle", "Command(BaseCommand)"),
    ("store/cli.py", 'variation("admin-audit-log"', "admin-audit-log", "store.cli.main", "console script"),
    ("store/plugins/loyalty.py", "if LOYALTY_POINTS.is_enabled()", "store.loyalty_points",
     "store.plugins.loyalty.award_points", "entry-points = ['store.plugins.*']"),
    ("store/reports.py", "if DAILY_REPORT_V2.is_enabled()", "store.daily_report_v2",
     "store.reports.print_daily_report", 'if __name__ == "__main__":'),
    ("store/exports.py", "if STREAMING_CSV.is_enabled()", "store.streaming_csv",
     "store.exports.export_orders_csv", "__all__"),
    ("store/middleware.py", "if REQUEST_TIMING.is_enabled()", "store.request_timing",
     "store.middleware.RequestTimingMiddleware.__call__", "dunder method"),
]
# Reached through an edge, not by being an entry point themselves.
REACHED_BY_EDGE = {
    "store.refunds.RefundProcessor.process", "store.webhooks.RefundHooks.on_refund", "store.signals.on_order_saved",
    "store.pipeline.enrich_order", "store.views.refund_order",
    "store.management.commands.backfill_orders.Command.handle", "store.reports.print_daily_report",
}


@pytest.mark.parametrize(("path", "snippet", "key", "function", "how"), REACHED, ids=[r[4] for r in REACHED])
def test_reached_check_is_a_site_without_fa301(inventory: Inventory, path: str, snippet: str, key: str,
                                               function: str, how: str) -> None:
    sdk = "launchdarkly" if "variation(" in snippet else "waffle-flag"
    found = site(inventory, sdk, key, path, snippet)
    assert found.function == function
    assert findings(inventory, "FA301", key) == [], f"FA301 for a check reached through {how}"


def test_lookalikes_are_reached_through_edges_not_as_entry_points(inventory: Inventory) -> None:
    entries = dict(inventory.entry_points)
    assert REACHED_BY_EDGE.isdisjoint(entries)
    assert not {"store.views.refund_report", "store.reconcile.reconcile_ledgers"} & set(entries)


# -- FA302 and FA104: fixed flags and the code only their dead branch keeps alive -----------------------------------

def _def_span(path: str, name: str, last: str) -> tuple[int, int]:
    return (line_of(path, f"def {name}("), line_of(path, last))


def test_power_peg_flag_only_code(inventory: Inventory) -> None:
    finding = one_finding(inventory, "FA302", "power_peg")
    assert finding.sdk == "waffle-switch"
    functions = {
        "store.router.send_child_orders": _def_span(ROUTER, "send_child_orders", "child.save()"),
        "store.router.build_child_orders": _def_span(ROUTER, "build_child_orders", "return children"),
        "store.router._child_order_size": _def_span(ROUTER, "_child_order_size", "return max(1, order.quantity // 10)"),
    }
    assert call_paths(finding) == {
        name: f"{ROUTER}:{first}, {last - first + 1} lines" for name, (first, last) in functions.items()}
    total = sum(last - first + 1 for first, last in functions.values())
    assert f"3 functions ({total} lines)" in finding.message
    # record_fill is called in the on-branch too, but also by execute_smart: it stays
    assert "record_fill" not in finding.message
    assert not any("record_fill" in e.value for e in finding.evidence)
    migration = "store/migrations/0042_remove_power_peg.py"
    deleted = line_of(migration, 'Switch.objects.filter(name="power_peg").delete()')
    assert ("definition", f"{migration}:{deleted}") in {(e.kind, rel(e.value)) for e in finding.evidence}
    check = line_of(ROUTER, 'if switch_is_active("power_peg")')
    on = (check + 1, line_of(ROUTER, "else:") - 1)
    assert site(inventory, "waffle-switch", "power_peg", ROUTER, 'if switch_is_active("power_peg")').on == (on,)
    assert ("guards", f"{ROUTER}:{check}", f"on-branch lines {on[0]}-{on[1]}") in {
        (e.kind, rel(e.value), e.detail) for e in finding.evidence}


def test_power_peg_is_retired_not_constant_nor_unused(inventory: Inventory) -> None:
    switch = flag(inventory, "waffle-switch", "power_peg")
    assert [(d.action, rel(d.path)) for d in switch.definitions] == [
        ("delete", "store/migrations/0042_remove_power_peg.py")]
    assert findings(inventory, "FA104", "power_peg") == []
    banner = flag(inventory, "waffle-flag", "store.holiday_banner")
    assert [(d.action, rel(d.path)) for d in banner.definitions] == [
        ("define", "store/migrations/0010_holiday_banner.py"),
        ("delete", "store/migrations/0043_remove_holiday_banner.py"),
    ]
    assert banner.sites == () and [f for f in inventory.findings if f.flag == "store.holiday_banner"] == []


def test_settings_flag_off_everywhere(inventory: Inventory) -> None:
    key = "FEATURES['ENABLE_LEGACY_TAX']"
    constant = one_finding(inventory, "FA104", key)
    assert constant.sdk == "settings" and "always off" in constant.message
    evidence = {(rel(e.value), e.detail) for e in constant.evidence}
    assert evidence == {
        (f"store/settings/base.py:{line_of('store/settings/base.py', 'ENABLE_LEGACY_TAX')}", f"{key} = False"),
        (f"store/settings/production.py:{line_of('store/settings/production.py', 'ENABLE_LEGACY_TAX')}",
         f"{key} = False"),
    }, "store/settings/test.py configures only the tests"
    flag_only = one_finding(inventory, "FA302", key)
    first, last = _def_span(TAX, "legacy_tax", "return total")
    assert call_paths(flag_only) == {"store.tax.legacy_tax": f"{TAX}:{first}, {last - first + 1} lines"}
    assert f"({last - first + 1} lines)" in flag_only.message


def test_settings_flag_that_differs_between_deployments_is_not_constant(inventory: Inventory) -> None:
    reorder = flag(inventory, "settings", "FEATURES['ENABLE_QUICK_REORDER']")
    assert [rel(s.path) for s in reorder.sites] == [VIEWS]
    assert [f for f in inventory.findings if f.flag == "FEATURES['ENABLE_QUICK_REORDER']"] == []


# -- FA401 and FA402 ------------------------------------------------------------------------------------------------

def test_typo_suggests_the_defined_key(inventory: Inventory) -> None:
    finding = one_finding(inventory, "FA401", "store.new_crat")
    assert finding.sdk == "waffle-flag"
    assert "did you mean 'store.new_cart'" in finding.message
    assert findings(inventory, "FA402", "store.new_cart") == []


def test_unused_flags(inventory: Inventory) -> None:
    assert not any(e.kind == "note" for e in one_finding(inventory, "FA402", "store.one_click_refund").evidence)
    test_only = one_finding(inventory, "FA402", "store.bulk_discounts")
    line = line_of("tests/test_discounts.py", "BULK_DISCOUNTS.is_enabled()")
    assert [e.value for e in test_only.evidence if e.kind == "note"] == [
        f"read only by tests: tests/test_discounts.py:{line}"]
    assert [rel(s.path) for s in flag(inventory, "waffle-flag", "store.bulk_discounts").test_sites] == [
        "tests/test_discounts.py"]


# -- wrapper and predicate chains ----------------------------------------------------------------------------------

WRAPPER_CHAIN = ("store.flags.is_live", "store.flags.enabled", "store.flags.feature_on")
METHOD_CHAIN = ("store.flags.Flags.on", "store.flags.enabled", "store.flags.feature_on")
PREDICATE_CHAIN = ("store.pricing.pricing_mode", "store.pricing.use_new_pricing", "store.pricing._use_new_pricing")


def test_wrapper_chain(inventory: Inventory) -> None:
    s = site(inventory, "launchdarkly", "store.fast_lane", SHIPPING, 'is_live("store.fast_lane")')
    assert (s.function, s.rule) == ("store.shipping.shipping_quote", "wrapper/store.flags.is_live")
    assert s.via == WRAPPER_CHAIN
    assert (s.guard, s.on, s.off) == ("early-return", (span(SHIPPING, "return fast_lane_quote(order)"),),
                                      (span(SHIPPING, "return standard_quote(order)"),))


def test_method_wrapper(inventory: Inventory) -> None:
    s = site(inventory, "launchdarkly", "store.gift_wrap", SHIPPING, 'flags.on("store.gift_wrap")')
    assert (s.function, s.rule, s.via) == ("store.shipping.packaging_options", "wrapper/store.flags.Flags.on",
                                           METHOD_CHAIN)
    assert (s.guard, s.on, s.off) == ("if", (span(SHIPPING, 'options.append("gift_wrap")'),), ())


def test_wrappers_own_checks_are_not_sites(inventory: Inventory) -> None:
    launchdarkly = {f.key for f in inventory.flags if f.sdk == "launchdarkly"}
    assert launchdarkly == {"store.fast_lane", "store.gift_wrap", "reindex-parallel", "admin-audit-log"}
    assert not any(rel(s.path) == "store/flags.py" for f in inventory.flags for s in f.sites)


def test_predicate_chain(inventory: Inventory) -> None:
    s = site(inventory, "waffle-flag", "store.new_pricing", VIEWS, "if pricing_mode(request):")
    assert (s.function, s.rule) == ("store.views.quote", "predicate/store.pricing.pricing_mode")
    assert s.via == PREDICATE_CHAIN
    assert (s.guard, s.on, s.off) == ("if", (span(VIEWS, "price = engine_price("),),
                                      (span(VIEWS, "price = list_price("),))
    # each level of the chain is a site of the same key, one predicate further from the check
    sites = flag(inventory, "waffle-flag", "store.new_pricing").sites
    chain = {(rel(x.path), x.line, x.function, x.via) for x in sites}
    assert chain == {
        (PRICING, line_of(PRICING, 'flag_is_active(ctx, "store.new_pricing")'), PREDICATE_CHAIN[2], ()),
        (PRICING, line_of(PRICING, "return _use_new_pricing(ctx)"), PREDICATE_CHAIN[1], PREDICATE_CHAIN[2:]),
        (PRICING, line_of(PRICING, "return use_new_pricing(ctx)"), PREDICATE_CHAIN[0], PREDICATE_CHAIN[1:]),
        (VIEWS, line_of(VIEWS, "if pricing_mode(request):"), "store.views.quote", PREDICATE_CHAIN),
    }


# -- entry points ----------------------------------------------------------------------------------------------------

def test_entry_points(inventory: Inventory) -> None:
    entries = dict(inventory.entry_points)
    assert entries["store.cli.main"] == "console script store.cli:main"
    assert entries["store.plugins.loyalty.award_points"] == "configured entry point"
    assert entries["store.cli.reindex"].startswith("decorated @") and "command" in entries["store.cli.reindex"]
    assert entries["store.cli.cli"].startswith("decorated @click.group")
    assert entries["store.tasks.sync_inventory"].startswith("decorated @celery.shared_task")
    assert entries["store.middleware.RequestTimingMiddleware.__call__"].startswith("dunder method")
    assert entries["store.exports.export_orders_csv"] == "exported in store.exports.__all__"
    assert entries["store.reports"].startswith("module top level")
    assert entries["store.settings.base"].startswith("module top level")
    assert not any(name.startswith("tests") for name in entries), "tests are not entry points"


# -- the command line ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("extra", [["--show-entry-points"], []], ids=["show-entry-points", "scan"])
def test_command_line(monkeypatch: pytest.MonkeyPatch, extra: list[str]) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["scan", "fixtures/graph", "--no-cache", "--jobs", "1", *extra])
    assert result.exit_code == 0, result.output
    assert result.exception is None and "Traceback" not in result.output
    if extra:
        assert "store.cli.main  (console script store.cli:main)" in result.output.splitlines()
    else:
        assert "FA302 flag-only-code" in result.output and "8 warnings" in result.output


# -- analyser bugs once found, each on a minimal project ------------------------------------------------------------

def _scan_project(folder: Path, files: dict[str, str]) -> Inventory:
    files = {"pyproject.toml": '[project]\nname = "app"\n\n[tool.flagaudit]\n', **files}
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return scan((str(folder),), ScanOptions(use_cache=False, workers=1))


def test_probe_framework_base_through_a_project_class(tmp_path: Path) -> None:
    """A management command deriving from the project's own ``StoreCommand(BaseCommand)`` is called by Django."""
    inventory = _scan_project(tmp_path, {
        "app/__init__.py": "",
        "app/management/__init__.py": "",
        "app/management/base.py": """
            from django.core.management.base import BaseCommand

            class StoreCommand(BaseCommand):
                def add_arguments(self, parser):
                    parser.add_argument("--dry-run", action="store_true")
            """,
        "app/management/commands/__init__.py": "",
        "app/management/commands/sync.py": """
            from waffle import switch_is_active

            from app.management.base import StoreCommand

            class Command(StoreCommand):
                def handle(self, *args, **options):
                    if switch_is_active("sync_v2"):
                        print("v2")
            """,
    })
    assert [f.code for f in inventory.findings if f.flag == "sync_v2"] == []


def test_probe_reverse_migration_does_not_retire(tmp_path: Path) -> None:
    inventory = _scan_project(tmp_path, {
        "app/__init__.py": "",
        "app/migrations/__init__.py": "",
        "app/migrations/0001_banner.py": """
            from django.db import migrations

            def add_banner(apps, schema_editor):
                Switch = apps.get_model("waffle", "Switch")
                Switch.objects.get_or_create(name="beta_banner", defaults={"active": True})

            def remove_banner(apps, schema_editor):
                Switch = apps.get_model("waffle", "Switch")
                Switch.objects.filter(name="beta_banner").delete()

            class Migration(migrations.Migration):
                operations = [migrations.RunPython(add_banner, remove_banner)]
            """,
        "app/views.py": """
            from waffle import switch_is_active

            def banner(request):
                if switch_is_active("beta_banner"):
                    return beta_banner_html()
                return ""

            def beta_banner_html():
                return "<div>beta</div>"
            """,
        "app/urls.py": "from app import views\n\nurlpatterns = [views.banner]\n",
    })
    assert [f.code for f in inventory.findings if f.flag == "beta_banner"] == []


def test_probe_ternary_keeps_the_other_branch(tmp_path: Path) -> None:
    inventory = _scan_project(tmp_path, {
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
        "app/views.py": """
            from waffle import switch_is_active

            def page(request):
                return fancy_label() if switch_is_active("power_peg") else plain_label()

            def fancy_label():
                return "fancy"

            def plain_label():
                return "plain"
            """,
        "app/urls.py": "from app import views\n\nurlpatterns = [views.page]\n",
    })
    finding = one_finding(inventory, "FA302", "power_peg")
    assert set(call_paths(finding)) == {"app.views.fancy_label"}


def test_probe_settings_under_tests_are_test_settings(tmp_path: Path) -> None:
    inventory = _scan_project(tmp_path, {
        "app/__init__.py": "",
        "app/settings/__init__.py": "",
        "app/settings/base.py": 'FEATURES = {"ENABLE_X": False}\n',
        "tests/__init__.py": "",
        "tests/settings.py": 'from app.settings.base import *\n\nFEATURES["ENABLE_X"] = True\n',
        "app/views.py": """
            from django.conf import settings

            def view(request):
                if settings.FEATURES.get("ENABLE_X"):
                    return 1
                return 0
            """,
        "app/urls.py": "from app import views\n\nurlpatterns = [views.view]\n",
        "app/wsgi.py": WSGI,
    })
    assert [f.code for f in inventory.findings if f.flag == "FEATURES['ENABLE_X']"] == ["FA104"]
