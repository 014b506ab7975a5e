"""flagaudit.lock: written from history and the code, read back, checked, and kept stable."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

from flagaudit.history.ledger import (
    Acknowledgement,
    Entry,
    Ledger,
    Life,
    Mark,
    read_ledger,
    render_ledger,
)
from tests.projects import BASE, views
from tests.repos import Repo, git, write_files
from tests.run import run_cli


def test_round_trip_keeps_every_field_and_escapes_strings(tmp_path: Path) -> None:
    odd = 'quote " backslash \\ tab \t newline \n bell \x07 del \x7f café 🚩'
    ledger = Ledger((
        Entry("a-key", "launchdarkly", (Life(Mark(date(2026, 1, 5), "a" * 40), Mark(date(2026, 2, 1), "b" * 40)),
                                        Life(Mark(date(2026, 3, 1)))),
              ("app.views.checkout: app.checkout.new_checkout", odd), "release",
              (Acknowledgement("FA202", date(2026, 3, 2), "Ada <ada@example.com>", odd, ("app.x: y",)),)),
        Entry(odd, "waffle-flag", (Life(Mark(date(2025, 1, 1), "c" * 40), Mark(date(2025, 6, 1))),)),
    ))
    path = tmp_path / "flagaudit.lock"
    path.write_text(render_ledger(ledger), encoding="utf-8")
    assert read_ledger(path) == Ledger(tuple(sorted(ledger.entries, key=lambda e: (e.key, e.sdk))))
    text = path.read_text(encoding="utf-8")
    assert '  { born = 2026-01-05, born-commit = "' + "a" * 40 + '", retired = 2026-02-01' in text
    assert '  { born = 2026-03-01 },\n' in text and 'status = "live"' in text and 'status = "retired"' in text


def test_ledger_keeps_retired_keys_and_checks_the_meaning(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    born = repo.commit("2026-01-05", "flags", {**BASE, "app/views.py": views(pay=True)})
    retired = repo.commit("2026-02-01", "drop fast pay", {"app/views.py": views()})
    check = run_cli("ledger", "--check", cwd=repo.path)
    assert (check.returncode, check.stdout) == (1, "flagaudit.lock is out of date; run `flagaudit ledger` and commit "
                                                   "it:\n  flagaudit.lock does not exist\n")
    written = run_cli("ledger", "--as-of", "2026-02-02", cwd=repo.path)
    assert written.returncode == 0, written.stderr
    assert written.stdout == f"wrote {repo.path / 'flagaudit.lock'}: 2 keys (1 live, 1 retired), new\n"
    assert (repo.path / "flagaudit.lock").read_text().split("\n[[flag]]\n")[1:] == [
        'key = "fast-pay"\nsdk = "launchdarkly"\nstatus = "retired"\nlives = [\n'
        f'  {{ born = 2026-01-05, born-commit = "{born}", retired = 2026-02-01, retired-commit = "{retired}" }},\n'
        ']\nmeaning = [\n  "app.views.pay: app.checkout.fast_pay",\n]\n',
        'key = "new-checkout"\nsdk = "launchdarkly"\nstatus = "live"\nlives = [\n'
        f'  {{ born = 2026-01-05, born-commit = "{born}" }},\n'
        ']\nmeaning = [\n  "app.views.checkout: app.checkout.new_checkout =off:app.checkout.old_checkout",\n]\n',
    ]
    assert run_cli("ledger", "--check", cwd=repo.path).returncode == 0
    write_files(repo.path, {"app/views.py": textwrap.dedent(views("newer_checkout"))})
    check = run_cli("ledger", "--check", cwd=repo.path)
    assert check.returncode == 1
    assert check.stdout.splitlines()[1:] == ["  new-checkout [launchdarkly]: meaning changed (1 added, 1 removed)"]
    write_files(repo.path, {"app/views.py": textwrap.dedent(views("new_checkout", pay=True))})
    assert "  fast-pay [launchdarkly]: live in the code, retired in flagaudit.lock" in run_cli(
        "ledger", "--check", cwd=repo.path).stdout


def test_an_uncommitted_flag_is_dated_now_and_gets_its_commit_later(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-05", "flag", {**BASE, "app/views.py": views()})
    write_files(repo.path, {"app/views.py": textwrap.dedent(views(pay=True))})
    assert run_cli("ledger", "--as-of", "2026-01-10", cwd=repo.path).returncode == 0
    lock = repo.path / "flagaudit.lock"
    assert read_ledger(lock).entries[0].lives == (Life(Mark(date(2026, 1, 10))),)
    sha = repo.commit("2026-01-11", "fast pay and its ledger entry")
    assert run_cli("ledger", "--check", cwd=repo.path).returncode == 0
    assert run_cli("ledger", cwd=repo.path).returncode == 0
    assert read_ledger(lock).entries[0].lives == (Life(Mark(date(2026, 1, 11), sha)),)
    git(repo.path, "commit", "-q", "--amend", "-m", "rewritten", date="2026-01-11T13:00:00+00:00")
    assert run_cli("ledger", "--check", cwd=repo.path).returncode == 0
    assert run_cli("ledger", cwd=repo.path).stdout.endswith("0 changed\n")
    assert read_ledger(lock).entries[0].lives == (Life(Mark(date(2026, 1, 11), sha)),)


def test_retired_keys_outlive_squashed_history(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-01-05", "smart routing", {**BASE, "app/views.py": views(pay=True)})
    repo.commit("2025-03-01", "retire it", {"app/views.py": views()})
    assert run_cli("ledger", cwd=repo.path).returncode == 0
    git(repo.path, "checkout", "-q", "--orphan", "squashed")
    repo.commit("2026-01-01", "squash everything")
    history = run_cli("history", "fast-pay", cwd=repo.path)
    assert history.stdout.splitlines()[:3] == [
        "fast-pay  [launchdarkly]  retired 2025-03-01",
        f"  2025-01-05  born     {git(repo.path, 'rev-parse', 'main~1')[:12]}  (ledger)  ",
        f"  2025-03-01  retired  {git(repo.path, 'rev-parse', 'main')[:12]}  (ledger)  ",
    ]
    assert run_cli("history", "new-checkout", cwd=repo.path).stdout.startswith(
        "new-checkout  [launchdarkly]  live since 2025-01-05\n  2025-01-05  born ")
    assert run_cli("ledger", "--check", cwd=repo.path).returncode == 0
    assert run_cli("ledger", cwd=repo.path).returncode == 0
    entries = read_ledger(repo.path / "flagaudit.lock").entries
    assert [(e.key, e.status) for e in entries] == [("fast-pay", "retired"), ("new-checkout", "live")]


def test_without_git_history_the_ledger_is_written_from_the_code(tmp_path: Path) -> None:
    write_files(tmp_path / "plain", {"app.py": "import ldclient\nldclient.get().variation('solo', None, False)\n"})
    result = run_cli("ledger", "--as-of", "2026-05-01", cwd=tmp_path / "plain")
    assert result.returncode == 0 and "not in a git repository" in result.stderr
    [entry] = read_ledger(tmp_path / "plain" / "flagaudit.lock").entries
    assert (entry.key, entry.lives, entry.meaning) == ("solo", (Life(Mark(date(2026, 5, 1))),), ("app:",))


def test_a_damaged_ledger_is_an_error_naming_the_field(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-05", "flag", {**BASE, "app/views.py": views()})
    lock = repo.path / "flagaudit.lock"
    lock.write_text('version = 1\n[[flag]]\nkey = "k"\nsdk = "s"\nlives = [{ born = "yesterday" }]\n')
    result = run_cli("ledger", "--check", cwd=repo.path)
    assert (result.returncode, result.stderr) == (2, f"flagaudit: error: {lock}: flag[0].lives[0].born must be a date "
                                                     "(YYYY-MM-DD)\n")
    lock.write_text("version = 7\n")
    assert "version must be 1" in run_cli("history", cwd=repo.path).stderr


def test_changes_undone_before_they_are_committed_leave_no_trace(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-05", "flags", {**BASE, "app/views.py": views(pay=True)})
    assert run_cli("ledger", cwd=repo.path).returncode == 0
    lock = repo.path / "flagaudit.lock"
    recorded = lock.read_text()
    for edited in (views(), views(pay=True)):  # retire fast-pay in the working tree, then bring it back
        write_files(repo.path, {"app/views.py": textwrap.dedent(edited)})
        assert run_cli("ledger", "--as-of", "2026-01-06", cwd=repo.path).returncode == 0
    assert lock.read_text() == recorded
    write_files(repo.path, {"app/new.py": "import ldclient\nldclient.get().variation('brief', None, False)\n"})
    assert run_cli("ledger", "--as-of", "2026-01-06", cwd=repo.path).returncode == 0
    (repo.path / "app/new.py").unlink()
    check = run_cli("ledger", "--check", cwd=repo.path)
    assert (check.returncode, check.stdout.splitlines()[1:]) == (
        1, ["  brief [launchdarkly]: never committed, and gone from the code"])
    assert run_cli("ledger", "--as-of", "2026-01-07", cwd=repo.path).returncode == 0
    assert lock.read_text() == recorded
