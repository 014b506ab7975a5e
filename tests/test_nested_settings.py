"""An entry of a settings dict of dicts read with a boolean default is a switch: taigaio/taiga-back registers each
importer's views only ``if settings.IMPORTERS.get("trello", {}).get("active", False):``, and the settings set
``IMPORTERS = {"trello": {"active": False, "api_key": ""}, ...}``."""

from __future__ import annotations

from tests.helpers import flags_in

PROJECT = {
    "settings/__init__.py": "",
    "settings/common.py": """
        IMPORTERS = {
            "trello": {"active": False, "api_key": ""},
            "jira": {"active": False, "cert": ""},
        }
    """,
    "taiga/__init__.py": "",
    "taiga/routers.py": """
        from django.conf import settings

        router = []

        if settings.IMPORTERS.get("trello", {}).get("active", False):
            router.append("importers/trello")

        if settings.IMPORTERS.get("jira", {}).get("active", False):
            router.append("importers/jira")

        KEY = settings.IMPORTERS.get("trello", {}).get("api_key", "")
        CERT = settings.IMPORTERS.get("jira", {}).get("cert")
        OTHER = config.IMPORTERS.get("jira", {}).get("active", False)
    """,
}


def test_an_entry_of_a_settings_dict_of_dicts_read_with_a_boolean_default_is_a_switch() -> None:
    """Each importer's ``active`` is a settings flag keyed by both entries; a text read with a text default, one read
    with none, and the same read of an object that is no settings object are not."""
    flags = flags_in(PROJECT)
    assert sorted((f.sdk, f.key, [s.line for s in f.sites]) for f in flags) == [
        ("settings", "IMPORTERS['jira']['active']", [9]),
        ("settings", "IMPORTERS['trello']['active']", [6]),
    ]


def test_a_get_of_a_get_spelt_as_attributes_is_no_entry() -> None:
    """``settings.IMPORTERS.get.get(...)`` names no entry of a dict: nothing, and no failure."""
    routers = PROJECT["taiga/routers.py"] + """
        if settings.IMPORTERS.get.get("trello", False):
            router.append("odd")
    """
    flags = flags_in({**PROJECT, "taiga/routers.py": routers})
    assert len(flags) == 2
