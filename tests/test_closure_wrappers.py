"""Project helpers whose check sits in a closure: a decorator factory (``@require_switch(NAME)``) checks the flag
in a function it returns, with its own parameter as the key, so the factory is the wrapper and its decorator
uses are the sites, guarding the decorated function."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flagaudit.scan.project import ScanOptions, scan
from tests.repos import write_files

DECORATORS = """\
    import waffle
    from django.http import Http404


    def check_waffle_object(fn, switch_name):
        def checked(*args, **kwargs):
            if waffle.switch_is_active(switch_name):
                return fn(*args, **kwargs)
            raise Http404("Endpoint is disabled.")
        return checked


    def require_switch(switch_name):
        def wrapper(fn):
            return check_waffle_object(fn, switch_name)
        return wrapper


    def require_named(switch_name):
        def wrapper(fn):
            def inner(switch_name, *args):  # its own parameter hides the factory's
                return waffle.switch_is_active(switch_name) and fn(*args)
            return inner
        return wrapper


    def legacy_only():
        name = "legacy_export"

        def inner():
            return waffle.switch_is_active(name)
        return inner
"""
VIEWS = """\
    from app.decorators import legacy_only, require_named, require_switch
    from app.features import ENABLE_RAW_METRICS


    class RawMetricsView:
        @require_switch(ENABLE_RAW_METRICS)
        def get(self, request):
            return run_raw_query(request)

        @require_named("not_a_key")
        def post(self, request):
            return run_raw_query(request)


    def run_raw_query(request):
        return request


    urlpatterns = [RawMetricsView, legacy_only]
"""


def _scan(tmp_path: Path, files: dict[str, str]):
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in files.items()})
    return scan((str(tmp_path),), ScanOptions(use_cache=False, workers=1))


def test_a_decorator_factory_whose_closure_checks_its_parameter_is_a_wrapper(tmp_path: Path) -> None:
    inventory = _scan(tmp_path, {"app/__init__.py": "", "app/decorators.py": DECORATORS, "app/views.py": VIEWS,
                                 "app/features.py": 'ENABLE_RAW_METRICS = "enable_raw_metrics"\n'})
    flags = {(f.key, f.pattern): f for f in inventory.flags}
    [site] = flags[("enable_raw_metrics", False)].sites
    assert (site.path, site.line, site.guard, site.function) == (
        "app/views.py", 6, "decorator", "app.views.RawMetricsView.get")
    assert site.via == ("app.decorators.require_switch", "app.decorators.check_waffle_object")
    assert site.on == ((8, 8),)
    # a closure reads its enclosing function's local value: the key is known
    [legacy] = flags[("legacy_export", False)].sites
    assert legacy.function == "app.decorators.legacy_only.inner"
    # the inner function's own parameter is not the factory's: no key flows from the decorator's argument
    assert ("not_a_key", False) not in flags
    assert [s.line for s in flags[(None, False)].sites] == [22]
