"""The gate as CI runs it: findings-only text, ``--fail-on``, pull-request annotations limited to the change,
GitLab's Code Quality report, one-line messages, committer dates. Real git repositories, the real command line.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from flagaudit.checks import MESSAGE_LIMIT
from flagaudit.gitrepo import parse_diff_lines
from tests.projects import guarded, pull_request
from tests.repos import Repo, git
from tests.run import ROOT, run_cli

jsonschema = pytest.importorskip("jsonschema")
AS_OF = "2026-01-11"


def check(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = run_cli("check", "--as-of", AS_OF, "-q", *args, cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    return result


# -- text output and --fail-on -------------------------------------------------------------------------------


def test_check_text_lists_findings_only_and_verbose_adds_the_inventory(tmp_path: Path) -> None:
    repo, _ = pull_request(tmp_path)
    plain = check(repo.path)
    assert plain.returncode == 1
    lines = plain.stdout.splitlines()
    assert all(": FA" in line or line.startswith("    ") for line in lines[:-2]), plain.stdout
    assert lines[-2] == "" and lines[-1].startswith("5 flags, ") and lines[-1].endswith("; 2 blocking")
    assert "[launchdarkly]  1 site" not in plain.stdout  # no inventory lines
    verbose = check(repo.path, "-v")
    assert "new-checkout  [launchdarkly]  2 sites, no definition  app/checkout.py:6" in verbose.stdout
    assert "\n    app/checkout.py:6:8: early-return " in verbose.stdout
    scan = run_cli("scan", "-q", cwd=repo.path)
    assert "new-checkout  [launchdarkly]  2 sites" in scan.stdout


def test_fail_on_picks_what_blocks_from_the_option_or_the_configuration(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-01-05", "one stale flag", {
        "app/__init__.py": "", "app/actions.py": "def new_checkout(ctx): ...\n",
        "app/checkout.py": guarded("new-checkout", ("checkout", "new_checkout")),
    })
    warnings = json.loads(check(repo.path, "--format", "json").stdout)["findings"]
    assert {f["code"] for f in warnings} >= {"FA101"} and all(f["severity"] != "error" for f in warnings)
    assert check(repo.path).returncode == 0
    assert check(repo.path, "--fail-on", "warning").returncode == 1
    assert check(repo.path, "--fail-on", "FA101").returncode == 1
    assert check(repo.path, "--fail-on", "error,FA4").returncode == 0
    markdown = check(repo.path, "--fail-on", "fa101", "--format", "markdown").stdout
    assert markdown.startswith("## flagaudit: 1 blocking finding\n")

    (repo.path / "pyproject.toml").write_text('[tool.flagaudit]\nfail-on = ["error", "FA101"]\n', encoding="utf-8")
    assert check(repo.path).returncode == 1
    assert check(repo.path, "--fail-on", "error").returncode == 0  # the option wins over the configuration

    bad = run_cli("check", "--fail-on", "warnings", cwd=repo.path)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr == ("flagaudit: error: --fail-on: 'warnings' is neither a severity (error, warning, info) nor "
                          "a finding code or prefix (`flagaudit explain` lists them)\n")
    (repo.path / "pyproject.toml").write_text('[tool.flagaudit]\nfail-on = ["FA999"]\n', encoding="utf-8")
    wrong = run_cli("check", cwd=repo.path)
    assert wrong.returncode == 2 and "[tool.flagaudit] fail-on: 'FA999' is neither" in wrong.stderr


# -- the change's findings in annotations ----------------------------------------------------------------------


def annotations(text: str) -> list[tuple[str, str]]:
    """(title, file) of each workflow command."""
    found = []
    for line in text.splitlines():
        properties = dict(p.split("=", 1) for p in line.split(" ", 1)[1].split("::", 1)[0].split(","))
        found.append((properties["title"], properties["file"]))
    return found


def test_base_annotations_carry_only_the_change_and_all_restores_the_full_set(tmp_path: Path) -> None:
    repo, _ = pull_request(tmp_path)
    full = json.loads(check(repo.path, "--base", "main", "--format", "json").stdout)["findings"]
    changed = annotations(check(repo.path, "--base", "main", "--format", "github").stdout)
    every = annotations(check(repo.path, "--base", "main", "--format", "github", "--all").stdout)
    assert len(every) == len(full) > len(changed) > 0
    # legacy-export (app/export.py) is untouched: its findings stay in the JSON but are not annotated
    assert any(f["path"] == "app/export.py" for f in full)
    assert {path for _, path in changed} == {"app/checkout.py", "app/pay.py", "app/price.py", "app/theme.py"}
    assert ("FA201 reborn-flag", "app/pay.py") in changed and ("FA202 repurposed-flag", "app/price.py") in changed

    sarif = json.loads(check(repo.path, "--base", "main", "--format", "sarif").stdout)
    assert len(sarif["runs"][0]["results"]) == len(changed)
    sarif_all = json.loads(check(repo.path, "--base", "main", "--format", "sarif", "--all").stdout)
    assert len(sarif_all["runs"][0]["results"]) == len(full)
    # without --base every finding is annotated, as before
    assert len(annotations(check(repo.path, "--format", "github").stdout)) == len(
        json.loads(check(repo.path, "--format", "json").stdout)["findings"])


def test_a_warning_on_a_line_the_change_touches_is_annotated_and_can_block(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-01-05", "two old flags", {
        "app/__init__.py": "", "app/actions.py": "def a(ctx): ...\ndef b(ctx): ...\n",
        "app/a.py": guarded("flag-a", ("show_a", "a")), "app/b.py": guarded("flag-b", ("show_b", "b")),
    })
    git(repo.path, "checkout", "-q", "-b", "feature")
    # the change touches the line of flag-a's check (a comment at its end): flag-a's findings are the change's
    text = (repo.path / "app/a.py").read_text(encoding="utf-8").replace(
        "variation('flag-a', ctx, False):", "variation('flag-a', ctx, False):  # still needed?")
    repo.commit("2026-01-08", "a comment", {"app/a.py": text})
    assert parse_diff_lines(subprocess.run(["git", "diff", "-U0", "--src-prefix=a/", "--dst-prefix=b/", "main"],
                                           cwd=repo.path, capture_output=True, check=True).stdout) == \
        {"app/a.py": frozenset({6})}
    shown = annotations(check(repo.path, "--base", "main", "--format", "github").stdout)
    assert shown and {path for _, path in shown} == {"app/a.py"}
    assert check(repo.path, "--base", "main", "--fail-on", "warning").returncode == 1
    # flag-b's stale warning is not the change's: it neither blocks nor shows
    (repo.path / "app/a.py").write_text(guarded("flag-a", ("show_a", "a")), encoding="utf-8")
    repo.commit("2026-01-09", "no comment after all", {})
    assert check(repo.path, "--base", "main", "--format", "github").stdout == ""
    assert check(repo.path, "--base", "main", "--fail-on", "warning").returncode == 0
    assert check(repo.path, "--fail-on", "warning").returncode == 1


def test_diff_lines_parse_quoted_and_spaced_names_and_ignore_added_lines_that_look_like_headers() -> None:
    diff = (b'diff --git a/x y.py b/x y.py\nindex 1..2 100644\n--- a/x y.py\t\n+++ b/x y.py\t\n'
            b'@@ -1,0 +2,2 @@ a\n+++ b\n+c\n'
            b'diff --git "a/caf\\303\\251.py" "b/caf\\303\\251.py"\n--- "a/caf\\303\\251.py"\n'
            b'+++ "b/caf\\303\\251.py"\n@@ -3 +3 @@\n-a\n+b\n'
            b'diff --git a/gone.py b/gone.py\ndeleted file mode 100644\n'
            b'--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n')
    assert parse_diff_lines(diff) == {"x y.py": frozenset({2, 3}), "café.py": frozenset({3})}


# -- GitLab ---------------------------------------------------------------------------------------------------


def test_gitlab_report_matches_gitlabs_schema_and_code_quality_format(tmp_path: Path) -> None:
    repo, _ = pull_request(tmp_path)
    result = check(repo.path, "--format", "gitlab")
    assert result.returncode == 1  # the format never changes the verdict
    report = json.loads(result.stdout)
    schema = json.loads((ROOT / "tests/data/gitlab-codeclimate.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    full = json.loads(check(repo.path, "--format", "json").stdout)["findings"]
    assert isinstance(report, list) and len(report) == len(full) > 0
    for issue in report:
        assert not list(validator.iter_errors(issue)), issue
        # what GitLab's documentation asks of a custom tool beyond the parser's schema
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["check_name"].startswith("FA") and "\n" not in issue["description"]
        assert not issue["location"]["path"].startswith(("/", "./")) and issue["location"]["lines"]["begin"] >= 1
    assert len({issue["fingerprint"] for issue in report}) == len(report)
    severities = {(i["check_name"], i["severity"]) for i in report}
    assert ("FA201", "critical") in severities and ("FA101", "minor") in severities
    assert check(repo.path, "--format", "gitlab").stdout == result.stdout


# -- messages and dates -----------------------------------------------------------------------------------------


def test_a_repurposed_flag_with_many_old_sites_says_so_in_one_short_line(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    actions = [f"send_child_order_{n}" for n in range(30)]
    old = "".join(
        f"\n\ndef route_{n}(ctx):\n    if ldclient.get().variation('power-peg', ctx, False):\n"
        f"        return {action}(ctx)\n    return None\n" for n, action in enumerate(actions))
    repo.commit("2016-01-05", "power peg", {
        "app/__init__.py": "", "app/actions.py": "".join(f"def {a}(ctx): ...\n" for a in actions)
        + "def price_improvement(ctx): ...\n",
        "app/peg.py": f"import ldclient\nfrom app.actions import {', '.join(actions)}\n{old}",
    })
    repo.commit("2026-01-08", "rlp", {
        "app/peg.py": None, "app/rlp.py": guarded("power-peg", ("quote", "price_improvement")),
    })
    document = json.loads(check(repo.path, "--format", "json").stdout)
    [finding] = [f for f in document["findings"] if f["code"] == "FA202"]
    assert "\n" not in finding["message"] and len(finding["message"]) <= MESSAGE_LIMIT
    assert "and 29 more (see the evidence)" in finding["message"]
    assert len([e for e in finding["evidence"] if e["kind"] == "site"]) == 30


def test_history_dates_a_commit_when_it_landed_not_when_it_was_written(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2019-01-05", "base", {"app/__init__.py": "", "app/actions.py": "def a(ctx): ...\n"})
    (repo.path / "app/a.py").write_text(guarded("late-flag", ("show", "a")), encoding="utf-8")
    git(repo.path, "add", "-A")
    environment = {**os.environ, "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
                   "GIT_COMMITTER_NAME": "Bea", "GIT_COMMITTER_EMAIL": "bea@example.com",
                   "GIT_AUTHOR_DATE": "2019-06-01T12:00:00+00:00", "GIT_COMMITTER_DATE": "2020-02-03T12:00:00+00:00",
                   "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "commit", "-q", "-m", "written in 2019, merged in 2020"], cwd=repo.path, env=environment,
                   check=True)
    document = json.loads(run_cli("history", "--format", "json", "--as-of", AS_OF, cwd=repo.path).stdout)
    [timeline] = [t for t in document["timelines"] if t["key"] == "late-flag"]
    assert [(e["kind"], e["date"][:10], e["author"]) for e in timeline["events"]] == [
        ("born", "2020-02-03", "Ada <ada@example.com>")]
