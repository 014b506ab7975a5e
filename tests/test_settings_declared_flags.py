"""django-flags declares every flag in the settings' ``FLAGS`` dict (cfpb/cfgov-refresh): each entry is a
definition, with its conditions and the comment above it as its description. A flag declared and never checked
is FA402; one checked and never declared is no FA401, since django-flags' default sources also read flags made in
the admin. A comment that says the flag is for an outage, or conditions that turn it on by environment, type it as
a switch that stays."""

from __future__ import annotations

import json
from pathlib import Path

from tests.projects import WSGI
from tests.repos import Repo
from tests.run import run_cli

SETTINGS = '''
    INSTALLED_APPS = ["flags", "site"]

    FLAGS = {
        # Used to hide the new trends pages prior to public launch
        "TRENDS_PAGES": [],
        # During a Salesforce system outage, the following flag should be enabled
        # to alert users that the survey is down.
        "SURVEY_OUTAGE": [{"condition": "boolean", "value": False}],
        # Ping the search engine on publication, in production only
        "PING_ON_PUBLISH": [("environment is", "production")],
        # Page titles as H1s instead of H2s
        "TITLES_AS_H1": [],
    }
'''
VIEWS = '''
    from django.shortcuts import render
    from flags.state import flag_enabled


    def trends(request):
        if flag_enabled("TRENDS_PAGES", request=request):
            return render(request, "trends.html")
        return render(request, "home.html")


    def survey(request):
        outage = flag_enabled("SURVEY_OUTAGE", request=request)
        return render(request, "survey.html", {"outage": outage})


    def publish(page):
        if flag_enabled("PING_ON_PUBLISH"):
            page.ping()
        if flag_enabled("UNDECLARED_FLAG"):
            page.announce()
'''


def _findings(tmp_path: Path) -> dict[tuple[str, str | None], dict]:
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-02-01", "flags in the settings", {
        "site/__init__.py": "", "site/settings.py": SETTINGS, "site/views.py": VIEWS, "site/wsgi.py": WSGI})
    result = run_cli("check", "--format", "json", "--no-cache", "--as-of", "2026-06-01", cwd=repo.path)
    assert result.returncode == 0, result.stdout + result.stderr
    return {(f["code"], f["flag"]): f for f in json.loads(result.stdout)["findings"]}


def test_each_entry_of_the_settings_flags_is_a_definition(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-02-01", "flags in the settings", {"site/__init__.py": "", "site/settings.py": SETTINGS})
    inventory = json.loads(run_cli("scan", "--format", "json", "--no-cache", cwd=repo.path).stdout)
    found = {f["key"]: f["definitions"] for f in inventory["flags"]}
    assert sorted(found) == ["PING_ON_PUBLISH", "SURVEY_OUTAGE", "TITLES_AS_H1", "TRENDS_PAGES"]
    [trends] = found["TRENDS_PAGES"]
    assert (trends["path"], trends["line"], trends["rule"]) == ("site/settings.py", 6, "django-flags/settings-flags")
    assert trends["metadata"]["description"] == "Used to hide the new trends pages prior to public launch"
    assert found["PING_ON_PUBLISH"][0]["metadata"]["conditions"] == '[("environment is", "production")]'


def test_declared_and_checked_flags_are_judged_by_the_declaration(tmp_path: Path) -> None:
    findings = _findings(tmp_path)
    assert ("FA402", "TITLES_AS_H1") in findings  # declared, checked nowhere
    assert ("FA401", "UNDECLARED_FLAG") not in findings  # its default sources read flags the admin made too
    stale = sorted(flag for code, flag in findings if code == "FA101")
    assert stale == ["TITLES_AS_H1", "TRENDS_PAGES", "UNDECLARED_FLAG"]  # the outage banner and the ping stay


def test_a_flags_dict_outside_the_settings_declares_nothing(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-02-01", "a dict named FLAGS in a view", {
        "site/__init__.py": "", "site/views.py": 'FLAGS = {"COLOURS": ["blue"]}\n'})
    inventory = json.loads(run_cli("scan", "--format", "json", "--no-cache", cwd=repo.path).stdout)
    assert inventory["flags"] == []


def test_remove_deletes_the_declaration_with_the_comment_above_it(tmp_path: Path) -> None:
    """The report sends a flag declared and never checked to ``flagaudit remove``, which deleted nothing: the
    entry's line is inside the ``FLAGS`` statement. The entry goes now, with the comment that describes it and
    not the next entry's."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-02-01", "flags in the settings", {
        "site/__init__.py": "", "site/settings.py": SETTINGS, "site/views.py": VIEWS, "site/wsgi.py": WSGI})
    result = run_cli("remove", "TITLES_AS_H1", "--as", "off", "--write", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    settings = (repo.path / "site/settings.py").read_text()
    assert "TITLES_AS_H1" not in settings and "H1s" not in settings
    assert settings.endswith('    "PING_ON_PUBLISH": [("environment is", "production")],\n}\n')
    result = run_cli("remove", "SURVEY_OUTAGE", "--as", "off", "--write", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    settings = (repo.path / "site/settings.py").read_text()
    assert "Salesforce" not in settings and "# Ping the search engine" in settings


CONSTANT_KEYS = '''
    from site.names import BETA_EXPORT

    INSTALLED_APPS = ["flags", "site"]
    ANALYTICS_FEATURE_FLAG_NAME = "FEATURE_ANALYTICS_ENABLED"

    FLAGS = {
        ANALYTICS_FEATURE_FLAG_NAME: [{"condition": "boolean", "value": False}],
        BETA_EXPORT: [],
        "TITLES_AS_H1": [],
    }
'''


def test_a_declared_key_may_be_a_constant(tmp_path: Path) -> None:
    """ansible/eda-server declares ``FLAGS = {ANALYTICS_FEATURE_FLAG_NAME: [...]}`` with the name set just above:
    the entry was no definition, so once its checks went through a module the scan cannot follow, history said
    the flag was retired while it was still declared."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-02-01", "flags named by constants", {
        "site/__init__.py": "", "site/names.py": 'BETA_EXPORT = "BETA_EXPORT"\n', "site/settings.py": CONSTANT_KEYS})
    inventory = json.loads(run_cli("scan", "--format", "json", "--no-cache", cwd=repo.path).stdout)
    found = {f["key"]: [(d["path"], d["line"], d["expression"]) for d in f["definitions"]] for f in inventory["flags"]}
    assert found == {"FEATURE_ANALYTICS_ENABLED": [("site/settings.py", 8, "ANALYTICS_FEATURE_FLAG_NAME")],
                     "BETA_EXPORT": [("site/settings.py", 9, "BETA_EXPORT")],
                     "TITLES_AS_H1": [("site/settings.py", 10, "'TITLES_AS_H1'")]}


def test_remove_leaves_an_entry_declared_through_a_constant_to_a_person(tmp_path: Path) -> None:
    """The cleanup deletes entries by their literal key; one named by a constant is refused, never left behind
    unsaid."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-02-01", "flags named by constants", {
        "site/__init__.py": "", "site/names.py": 'BETA_EXPORT = "BETA_EXPORT"\n', "site/settings.py": CONSTANT_KEYS,
        "site/wsgi.py": WSGI})
    result = run_cli("remove", "FEATURE_ANALYTICS_ENABLED", "--as", "off", cwd=repo.path)
    assert result.returncode == 1 and result.stdout == ""
    assert ("site/settings.py:8: the key is declared through a constant (ANALYTICS_FEATURE_FLAG_NAME): remove that "
            "entry by hand") in result.stderr
