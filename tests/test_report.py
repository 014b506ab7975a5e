"""The quarterly report on a real repository: numbers, owners, the three formats, charts, progress.

The fixture (fixtures/report/build_repo.py) is two years of history by four
authors with a CODEOWNERS file and every kind of finding; ``--as-of
2026-04-15`` makes 2026 Q1 the default period.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pty
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from flagaudit.api import ReportOptions, report
from flagaudit.config import load_config
from flagaudit.facts import Definition, Flag, KeyRef, Site
from flagaudit.report.data import Owner, Preview, Quarter, ReportData, is_live, remove_command, report_period
from flagaudit.report.owners import blame, codeowners_owner, parse_codeowners
from flagaudit.report.render_html import render_html
from flagaudit.report.render_json import render_json
from flagaudit.report.render_md import render_md
from tests.helpers import builtin_rules
from tests.repos import git
from tests.run import ROOT, run_cli

AS_OF = date(2026, 4, 15)
SECTIONS = ("headline", "summary", "trend", "ages", "lifecycle", "repurposed", "flag-only", "ready", "other",
            "queues")


def _load_builder():
    spec = importlib.util.spec_from_file_location("report_fixture", ROOT / "fixtures" / "report" / "build_repo.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _load_builder().build(tmp_path_factory.mktemp("report") / "acme")


@pytest.fixture(scope="module")
def data(repo: Path) -> ReportData:
    return _report(repo)


def _report(repo: Path, **options: object) -> ReportData:
    config = load_config((), None, repo)
    return report(config, builtin_rules(), ReportOptions(as_of=AS_OF, workers=1, **options))  # type: ignore[arg-type]


# -- the numbers -------------------------------------------------------------------------------------------------


def test_headline_counts_the_last_full_quarter(data: ReportData) -> None:
    assert (data.period.since, data.period.until, data.period.label) == ("2026-01-01", "2026-03-31", "2026 Q1")
    h = data.headline
    assert (h.live, h.born, h.retired) == (16, 4, 2)
    assert (h.stale, h.expired, h.dormant, h.repurposed, h.removable_lines) == (14, 1, 5, 3, 10)
    assert (h.constant, h.unreachable, h.unknown, h.unused) == (1, 1, 1, 1)
    assert data.history.commits == 30 and not data.history.partial


def test_born_and_retired_per_quarter_over_eight_quarters(data: ReportData) -> None:
    assert [q.label for q in data.quarters] == ["2024 Q2", "2024 Q3", "2024 Q4", "2025 Q1", "2025 Q2", "2025 Q3",
                                                "2025 Q4", "2026 Q1"]
    assert [(q.born, q.retired) for q in data.quarters] == [(3, 0), (1, 0), (2, 0), (2, 2), (2, 1), (4, 1), (4, 0),
                                                            (4, 2)]
    assert [q.live for q in data.quarters] == [3, 4, 6, 6, 7, 10, 14, 16]
    assert [q.in_period for q in data.quarters] == [False] * 7 + [True]


def test_age_distribution_covers_every_live_flag_by_type(data: ReportData) -> None:
    ages = data.ages
    assert ages.types == ("release", "experiment", "operational", "kill-switch")
    assert sum(row.total for row in ages.rows) == data.headline.live
    assert {row.bucket: row.total for row in ages.rows} == {
        "< 1 month": 1, "1-3 months": 2, "3-6 months": 3, "6-12 months": 6, "> 1 year": 4}
    assert ages.oldest == ("legacy-export", 737)


def test_lifecycle_table_oldest_first_with_owner_sites_last_change_and_action(data: ReportData) -> None:
    rows = data.lifecycle
    assert [r.age_days for r in rows] == sorted((r.age_days for r in rows), reverse=True)
    first = rows[0]
    assert (first.key, first.age_days, first.sites, first.last_change, first.last_change_by) == (
        "legacy-export", 737, 1, "2024-04-08", "Ada Lovelace")
    assert first.codes == ("FA101", "FA103") and first.reasons == ("stale (limit 40 d)", "dormant 737 d")
    summary = next(r for r in rows if r.key == "ai-summary")
    assert "FA102" in summary.codes and "expired 2026-03-31" in summary.reasons
    assert summary.action.startswith("Past its removal date")
    throttle = next(r for r in rows if r.key == "ops-throttle")
    assert throttle.type == "operational" and "kill-switch" in throttle.action


def test_owners_come_from_annotations_then_codeowners_then_blame(data: ReportData) -> None:
    owners = {r.key: r.owner for r in data.lifecycle}
    assert (owners["new-onboarding"].name, owners["new-onboarding"].source) == ("@acme/growth", "annotation")
    assert owners["new-onboarding"].detail == "acme/onboarding.py:6"
    assert (owners["new-checkout"].name, owners["new-checkout"].source) == ("@acme/payments", "CODEOWNERS")
    assert owners["new-checkout"].detail == ".github/CODEOWNERS:3 (/acme/payments/)"
    assert owners["search-typeahead"].name == "@acme/search @linus"
    assert (owners["ai-summary"].name, owners["ai-summary"].detail) == ("@acme/platform", ".github/CODEOWNERS:2 (*)")
    # /acme/legacy/ has a rule without owners, which wins over `*`: git blame decides. Ada wrote the
    # legacy-export check, Barbara changed its line last.
    assert (owners["legacy-export"].name, owners["legacy-export"].source) == ("Barbara Liskov", "blame")
    assert re.fullmatch(r"acme/legacy/export\.py:5 \([0-9a-f]{12}, 2024-09-02\)", owners["legacy-export"].detail)
    assert (owners["legacy-tax"].name, owners["legacy-tax"].source) == ("Ada Lovelace", "blame")


def test_repurpose_flag_only_and_other_findings(data: ReportData) -> None:
    assert [(r.code, r.key, r.date) for r in data.repurposed] == [
        ("FA203", "smart-routing", "2026-03-09"), ("FA202", "fast-refunds", "2026-01-20"),
        ("FA201", "bulk-pricing", "2026-02-16")]
    (dead,) = data.flag_only
    assert (dead.key, dead.value, dead.dead_branch, dead.lines) == ("legacy-tax", "off", "on", 10)
    assert [(f.name, f.lines) for f in dead.functions] == [("acme.legacy.tax.legacy_tax", 6),
                                                          ("acme.legacy.tax._round_line", 4)]
    assert sorted(r.code for r in data.other) == ["FA104", "FA301", "FA401", "FA402"]


def test_ready_to_remove_with_the_command_and_the_lines_it_deletes(repo: Path, data: ReportData) -> None:
    """Every flag whose findings say it can go (not a repurposed one), with the planner's own figures: the
    value it is fixed to when a finding says so, both values otherwise; nothing is written."""
    ready = {r.key: r for r in data.ready}
    assert sorted(ready) == ["acme.new_nav", "acme.new_nva", "acme.unused_beta", "ai-summary", "beta-reports",
                             "legacy-export", "legacy-tax", "new-checkout", "new-onboarding", "ops-throttle",
                             "search-typeahead"]
    assert not {"smart-routing", "fast-refunds", "bulk-pricing"} & set(ready)  # a second meaning: new key first
    assert [r.key for r in data.ready][:3] == ["new-checkout", "legacy-tax", "acme.new_nav"]  # largest first
    tax = ready["legacy-tax"]
    assert (tax.value, tax.command) == ("off", "flagaudit remove legacy-tax --as off")
    assert tax.previews == (Preview("off", 19, 1),)  # the check, its import, and the two flag-only functions
    assert tax.labels[0] == "flag-only code" and tax.owner.name == "Ada Lovelace"
    nav = ready["acme.new_nav"]
    assert nav.command == "flagaudit remove acme.new_nav --as on|off" and nav.value == ""
    assert [(p.value, p.lines, p.files, p.refused) for p in nav.previews] == [("on", 18, 2, ()), ("off", 12, 2, ())]
    assert git(repo, "status", "--porcelain") == ""
    cli = run_cli("remove", "legacy-tax", "--as", "off", "--no-cache", cwd=repo)  # the figure is the command's
    assert "flagaudit: 19 lines deleted in all" in cli.stderr


def test_ready_rows_say_why_a_key_is_left_alone(data: ReportData) -> None:
    why = ("acme/legacy/tax.py:7: a check in a script", "acme/x.py:2: another")
    refused = replace(next(r for r in data.ready if r.key == "legacy-tax"), previews=(Preview("off", 0, 0, why),))
    page, text = render_html(replace(data, ready=(refused,)), charts=False), render_md(replace(data, ready=(refused,)))
    assert "left alone: acme/legacy/tax.py:7: a check in a script (and 1 more)" in text
    assert "left alone</span><div class=\"sub\">acme/legacy/tax.py:7: a check in a script (and 1 more)" in page
    assert remove_command("-x y", None) == "flagaudit remove --as on|off -- '-x y'"
    assert remove_command("a'b", True) == "flagaudit remove 'a'\"'\"'b' --as on"


def test_cleanup_queue_per_owner_most_pressing_first(data: ReportData) -> None:
    queues = {q.owner: q for q in data.queues}
    assert data.queues[0].owner == "@acme/platform" and len(data.queues[0].items) == 6
    assert [i.key for i in data.queues[0].items][:2] == ["ai-summary", "beta-reports"]  # expired before stale
    assert [i.key for i in queues["@acme/payments"].items] == ["fast-refunds", "new-checkout"]  # repurposed first
    assert queues["@acme/growth"].sources == ("CODEOWNERS", "annotation")
    assert queues["Ada Lovelace"].lines == 10
    assert "" not in queues  # every flag with a finding has an owner here


def test_same_input_same_report(repo: Path, data: ReportData) -> None:
    again = _report(repo, use_cache=False)  # history and the scan afresh, the user's cache untouched
    assert again == data
    assert render_html(again, charts=False) == render_html(data, charts=False)
    assert render_md(again) == render_md(data) and render_json(again) == render_json(data)
    # the charts are compared across processes in test_html_is_self_contained_with_sections_and_charts


def test_period_options(repo: Path) -> None:
    since = _report(repo, since=date(2026, 2, 1))
    assert (since.period.since, since.period.until, since.period.label) == ("2026-02-01", "2026-04-15",
                                                                             "2026-02-01 to 2026-04-15")
    assert (since.headline.born, since.headline.retired) == (3, 1)
    assert report_period(date(2026, 1, 5)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert report_period(AS_OF, until=date(2025, 8, 20)) == (date(2025, 7, 1), date(2025, 8, 20))
    assert Quarter.of(date(2025, 12, 31)).next().label == "2026 Q1"
    with pytest.raises(ValueError, match="the period is empty"):
        report_period(AS_OF, since=date(2026, 3, 1), until=date(2026, 2, 1))


# -- the formats -------------------------------------------------------------------------------------------------


def test_html_is_self_contained_with_sections_and_charts(repo: Path, data: ReportData, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "report.html"
    result = run_cli("report", "--as-of", "2026-04-15", "--jobs", "1", "-o", str(out), cwd=repo)
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page == render_html(data)
    for section in SECTIONS:
        assert f'id="{section}"' in page
    assert page.count('<svg class="chart"') == 3
    assert 'id="no-charts"' not in page
    _assert_self_contained(page)
    assert "Barbara Liskov" in page and "@acme/payments" in page and "10 lines" in page


def test_html_without_matplotlib_keeps_the_tables(data: ReportData, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    page = render_html(data)
    assert "<svg" not in page and 'id="no-charts"' in page
    assert "pip install &#x27;flagaudit[report]&#x27;" in page
    for section in SECTIONS:
        assert f'id="{section}"' in page
    assert "<details>" not in page  # the numbers behind each chart are shown, not folded away
    assert "<th>Quarter</th>" in page and "2024 Q2" in page
    _assert_self_contained(page)


def test_a_long_key_and_path_break_only_after_separators(data: ReportData) -> None:
    """At a laptop's width the lifecycle table fits when long keys wrap: after ``_``, ``.``, ``/``, ``:`` or
    ``-``, never inside a word; the text read without the break hints is the key's."""
    row = data.lifecycle[0]
    long = replace(data, lifecycle=(replace(row, key="enable_feature_versioning_for_new_environments",
                                            where="api/environments/models.py:225"), *data.lifecycle[1:]))
    page = render_html(long, charts=False)
    assert ("enable_<wbr>feature_<wbr>versioning_<wbr>for_<wbr>new_<wbr>environments</code>"
            '<div class="sub">api/<wbr>environments/<wbr>models.<wbr>py:<wbr>225</div>') in page


def _assert_self_contained(page: str) -> None:
    """Nothing that a browser would fetch: no scripts, style sheets, images, fonts or URLs."""
    lowered = page.lower()
    for tag in ("<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "@font-face", "url(http"):
        assert tag not in lowered, tag
    assert not re.search(r"https?://", page)
    assert not re.search(r"""(?:src|href)\s*=\s*(?!["']?#)""", page)


def test_markdown_pastes_cleanly(repo: Path, data: ReportData) -> None:
    result = run_cli("report", "--as-of", "2026-04-15", "--jobs", "1", "-q", cwd=repo)  # stdout, md by default
    assert result.returncode == 0 and result.stderr == ""
    text = result.stdout
    assert text == render_md(data)
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[:9] == [
        "# Feature-flag cleanup report: acme, 2026 Q1", "## Headline", "## Flags born vs retired, last 8 quarters",
        "## Age of live flags", "## Stale, expired and dormant flags (14)", "## Repurposed keys (3)",
        "## Flag-only code (10 removable lines)", "## Ready to remove (11 flags)", "## Other findings (4)"]
    assert "## Cleanup queue by owner" in headings and "### @acme/platform: 6 flags · from CODEOWNERS" in headings
    assert not re.search(r"<[a-zA-Z/]", text)  # no HTML
    for block in re.split(r"\n\n+", text):
        lines = block.splitlines()
        if lines and lines[0].startswith("|"):
            widths = {len(re.findall(r"(?<!\\)\|", line)) for line in lines}
            assert len(widths) == 1, block  # every row has as many cells as the header
    assert "| `legacy-export` | release | 737 d | Barbara Liskov *(blame)* | 1 |" in text
    assert ("| `legacy-tax` | flag-only code, constant, stale, dormant | `flagaudit remove legacy-tax --as off` | "
            "**19 lines** in 1 file | Ada Lovelace *(blame)* |") in text
    assert "`flagaudit remove acme.new_nav --as on\\|off` | --as on: **18 lines** in 2 files; --as off: **12" in text


def test_json_carries_the_same_data(repo: Path, data: ReportData) -> None:
    result = run_cli("report", "--as-of", "2026-04-15", "--format", "json", "--no-cache", "--jobs", "1", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr and "reading history" not in result.stderr  # no progress bar in a pipe
    assert result.stdout == render_json(data)
    document = json.loads(result.stdout)
    assert document["schema"] == 1 and document["kind"] == "flagaudit-report"
    assert document["headline"]["removable_lines"] == 10 and document["period"]["label"] == "2026 Q1"
    assert document["ages"]["rows"][0]["counts"] == {"release": 1, "experiment": 0, "operational": 0,
                                                     "kill-switch": 0}
    assert document["lifecycle"][0]["owner"] == {"name": "Barbara Liskov", "source": "blame",
                                                 "detail": data.lifecycle[0].owner.detail}
    assert document["ready"][1]["command"] == "flagaudit remove legacy-tax --as off"
    assert document["ready"][1]["previews"] == [{"value": "off", "lines": 19, "files": 1, "refused": []}]
    assert set(document["owner_sources"]) == {"annotation", "definition", "config", "CODEOWNERS", "blame", "none"}


def test_empty_period_is_a_usage_error(repo: Path) -> None:
    result = run_cli("report", "--since", "2026-03-01", "--until", "2026-02-01", cwd=repo)
    assert result.returncode == 2
    assert "the period is empty" in result.stderr


# -- progress ----------------------------------------------------------------------------------------------------


def _on_terminal(repo: Path, *args: str) -> str:
    """Run the report with stderr on a pseudo-terminal; what the terminal received."""
    master, slave = pty.openpty()
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "flagaudit", "report", "--as-of", "2026-04-15", "--jobs", "1",
                                *args],
                               cwd=repo, env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=slave)
    os.close(slave)
    received = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        received += chunk
    os.close(master)
    assert process.wait(timeout=60) == 0
    return received.decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_and_not_with_quiet(repo: Path) -> None:
    """Progress shows once a run has lasted two seconds (test_progress.py times that exactly); whatever shows is
    a bar on one line, erased at the end; nothing with -q. (No bar in a pipe either: see
    test_json_carries_the_same_data.)"""
    shown = _on_terminal(repo, "--no-cache")
    assert shown == "" or (shown.startswith("\rflagaudit: ") and shown.endswith("\r") and "\n" not in shown)
    assert _on_terminal(repo, "--no-cache", "-q") == ""


# -- owners: CODEOWNERS syntax and blame -------------------------------------------------------------------------


CODEOWNERS = r"""
# comment
*                   @org/everyone
*.js                @org/js   # inline comment
docs/*              @org/docs
apps/               @org/apps
/build/logs/        @org/build
**/secrets          @org/security
/src/legacy/
src/path\ with\ space/  @org/spaces
\#hash.txt          @org/hash

[Database] @org/dba
/db/
/db/schema.sql      @org/schema

^[Optional review][2] @org/reviewers
/db/
"""


@pytest.mark.parametrize(("path", "owners"), [
    ("README.md", ("@org/everyone",)),
    ("web/app.js", ("@org/js",)),
    ("docs/intro.md", ("@org/docs",)),
    ("docs/guides/deep.md", ("@org/everyone",)),  # docs/* is not recursive
    ("x/apps/main.py", ("@org/apps",)),  # a folder name matches at any depth
    ("build/logs/today.log", ("@org/build",)),
    ("other/build/logs/today.log", ("@org/everyone",)),  # anchored
    ("a/b/secrets/key.pem", ("@org/security",)),
    ("src/legacy/old.py", ()),  # a rule without owners: nobody owns it
    ("src/path with space/x.py", ("@org/spaces",)),
    ("#hash.txt", ("@org/hash",)),
    ("db/migrate.sql", ("@org/everyone", "@org/dba", "@org/reviewers")),  # GitLab sections add up
    ("db/schema.sql", ("@org/everyone", "@org/schema", "@org/reviewers")),  # the last match in each section
])
def test_codeowners_matching(path: str, owners: tuple[str, ...]) -> None:
    assert parse_codeowners(CODEOWNERS).match(path)[0] == owners


def test_codeowners_problems_and_subfolder_projects() -> None:
    parsed = parse_codeowners("!negated @x\n[unclosed @y\n/app/ @org/app\n", ".github/CODEOWNERS")
    assert parsed.problems == (
        ".github/CODEOWNERS:1: negated pattern '!negated' is not supported by CODEOWNERS; ignored",
        ".github/CODEOWNERS:2: cannot read the pattern '[unclosed'; ignored")
    site = Site("views.py", 3, 0, "app.views.f", "rule", "sdk", KeyRef((), "'k'"), "if")
    flag = Flag("k", "sdk", sites=(site,))
    # the project is the folder app/ of its repository: its paths are matched as app/...
    assert codeowners_owner(flag, parsed, "app/") == Owner("@org/app", "CODEOWNERS", ".github/CODEOWNERS:3 (/app/)")
    assert codeowners_owner(flag, parsed, "") is None


def test_blame_reads_several_ranges_of_a_file_in_one_call(repo: Path) -> None:
    found, notes = blame(repo, {"acme/legacy/tax.py": [8, 13, 14, 21], "acme/legacy/export.py": [5],
                                "missing.py": [1]})
    assert notes == ("git blame failed for 1 file(s) (missing.py): their owners are unknown",)
    assert sorted(found) == [("acme/legacy/export.py", 5), ("acme/legacy/tax.py", 8), ("acme/legacy/tax.py", 13),
                             ("acme/legacy/tax.py", 14), ("acme/legacy/tax.py", 21)]
    assert {b.author for b in found.values()} == {"Ada Lovelace", "Barbara Liskov"}
    assert found[("acme/legacy/export.py", 5)].date == "2024-09-02"


def test_a_flag_only_a_test_fixture_defines_is_not_counted_live(repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "acme"
    git(tmp_path, "clone", "-q", str(repo), str(copy))
    fixture = copy / "acme" / "tests" / "fixtures" / "toggles.py"
    fixture.parent.mkdir(parents=True, exist_ok=True)
    fixture.write_text('from edx_toggles.toggles import WaffleFlag\n\nONLY_IN_TESTS = WaffleFlag("fixtures.only", '
                       "__name__)\n", encoding="utf-8")
    git(copy, "add", "-A")
    git(copy, "commit", "-q", "-m", "a fixture", date="2026-03-30T12:00:00+00:00")
    found = _report(copy)
    assert found.headline.live == found.quarters[-1].live == sum(row.total for row in found.ages.rows) == 16


def test_a_flag_only_a_deleting_migration_names_is_not_live() -> None:
    key = KeyRef((), "'k'")
    deleted = Definition("app/migrations/0009.py", 5, 4, "waffle.flag-rows", "waffle-flag", key, action="delete")
    defined = Definition("app/migrations/0001.py", 5, 4, "waffle.flag-rows", "waffle-flag", key)
    assert not is_live(Flag("k", "waffle-flag", definitions=(defined, deleted)))
    assert is_live(Flag("k", "waffle-flag", definitions=(defined,)))
    assert not is_live(Flag(None, "waffle-flag", definitions=(defined,)))


def test_a_stale_switch_whose_type_is_a_guess_asks_for_its_type(tmp_path: Path) -> None:
    """A django-waffle switch nothing types is stale only if it is a rollout (its FA101 is information): the report
    counts it apart and asks its owner to declare the type rather than to delete it."""
    from tests.repos import Repo

    repo = Repo(tmp_path / "shop")
    repo.commit("2025-01-06", "Sign-up page behind a switch; new home behind a flag", {
        "app/__init__.py": "",
        "app/views.py": """
            from waffle import flag_is_active, switch_is_active


            def signup(request):
                if switch_is_active("signup"):
                    return "form"
                return "closed"


            def home(request):
                return "new" if flag_is_active(request, "new_home") else "old"
        """,
        "app/urls.py": """
            from django.urls import path

            from app.views import home, signup

            urlpatterns = [path("signup", signup), path("", home)]
        """})
    data = report(load_config((), None, repo.path), builtin_rules(),
                  ReportOptions(as_of=date(2026, 3, 1), workers=1))
    assert (data.headline.stale, data.headline.stale_guessed) == (2, 1)
    rows = {r.key: r for r in data.lifecycle}
    assert rows["signup"].reasons[0] == "stale if a rollout (limit 40 d)"
    assert rows["signup"].action.startswith("Declare its type: `type=permission` for a setting that stays")
    assert (rows["new_home"].reasons[0], rows["new_home"].action) == (
        "stale (limit 40 d)", "Roll out fully, then delete the flag and its off-branch")
    assert "2 flags outlived their type's lifetime (1 of them only if it is a rollout" in render_html(data)
    queued = {item.key: item.action for queue in data.queues for item in queue.items}
    assert queued["signup"] == rows["signup"].action  # the cleanup queue asks the same as the table
