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
