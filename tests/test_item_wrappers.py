"""Helpers that check each key of a list they are given: a logger that logs while any of its switches is on
(``getSmarterLogger(__name__, any_switches=[...])`` in smarter-sh/smarter), a guard that needs all of its flags.
Each key the caller writes in the list is a site; a call that passes no list checks nothing. And where a helper
method's parameter is: a static method's first."""

from __future__ import annotations

import textwrap

from tests.helpers import flags_in

SWITCHED_LOGGER = {
    "app/__init__.py": "",
    "app/switches.py": """
        class Switches:
            API_LOGGING = "log_api"
            VIEWS_LOGGING = "log_views"
    """,
    "app/logs.py": """
        import logging

        from waffle import switch_is_active


        def get_logger(name=None, any_switches=None):
            def enabled():
                return bool(any_switches) and any(switch_is_active(switch) for switch in any_switches)

            return SwitchedLogger(logging.getLogger(name), enabled)


        class SwitchedLogger:
            def __init__(self, logger, enabled):
                self.logger, self.enabled = logger, enabled
    """,
    "app/views.py": """
        from app.logs import get_logger
        from app.switches import Switches

        logger = get_logger(__name__, any_switches=[Switches.API_LOGGING, Switches.VIEWS_LOGGING])
        quiet = get_logger(__name__)
        other = get_logger(__name__, None)
    """,
    "app/access.py": """
        from waffle import flag_is_active


        class Gate:
            def all_on(self, request, names):
                for name in names:
                    if not flag_is_active(request, name):
                        return False
                return True


        def report(request, gate: Gate):
            if gate.all_on(request, ("reports_v2", "exports_v2")):
                return "new"
            return "old"
    """,
}


def test_each_key_of_the_list_is_a_site_of_the_helper() -> None:
    flags = {flag.key: flag for flag in flags_in(SWITCHED_LOGGER)}
    assert sorted(flags, key=str) == ["exports_v2", "log_api", "log_views", "reports_v2"]
    assert [(s.path, s.line, s.key_ref.expression, s.rule) for s in flags["log_api"].sites] == [
        ("app/views.py", 5, "Switches.API_LOGGING", "wrapper/app.logs.get_logger")]
    [site] = flags["reports_v2"].sites
    assert (site.path, site.function, site.guard, site.on, site.off) == (
        "app/access.py", "app.access.report", "early-return", ((15, 15),), ((16, 16),))


def test_a_loop_over_anything_but_a_parameter_makes_no_helper() -> None:
    files = {"app/__init__.py": "", "app/views.py": """
        from waffle import switch_is_active

        NAMES = ("a", "b")


        def any_on(names):
            local = list(names)
            return any(switch_is_active(name) for name in local)


        def both():
            return all(switch_is_active(name) for name in NAMES)


        def page():
            return any_on(["c", "d"])
    """}
    assert "c" not in {flag.key for flag in flags_in(files)}


def test_a_static_method_passes_its_first_parameter() -> None:
    """Amsterdam/signals: ``self.feature_enabled('X')`` calls a static method, which has no ``self`` to skip: the
    key is the call's first argument (a method's own ``self.enabled('X')`` skips it, as before)."""
    files = {"app/__init__.py": "", "app/validation.py": """
        from django.conf import settings


        class SignalValidationMixin:
            @staticmethod
            def feature_enabled(feature_flag_name=None):
                return settings.FEATURE_FLAGS.get(feature_flag_name, True) if feature_flag_name else True

            def enabled(self, name):
                return settings.FEATURE_FLAGS.get(name, False)

            def validate(self, attrs):
                if self.feature_enabled("API_TRANSFORM_SOURCE") and self.enabled("API_STRICT"):
                    return attrs
                return {}
    """}
    keys = {flag.key: [s.rule for s in flag.sites] for flag in flags_in(files) if flag.key}
    assert keys == {"FEATURE_FLAGS['API_STRICT']": ["wrapper/app.validation.SignalValidationMixin.enabled"],
                    "FEATURE_FLAGS['API_TRANSFORM_SOURCE']": [
                        "wrapper/app.validation.SignalValidationMixin.feature_enabled"]}


def test_a_wrapper_builds_its_key_from_literals_around_its_parameter_cased() -> None:
    """Amsterdam/signals: ``flag = f'SKIP_PERMISSION_{permission.upper()}'`` then ``settings.FEATURE_FLAGS[flag]``
    in a static method its callers give ``permission='VIA_CATEGORY'``: each caller's key is the literal around the
    parameter and the value it passes, upper-cased (it was the pattern ``SKIP_PERMISSION_*``). A value not known
    until run time is still a pattern; a constant is cased once it is resolved (``beta(NAME)``)."""
    files = {"app/__init__.py": "", "app/permissions.py": """
        from django.conf import settings
        from waffle import flag_is_active


        class Service:
            @staticmethod
            def _skip(permission):
                flag = f'SKIP_PERMISSION_{permission.upper()}'
                if hasattr(settings, 'FEATURE_FLAGS') and flag in settings.FEATURE_FLAGS:
                    return settings.FEATURE_FLAGS[flag]
                return False

            @staticmethod
            def routing(user):
                return Service._skip(permission='VIA_ROUTING')

            @staticmethod
            def category(user):
                return Service._skip('via_category')


        def beta(name):
            return flag_is_active(None, "beta-" + name.lower() + "-v2")


        NAME = "Cart"


        def use(request, kind):
            return beta("Checkout") or beta(kind) or beta(NAME)
    """}
    keys = {(flag.key, flag.pattern): [s.key_ref.expression for s in flag.sites] for flag in flags_in(files)}
    assert keys == {
        ("FEATURE_FLAGS['SKIP_PERMISSION_VIA_CATEGORY']", False): ["'via_category'.upper()"],
        ("FEATURE_FLAGS['SKIP_PERMISSION_VIA_ROUTING']", False): ["'VIA_ROUTING'.upper()"],
        ("beta-checkout-v2", False): ['"Checkout".lower()'],
        ("beta-cart-v2", False): ["NAME.lower()"],
        ("beta-*-v2", True): ["kind.lower()"],
    }


def test_a_helper_method_called_through_its_class_is_a_wrapper_call() -> None:
    """``Service._skip(permission='X')`` names the static method in full, not as ``._skip`` of an unknown object:
    its file is analysed again once the helper is inferred (it was not, so its key stayed unresolved)."""
    files = {"app/__init__.py": "", "app/permissions.py": """
        from django.conf import settings


        class Service:
            @staticmethod
            def _skip(permission):
                return settings.FEATURE_FLAGS[permission]

            @staticmethod
            def routing(user):
                return Service._skip(permission='VIA_ROUTING')
    """}
    assert [(flag.key, [s.rule for s in flag.sites]) for flag in flags_in(files)] == [
        ("FEATURE_FLAGS['VIA_ROUTING']", ["wrapper/app.permissions.Service._skip"])]


def test_a_helper_method_whose_name_other_classes_share_is_inferred_by_its_class() -> None:
    """openedx/edx-django-utils' monitoring middleware: two classes of one module each have ``_is_enabled()``
    returning its own switch. Neither was inferred (a method is recognised by a name no other function has), so
    each key's only site was the bare ``return`` and history had nothing to judge; a class's own
    ``self._is_enabled()`` now reads as that class's method."""
    middleware = """
        class {name}Middleware:
            def __call__(self, request):
                if self._is_enabled():
                    {work}(request)

            def _is_enabled(self):
                return waffle.switch_is_active("app.enable_{key}")
    """
    files = {"app/__init__.py": "", "app/middleware.py": "import waffle\n\n" + "\n\n".join(
        textwrap.dedent(middleware.format(name=name, work=work, key=name.lower()))
        for name, work in (("Memory", "log_memory"), ("Frontend", "insert_script")))}
    sites = {flag.key: [(s.function.rpartition(".")[2], s.via) for s in flag.sites] for flag in flags_in(files)}
    assert sites == {
        "app.enable_frontend": [("__call__", ("app.middleware.FrontendMiddleware._is_enabled",)),
                                ("_is_enabled", ())],
        "app.enable_memory": [("__call__", ("app.middleware.MemoryMiddleware._is_enabled",)), ("_is_enabled", ())]}
