"""An SDK's check a project module imports is that check wherever the code takes it from there: ``from
app.base import flag_is_active`` after ``app/base.py`` did ``from waffle import flag_is_active``, a decorator the
same way, and every name a module takes with ``from app.base import *`` (gobii-platform's settings views). A name
the starred module does not bind, or a builtin, is not made one."""

from __future__ import annotations

from tests.helpers import flags_in

BASE = """
    from waffle import flag_is_active
    from waffle.decorators import waffle_switch


    def helper():
        return 1
"""

STARRED = """
    from app.base import *


    def page(request):
        if flag_is_active(request, "star_key"):
            return helper()
        return len([])
"""

NAMED = """
    from app.base import flag_is_active, waffle_switch


    @waffle_switch("deco_key")
    def other(request):
        return flag_is_active(request, "named_key")
"""


def _keys(files: dict[str, str]) -> list[tuple[str | None, str, str]]:
    return sorted((f.key, f.sdk, s.path) for f in flags_in(files) for s in f.sites)


def test_checks_taken_from_a_project_module_are_checks() -> None:
    assert _keys({"app/__init__.py": "", "app/base.py": BASE, "app/views.py": STARRED, "app/more.py": NAMED}) == [
        ("deco_key", "waffle-switch", "app/more.py"), ("named_key", "waffle-flag", "app/more.py"),
        ("star_key", "waffle-flag", "app/views.py")]


def test_a_name_the_module_does_not_bind_is_no_check() -> None:
    base = BASE.replace("    from waffle import flag_is_active\n", "")
    assert _keys({"app/__init__.py": "", "app/base.py": base, "app/views.py": STARRED, "app/more.py": NAMED}) == [
        ("deco_key", "waffle-switch", "app/more.py")]
    two_stars = STARRED.replace("from app.base import *", "from app.base import *\nfrom app.other import *")
    assert _keys({"app/__init__.py": "", "app/base.py": BASE, "app/views.py": two_stars}) == []
