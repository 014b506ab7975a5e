"""A setting the settings modules read from the environment as a boolean is a switch wherever the code reads it,
whatever its name: City-of-Helsinki/yjdh's ``UPDATE_COMPANY_FROM_YTJ_ON_SUBMIT = env.bool(...)`` (its docstring calls
it a feature flag), ministryofjustice/cla_backend's ``ALWAYS_SUGGEST_PROVIDER = os.environ.get(..., "False") ==
"True"``, HyphaApp/hypha's nineteen ``env.bool`` settings read as ``if settings.X:``. Django's own settings,
switches for debugging or tests, markers of the environment, a connection's security options and the task queue's
are not the project's flags; nor is a value of another type."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.helpers import flags_in
from tests.repos import write_files
from tests.run import warm_keys, warm_presence

PROJECT = {
    "project/__init__.py": "",
    "project/settings.py": """
        import os

        import environ

        env = environ.Env()

        DEBUG = env.bool("DEBUG", default=False)
        SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
        TESTING = env.bool("TESTING", False)
        UPDATE_COMPANY_FROM_YTJ_ON_SUBMIT = env.bool("UPDATE_COMPANY_FROM_YTJ_ON_SUBMIT", default=False)
        EXCLUDE_2026_EXCEL_FIELDS = env("EXCLUDE_2026_EXCEL_FIELDS", cast=bool, default=True)
        ALWAYS_SUGGEST_PROVIDER = os.environ.get("ALWAYS_SUGGEST_PROVIDER", "False") == "True"
        SIGNUP_LINK = env.str("SIGNUP_LINK", "")
        PAGE_SIZE = int(os.environ.get("PAGE_SIZE", "20"))
        S3_SECURE = env.bool("S3_SECURE", True)
        IS_CI_ENV = env.bool("CI", False)
        CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", False)
        FAKE_METADATA = env.bool("FAKE_METADATA", False)
    """,
    "project/views.py": """
        from django.conf import settings


        def submit(form):
            if settings.UPDATE_COMPANY_FROM_YTJ_ON_SUBMIT:
                form.refresh()
            if getattr(settings, "EXCLUDE_2026_EXCEL_FIELDS", True):
                form.trim()
            if form.valid and settings.ALWAYS_SUGGEST_PROVIDER:
                form.suggest()
            if settings.DEBUG or settings.TESTING or settings.SESSION_COOKIE_SECURE:
                form.log()
            if settings.PAGE_SIZE:
                form.page(settings.PAGE_SIZE)
            if settings.S3_SECURE and not settings.IS_CI_ENV or settings.CELERY_TASK_ALWAYS_EAGER:
                form.upload()
            if settings.FAKE_METADATA:
                form.load_canned_metadata()
            return settings.SIGNUP_LINK
    """,
}


def test_a_setting_read_from_the_environment_as_a_boolean_is_a_switch() -> None:
    flags = flags_in(PROJECT)
    assert sorted((f.sdk, f.key, [(s.path, s.line, s.guard) for s in f.sites]) for f in flags) == [
        ("settings", "ALWAYS_SUGGEST_PROVIDER", [("project/views.py", 10, "if")]),
        ("settings", "EXCLUDE_2026_EXCEL_FIELDS", [("project/views.py", 8, "if")]),
        ("settings", "UPDATE_COMPANY_FROM_YTJ_ON_SUBMIT", [("project/views.py", 6, "if")]),
    ]


def test_a_boolean_read_only_by_tests_settings_or_a_module_that_is_no_settings_module_is_no_switch() -> None:
    """Test settings configure only the tests, and a module not named for settings makes no setting."""
    flags = flags_in({**PROJECT, "project/settings.py": "", "project/test_settings.py": PROJECT["project/settings.py"],
                      "project/helpers.py": PROJECT["project/settings.py"]})
    assert [f.key for f in flags] == []


DICTS = {
    "galaxy/__init__.py": "",
    "galaxy/settings.py": """
        GALAXY_FEATURE_FLAGS = {
            'execution_environments': True,
            'ai_deny_index': False,
        }
        ROLE_BYPASS_ACTION_FLAGS = {'view': 'is_system_auditor'}
    """,
    "galaxy/urls.py": """
        from django.conf import settings

        urlpatterns = []
        if settings.GALAXY_FEATURE_FLAGS['execution_environments']:
            urlpatterns.append("ee")
        if settings.GALAXY_FEATURE_FLAGS.get('ai_deny_index'):
            urlpatterns.append("ai")
        if settings.ROLE_BYPASS_ACTION_FLAGS['view']:
            urlpatterns.append("view")
    """,
}


def test_a_settings_dict_of_booleans_named_as_flags_is_read_as_one() -> None:
    """ansible/galaxy_ng keeps its switches in ``GALAXY_FEATURE_FLAGS = {'ai_deny_index': False, ...}`` and reads
    ``settings.GALAXY_FEATURE_FLAGS['execution_environments']``: a dict of booleans the settings name as a dict of
    flags is a settings dict like ``FEATURES``. One named so whose values are not booleans is not."""
    flags = flags_in(DICTS)
    assert sorted((f.sdk, f.key, [(s.path, s.line, s.guard) for s in f.sites]) for f in flags) == [
        ("settings", "GALAXY_FEATURE_FLAGS['ai_deny_index']", [("galaxy/urls.py", 7, "if")]),
        ("settings", "GALAXY_FEATURE_FLAGS['execution_environments']", [("galaxy/urls.py", 5, "if")]),
    ]


def test_the_switches_of_a_settings_dict_of_values_of_every_kind_are_flags() -> None:
    """wger-project/wger keeps its own options in ``WGER_SETTINGS``, switches (``"ALLOW_REGISTRATION": True``)
    beside texts and numbers, and reads ``settings.WGER_SETTINGS["ALLOW_REGISTRATION"]``: the entries named as
    switches and set to a bool are flags, the others (read the same way) are not."""
    flags = flags_in({
        "wger/__init__.py": "",
        "wger/settings.py": """
            WGER_SETTINGS = {
                "ALLOW_REGISTRATION": True,
                "TROPHIES_ENABLED": False,
                "EMAIL_FROM": "wger <wger@example.com>",
                "EXERCISE_CACHE_TTL": 4 * 604800,
                "TWITTER": False,
            }
        """,
        "wger/views.py": """
            from django.conf import settings


            def register(request):
                if not settings.WGER_SETTINGS["ALLOW_REGISTRATION"]:
                    return "closed"
                if settings.WGER_SETTINGS["EXERCISE_CACHE_TTL"] and settings.WGER_SETTINGS.get("TWITTER"):
                    return settings.WGER_SETTINGS["EMAIL_FROM"]
                return "open" if settings.WGER_SETTINGS.get("TROPHIES_ENABLED") else "plain"
        """,
    })
    assert sorted((f.key, [s.line for s in f.sites]) for f in flags) == [
        ("WGER_SETTINGS['ALLOW_REGISTRATION']", [6]), ("WGER_SETTINGS['TROPHIES_ENABLED']", [10])]


def test_a_warm_scan_follows_a_dict_of_flags_as_a_cold_one_does(tmp_path: Path) -> None:
    """The dict stops holding booleans only, then holds them again: each warm scan gives what a cold one gives."""
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in DICTS.items()})
    flags = textwrap.dedent(DICTS["galaxy/settings.py"])
    texts = flags.replace("'ai_deny_index': False", "'ai_deny_index': 'no'")
    assert warm_keys(tmp_path, tmp_path / "galaxy/settings.py", [flags, texts, flags]) == [
        ["GALAXY_FEATURE_FLAGS['ai_deny_index']", "GALAXY_FEATURE_FLAGS['execution_environments']"], [],
        ["GALAXY_FEATURE_FLAGS['ai_deny_index']", "GALAXY_FEATURE_FLAGS['execution_environments']"]]


def test_a_warm_scan_follows_a_boolean_read_from_the_environment_as_a_cold_one_does(tmp_path: Path) -> None:
    """The setting is read as a text, then as a boolean again: the inference reads the settings' values, so each
    warm scan gives what a cold one gives."""
    assert warm_presence(tmp_path, PROJECT, "project/settings.py", 'env.bool("UPDATE_COMPANY_FROM_YTJ_ON_SUBMIT"',
                         'env.str("UPDATE_COMPANY_FROM_YTJ_ON_SUBMIT"', "UPDATE_COMPANY_FROM_YTJ_ON_SUBMIT") \
        == [True, False, True]
