"""Warnings worth reading: FA401 only against flags defined in code, settings that are flags, FA104 and YAML."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flagaudit.config import DEFAULT_TEST_PATHS
from flagaudit.extract.prefilter import mentions
from flagaudit.scan.project import ScanOptions, flags_in_memory, scan
from flagaudit.sdk_rules import load_rules
from tests.projects import WSGI
from tests.repos import write_files


def _scan(tmp_path: Path, files: dict[str, str]):
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in files.items()})
    return scan((str(tmp_path),), ScanOptions(use_cache=False))


def _codes(inventory, code: str) -> list[tuple[str | None, str]]:
    return sorted((f.flag, f.path) for f in inventory.findings if f.code == code)


ADMIN_WAFFLE = {
    "wiki/__init__.py": "",
    "wiki/migrations/__init__.py": "",
    "wiki/migrations/0007_add_flags.py": """\
        from django.db import migrations


        def add_flags(apps, schema_editor):
            Flag = apps.get_model("waffle", "Flag")
            Flag.objects.get_or_create(name="wiki_revision_diff", defaults={"everyone": False})


        class Migration(migrations.Migration):
            dependencies = [("wiki", "0006_auto")]
            operations = [migrations.RunPython(add_flags, migrations.RunPython.noop)]
        """,
    "wiki/views.py": """\
        from waffle import flag_is_active


        def revision(request, document):
            if flag_is_active(request, "wiki_revision_diff"):
                return document.render_diff()
            if flag_is_active(request, "wiki_revisions_dif"):  # created in the admin, not a typo
                return document.render_side_by_side()
            return document.render()
        """,
}


def test_no_did_you_mean_for_keys_the_admin_creates(tmp_path: Path) -> None:
    inventory = _scan(tmp_path, ADMIN_WAFFLE)
    assert _codes(inventory, "FA401") == []
    assert {f.key for f in inventory.flags} == {"wiki_revision_diff", "wiki_revisions_dif"}


def test_unknown_key_beside_flag_objects_is_still_reported(tmp_path: Path) -> None:
    inventory = _scan(tmp_path, {
        "grades/__init__.py": "",
        "grades/toggles.py": """\
            from edx_toggles.toggles import WaffleFlag

            # .. toggle_name: grades.rejected_exam_overrides_grade
            REJECTED_EXAM_OVERRIDES_GRADE = WaffleFlag("grades.rejected_exam_overrides_grade", __name__)
            """,
        "grades/api.py": """\
            from waffle import flag_is_active

            from grades.toggles import REJECTED_EXAM_OVERRIDES_GRADE


            def final_grade(request, course):
                if REJECTED_EXAM_OVERRIDES_GRADE.is_enabled():
                    return course.override_grade()
                if flag_is_active(request, "grades.rejected_exam_overides_grade"):
                    return course.legacy_override()
                return course.grade()
            """,
    })
    finding = next(f for f in inventory.findings if f.code == "FA401")
    assert finding.flag == "grades.rejected_exam_overides_grade"
    assert "did you mean 'grades.rejected_exam_overrides_grade'" in finding.message


def test_only_settings_named_or_declared_as_flags_are_flags(tmp_path: Path) -> None:
    inventory = _scan(tmp_path, {
        "reminders/__init__.py": "",
        "reminders/tasks.py": """\
            from django.conf import settings


            def schedule(submission):
                if not getattr(settings, "ENABLE_ORA_REMINDERS", False):
                    return None
                if getattr(settings, "CELERY_ALWAYS_EAGER", False):
                    return send_now(submission)
                if getattr(settings, "AUDIT_LOG_ENABLED", False):
                    log(submission)
                # .. toggle_name: SEND_REMINDER_DIGEST
                # .. toggle_implementation: DjangoSetting
                # .. toggle_default: False
                if getattr(settings, "SEND_REMINDER_DIGEST", False):
                    return digest(submission)
                if not getattr(settings, "SEARCH_SKIP_START_DATE_FILTERING", False):  # openedx/edx-search
                    submission = started(submission)
                return queue(submission)
            """,
    })
    assert {f.key for f in inventory.flags} == {"ENABLE_ORA_REMINDERS", "AUDIT_LOG_ENABLED", "SEND_REMINDER_DIGEST",
                                                "SEARCH_SKIP_START_DATE_FILTERING"}


def test_a_setting_read_as_a_plain_attribute_is_a_flag_if_its_name_says_switch(tmp_path: Path) -> None:
    """mitodl/open-discussions routes ``^infinite`` only ``if settings.ENABLE_INFINITE_CORRIDOR``, and openedx's
    event-routing-backends batches ``if settings.EVENT_ROUTING_BACKEND_BATCHING_ENABLED``: no call marks them,
    and the file spells no rule's word. A plain attribute names no type, so only names that say switch count
    (``ENABLE_X``, ``X_ENABLED``, ``DISABLE``, ``USE_X``: DefectDojo's ``USE_FIRST_SEEN``); the object of a call, an
    assignment and other names do not."""
    inventory = _scan(tmp_path, {
        "infinite/__init__.py": "",
        "infinite/urls.py": """\
            from django.conf import settings

            urlpatterns = ["infinite"] if settings.ENABLE_INFINITE_CORRIDOR else ["infinite/demo"]
            """,
        "infinite/router.py": """\
            from django.conf import settings


            def send(event):
                if not settings.EVENT_ROUTING_BACKEND_BATCHING_ENABLED:
                    return event
                if settings.ENABLE_LOG_TOGGLE.is_enabled() or settings.USE_CELERY:
                    return None
                settings.DISABLE_EMAILS = True
                return settings.REQUEST_TIMEOUT
            """,
    })
    assert sorted((f.key, [(s.path, s.line) for s in f.sites]) for f in inventory.flags) == [
        ("ENABLE_INFINITE_CORRIDOR", [("infinite/urls.py", 3)]),
        ("EVENT_ROUTING_BACKEND_BATCHING_ENABLED", [("infinite/router.py", 5)]),
        ("USE_CELERY", [("infinite/router.py", 7)]),
    ]


def test_a_project_object_called_settings_is_not_read_for_them() -> None:
    """osf.io imports its own ``website.settings`` as ``settings`` nearly everywhere: a file that names no module
    of a settings rule's objects is not even parsed for these reads (in history, every version of it was)."""
    rules = load_rules(())
    own = b"from website import settings\n\nif settings.ENABLE_PRIVATE_SEARCH:\n    pass\n"
    assert not mentions(own, rules)
    assert mentions(own.replace(b"from website import", b"from django.conf import"), rules)


def test_a_switch_named_setting_read_with_a_none_default_is_a_flag() -> None:
    """``getattr(settings, "ENABLE_AUTO_AUTH", None)`` reads a switch (enterprise-subsidy); ``getattr(settings,
    "SEARCH_BACKEND", None)``, in most Django modules, reads configuration: the prefilter lets only the first
    through, and the scan finds only its site."""
    rules = load_rules(())
    switch = b'from django.conf import settings\n\nif getattr(settings, "ENABLE_AUTO_AUTH", None):\n    pass\n'
    other = switch.replace(b"ENABLE_AUTO_AUTH", b"SEARCH_BACKEND")
    assert mentions(switch, rules) and not mentions(other, rules)
    assert [f.key for f in flags_in_memory({"views.py": switch}, rules)] == ["ENABLE_AUTO_AUTH"]
    both = other + b"beta = getattr(settings, 'ENABLE_BETA', False)\n"  # through the prefilter
    assert [f.key for f in flags_in_memory({"views.py": both}, rules)] == ["ENABLE_BETA"]


def test_a_switch_named_setting_read_with_no_default_is_a_flag() -> None:
    """``getattr(settings, "LOG_AGGREGATOR_ENABLED")`` is ``settings.LOG_AGGREGATOR_ENABLED`` spelled as a call
    (ansible/awx); ``getattr(settings, "DEFAULT_FROM_EMAIL")`` reads configuration, and the prefilter spares it."""
    rules = load_rules(())
    switch = b'from django.conf import settings\n\nenabled = getattr(settings, "LOG_AGGREGATOR_ENABLED")\n'
    other = switch.replace(b"LOG_AGGREGATOR_ENABLED", b"DEFAULT_FROM_EMAIL")
    assert mentions(switch, rules) and not mentions(other, rules)
    assert mentions(switch.replace(b'ENABLED")', b'ENABLED",)'), rules)
    [flag] = flags_in_memory({"views.py": switch}, rules)
    assert (flag.key, [s.rule for s in flag.sites]) == ("LOG_AGGREGATOR_ENABLED", ["settings/feature-dict.attribute"])


def test_a_parameter_that_defaults_to_the_settings_object_is_read_as_it() -> None:
    """ansible/awx renders its rsyslog configuration with ``def construct_rsyslog_conf_template(settings=settings)``,
    called with nothing but by its tests: its reads are the settings' reads."""
    rules = load_rules(())
    code = b"""from django.conf import settings


def construct_rsyslog_conf_template(settings=settings):
    enabled = getattr(settings, "LOG_AGGREGATOR_ENABLED")
    if settings.RSYSLOG_DEBUG_ENABLED:
        return [enabled]
    return []


def render(settings):
    return settings.TEMPLATE_DEBUG_ENABLED
"""
    found = {f.key: [s.function for s in f.sites] for f in flags_in_memory({"app/logs.py": code}, rules)}
    assert found == {"LOG_AGGREGATOR_ENABLED": ["app.logs.construct_rsyslog_conf_template"],
                     "RSYSLOG_DEBUG_ENABLED": ["app.logs.construct_rsyslog_conf_template"]}


def test_settings_loaded_from_yaml_are_never_constant(tmp_path: Path) -> None:
    files = {
        "badges/__init__.py": "",
        "badges/toggles.py": """\
            from edx_toggles.toggles import SettingToggle

            ENABLE_BADGES = SettingToggle("BADGES_ENABLED", default=False, module_name=__name__)


            def badges_enabled():
                return ENABLE_BADGES.is_enabled()
            """,
        "config/__init__.py": "",
        "config/settings/__init__.py": "",
        "config/settings/base.py": "BADGES_ENABLED = False\n",
        "config/wsgi.py": WSGI,
    }
    assert _codes(_scan(tmp_path / "fixed", files), "FA104") == [("BADGES_ENABLED", "badges/toggles.py")]
    files["config/settings/production.py"] = """\
        import os

        import yaml

        from config.settings.base import *  # noqa: F403

        with open(os.environ["SERVICE_CFG"], encoding="utf-8") as handle:
            config_from_yaml = yaml.safe_load(handle)
            vars().update(config_from_yaml)
        """
    assert _codes(_scan(tmp_path / "yaml", files), "FA104") == []


def test_settings_a_local_module_outside_the_tree_overrides_are_never_constant(tmp_path: Path) -> None:
    """HSReplay.net's settings end in ``from hsreplaynet.local_settings import *``, a module each deployment writes
    and git ignores: five FA104 said "always False" of switches the deployments set there. A star import of a
    module the tree holds (``from .base import *``) or of another package's settings fixes nothing by itself."""
    files = {
        "hs/__init__.py": "",
        "hs/settings.py": """\
            INFLUX_ENABLED = False

            try:
                from hs.local_settings import *  # noqa: F403
            except ImportError as e:
                raise RuntimeError("A local_settings.py file could not be imported") from e
            """,
        "hs/metrics.py": """\
            from django.conf import settings


            def record(point):
                if settings.INFLUX_ENABLED:
                    point.write()
            """,
        "hs/wsgi.py": WSGI,
    }
    assert _codes(_scan(tmp_path / "local", files), "FA104") == []
    files["hs/local_settings.py"] = "DEBUG = False\n"
    assert _codes(_scan(tmp_path / "held", files), "FA104") == [("INFLUX_ENABLED", "hs/metrics.py")]
    files["hs/local_settings.py"] = None
    files["hs/settings.py"] = files["hs/settings.py"].replace("hs.local_settings", "vendor.settings")
    assert _codes(_scan(tmp_path / "vendor", {k: v for k, v in files.items() if v is not None}), "FA104") == [
        ("INFLUX_ENABLED", "hs/metrics.py")]


def test_a_feature_dict_entry_read_from_the_environment_is_never_constant(tmp_path: Path) -> None:
    """fecgov/fec-cms: each entry of ``FEATURES`` is read from the environment, and only the local and feature
    environments force some on. The entry is not "always on", however many ``if`` blocks set it to ``True``."""
    files = {
        "fec/__init__.py": "",
        "fec/settings/__init__.py": "",
        "fec/settings/base.py": """\
            import os

            FEATURES = {
                "presidential_map": bool(os.environ.get("FEC_FEATURE_PRESIDENTIAL_MAP", "")),
                "barcharts": False,
            }
            if os.environ.get("FEC_CMS_ENVIRONMENT") == "local":
                FEATURES["presidential_map"] = True
            """,
        "fec/urls.py": """\
            from fec import settings

            urlpatterns = []
            if settings.FEATURES.get("presidential_map"):
                urlpatterns.append("map/")
            if settings.FEATURES.get("barcharts"):
                urlpatterns.append("charts/")
            """,
        "fec/wsgi.py": WSGI,
    }
    assert _codes(_scan(tmp_path, files), "FA104") == [("FEATURES['barcharts']", "fec/urls.py")]


def test_a_setting_assigned_under_an_if_is_never_constant(tmp_path: Path) -> None:
    """DemocracyClub/UK-Polling-Stations sets ``USE_LOCAL_PARQUET_ELECTIONS = True`` only when an environment
    variable names the data: without it the setting is unset and the check's default holds."""
    files = {
        "polling/__init__.py": "",
        "polling/settings.py": """\
            import os

            SHOW_ADVANCE_VOTING_STATIONS = True
            if data_path := os.environ.get("ELECTION_PARQUET_DATA_PATH", False):
                USE_LOCAL_PARQUET_ELECTIONS = True
            """,
        "polling/address.py": """\
            from django.conf import settings


            def elections(postcode):
                if getattr(settings, "USE_LOCAL_PARQUET_ELECTIONS", False):
                    return "parquet"
                if getattr(settings, "SHOW_ADVANCE_VOTING_STATIONS", False):
                    return "advance"
                return "api"
            """,
        "polling/wsgi.py": WSGI,
    }
    assert _codes(_scan(tmp_path, files), "FA104") == [("SHOW_ADVANCE_VOTING_STATIONS", "polling/address.py")]


def test_a_setting_one_deployment_variant_leaves_unset_is_never_constant(tmp_path: Path) -> None:
    """DemocracyClub/yournextrepresentative: ``dev.py`` and ``deploy.py`` each extend ``base.py``
    (``from .base import *``), and only ``deploy.py`` sets ``ALWAYS_ALLOW_RESULT_RECORDING = True``; in development
    the check's default holds, so it was not "set to True in every settings module". A setting the base sets
    reaches every variant, and one every variant sets, itself or through what it extends, is still fixed."""
    files = {
        "proj/__init__.py": "",
        "proj/settings/__init__.py": "",
        "proj/settings/base.py": "DEBUG = False\nSHOW_BANNER = True\n",
        "proj/settings/dev.py": "from .base import *  # noqa\n\nDEBUG = True\nENABLE_SEARCH = True\n",
        "proj/settings/deploy.py": "from proj.settings.base import *  # noqa\n\n"
                                   "ALWAYS_ALLOW_RESULT_RECORDING = True\nENABLE_SEARCH = True\n",
        "proj/results.py": """\
            from django.conf import settings


            def record(request):
                if getattr(settings, "ALWAYS_ALLOW_RESULT_RECORDING", False):
                    return "ok"
                if getattr(settings, "SHOW_BANNER", False) and getattr(settings, "ENABLE_SEARCH", False):
                    return "banner"
                return "denied"
            """,
        "proj/wsgi.py": WSGI,
    }
    assert _codes(_scan(tmp_path, files), "FA104") == [("ENABLE_SEARCH", "proj/results.py"),
                                                       ("SHOW_BANNER", "proj/results.py")]


def test_a_setting_an_annotated_assignment_sets_is_set_there(tmp_path: Path) -> None:
    """dimagi/open-chat-studio sets ``USE_HTTPS_IN_ABSOLUTE_URLS = False`` in ``settings.py`` and
    ``USE_HTTPS_IN_ABSOLUTE_URLS: bool = True`` in ``settings_production.py``: the annotated assignment was not
    read, and the setting was "set to False in every settings module"."""
    files = {
        "config/__init__.py": "",
        "config/settings.py": "USE_HTTPS_IN_ABSOLUTE_URLS = False\nUSE_SILK: bool = False\n",
        "config/settings_production.py": "from .settings import *  # noqa\n\nUSE_HTTPS_IN_ABSOLUTE_URLS: bool = True\n",
        "web/__init__.py": "",
        "web/meta.py": """\
            from django.conf import settings


            def protocol(request):
                if settings.USE_SILK:
                    return "silk"
                return "https" if settings.USE_HTTPS_IN_ABSOLUTE_URLS else "http"
            """,
        "config/wsgi.py": WSGI,
    }
    assert _codes(_scan(tmp_path, files), "FA104") == [("USE_SILK", "web/meta.py")]


def test_settings_split_settings_includes_from_outside_are_never_constant(tmp_path: Path) -> None:
    """ansible/awx's production settings end with django-split-settings' ``include(settings_file,
    optional(settings_files), scope=locals())``, which reads ``/etc/tower/conf.d/*.py`` where each installation
    overrides what it likes: no value the code shows is the only one."""
    files = {
        "awx/__init__.py": "",
        "awx/settings/__init__.py": "",
        "awx/settings/defaults.py": "ACTIVITY_STREAM_ENABLED = True\n",
        "awx/settings/production.py": "from split_settings.tools import include, optional\n\n"
                                      "from .defaults import *  # noqa\n\n"
                                      "include(optional('/etc/tower/conf.d/*.py'), scope=locals())\n",
        "awx/signals.py": """\
            from django.conf import settings


            def record(instance):
                if settings.ACTIVITY_STREAM_ENABLED:
                    return instance.log()
                return None
            """,
        "awx/wsgi.py": WSGI,
    }
    assert _codes(_scan(tmp_path, files), "FA104") == []


def test_a_setting_compared_with_text_is_no_switch(tmp_path: Path) -> None:
    """ansible/awx reads ``if settings.ALLOW_JINJA_IN_EXTRA_VARS == 'always':`` (also ``'template'`` and ``'never'``):
    a choice among words, named like a switch. Compared with text, a setting is one of several values; compared with
    ``True``, or read alone, it is a switch."""
    inventory = _scan(tmp_path, {
        "app/__init__.py": "",
        "app/jobs.py": """\
            from django.conf import settings


            def extra_vars(job):
                if settings.ALLOW_JINJA_IN_EXTRA_VARS == "always":
                    return job.extra_vars
                if settings.ALLOW_JINJA_IN_EXTRA_VARS in ("template", "never"):
                    return None
                return 1 if settings.ALLOW_SIGNUP == True else 0  # noqa: E712
            """,
    })
    assert [f.key for f in inventory.flags] == ["ALLOW_SIGNUP"]


def test_a_setting_written_into_a_text_is_no_check(tmp_path: Path) -> None:
    """CenterForOpenScience/SHARE logs ``f"HIDE_DEPRECATED_VIEWS: {settings.HIDE_DEPRECATED_VIEWS}"`` before it
    checks the switch: the value written into a message guards nothing, and was a second site."""
    inventory = _scan(tmp_path, {
        "api/__init__.py": "",
        "api/middleware.py": """\
            import logging

            from django.conf import settings


            def process_view(request, hidden):
                logging.info(f"HIDE_DEPRECATED_VIEWS: {settings.HIDE_DEPRECATED_VIEWS}")
                if settings.HIDE_DEPRECATED_VIEWS and hidden:
                    return 404
                return None
            """,
    })
    assert [(f.key, [s.line for s in f.sites]) for f in inventory.flags] == [("HIDE_DEPRECATED_VIEWS", [8])]


def test_a_template_name_no_settings_module_sets_is_no_setting() -> None:
    """DefectDojo's context processor passes ``API_TOKENS_ENABLED``, a setting, under its own name; HyphaApp/hypha's
    passes ``PASSKEYS_ENABLED``, which a function computes, and LibraryOfCongress/concordia's home page binds
    ``{% flag_enabled 'SHOW_BANNER' as SHOW_BANNER %}``: neither is a setting."""
    files = {
        "proj/__init__.py": b"",
        "proj/settings.py": b'import environ\n\nenv = environ.Env()\n'
                            b'API_TOKENS_ENABLED = env.bool("API_TOKENS", True)\n',
        "proj/templates/menu.html": b"{% if API_TOKENS_ENABLED %}<a>API key</a>{% endif %}"
                                    b"{% if PASSKEYS_ENABLED %}<a>Passkeys</a>{% endif %}"
                                    b"{% flag_enabled 'SHOW_BANNER' as SHOW_BANNER %}"
                                    b"{% if SHOW_BANNER %}<b/>{% endif %}",
    }
    keys = {(f.key, f.sdk) for f in flags_in_memory(files, load_rules(()))}
    assert ("API_TOKENS_ENABLED", "settings") in keys
    assert ("PASSKEYS_ENABLED", "settings") not in keys and ("SHOW_BANNER", "settings") not in keys, keys


def test_a_module_named_settings_something_is_a_settings_module() -> None:
    """LibraryOfCongress/concordia keeps its settings in ``concordia/settings_template.py`` (``settings_dev`` and the
    others star-import it), django-flags' ``FLAGS`` among them: its entries are the flags' definitions. Its
    ``settings_test.py`` configures the tests, and a ``settings_views.py`` would be code."""
    declared = b'FLAGS = {"SHOW_BANNER": [{"condition": "boolean", "value": True}]}\n'
    files = {
        "proj/__init__.py": b"",
        "proj/settings_template.py": declared,
        "proj/settings_dev.py": b"from .settings_template import *  # noqa\n",
        "proj/settings_test.py": declared.replace(b"SHOW_BANNER", b"TEST_BANNER"),
        "proj/settings_views.py": declared.replace(b"SHOW_BANNER", b"VIEW_BANNER"),
        "proj/views.py": b"from flags.state import flag_enabled\n\n\ndef home(request):\n"
                         b"    return flag_enabled('SHOW_BANNER', request=request)\n",
    }
    defined = {f.key: sorted({d.path for d in f.definitions}) for f in flags_in_memory(files, load_rules(()))}
    assert defined == {"SHOW_BANNER": ["proj/settings_template.py"]}, defined



def test_a_method_named_at_run_time_after_a_prefix_is_reached(tmp_path: Path) -> None:
    """grafana/oncall validates each live setting with the method ``getattr(self, check_fn_name)`` finds, the name
    built as ``f"_check_{name.lower()}"``: the FA301 said its ``_check_telegram_webhook_host``, which checks a flag,
    was reached by no entry point. Every method named with that prefix is reached; one without it still is not, nor
    is one a prefix-less name could mean, nor one an f-string names in a function that looks no name up
    (kobotoolbox/kpi's test user ``f"user_{i}"``)."""
    files = {
        "engine/__init__.py": "",
        "engine/validator.py": """\
            from django.conf import settings


            class Validator:
                def get_error(self, name):
                    check_fn_name = f"_check_{name.lower()}"
                    if not hasattr(self, check_fn_name):
                        return getattr(self, f"{name}")()
                    return getattr(self, check_fn_name)()

                def _check_telegram_webhook_host(self):
                    if settings.FEATURE_TELEGRAM_LONG_POLLING_ENABLED:
                        return None
                    return "set the host"

                def _verify_slack(self):
                    if settings.FEATURE_SLACK_ENABLED:
                        return None
                    return "slack"
            """,
        "engine/views.py": """\
            from engine.validator import Validator


            def index(request):
                label = f"_verify_{request.GET['name']}"  # a name, but no function looks it up
                return Validator().get_error(request.GET["name"]) or label
            """,
        "engine/urls.py": """\
            from django.urls import path

            from engine.views import index

            urlpatterns = [path("", index)]
            """,
        "engine/wsgi.py": WSGI,
    }
    assert _codes(_scan(tmp_path, files), "FA301") == [("FEATURE_SLACK_ENABLED", "engine/validator.py")]


def test_a_flag_object_made_in_a_function_is_checked_under_its_sdk(tmp_path: Path) -> None:
    """openedx/platform-plugin-aspects makes its waffle flag in the classmethod that checks it, its key built from
    the sink's model: the check was a site of no SDK, apart from the flag's definition, so the annotation above the
    definition (``toggle_use_cases: open_edx``, a permanent switch) did not type it and FA101 called it stale."""
    write_files(tmp_path, {"sinks/__init__.py": "", "sinks/base_sink.py": textwrap.dedent("""
        import logging

        from edx_toggles.toggles import WaffleFlag

        NAMESPACE = "event_sink_clickhouse"


        class ModelBaseSink:
            model = None

            @classmethod
            def is_enabled(cls):
                # .. toggle_name: event_sink_clickhouse.model.enabled
                # .. toggle_use_cases: open_edx
                waffle_flag = WaffleFlag(f"{NAMESPACE}.{cls.model}.enabled", __name__)
                enabled = waffle_flag.is_enabled()
                if enabled and cls.model is None:
                    logging.warning("no model")
                    enabled = False
                return enabled
    """)})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert [(f.key, f.sdk, [(s.line, s.rule) for s in f.sites], [d.line for d in f.definitions])
            for f in inventory.flags] == [
        ("event_sink_clickhouse.*.enabled", "waffle-flag", [(17, "edx-toggles/WaffleFlag.is_enabled")], [16])]


def test_settings_written_for_operators_to_copy_are_never_constant(tmp_path: Path) -> None:
    """onadata's installation guide has operators copy ``settings/default_settings.py`` (which star-imports
    ``staging_example.py``, which star-imports ``common.py``) to a ``local_settings.py`` git ignores: each
    deployment runs its own copy, and four FA104 said "always on" of switches it sets there."""
    files = {
        "ona/__init__.py": "",
        "ona/settings/__init__.py": "",
        "ona/settings/common.py": "ALLOW_PUBLIC_DATASETS = True\n",
        "ona/settings/production_example.py": "from ona.settings.common import *  # noqa: F403\n\nDEBUG = False\n",
        "ona/projects.py": """\
            from django.conf import settings


            def share(project):
                if getattr(settings, "ALLOW_PUBLIC_DATASETS", True):
                    project.public = True
            """,
        "ona/wsgi.py": WSGI,
    }
    assert _codes(_scan(tmp_path / "copied", files), "FA104") == []
    files["ona/settings/production.py"] = files.pop("ona/settings/production_example.py")
    assert _codes(_scan(tmp_path / "committed", files), "FA104") == [("ALLOW_PUBLIC_DATASETS", "ona/projects.py")]


def test_settings_an_example_is_for_are_never_constant(tmp_path: Path) -> None:
    """taigaio/taiga-back's operators copy ``settings/config.py.prod.example`` to ``settings/config.py``, which git
    ignores and the Docker image writes from its own ``docker/config.py`` (``WEBHOOKS_ENABLED`` from the
    environment, on by default): FA104 said the switch, ``False`` in ``settings/common.py``, was always off, and
    FA302 that the code behind it never ran. A module example configuration is for that the tree holds is one of
    its settings modules like any other."""
    files = {
        "settings/__init__.py": "",
        "settings/common.py": "WEBHOOKS_ENABLED = False\n",
        "settings/config.py.prod.example": "from .common import *\n\nPUBLIC_REGISTER_ENABLED = True\n",
        "taiga/__init__.py": "",
        "taiga/webhooks.py": """\
            from django.conf import settings


            def on_new_history_entry(entry):
                if not settings.WEBHOOKS_ENABLED:
                    return None
                return entry.send()
            """,
        "taiga/wsgi.py": WSGI,
    }
    assert _codes(_scan(tmp_path / "written", files), "FA104") == []
    files["settings/config.py"] = files.pop("settings/config.py.prod.example")
    assert _codes(_scan(tmp_path / "committed", files), "FA104") == [("WEBHOOKS_ENABLED", "taiga/webhooks.py")]


def test_a_settings_module_an_example_without_its_suffix_is_for_is_written_by_each_deployment(
        tmp_path: Path) -> None:
    """TabbycatDebate/tabbycat's settings include ``local.py`` (django-split-settings), which git ignores: operators
    copy ``settings/local.example`` or ``settings/development.example`` (``ENABLE_DEBUG_TOOLBAR = True``) there, so
    ``ENABLE_DEBUG_TOOLBAR = False`` in ``settings/core.py`` is no fixed value (FA104). A ``.env`` example names no
    module."""
    files = {
        "settings/__init__.py": "",
        "settings/core.py": "ENABLE_DEBUG_TOOLBAR = False  # overridden in the development configuration\n",
        "settings/local.example": "DEBUG = False\n",
        "taiga/__init__.py": "",
        "taiga/urls.py": """\
            from django.conf import settings

            urlpatterns = []
            if settings.ENABLE_DEBUG_TOOLBAR:
                urlpatterns.append("__debug__/")
            """,
        "taiga/wsgi.py": WSGI,
    }
    assert _codes(_scan(tmp_path / "written", files), "FA104") == []
    files["settings/env.example"] = files.pop("settings/local.example")
    assert _codes(_scan(tmp_path / "env", files), "FA104") == [("ENABLE_DEBUG_TOOLBAR", "taiga/urls.py")]


def test_a_method_its_class_names_in_a_string_is_reached_with_the_class(tmp_path: Path) -> None:
    """HyphaApp/hypha's ``EmailAdapter.messages`` maps each message type to the name of the method that handles it
    (``MESSAGES.READY_FOR_REVIEW: "handle_ready_for_review"``), and the base class dispatches with ``getattr(self,
    self.messages[kind])``: FA301 said the handler, which checks a setting, was reached by no entry point. A method
    its own class names in a string is reached with the class; one no string names is not."""
    files = {
        "app/__init__.py": "",
        "app/adapters.py": """\
            from django.conf import settings


            class AdapterBase:
                messages = {}

                def process(self, kind, source):
                    return getattr(self, self.messages[kind])(source)


            class EmailAdapter(AdapterBase):
                messages = {"ready": "handle_ready_for_review", "batch": "handle_batch"}

                def handle_ready_for_review(self, source):
                    if settings.FEATURE_REVIEW_MAILS_ENABLED:
                        return source.mail()
                    return None

                def handle_batch(self, sources):
                    return [self.handle_ready_for_review(s) for s in sources]

                def handle_unused(self, source):
                    if settings.FEATURE_DIGEST_ENABLED:
                        return source.digest()
                    return None
            """,
        "app/views.py": """\
            from app.adapters import EmailAdapter


            def index(request):
                return EmailAdapter().process(request.GET["kind"], request)
            """,
        "app/urls.py": """\
            from django.urls import path

            from app.views import index

            urlpatterns = [path("", index)]
            """,
        "app/wsgi.py": WSGI,
    }
    assert _codes(_scan(tmp_path, files), "FA301") == [("FEATURE_DIGEST_ENABLED", "app/adapters.py")]


def test_the_open_edx_plugin_settings_hook_is_given_the_settings_object() -> None:
    """openedx/forum picks its search backend in ``plugin_settings(settings)`` of its settings module, which the
    platform calls with Django's settings: ``getattr(settings, "TYPESENSE_ENABLED", False)`` reads a switch. A
    function of another name, or the hook outside a settings module, is given anything."""
    rules = load_rules(())
    code = b"""def plugin_settings(settings):
    if getattr(settings, "TYPESENSE_ENABLED", False):
        settings.FORUM_SEARCH_BACKEND = "typesense"


def other_settings(settings):
    return getattr(settings, "MEILISEARCH_ENABLED", False)
"""
    files = {"forum/__init__.py": b"", "forum/settings/__init__.py": b"", "forum/settings/common.py": code,
             "forum/hooks.py": code.replace(b"TYPESENSE", b"ELASTIC")}
    found = {f.key: [s.function for s in f.sites] for f in flags_in_memory(files, rules)}
    assert found == {"TYPESENSE_ENABLED": ["forum.settings.common.plugin_settings"]}


def test_behave_hooks_and_steps_are_test_code() -> None:
    """uktrade/fft's browser tests: behave's hooks (``features/environment.py``) and step definitions
    (``features/steps/``) check what the tests run against; a module named ``features`` elsewhere is the project's."""
    rules = load_rules(())
    check = b"from waffle import switch_is_active\n\n\ndef before_feature(context, feature):\n" \
            b"    if switch_is_active('remote_browser'):\n        context.remote = True\n"
    files = {"features/environment.py": check, "features/steps/cells.py": check.replace(b"remote_browser", b"paste"),
             "app/__init__.py": b"", "app/features.py": check.replace(b"remote_browser", b"new_grid")}
    found = {f.key: ([s.path for s in f.sites], [s.path for s in f.test_sites])
             for f in flags_in_memory(files, rules, DEFAULT_TEST_PATHS)}
    assert found == {"new_grid": (["app/features.py"], []), "paste": ([], ["features/steps/cells.py"]),
                     "remote_browser": ([], ["features/environment.py"])}


def test_a_predicate_over_a_boolean_read_is_a_switch() -> None:
    """openedx/enterprise-integrated-channels asks ``is_json_logging_enabled()``, which returns ``getattr(settings,
    "INTEGRATED_CHANNELS_JSON_LOGGING", False)``: a boolean asked as a gate, whatever its name (a predicate over a
    read by name of any value, openedx/edx-drf-extensions' URL, is not: tests/test_stale.py)."""
    rules = load_rules(())
    code = b"""from django.conf import settings


def is_json_logging_enabled():
    return getattr(settings, "INTEGRATED_CHANNELS_JSON_LOGGING", False)


def log(record):
    if is_json_logging_enabled():
        return record
    return None
"""
    assert [f.key for f in flags_in_memory({"channels/logging.py": code}, rules)] == [
        "INTEGRATED_CHANNELS_JSON_LOGGING"]
