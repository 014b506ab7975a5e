"""ansible/awx blocked at its tip on five false errors; the meaning evaluation set holds their shapes (with the
histories that must still block), and these tests hold what the findings and ``history`` say about them:

- a setting whose reads went to a settings object of the project's own (``getattr(tower_settings, "X", True)``)
  went out of sight, and the modules that still named it are the evidence;
- a name an ``import`` inside the branch binds is that import's in the fingerprint.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.run import run_cli
from tests.test_meaning_eval import build, cases


def test_a_setting_read_through_a_settings_object_of_the_project_went_out_of_sight(tmp_path: Path) -> None:
    repo = build.build_case(cases.SETTING_OUT_OF_SIGHT, tmp_path / "repo")
    ran = run_cli("check", "--format", "json", "--no-cache", "--as-of", cases.AS_OF, cwd=repo)
    assert ran.returncode == 0, ran.stderr
    [reborn] = [f for f in json.loads(ran.stdout)["findings"] if f["code"] == "FA201"]
    assert reborn["severity"] == "info"
    assert reborn["message"].startswith("'ACTIVITY_STREAM_ENABLED' [settings] went out of sight (2016-01-12, "), reborn
    assert {"kind": "note", "value": "out of sight",
            "detail": "still named in app/registrar.py: reads flagaudit does not follow"} in reborn["evidence"]
    ran = run_cli("history", "--no-cache", cwd=repo)
    assert "      still named in app/registrar.py (reads flagaudit does not follow)\n" \
        "  2016-09-27  reborn" in ran.stdout, ran.stdout
    assert "      named until then in app/registrar.py (reads flagaudit does not follow)" in ran.stdout, ran.stdout
    ran = run_cli("history", "--no-cache", "--format", "json", cwd=repo)
    [timeline] = json.loads(ran.stdout)["timelines"]
    assert [(e["kind"], e["named"]) for e in timeline["events"]] == [
        ("born", []), ("retired", ["app/registrar.py"]), ("reborn", ["app/registrar.py"])]


def test_a_setting_whose_reads_were_deleted_names_no_module(tmp_path: Path) -> None:
    repo = build.build_case(cases.SETTING_READS_DELETED, tmp_path / "repo")
    ran = run_cli("history", "--no-cache", "--format", "json", cwd=repo)
    [timeline] = json.loads(ran.stdout)["timelines"]
    assert [(e["kind"], e["named"]) for e in timeline["events"]] == [("born", []), ("retired", []), ("reborn", [])]


def test_a_name_the_branch_imports_itself_is_the_imports(tmp_path: Path) -> None:
    repo = build.build_case(cases.SWITCHED_OFF_THE_SAME_WAY, tmp_path / "repo")
    ran = run_cli("history", "-v", "--no-cache", cwd=repo)
    view = ran.stdout.split("2019-10-29")[1]
    assert "=off:app.signals.disable_activity_stream" in view and "=off:.signals" not in view, ran.stdout
