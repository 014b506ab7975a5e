"""A client made by a function of the project: ``get_client().get_boolean_value("beta", False)`` in a module that
does not import the SDK is a check when the function returns what the SDK made (directly or through a local),
also when a local holds the client (``client = get_client()``), and is not one when the function returns anything
else (a method of the same name on a settings object)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.repos import write_files
from tests.run import run_cli

CLIENT = '''\
import openfeature.api as openfeature_api


def get_client(domain="app"):
    client = openfeature_api.get_client(domain=domain)
    if domain == "app":
        setup(domain)
    return client


def setup(domain):
    return domain


class Settings:
    def get_boolean_value(self, name, default):
        return default


def get_settings():
    return Settings()
'''

VIEWS = '''\
from app.client import get_client, get_settings


def checkout(request):
    if get_client().get_boolean_value("beta_checkout", False):
        return "new"
    return "old"


def receipt(request):
    return get_settings().get_boolean_value("print_receipts", True)


def refunds(orders):
    client = get_client()
    settings = get_settings()
    for order in orders:
        if client.get_boolean_value("instant_refunds", False):
            order.refund()
        if settings.get_boolean_value("refund_emails", False):
            order.mail()
'''


def test_a_client_returned_by_a_project_function_is_the_sdk_s(tmp_path: Path) -> None:
    write_files(tmp_path, {"app/__init__.py": "", "app/client.py": CLIENT, "app/views.py": VIEWS})
    ran = run_cli("scan", "--format", "json", "--no-cache", str(tmp_path), cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    found = [(flag["key"], flag["sdk"], site["path"], site["line"])
             for flag in json.loads(ran.stdout)["flags"] for site in flag["sites"]]
    assert found == [("beta_checkout", "openfeature", "app/views.py", 5),
                     ("instant_refunds", "openfeature", "app/views.py", 18)]


FLAGSMITH = {
    "app/__init__.py": "",
    "app/clients.py": (
        "from flagsmith import Flagsmith\n\n\n"
        "def get_client(mode) -> Flagsmith:\n    try:\n        client = _clients[mode]\n    except KeyError:\n"
        "        client = _clients[mode] = Flagsmith(environment_key=mode)\n    return client\n\n\n"
        "_clients = {}\n"
        "shared = Flagsmith(environment_key='server')\n"),
    "app/tasks.py": (
        "from app.clients import get_client, shared\n\n\n"
        "def alert(orgs):\n    client = get_client('local')\n    for org in orgs:\n"
        "        if client.get_identity_flags(org.id).is_feature_enabled('api_usage_alerting'):\n"
        "            org.alert()\n\n\n"
        "def charge(org):\n    if shared.get_environment_flags().is_feature_enabled('overage_charges'):\n"
        "        org.charge()\n"),
}


def test_a_method_of_a_client_made_elsewhere_gives_the_sdk_s_objects(tmp_path: Path) -> None:
    """``client.get_identity_flags(...).is_feature_enabled(...)`` with the client a project function made (one
    annotated to return the SDK's class, here), or a module-level client of another module: the flags object comes
    from the SDK's client."""
    write_files(tmp_path, FLAGSMITH)
    ran = run_cli("scan", "--format", "json", "--no-cache", str(tmp_path), cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    found = [(flag["key"], flag["sdk"], site["line"]) for flag in json.loads(ran.stdout)["flags"]
             for site in flag["sites"]]
    assert found == [("api_usage_alerting", "flagsmith", 7), ("overage_charges", "flagsmith", 12)]


def test_the_flags_object_in_a_local_or_from_a_factory_called_in_place(tmp_path: Path) -> None:
    """``flags = client.get_identity_flags(...)`` then ``flags.is_feature_enabled(...)``, and the factory called in
    place (``get_client().get_identity_flags(...)``), are the same checks as the chained call."""
    write_files(tmp_path, {**FLAGSMITH, "app/billing.py": (
        "from app.clients import get_client\n\n\n"
        "def charge(orgs):\n    client = get_client('local')\n    for org in orgs:\n"
        "        flags = client.get_identity_flags(org.id)\n"
        "        if not flags.is_feature_enabled('api_usage_overage_charges'):\n            continue\n"
        "        org.charge()\n\n\n"
        "def limit(org):\n    flags = get_client('local').get_identity_flags(org.id)\n"
        "    return flags.is_feature_enabled('api_limiting')\n\n\n"
        "def block(org):\n"
        "    return get_client('local').get_identity_flags(org.id).is_feature_enabled('api_blocking')\n\n\n"
        "def settings_flag(org, settings):\n    flags = settings.get_identity_flags(org.id)\n"
        "    return flags.is_feature_enabled('not_a_flag')\n")})
    ran = run_cli("scan", "--format", "json", "--no-cache", str(tmp_path), cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    found = [(flag["key"], flag["sdk"], site["path"], site["line"]) for flag in json.loads(ran.stdout)["flags"]
             for site in flag["sites"]]
    assert found == [("api_blocking", "flagsmith", "app/billing.py", 19),
                     ("api_limiting", "flagsmith", "app/billing.py", 15),
                     ("api_usage_alerting", "flagsmith", "app/tasks.py", 7),
                     ("api_usage_overage_charges", "flagsmith", "app/billing.py", 8),
                     ("overage_charges", "flagsmith", "app/tasks.py", 12)]
