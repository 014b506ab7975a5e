"""A setting the settings modules give a literal that holds no boolean is a value, whatever its name says:
uktrade/data-workspace-frontend's ``DATASET_CHANGELOG_PAGE_FLAG = "DATASET_CHANGELOG_PAGE"`` names a waffle flag (the
flag is waffle's, read through it), ansible/awx's ``AWX_ISOLATION_SHOW_PATHS = []`` lists paths."""

from __future__ import annotations

from tests.helpers import flags_in

PROJECT = {
    "project/__init__.py": "",
    "project/settings/__init__.py": "",
    "project/settings/base.py": """
        import os

        DATASET_CHANGELOG_PAGE_FLAG = "DATASET_CHANGELOG_PAGE"
        AWX_ISOLATION_SHOW_PATHS = []
        SHOW_BANNER = False
        USE_CACHE = 1
        ENABLE_EXPORTS = ""
        ALLOW_UPLOADS_FROM = ("a", "b")
    """,
    "project/settings/production.py": """
        import os

        from project.settings.base import *

        ENABLE_EXPORTS = os.environ.get("ENABLE_EXPORTS", "")
    """,
    "project/views.py": """
        import waffle
        from django.conf import settings


        def dataset(request, ctx, job):
            if waffle.flag_is_active(request, settings.DATASET_CHANGELOG_PAGE_FLAG):
                ctx["log"] = True
            ctx["DATASET_CHANGELOG_PAGE_FLAG"] = settings.DATASET_CHANGELOG_PAGE_FLAG
            for path in settings.AWX_ISOLATION_SHOW_PATHS:
                job.show(path)
            if settings.SHOW_BANNER:
                ctx["banner"] = True
            if settings.USE_CACHE:
                ctx["cached"] = True
            if settings.ENABLE_EXPORTS:
                ctx["exports"] = True
            if request.host in settings.ALLOW_UPLOADS_FROM:
                ctx["upload"] = True
            return ctx
    """,
}


def test_a_setting_given_a_text_list_or_number_is_no_flag() -> None:
    """The waffle flag a setting names is the flag, and the setting's own reads are none; a list, a tuple and a text
    are values. A boolean, 0 or 1 (old code's booleans), and a value one settings module reads from the environment
    leave a switch's reads switches."""
    flags = flags_in(PROJECT)
    assert sorted((f.sdk, f.key, [s.line for s in f.sites]) for f in flags) == [
        ("settings", "ENABLE_EXPORTS", [16]),
        ("settings", "SHOW_BANNER", [12]),
        ("settings", "USE_CACHE", [14]),
        ("waffle-flag", "DATASET_CHANGELOG_PAGE", [7]),
    ]


def test_outside_the_settings_modules_a_literal_says_nothing() -> None:
    """A module of code that sets a constant of the same name is no settings module: the names the settings modules
    leave unset keep their reads."""
    views = PROJECT["project/views.py"]
    flags = flags_in({"project/__init__.py": "", "project/views.py": views,
                      "project/constants.py": 'SHOW_BANNER = "yes"\nAWX_ISOLATION_SHOW_PATHS = []\n'})
    assert "AWX_ISOLATION_SHOW_PATHS" in {f.key for f in flags}
