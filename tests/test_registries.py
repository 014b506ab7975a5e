"""A project's own flag registry, found without a hand-written rule: ``project.has_feature(Feature.NAME)``."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from flagaudit.config import Config
from flagaudit.policies import declared, load_policies
from flagaudit.scan.project import ScanOptions, scan
from tests.repos import Repo, write_files
from tests.run import run_cli

REGISTRY = {
    "builds/__init__.py": "",
    "builds/models.py": """\
        from django.db import models


        class Feature(models.Model):
            \"\"\"Project feature flags, switched on per project in the admin.\"\"\"

            SKIP_SUBMODULES = "skip_submodules"
            USE_NEW_BUILDER = "use_new_builder"
            # .. toggle_use_cases: temporary
            # .. toggle_target_removal_date: 2025-09-01
            LEGACY_SEARCH_INDEX = "legacy_search_index"

            FEATURES = (
                (SKIP_SUBMODULES, "Skip git submodule checkout"),
                (USE_NEW_BUILDER, "Build with the new builder"),
                (LEGACY_SEARCH_INDEX, "Index with the legacy search pipeline"),
            )

            feature_id = models.CharField(max_length=255, unique=True)
            projects = models.ManyToManyField("builds.Project", related_name="features")


        class Project(models.Model):
            slug = models.SlugField()

            def has_feature(self, feature_id):
                return self.features.filter(feature_id=feature_id).exists()
        """,
    "builds/tasks.py": """\
        from builds.models import Feature


        def checkout(project, repository):
            if not project.has_feature(Feature.SKIP_SUBMODULES):
                repository.update_submodules()
            repository.checkout()


        def build(project, environment):
            if project.has_feature(Feature.USE_NEW_BUILDER):
                return environment.run_builder_v2()
            return environment.run_builder()


        def unknown(project):
            return project.has_feature("use_new_buidler")
        """,
    "builds/permissions.py": """\
        from builds.models import Project


        def can_build(user, project):
            return user.has_perm(Project.slug)
        """,
}


def test_a_registry_is_found_with_its_definitions_and_checks(tmp_path: Path) -> None:
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in REGISTRY.items()})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    flags = {f.key: f for f in inventory.flags}
    assert {key: (f.sdk, len(f.sites), len(f.definitions)) for key, f in flags.items()} == {
        "skip_submodules": ("builds.models.Feature", 1, 1),
        "use_new_builder": ("builds.models.Feature", 1, 1),
        "legacy_search_index": ("builds.models.Feature", 0, 1),
        "use_new_buidler": ("builds.models.Feature", 1, 0),
    }
    site = flags["skip_submodules"].sites[0]
    assert (site.path, site.line, site.function, site.guard) == ("builds/tasks.py", 5, "builds.tasks.checkout", "if")
    found = sorted((f.code, f.flag) for f in inventory.findings if f.code in ("FA102", "FA401", "FA402"))
    assert found == [("FA401", "use_new_buidler"), ("FA402", "legacy_search_index")]
    typo = next(f for f in inventory.findings if f.code == "FA401")
    assert "did you mean 'use_new_builder'?" in typo.message


FUNCTIONS = {
    "hub/__init__.py": "",
    "hub/constants.py": """\
        MAILBOX_INGESTION = "mailbox-ingestion"
        COMPANY_ARCHIVE = "automatic-company-archive"
        EXPORT_NOTIFICATIONS = "export-notifications"
        """,
    "hub/flags.py": """\
        from hub.models import FeatureFlag


        def is_feature_flag_active(code):
            return FeatureFlag.objects.filter(code=code, is_active=True).exists()


        def is_member_group_active(code, user):
            return user.groups.filter(code=code).exists()


        def is_user_feature_flag_group_active(code, user):
            return user.feature_groups.filter(code=code, is_active=True).exists()
        """,
    "hub/tasks.py": """\
        from hub import flags
        from hub.constants import COMPANY_ARCHIVE, EXPORT_NOTIFICATIONS, MAILBOX_INGESTION


        def ingest(mailbox):
            if not flags.is_feature_flag_active(MAILBOX_INGESTION):
                return None
            return mailbox.read()


        def archive(companies):
            if flags.is_feature_flag_active(COMPANY_ARCHIVE):
                companies.archive()


        def notify(user):
            return flags.is_member_group_active(MAILBOX_INGESTION, user)


        def summary(user):
            return flags.is_user_feature_flag_group_active(EXPORT_NOTIFICATIONS, user)
        """,
}


def test_a_function_that_checks_the_projects_own_flags_is_a_registry(tmp_path: Path) -> None:
    """uktrade/data-hub-api keeps its flags as rows of its own model and asks ``is_feature_flag_active(CODE)``, a
    module function with no SDK inside: 0 of its keys were found without a rule. A module-level function named
    like a check and called with a string constant is now its module's registry; one that asks about a group or
    a permission is not, but a group of feature flags is (``is_user_feature_flag_group_active``)."""
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in FUNCTIONS.items()})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert sorted((f.key, f.sdk, [(s.path, s.line) for s in f.sites]) for f in inventory.flags) == [
        ("automatic-company-archive", "hub.flags", [("hub/tasks.py", 12)]),
        ("export-notifications", "hub.flags", [("hub/tasks.py", 21)]),
        ("mailbox-ingestion", "hub.flags", [("hub/tasks.py", 6)]),
    ]


BY_STRING = {
    "conf/__init__.py": "",
    "conf/models.py": """\
        from django.db import models


        class BaseModel(models.Model):
            class Meta:
                abstract = True


        class Event(BaseModel):
            feature_flags = models.JSONField(default=dict)

            def get_feature_flag(self, feature):
                return self.feature_flags.get(feature, False)

            def set_feature_flag(self, feature, value):
                self.feature_flags[feature] = value

            def _feature_states(self, field):
                return field


        class Service:
            def is_flag_on(self, name):
                return name in self.enabled

            def get_flag_key(self, suffix):
                return f"ff_{suffix}"

            def get_feature_by_field(self, field, value):
                return next((f for f in self.features if f.get(field) == value), None)


        class ObjectTypeQuerySet(models.QuerySet):
            def with_feature(self, feature):
                return self.filter(features__contains=[feature])
        """,
    "conf/rules.py": """\
        def comments_active(event):
            return event.get_feature_flag("use_comments")
        """,
    "conf/views.py": """\
        from conf.flags import feature_on
        from conf.models import ObjectType
        from conf.rules import comments_active


        def talk(request, service):
            if request.event.get_feature_flag("use_tracks"):
                return "tracks"
            request.event.set_feature_flag("show_schedule", True)
            request.event._feature_states("identity_id")
            if comments_active(request.event):
                return "comments"
            if service.is_flag_on("new_player") or feature_on("beta"):
                return "player"
            if ObjectType.objects.with_feature("jobs").exists():
                return "jobs"
            if service.get_feature_by_field("code", "E06000001"):
                return "boundary"
            return request.GET.get(service.get_flag_key("CLEAR"), "plain")
        """,
    "conf/flags.py": """\
        def feature_on(name):
            return False
        """,
}


def test_a_method_or_function_asked_for_a_flag_by_a_string_is_a_registry(tmp_path: Path) -> None:
    """pretalx asks ``event.get_feature_flag("use_tracks")``, a method of its event model reading a JSON field, and
    learningequality/studio ``user.check_feature_flag("name")``: no SDK and no constant, so 0 of pretalx's 10 keys
    were found without the rule ``init`` proposes. A public method or module function of the project named for flags
    and called with a string is now a registry; one that changes a flag (``set_feature_flag``) or makes its key
    (open-discussions' ``get_flag_key("CLEAR")``), one that builds a query (netbox's
    ``ObjectType.objects.with_feature("jobs")`` lists the models registered with a capability) or finds a thing by a
    field (DemocracyClub/EveryElection's ``get_feature_by_field("code", ...)``, a map's shape), a private one, or
    one named for something else is not. Asked per
    row of a model, the flags are granted per object, like permissions, even through a predicate
    (``comments_active(event)``): no rollout to finish, so FA101 stays silent."""
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in BY_STRING.items()})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert sorted((f.key, f.sdk, [(s.path, s.line, s.rule) for s in f.sites]) for f in inventory.flags) == [
        ("beta", "conf", [("conf/views.py", 13, "registry/conf.flags")]),
        ("new_player", "conf", [("conf/views.py", 13, "registry/conf.models.Service.is_flag_on")]),
        ("use_comments", "conf", [("conf/rules.py", 2, "registry/conf.models.Event.get_feature_flag.per-user"),
                                  ("conf/views.py", 11, "predicate/conf.rules.comments_active")]),
        ("use_tracks", "conf", [("conf/views.py", 7, "registry/conf.models.Event.get_feature_flag.per-user")]),
    ]  # the project's own checks are one family: a key asked one way and then another is one flag
    policies = load_policies(Config(root=tmp_path), {})
    flags = {f.key: f for f in inventory.flags}
    assert declared(flags["use_comments"], policies).type_source == "asked per user, group or object at conf/rules.py:2"
    assert declared(flags["new_player"], policies).type == "release"


def test_a_flag_models_classmethod_asks_the_table_not_a_row(tmp_path: Path) -> None:
    """usdoj-crt/crt-portal's ``Feature.is_feature_enabled("tags")`` is a classmethod of the flag model that looks the
    key's row up: a flag of the whole site, typed as a rollout (its age is reported), where a row's own method
    (``event.get_feature_flag("x")``) asks that row, per object."""
    write_files(tmp_path, {"features/__init__.py": "", "features/models.py": """\
        from django.db import models


        class Feature(models.Model):
            name = models.CharField(max_length=100)
            enabled = models.BooleanField(default=False)

            @classmethod
            def is_feature_enabled(cls, name):
                return cls.objects.filter(name=name, enabled=True).exists()
        """, "features/views.py": """\
        from features.models import Feature


        def report(request):
            if Feature.is_feature_enabled("tags"):
                return "tags"
            return "plain"
        """}, dedent=True)
    [flag] = scan((str(tmp_path),), ScanOptions(use_cache=False)).flags
    assert (flag.key, [s.rule for s in flag.sites]) == ("tags", ["registry/features.models.Feature.is_feature_enabled"])
    assert declared(flag, load_policies(Config(root=tmp_path), {})).type == "release"


SETTINGS_READER = {
    "dojo/__init__.py": "",
    "dojo/models.py": """\
        from django.db import models


        class System_Settings(models.Model):
            enable_jira = models.BooleanField(default=False)
            url_prefix = models.CharField(max_length=300, default="")
        """,
    "dojo/utils.py": """\
        from dojo.models import System_Settings


        def get_system_setting(setting, default=None):
            system_settings = System_Settings.objects.get()
            return getattr(system_settings, setting, default)


        def set_system_setting(setting, value):
            System_Settings.objects.update(**{setting: value})
        """,
    "dojo/views.py": """\
        from dojo.utils import get_system_setting, set_system_setting


        def finding(request):
            if get_system_setting("enable_jira"):
                return "jira"
            set_system_setting("enable_deduplication", True)
            return get_system_setting("url_prefix") + "/finding"
        """,
}


def test_a_function_that_reads_a_setting_by_its_name_is_a_registry_of_switches(tmp_path: Path) -> None:
    """DefectDojo reads the switches of its settings model as ``get_system_setting("enable_jira")``: 0 of its 29
    were found. A project function (or method) named for reading a setting and called with a string checks that
    key where the key is named as a switch (``enable_jira``, not ``url_prefix``); one that writes a setting does
    not. Such a switch is set by the operators, so it gets the type of Django's settings flags, not a rollout's."""
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in SETTINGS_READER.items()})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert [(f.key, f.sdk, [(s.path, s.line, s.rule) for s in f.sites]) for f in inventory.flags] == [
        ("enable_jira", "dojo.utils", [("dojo/views.py", 5, "registry/dojo.utils.declared.attribute")])]
    found = declared(inventory.flags[0], load_policies(Config(root=tmp_path), {}))
    assert (found.type, found.type_source) == ("permission", "read as a setting at dojo/views.py:5")


def test_a_decorator_that_reads_a_django_setting_by_name_reads_the_settings_flags(tmp_path: Path) -> None:
    """healthchecks guards its integrations' views with ``@require_setting("SLACK_ENABLED")``, a decorator factory
    whose closure reads ``getattr(settings, key)``: its keys are the settings flags the code also reads as
    ``settings.SLACK_ENABLED``, one flag each, and only a switch's name is one (``REGISTRATION_OPEN`` is not)."""
    files = {
        "hc/__init__.py": "",
        "hc/decorators.py": """\
            from functools import wraps

            from django.conf import settings
            from django.http import HttpResponse


            def require_setting(key):
                def decorator(f):
                    @wraps(f)
                    def wrapper(request, *args, **kwds):
                        if not getattr(settings, key):
                            return HttpResponse(status=404)
                        return f(request, *args, **kwds)

                    return wrapper

                return decorator
            """,
        "hc/views.py": """\
            from django.conf import settings

            from hc.decorators import require_setting


            @require_setting("SLACK_ENABLED")
            def slack(request):
                return "slack"


            @require_setting("REGISTRATION_OPEN")
            def signup(request):
                return "signup"


            def channels(request):
                return ["slack"] if settings.SLACK_ENABLED else []
            """,
    }
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in files.items()})
    flags = scan((str(tmp_path),), ScanOptions(use_cache=False)).flags
    assert [(f.key, f.sdk, [(s.line, s.rule, s.guard) for s in f.sites]) for f in flags] == [
        ("SLACK_ENABLED", "settings", [(6, "registry/hc.decorators.settings.declared.attribute", "decorator"),
                                       (17, "settings/feature-dict.attribute", "ternary")])]


PERMISSIONS = """\
    from hs.features.models import Feature


    def UserHasFeature(feature_name):
        return Feature.objects.get(name=feature_name).is_public
    """
API = """\
    from hs.api.permissions import UserHasFeature


    def permission_classes(method):
        return (UserHasFeature("archetype-training"),) if method == "POST" else ()
    """


def _permission_retired_and_reborn(repo: Repo, files: dict[str, str]) -> str:
    """HSReplay.net's history of ``archetype-training``: ``files`` ask for it one way from 2017-06, while the
    permission ``UserHasFeature("archetype-training")`` is dropped on 2017-09-19 and put back, guarding other
    work, on 2017-10-05. The commit of 2017-09-19."""
    repo.commit("2017-06-01", "archetype training", {
        "hs/__init__.py": "", "hs/features/__init__.py": "", "hs/api/__init__.py": "",
        "hs/features/models.py": "class Feature:\n    objects = None\n", "hs/api/permissions.py": PERMISSIONS,
        "hs/api/decks.py": API, **files})
    base = repo.commit("2017-09-19", "open the API to everyone", {"hs/api/decks.py": API.replace(
        '(UserHasFeature("archetype-training"),) if method == "POST" else ()', "()")})
    repo.commit("2017-10-05", "archetype writes for trainers", {"hs/api/decks.py": API + """\


        def update(request, archetype):
            if UserHasFeature("archetype-training"):
                archetype.save_training(request.data)
        """})
    return base


def test_a_key_asked_through_two_of_the_projects_checks_is_one_flag(tmp_path: Path) -> None:
    """HSReplay.net asks for a row of its ``Feature`` model as ``feature_enabled_for_user("x", user)`` and as the
    permission ``UserHasFeature("x")``, two functions in two modules. As two SDKs, ``archetype-training`` was
    retired with its permission check (2017-09-19) and reborn with it (2017-10-05) while three views kept
    asking for it the other way: a blocking FA201 at the tip. One family, the key never left the code."""
    repo = Repo(tmp_path / "repo")
    utils = """\
        from hs.features.models import Feature


        def feature_enabled_for_user(feature_name, user):
            return Feature.objects.get(name=feature_name).enabled_for_user(user)
        """
    views = """\
        from hs.features.utils import feature_enabled_for_user


        def training(request):
            if feature_enabled_for_user("archetype-training", request.user):
                return "training"
            return "none"
        """
    _permission_retired_and_reborn(repo, {"hs/features/utils.py": utils, "hs/analytics.py": views})
    result = run_cli("check", "--as-of", "2018-02-10", "--format", "json", "-q", "--no-cache", cwd=repo.path)
    assert result.returncode == 0, result.stdout
    document = json.loads(result.stdout)
    assert [(f["key"], f["sdk"]) for f in document["flags"]] == [("archetype-training", "hs")]
    assert not [f for f in document["findings"] if f["code"] == "FA201"]


def test_a_decorator_that_asks_for_access_to_a_feature_is_a_check_of_it(tmp_path: Path) -> None:
    """HSReplay.net in October 2017: ``@view_requires_feature_access("archetype-training")`` read the ``Feature`` row
    itself, and a name that says "access" was taken for a permission check, so the views' three checks were not
    seen; the permission ``UserHasFeature("archetype-training")`` alone was, and its commit blocked as a reborn
    key. Access to a feature is a check of the feature."""
    repo = Repo(tmp_path / "repo")
    decorators = """\
        from functools import wraps

        from hs.features.models import Feature


        def view_requires_feature_access(feature_name):
            def decorator(view_func):
                @wraps(view_func)
                def wrapper(request, *args, **kwargs):
                    if not Feature.objects.get(name=feature_name).enabled_for_user(request.user):
                        return None
                    return view_func(request, *args, **kwargs)

                return wrapper

            return decorator
        """
    views = """\
        from hs.features.decorators import view_requires_feature_access


        @view_requires_feature_access("archetype-training")
        def training(request):
            return "training"
        """
    base = _permission_retired_and_reborn(repo, {"hs/features/decorators.py": decorators, "hs/analytics.py": views})
    result = run_cli("check", "--base", base, "--as-of", "2017-10-06", "--format", "json", "-q", "--no-cache",
                     cwd=repo.path)
    assert result.returncode == 0, result.stdout
    document = json.loads(result.stdout)
    assert [(f["key"], f["sdk"], len(f["sites"])) for f in document["flags"]] == [("archetype-training", "hs", 3)]


MANAGER_REGISTRY = {
    "share/__init__.py": "",
    "share/models.py": """\
        from django.db import models


        class FeatureFlagManager(models.Manager):
            def flag_is_up(self, flag_name):
                (flag, _) = self.get_or_create(name=flag_name)
                return flag.is_up


        class FeatureFlag(models.Model):
            ELASTIC_EIGHT_DEFAULT = "elastic_eight_default"
            FORBID_UNTRUSTED_FEED = "forbid_untrusted_feed"

            name = models.TextField(unique=True)
            is_up = models.BooleanField(default=False)

            objects = FeatureFlagManager()
        """,
    "trove/__init__.py": "",
    "trove/views.py": """\
        from share.models import FeatureFlag


        def ingest(request):
            if FeatureFlag.objects.flag_is_up(FeatureFlag.FORBID_UNTRUSTED_FEED) and not request.user.is_trusted:
                return 403
            return 200
        """,
}


def test_a_registry_asked_through_its_model_s_manager_is_found(tmp_path: Path) -> None:
    """CenterForOpenScience/SHARE keeps its flags as rows of a model whose class constants name them, and asks
    ``FeatureFlag.objects.flag_is_up(FeatureFlag.FORBID_UNTRUSTED_FEED)``: a method of the model's manager, named
    for flags and given a constant of the class. No key was found: the method's name is no ``has_*`` or
    ``*feature*``, and the call graph names its receiver, so the file was not read again under the rule."""
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in MANAGER_REGISTRY.items()})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert sorted((f.key, f.sdk, [(s.path, s.line) for s in f.sites], [d.line for d in f.definitions])
                  for f in inventory.flags) == [
        ("elastic_eight_default", "share.models.FeatureFlag", [], [11]),
        ("forbid_untrusted_feed", "share.models.FeatureFlag", [("trove/views.py", 5)], [12]),
    ]
    assert [(f.code, f.flag) for f in inventory.findings if f.code == "FA402"] == [("FA402", "elastic_eight_default")]


def _admin_flags(members: dict[str, str], methods: str = "") -> str:
    """pypi/warehouse's shape: an ``AdminFlagValue`` enum of its administrators' flags, and the ``Flags`` object each
    request carries, asked ``enabled(member)`` (and any ``methods``, written at the class body's indentation)."""
    constants = "".join(f'    {name} = "{key}"\n' for name, key in members.items())
    asked = textwrap.indent(textwrap.dedent(methods).strip("\n"), "    ") + "\n\n" if methods.strip() else ""
    return (f"import enum\n\n\nclass AdminFlagValue(enum.Enum):\n{constants}\n\nclass Flags:\n"
            "    def __init__(self, rows):\n        self.rows = rows\n\n" + asked +
            "    def enabled(self, flag_member):\n"
            "        return self.rows.get(flag_member.value, False) if flag_member else False\n")


def test_an_enum_named_for_flags_asked_whether_enabled_is_a_registry(tmp_path: Path) -> None:
    """pypi/warehouse keeps its administrators' flags as an ``AdminFlagValue`` enum and asks
    ``request.flags.enabled(AdminFlagValue.READ_ONLY)``: a method named only for a state (``enabled``) asks for a
    flag when its argument is a constant of a class named for flags, not of any other class."""
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in {
        "shop/__init__.py": "",
        "shop/flags.py": _admin_flags({"READ_ONLY": "read-only", "DISALLOW_DELETION": "disallow-deletion"}),
        "shop/colors.py": """\
            import enum


            class Color(enum.Enum):
                RED = "red"
            """,
        "shop/views.py": """\
            from shop.colors import Color
            from shop.flags import AdminFlagValue


            def upload(request):
                if request.flags.enabled(AdminFlagValue.READ_ONLY):
                    return "read only"
                return "stored"


            def paint(request):
                if request.palette.enabled(Color.RED):
                    return "red"
                return "plain"
            """,
    }.items()})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert {f.key: (f.sdk, [s.line for s in f.sites], len(f.definitions)) for f in inventory.flags} == {
        "read-only": ("shop.flags.AdminFlagValue", [6], 1),
        "disallow-deletion": ("shop.flags.AdminFlagValue", [], 1),
    }


def test_a_class_decorator_given_names_registers_the_class_with_capabilities(tmp_path: Path) -> None:
    """nautobot's models are declared with ``@extras_features("custom_links", "graphql")``: a decorator called with
    names on a class registers it with those capabilities once, at import; it asks for no flag. The same function
    called with a name in a condition does."""
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in {
        "extras/__init__.py": "",
        "extras/utils.py": """\
            REGISTRY = {}


            def extras_features(*features):
                def wrapper(model_class):
                    for feature in features:
                        REGISTRY.setdefault(feature, []).append(model_class)
                    return model_class
                return wrapper


            def has_feature(name):
                return name in REGISTRY
            """,
        "extras/models.py": """\
            from extras.utils import extras_features, has_feature


            @extras_features("custom_links", "graphql")
            class Circuit:
                pass


            @extras_features("webhooks")
            class Provider:
                pass


            def links(model):
                if has_feature("new_links_panel"):
                    return "panel"
                return "list"
            """,
    }.items()})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert sorted(f.key for f in inventory.flags) == ["new_links_panel"]


def test_a_helper_that_checks_the_key_it_is_given_and_one_of_its_own_checks_both(tmp_path: Path) -> None:
    """pypi/warehouse's ``flags.disallow_oidc(AdminFlagValue.DISALLOW_GITHUB_OIDC)`` is ``enabled(member) or
    enabled(AdminFlagValue.DISALLOW_OIDC)``: a call checks the key it gives and the helper's own, so neither is a flag
    defined and never checked (FA402). Called with nothing, it checks its own."""
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in {
        "shop/__init__.py": "",
        "shop/flags.py": _admin_flags({"DISALLOW_OIDC": "disallow-oidc",
                                       "DISALLOW_GITHUB_OIDC": "disallow-github-oidc"}, """
                def disallow_oidc(self, flag_member=None):
                    return self.enabled(flag_member) or self.enabled(AdminFlagValue.DISALLOW_OIDC)
            """),
        "shop/views.py": """\
            from shop.flags import AdminFlagValue


            def publish(request):
                closed = request.flags.disallow_oidc(AdminFlagValue.DISALLOW_GITHUB_OIDC)
                return {"github": "closed" if closed else "open"}


            def publishers(request):
                return [] if request.flags.disallow_oidc() else ["github"]
            """,
    }.items()})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert {f.key: [(s.path, s.line) for s in f.sites] for f in inventory.flags} == {
        "disallow-github-oidc": [("shop/views.py", 5)],
        "disallow-oidc": [("shop/flags.py", 14), ("shop/views.py", 5), ("shop/views.py", 10)],
    }
    assert [f.code for f in inventory.findings if f.code == "FA402"] == []


def test_a_constant_of_another_module_s_class_of_the_same_name_is_that_registry_s(tmp_path: Path) -> None:
    """Two apps each keep an ``AdminFlagValue`` enum asked through ``enabled``: a call given one app's constant asks
    that app's registry, not whichever registry's rule comes first; a constant imported through a package that
    re-exports the class is still its registry's."""
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in {
        "shop/__init__.py": "",
        "shop/flags.py": _admin_flags({"READ_ONLY": "read-only"}),
        "legacy/__init__.py": "from legacy.flags import AdminFlagValue\n",
        "legacy/flags.py": _admin_flags({"OLD_UPLOADS": "old-uploads"}),
        "shop/views.py": """\
            import legacy
            from shop.flags import AdminFlagValue


            def upload(request):
                if request.flags.enabled(AdminFlagValue.READ_ONLY):
                    return "read only"
                if request.flags.enabled(legacy.AdminFlagValue.OLD_UPLOADS):
                    return "old"
                return "stored"
            """,
    }.items()})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert {f.key: (f.sdk, [s.line for s in f.sites]) for f in inventory.flags} == {
        "read-only": ("shop.flags.AdminFlagValue", [6]),
        "old-uploads": ("legacy.flags.AdminFlagValue", [8]),
    }
