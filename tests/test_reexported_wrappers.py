"""A project's flag helper imported from the package that re-exports it is still the helper.

``lib/toggles/__init__.py`` re-exports ``is_on`` from ``lib/toggles/checks.py``; the views call it as
``toggles.is_on`` or import it from the package, so the call is written with the package's name, not the
module that defines the helper. Each way of calling it must be a site of the caller's key.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.projects import IS_ON
from tests.run import run_cli

_BODY = "\n\n\ndef view(request):\n    if is_on(request, 'new_checkout'):\n        return 1\n    return 2\n"
CALLERS = {
    "the package imported": "from lib import toggles" + _BODY.replace("is_on(", "toggles.is_on("),
    "the helper imported from the package": "from lib.toggles import is_on" + _BODY,
    "re-exported again by the parent package": "from lib import is_on" + _BODY,
}


def _project(tmp_path: Path, caller: str) -> Path:
    files = {
        "lib/__init__.py": "from .toggles import is_on\n",
        "lib/toggles/__init__.py": "from .checks import is_on\n",
        "lib/toggles/checks.py": IS_ON,
        "app/__init__.py": "",
        "app/views.py": caller,
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def _sites(tmp_path: Path) -> list[tuple[str, str, int, list[str]]]:
    ran = run_cli("scan", "--format", "json", str(tmp_path), cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    return [(flag["key"], site["path"], site["line"], site["via"])
            for flag in json.loads(ran.stdout)["flags"] for site in flag["sites"]]


@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_a_call_by_the_package_name_is_a_site(tmp_path: Path, caller: str) -> None:
    sites = _sites(_project(tmp_path, CALLERS[caller]))
    assert ("new_checkout", "app/views.py", 5, ["lib.toggles.checks.is_on"]) in sites


def test_a_module_that_is_not_a_package_does_not_re_export(tmp_path: Path) -> None:
    """Only a package's ``__init__`` is a facade: a module that imports the helper for its own use is not
    where callers get it from, and its name is not taken for the helper's."""
    project = _project(tmp_path, "from lib.other import is_on" + _BODY)
    (project / "lib/other.py").write_text("from lib.toggles.checks import is_on\n")
    assert [s for s in _sites(project) if s[1] == "app/views.py"] == []
