"""``flagaudit remove KEY --as on|off``: the cleanup codemod, on real files in real git repositories.

Each shape of check is folded and simplified exactly; what only the dead branch reached goes; every output
parses and compiles; a second run changes nothing; with --write the ledger records the key as retired.
"""

from __future__ import annotations

import ast
import json
import shutil
import textwrap
from pathlib import Path

import pytest

from flagaudit.api import RemoveOptions, remove
from flagaudit.cleanup.fold import Check, Refused, fold
from flagaudit.cleanup.imports import drop_imports
from flagaudit.cleanup.settings import drop_setting
from flagaudit.cleanup.templates import fold_template
from flagaudit.config import load_config
from flagaudit.scan.project import scan
from flagaudit.sdk_rules import load_rules
from tests.repos import git, write_files
from tests.run import ROOT, run_cli
from tests.test_data_constants import FEATURES_PY, FEATURES_YAML, VIEWS


def _fold(source: str, value: bool, marker: str = "FLAG(") -> str:
    """Fold every ``FLAG(...)`` call in ``source`` (a stand-in check located by text) to ``value``."""
    source = textwrap.dedent(source)
    checks = [Check(n, line.index(marker), value) for n, line in enumerate(source.splitlines(), 1) if marker in line]
    return fold(source, checks)


@pytest.mark.parametrize(("value", "expected"), [
    (True, """\
        def view(user):
            # which checkout
            new_checkout()
            return done()
        """),
    (False, """\
        def view(user):
            # which checkout
            if user.staff:
                staff_checkout()
            else:
                old_checkout()
            return done()
        """),
])
def test_if_elif_else_chain(value: bool, expected: str) -> None:
    source = """\
        def view(user):
            # which checkout
            if FLAG("k"):
                new_checkout()
            elif user.staff:
                staff_checkout()
            else:
                old_checkout()
            return done()
        """
    assert _fold(source, value) == textwrap.dedent(expected)


def test_negation_early_return_and_dead_code_after_it() -> None:
    source = """\
        def buy(request):
            if not FLAG("k"):
                return refuse()
            order = create()
            return order
        """
    assert _fold(source, True) == "def buy(request):\n    order = create()\n    return order\n"
    assert _fold(source, False) == "def buy(request):\n    return refuse()\n"


def test_and_or_ternary_and_a_value_passed_on() -> None:
    source = """\
        def f(user):
            if user.staff and FLAG("k"):
                a()
            x = "new" if FLAG("k") else "old"
            y = FLAG("k") or fallback()
            return render(enabled=FLAG("k"))
        """
    assert _fold(source, True) == textwrap.dedent("""\
        def f(user):
            if user.staff:
                a()
            x = "new"
            y = True
            return render(enabled=True)
        """)
    assert _fold(source, False) == textwrap.dedent("""\
        def f(user):
            x = "old"
            y = fallback()
            return render(enabled=False)
        """)


def test_a_check_assigned_then_tested() -> None:
    source = """\
        def f(ctx):
            enabled = FLAG("k")
            log(ctx)
            if enabled:
                return new()
            return old()
        """
    assert _fold(source, True) == "def f(ctx):\n    log(ctx)\n    return new()\n"
    assert _fold(source, False) == "def f(ctx):\n    log(ctx)\n    return old()\n"


@pytest.mark.parametrize("source", [
    "def f(ctx):\n    details = FLAG('k')\n    log(details.reason)\n    return 1 if details.value else 0\n",
    "def f(ctx):\n    return FLAG('k').value\n",
])
def test_a_check_whose_result_is_an_object_is_refused(source: str) -> None:
    """Regression: ``variation_detail``/``get_value_details`` results folded to ``False.value`` (compiles, fails
    at run time)."""
    for value in (True, False):
        with pytest.raises(Refused, match="used as an object"):
            _fold(source, value)


def test_side_effects_are_never_dropped() -> None:
    with pytest.raises(Refused):
        _fold("def f():\n    return audit() and FLAG('k')\n", False)


def test_tests_of_the_dead_branch_go_and_tests_of_the_kept_one_stay() -> None:
    source = """\
        def test_on():
            assert FLAG("k")


        def test_off():
            assert not FLAG("k")
            assert other()
        """
    assert _fold(source, True).strip() == ""  # one asserted only the flag, the other the branch that is gone
    assert _fold(source, False) == "def test_off():\n    assert other()\n"


def test_a_folded_check_takes_its_flagaudit_annotation_with_it() -> None:
    source = """\
        def f():
            # keep this comment
            # flagaudit: type=release owner=@team
            if FLAG("k"):
                return new()
            return old()
        """
    assert _fold(source, True) == "def f():\n    # keep this comment\n    return new()\n"


def test_unused_imports_go_without_leaving_blank_lines_or_merging_groups() -> None:
    """Regressions: a dropped first import left the file starting with blank lines; a dropped import that
    started a group took the blank line separating the groups with it."""
    assert drop_imports("import ldclient\n\nRATE = 1\n", {"ldclient"}) == "RATE = 1\n"
    assert drop_imports("import json\n\nfrom django.conf import settings\nfrom django.http import H\n\nx = json, H\n",
                        {"settings"}) == "import json\n\nfrom django.http import H\n\nx = json, H\n"
    assert drop_imports("import a\nif T:\n    import b\nx = a\n", {"b"}) == "import a\nif T:\n    pass\nx = a\n"


def test_a_setting_read_as_a_plain_attribute_folds() -> None:
    """``settings.ENABLE_X`` is the check itself: it becomes the constant, and what it decided is simplified."""
    source = textwrap.dedent("""\
        def f(event):
            if not settings.EVENT_BATCHING_ENABLED:
                return deliver(event)
            return queue(event)
        """)
    assert fold(source, [Check(2, 11, True)]) == "def f(event):\n    return queue(event)\n"
    assert fold(source, [Check(2, 11, False)]) == "def f(event):\n    return deliver(event)\n"


def test_a_settings_flag_loses_its_lines_in_settings_modules() -> None:
    source = textwrap.dedent("""\
        FEATURES = {
            "ENABLE_A": True,
            "ENABLE_X": False
        }
        # per-line rounding
        FEATURES["ENABLE_X"] = False
        FEATURES.update({"ENABLE_X": True, "B": 1}, ENABLE_X=False)
        LOGGING = {"ENABLE_X": 1}
        X_ON = True
        """)
    assert drop_setting(source, "FEATURES['ENABLE_X']") == textwrap.dedent("""\
        FEATURES = {
            "ENABLE_A": True
        }
        FEATURES.update({"B": 1})
        LOGGING = {"ENABLE_X": 1}
        X_ON = True
        """)
    assert drop_setting('FEATURES = {\n    "ENABLE_X": True,\n}\n', "FEATURES['ENABLE_X']") == "FEATURES = {}\n"
    assert "X_ON" not in drop_setting(source, "X_ON")
    assert drop_setting("X_ON = True\nY = X_ON\n", "X_ON") == "X_ON = True\nY = X_ON\n"  # still read


@pytest.mark.parametrize(("value", "expected"), [(True, "<a>\n  <b>new</b>\n</a>\n"),
                                                 (False, "<a>\n  <i>old</i>\n</a>\n")])
def test_template_blocks(value: bool, expected: str) -> None:
    text = '<a>\n  {% flag "k" %}\n  <b>new</b>\n  {% else %}\n  <i>old</i>\n  {% endflag %}\n</a>\n'
    assert fold_template(text, [(2, 13)], value) == expected
    jinja = "<p>{% if waffle.flag('k') %}on{% else %}off{% endif %}</p>\n"
    assert fold_template(jinja, [(1, 23)], value) == f"<p>{'on' if value else 'off'}</p>\n"
    flags = "<p>{% if flag_enabled('K', request) %}on{% else %}off{% endif %}</p>\n"  # django-flags, Jinja
    assert fold_template(flags, [(1, 23)], value) == f"<p>{'on' if value else 'off'}</p>\n"
    disabled = "<p>{% if flag_disabled('K') %}off{% endif %}</p>\n"
    assert fold_template(disabled, [(1, 24)], value) == f"<p>{'' if value else 'off'}</p>\n"


def test_template_with_more_than_the_check_is_refused() -> None:
    with pytest.raises(Refused):
        fold_template("{% if user and waffle.flag('k') %}x{% endif %}\n", [(1, 26)], True)


# -- the command on real projects --------------------------------------------------------------------------------

PROJECT = {
    "app/__init__.py": "",
    "app/flags.py": 'NEW_CHECKOUT = "new-checkout"\nOTHER = "other"\n',
    "app/checkout.py": """\
import ldclient

from app.flags import NEW_CHECKOUT
from app.pricing import discount


def checkout(cart, context):
    if ldclient.get().variation(NEW_CHECKOUT, context, False):
        return fast_path(cart)
    return slow_path(cart)


def fast_path(cart):
    return discount(cart)


def slow_path(cart):
    return legacy_total(cart)


def legacy_total(cart):
    return sum(cart)


__all__ = ["checkout"]
""",
    "app/pricing.py": "def discount(cart):\n    return 0\n",
    "app/views.py": """\
from waffle.decorators import waffle_switch


@waffle_switch("beta-export")
def export(request):
    return "csv"


__all__ = ["export"]
""",
    "tests/test_checkout.py": """\
from waffle.testutils import override_flag

from app.checkout import checkout


@override_flag("new-checkout", active=True)
def test_fast():
    assert checkout([1], None) == 0


@override_flag("new-checkout", active=False)
def test_slow():
    assert checkout([1], None) == 1
""",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    repo = tmp_path / "project"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_files(repo, PROJECT)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    assert run_cli("ledger", "-C", str(repo), "--no-cache").returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "ledger")
    return repo


def _remove(repo: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_cli("remove", "-C", str(repo), "--no-cache", *args)


def test_remove_on_keeps_the_new_path_and_deletes_only_what_the_old_one_reached(project: Path) -> None:
    result = _remove(project, "new-checkout", "--as", "on", "--write")
    assert result.returncode == 0, result.stderr
    checkout = (project / "app/checkout.py").read_text()
    assert "ldclient" not in checkout and "NEW_CHECKOUT" not in checkout
    assert "return fast_path(cart)" in checkout
    assert "def slow_path" not in checkout and "def legacy_total" not in checkout  # only the off-branch reached them
    assert "def fast_path" in checkout and "from app.pricing import discount" in checkout
    assert (project / "app/flags.py").read_text() == 'OTHER = "other"\n'
    tests = (project / "tests/test_checkout.py").read_text()
    assert "def test_fast():" in tests and "override_flag" not in tests and "def test_slow" not in tests
    for path in ("app/checkout.py", "app/flags.py", "tests/test_checkout.py"):
        compile(ast.parse((project / path).read_text()), path, "exec")
    lock = (project / "flagaudit.lock").read_text()
    assert 'key = "new-checkout"' in lock and "retired" in lock.split('key = "new-checkout"')[1].split("[[flag]]")[0]
    again = _remove(project, "new-checkout", "--as", "on")
    assert again.returncode == 0 and again.stdout == ""  # a second run is a no-op
    assert "nothing to remove" in again.stderr


def test_a_later_use_of_a_removed_key_is_reborn(project: Path) -> None:
    assert _remove(project, "new-checkout", "--as", "off", "--write").returncode == 0
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "remove new-checkout", date="2026-02-01T12:00:00+00:00")
    write_files(project, {"app/later.py": (
        "import ldclient\n\n\ndef later(context):\n    if ldclient.get().variation('new-checkout', context, False):\n"
        "        return 1\n    return 0\n\n\n__all__ = ['later']\n")})
    result = run_cli("check", str(project), "--no-history", "--format", "json", "--no-cache")
    assert "FA201" in {f["code"] for f in json.loads(result.stdout)["findings"]}


def test_diff_by_default_and_nothing_written(project: Path) -> None:
    before = (project / "app/checkout.py").read_text()
    result = _remove(project, "new-checkout", "--as", "off")
    assert result.returncode == 0
    assert "--- a/app/checkout.py\n+++ b/app/checkout.py\n" in result.stdout
    assert (project / "app/checkout.py").read_text() == before
    assert git(project, "status", "--porcelain") == ""


def test_decorated_view_switched_off_is_left_alone_and_listed(project: Path) -> None:
    result = _remove(project, "beta-export", "--as", "off")
    assert result.returncode == 1 and result.stdout == ""
    assert "app/views.py:4: decorated view is switched off" in result.stderr
    on = _remove(project, "beta-export", "--as", "on", "--write")
    assert on.returncode == 0
    assert "waffle_switch" not in (project / "app/views.py").read_text()


def test_a_view_decorated_to_run_while_the_switch_is_off_is_its_off_branch(project: Path) -> None:
    """``@waffle_switch("!beta-export")`` serves the view while the switch is off: removing the switch as off keeps
    the view and drops the decorator; as on, the view would always answer 404, so it is listed and left alone."""
    views = project / "app/views.py"
    views.write_text(views.read_text().replace('"beta-export"', '"!beta-export"'))
    git(project, "commit", "-q", "-am", "serve the export while the switch is off")
    scanned = json.loads(run_cli("scan", str(project), "--format", "json", "--no-cache").stdout)
    [flag] = [f for f in scanned["flags"] if f["key"] == "beta-export"]
    assert [(s["guard"], s["on"], s["off"]) for s in flag["sites"]] == [("decorator", [], [[6, 6]])]
    on = _remove(project, "beta-export", "--as", "on")
    assert on.returncode == 1 and "app/views.py:4: decorated view is switched off" in on.stderr
    assert _remove(project, "beta-export", "--as", "off", "--write").returncode == 0
    assert "waffle_switch" not in views.read_text() and "def export(request):" in views.read_text()


def test_a_settings_flag_goes_from_the_code_and_the_settings(tmp_path: Path) -> None:
    repo = tmp_path / "site"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_files(repo, {
        "site/__init__.py": "",
        "site/settings.py": 'FEATURES = {\n    "ENABLE_EXPORT": True,\n    "ENABLE_OTHER": False,\n}\n',
        "site/views.py": ("import json\n\nfrom django.conf import settings\nfrom django.http import JsonResponse\n\n\n"
                          "def export(request):\n    if settings.FEATURES.get('ENABLE_EXPORT'):\n"
                          "        return JsonResponse(json.loads('{}'))\n    return None\n\n\n__all__ = ['export']\n"),
    })
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    result = _remove(repo, "FEATURES['ENABLE_EXPORT']", "--as", "on", "--write")
    assert result.returncode == 0, result.stderr
    assert (repo / "site/settings.py").read_text() == 'FEATURES = {\n    "ENABLE_OTHER": False,\n}\n'
    assert (repo / "site/views.py").read_text().startswith(
        "import json\n\nfrom django.http import JsonResponse\n\n\ndef export(request):\n"
        "    return JsonResponse(json.loads('{}'))\n")
    assert _remove(repo, "FEATURES['ENABLE_EXPORT']", "--as", "on").stdout == ""


def test_a_helper_named_like_another_modules_helper_still_goes(tmp_path: Path) -> None:
    """Regression: the other module's own ``_old`` (its definition and its call) counted as a mention of
    this module's ``_old`` and kept it; a name read as an attribute anywhere still keeps it."""
    module = ("import ldclient\n\n\ndef {name}(ctx):\n    if ldclient.get().variation('k', ctx, False):\n"
              "        return 1\n    return _old(ctx)\n\n\ndef _old(ctx):\n    return 2\n\n\n__all__ = ['{name}']\n")
    repo = tmp_path / "twins"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_files(repo, {"app/__init__.py": "", "app/a.py": module.format(name="first"),
                       "app/b.py": module.format(name="second")})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    assert _remove(repo, "k", "--as", "on", "--write").returncode == 0
    for name in ("a", "b"):
        assert "_old" not in (repo / f"app/{name}.py").read_text()
    write_files(repo, {"app/b.py": module.format(name="second"),
                       "app/c.py": "import importlib\n\nOLD = importlib.import_module('app.b')._old\n"})
    assert _remove(repo, "k", "--as", "on", "--write").returncode == 0
    assert "def _old" in (repo / "app/b.py").read_text()  # read as an attribute elsewhere: it stays


def test_a_key_a_dynamic_check_may_read_is_left_alone(tmp_path: Path) -> None:
    repo = tmp_path / "promo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_files(repo, {"app/__init__.py": "", "app/promo.py": (
        "import posthog\n\n\ndef banner(user, slug):\n    if posthog.feature_enabled('promo-spring', user):\n"
        "        return 'spring'\n    return [posthog.feature_enabled(f'promo-{slug}', user)]\n\n\n"
        "__all__ = ['banner']\n")})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    result = _remove(repo, "promo-spring", "--as", "off")
    assert result.returncode == 1 and result.stdout == ""
    assert "app/promo.py:7: a key built at run time (promo-*) may be this one" in result.stderr


def test_a_flag_a_data_migration_created_gets_a_deleting_migration_once(tmp_path: Path) -> None:
    """Regression: the generated migration was not read as the row's deletion, so every later run wrote another."""
    repo = tmp_path / "shop"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_files(repo, {
        "shop/__init__.py": "", "shop/migrations/__init__.py": "",
        "shop/migrations/0001_flags.py": (
            "from django.db import migrations\n\n\ndef add(apps, schema_editor):\n"
            "    Flag = apps.get_model('waffle', 'Flag')\n    Flag.objects.create(name='one_click')\n\n\n"
            "class Migration(migrations.Migration):\n    operations = [migrations.RunPython(add)]\n"),
        "shop/views.py": ("from waffle import flag_is_active\n\n\ndef buy(request):\n"
                          "    if flag_is_active(request, 'one_click'):\n        return 1\n    return 2\n\n\n"
                          "__all__ = ['buy']\n"),
    })
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    assert _remove(repo, "one_click", "--as", "on", "--write").returncode == 0
    migration = (repo / "shop/migrations/0002_remove_one_click.py").read_text()
    assert "Flag.objects.filter(name='one_click').delete()" in migration
    again = _remove(repo, "one_click", "--as", "on")
    assert (again.returncode, again.stdout) == (0, "")
    assert "nothing of 'one_click' is left to remove" in again.stderr


def test_a_flag_declared_in_a_data_file_is_removed_from_the_code_and_its_entry_left_with_a_note(
        tmp_path: Path) -> None:
    """osf.io's shape: the keys come from a YAML file a module loads into its globals. Its entry is the flag's
    declaration, not code: the checks go, and the entry is named for a person to delete (regression: the report's
    removal plan parsed the YAML as Python and stopped)."""
    repo = tmp_path / "osf"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_files(repo, {"app/__init__.py": "", "app/settings.py": "FEATURES_YAML = 'app/features.yaml'\n",
                       "app/features.py": FEATURES_PY, "app/features.yaml": FEATURES_YAML, "app/views.py": VIEWS},
                dedent=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    result = _remove(repo, "gravy_waffle", "--as", "on", "--write")
    assert result.returncode == 0, result.stderr
    assert "app/features.yaml:4: the flag's entry in a data file stays: delete it by hand" in result.stderr
    assert "flag_is_active" not in (repo / "app/views.py").read_text()
    assert "gravy_waffle" in (repo / "app/features.yaml").read_text()


def test_key_file_removes_a_batch(project: Path, tmp_path: Path) -> None:
    keys = tmp_path / "ready.txt"
    keys.write_text("# ready to remove\nnew-checkout\nbeta-export\n", encoding="utf-8")
    result = _remove(project, "--key-file", str(keys), "--as", "on")
    assert result.returncode == 0, result.stderr
    assert "a/app/checkout.py" in result.stdout and "a/app/views.py" in result.stdout


@pytest.mark.parametrize("fixture", ["shop", "graph"])
def test_every_key_of_the_fixtures_both_ways_leaves_valid_code(fixture: str, tmp_path: Path) -> None:
    """Every key, both values: the output parses and compiles (``remove`` checks before it returns), or the
    key is refused with the places that made it unsafe and nothing of it changes."""
    copy = tmp_path / fixture
    shutil.copytree(ROOT / "fixtures" / fixture, copy, ignore=shutil.ignore_patterns(".flagaudit_cache"))
    config = load_config((), None, copy)
    rules = load_rules(config.rules, config.settings_dicts)
    keys = sorted({f.key for f in scan((str(copy),)).flags if f.key and not f.pattern})
    outcomes = []
    for key in keys:
        for value in (True, False):
            removal = remove(config, rules, RemoveOptions((key,), value)).removals[0]
            assert removal.removed != bool(removal.refused), (key, value)
            outcomes.append(removal.removed)
    assert sum(outcomes) >= len(outcomes) * 0.6  # the rest: multivariate values, wafflejs, a decorated view off


def test_the_diff_cannot_forge_ci_commands(project: Path) -> None:
    """A diff prints the tree's code: a context line starting (after its space) with ``::`` is escaped, while
    ordinary lines, tabs included, come out as they are, so the diff still applies."""
    text = (project / "app/checkout.py").read_text()
    (project / "app/checkout.py").write_text(
        text.replace("def checkout(cart, context):\n", "def checkout(cart, context):\n    '''\n::error::forged\n'''\n"),
        encoding="utf-8")
    result = _remove(project, "new-checkout", "--as", "on")
    assert result.returncode == 0, result.stderr
    assert not any(line.lstrip().startswith("::") for line in result.stdout.splitlines())
    assert "\\x3a:error::forged" in result.stdout


def test_a_file_in_newer_syntax_and_two_uses_of_one_class_in_a_branch(tmp_path: Path) -> None:
    """osf.io stopped `report` twice: the cleanup read a rewritten file with the running `ast` (an f-string that
    reuses its quotes is Python 3.12), and a branch whose two uses of a nested class became one call-graph edge
    was cut twice. Both files are planned, nothing written, no traceback."""
    write_files(tmp_path, {
        "app/__init__.py": "",
        "app/events.py": ("class UsageEvent:\n    class ActionLabel:\n"
                          "        VIEW = 'view'\n        DOWNLOAD = 'download'\n"),
        "app/views.py": textwrap.dedent("""\
            import waffle

            from app.events import UsageEvent


            def record(request, data):
                label = f'{data['nid']}:{data['provider']}'
                if waffle.switch_is_active("elasticsearch_metrics"):
                    return [UsageEvent.ActionLabel.VIEW, UsageEvent.ActionLabel.DOWNLOAD, label]
                return [label]


            __all__ = ["record"]
            """),
    })
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "metrics", date="2026-01-05T12:00:00+00:00")
    result = _remove(tmp_path, "elasticsearch_metrics", "--as", "off")
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr and "would remove 'elasticsearch_metrics'" in result.stderr
    assert "-        return [UsageEvent.ActionLabel.VIEW, UsageEvent.ActionLabel.DOWNLOAD, label]\n" in result.stdout
    assert "-from app.events import UsageEvent\n" in result.stdout  # the import the branch alone used
    assert "     label = f'{data['nid']}:{data['provider']}'\n" in result.stdout


def test_a_check_of_several_keys_is_left_alone(tmp_path: Path) -> None:
    """A check in a loop over literal keys, or of a dict's value, checks each key (tests/test_loop_keys.py):
    folding it for one key would decide it for the others too."""
    repo = tmp_path / "project"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    views = textwrap.dedent("""\
        from waffle import flag_is_active, switch_is_active

        FLAGS = ("new_nav", "dark_mode")
        SWITCHES = {"PayPal": "paypal_enabled", "Stripe": "stripe_enabled"}


        def flags(request):
            return [name for name in FLAGS if flag_is_active(request, name)]


        def processor_on(processor):
            return switch_is_active(SWITCHES[processor])
        """)
    write_files(repo, {"app/__init__.py": "", "app/views.py": views})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    for key, refused in (("new_nav", "app/views.py:8: the check also asks about dark_mode"),
                         ("paypal_enabled", "app/views.py:12: the check also asks about stripe_enabled")):
        result = _remove(repo, key, "--as", "on", "--write")
        assert result.returncode == 1 and refused in result.stderr, result.stderr
        assert (repo / "app/views.py").read_text() == views
