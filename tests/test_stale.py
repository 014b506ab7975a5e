"""Stale, expired and dormant flags (FA101-FA103), where types and owners come from, and toggle_name (FA401)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from flagaudit.api import history as lifecycle
from flagaudit.checks.stale import stale_findings, toggle_name_findings
from flagaudit.config import Config, load_config
from flagaudit.errors import FlagauditError
from flagaudit.facts import Event, Flag, Timeline
from flagaudit.history.walk import HistoryOptions
from flagaudit.policies import Policies, declared, load_policies
from flagaudit.scan.project import ScanOptions, scan
from tests.helpers import builtin_rules, flags_in
from tests.projects import BASE, views
from tests.repos import Repo, git, write_files
from tests.run import run_cli
from tests.test_data_constants import FEATURES_PY

DEFAULTS = load_policies(Config(root=Path("/")), {})


def policies_of(root: Path) -> Policies:
    """The policies of the project at ``root``, its documentation naming nothing."""
    return load_policies(load_config((), None, root), {})


def site(annotation: str = "", key: str = "new-checkout") -> dict[str, str]:
    return {"app/views.py": f"""
        import ldclient
        from app.checkout import new_checkout


        def checkout(ctx):
            {annotation}
            if ldclient.get().variation("{key}", ctx, False):
                return new_checkout(ctx)
    """}


def born(day: str, *later: tuple[str, str], key: str = "new-checkout", sdk: str = "launchdarkly") -> Timeline:
    events = [Event("born", "b0" * 20, f"{day}T12:00:00+00:00", "Ada <ada@example.com>", "add it", ("app/views.py",))]
    events += [Event(kind, f"c{n}" * 20, f"{when}T12:00:00+00:00", "Ada <ada@example.com>") for n, (kind, when) in
               enumerate(later)]
    return Timeline(key, sdk, tuple(events))


def codes(flags: tuple[Flag, ...], timelines: list[Timeline], as_of: str, policies: Policies = DEFAULTS) -> list[str]:
    return sorted(f.code for f in stale_findings(flags, timelines, policies, date.fromisoformat(as_of)))


def test_a_release_flag_is_stale_after_40_days() -> None:
    flags = flags_in(site())
    assert codes(flags, [born("2026-01-05")], "2026-02-14") == []
    [finding] = stale_findings(flags, [born("2026-01-05")], DEFAULTS, date(2026, 2, 15))
    assert (finding.code, finding.name, finding.severity, finding.path, finding.line) == (
        "FA101", "stale-flag", "warning", "app/views.py", 8)
    assert finding.message == ("release flag 'new-checkout' is 41 days old (since 2026-01-05); "
                               "release flags should be gone within 40 days")
    assert [(e.kind, e.value, e.detail) for e in finding.evidence] == [
        ("date", "2026-01-05", "born"),
        ("commit", "b0" * 20, "born: add it (Ada <ada@example.com>)"),
        ("note", "type release (40 days)", "from default"),
    ]


def test_type_and_owner_from_an_annotation() -> None:
    flags = flags_in(site("# flagaudit: type=operational owner=@payments"))
    [finding] = stale_findings(flags, [born("2026-01-05")], DEFAULTS, date(2026, 1, 13))
    assert finding.message.startswith("operational flag 'new-checkout' is 8 days old")
    assert ("owner", "@payments", "from app/views.py:8") in [(e.kind, e.value, e.detail) for e in finding.evidence]


@pytest.mark.parametrize("annotation", ["# flagaudit: type=kill-switch", "# flagaudit: type=Permission",
                                        "# .. toggle_use_cases: temporary, circuit_breaker"])
def test_kill_switches_and_permissions_are_never_stale(annotation: str) -> None:
    flags = flags_in(site(annotation))
    timeline = born("2020-01-05", ("changed", "2020-02-01"))
    assert codes(flags, [timeline], "2026-06-01") == []


def test_an_expiry_or_removal_date_that_passed() -> None:
    flags = flags_in(site("# flagaudit: type=kill-switch expires=2026-03-01"))
    assert codes(flags, [born("2026-01-05")], "2026-03-01") == []
    [finding] = stale_findings(flags, [born("2026-01-05")], DEFAULTS, date(2026, 3, 11))
    assert finding.message == "'new-checkout' was to be removed by 2026-03-01 (expires); it is still here 10 days later"
    toggles = {"app/toggles.py": """
        from edx_toggles.toggles import WaffleFlag

        # .. toggle_name: grades.new
        # .. toggle_use_cases: temporary
        # .. toggle_creation_date: 2025-11-01
        # .. toggle_target_removal_date: 2026-01-01
        NEW_GRADES = WaffleFlag("grades.new", __name__)
    """}
    [stale, expired] = sorted(stale_findings(flags_in(toggles), [], DEFAULTS, date(2026, 2, 1)), key=lambda f: f.code)
    assert (stale.code, stale.line, expired.code) == ("FA101", 8, "FA102")
    assert stale.message.startswith("release flag 'grades.new' is 92 days old (since 2025-11-01)")
    assert stale.evidence[0].detail == "declared created at app/toggles.py:8"
    assert expired.evidence[0].detail == "toggle_target_removal_date at app/toggles.py:8"


def test_a_flag_whose_sites_did_not_change_for_180_days_is_dormant() -> None:
    flags = flags_in(site("# flagaudit: type=experiment"))
    timeline = born("2025-01-05", ("changed", "2025-06-01"), ("moved", "2025-12-01"))
    assert codes(flags, [timeline], "2025-11-28") == ["FA101"]
    [dormant] = [f for f in stale_findings(flags, [timeline], DEFAULTS, date(2025, 11, 29)) if f.code == "FA103"]
    assert (dormant.severity, dormant.line) == ("info", 8)
    assert dormant.message == "no site of 'new-checkout' changed for 181 days (last change 2025-06-01, changed)"



SWITCH = {"app/views.py": """
    from waffle import flag_is_active, switch_is_active


    def signup(request):
        {annotation}
        if switch_is_active("signup"):
            return "form"
        if flag_is_active(request, "new_home"):
            return "new"
"""}


def test_a_stale_switch_whose_type_is_a_guess_is_information(tmp_path: Path) -> None:
    """A django-waffle switch is as often an operator's setting as a rollout (32 of 52 judged were): when nothing
    declares its type, its FA101 is information that says how to make it a warning; a waffle flag's stays one."""
    timelines = [born("2025-01-05", key="signup", sdk="waffle-switch"),
                 born("2025-01-05", key="new_home", sdk="waffle-flag")]

    def severities(annotation: str, policies: Policies = DEFAULTS) -> list[tuple[str | None, str]]:
        flags = flags_in({path: code.replace("{annotation}", annotation) for path, code in SWITCH.items()})
        return sorted((f.flag, f.severity) for f in stale_findings(flags, timelines, policies, date(2026, 3, 1))
                      if f.code == "FA101")

    assert severities("") == [("new_home", "warning"), ("signup", "info")]
    flags = flags_in({path: code.replace("{annotation}", "") for path, code in SWITCH.items()})
    [guessed] = [f for f in stale_findings(flags, timelines, DEFAULTS, date(2026, 3, 1))
                 if (f.flag, f.code) == ("signup", "FA101")]
    assert ("note", "information only") in [(e.kind, e.value) for e in guessed.evidence]
    assert severities("# flagaudit: type=release") == [("new_home", "warning"), ("signup", "warning")]
    write_files(tmp_path, {"pyproject.toml": '[tool.flagaudit]\ndefault-flag-type = "release"\n'})
    assert severities("", policies_of(tmp_path)) == [("new_home", "warning"), ("signup", "warning")]

def test_configuration_sets_types_owners_and_ages(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": """
[tool.flagaudit]
default-flag-type = "experiment"
dormant-days = 30
policies = { experiment = 10, operational = "never" }

[tool.flagaudit.flags."ops-*"]
type = "operational"
owner = "@ops"
expires = 2026-01-20
"""})
    policies = policies_of(tmp_path)
    assert (policies.default_type, policies.dormant_days, policies.max_age["experiment"]) == ("experiment", 30, 10)
    assert codes(flags_in(site()), [born("2026-01-05")], "2026-01-16", policies) == ["FA101"]
    ops = flags_in(site(key="ops-cache"))
    findings = stale_findings(ops, [born("2026-01-05", key="ops-cache")], policies, date(2026, 3, 1))
    assert [f.code for f in findings] == ["FA102"]
    assert ("owner", "@ops", "from config") in [(e.kind, e.value, e.detail) for e in findings[0].evidence]
    annotated = flags_in(site("# flagaudit: type=release", key="ops-cache"))
    found = codes(annotated, [born("2026-01-05", key="ops-cache")], "2026-02-16", policies)
    assert found == ["FA101", "FA102", "FA103"]


SETTINGS_FLAG = {"exports/views.py": """
    from django.conf import settings


    def export(request):
        {annotation}
        if getattr(settings, "ENABLE_CSV_EXPORT", False):
            return csv_export(request)
"""}


def test_settings_flags_are_deployment_configuration_unless_declared_temporary(tmp_path: Path) -> None:
    story = [born("2024-01-05", key="ENABLE_CSV_EXPORT", sdk="settings")]
    plain = flags_in({k: v.format(annotation="") for k, v in SETTINGS_FLAG.items()})
    assert codes(plain, story, "2026-03-01") == []  # a setting lives as long as deployments differ
    temporary = flags_in({k: v.format(annotation="# flagaudit: type=release") for k, v in SETTINGS_FLAG.items()})
    assert "FA101" in codes(temporary, story, "2026-03-01")
    write_files(tmp_path, {"pyproject.toml": '[tool.flagaudit]\ndefault-flag-type = "release"\n'})
    assert "FA101" in codes(plain, story, "2026-03-01", policies_of(tmp_path))


@pytest.mark.parametrize("key, stale", [
    ("log_api", False), ("enable_debug_mode", False), ("orders.verboseTracing", False), ("LOGGING_SQL", False),
    ("testing-autovouch-views", False), ("delete-idp-profiles-qa", False),
    ("test_membership_renewal_notification", False), ("can_submit_facility", False),
    ("user_can_export", False), ("new-checkout", True), ("scan_v2", True), ("canary_release", True),
    ("catalog_login_page", True), ("dialog_v2", True), ("blog_redesign", True),
    ("latest_orders", True), ("contest_page", True), ("quality_badge", True),
    ("disallow-new-upload", False), ("disable_comments", True),
])
def test_a_key_that_names_diagnostics_or_test_environments_is_a_switch_that_stays(key: str, stale: bool,
                                                                                  tmp_path: Path) -> None:
    """A switch that turns on logging or debugging is kept for the next problem, and one that turns on a helper for
    test environments (mozillians' ``testing-autovouch-views``, "activated only for testing purposes") stays on
    where people test; a key that names a capability (open-apparel-registry's ``can_submit_facility``, a flag
    for a group of users) is a permission, and one that keeps people from something (pypi/warehouse's
    ``disallow-new-upload``) a kill switch, where ``disable`` may end a rollout (osf.io's ``disable_comments``);
    a word that only contains ``log``, ``test`` or ``can`` (``login``, ``blog``, ``latest``, ``contest``, ``scan``,
    ``canary``) is not one."""
    story = [born("2024-01-05", key=key)]
    flags = flags_in(site(key=key))
    assert codes(flags, story, "2026-03-01") == (["FA101", "FA103"] if stale else [])
    if not stale:
        [found] = stale_findings(flags_in(site("# flagaudit: type=release", key=key)), story, DEFAULTS,
                                 date(2026, 3, 1))[:1]
        assert found.code == "FA101"  # a declared type comes first
        write_files(tmp_path, {"pyproject.toml": '[tool.flagaudit]\ndefault-flag-type = "release"\n'})
        assert "FA101" in codes(flags, story, "2026-03-01", policies_of(tmp_path))


@pytest.mark.parametrize("setting, message", [
    ('default-flag-type = "forever"', "default-flag-type: unknown flag type 'forever'"),
    ('flags = { "x" = { type = "sometimes" } }', "flags.'x'.type: unknown flag type 'sometimes'"),
    ('flags = { "x" = { colour = "red" } }', "flags must be a table of key pattern"),
    ("dormant-days = 0", "dormant-days must be a positive number of days"),
    ('policies = { release = "soon" }', 'policies must be a table of flag type = days (or "never")'),
])
def test_bad_lifecycle_settings_are_errors(tmp_path: Path, setting: str, message: str) -> None:
    write_files(tmp_path, {"flagaudit.toml": setting + "\n"})
    with pytest.raises(FlagauditError, match=message.replace("(", r"\(").replace(")", r"\)")):
        policies_of(tmp_path)


def test_a_toggle_name_that_differs_from_the_key_is_fa401() -> None:
    toggles = {"enterprise/toggles.py": """
        from edx_toggles.toggles import WaffleFlag

        ENTERPRISE_NAMESPACE = "enterprise"

        # .. toggle_name: enterprise.TOP_DOWN_ASSIGNMENT_REAL_TIME_LCM
        # .. toggle_use_cases: open_edx
        TOP_DOWN = WaffleFlag(f"{ENTERPRISE_NAMESPACE}.top_down_assignment_real_time_lcm", __name__)

        # .. toggle_name: enterprise.enterprise_learner_bff_enabled
        BFF = WaffleFlag(f"{ENTERPRISE_NAMESPACE}.learner_bff_enabled", __name__)

        # .. toggle_name: enterprise.enterprise_admin_onboarding
        ONBOARDING = WaffleFlag(f"{ENTERPRISE_NAMESPACE}.enterprise_admin_onboarding", __name__)
    """}
    findings = sorted(toggle_name_findings(flags_in(toggles)), key=lambda f: f.line)
    assert [(f.code, f.name, f.line) for f in findings] == [("FA401", "unknown-flag", 8), ("FA401", "unknown-flag", 11)]
    assert findings[0].message == ("the annotation toggle_name 'enterprise.TOP_DOWN_ASSIGNMENT_REAL_TIME_LCM' is not "
                                   "the key this definition creates; did you mean "
                                   "'enterprise.top_down_assignment_real_time_lcm'?")
    assert "did you mean 'enterprise.learner_bff_enabled'?" in findings[1].message


def test_a_toggle_name_of_a_settings_dicts_entry_names_its_key() -> None:
    """``FEATURES[ENABLE_X]`` and ``FEATURES['ENABLE_X']`` name the entry the tool keys ``FEATURES['ENABLE_X']``;
    ``EDX_DRF_EXTENSIONS[ENABLE_X]`` names the key a reader of that dict is given (openedx/edx-drf-extensions'
    ``get_setting(ENABLE_X)``). Another entry is still another key. A method that returns such a read of a URL
    makes no flag of it."""
    toggles = {"app/toggles.py": """
        from edx_toggles.toggles import SettingDictToggle

        # .. toggle_name: FEATURES[ENABLE_X]
        ENABLE_X = SettingDictToggle("FEATURES", "ENABLE_X", default=False, module_name=__name__)

        # .. toggle_name: FEATURES['ENABLE_Y']
        ENABLE_Y = SettingDictToggle("FEATURES", "ENABLE_Y", default=False, module_name=__name__)

        # .. toggle_name: FEATURES[ENABLE_Z]
        ENABLE_W = SettingDictToggle("FEATURES", "ENABLE_W", default=False, module_name=__name__)
    """, "app/config.py": """
        # .. toggle_name: EDX_DRF_EXTENSIONS[ENABLE_JWT_MATCH]
        # .. toggle_implementation: DjangoSetting
        ENABLE_JWT_MATCH = "ENABLE_JWT_MATCH"
    """, "app/settings.py": """
        from django.conf import settings

        from app.config import ENABLE_JWT_MATCH

        DEFAULT_SETTINGS = {ENABLE_JWT_MATCH: False, "OAUTH2_USER_INFO_URL": None}


        def get_setting(name):
            try:
                return getattr(settings, "EDX_DRF_EXTENSIONS", {})[name]
            except KeyError:
                return DEFAULT_SETTINGS[name]
    """, "app/auth.py": """
        from app.config import ENABLE_JWT_MATCH
        from app.settings import get_setting


        class Authentication:
            def authenticate(self, user):
                if get_setting(ENABLE_JWT_MATCH) and self.get_user_info_url():
                    return user

            def get_user_info_url(self):
                return get_setting("OAUTH2_USER_INFO_URL")
    """}
    flags = flags_in(toggles)
    assert {f.key for f in flags} == {"ENABLE_JWT_MATCH", "FEATURES['ENABLE_W']", "FEATURES['ENABLE_X']",
                                      "FEATURES['ENABLE_Y']"}
    assert [f.message for f in toggle_name_findings(flags)] == [
        "the annotation toggle_name 'FEATURES[ENABLE_Z]' is not the key this definition creates; "
        "did you mean \"FEATURES['ENABLE_W']\"?"]


ANNOTATED_CONSTANTS = {
    "proctoring/__init__.py": "",
    "proctoring/constants.py": """
        # .. toggle_name: proctoring.onboarding_profile_api
        # .. toggle_implementation: WaffleSwitch
        # .. toggle_default: False
        # .. toggle_use_cases: temporary
        # .. toggle_creation_date: 2025-01-14
        # .. toggle_expiration_date: 2025-06-30
        ONBOARDING_PROFILE_API = "proctoring.onboarding_profile_api"

        # .. toggle_name: REVIEW_POLICY_EXCEPTIONS
        # .. toggle_implementation: WaffleSwitch
        # .. toggle_type: kill-switch
        REVIEW_POLICY_EXCEPTIONS = "proctoring.review_policy_exceptions"
    """,
    "proctoring/api.py": """
        from waffle import switch_is_active

        from proctoring import constants


        def onboarding_status(user):
            if switch_is_active(constants.ONBOARDING_PROFILE_API):
                return user.profile_status()
            if switch_is_active(constants.REVIEW_POLICY_EXCEPTIONS):
                return user.exception_status()
            return user.attempt_status()
    """,
}


def test_annotations_above_a_key_constant_belong_to_its_flag() -> None:
    flags = {f.key: f for f in flags_in(ANNOTATED_CONSTANTS)}
    onboarding = flags["proctoring.onboarding_profile_api"]
    assert [(d.path, d.line, d.action) for d in onboarding.definitions] == [("proctoring/constants.py", 8, "annotate")]
    findings = stale_findings(flags.values(), [born("2025-01-14", key=k, sdk="waffle-switch") for k in flags],
                              DEFAULTS, date(2026, 3, 1))
    assert sorted((f.code, f.flag, f.path, f.line) for f in findings if f.code != "FA103") == [
        ("FA101", "proctoring.onboarding_profile_api", "proctoring/constants.py", 8),
        ("FA102", "proctoring.onboarding_profile_api", "proctoring/constants.py", 8),
    ]  # the kill switch (toggle_type) is never stale
    expired = next(f for f in findings if f.code == "FA102")
    assert "was to be removed by 2025-06-30 (toggle_expiration_date)" in expired.message
    [misnamed] = toggle_name_findings(flags.values())
    assert (misnamed.code, misnamed.flag, misnamed.line) == ("FA401", "proctoring.review_policy_exceptions", 13)


def test_history_reports_lifecycle_findings_and_honours_suppressions(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-05", "flags", {**BASE, "app/views.py": views(pay=True)})
    report = lifecycle(load_config((), None, repo.path), builtin_rules(), HistoryOptions(use_cache=False, workers=1),
                       date(2026, 3, 1))
    assert sorted((f.code, f.flag) for f in report.findings) == [("FA101", "fast-pay"), ("FA101", "new-checkout")]
    quiet = views(pay=True).replace('        if ldclient.get().variation("fast-pay"',
                                    '        # flagaudit: ignore[FA101] the rollout waits for Q3\n'
                                    '        if ldclient.get().variation("fast-pay"')
    repo.commit("2026-01-06", "suppress", {"app/views.py": quiet})
    result = run_cli("history", "--as-of", "2026-03-01", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    assert "FA101 stale-flag [warning] release flag 'new-checkout' is 55 days old" in result.stdout
    assert "'fast-pay' is" not in result.stdout


REGISTRY_YAML = """\
    flags:
      - flag_name: NEW_OVERVIEW
        name: new_overview
        note: Shows the redesigned project overview.
      # flagaudit: ignore[FA101] kept until the mobile app moves, see TICKET-7
      - flag_name: NEW_SEARCH
        name: new_search
        note: Indexes projects in the new search cluster.
      - flag_name: MANUAL_DOI
        name: manual_doi
        note: Lets certain product staff members assign a DOI by hand.
              DO NOT CHANGE UNLESS ABSOLUTELY NECESSARY.
      - flag_name: DISABLE_DIGESTS
        name: disable_digests
        note: if set to true, prevents digest emails from being sent
    """

REGISTRY_VIEWS = """\
    import waffle

    from app import features


    def overview(request):
        if waffle.flag_is_active(request, features.NEW_OVERVIEW):
            return 1
        if waffle.flag_is_active(request, features.NEW_SEARCH):
            return 2
        if waffle.flag_is_active(request, features.MANUAL_DOI):
            return 3
        if waffle.switch_is_active(features.DISABLE_DIGESTS):
            return 4
        return 0
    """


def test_a_flags_description_in_the_data_file_it_is_declared_in_gives_its_type(tmp_path: Path) -> None:
    """osf.io's shape: a module loads its flags from a YAML file whose entries say what each is for. A note that
    says whom the flag is for (staff, admins) or that it stops something in trouble types it (permission, kill
    switch: never stale); a rollout's finding points at its entry, where a comment above declares or suppresses."""
    repo = Repo(tmp_path)
    repo.commit("2024-01-05", "flags from a data file", {
        "app/__init__.py": "", "app/settings.py": "FEATURES_YAML = 'app/features.yaml'\n",
        "app/features.py": FEATURES_PY, "app/features.yaml": REGISTRY_YAML, "app/views.py": REGISTRY_VIEWS,
        "app/urls.py": "from app.views import overview\n\nurlpatterns = [overview]\n"})
    result = run_cli("check", "--as-of", "2026-03-01", "--format", "json", "-q", cwd=tmp_path)
    found = {(f["code"], f["flag"]): f for f in json.loads(result.stdout)["findings"]}
    assert sorted(found) == [("FA101", "new_overview"), ("FA103", "new_overview"), ("FA103", "new_search")]
    assert (found["FA101", "new_overview"]["path"], found["FA101", "new_overview"]["line"]) == ("app/features.yaml", 2)
    flags = {flag.key: flag for flag in scan((str(tmp_path),), ScanOptions(use_cache=False)).flags}
    assert dict(flags["manual_doi"].definitions[0].metadata)["note"].endswith("DO NOT CHANGE UNLESS ABSOLUTELY "
                                                                              "NECESSARY.")
    policies = policies_of(tmp_path)
    assert [(d.type, d.type_source) for d in (declared(flags[key], policies) for key in sorted(flags))] == [
        ("kill-switch", "its description at app/features.yaml:13 says 'prevents'"),
        ("permission", "its description at app/features.yaml:9 says 'staff'"),
        ("release", "default"), ("release", "default")]


FLAGSMITH_CLIENT = """\
    from flagsmith import Flagsmith


    def get_client(name: str = "default") -> Flagsmith:
        return Flagsmith(environment_key="server-key")
"""
OPENFEATURE_CLIENT = """\
    from openfeature import api


    def get_openfeature_client():
        return api.get_client()
"""


def _alerts(vendor: bool) -> str:
    """The vendor's SDK checks a flags object held in a local; OpenFeature's client checks the key itself."""
    check = 'flags.is_feature_enabled("usage_alerts")' if vendor else 'client.get_boolean_value("usage_alerts", False)'
    flags = "\n            flags = client.get_identity_flags(organisation.id)" if vendor else ""
    return f"""\
    from integrations.client import {"get_client" if vendor else "get_openfeature_client"}


    def notify_usage(organisations):
        client = {"get_client()" if vendor else "get_openfeature_client()"}
        for organisation in organisations:{flags}
            if {check}:
                send_alert(organisation)


    def send_alert(organisation):
        print(organisation)
"""


def test_a_flag_that_moves_to_another_sdk_keeps_its_age(tmp_path: Path) -> None:
    """One commit retires the key's checks through the vendor's SDK and makes them through OpenFeature (over the
    same vendor's provider): the same flag, as old as its first check, and the move is evidence."""
    repo = Repo(tmp_path / "repo")
    first = repo.commit("2024-03-28", "usage alerts", {
        "integrations/__init__.py": "", "integrations/client.py": FLAGSMITH_CLIENT,
        "alerts.py": _alerts(vendor=True)})
    moved = repo.commit("2026-04-02", "move to OpenFeature", {
        "integrations/client.py": OPENFEATURE_CLIENT,
        "alerts.py": _alerts(vendor=False)})
    report = lifecycle(load_config((), None, repo.path), builtin_rules(), HistoryOptions(use_cache=False, workers=1),
                       date(2026, 12, 1))
    stale = next(f for f in report.findings if f.code == "FA101")
    assert "is 978 days old (since 2024-03-28)" in stale.message
    assert [(e.kind, e.value, e.detail.split(":")[0]) for e in stale.evidence if e.kind == "commit"] == [
        ("commit", first, "born"), ("commit", moved, "moved from flagsmith")]
    ran = run_cli("report", "--as-of", "2026-12-01", "--format", "json", "-q", cwd=repo.path)
    assert ran.returncode == 0, ran.stderr
    document = json.loads(ran.stdout)
    rows = document["lifecycle"]  # the report's ages are FA101's
    assert [(r["key"], r["sdk"], r["age_days"], r["born"]) for r in rows] == [
        ("usage_alerts", "openfeature", 978, "2024-03-28")]
    quarters = {q["label"]: (q["born"], q["retired"], q["live"]) for q in document["quarters"]}
    assert quarters["2026 Q2"] == (0, 0, 1)  # the move neither retired nor began a flag
    repo.commit("2026-05-01", "a new flag of the same name in another SDK, later", {
        "later.py": "import ldclient\n\n\ndef later():\n"
                    "    return ldclient.get().variation('usage_alerts', None, False)\n"})
    report = lifecycle(load_config((), None, repo.path), builtin_rules(), HistoryOptions(use_cache=False, workers=1),
                       date(2026, 12, 1))
    assert sorted(f.message.split(" (since")[0] for f in report.findings if f.code == "FA101") == [
        "release flag 'usage_alerts' is 214 days old", "release flag 'usage_alerts' is 978 days old"]


def test_the_note_a_data_migration_gives_a_row_describes_its_flag() -> None:
    """``Switch.objects.create(name=..., note=...)`` and ``get_or_create(name=..., defaults={"note": ...})``: the row's
    literal fields are its definition's metadata, so its description gives the flag a type. One that decides who is
    eligible for something is a rule of who may (gobii-platform's trial-eligibility settings): a permission."""
    flags = flags_in({"app/__init__.py": "", "app/migrations/__init__.py": "", "app/migrations/0002_rows.py": """
        def add(apps, schema_editor):
            Flag = apps.get_model("waffle", "Flag")
            Flag.objects.create(name="export_guard", everyone=True, note="Kill switch for the export job")
            Flag.objects.get_or_create(name="preview", defaults={"note": "Preview for staff members", "percent": 5})
            Flag.objects.get_or_create(name="new_home", defaults={"note": "The new home page"})
            Flag.objects.get_or_create(name="trial_review", defaults={
                "note": "Controls whether review trial eligibility decisions are treated as trial-allowed."})
    """, "app/views.py": """
        from waffle import flag_is_active


        def home(request):
            if flag_is_active(request, "export_guard") and flag_is_active(request, "preview"):
                return "preview"
            if flag_is_active(request, "trial_review"):
                return "trial"
            return flag_is_active(request, "new_home")
    """})
    rows = {f.key: dict(f.definitions[0].metadata) for f in flags if f.definitions}
    assert sorted(rows) == ["export_guard", "new_home", "preview", "trial_review"]
    assert rows["export_guard"] == {"everyone": "True", "note": "Kill switch for the export job"}
    assert rows["preview"] == {"note": "Preview for staff members", "percent": "5"}
    timelines = [born("2025-01-05", key=key, sdk="waffle-flag") for key in rows]
    assert [f.flag for f in stale_findings(flags, timelines, DEFAULTS, date(2026, 3, 1)) if f.code == "FA101"] == [
        "new_home"]


def test_a_flag_born_in_a_commit_that_adds_it_to_turn_something_off_is_a_kill_switch(tmp_path: Path) -> None:
    """freelawproject/courtlistener's ``store-search-queries`` came with "adds flag to stop storing search queries",
    cisagov/manage.get.gov's ``disable_email_sending`` with "enable-disable-email-sending": ways to turn something
    off, which stay. A merge's subject takes the pull request's title from its body (LibraryOfCongress/concordia's
    ``DISPLAY_ITEM_DESCRIPTION``: "adds feature flag to disable item description display"), and so is one added
    to bypass a check (its ``IMPORT_IMAGE_CHECKSUM``: "Added flag to bypass checksum check"). When nothing else
    types a flag, the subject of the commit it was born in does; a flag born in
    an ordinary feature commit is still a release flag."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-06-02", "Merge pull request #6626 from org/fix-adds-flag-to-stop-storing-search-queries", {
        "search/__init__.py": "",
        "search/views.py": """
            import waffle


            def search(request, query):
                if waffle.flag_is_active(request, "store-search-queries"):
                    query.save()
                return query.run()
        """})
    repo.commit("2025-06-03", "feat: semantic search behind a flag", {
        "search/semantic.py": """
            import waffle


            def rank(request, results):
                if waffle.flag_is_active(request, "semantic-search"):
                    return sorted(results, key=len)
                return results
        """})
    repo.commit("2025-06-03", "Added flag to bypass checksum check", {
        "search/imports.py": """
            import waffle


            def verify(request, asset, expected):
                if waffle.flag_is_active(request, "import-image-checksum") and asset.checksum() != expected:
                    raise ValueError(asset)
                return asset
        """})
    trunk = repo.git("branch", "--show-current").strip()
    repo.git("checkout", "-q", "-b", "no-descriptions")
    repo.commit("2025-06-04", "Refs #1180, hide item descriptions", {
        "search/items.py": """
            import waffle


            def item_page(request, item):
                if waffle.flag_is_active(request, "display-item-description"):
                    return item.description
                return ""
        """})
    repo.git("checkout", "-q", trunk)
    git(repo.path, "merge", "-q", "--no-ff", "no-descriptions", "-m",
        "Merge pull request #1185 from org/no-descriptions\n\nadds feature flag to disable item description display",
        date="2025-06-05T12:00:00+00:00")
    report = lifecycle(load_config((), None, repo.path), builtin_rules(), HistoryOptions(use_cache=False, workers=1),
                       date(2026, 3, 1))
    assert [(f.code, f.flag) for f in report.findings if f.code == "FA101"] == [("FA101", "semantic-search")]
    merged = next(t for t in report.history.timelines if t.key == "display-item-description").born
    assert merged is not None and merged.subject == (
        "Merge pull request #1185 from org/no-descriptions: adds feature flag to disable item description display")
    [flag] = [f for f in report.flags if f.key == "store-search-queries"]
    story = next(t for t in report.history.timelines if t.key == "store-search-queries")
    info = declared(flag, DEFAULTS, story.born)
    assert (info.type, info.type_source.split(" says ")[1]) == ("kill-switch", "'flag to stop'")
    assert run_cli("ledger", "--as-of", "2026-03-01", cwd=repo.path).returncode == 0
    lock = (repo.path / "flagaudit.lock").read_text(encoding="utf-8")  # the type FA101 judged by, recorded
    assert 'key = "store-search-queries"' in lock
    assert lock.split('key = "store-search-queries"')[1].split("[[flag]]")[0].count('type = "kill-switch"') == 1


def test_a_comment_that_calls_the_flag_long_lived_declares_one_meant_to_stay() -> None:
    """uktrade/data-hub-api: "This is a long-lived feature flag which allows us to quickly switch off email
    ingestion in case of any problems" above the check; the comment calls the flag temporary's opposite."""
    lasting = "# NOTE: This is a long-lived feature flag which allows us to quickly switch off the new checkout"
    flags = flags_in(site(lasting))
    info = declared(flags[0], DEFAULTS)
    assert (info.type, info.type_source) == ("kill-switch", f"comment at app/views.py:8: {lasting[2:]!r}")
    assert codes(flags, [born("2025-01-05")], "2026-03-01") == []
    assert declared(flags_in(site("# the flag lives long in this codebase"))[0], DEFAULTS).type == "release"


GRANTED = {
    "hub/__init__.py": "",
    "hub/constants.py": 'REMINDERS = "estimated-land-date-reminders"\nSTATUS = "email-status"\n',
    "hub/flags.py": """
        from hub.models import FeatureFlag


        def is_feature_flag_active(code):
            return FeatureFlag.objects.filter(code=code, is_active=True).exists()


        def is_user_feature_flag_active(code, user):
            return user.features.filter(code=code, is_active=True).exists()
    """,
    "hub/tasks.py": """
        from hub.constants import REMINDERS, STATUS
        from hub.flags import is_feature_flag_active, is_user_feature_flag_active


        def remind(adviser):
            if is_user_feature_flag_active(REMINDERS, adviser):
                adviser.remind()


        def poll():
            if is_feature_flag_active(STATUS):
                return 1
    """,
}


def test_a_flag_the_project_asks_about_per_user_is_a_permission(tmp_path: Path) -> None:
    """uktrade/data-hub-api asks ``is_user_feature_flag_active(CODE, adviser)``: whether an adviser, or a group of
    advisers, was given the reminders, a feature some people receive (a permission), not a rollout left running;
    its other flags, asked of the whole site, are still release flags."""
    flags = flags_in(GRANTED)
    assert {f.key: f.sites[0].rule for f in flags} == {
        "estimated-land-date-reminders": "registry/hub.flags.per-user", "email-status": "registry/hub.flags"}
    story = [born("2022-11-11", key=key, sdk="hub.flags") for key in ("estimated-land-date-reminders", "email-status")]
    found = stale_findings(flags, story, DEFAULTS, date(2026, 3, 1))
    assert [(f.code, f.flag) for f in found] == [("FA101", "email-status"), ("FA103", "email-status")]
    reminders = next(f for f in flags if f.key == "estimated-land-date-reminders")
    assert declared(reminders, DEFAULTS).type_source == "asked per user, group or object at hub/tasks.py:7"
    write_files(tmp_path, {"pyproject.toml": '[tool.flagaudit]\ndefault-flag-type = "release"\n'})
    assert "FA101" in codes((reminders,), story[:1], "2026-03-01", policies_of(tmp_path))


def test_each_row_a_migration_makes_in_a_loop_over_a_dict_has_its_own_note() -> None:
    """gobii-platform's migrations make their flags in a loop, ``for name, note in FLAGS.items():
    Flag.objects.get_or_create(name=name, defaults={"note": note})``: each row's description is its entry's value
    (it was the variable's name, ``note``), so each types its own flag."""
    flags = flags_in({"app/__init__.py": "", "app/migrations/__init__.py": "", "app/migrations/0338_flags.py": """
        FLAGS = {
            "capi_send_review": (
                "Controls whether CAPI is still sent for stored review decisions "
                "when the trial-eligibility policy is enabled."
            ),
            "new_pricing_modal": "Show the new pricing modal.",
        }


        def add(apps, schema_editor):
            Flag = apps.get_model("waffle", "Flag")
            for flag_name, note in FLAGS.items():
                Flag.objects.get_or_create(name=flag_name, defaults={"note": note, "everyone": None})
    """, "app/views.py": """
        from waffle import flag_is_active


        def page(request):
            return flag_is_active(request, "capi_send_review") or flag_is_active(request, "new_pricing_modal")
    """})
    notes = {f.key: dict(f.definitions[0].metadata)["note"] for f in flags}
    assert notes == {"capi_send_review": "Controls whether CAPI is still sent for stored review decisions when the "
                                         "trial-eligibility policy is enabled.",
                     "new_pricing_modal": "Show the new pricing modal."}
    timelines = [born("2025-01-05", key=key, sdk="waffle-flag") for key in notes]
    assert [f.flag for f in stale_findings(flags, timelines, DEFAULTS, date(2026, 3, 1)) if f.code == "FA101"] == [
        "new_pricing_modal"]
