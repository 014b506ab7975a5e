"""A project's own settings object: grafana/oncall's ``live_settings = LiveSettingProxy()``, whose ``__getattr__``
reads a row of its ``LiveSetting`` model by the attribute's name, read as ``live_settings.DANGEROUS_WEBHOOKS_ENABLED``.
Its attributes named as switches are settings flags; an object whose ``__getattr__`` reads no setting is none."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flagaudit.scan.project import ScanOptions, scan
from tests.repos import write_files
from tests.run import warm_keys

PROXY = """
    class LiveSettingProxy:
        def __getattr__(self, item):
            from apps.base.models import LiveSetting

            return LiveSetting.get_setting(item)


    class Cached:
        def __getattr__(self, item):
            return self.values[item]


    live_settings = LiveSettingProxy()
    cached = Cached()
"""
PROJECT = {
    "apps/__init__.py": "",
    "apps/base/__init__.py": "",
    "apps/base/models.py": """
        from django.conf import settings
        from django.db import models


        class LiveSetting(models.Model):
            name = models.CharField(max_length=100)
            value = models.JSONField(null=True)

            @classmethod
            def get_setting(cls, name):
                row = cls.objects.filter(name=name).first()
                return row.value if row else getattr(settings, name)
    """,
    "apps/base/utils.py": PROXY,
    "apps/webhooks/__init__.py": "",
    "apps/webhooks/utils.py": """
        from apps.base.utils import cached, live_settings


        def check_url(url):
            if not live_settings.DANGEROUS_WEBHOOKS_ENABLED:
                refuse_private(url)
            if cached.ALLOW_PRIVATE_HOSTS:
                return url
            return url[:live_settings.WEBHOOK_MAX_LENGTH]


        def refuse_private(url):
            return url
    """,
}


def test_an_instance_whose_getattr_reads_a_setting_serves_settings_flags(tmp_path: Path) -> None:
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in PROJECT.items()})
    flags = scan((str(tmp_path),), ScanOptions(use_cache=False)).flags
    assert [(f.key, f.sdk, [(s.path, s.line, s.rule, s.guard) for s in f.sites]) for f in flags] == [
        ("DANGEROUS_WEBHOOKS_ENABLED", "settings",
         [("apps/webhooks/utils.py", 6, "settings/objects.attribute", "if")])]


def test_a_warm_scan_follows_the_object_as_a_cold_one_does(tmp_path: Path) -> None:
    """The object stops reading settings (its ``__getattr__`` reads a dict of its own), then reads them again: each
    warm scan gives what a cold one gives."""
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in PROJECT.items()})
    own = textwrap.dedent(PROXY).replace("return LiveSetting.get_setting(item)", "return self.__dict__[item]")
    assert warm_keys(tmp_path, tmp_path / "apps/base/utils.py", [textwrap.dedent(PROXY), own, textwrap.dedent(PROXY)]) \
        == [["DANGEROUS_WEBHOOKS_ENABLED"], [], ["DANGEROUS_WEBHOOKS_ENABLED"]]
