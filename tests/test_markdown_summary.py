"""``flagaudit check --base REF --format markdown``: a pull request's summary, from a real git repository.

The base branch has five flags, one of them retired; the pull request adds one, changes one, retires one,
brings the retired one back (FA201) and gives one a new meaning (FA202). The summary must list exactly
those four statuses, block on exactly those two findings, and be the same bytes on every run.
"""

from __future__ import annotations

import json
from pathlib import Path

from flagaudit.facts import (
    Event,
    Finding,
    Flag,
    FlagChange,
    Inventory,
    KeyRef,
    Site,
    Timeline,
)
from flagaudit.history.base_change import flag_changes
from flagaudit.output.markdown import escape, render_markdown
from tests.projects import guarded, pull_request
from tests.repos import Repo
from tests.run import run_cli

AS_OF = "2026-01-11"
def check(repo: Repo, *args: str) -> tuple[int, str]:
    result = run_cli("check", "--as-of", AS_OF, "-q", *args, cwd=repo.path)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, result.stdout


def table(markdown: str) -> dict[str, tuple[str, str, str]]:
    """The summary table: flag -> (change, where, findings)."""
    lines = markdown.splitlines()
    start = lines.index("| Flag | Change | Where | Findings |")
    assert lines[start + 1] == "|---|---|---|---|"
    rows = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        flag, change, where, findings = (cell.strip() for cell in line.strip("|").split(" | "))
        rows[flag] = (change, where, findings)
    return rows


def test_pull_request_summary_lists_each_change_and_blocks_on_its_findings(tmp_path: Path) -> None:
    repo, _ = pull_request(tmp_path)
    code, text = check(repo, "--base", "main", "--format", "markdown")
    assert code == 1
    lines = text.splitlines()
    assert lines[:3] == ["## flagaudit: 2 blocking findings", "",
                         "Since main: 1 added, 2 changed, 1 retired, 1 reborn."]
    rows = table(text)
    assert {flag: change for flag, (change, _, _) in rows.items()} == {
        "dark-mode (launchdarkly)": "added",
        "fast-pay (launchdarkly)": "reborn",
        "new-checkout (launchdarkly)": "changed",
        "old-banner (launchdarkly)": "retired",
        "summer-sale (launchdarkly)": "changed",
    }
    assert list(rows) == sorted(rows)
    assert rows["dark-mode (launchdarkly)"][1] == "app/theme.py:6"
    assert rows["new-checkout (launchdarkly)"][1] == "app/checkout.py:6"
    assert rows["old-banner (launchdarkly)"][1:] == ("app/home.py", "-")
    assert "**FA201 error, blocking**" in rows["fast-pay (launchdarkly)"][2]
    assert "**FA202 error, blocking**" in rows["summer-sale (launchdarkly)"][2]
    assert "blocking" not in rows["new-checkout (launchdarkly)"][2]

    blocking = lines[lines.index("### Blocking") + 2:]
    items = [line for line in blocking if line.startswith("- ")]
    assert [item.split("**")[1] for item in items] == ["FA201 reborn-flag", "FA202 repurposed-flag"]
    assert items[0].startswith("- **FA201 reborn-flag** app/pay.py:6: 'fast-pay' \\[launchdarkly\\] was retired "
                               "(2025-03-01, ")
    assert "now guards signup → send\\_newsletter" in items[1] and "apply\\_discount" in items[1]
    assert "  - guards: app/pay.py:6 (quick\\_pay → fast\\_pay)" in blocking
    # the untouched flag's findings are counted by code, never listed one by one
    assert lines[-1].startswith("Other findings, not blocking: ") and "legacy-export" not in text
    assert text.endswith(".\n") and "\n\n\n" not in text

    again = check(repo, "--base", "main", "--format", "markdown", "--no-cache")
    assert again == (code, text)


def test_json_lists_the_changes_only_with_base(tmp_path: Path) -> None:
    repo, (first, second) = pull_request(tmp_path)
    document = json.loads(check(repo, "--base", "main", "--format", "json")[1])
    changes = {c["key"]: c for c in document["changes"]}
    assert [c["key"] for c in document["changes"]] == sorted(changes)
    assert {key: c["status"] for key, c in changes.items()} == {
        "dark-mode": "added", "fast-pay": "reborn", "new-checkout": "changed", "old-banner": "retired",
        "summer-sale": "changed"}
    assert changes["new-checkout"] == {"key": "new-checkout", "sdk": "launchdarkly", "status": "changed",
                                       "locations": ["app/checkout.py:6", "app/checkout.py:12"],
                                       "paths": ["app/checkout.py"], "commits": [first]}
    assert changes["old-banner"]["locations"] == [] and changes["old-banner"]["paths"] == ["app/home.py"]
    assert changes["fast-pay"]["commits"] == changes["summer-sale"]["commits"] == [second]
    blocking = {(f["code"], f["flag"]) for f in document["findings"] if f["severity"] == "error"}
    assert blocking == {("FA201", "fast-pay"), ("FA202", "summer-sale")}

    assert "changes" not in json.loads(check(repo, "--format", "json")[1])
    assert json.loads(check(repo, "--base", "HEAD", "--format", "json")[1])["changes"] == []

    (repo.path / "app/theme.py").unlink()  # not committed: the working tree is part of the change
    (repo.path / "app/beta.py").write_text(guarded("beta", ("beta", "dark_theme")), encoding="utf-8")
    uncommitted = {c["key"]: c for c in json.loads(check(repo, "--base", "HEAD", "--format", "json")[1])["changes"]}
    assert uncommitted == {
        "beta": {"key": "beta", "sdk": "launchdarkly", "status": "added", "locations": ["app/beta.py:6"],
                 "paths": [], "commits": []},
        "dark-mode": {"key": "dark-mode", "sdk": "launchdarkly", "status": "retired", "locations": [],
                      "paths": [], "commits": []},
    }


def test_without_base_the_summary_has_no_table_and_still_gates(tmp_path: Path) -> None:
    repo, _ = pull_request(tmp_path)
    code, text = check(repo, "--format", "markdown")
    assert code == 1
    assert text.startswith("## flagaudit: 2 blocking findings\n\nNo `--base` given: ")
    assert "| Flag |" not in text and "### Blocking" in text
    assert check(repo, "--base", "HEAD", "--format", "markdown")[1].startswith(
        "## flagaudit: no blocking findings\n\nNo flag changed since HEAD.\n")


def _site(path: str, function: str) -> Site:
    return Site(path, 3, 4, function, "ld", "launchdarkly", KeyRef((), "'k'"), "if")


def test_changes_within_the_range_and_in_the_working_tree() -> None:
    """Retired and revived inside the change is reborn; a deletion not committed yet is a retirement."""
    def life(*events: tuple[str, str, tuple[str, ...]]) -> tuple[Event, ...]:
        return tuple(Event(kind, commit, "2026-01-01", paths=("a.py",), added=added) for kind, commit, added in events)

    timelines = (
        Timeline("back", "launchdarkly", life(("born", "c1", ("a.f:",)), ("retired", "c2", ()),
                                              ("reborn", "c3", ("a.f:",)))),
        Timeline("gone", "launchdarkly", life(("born", "c1", ("a.g:",)))),
        Timeline("same", "launchdarkly", life(("born", "c1", ("a.h:",)))),
    )
    flags = (Flag("back", "launchdarkly", sites=(_site("a.py", "a.f"),)),
             Flag("same", "launchdarkly", sites=(_site("a.py", "a.h"),)),
             Flag(None, "launchdarkly", sites=(_site("a.py", "a.x"),)))
    assert flag_changes(timelines, frozenset({"c2", "c3"}), flags) == (
        FlagChange("back", "launchdarkly", "reborn", ("a.py:3",), ("a.py",), ("c2", "c3")),
        FlagChange("gone", "launchdarkly", "retired"),
    )


def test_user_text_cannot_break_the_table_or_format_the_comment(tmp_path: Path) -> None:
    assert escape("a|b `c` *d* _e_ <f> [g](h) ~i~ &amp; \\") == (
        "a\\|b \\`c\\` \\*d\\* \\_e\\_ \\<f\\> \\[g\\](h) \\~i\\~ \\&amp; \\\\")
    assert escape("one\r\n  two\nthree") == "one two three"
    change = FlagChange("odd|`key`", "launchdarkly", "added", ("a|b.py:3",), ("a|b.py",))
    finding = Finding("FA201", "reborn-flag", "error", "odd|`key`", "launchdarkly", "a|b.py", 3, 0,
                      "line one\n| not a row |")
    text = render_markdown(Inventory(str(tmp_path), findings=(finding,), base="main`|", changes=(change,)), 0)
    assert "Since main\\`\\|: 1 added." in text
    assert "| odd\\|\\`key\\` (launchdarkly) | added | a\\|b.py:3 | **FA201 error, blocking** |" in text
    assert "- **FA201 reborn-flag** a\\|b.py:3: line one \\| not a row \\|" in text
