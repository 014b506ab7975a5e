"""A project's own function named as an SDK's check is that check (uktrade/digital-workspace-v2).

``core/utils.py`` answers ``flag_is_active(request, flag_name)`` from a cached table of waffle's rows instead of
asking waffle each time: the views call it with waffle's flag names, so each call is a waffle flag's site."""

from __future__ import annotations

import json
from pathlib import Path

from tests.run import run_cli

UTILS = '''from waffle import flag_is_active as waffle_flag_is_active

from core.models import FeatureFlag


def all_flags(request):
    return {flag.name: waffle_flag_is_active(request, flag.name) for flag in FeatureFlag.objects.all()}


def flag_is_active(request, flag_name):
    """Replicates waffle's check with cached results."""
    return all_flags(request).get(flag_name)
'''
VIEWS = '''from core import flags
from core.utils import flag_is_active


def sidebar(request):
    if flag_is_active(request, flags.PF_DISCOVER):
        return "discover"
    return "plain"


def links(request):
    return {"enabled": flag_is_active(request, "external_links")}
'''


def _flags(tmp_path: Path, files: dict[str, str]) -> dict[str, list[tuple[str, int, str, list[str]]]]:
    for name, text in {"core/__init__.py": "", "core/models.py": "class FeatureFlag:\n    pass\n",
                       "core/flags.py": 'PF_DISCOVER = "pf_discover"\n', **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    ran = run_cli("scan", "--format", "json", str(tmp_path), cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    return {flag["key"]: [(s["path"], s["line"], flag["sdk"], s["via"]) for s in flag["sites"]]
            for flag in json.loads(ran.stdout)["flags"] if flag["key"]}


def test_a_function_named_as_the_sdk_check_is_that_check(tmp_path: Path) -> None:
    found = _flags(tmp_path, {"core/utils.py": UTILS, "core/views.py": VIEWS})
    assert found["pf_discover"] == [("core/views.py", 6, "waffle-flag", ["core.utils.flag_is_active"])]
    assert found["external_links"] == [("core/views.py", 12, "waffle-flag", ["core.utils.flag_is_active"])]


def test_a_method_or_a_function_without_the_key_parameter_is_not(tmp_path: Path) -> None:
    """A method of that name is some class's own business, and a function of that name that takes no key where
    the check has it cannot be asked for one."""
    utils = ("from waffle import flag_is_active as ask, switch_is_active as ask_switch\n\n\n"
             "def warm(request):\n    return ask(request, 'warm'), ask_switch('warm')\n\n\n"
             "class Cache:\n    def flag_is_active(self, request, flag_name):\n        return True\n\n\n"
             "def switch_is_active():\n    return True\n")
    views = ("from core.utils import Cache, switch_is_active\n\n\ndef view(request):\n"
             "    return Cache().flag_is_active(request, 'cached') or switch_is_active()\n")
    assert _flags(tmp_path, {"core/utils.py": utils, "core/views.py": views}).keys() == {"warm"}


def test_a_module_that_never_asks_the_sdk_has_a_check_of_its_own(tmp_path: Path) -> None:
    """The shop fixture's ``flag_is_active(request, name)`` answers whether a customer joined a beta programme:
    nothing in its module asks waffle, so the name is a coincidence."""
    utils = "def flag_is_active(request, flag_name):\n    return flag_name in request.user.profile.programmes\n"
    assert _flags(tmp_path, {"core/utils.py": utils, "core/views.py": VIEWS}) == {}
