"""A settings module that reads its own feature dictionary by its bare name (``if FEATURES.get("X"):`` in
``settings.py``, which schedules a task or installs an app) checks the flag Django's settings object holds:
a site of ``FEATURES['X']``, as ``settings.FEATURES.get("X")`` elsewhere is."""

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
}


def test_a_settings_module_reading_its_own_feature_dict_checks_the_flag(tmp_path: Path) -> None:
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in PROJECT.items()})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    sites = sorted((flag.key, site.path, site.line) for flag in inventory.flags for site in flag.sites)
    assert sites == [("FEATURES['ALT_SHEETS']", "shop/settings/base.py", 5),
                     ("FEATURES['ENABLE_CORS']", "shop/settings/production.py", 5)]
