"""A project's own subclass of an SDK class has the SDK's checks: unicef/etools keeps its flags per tenant in
models derived from django-waffle's ``BaseModel`` and reads them with ``TenantSwitch.get(name).is_active()`` in
its helpers, which no rule names (0 of its 14 keys were found)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flagaudit.scan.project import ScanOptions, scan
from tests.helpers import flags_in
from tests.repos import write_files

MODELS = """
    from django.db import models
    from waffle.models import AbstractUserFlag, BaseModel


    class TenantFlag(BaseModel):
        name = models.CharField(max_length=100)

        def is_active(self, request):
            return True


    class TenantSwitch(BaseModel):
        name = models.CharField(max_length=100)

        def is_active(self):
            return True


    class AuditedTenantSwitch(TenantSwitch):
        pass


    class TeamFlag(AbstractUserFlag):
        pass


    class Tenant(BaseModel):
        name = models.CharField(max_length=100)
"""

HELPERS = """
    from app.models import AuditedTenantSwitch, TeamFlag, Tenant, TenantFlag, TenantSwitch


    def tenant_flag_is_active(request, flag_name):
        flag = TenantFlag.get(flag_name)
        return flag.is_active(request)


    def tenant_switch_is_active(switch_name):
        switch = TenantSwitch.get(switch_name)
        return switch.is_active()


    def audited(name):
        return AuditedTenantSwitch.get(name).is_active()


    def team_flag(request, name):
        return TeamFlag.get(name).is_active(request)


    def tenant(name):
        return Tenant.get(name)
"""

VIEWS = """
    from app.helpers import audited, team_flag, tenant, tenant_flag_is_active, tenant_switch_is_active


    def sync(request):
        if tenant_switch_is_active("disable_vision_sync"):
            return None
        if tenant_flag_is_active(request, "new_dashboard") or team_flag(request, "team_beta"):
            return "new"
        return "audited" if audited("audit_trail") else tenant("unicef")
"""


def test_a_project_model_derived_from_waffle_has_its_checks() -> None:
    flags = flags_in({"app/__init__.py": "", "app/models.py": MODELS, "app/helpers.py": HELPERS,
                      "app/views.py": VIEWS})
    assert sorted((f.sdk, f.key, [(s.path, s.line) for s in f.sites]) for f in flags) == [
        ("waffle-flag", "new_dashboard", [("app/views.py", 8)]),
        ("waffle-flag", "team_beta", [("app/views.py", 8)]),
        ("waffle-switch", "audit_trail", [("app/views.py", 10)]),
        ("waffle-switch", "disable_vision_sync", [("app/views.py", 6)]),
    ]


TEAMS_MODELS = """
    from waffle.models import AbstractUserFlag


    class Flag(AbstractUserFlag):
        pass
"""

TEAMS_MIGRATION = """
    from django.db import migrations


    def forwards(apps, schema_editor):
        Flag = apps.get_model("teams", "Flag")
        Flag.objects.get_or_create(name="flag_hybrid_search", defaults={"everyone": False})
"""

TEAMS_VIEWS = """
    from apps.teams.models import Flag


    class Collection:
        def _flag_active_for_team(self, name):
            flag = Flag.objects.filter(name=name).first()
            if not flag:
                return False
            return flag.is_active_for_team(self.team)

        def hybrid(self):
            return self._flag_active_for_team("flag_hybrid_search")

        def contextual(self):
            if self._flag_active_for_team("flag_contextual_retrieval"):
                return 1
            return 0
"""


def test_the_rows_of_a_project_model_derived_from_waffles_are_flags(tmp_path: Path) -> None:
    """dimagi/open-chat-studio swaps waffle's flag model for its own ``apps.teams.models.Flag`` and reads rows of
    it in a helper (``Flag.objects.filter(name=k).first()``, then ``is_active_for_team``); a migration makes
    one through ``apps.get_model("teams", "Flag")``. The rows are flags as waffle's are: the helper's calls are
    sites, the migration's row a definition, and a key no row defines is no "unknown key" (the admin makes
    rows, as for waffle's own model)."""
    write_files(tmp_path, {"apps/__init__.py": "", "apps/teams/__init__.py": "",
                           "apps/teams/models.py": textwrap.dedent(TEAMS_MODELS),
                           "apps/teams/migrations/__init__.py": "",
                           "apps/teams/migrations/0010_create_flag.py": textwrap.dedent(TEAMS_MIGRATION),
                           "apps/documents/__init__.py": "",
                           "apps/documents/models.py": textwrap.dedent(TEAMS_VIEWS)})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert sorted((f.sdk, f.key, [(s.path, s.line) for s in f.sites], [(d.path, d.line) for d in f.definitions])
                  for f in inventory.flags) == [
        ("waffle-flag", "flag_contextual_retrieval", [("apps/documents/models.py", 16)], []),
        ("waffle-flag", "flag_hybrid_search", [("apps/documents/models.py", 13)],
         [("apps/teams/migrations/0010_create_flag.py", 7)]),
    ]
    assert not [f for f in inventory.findings if f.code == "FA401"]


def test_a_row_made_in_an_integration_test_folder_defines_nothing(tmp_path: Path) -> None:
    """CMSgov/bluebutton-web-server makes its own ``Flag`` rows in ``apps/integration_tests/``: a folder named
    ``*_tests`` holds tests, whose rows are fixtures, not the flag's definition."""
    fixture = ("from apps.teams.models import Flag\n\n\n"
               "def setup():\n    Flag.objects.create(name='flag_hybrid_search')\n")
    write_files(tmp_path, {"apps/__init__.py": "", "apps/teams/__init__.py": "",
                           "apps/teams/models.py": textwrap.dedent(TEAMS_MODELS),
                           "apps/integration_tests/__init__.py": "",
                           "apps/integration_tests/fixtures.py": fixture,
                           "apps/documents/__init__.py": "",
                           "apps/documents/models.py": textwrap.dedent(TEAMS_VIEWS)})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert [(f.key, f.definitions) for f in inventory.flags if f.key == "flag_hybrid_search"] == [
        ("flag_hybrid_search", ())]
