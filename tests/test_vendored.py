"""Copies of other projects kept in the tree are not the project's: mozilla/firefox-flicks keeps djcelery and
billiard under ``vendor-local/lib/python/``, and their settings (``CELERY_ENABLE_UTC``) were inventoried as its flags.
A project's own app named ``vendor`` is its own, and so are its settings for the services it uses
(freelawproject/courtlistener's ``cl/settings/third_party/``)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.repos import Repo
from tests.run import run_cli

LIBRARY = """
    from django.conf import settings


    def now():
        if getattr(settings, "CELERY_ENABLE_UTC", False):
            return "utc"
        return "local"
"""
FILES = {
    "vendor-local/lib/python/djcelery/__init__.py": "",
    "vendor-local/lib/python/djcelery/loaders.py": LIBRARY,
    "vendor/src/billiard/billiard/clock.py": LIBRARY,
    "shop/__init__.py": "",
    "shop/vendor/__init__.py": "",
    "shop/settings/third_party/switches.py": """
        from django.conf import settings


        def payments_enabled():
            return getattr(settings, "PAYMENTS_ENABLED", False)
    """,
    "shop/vendor/views.py": """
        import waffle


        def payouts(request):
            if waffle.flag_is_active(request, "vendor-payouts"):
                return "new"
            return "old"
    """,
}


def test_vendored_copies_are_not_scanned_nor_read_in_history(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-01-10", "a shop with its libraries kept in the tree", FILES)
    for command in ("scan", "history"):
        ran = run_cli(command, "--format", "json", "--no-cache", cwd=repo.path)
        assert ran.returncode == 0, ran.stderr
        found = json.loads(ran.stdout)
        keys = {f["key"] for f in found["flags"]} if command == "scan" else {t["key"] for t in found["timelines"]}
        assert keys == {"PAYMENTS_ENABLED", "vendor-payouts"}, command
