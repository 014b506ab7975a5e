"""A Django project in a folder of the repository is imported from that folder.

``python manage.py`` puts the folder of ``manage.py`` first on ``sys.path``, so the project's code imports
``shop.flags``, not ``web.shop.flags``, even when ``web/`` holds an ``__init__.py`` (left there for a test
runner at the top). Module names start below that folder, or a key held in ``shop/flags.py`` resolves to
nothing: at the tip, and in history, where the folder's files come and go.
"""

from __future__ import annotations

import json
from pathlib import Path

from flagaudit.scan.discover import discover
from tests.helpers import story
from tests.repos import Repo
from tests.run import run_cli

MANAGE = '''\
    import os
    import sys

    if __name__ == "__main__":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
        from django.core.management import execute_from_command_line
        execute_from_command_line(sys.argv)
    '''

VIEWS = '''\
    from waffle import flag_is_active

    from shop import flags


    def checkout(request):
        if flag_is_active(request, flags.NEW_CHECKOUT):
            return "new"
        return "old"
    '''

PROJECT = {
    "web/__init__.py": "",
    "web/manage.py": MANAGE,
    "web/shop/__init__.py": "",
    "web/shop/flags.py": 'NEW_CHECKOUT = "new_checkout"\n',
    "web/shop/views.py": VIEWS,
}


def _sites(root: Path) -> list[tuple[str, str, int]]:
    ran = run_cli("scan", "--format", "json", "--no-cache", str(root), cwd=root)
    assert ran.returncode == 0, ran.stderr
    return [(flag["key"], site["path"], site["line"]) for flag in json.loads(ran.stdout)["flags"]
            for site in flag["sites"]]


def test_a_key_imported_below_the_manage_py_folder_resolves(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit("2026-01-05", "Shop behind a flag", PROJECT)
    assert _sites(tmp_path) == [("new_checkout", "web/shop/views.py", 7)]
    assert story(repo.history(), "new_checkout") == [("born", "2026-01-05")]


def test_without_manage_py_the_folder_is_a_package_again(tmp_path: Path) -> None:
    """Once the project runs from the top, its code imports ``web.shop``; the key neither retires nor is
    born again when the layout changes, as long as each version's imports name it (the edited import is a
    change of the site's code)."""
    repo = Repo(tmp_path)
    repo.commit("2026-01-05", "Shop behind a flag", PROJECT)
    repo.commit("2026-02-01", "Run from the top", {
        "web/shop/views.py": VIEWS.replace("from shop import", "from web.shop import"),
        "manage.py": MANAGE.replace("shop.settings", "web.shop.settings")}, moves={"web/manage.py": "manage.py"})
    assert _sites(tmp_path) == [("new_checkout", "web/shop/views.py", 7)]
    assert story(repo.history(), "new_checkout") == [("born", "2026-01-05"), ("changed", "2026-02-01")]


def test_a_folder_with_manage_py_and_no_init_names_modules_as_before(tmp_path: Path) -> None:
    """Without an ``__init__.py`` the folder was never part of a name: nothing changes there."""
    repo = Repo(tmp_path)
    repo.commit("2026-01-05", "Shop behind a flag", {k: v for k, v in PROJECT.items() if k != "web/__init__.py"})
    assert _sites(tmp_path) == [("new_checkout", "web/shop/views.py", 7)]


DECORATORS = '''\
    from functools import wraps

    from waffle import switch_is_active


    def waffle_function_switch(switch_name):
        def decorator(func):
            @wraps(func)
            def wrapped(*args, **kwargs):
                if not switch_is_active(switch_name):
                    return None
                return func(*args, **kwargs)

            return wrapped

        return decorator
    '''

EMAILS = '''\
    from celery import shared_task

    from waffle import switch_is_active

    from libs.decorators import waffle_function_switch
    from libs.flags import OUTREACH


    @waffle_function_switch(OUTREACH)
    def send_outreach(user):
        return user


    @shared_task
    def nightly(users):
        for user in users:
            send_outreach(user)
        if switch_is_active(OUTREACH):
            return len(users)
        return 0
    '''


def test_a_folder_beside_manage_py_without_init_is_a_namespace_package(tmp_path: Path) -> None:
    """``libs/flags.py`` beside ``manage.py`` is imported as ``libs.flags``: its key constant resolves, at the tip
    and in history, and the closure ``libs.decorators``' factory returns is reached through the task it wraps."""
    repo = Repo(tmp_path)
    repo.commit("2026-01-05", "Outreach behind a switch", {
        "manage.py": MANAGE, "shop/__init__.py": "", "shop/emails.py": EMAILS, "libs/decorators.py": DECORATORS,
        "libs/flags.py": 'OUTREACH = "outreach_email"\n'})
    ran = run_cli("check", "--format", "json", "--as-of", "2026-02-01", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    found = json.loads(ran.stdout)
    assert [f["code"] for f in found["findings"] if f["code"] == "FA301"] == []
    assert story(repo.history(), "outreach_email") == [("born", "2026-01-05")]


INSTALLED = {
    "src/shop/__init__.py": "",
    "src/shop/manage.py": MANAGE,
    "src/shop/flags.py": 'NEW_CHECKOUT = "new_checkout"\n',
    "src/shop/views.py": VIEWS,
}


def test_a_manage_py_that_names_its_own_package_leaves_it_a_package(tmp_path: Path) -> None:
    """ansible/eda-server keeps ``manage.py`` inside its package (``src/aap_eda/manage.py`` sets
    ``aap_eda.settings.default``) and installs it: its code imports ``aap_eda.core``. Taken for a folder on
    ``sys.path``, the package's name fell out of every module's (``settings.features``, an entry point named
    ``<module>``) and its imports resolved to nothing. A script that names its own folder's package keeps the
    folder a package, at the tip and in history, where a later version of the script may name another."""
    repo = Repo(tmp_path)
    repo.commit("2026-01-05", "Shop behind a flag", INSTALLED)
    scanned = json.loads(run_cli("scan", "--format", "json", "--no-cache", cwd=tmp_path).stdout)
    assert [(f["key"], s["function"]) for f in scanned["flags"] for s in f["sites"]] == [
        ("new_checkout", "shop.views.checkout")]
    assert story(repo.history(), "new_checkout") == [("born", "2026-01-05")]
    repo.commit("2026-02-01", "Settings beside the script", {
        "src/shop/manage.py": MANAGE.replace("shop.settings", "settings"),
        "src/shop/views.py": VIEWS.replace("from shop import flags", "import flags")})
    scanned = json.loads(run_cli("scan", "--format", "json", "--no-cache", cwd=tmp_path).stdout)
    assert [(f["key"], s["function"]) for f in scanned["flags"] for s in f["sites"]] == [
        ("new_checkout", "views.checkout")]
    assert story(repo.history(), "new_checkout") == [("born", "2026-01-05"), ("changed", "2026-02-01")]


def test_a_manage_py_beside_a_package_of_its_folders_name_puts_the_folder_on_the_path(tmp_path: Path) -> None:
    """Django's own layout in a folder of the repository: usdoj-crt/crt-portal's ``crt_portal/manage.py`` sets
    ``crt_portal.settings``, which is the package ``crt_portal/crt_portal/``, not the folder itself. Taken for an
    installed package, the folder put nothing on the path, and ``crt_portal/utils/voting_mode.py`` (a namespace
    package beside the apps) was named ``voting_mode``: ``from utils.voting_mode import is_voting_mode`` called
    nothing, and its check was reported unreachable (FA301, false)."""
    layout = {
        "crt_portal/manage.py": MANAGE.replace("shop.settings", "crt_portal.settings"),
        "crt_portal/crt_portal/__init__.py": "",
        "crt_portal/crt_portal/settings.py": "VOTING_MODE = False\n",
        "crt_portal/utils/voting_mode.py": "def is_voting_mode():\n    return True\n",
        "crt_portal/forms/__init__.py": "",
        "crt_portal/forms/views.py": "from utils.voting_mode import is_voting_mode\n",
    }
    for name, text in layout.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    files, _, _ = discover(tmp_path, (tmp_path,), (), ())
    assert {f.path: f.module for f in files} == {
        "crt_portal/crt_portal/__init__.py": "crt_portal",
        "crt_portal/crt_portal/settings.py": "crt_portal.settings",
        "crt_portal/forms/__init__.py": "forms",
        "crt_portal/forms/views.py": "forms.views",
        "crt_portal/manage.py": "manage",
        "crt_portal/utils/voting_mode.py": "utils.voting_mode",
    }


def test_history_names_such_a_folders_modules_as_the_scan_does(tmp_path: Path) -> None:
    """The script and the package it sits beside come in one commit, the package listed after the script; history
    decides with the commit's packages, so a site's function reads the same in both, and the key is born once."""
    repo = Repo(tmp_path)
    repo.commit("2026-01-05", "Voting mode", {
        "crt_portal/manage.py": MANAGE.replace("shop.settings", "crt_portal.settings"),
        "crt_portal/crt_portal/__init__.py": "",
        "crt_portal/crt_portal/settings.py": "",
        "crt_portal/utils/voting_mode.py": VIEWS.replace("from shop import flags", "NEW_CHECKOUT = 'new_checkout'")
        .replace("flags.NEW_CHECKOUT", "NEW_CHECKOUT")})
    scanned = json.loads(run_cli("scan", "--format", "json", "--no-cache", cwd=tmp_path).stdout)
    assert [(f["key"], s["function"]) for f in scanned["flags"] for s in f["sites"]] == [
        ("new_checkout", "utils.voting_mode.checkout")]
    assert story(repo.history(), "new_checkout") == [("born", "2026-01-05")]
