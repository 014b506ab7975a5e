"""django-constance (kobotoolbox/kpi): the settings' ``CONSTANCE_CONFIG`` declares each value with its default and
help text, and the code reads ``config.NAME``. A switch is an entry whose default is a bool, whatever its name
(``REGISTRATION_OPEN``); a read of any other entry is a setting, not a flag. Its help text describes the flag, and
like a deployment's settings a switch is not stale for its age."""

from __future__ import annotations

import json
from pathlib import Path

from tests.projects import WSGI
from tests.repos import Repo
from tests.run import run_cli

SETTINGS = '''
    import environ

    env = environ.Env()
    INSTALLED_APPS = ["constance", "accounts"]
    CONSTANCE_CONFIG = {
        "REGISTRATION_OPEN": (True, "Allow new users to sign up"),
        "MFA_ENABLED": (True, "Enable two-factor authentication"),
        "EXPOSE_GIT_REV": (False, "Show the git revision to every user"),
        "USAGE_LIMIT_ENFORCEMENT": (env.bool("USAGE_LIMIT_ENFORCEMENT", False), "Block submissions past the plan"),
        "REGISTRATION_ALLOWED_EMAIL_DOMAINS": ("", "Domains whose users may sign up"),
        "SUPPORT_EMAIL": ("help@example.com", "Where users write"),
    }
'''
VIEWS = '''
    from constance import config
    from django.shortcuts import render


    def signup(request):
        if not config.REGISTRATION_OPEN:
            return render(request, "closed.html", {"email": config.SUPPORT_EMAIL})
        return render(request, "signup.html")


    def allowed(email):
        return email.endswith(config.REGISTRATION_ALLOWED_EMAIL_DOMAINS) or not config.USAGE_LIMIT_ENFORCEMENT


    def login(request):
        if config.MFA_ENABLED:
            return render(request, "mfa.html")
        return render(request, "login.html")
'''
URLS = '''
    from django.urls import path

    from accounts import views

    urlpatterns = [path("signup", views.signup), path("login", views.login)]
'''
TEMPLATE = '''
    {% if config.REGISTRATION_OPEN %}<a href="/signup">Sign up</a>{% endif %}
    <p>Write to {{ config.SUPPORT_EMAIL }}</p>
'''


def test_constance_switches_are_flags_and_its_other_values_are_not(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-02-01", "constance switches", {
        "accounts/__init__.py": "", "accounts/settings.py": SETTINGS, "accounts/views.py": VIEWS,
        "accounts/templates/nav.html": TEMPLATE, "accounts/wsgi.py": WSGI, "accounts/urls.py": URLS})
    ran = run_cli("check", "--format", "json", "--no-cache", "--as-of", "2026-06-01", cwd=repo.path)
    assert ran.returncode == 0, ran.stderr
    document = json.loads(ran.stdout)
    flags = {f["key"]: f for f in document["flags"]}
    assert sorted(flags) == ["EXPOSE_GIT_REV", "MFA_ENABLED", "REGISTRATION_OPEN", "USAGE_LIMIT_ENFORCEMENT"]
    assert {f["sdk"] for f in flags.values()} == {"constance"}
    assert [(s["path"], s["line"]) for s in flags["REGISTRATION_OPEN"]["sites"]] == [
        ("accounts/templates/nav.html", 2), ("accounts/views.py", 7)]
    [declared] = flags["MFA_ENABLED"]["definitions"]
    assert (declared["path"], declared["line"], declared["metadata"]["description"]) == (
        "accounts/settings.py", 8, "Enable two-factor authentication")
    assert [(f["code"], f["flag"]) for f in document["findings"]] == [
        ("FA402", "EXPOSE_GIT_REV"), ("FA301", "USAGE_LIMIT_ENFORCEMENT")]  # allowed() is called by nothing


def test_a_value_read_by_a_name_not_known_may_be_any_declared_switch(tmp_path: Path) -> None:
    """kobotoolbox/kpi serves some values to its front end by name (``getattr(constance.config, key) for key in
    SIMPLE_CONFIGS``): each name a literal list holds is read there (``EXPOSE_GIT_REV``, a switch; not
    ``SUPPORT_EMAIL``, a setting), and a read by a name that is not known shows as such a key and may be any
    declared switch: a switch declared and read nowhere else is no unused flag (FA402) then."""
    repo = Repo(tmp_path / "repo")
    served = VIEWS + '''

    PUBLIC = ["EXPOSE_GIT_REV", "SUPPORT_EMAIL"]


    def environment(request):
        return {key.lower(): getattr(config, key) for key in PUBLIC}


    def asked(request):
        return {name: getattr(config, name) for name in request.GET.getlist("names")}
'''
    repo.commit("2024-02-01", "constance switches", {
        "accounts/__init__.py": "", "accounts/settings.py": SETTINGS, "accounts/views.py": served,
        "accounts/wsgi.py": WSGI,
        "accounts/urls.py": URLS.replace('path("login", views.login)', 'path("env", views.environment)')})
    ran = run_cli("scan", "--format", "json", "--no-cache", cwd=repo.path)
    document = json.loads(ran.stdout)
    assert [(f["key"], f["sdk"], [(s["line"], s["expression"]) for s in f["sites"]]) for f in document["flags"]
            if f["key"] in (None, "EXPOSE_GIT_REV", "SUPPORT_EMAIL")] == [
        ("EXPOSE_GIT_REV", "constance", [(26, "key")]), (None, "constance", [(30, "name")])]
    assert [f["code"] for f in document["findings"] if f["code"] == "FA402"] == []


def test_entries_made_by_a_call_and_a_helper_that_reads_any_value_by_name(tmp_path: Path) -> None:
    """nautobot declares ``ConstanceConfigItem(default=False, help_text=..., field_type=bool)`` entries and reads
    them through its own ``get_settings_or_config(name)``, over ``getattr(config, name)``: the helper reads any
    value by its name as the config object does, so only the switches it reads are flags, not the page size."""
    settings = '''
    from collections import namedtuple

    ConstanceConfigItem = namedtuple("ConstanceConfigItem", ["default", "help_text", "field_type"], defaults=[None])
    INSTALLED_APPS = ["constance", "accounts"]
    CONSTANCE_CONFIG = {
        "PREFER_IPV4": ConstanceConfigItem(default=False, help_text="Prefer IPv4 addresses", field_type=bool),
        "PAGINATE_COUNT": ConstanceConfigItem(default=50, help_text="Rows on a page"),
        "BANNER_TOP": ConstanceConfigItem(default="", help_text="A banner above every page"),
    }
'''
    helpers = '''
    from constance import config
    from django.conf import settings


    def get_settings_or_config(variable_name, fallback=None):
        if hasattr(settings, variable_name):
            return getattr(settings, variable_name)
        return getattr(config, variable_name)
'''
    views = '''
    from django.shortcuts import render

    from accounts.helpers import get_settings_or_config


    def devices(request):
        address = "v4" if get_settings_or_config("PREFER_IPV4") else "v6"
        count = get_settings_or_config("PAGINATE_COUNT")
        return render(request, "devices.html", {"address": address, "count": count,
                                                "banner": get_settings_or_config("BANNER_TOP")})
'''
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-02-01", "constance items", {
        "accounts/__init__.py": "", "accounts/settings.py": settings, "accounts/helpers.py": helpers,
        "accounts/views.py": views, "accounts/wsgi.py": WSGI,
        "accounts/urls.py": URLS.replace('path("signup", views.signup), path("login", views.login)',
                                         'path("devices", views.devices)')})
    ran = run_cli("scan", "--format", "json", "--no-cache", cwd=repo.path)
    assert ran.returncode == 0, ran.stderr
    document = json.loads(ran.stdout)
    flags = {f["key"]: f for f in document["flags"]}
    assert sorted(flags) == ["PREFER_IPV4"]
    [declared] = flags["PREFER_IPV4"]["definitions"]
    assert (declared["line"], declared["metadata"]["description"]) == (7, "Prefer IPv4 addresses")
    assert [s["line"] for s in flags["PREFER_IPV4"]["sites"]] == [8]
