"""A new check that does what one of the key's sites has done for a long time is no new meaning: department-for-
transport-BODS's timetable visualiser flag gates the extraction of the data (since 2024-03) and, in a view, the data
shown (since 2024-04, too soon after the first to be judged); the same guard copied into a second view a year later
was FA203 beside the extraction. A new use that is like none of the key's uses still blocks."""

from __future__ import annotations

import json
from pathlib import Path

from tests.repos import Repo
from tests.run import run_cli

EXTRACT = '''\
from waffle import flag_is_active


def extract_profiles(doc):
    return doc.profiles()


def extract(doc, file_id):
    active = flag_is_active("", "timetable_visualiser")
    if active and file_id:
        extract_profiles(doc)
    return doc.save()
'''
VIEW = '''\
from waffle import flag_is_active

from app.visualiser import visualiser_data


def {name}(request, service):
    context = {{}}
    active = flag_is_active("", "timetable_visualiser")
    if active:
        context.update(visualiser_data(service))
    return context
'''
URLS = "from app import extract, timetable, operators\n\nurlpatterns = [extract.extract, timetable.detail, " \
       "operators.{name}]\n"


def _history(tmp_path: Path, copied: str) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-03-06", "Extract the data the visualiser shows", {
        "app/__init__.py": "", "app/extract.py": EXTRACT, "app/operators.py": "def listing(request):\n    return []\n",
        "app/visualiser.py": "def visualiser_data(service):\n    return service.timetable()\n",
        "app/urls.py": URLS.format(name="listing")})
    repo.commit("2024-04-10", "Show the timetable visualiser", {"app/timetable.py": VIEW.format(name="detail")})
    repo.commit("2025-05-27", "Operators' pages show it too", {"app/operators.py": copied,
                                                                "app/urls.py": URLS.format(name="service")})
    return repo


def test_a_copy_of_a_guard_the_key_has_had_for_a_year_is_no_new_meaning(tmp_path: Path) -> None:
    repo = _history(tmp_path, VIEW.format(name="service"))
    ran = run_cli("check", "--format", "json", "--as-of", "2025-06-01", cwd=repo.path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert not [f for f in json.loads(ran.stdout)["findings"] if f["code"].startswith("FA2")]


def test_a_new_use_like_none_of_the_keys_uses_still_blocks(tmp_path: Path) -> None:
    repo = _history(tmp_path, VIEW.format(name="service").replace("context.update(visualiser_data(service))",
                                                                  "service.charge_operator()"))
    ran = run_cli("check", "--format", "json", "--as-of", "2025-06-01", cwd=repo.path)
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert [f["code"] for f in json.loads(ran.stdout)["findings"] if f["severity"] == "error"] == ["FA203"]
