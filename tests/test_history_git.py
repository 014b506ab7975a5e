"""Git edge cases: each gives a clear message and a sensible result, never a traceback."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

from flagaudit.api import update_ledger
from flagaudit.config import load_config
from flagaudit.history.ledger import write_ledger
from flagaudit.history.walk import HistoryOptions, history
from tests.helpers import builtin_rules, story, timeline
from tests.projects import BASE, views
from tests.repos import Repo, git, write_files
from tests.run import run_cli, run_process


def _history(path: Path):
    return history(load_config((), None, path), builtin_rules(), HistoryOptions(use_cache=False, workers=1))


def _flagged(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-05", "flag", {**BASE, "app/views.py": views()})
    repo.commit("2026-02-01", "pay", {"app/views.py": views(pay=True)})
    repo.commit("2026-03-01", "docs", {"README.md": "docs\n"})
    return repo


def test_not_a_repository_gives_one_warning_and_static_findings(tmp_path: Path) -> None:
    code = ("import ldclient\n\n# flagaudit: expires=2026-01-31\n"
            "if ldclient.get().variation('promo', None, False):\n    pass\n")
    write_files(tmp_path / "plain", {"app.py": code})
    result = run_cli("history", "--as-of", "2026-03-01", cwd=tmp_path / "plain")
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "git" in line] == [
        f"flagaudit: {(tmp_path / 'plain').resolve()} is not in a git repository: no history; "
        "only findings that need no history"]
    assert "FA102 expired-flag" in result.stdout and "0 keys" in result.stdout


def test_shallow_clone_is_partial_and_takes_earlier_lives_from_the_ledger(tmp_path: Path) -> None:
    repo = _flagged(tmp_path)
    bare = _clone(tmp_path, repo.path, "shallow", "--depth", "1")
    found = _history(bare)
    head = git(bare, "rev-parse", "HEAD").strip()
    assert found.partial and found.first == head and found.commits == 1
    assert f"history is partial (shallow clone): it starts at commit {head[:12]} (2026-03-01)" in found.notes[0]
    assert story(found, "new-checkout") == [("born", "2026-03-01")]

    config = load_config((), None, repo.path)
    write_ledger(config.root / "flagaudit.lock",
                 update_ledger(config, builtin_rules(), HistoryOptions(False, 1)).ledger)
    repo.commit("2026-04-01", "ledger")
    clone = _clone(tmp_path, repo.path, "shallow-with-ledger", "--depth", "1")
    found = _history(clone)
    checkout = timeline(found, "new-checkout")
    assert [(e.kind, e.date, e.source) for e in checkout.events] == [("born", "2026-01-05", "ledger")]
    assert checkout.events[0].commit == git(repo.path, "rev-list", "--max-parents=0", "HEAD").strip()
    assert "earlier events come from flagaudit.lock" in found.notes[0]
    check = run_cli("ledger", "--check", cwd=clone)
    assert check.returncode == 0, check.stdout + check.stderr


def test_shallow_clone_knows_a_key_retired_before_it_from_the_ledger(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-05", "flags", {**BASE, "app/views.py": views(pay=True)})
    repo.commit("2026-02-01", "retire fast pay", {"app/views.py": views()})
    config = load_config((), None, repo.path)
    write_ledger(config.root / "flagaudit.lock",
                 update_ledger(config, builtin_rules(), HistoryOptions(False, 1)).ledger)
    repo.commit("2026-03-01", "ledger")
    reused = repo.commit("2026-04-01", "fast pay again", {"app/views.py": views(pay=True)})
    found = _history(_clone(tmp_path, repo.path, "shallow", "--depth", "2"))
    assert [(e.kind, e.date[:10], e.source) for e in timeline(found, "fast-pay").events] == [
        ("born", "2026-01-05", "ledger"), ("retired", "2026-02-01", "ledger"), ("reborn", "2026-04-01", "git")]
    assert timeline(found, "fast-pay").events[-1].commit == reused


def test_empty_repository(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    found = _history(repo.path)
    assert found.timelines == () and found.head is None
    assert found.notes == (f"the repository at {repo.path} has no commits yet: no history",)
    result = run_cli("history", cwd=repo.path)
    assert result.returncode == 0 and "no commits yet" in result.stderr and "0 keys" in result.stdout


def test_detached_head_follows_its_own_first_parents(tmp_path: Path) -> None:
    repo = _flagged(tmp_path)
    git(repo.path, "checkout", "-q", "--detach", "HEAD~2")
    found = _history(repo.path)
    assert found.commits == 1 and [t.key for t in found.timelines] == ["new-checkout"]
    assert found.notes == (f"HEAD is detached at {found.head[:12]}: following its first parents",)


def test_bare_repository_given_as_path(tmp_path: Path) -> None:
    repo = _flagged(tmp_path)
    bare = _clone(tmp_path, repo.path, "bare.git", "--bare")
    result = run_cli("history", "-C", str(bare), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "is a bare repository: reading its history" in result.stderr
    assert '"key": "fast-pay"' in result.stdout
    ledger = run_cli("ledger", "-C", str(bare))
    assert ledger.returncode == 2
    assert ledger.stderr.strip().endswith("is a bare repository: there is no working tree to keep flagaudit.lock in")


def test_submodules_are_skipped_and_listed(tmp_path: Path) -> None:
    inner = Repo(tmp_path / "inner")
    inner.commit("2026-01-01", "inner", {"lib.py": "import ldclient\nldclient.get().variation('inner-key', None, 0)\n"})
    repo = _flagged(tmp_path)
    git(repo.path, "-c", "protocol.file.allow=always", "submodule", "add", "-q", f"file://{inner.path}", "vendor/inner")
    repo.commit("2026-03-02", "vendor")
    found = _history(repo.path)
    assert [(s.path, s.reason) for s in found.skipped] == [("vendor/inner", "submodule: its history is not analysed")]
    assert "inner-key" not in {t.key for t in found.timelines}
    result = run_cli("history", cwd=repo.path)
    assert "flagaudit: skipped vendor/inner: submodule: its history is not analysed" in result.stderr


def test_merges_count_on_the_first_parent_line(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-05", "flag", {**BASE, "app/views.py": views()})
    git(repo.path, "checkout", "-q", "-b", "feature")
    repo.commit("2026-01-10", "pay on a branch", {"app/views.py": views(pay=True)})
    repo.commit("2026-01-11", "newer on a branch", {"app/views.py": views("newer_checkout", pay=True)})
    git(repo.path, "checkout", "-q", "main")
    repo.commit("2026-01-12", "main moves on", {"README.md": "x\n"})
    git(repo.path, "merge", "-q", "--no-ff", "-m", "merge feature", "feature", date="2026-01-15T12:00:00+00:00")
    for number in range(3):
        git(repo.path, "checkout", "-q", "-b", f"topic{number}", "main~1")
        repo.commit(f"2026-02-0{number + 1}", f"topic {number}", {f"notes{number}.txt": "x\n"})
        git(repo.path, "checkout", "-q", "main")
        git(repo.path, "merge", "-q", "--no-ff", "-m", f"merge {number}", f"topic{number}",
            date=f"2026-02-0{number + 1}T13:00:00+00:00")
    found = _history(repo.path)
    merge = git(repo.path, "rev-parse", "main~3").strip()
    assert story(found, "fast-pay") == [("born", "2026-01-15")]
    assert timeline(found, "fast-pay").events[0].commit == merge
    assert story(found, "new-checkout") == [("born", "2026-01-05"), ("changed", "2026-01-15")]
    assert found.commits == 6


def test_a_file_deleted_and_added_again(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-05", "flag", {**BASE, "app/views.py": views()})
    repo.commit("2026-02-01", "delete", {"app/views.py": None})
    repo.commit("2026-03-01", "restore", {"app/views.py": views()})
    found = _history(repo.path)
    assert story(found, "new-checkout") == [("born", "2026-01-05"), ("retired", "2026-02-01"), ("reborn", "2026-03-01")]


def test_commit_messages_in_other_encodings(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    (repo.path / "message").write_bytes("Caf\xe9 flag".encode("latin-1"))
    write_files(repo.path, {**BASE, "app/views.py": textwrap.dedent(views())})
    git(repo.path, "add", "app")
    git(repo.path, "-c", "i18n.commitEncoding=latin1", "commit", "-q", "-F", "message",
        date="2026-01-05T12:00:00+00:00")
    write_files(repo.path, {"app/views.py": textwrap.dedent(views(pay=True))})
    git(repo.path, "add", "app")
    tree, parent = git(repo.path, "write-tree").strip(), git(repo.path, "rev-parse", "HEAD").strip()
    raw = (f"tree {tree}\nparent {parent}\nauthor Ada <ada@example.com> 1767700800 +0000\n"
           f"committer Ada <ada@example.com> 1767700800 +0000\n\n").encode() + b"Caf\xe9 undeclared\n"
    made = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=repo.path, input=raw,
                          capture_output=True, check=True).stdout.decode().strip()
    git(repo.path, "update-ref", "HEAD", made)
    found = _history(repo.path)
    assert timeline(found, "new-checkout").events[0].subject == "Café flag"
    assert timeline(found, "fast-pay").events[0].subject == "Caf\ufffd undeclared"
    assert run_cli("history", cwd=repo.path).returncode == 0


def test_git_missing_from_path_is_an_environment_error(tmp_path: Path) -> None:
    repo = _flagged(tmp_path)
    empty = tmp_path / "bin"
    empty.mkdir()
    for command in ("history", "ledger"):
        result = run_process(command, cwd=repo.path, env={"PATH": str(empty)})
        assert result.returncode == 2
        assert result.stderr == ("flagaudit: error: git is not installed or not on PATH ('git' not found); "
                                 "history needs git\n")
    assert run_process("scan", cwd=repo.path, env={"PATH": str(empty)}).returncode == 0


def _clone(tmp_path: Path, source: Path, name: str, *options: str) -> Path:
    target = tmp_path / name
    git(tmp_path, "clone", "-q", *options, f"file://{source}", str(target))
    return target


# -- partial clones and missing objects ---------------------------------------------------------------------------


def _vendored(tmp_path: Path) -> Repo:
    """A flag's history beside a vendored archive that is renamed with edits (git compares its contents)."""
    repo = Repo(tmp_path / "repo")
    archive = "".join(f"line {n} of a vendored archive\n" for n in range(400))  # too large for blob:limit=8k
    repo.commit("2026-01-05", "flag", {**BASE, "app/views.py": views(), "vendor/lib-1.0.tar": archive})
    repo.commit("2026-01-20", "pay", {"app/views.py": views(pay=True)})
    repo.commit("2026-02-01", "vendor 1.1", {"vendor/lib-1.1.tar": archive + "one more line\n"},
                moves={"vendor/lib-1.0.tar": "vendor/lib-1.1.tar"})
    moved = views(pay=True).replace("import ldclient", "import ldclient  # moved")
    repo.commit("2026-03-01", "move the views", {"app/web.py": moved}, moves={"app/views.py": "app/web.py"})
    git(repo.path, "config", "uploadpack.allowFilter", "true")
    return repo


def _offline(clone: Path, origin: Path) -> None:
    """The origin gone: what the partial clone lacks can no longer be fetched (as in CI without network)."""
    origin.rename(origin.with_name(origin.name + "-gone"))


def test_a_partial_clone_reads_only_what_flagaudit_analyses(tmp_path: Path) -> None:
    """The archives are left out of the clone (blob:limit): history reads none of them, not even to follow
    their renames, and follows the renames of code (compared by content) as in a full clone."""
    repo = _vendored(tmp_path)
    clone = _clone(tmp_path, repo.path, "partial", "--filter=blob:limit=8k")
    _offline(clone, repo.path)
    found = _history(clone)
    assert not found.partial and found.notes == ()
    assert story(found, "new-checkout") == [("born", "2026-01-05"), ("moved", "2026-03-01")]


def test_a_blobless_clone_without_network_is_partial_history_not_a_failure(tmp_path: Path) -> None:
    repo = _vendored(tmp_path)
    clone = _clone(tmp_path, repo.path, "blobless", "--filter=blob:none")  # the checkout fetches HEAD's files
    _offline(clone, repo.path)
    result = run_cli("history", "--format", "json", cwd=clone)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "flagaudit: history is partial: git cannot read 2 version(s) of analysed files (a partial clone, or a "
        "damaged repository); the last readable version of each stands in for them",
        "flagaudit: renames with edits are not followed (git cannot read every earlier version of the files)"]
    document = json.loads(result.stdout)
    assert document["history"]["partial"] is True
    checkout = next(t for t in document["timelines"] if t["key"] == "new-checkout")
    assert [(e["kind"], e["date"][:10]) for e in checkout["events"]] == [("born", "2026-03-01")]


def test_a_missing_object_in_a_damaged_repository_is_skipped_with_one_note(tmp_path: Path) -> None:
    """The first version of the views is gone: the flag is born with the next one, and the history says so."""
    repo = _flagged(tmp_path)
    old = git(repo.path, "rev-parse", "HEAD~2:app/views.py").strip()
    (repo.path / ".git" / "objects" / old[:2] / old[2:]).unlink()
    found = _history(repo.path)
    assert found.partial
    assert found.notes == (
        "history is partial: git cannot read 1 version(s) of analysed files (a partial clone, or a damaged "
        "repository); the last readable version of each stands in for them",)
    assert story(found, "new-checkout") == [("born", "2026-02-01")]


def test_a_merge_subject_takes_the_title_its_body_starts_with() -> None:
    """A forge writes the pull request's title as the first line of a merge's body; an older git wrote the files
    in conflict there instead, which is no title; a title is kept to 200 bytes."""
    from flagaudit.gitrepo import parse_log

    def subject(first: bytes, body: bytes) -> str:
        [commit] = parse_log(b"\x01" + b"a" * 40 + b"\x002026-01-01T12:00:00+00:00\x00Ada <a@b>\x00" + first + b"\x00"
                             + body + b"\x00")
        return commit.subject

    assert subject(b"Merge pull request #7 from org/x", b"\nHide the banner\n\nLonger text") == \
        "Merge pull request #7 from org/x: Hide the banner"
    assert subject(b"Merge branch 'x'", b"Conflicts:\n\tapp/views.py\n") == "Merge branch 'x'"
    assert subject(b"Add the banner", b"adds feature flag to disable it") == "Add the banner"
    long = subject(b"Merge pull request #8 from org/y", b"t" * 500)
    assert long == "Merge pull request #8 from org/y: " + "t" * 200
