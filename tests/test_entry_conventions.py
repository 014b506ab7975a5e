"""Code other programs call is alive (no FA301): a Django app's api module, a library's service classes, the
Open edX plugin settings hook, a method of an object a module holds that a route table calls, the hooks
Django calls on a middleware, and the public names of the packages a repository publishes."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flagaudit.scan.project import ScanOptions, scan
from tests.projects import WSGI
from tests.repos import write_files


def _unreachable(tmp_path: Path, files: dict[str, str], code: str = "FA301") -> list[tuple[str | None, str]]:
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in files.items()})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    return sorted((f.flag, f.path) for f in inventory.findings if f.code == code)


LIBRARY = {
    "transcripts/__init__.py": "",
    "transcripts/api.py": """
        from waffle import flag_is_active


        def import_from_folder(request, folder):
            if flag_is_active(request, "transcripts.override_imported"):
                return folder.replace_all()
            return folder.keep_existing()


        def _private_helper(request):
            if flag_is_active(request, "transcripts.private_only"):
                return 1
            return 0
    """,
    "transcripts/services.py": """
        from waffle import switch_is_active


        class ProgressService:
            def tracking_enabled(self):
                return switch_is_active("transcripts.enable_tracking")

            def _internal(self):
                return switch_is_active("transcripts.internal_only")
    """,
    "transcripts/helpers.py": """
        from waffle import switch_is_active


        def forgotten():
            return switch_is_active("transcripts.forgotten")
    """,
}


def test_an_api_module_and_service_classes_are_entry_points(tmp_path: Path) -> None:
    assert _unreachable(tmp_path, LIBRARY) == [
        ("transcripts.forgotten", "transcripts/helpers.py"),
        ("transcripts.internal_only", "transcripts/services.py"),
        ("transcripts.private_only", "transcripts/api.py"),
    ]


PLUGIN = {
    "partner/__init__.py": "",
    "partner/settings/__init__.py": "",
    "partner/settings/common.py": """
        def plugin_settings(settings):
            settings.SOCIAL_AUTH_PIPELINE.append("partner.pipeline.associate_by_email")
    """,
    "partner/pipeline.py": """
        from django.conf import settings


        def associate_by_email(backend, details, user=None, **kwargs):
            if not getattr(settings, "ENABLE_PARTNER_INTEGRATION", False):
                return None
            return {"user": backend.find(details)}
    """,
}


def test_the_plugin_settings_hook_is_an_entry_point(tmp_path: Path) -> None:
    assert _unreachable(tmp_path, PLUGIN) == []
    assert _unreachable(tmp_path, PLUGIN | {"partner/settings/common.py": """
        def other_hook(settings):
            settings.SOCIAL_AUTH_PIPELINE.append("partner.pipeline.associate_by_email")
    """}) == [("ENABLE_PARTNER_INTEGRATION", "partner/pipeline.py")]


ROUTES = {
    "citations/__init__.py": "",
    "citations/views.py": """
        from waffle import flag_is_active


        class CitationViews:
            def __init__(self, name):
                self.name = name

            def citation_list(self):
                def _citation_list(request):
                    if flag_is_active(request, "citations.use_new_service"):
                        return "new"
                    return "old"
                return _citation_list

            def unused_view(self):
                def _unused(request):
                    return flag_is_active(request, "citations.never_routed")
                return _unused
    """,
    "citations/zotero/__init__.py": "",
    "citations/zotero/views.py": """
        from citations.views import CitationViews

        zotero_views = CitationViews("zotero")
    """,
    "citations/zotero/routes.py": """
        from citations.zotero.views import zotero_views

        api_routes = [("/zotero/citations/", zotero_views.citation_list())]
    """,
}


def test_a_method_of_an_object_a_module_holds_is_called_through_it(tmp_path: Path) -> None:
    assert _unreachable(tmp_path, ROUTES) == [("citations.never_routed", "citations/views.py")]


def test_an_unreachable_check_of_a_key_nobody_resolved_names_what_it_reads(tmp_path: Path) -> None:
    """The message says what the check reads (``name``), not ``None``."""
    write_files(tmp_path, {"app/__init__.py": "", "app/util.py": textwrap.dedent("""\
        from waffle import flag_is_active


        def toggle_view_by_flag(name):
            def _view(request):
                if flag_is_active(request, name):
                    return 1
                return 0
            return _view
        """)})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    [finding] = [f for f in inventory.findings if f.code == "FA301"]
    assert finding.message.startswith("an unresolved key (name) [waffle-flag] is checked in app.util."), \
        finding.message


def test_the_hooks_django_calls_on_a_plain_middleware_class_are_entry_points(tmp_path: Path) -> None:
    """cisagov/manage.get.gov's ``CheckPortfolioMiddleware``: a plain class whose ``__init__`` takes
    ``get_response``; Django calls its ``process_view`` (and ``process_exception``, ``process_template_response``),
    which call the helpers that check the flag. A method of that name on another class is not called so."""
    middleware = """
        from waffle import flag_is_active


        class CheckPortfolioMiddleware:
            def __init__(self, get_response):
                self.get_response = get_response

            def __call__(self, request):
                return self.get_response(request)

            def process_view(self, request, view_func, view_args, view_kwargs):
                return self._redirect(request)

            def _redirect(self, request):
                if flag_is_active(request, "multiple_portfolios"):
                    return "select"
                return None


        class Report:
            def process_view(self, request):
                return flag_is_active(request, "report_views")
    """
    assert _unreachable(tmp_path, {"app/__init__.py": "", "app/middleware.py": middleware}) == [
        ("report_views", "app/middleware.py")]


def test_a_handler_a_library_registers_with_its_own_receiver_decorator_is_an_entry_point(tmp_path: Path) -> None:
    """gobii-platform's Stripe webhooks: ``@djstripe_receiver([...])`` registers the handler as Django's
    ``@receiver`` does."""
    signals = """
        from djstripe.event_handlers import djstripe_receiver
        from waffle import switch_is_active


        @djstripe_receiver(["checkout.session.completed"])
        def checkout_completed(event, **kwargs):
            if switch_is_active("stripe_scale_trial_checkout"):
                return "trial"
            return "paid"
    """
    assert _unreachable(tmp_path, {"pages/__init__.py": "", "pages/signals.py": signals}) == []


def test_a_task_a_worker_runs_on_a_schedule_is_an_entry_point(tmp_path: Path) -> None:
    """Flagsmith's recurring tasks are registered with its task processor's ``@register_recurring_task`` and run
    by the worker every hour; only tests call them."""
    tasks = """
        from datetime import timedelta

        from django.conf import settings
        from task_processor.decorators import register_recurring_task


        @register_recurring_task(run_every=timedelta(hours=1))
        def refresh_all_segment_counts():
            if not settings.CLICKHOUSE_ENABLED:
                return None
            return "refreshed"


        def helper_nobody_calls():
            return settings.CLICKHOUSE_ENABLED
    """
    assert _unreachable(tmp_path, {"segments/__init__.py": "", "segments/tasks.py": tasks}) == [
        ("CLICKHOUSE_ENABLED", "segments/tasks.py")]


def test_a_mixin_of_a_framework_class_is_called_through_it(tmp_path: Path) -> None:
    """open-forms' ``FormioConfigMixin`` (no base) gives ``render_change_form`` to an admin class of the
    framework: Django calls it on that class. A mixin no framework class uses stays unreached."""
    admin = """
        from django.contrib import admin
        from flags.state import flag_enabled


        class FormioConfigMixin:
            def render_change_form(self, request, context, **kwargs):
                context["drafts"] = flag_enabled("ZGW_APIS_INCLUDE_DRAFTS", request=request)
                return super().render_change_form(request, context, **kwargs)


        class UnusedMixin:
            def changelist_view(self, request, extra_context=None):
                return flag_enabled("UNUSED_MIXIN", request=request)


        class FormDefinitionAdmin(FormioConfigMixin, admin.ModelAdmin):
            list_display = ("name",)
    """
    assert _unreachable(tmp_path, {"forms/__init__.py": "", "forms/admin.py": admin}) == [
        ("UNUSED_MIXIN", "forms/admin.py")]


APPS_ON_SYS_PATH = {
    "site/__init__.py": "",
    "site/settings/__init__.py": "",
    "site/settings/base.py": """
        import os
        import sys

        sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "apps"))

        TEMPLATES = [{"OPTIONS": {"context_processors": ["hustings.context_processors.show_cta"]}}]
    """,
    "site/apps/__init__.py": "",
    "site/apps/hustings/__init__.py": "",
    "site/apps/hustings/context_processors.py": """
        from django.conf import settings


        def show_cta(request):
            return {"SHOW_CTA": getattr(settings, "SHOW_HUSTINGS_CTA", False)}


        def forgotten(request):
            return {"OLD": getattr(settings, "SHOW_OLD_BANNER", False)}
    """,
}


def test_a_settings_string_names_a_module_of_a_folder_on_sys_path_by_its_ending(tmp_path: Path) -> None:
    """The project puts ``site/apps`` on ``sys.path``, so ``hustings.context_processors.show_cta`` is the function in
    ``site/apps/hustings/context_processors.py``, which flagaudit names ``site.apps.hustings.context_processors``."""
    assert _unreachable(tmp_path, APPS_ON_SYS_PATH) == [("SHOW_OLD_BANNER", "site/apps/hustings/context_processors.py")]


def test_a_name_many_modules_end_with_stays_unresolved(tmp_path: Path) -> None:
    """Each of a few modules of that ending is linked; past eight, the name says too little (and a checkout could
    make every such name cost as much as thousands of modules)."""
    def project(copies: int) -> dict[str, str]:
        files = {"site/__init__.py": "", "site/settings.py": 'HOOKS = ["hooks.cta.show_cta"]\n'}
        for n in range(copies):
            files[f"site/apps{n}/__init__.py"] = files[f"site/apps{n}/hooks/__init__.py"] = ""
            files[f"site/apps{n}/hooks/cta.py"] = """
                from django.conf import settings


                def show_cta(request):
                    return getattr(settings, "SHOW_CTA", False)
            """
        return files

    assert _unreachable(tmp_path / "few", project(8)) == []
    assert len(_unreachable(tmp_path / "many", project(9))) == 9


def test_a_middleware_class_the_settings_name_reaches_the_methods_django_calls(tmp_path: Path) -> None:
    """azavea/nyc-trees (Django 1.8): ``FullAccessMiddleware`` has no ``__init__`` of its own, and
    ``MIDDLEWARE_CLASSES`` names it by a dotted string; Django calls its ``process_view`` on every request, which
    checks the flag. The class the settings name is reached, and so are the hooks Django calls on it."""
    middleware = """
        from waffle import flag_is_active


        class FullAccessMiddleware(object):
            def process_view(self, request, view_func, view_args, view_kwargs):
                if not flag_is_active(request, "full_access"):
                    return "soft launch"
                return None

            def unused(self, request):
                return flag_is_active(request, "full_access_unused")
    """
    settings = 'MIDDLEWARE_CLASSES = (\n    "app.middleware.FullAccessMiddleware",\n)\n'
    assert _unreachable(tmp_path, {"app/__init__.py": "", "app/middleware.py": middleware,
                                   "app/settings.py": settings}) == [("full_access_unused", "app/middleware.py")]


VIEWS_PACKAGE = {
    "meshweb/__init__.py": "",
    "meshweb/urls.py": """
        from django.urls import path

        from meshweb import views

        urlpatterns = [path("maintenance/", views.maintenance), path("", views.index)]
    """,
    "meshweb/views/__init__.py": "from .index import *\nfrom .maintenance import *\nfrom .unused import *\n",
    "meshweb/views/index.py": """
        from waffle import flag_is_active


        def index(request):
            return flag_is_active(request, "new_index")
    """,
    "meshweb/views/maintenance.py": """
        from waffle import switch_is_active


        def maintenance(request):
            if not switch_is_active("maintenance_mode"):
                return "redirect"
            return "page"
    """,
    "meshweb/views/unused.py": """
        from waffle import switch_is_active


        def forgotten(request):
            return switch_is_active("forgotten")
    """,
}


def test_a_view_a_views_package_star_imports_is_routed(tmp_path: Path) -> None:
    """nycmeshnet/meshdb: ``views.maintenance`` names the view its package star-imports from the submodule of the
    same name, not the submodule (the star import binds over it); ``views.index`` the view star-imported from
    another. Only the view no route names stays unreachable."""
    assert _unreachable(tmp_path, VIEWS_PACKAGE) == [("forgotten", "meshweb/views/unused.py")]


GENERIC_BASE = {
    "paperless/__init__.py": "",
    "paperless/serialisers.py": """
        from django.conf import settings
        from rest_framework import serializers

        from paperless.models import ApplicationConfiguration


        class ApplicationConfigurationSerializer(serializers.ModelSerializer[ApplicationConfiguration]):
            def validate_llm_endpoint(self, value):
                if getattr(settings, "LLM_ALLOW_INTERNAL_ENDPOINTS", False):
                    return value
                return check_outbound(value)
    """,
}


def test_a_framework_class_subscripted_as_a_generic_is_the_framework_s(tmp_path: Path) -> None:
    """paperless-ngx's serializer derives from ``serializers.ModelSerializer[ApplicationConfiguration]``: the
    framework class it subscripts, which calls ``validate_<field>`` by name. The base was read as no name, the class
    as the project's own, and the check in its validator as unreachable."""
    assert _unreachable(tmp_path, GENERIC_BASE) == []


def test_views_named_below_the_prefix_of_old_django_patterns_are_routed(tmp_path: Path) -> None:
    """Django before 1.10 joined ``patterns("app.views", url(r"^login/$", "login"))``'s prefix to each view's name
    (mozilla/moztrap's login view); an unrouted view is still unreachable."""
    files = {
        "app/__init__.py": "",
        "app/views.py": """
            from django.conf import settings


            def login(request):
                if settings.USE_BROWSERID:
                    return "browserid"
                return "form"


            def legacy_login(request):
                if settings.USE_LEGACY_LOGIN:
                    return "legacy"
        """,
        "urls.py": """
            from django.conf.urls.defaults import patterns, url

            urlpatterns = patterns("app.views", url(r"^login/$", "login"), (r"^logout/$", "logout"))
        """,
    }
    assert _unreachable(tmp_path, files) == [("USE_LEGACY_LOGIN", "app/views.py")]


def test_pyramid_views_and_subscribers_are_entry_points(tmp_path: Path) -> None:
    """pypi/warehouse is a Pyramid application: its views are ``@view_config`` functions and methods (a class's
    ``@view_defaults`` names the route), its event handlers ``@subscriber``; nothing in the project calls them."""
    views = """
        from pyramid.events import NewRequest, subscriber
        from pyramid.view import view_config, view_defaults
        from waffle import switch_is_active


        @view_config(route_name="accounts.register", renderer="register.html")
        def register(request):
            if switch_is_active("disallow-new-user-registration"):
                return {"closed": True}
            return {}


        @view_defaults(route_name="manage.publishing")
        class ManagePublishing:
            def __init__(self, request):
                self.request = request

            @view_config(request_method="POST")
            def add_publisher(self):
                if switch_is_active("disallow-oidc"):
                    return {"closed": True}
                return {}


        @subscriber(NewRequest)
        def read_only(event):
            return switch_is_active("read-only")


        def helper_nobody_calls():
            return switch_is_active("read-only")
    """
    assert _unreachable(tmp_path, {"accounts/__init__.py": "", "accounts/views.py": views}) == [
        ("read-only", "accounts/views.py")]


PUBLISHED = {
    "pyproject.toml": "[tool.uv.workspace]\nmembers = ['src/*']\n",
    "src/olposthog/pyproject.toml": "[project]\nname = 'mitol-django-olposthog'\n",
    "src/olposthog/mitol/olposthog/__init__.py": "",
    "src/olposthog/mitol/olposthog/features.py": """
        from django.conf import settings
        from waffle import switch_is_active


        def is_enabled(name):
            if not getattr(settings, "POSTHOG_ENABLED", False):
                return switch_is_active("olposthog.fallback")
            return True


        def _cached(name):
            return switch_is_active("olposthog.private_only")
    """,
    "src/olposthog/mitol/olposthog/_compat.py": """
        from waffle import switch_is_active


        def shim():
            return switch_is_active("olposthog.compat_only")
    """,
    "testapp/manage.py": "",
    "testapp/main/__init__.py": "",
    "testapp/main/settings.py": "POSTHOG_ENABLED = True\nENABLE_LOCAL_REPORTS = True\n",
    "testapp/main/wsgi.py": WSGI,
    "testapp/main/views.py": """
        from django.conf import settings


        def reports(request):
            if getattr(settings, "ENABLE_LOCAL_REPORTS", False):
                return "local"
            return "remote"
    """,
    "backend/pyproject.toml": "[project]\nname = 'shop'\n",
    "backend/manage.py": "",
    "backend/shop/__init__.py": "",
    "backend/shop/helpers.py": """
        from waffle import switch_is_active


        def forgotten():
            return switch_is_active("shop.forgotten")
    """,
}


def test_the_public_names_of_a_published_package_are_entry_points(tmp_path: Path) -> None:
    """mitodl/ol-django publishes twenty Django apps from one repository (``src/olposthog/pyproject.toml``), tried in
    a ``testapp``: its ``is_enabled(name)`` is the API the installing projects call, and the ``POSTHOG_ENABLED`` they
    set is not fixed by the harness's settings. A private name, or one of a private module, is not called from
    outside; a folder with a ``pyproject.toml`` that deploys an application (``backend/manage.py``) publishes
    nothing, nor does the root's."""
    unreachable = [("ENABLE_LOCAL_REPORTS", "testapp/main/views.py"), ("olposthog.compat_only",
                   "src/olposthog/mitol/olposthog/_compat.py"), ("olposthog.private_only",
                   "src/olposthog/mitol/olposthog/features.py"), ("shop.forgotten", "backend/shop/helpers.py")]
    assert _unreachable(tmp_path / "published", PUBLISHED) == unreachable
    assert _unreachable(tmp_path / "published", PUBLISHED, "FA104") == [("ENABLE_LOCAL_REPORTS",
                                                                          "testapp/main/views.py")]
    # the same package served from its own folder is an application's: nothing calls is_enabled there
    served = PUBLISHED | {"src/olposthog/asgi.py": ""}
    assert _unreachable(tmp_path / "served", served) == sorted([
        *unreachable, ("POSTHOG_ENABLED", "src/olposthog/mitol/olposthog/features.py"),
        ("olposthog.fallback", "src/olposthog/mitol/olposthog/features.py")])
    assert _unreachable(tmp_path / "served", served, "FA104") == [
        ("ENABLE_LOCAL_REPORTS", "testapp/main/views.py"),
        ("POSTHOG_ENABLED", "src/olposthog/mitol/olposthog/features.py")]
