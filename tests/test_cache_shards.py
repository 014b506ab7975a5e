"""The scan's facts are kept in shards, and its memos name what they were kept for.

An edit rewrites only the shards holding the new facts; a memo kept for another digest is passed over without
a note, and one whose first line is not a digest line is damaged: one note, and it is rebuilt.
"""

from __future__ import annotations

import json
from pathlib import Path

from flagaudit.scan.cache import FACTS_VERSION, content_key
from tests.projects import CHECKOUT_APP as APP
from tests.repos import git, write_files
from tests.run import run_cli

CACHE = ".flagaudit_cache"


def _project(tmp_path: Path, modules: int = 40) -> Path:
    """A repository with one flag check and ``modules`` more modules, enough to fill many shards."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    extra = {f"app/part_{n}.py": f"def part_{n}():\n    return {n}\n" for n in range(modules)}
    write_files(repo, {"app/__init__.py": "", "app/checkout.py": APP, **extra})
    return repo


def _shards(repo: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (repo / CACHE).glob("facts-*.json")}


def test_an_edit_rewrites_only_the_shards_of_the_new_facts(tmp_path: Path) -> None:
    repo = _project(tmp_path)
    first = run_cli("scan", "--format", "json", cwd=repo)
    before = _shards(repo)
    assert len(before) > 10, before
    (repo / "app/part_3.py").write_text("def part_3():\n    return 33\n", encoding="utf-8")
    edited = run_cli("scan", "--format", "json", cwd=repo)
    after = _shards(repo)
    rewritten = [name for name in after if after[name] != before.get(name)]
    assert 1 <= len(rewritten) <= 2, rewritten
    fresh = run_cli("scan", "--format", "json", "--no-cache", cwd=repo)
    assert (edited.returncode, edited.stdout, edited.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert first.stdout == fresh.stdout  # the edit changes no flag


def _memos(repo: Path) -> list[Path]:
    return sorted((repo / CACHE).glob("inventory-*.json")) + sorted((repo / CACHE).glob("graph-*.json"))


def test_a_memo_kept_for_another_digest_is_passed_over_silently(tmp_path: Path) -> None:
    repo = _project(tmp_path, modules=2)
    clean = run_cli("scan", cwd=repo)
    for path in _memos(repo):
        body = path.read_bytes().partition(b"\n")[2]
        path.write_bytes(b"digest another\n" + body)
    stale = run_cli("scan", cwd=repo)
    assert (stale.returncode, stale.stdout, stale.stderr) == (clean.returncode, clean.stdout, clean.stderr)


def test_a_memo_without_its_digest_line_is_damaged(tmp_path: Path) -> None:
    """Also a forged memo naming the right digest over a body of the wrong shape: one note, then healed."""
    repo = _project(tmp_path, modules=2)
    clean = run_cli("scan", cwd=repo)
    for forged in (lambda header, body: body, lambda header, body: header + b"\n[1, 2]"):
        for path in _memos(repo):
            header, _, body = path.read_bytes().partition(b"\n")
            path.write_bytes(forged(header, body))
        for path in (repo / CACHE).glob("rendered-*.json"):  # else the kept output is printed, the result unread
            path.unlink()
        damaged = run_cli("scan", cwd=repo)
        assert (damaged.returncode, damaged.stdout) == (clean.returncode, clean.stdout)
        notes = [line for line in damaged.stderr.splitlines() if "cache" in line]
        assert len(notes) == 1 and "ignored a damaged cache file" in notes[0], damaged.stderr
        healed = run_cli("scan", cwd=repo)
        assert (healed.returncode, healed.stdout, healed.stderr) == (clean.returncode, clean.stdout, clean.stderr)


def test_facts_are_decoded_as_asked_for_and_a_bad_entry_damages_its_shard(tmp_path: Path) -> None:
    """A shard's entries are checked when a run asks for them: one no run asks for (facts of another content)
    costs nothing and says nothing; a file's own entry of the wrong shape is one note, and the shard is rebuilt."""
    repo = _project(tmp_path, modules=4)
    clean = run_cli("scan", "--format", "json", cwd=repo)
    shard = max((repo / CACHE).glob("facts-*.json"), key=lambda p: p.stat().st_size)
    stored = json.loads(shard.read_bytes())
    name = shard.stem.rpartition("-")[2]
    stored[f"other:1:{name}{'0' * 38}"] = ["not", "facts"]
    shard.write_text(json.dumps(stored), encoding="utf-8")
    for path in (repo / CACHE).glob("rendered-*.json"):  # else the kept output is printed, no facts read
        path.unlink()
    edit = "def part_0():\n    print(0)\n    return 100\n"  # changes facts: every file's facts are read
    (repo / "app/part_0.py").write_text(edit, encoding="utf-8")
    unasked = run_cli("scan", "--format", "json", cwd=repo)
    fresh = run_cli("scan", "--format", "json", "--no-cache", cwd=repo)
    assert (unasked.returncode, unasked.stdout, unasked.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)

    own = content_key("app/checkout.py", "app.checkout", (repo / "app/checkout.py").read_bytes())
    shard = repo / CACHE / f"facts-v{FACTS_VERSION}-{own[:2]}.json"
    stored = json.loads(shard.read_bytes())
    stored = {key: ["wrong"] if key.endswith(own) else value for key, value in stored.items()}
    shard.write_text(json.dumps(stored), encoding="utf-8")
    (repo / "app/part_0.py").write_text(edit.replace("print(0)", "print(1)\n    print(1)"), encoding="utf-8")
    damaged = run_cli("scan", "--format", "json", cwd=repo)
    fresh = run_cli("scan", "--format", "json", "--no-cache", cwd=repo)
    assert (damaged.returncode, damaged.stdout) == (fresh.returncode, fresh.stdout)
    notes = [line for line in damaged.stderr.splitlines() if "cache" in line]
    assert len(notes) == 1 and f"ignored a damaged cache file {shard}" in notes[0], damaged.stderr
    assert clean.returncode == fresh.returncode
