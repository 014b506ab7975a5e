"""``action.yml``: GitHub's action metadata, checked against the published schema (SchemaStore's
github-action.json, vendored in tests/data), and its scripts checked as bash would read them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from tests.run import ROOT

yaml = pytest.importorskip("yaml")
jsonschema = pytest.importorskip("jsonschema")

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def test_action_metadata_matches_githubs_schema() -> None:
    schema = json.loads((ROOT / "tests/data/github-action.json").read_text(encoding="utf-8"))
    assert schema["$id"] == "https://json.schemastore.org/github-action.json"
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(ACTION), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    assert ACTION["runs"]["using"] == "composite"


def test_action_fetches_history_caches_gates_and_uploads_sarif() -> None:
    steps = ACTION["runs"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert uses.count("actions/cache") == 1 and "github/codeql-action/upload-sarif" in uses
    scripts = "\n".join(step.get("run", "") for step in steps)
    assert "--unshallow" in scripts and "ledger --check" in scripts and "--format github" in scripts
    assert '--base "origin/$BASE_REF"' in scripts and "--format sarif" in scripts


def test_action_scripts_take_event_data_only_from_the_environment_and_parse_as_bash() -> None:
    for step in ACTION["runs"]["steps"]:
        script = step.get("run")
        if script is None:
            continue
        assert "${{" not in script, f"an expression pasted into a script can inject commands: {step.get('name')}"
        assert step["shell"] == "bash"
        if shutil.which("bash"):
            parsed = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, check=False)
            assert parsed.returncode == 0, parsed.stderr
    inputs = set(ACTION["inputs"])
    used = set(re.findall(r"inputs\.([a-z-]+)", (ROOT / "action.yml").read_text(encoding="utf-8")))
    assert used == inputs, "every input is used, and only declared inputs are"
