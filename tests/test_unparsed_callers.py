"""A file that cannot be parsed may call anything it names: what it names is not reported unreachable (FA301).

A Django management command with a syntax error (a merge left its conflict markers) calls a translation
system's method through a variable; flagaudit skips the file, so it cannot see the call, and must not then say
that nothing reaches the method. Once the command no longer names the method, the check is unreachable again,
also when the call graph is built upon the last run's (the command is still skipped, and no other file changed).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from tests.repos import write_files
from tests.run import run_cli

MODELS = """
    from waffle import switch_is_active


    class GengoSystem:
        def push_translations(self):
            if switch_is_active("gengosystem"):
                return self.send()
            return None

        def send(self):
            return 1
"""

COMMAND = """
    from django.core.management.base import BaseCommand

    from translations.models import GengoSystem


    class Command(BaseCommand):
        def handle(self, *args, **options):
            system = GengoSystem()
<<<<<<< HEAD
            {call}
=======
            pass
>>>>>>> pull
"""


def _scan(root: Path, call: str) -> dict:
    write_files(root, {name: textwrap.dedent(text) for name, text in {
        "translations/__init__.py": "", "translations/models.py": MODELS,
        "translations/management/__init__.py": "", "translations/management/commands/__init__.py": "",
        "translations/management/commands/sync.py": COMMAND.format(call=call)}.items()})
    ran = run_cli("scan", "--format", "json", str(root), cwd=root)
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout)


def _unreachable(report: dict) -> list[str]:
    return [f["flag"] for f in report["findings"] if f["code"] == "FA301"]


def test_a_method_an_unparsed_file_names_is_not_reported_unreachable(tmp_path: Path) -> None:
    report = _scan(tmp_path, "system.push_translations()")
    assert [s["path"] for s in report["skipped"]] == ["translations/management/commands/sync.py"]
    assert _unreachable(report) == []
    again = _scan(tmp_path, "system.pull_translations()")  # still broken, no longer names the method
    assert _unreachable(again) == ["gengosystem"]
    assert _unreachable(_scan(tmp_path, "system.push_translations()")) == []
