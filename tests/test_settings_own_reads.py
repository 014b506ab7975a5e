"""A settings module that reads its own feature dictionary by its bare name (``if FEATURES.get("X"):`` in
``settings.py``, which schedules a task or installs an app), or a module that imports the settings module itself
(``from shop import settings``), checks the flag Django's settings object holds: a site of ``FEATURES['X']``, as
``django.conf.settings.FEATURES.get("X")`` is."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flagaudit.scan.project import ScanOptions, scan
from tests.repos import write_files

PROJECT = {
    "shop/__init__.py": "",
    "shop/settings/__init__.py": "",
    "shop/settings/base.py": """
        FEATURES = {"ALT_SHEETS": False}

        CELERY_BEAT_SCHEDULE = {}
        if FEATURES.get("ALT_SHEETS"):
            CELERY_BEAT_SCHEDULE["sheets"] = "sheets.tasks.process"
    """,
    "shop/settings/production.py": """
        from shop.settings.base import *

        FEATURES["ENABLE_CORS"] = True
        if FEATURES["ENABLE_CORS"]:
            INSTALLED_APPS = ["corsheaders"]
    """,
    "shop/settings/test_settings.py": """
        from shop.settings.base import *

        if FEATURES.get("ONLY_IN_TESTS"):
            pass
    """,
    "shop/views.py": """
        FEATURES = {"NOT_SETTINGS": True}


        def view(request):
            return FEATURES.get("NOT_SETTINGS")
    """,
    "shop/urls.py": """
        from shop import settings

        urlpatterns = []
        if settings.FEATURES.get("PRESIDENTIAL_MAP"):
            urlpatterns.append("map/")
        if getattr(settings, "ENABLE_DEBUG_TOOLBAR", False):
            urlpatterns.append("__debug__/")
    """,
}


def test_a_settings_module_read_by_its_own_name_holds_the_flags(tmp_path: Path) -> None:
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in PROJECT.items()})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    sites = sorted((flag.key, site.path, site.line) for flag in inventory.flags for site in flag.sites)
    assert sites == [("ENABLE_DEBUG_TOOLBAR", "shop/urls.py", 7),
                     ("FEATURES['ALT_SHEETS']", "shop/settings/base.py", 5),
                     ("FEATURES['ENABLE_CORS']", "shop/settings/production.py", 5),
                     ("FEATURES['PRESIDENTIAL_MAP']", "shop/urls.py", 5)]


SWITCHES = {
    "engine/__init__.py": "",
    "engine/settings/__init__.py": "",
    "engine/settings/base.py": """
        import os

        ESCALATION_AUDITOR_ENABLED = os.getenv("ESCALATION_AUDITOR_ENABLED", "true") == "true"
        FEATURE_MULTIREGION_ENABLED = False
        START_SYNC_ENABLED = True
        DEBUG = False
        USE_TZ = True
        MODE = "plain"

        CELERY_BEAT_SCHEDULE = {}
        if ESCALATION_AUDITOR_ENABLED:
            CELERY_BEAT_SCHEDULE["check_escalations"] = "apps.alerts.tasks.check"
        if FEATURE_MULTIREGION_ENABLED and not START_SYNC_ENABLED:
            CELERY_BEAT_SCHEDULE["sync"] = "apps.chatops.tasks.sync"
        if DEBUG or USE_TZ:
            CELERY_BEAT_SCHEDULE["debug"] = "apps.debug.tasks.dump"
        if MODE == "plain" or FEATURE_MULTIREGION_ENABLED == 1:
            CELERY_BEAT_SCHEDULE["plain"] = "apps.plain.tasks.run"
        STORAGE = "s3" if ESCALATION_AUDITOR_ENABLED else "disk"
    """,
    "engine/tasks.py": """
        ENABLE_LOCAL = True

        if ENABLE_LOCAL:
            pass
    """,
}


def test_a_switch_a_settings_module_tests_by_its_bare_name_is_checked_there(tmp_path: Path) -> None:
    """grafana/oncall's ``if ESCALATION_AUDITOR_ENABLED:`` in its settings adds the auditor's beat task, the switch's
    only check: a site of the settings flag, as ``settings.ESCALATION_AUDITOR_ENABLED`` would be. Only names said as
    switches (not ``DEBUG``, nor Django's ``USE_TZ``), taken as they are (not compared), in a settings module."""
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in SWITCHES.items()})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    sites = sorted((flag.key, flag.sdk, site.line, site.guard) for flag in inventory.flags for site in flag.sites)
    assert sites == [("ESCALATION_AUDITOR_ENABLED", "settings", 12, "if"),
                     ("ESCALATION_AUDITOR_ENABLED", "settings", 20, "ternary"),
                     ("FEATURE_MULTIREGION_ENABLED", "settings", 14, "if"),
                     ("START_SYNC_ENABLED", "settings", 14, "if")]
