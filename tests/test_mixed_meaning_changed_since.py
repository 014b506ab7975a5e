"""FA203 says which old site the key's new use sits beside; when that site changed after the new use came (ansible/
awx moved its import's check into another method), the message named nothing ("... while "). The old site is named
as it was, and the new use still blocks: a change to the old code is no proof that the two uses are one."""

from __future__ import annotations

import json
from pathlib import Path

from tests.repos import Repo
from tests.run import run_cli

IMPORTS = '''\
from waffle import switch_is_active


def record_stream(source):
    return source.log()


class Command:
    def handle(self, source):
        if switch_is_active("sync_activity_stream"):
            record_stream(source)
        return source.load()
'''
VIEWS = '''\
from waffle import switch_is_active


def send_digest(hosts):
    return [h.mail() for h in hosts]


def destroy(request, hosts):
    if switch_is_active("sync_activity_stream"):
        send_digest(hosts)
    return hosts.delete()
'''


def test_an_old_site_that_changed_since_is_named_as_it_was(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-01-10", "Inventory import records the activity stream", {
        "app/__init__.py": "", "app/imports.py": IMPORTS,
        "app/urls.py": "from app import imports, views\n\nurlpatterns = [views.destroy, imports.Command]\n"})
    repo.commit("2026-01-10", "Deleting hosts sends a digest", {"app/views.py": VIEWS})
    repo.commit("2026-02-10", "The import checks the switch in perform_update", {"app/imports.py": IMPORTS.replace(
        "    def handle(self, source):\n",
        "    def handle(self, source):\n        return self.perform_update(source)\n\n"
        "    def perform_update(self, source):\n")})
    ran = run_cli("check", "--format", "json", "--as-of", "2026-03-01", cwd=repo.path)
    assert ran.returncode == 1, ran.stderr
    [mixed] = [f for f in json.loads(ran.stdout)["findings"] if f["code"] == "FA203"]
    assert mixed["message"].endswith(" while app.imports.Command.handle → record_stream guarded it (since 2024-01-10; "
                                     "changed since)")
