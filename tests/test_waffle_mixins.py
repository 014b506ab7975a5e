"""django-waffle's class-based view mixins: ``waffle_flag = "name"`` on a ``WaffleFlagMixin`` subclass is a check
of ``name`` guarding the class's code (``"!name"``: while the flag is off); the remove codemod leaves it to a person.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.repos import git, write_files
from tests.run import run_cli

VIEWS = '''\
from django.views.generic import View
from waffle import mixins
from waffle.mixins import WaffleFlagMixin

from app.flags import MAINTENANCE


class NewReports(WaffleFlagMixin, View):
    waffle_flag = "new_reports"

    def get(self, request):
        return "reports"


class Checkout(mixins.WaffleSwitchMixin, View):
    waffle_switch = "!" + MAINTENANCE

    def get(self, request):
        return "checkout"


class Plain(View):
    waffle_flag = "not_a_check"
'''


def _project(tmp_path: Path) -> Path:
    write_files(tmp_path, {"app/__init__.py": "", "app/flags.py": 'MAINTENANCE = "maintenance_mode"\n',
                           "app/views.py": VIEWS, "app/urls.py": "from app.views import Checkout, NewReports\n"})
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "views")
    return tmp_path


def test_a_mixin_attribute_is_a_check_guarding_its_class(tmp_path: Path) -> None:
    ran = run_cli("scan", "--format", "json", "--no-cache", str(_project(tmp_path)), cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    sites = [(flag["key"], flag["sdk"], site["function"], site["line"], site["guard"], site["on"], site["off"])
             for flag in json.loads(ran.stdout)["flags"] for site in flag["sites"]]
    assert sites == [
        ("maintenance_mode", "waffle-switch", "app.views.Checkout", 16, "decorator", [], [[18, 19]]),
        ("new_reports", "waffle-flag", "app.views.NewReports", 9, "decorator", [[11, 12]], []),
    ]


def test_remove_leaves_a_mixin_to_a_person(tmp_path: Path) -> None:
    project = _project(tmp_path)
    ran = run_cli("remove", "-C", str(project), "--no-cache", "new_reports", "--as", "on")
    assert ran.returncode == 1 and ran.stdout == ""
    assert ("app/views.py:9: a view class's flag mixin (django-waffle/WaffleFlagMixin): remove the mixin and the "
            "attribute by hand") in ran.stderr
