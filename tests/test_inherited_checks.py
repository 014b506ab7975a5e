"""A project's own subclass of an SDK class has the SDK's checks: unicef/etools keeps its flags per tenant in
models derived from django-waffle's ``BaseModel`` and reads them with ``TenantSwitch.get(name).is_active()`` in
its helpers, which no rule names (0 of its 14 keys were found)."""

from __future__ import annotations

from tests.helpers import flags_in

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
