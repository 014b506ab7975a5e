"""Django's settings read under another name, or with a default the code computes, are still read.

mitodl/mit-learn imports ``from django.conf import settings as django_settings`` (its own ``main.settings`` is
``settings`` there) and checks ``django_settings.QDRANT_ENABLE_INDEXING_PLUGIN_HOOKS``; paperless-ngx asks
``getattr(settings, "SOCIALACCOUNT_ALLOW_SIGNUPS", allow_signups)``, its default a variable (mozilla/moztrap's
``not settings.DEBUG``, a variable's negation, is as good). Both are switches
read as gates, and both were missed: the byte-level filters looked for ``settings.`` after a word boundary and
for a literal default. The project's own settings module read as ``settings.X`` stays no flag of Django's. The
override that returns the setting becomes a helper of it, and its ``super().is_open_for_signup(...)`` calls the
parent class's method, not the helper: no site there.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from flagaudit.scan.project import ScanOptions, scan
from tests.repos import write_files

PROJECT = {
    "main/__init__.py": "",
    "main/settings.py": "SEARCH_ENABLE_HOOKS = True\nTIMEOUT = 30\n",
    "learning/__init__.py": "",
    "learning/plugins.py": """
        from django.conf import settings as django_settings

        from main import settings


        def on_save(resource):
            if django_settings.QDRANT_ENABLE_INDEXING_PLUGIN_HOOKS:
                resource.index()
            if settings.SEARCH_ENABLE_HOOKS:
                resource.notify()
    """,
    "accounts/__init__.py": "",
    "accounts/adapter.py": """
        from django.conf import settings


        class SocialAccountAdapter:
            def is_open_for_signup(self, request, sociallogin):
                allow_signups = super().is_open_for_signup(request, sociallogin)
                return getattr(settings, "SOCIALACCOUNT_ALLOW_SIGNUPS", allow_signups)

            def timeout(self, fallback):
                return getattr(settings, "SOCIAL_TIMEOUT", fallback)

            def hosts(self):
                return getattr(settings, "ALLOW_HOSTS_LIST", ["localhost"])

            def analytics(self):
                return getattr(settings, "USE_GOOGLE_ANALYTICS", not settings.DEBUG)
    """,
}


def test_an_alias_of_django_settings_and_a_computed_default_are_read(tmp_path: Path) -> None:
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in PROJECT.items()})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert sorted((f.key, f.sdk, [(s.path, s.line) for s in f.sites]) for f in inventory.flags) == [
        ("QDRANT_ENABLE_INDEXING_PLUGIN_HOOKS", "settings", [("learning/plugins.py", 8)]),
        ("SOCIALACCOUNT_ALLOW_SIGNUPS", "settings", [("accounts/adapter.py", 8)]),
        ("USE_GOOGLE_ANALYTICS", "settings", [("accounts/adapter.py", 17)]),
    ]
