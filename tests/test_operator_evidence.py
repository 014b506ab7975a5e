"""What says a flag is deployment configuration rather than a rollout, and what says it is temporary: the
project's documentation (a README listing the switches operators set), Open edX use cases, and a comment above a
site that calls the change temporary. Real git repositories, judged by the gate as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from flagaudit.documentation import documented_keys, documented_where
from tests.projects import WSGI
from tests.repos import Repo, write_files
from tests.run import run_cli

SWITCHES = {
    "reports/__init__.py": "",
    "reports/views.py": """
        from waffle import switch_is_active


        def course_page(request, course):
            if switch_is_active("enable_course_api"):
                return course.from_api()
            return course.from_database()


        def engagement(request, course):
            if switch_is_active("show_forum_activity"):
                return course.forum_activity()
            return None
    """,
}
README = """# Reports

Operators turn switches on with `./manage.py waffle_switch NAME on --create`.

| Switch              | Purpose                                  |
|---------------------|------------------------------------------|
| enable_course_api   | Read course details from the course API  |
"""


def _check(repo: Repo, as_of: str = "2026-06-01") -> list[dict]:
    result = run_cli("check", "--format", "json", "--no-cache", "--as-of", as_of, cwd=repo.path)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def _stale(findings: list[dict]) -> dict[str | None, dict]:
    return {f["flag"]: f for f in findings if f["code"] == "FA101"}


def test_a_switch_the_readme_lists_for_operators_is_not_stale(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-02-01", "switches", {**SWITCHES, "README.md": README})
    stale = _stale(_check(repo))
    assert sorted(stale) == ["show_forum_activity"]  # the undocumented one still explains its type
    assert ("note", "type release (40 days)", "from default") in [
        (e["kind"], e["value"], e["detail"]) for e in stale["show_forum_activity"]["evidence"]]


def test_the_gate_judges_by_the_documentation_as_its_scan_read_it(tmp_path: Path) -> None:
    """One reading of the documentation serves the scan and the policies, in every run: a README edited between
    two runs in one process (the scan's kept result reused or not) is what the second run judges by."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-02-01", "switches", SWITCHES)

    def stale() -> list[str | None]:
        result = run_cli("check", "--format", "json", "--as-of", "2026-06-01", cwd=repo.path)
        assert result.returncode in (0, 1), result.stderr
        return sorted(_stale(json.loads(result.stdout)["findings"]))

    assert stale() == ["enable_course_api", "show_forum_activity"]
    write_files(repo.path, {"README.md": README})
    assert stale() == ["show_forum_activity"]


def test_documentation_that_calls_a_switch_temporary_declares_nothing(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-02-01", "switches", {
        **SWITCHES, "README.md": README,
        "docs/rollout.rst": "Rollout\n=======\n\n``show_forum_activity`` is temporary: remove it after the launch.\n",
        "CHANGELOG.rst": "* enable_course_api and show_forum_activity added\n",
        "docs/decisions/0001-forum.rst": "We add show_forum_activity behind a switch.\n"})
    assert sorted(_stale(_check(repo))) == ["show_forum_activity"]


def test_only_user_documentation_counts(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "README.rst": "Set ``ENABLE_REMINDERS`` in your settings.\n",
        "CHANGES.md": "- new switch changelog_only_key\n",
        "docs/ops/settings.md": "| `reports.use_v2` | |\n| old_switch | deprecated, removed in 2.0 |\n",
        "docs/decisions/0002.md": "adr_only_key\n",
        "docs/developer/README.md": "We are currently testing `dns_hosting`: enable the flag to try it.\n",
        "notes/other.md": "elsewhere_key\n",
    })
    documented = documented_keys(tmp_path)
    assert documented_where("ENABLE_REMINDERS", documented) == "README.rst:1"
    assert documented_where("FEATURES['ENABLE_REMINDERS']", documented) == "README.rst:1"
    assert documented_where("reports.use_v2", documented) == "docs/ops/settings.md:1"
    for key in ("changelog_only_key", "old_switch", "adr_only_key", "elsewhere_key", "dns_hosting"):
        assert documented_where(key, documented) is None


def test_one_word_set_as_code_is_a_name_and_in_prose_is_not(tmp_path: Path) -> None:
    write_files(tmp_path, {"README.md": "Phone features are protected by a waffle flag `phones`; see the phones "
                                        "guide and ``voice``.\n"})
    documented = documented_keys(tmp_path)
    assert documented_where("phones", documented) == "README.md:1"
    assert documented_where("voice", documented) == "README.md:1"
    assert documented_where("guide", documented) is None


def test_a_call_in_a_code_example_documents_nothing(tmp_path: Path) -> None:
    """mozilla/fx-private-relay's guide to its flags shows how the frontend asks for one, with a real key: the
    example is not a list of what operators set, so that key's FA101 stays. A command or an assignment in a code
    block still names a setting."""
    write_files(tmp_path, {"docs/feature_flags.md": (
        "# Feature flags\n\nTurn one on:\n\n```shell\n./manage.py waffle_switch enable_course_api on\n"
        "ENABLE_REMINDERS = True\n```\n\nIn the frontend:\n\n```\nimport { isFlagActive } from './waffle';\n"
        "if isFlagActive(runtimeData.data, \"tracker_removal\") {\n}\n```\n\n"
        "After the block: `show_forum_activity`.\n")})
    documented = documented_keys(tmp_path)
    assert documented_where("enable_course_api", documented) == "docs/feature_flags.md:6"
    assert documented_where("ENABLE_REMINDERS", documented) == "docs/feature_flags.md:7"
    assert documented_where("tracker_removal", documented) is None
    assert documented_where("show_forum_activity", documented) == "docs/feature_flags.md:18"


def test_a_to_do_to_retire_the_flag_declares_it_temporary(tmp_path: Path) -> None:
    """A comment above the site that asks for the flag to go (fx-private-relay's ``TODO MPP-4465: Retire
    tracker_removal flag as enabled``) types it a release, nearer the code than a README that lists it."""
    repo = Repo(tmp_path / "repo")
    views = SWITCHES["reports/views.py"].replace(
        '            if switch_is_active("enable_course_api"):',
        '            # TODO MPP-4465: Retire enable_course_api flag as enabled\n'
        '            if switch_is_active("enable_course_api"):')
    repo.commit("2024-02-01", "switches", {**SWITCHES, "reports/views.py": views, "README.md": README})
    stale = _stale(_check(repo))
    assert sorted(stale) == ["enable_course_api", "show_forum_activity"]
    [note] = [e for e in stale["enable_course_api"]["evidence"] if e["kind"] == "note"]
    assert note["detail"] == ("from comment at reports/views.py:7: "
                              "'TODO MPP-4465: Retire enable_course_api flag as enabled'")


def test_documentation_outside_the_project_is_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_files(outside, {"README.md": "| leaked_switch | |\n", "guide.md": "| leaked_doc_switch | |\n"})
    project = tmp_path / "project"
    project.mkdir()
    (project / "README.md").symlink_to(outside / "README.md")
    (project / "docs").symlink_to(outside, target_is_directory=True)
    assert documented_keys(project) == {}


SETTINGS_FLAGS = {
    "partner/__init__.py": "",
    "partner/settings/__init__.py": "",
    "partner/settings/base.py": """
        FEATURES = {"ENABLE_MOBILE": False, "ENABLE_PEER_GRADING": False}
        ENABLE_REMINDERS = True
        ENABLE_NEW_EXPORT = False
    """,
    "partner/settings/production.py": "from partner.settings.base import *  # noqa\n",
    "partner/wsgi.py": WSGI,
    "partner/urls.py": """
        from django.conf import settings

        urlpatterns = []

        # This is a temporary switch while the old channel endpoints move to the new app
        if getattr(settings, "ENABLE_LEGACY_CHANNELS", True):
            urlpatterns += ["legacy/"]
    """,
    "partner/features.py": """
        from django.conf import settings


        def mobile_enabled():
            # .. toggle_name: FEATURES['ENABLE_MOBILE']
            # .. toggle_default: False
            # .. toggle_use_cases: open_edx
            return settings.FEATURES.get("ENABLE_MOBILE", False)


        def peer_grading_enabled(block):
            # .. toggle_name: FEATURES['ENABLE_PEER_GRADING']
            # .. toggle_default: False
            # .. toggle_use_cases: open_edx
            return block.is_enabled("peer_grading")


        def send_reminders(user):
            if getattr(settings, "ENABLE_REMINDERS", False):
                return user.remind()
            return None


        def deactivate(policy):
            # The setting lets operators bypass this validation (for temporary use only)
            if getattr(settings, "ALLOW_DEACTIVATION_WITH_SPEND", False):
                return None
            return policy.validate()


        def export(course):
            if getattr(settings, "ENABLE_NEW_EXPORT", False):
                return course.new_export()
            return course.export()
    """,
    "partner/grading.py": """
        from django.conf import settings


        def grading_strategy(workflow):
            if not settings.FEATURES.get("ENABLE_PEER_GRADING", False):
                return "median"
            return workflow.strategy
    """,
    "docs/reminders.rst": "Reminders\n=========\n\nSet ``ENABLE_REMINDERS`` to ``True`` in your Django settings.\n",
}


def test_a_settings_flag_a_comment_calls_temporary_goes_stale(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-10-17", "settings flags", SETTINGS_FLAGS)
    stale = _stale(_check(repo))
    # the other settings flags are deployment configuration, the escape hatch one uses "for temporary use" too
    assert sorted(stale) == ["ENABLE_LEGACY_CHANNELS"]
    [note] = [e for e in stale["ENABLE_LEGACY_CHANNELS"]["evidence"] if e["kind"] == "note"]
    assert note["value"] == "type release (40 days)"
    assert note["detail"].startswith("from comment at partner/urls.py:7: 'This is a temporary switch")


def test_settings_operators_set_are_not_constant(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-10-17", "settings flags", SETTINGS_FLAGS)
    constant = sorted(f["flag"] for f in _check(repo) if f["code"] == "FA104")
    assert constant == ["ENABLE_NEW_EXPORT"]  # neither declared an operator's choice nor documented
    # the annotation that declares the peer grading feature an operator's choice sits above a helper, not a site
    inventory = json.loads(run_cli("scan", "--format", "json", "--no-cache", cwd=repo.path).stdout)
    [peer] = [f for f in inventory["flags"] if f["key"] == "FEATURES['ENABLE_PEER_GRADING']"]
    documented = [(d["path"], d["line"], d["action"]) for d in peer["definitions"]]
    assert documented == [("partner/features.py", 16, "annotate")]


def test_a_setting_an_example_configuration_sets_is_an_operators(tmp_path: Path) -> None:
    """taigaio/taiga-back sets ``FEEDBACK_ENABLED = False`` in its settings, and operators copy
    ``settings/config.py.prod.example`` (where ``#FEEDBACK_ENABLED = True`` waits to be uncommented) into the
    untracked module the deployment runs with: the setting is theirs, not fixed. An example two folders down, or a
    ``.env.example`` at the root, says so too; one deeper, or in a hidden folder, is not read."""
    for example, constant in (("partner/settings/config.py.prod.example", []), (".env.example", []),
                              ("partner/settings/local/config.py.example", ["ENABLE_NEW_EXPORT"]),
                              (".github/config.py.example", ["ENABLE_NEW_EXPORT"])):
        repo = Repo(tmp_path / example.replace("/", "_"))
        repo.commit("2025-10-17", "settings flags", {**SETTINGS_FLAGS, example: "#ENABLE_NEW_EXPORT = True\n"})
        assert sorted(f["flag"] for f in _check(repo) if f["code"] == "FA104") == constant, example


def test_a_setting_read_from_the_environment_in_one_settings_module_is_not_constant(tmp_path: Path) -> None:
    """gobii-platform sets ``FIRST_RUN_SETUP_ENABLED = env.bool(..., default=True)`` in its main settings and
    ``False`` in two others: it is not "False in every settings module". An upper-case setting assigned what a
    call returns is read when the program runs."""
    repo = Repo(tmp_path / "repo")
    read = SETTINGS_FLAGS["partner/settings/base.py"].replace(
        "ENABLE_NEW_EXPORT = False", 'ENABLE_NEW_EXPORT = env.bool("ENABLE_NEW_EXPORT", default=True)')
    repo.commit("2025-10-17", "settings flags", {**SETTINGS_FLAGS, "partner/settings/base.py": read,
                                                 "partner/settings/evals.py": "ENABLE_NEW_EXPORT = False\n"})
    assert not [f for f in _check(repo) if f["code"] in ("FA104", "FA302")]


def test_a_setting_read_as_an_attribute_is_configuration_the_meaning_gate_does_not_judge(tmp_path: Path) -> None:
    """Flagsmith reads ``settings.EDGE_ENABLED`` wherever it uses its edge API: a place added years later reads
    the same configuration, not a new meaning. The same history with a waffle switch still blocks (FA203), and
    so does a setting first read with ``getattr``: an attribute read added beside it does not take it out."""
    for check, key in (("settings.EDGE_ENABLED", "EDGE_ENABLED"), ('switch_is_active("edge")', "edge"),
                       ('getattr(settings, "ENABLE_EDGE", False)', "ENABLE_EDGE")):
        repo = Repo(tmp_path / key)
        repo.commit("2022-01-10", "edge", {
            "app/__init__.py": "",
            "app/edge.py": f"""
                from django.conf import settings
                from waffle import switch_is_active


                def sync(identity):
                    if {check}:
                        return identity.send_to_dynamo()
                    return None
            """,
            "app/wsgi.py": WSGI,
        })
        repo.commit("2024-03-12", "projects", {
            "app/projects.py": f"""
                from django.conf import settings
                from waffle import switch_is_active


                def migration_status(project):
                    if {check.replace('getattr(settings, "ENABLE_EDGE", False)', "settings.ENABLE_EDGE")}:
                        return project.start_edge_v2_migration()
                    return "complete"
            """,
        })
        blocking = [f["code"] for f in _check(repo, "2024-03-13") if f["severity"] == "error"]
        assert blocking == ([] if key == "EDGE_ENABLED" else ["FA203"]), key


def test_a_predicate_that_returns_a_setting_read_as_an_attribute_is_configuration_too(tmp_path: Path) -> None:
    """Flagsmith asks ``is_edge_enabled()``, which returns ``settings.EDGE_ENABLED``: its callers read the same
    configuration."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2022-01-10", "edge", {
        "app/__init__.py": "",
        "app/edge.py": """
            from django.conf import settings


            def is_edge_enabled():
                return settings.EDGE_ENABLED


            def sync(identity):
                if is_edge_enabled():
                    return identity.send_to_dynamo()
                return None
        """,
        "app/wsgi.py": WSGI,
    })
    repo.commit("2024-03-12", "projects", {
        "app/projects.py": """
            from app.edge import is_edge_enabled


            def migration_status(project):
                if is_edge_enabled():
                    return project.start_edge_v2_migration()
                return "complete"
        """,
    })
    findings = _check(repo, "2024-03-13")
    assert [f["code"] for f in findings if f["severity"] == "error"] == []
    assert {f["flag"] for f in findings} <= {"EDGE_ENABLED"}


def test_a_predicate_that_returns_a_setting_read_with_a_default_is_configuration_too(tmp_path: Path) -> None:
    """open-zaak reads ``settings.CMIS_ENABLED`` wherever it uses its CMIS backend, and its admin shows
    ``cmis_enabled()``, which returns ``getattr(settings, "CMIS_ENABLED", False)``: the same configuration, so a
    place added years later that reads it is no new meaning (three false FA203 on its history). A default read
    that gates code itself still makes the key a gate (above)."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2022-01-10", "cmis", {
        "app/__init__.py": "",
        "app/admin.py": """
            from django.conf import settings


            class CMISConfigAdmin:
                def cmis_enabled(self, obj=None):
                    return getattr(settings, "CMIS_ENABLED", False)

                def has_change_permission(self, request):
                    return self.cmis_enabled()
        """,
        "app/documents.py": """
            from django.conf import settings


            def store(document):
                if settings.CMIS_ENABLED:
                    return document.send_to_cmis()
                return document.save()
        """,
        "app/wsgi.py": WSGI,
    })
    repo.commit("2024-03-12", "queries", {
        "app/queries.py": """
            from django.conf import settings


            def filter_for_authorizations(queryset, scopes):
                if settings.CMIS_ENABLED:
                    return queryset.union(scopes.documents())
                return queryset.filter(scope__in=scopes)
        """,
    })
    findings = _check(repo, "2024-03-13")
    assert [f["code"] for f in findings if f["severity"] == "error"] == []


def test_a_setting_read_in_a_template_is_the_same_configuration(tmp_path: Path) -> None:
    """mozilla/pontoon shows its bugs tab only ``{% if settings.ENABLE_BUGS_TAB %}`` (its Jinja2 environment has
    the settings object): a site of the same key as the Python reads, and like them configuration the meaning
    gate does not judge."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2022-01-10", "insights", {
        "app/__init__.py": "",
        "app/views.py": """
            from django.conf import settings


            def insights(request):
                if not settings.ENABLE_INSIGHTS:
                    return None
                return request.user.insights()
        """,
        "app/wsgi.py": WSGI,
    })
    repo.commit("2024-03-12", "team page", {
        "app/templates/teams/team.html": "{% if settings.ENABLE_INSIGHTS %}<a>Insights</a>{% endif %}\n"
                                         "{% if settings.ENABLE_BUGS_TAB %}<li>Bugs</li>{% endif %}\n",
    })
    findings = _check(repo, "2024-03-13")
    assert [f["code"] for f in findings if f["severity"] == "error"] == []
    result = run_cli("scan", "--format", "json", "--no-cache", cwd=repo.path)
    assert sorted((f["key"], len(f["sites"])) for f in json.loads(result.stdout)["flags"]) == [
        ("ENABLE_BUGS_TAB", 1), ("ENABLE_INSIGHTS", 2)]
