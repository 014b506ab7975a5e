"""A project's own flag registry, found without a hand-written rule: ``project.has_feature(Feature.NAME)``."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flagaudit.scan.project import ScanOptions, scan
from tests.repos import write_files

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
