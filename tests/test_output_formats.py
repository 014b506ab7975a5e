"""``--format sarif`` and ``--format github`` from real repositories through the real command line.

SARIF is validated against the official OASIS SARIF 2.1.0 JSON schema
(errata01, draft-04), kept in ``tests/data/`` because no SARIF library on PyPI
ships it (sarif-om, sarif-tools, sarif-pydantic and jschema-to-python were
checked), with ``jsonschema`` from the test extra. On top of the
schema, the test checks what GitHub code scanning needs that the schema leaves
optional (see docs/ci.md): every ``ruleId`` among ``tool.driver.rules`` and
``ruleIndex`` pointing at it, ``message.text``, exactly one location with a
relative ``uri`` under ``%SRCROOT%`` and a 1-based ``region.startLine``,
rule ``shortDescription``/``fullDescription``/``help`` texts, and
``partialFingerprints`` that survive moving lines.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from flagaudit.checks import all_rules
from flagaudit.facts import Evidence, Finding, Inventory
from flagaudit.output import RENDERERS
from flagaudit.output.github import escape_data, escape_property, render_github
from flagaudit.output.sarif import render_sarif
from tests.projects import FILES
from tests.projects import gate_views as views
from tests.repos import commit, git, write_files
from tests.run import run_cli

AS_OF = "2026-01-11"
EXPECTED_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


@pytest.fixture(scope="module")
def sarif_validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a test extra: `pip install -e .[test]`")
    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def reborn_repo(root: Path) -> Path:
    """Full history: ``fast-pay`` born, retired, then reused elsewhere (FA201); ``new-checkout`` stale (FA101),
    dormant (FA103); both unreachable (FA301)."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    commit(root, "2025-01-05", "checkout and fast pay", {**FILES, "app/views.py": views(pay=True)})
    commit(root, "2025-03-01", "retire fast pay", {"app/views.py": views(pay=False)})
    commit(root, "2026-01-10", "fast pay is back, as quick pay", {
        "app/views.py": views(pay=True).replace("def pay(ctx):", "def quick_pay(ctx):")})
    return root


def check(repo: Path, *args: str) -> tuple[int, str]:
    result = run_cli("check", "--as-of", AS_OF, "-q", *args, cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, result.stdout


def github_requirements(log: dict[str, Any]) -> None:
    """What GitHub code scanning needs beyond the schema (docs.github.com: "SARIF support for code scanning")."""
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "flagaudit" and driver["version"]
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert len(rule["properties"]["tags"]) <= 10
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note") and result["message"]["text"]
        [location] = result["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not uri.startswith(("/", "file:", "./")) and "\\" not in uri
        assert physical["region"]["startLine"] >= 1 and physical["region"].get("startColumn", 1) >= 1
        assert result["partialFingerprints"]["flagaudit/v1"]
        assert "primaryLocationLineHash" not in result["partialFingerprints"]  # GitHub's own; the action adds it
        assert len(result.get("relatedLocations", [])) <= 100
    prints = [r["partialFingerprints"]["flagaudit/v1"] for r in run["results"]]
    assert len(prints) == len(set(prints))


def test_sarif_is_valid_complete_and_deterministic(tmp_path: Path, sarif_validator: Any) -> None:
    repo = reborn_repo(tmp_path / "repo")
    code, text = check(repo, "--format", "sarif")
    assert code == 1  # same gate as the text format: FA201 blocks
    log = json.loads(text)
    errors = sorted(sarif_validator.iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    github_requirements(log)

    [run] = log["runs"]
    rules = all_rules()
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == list(rules)
    for descriptor in run["tool"]["driver"]["rules"]:
        rule = rules[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["help"] == {"text": rule.explain(), "markdown": rule.markdown()}
        assert descriptor["defaultConfiguration"]["level"] == EXPECTED_LEVELS[rule.severity]
        assert rule.summary.startswith(descriptor["shortDescription"]["text"])

    findings = json.loads(check(repo, "--format", "json")[1])["findings"]
    assert {f["code"] for f in findings} >= {"FA101", "FA103", "FA201", "FA301"}
    assert len(run["results"]) == len(findings)
    for result, finding in zip(run["results"], findings, strict=True):
        assert result["ruleId"] == finding["code"]
        assert result["level"] == EXPECTED_LEVELS[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == finding["path"]
        assert (region["startLine"], region["startColumn"]) == (finding["line"], finding["column"] + 1)
        assert result["properties"]["flag"] == finding["flag"]
        assert result["properties"]["evidence"] == finding["evidence"]
    [reborn] = [r for r in run["results"] if r["ruleId"] == "FA201"]
    assert reborn["level"] == "error" and reborn["properties"]["flag"] == "fast-pay"
    assert reborn["locations"][0]["physicalLocation"]["region"] == {"startLine": 12, "startColumn": 8}

    again = check(repo, "--format", "sarif", "--no-cache")[1]
    assert again == text
    out = tmp_path / "flagaudit.sarif"
    assert run_cli("check", "--as-of", AS_OF, "-q", "--format", "sarif", "-o", str(out), cwd=repo).returncode == 1
    assert out.read_text(encoding="utf-8") == text


def test_sarif_fingerprints_ignore_line_moves(tmp_path: Path) -> None:
    repo = reborn_repo(tmp_path / "repo")
    before = json.loads(check(repo, "--format", "sarif")[1])["runs"][0]["results"]
    shifted = "# a header comment\n# that pushes every line down\n\n" + views(pay=True)
    commit(repo, "2026-01-10", "reformat", {"app/views.py": shifted})
    after = json.loads(check(repo, "--format", "sarif")[1])["runs"][0]["results"]

    def identity(results: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
        return {(r["ruleId"], r["properties"].get("flag", "")): r["partialFingerprints"]["flagaudit/v1"]
                for r in results}

    assert identity(before) == identity(after) and len(identity(before)) == len(before)
    lines_before = {r["ruleId"] + r["properties"]["flag"]: r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    for r in before}
    lines_after = {r["ruleId"] + r["properties"]["flag"]: r["locations"][0]["physicalLocation"]["region"]["startLine"]
                   for r in after}
    assert {k: v + 3 for k, v in lines_before.items()} == lines_after


def test_sarif_and_github_paths_are_relative_to_the_repository_root(tmp_path: Path, sarif_validator: Any) -> None:
    """A project configured in a sub-folder: flagaudit's paths are relative to the project, GitHub's to the repo."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    files = {f"svc one/{name}": text for name, text in {**FILES, "app/views.py": views(pay=True)}.items()}
    commit(repo, "2025-01-05", "service", {**files, "svc one/pyproject.toml": "[tool.flagaudit]\n"})
    project = repo / "svc one"
    findings = json.loads(run_cli("check", "--as-of", AS_OF, "--format", "json", cwd=project).stdout)["findings"]
    assert findings and {f["path"] for f in findings} == {"app/views.py"}

    log = json.loads(run_cli("check", "--as-of", AS_OF, "--format", "sarif", cwd=project).stdout)
    assert not list(sarif_validator.iter_errors(log))
    github_requirements(log)
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]} == {
        "svc%20one/app/views.py"}
    annotations = run_cli("check", "--as-of", AS_OF, "--format", "github", cwd=project).stdout.splitlines()
    assert annotations and all(line.startswith("::") and "file=svc one/app/views.py,line=" in line
                               for line in annotations)


def test_github_annotations_one_line_per_finding(tmp_path: Path) -> None:
    repo = reborn_repo(tmp_path / "repo")
    code, text = check(repo, "--format", "github")
    assert code == 1
    findings = json.loads(check(repo, "--format", "json")[1])["findings"]
    lines = text.splitlines()
    assert len(lines) == len(findings) and text.endswith("\n")
    commands = {"error": "error", "warning": "warning", "info": "notice"}
    for line, finding in zip(lines, findings, strict=False):
        assert line.startswith(f"::{commands[finding['severity']]} file={finding['path']},line={finding['line']},"
                               f"col={finding['column'] + 1},title={finding['code']} {finding['name']}::")
    [reborn] = [line for line in lines if "title=FA201" in line]
    assert reborn.startswith("::error file=app/views.py,line=12,col=8,title=FA201 reborn-flag::'fast-pay' "
                             "[launchdarkly] "
                             "was retired (2025-03-01, ")
    assert "%0Aguards%3A" not in reborn and "%0Aguards: app/views.py:12 (quick_pay → fast_pay)" in reborn
    assert any(line.startswith("::notice ") and "title=FA103 dormant-flag" in line for line in lines)
    assert any(line.startswith("::warning ") and "title=FA301 unreachable-check" in line for line in lines)
    assert check(repo, "--format", "github")[1] == text

    clean = tmp_path / "clean"
    clean.mkdir()
    write_files(clean, {**FILES, "app/views.py": views(pay=False)})
    result = run_cli("check", "--no-history", "--allow-missing-ledger", "--select", "FA102", "--format", "github",
                     cwd=clean)
    assert (result.returncode, result.stdout) == (0, "")


def synthetic(tmp_path: Path, *findings: Finding) -> Inventory:
    return Inventory(root=str(tmp_path), findings=findings, notes=("history is partial (shallow clone)",))


def test_github_escaping_follows_the_actions_toolkit(tmp_path: Path) -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("a,b:c%d\ne") == "a%2Cb%3Ac%25d%0Ae"
    finding = Finding("FA202", "repurposed-flag", "error", "k", "unleash", "dir,with:odd%/views.py", 3, 0,
                      "50% of\r\n'k' now: guards x, y\n::error::injected",
                      (Evidence("site", "a/b.py:9", "old, site"),))
    [line] = render_github(synthetic(tmp_path, finding), 0).splitlines()
    assert line == ("::error file=dir%2Cwith%3Aodd%25/views.py,line=3,col=1,title=FA202 repurposed-flag::"
                    "50%25 of%0D%0A'k' now: guards x, y%0A::error::injected%0Asite: a/b.py:9 (old, site)")
    info = Finding("FA103", "dormant-flag", "info", None, None, "x.py", 0, -1, "no line")
    assert render_github(synthetic(tmp_path, info), 0) == "::notice file=x.py,title=FA103 dormant-flag::no line\n"


def test_sarif_of_odd_findings_is_still_valid(tmp_path: Path, sarif_validator: Any) -> None:
    """Unknown codes, no line, evidence that points elsewhere, paths that need URI escaping, notes."""
    findings = (
        Finding("FA999", "future-rule", "warning", None, None, "lib/a b#c.py", 0, -1, "no line known"),
        Finding("FA401", "unknown-flag", "warning", "new-chekout", "launchdarkly", "app/x.py", 4, 2, "typo?",
                (Evidence("site", "app/y.py:7", "app.y.f"), Evidence("site", "app/x.py:4", "itself"),
                 Evidence("note", "nearest defined launchdarkly key: new-checkout"))),
        Finding("FA103", "dormant-flag", "info", "k", "unleash", "app/x.py", 9, 0, "old"),
    )
    text = render_sarif(synthetic(tmp_path, *findings), 0)
    assert render_sarif(synthetic(tmp_path, *reversed(findings)), 0) == text
    log = json.loads(text)
    assert not list(sarif_validator.iter_errors(log))
    github_requirements(log)
    run = log["runs"][0]
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": [
        {"level": "note", "message": {"text": "history is partial (shallow clone)"}}]}]
    rules = run["tool"]["driver"]["rules"]
    assert rules[-1]["id"] == "FA999" and rules[-1]["defaultConfiguration"] == {"level": "warning"}
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert by_rule["FA999"]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "lib/a%20b%23c.py", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 1}}
    assert by_rule["FA401"]["relatedLocations"] == [{
        "id": 0, "message": {"text": "site: app.y.f"},
        "physicalLocation": {"artifactLocation": {"uri": "app/y.py", "uriBaseId": "%SRCROOT%"},
                             "region": {"startLine": 7}}}]
    assert by_rule["FA103"]["level"] == "note"
    expected = hashlib.sha256("\0".join(("FA103", "unleash", "k", "app/x.py", "1")).encode()).hexdigest()[:32]
    assert by_rule["FA103"]["partialFingerprints"] == {"flagaudit/v1": expected}


def test_the_validator_rejects_what_github_would(sarif_validator: Any) -> None:
    """The schema is really applied: a level outside the enum and a missing message fail."""
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "flagaudit"}},
                                         "results": [{"ruleId": "FA201", "level": "info", "locations": []}]}]}
    messages = sorted(e.message for e in sarif_validator.iter_errors(bad))
    assert any("'message' is a required property" in m for m in messages)
    assert any("'info' is not one of" in m for m in messages)


def test_every_format_is_offered_by_check() -> None:
    assert {"text", "json", "sarif", "github"} <= set(RENDERERS)
    help_text = run_cli("check", "--help").stdout
    assert "sarif" in help_text and "github" in help_text
