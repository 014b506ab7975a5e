"""The scan's facts are kept in shards, and its memos name what they were kept for.

An edit rewrites only the shards holding the new facts; a memo kept for another digest is passed over without
a note, and one whose first line is not a digest line is damaged: one note, and it is rebuilt.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

from flagaudit.facts import FileFacts
from flagaudit.scan.cache import FACTS_VERSION, FactCache, content_key, encoded, read_shard
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
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (repo / CACHE).glob("facts-*")}


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


def _entries(shard: Path) -> dict[str, object]:
    """A shard's entries, one JSON list of key and facts a line."""
    return dict(json.loads(line) for line in shard.read_bytes().splitlines())


def _store(shard: Path, entries: dict[str, object]) -> None:
    shard.write_text("".join(json.dumps([key, facts]) + "\n" for key, facts in entries.items()), encoding="utf-8")


def test_facts_are_decoded_as_asked_for_and_a_bad_entry_damages_its_shard(tmp_path: Path) -> None:
    """A shard's entries are parsed and checked when a run asks for them: one no run asks for (facts of another
    content) costs nothing and says nothing, not even when it is not JSON; a file's own entry of the wrong shape
    is one note, and the shard is rebuilt."""
    repo = _project(tmp_path, modules=4)
    clean = run_cli("scan", "--format", "json", cwd=repo)
    shard = max((repo / CACHE).glob("facts-*"), key=lambda p: p.stat().st_size)
    stored = _entries(shard)
    name = shard.stem.rpartition("-")[2]
    stored[f"other:1:{name}{'0' * 38}"] = ["not", "facts"]
    _store(shard, stored)
    with shard.open("ab") as stream:
        stream.write(b'["other:2:' + name.encode() + b'0",{not JSON]\n')
    for path in (repo / CACHE).glob("rendered-*.json"):  # else the kept output is printed, no facts read
        path.unlink()
    edit = "def part_0():\n    print(0)\n    return 100\n"  # changes facts: every file's facts are read
    (repo / "app/part_0.py").write_text(edit, encoding="utf-8")
    unasked = run_cli("scan", "--format", "json", cwd=repo)
    fresh = run_cli("scan", "--format", "json", "--no-cache", cwd=repo)
    assert (unasked.returncode, unasked.stdout, unasked.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)

    own = content_key("app/checkout.py", "app.checkout", (repo / "app/checkout.py").read_bytes())
    shard = repo / CACHE / f"facts-v{FACTS_VERSION}-{own[:2]}.jsonl"
    forgeries: list[tuple[Callable[[bytes, bytes], bytes], str]] = [
        (lambda key, text: b'["%s",["wrong"]]' % key, f"expected FileFacts of {len(fields(FileFacts))} fields"),
        (lambda key, text: b'["%s",[%s]' % (key, text), "not JSON"),  # cut short
        (lambda key, text: b'["%s",%s]' % (key, text[:-1] + b"\xff]"), "not JSON")]  # not UTF-8
    for lines_added, (forged, why) in enumerate(forgeries):
        lines = [line.partition(b",")[::2] for line in shard.read_bytes().splitlines()]
        shard.write_bytes(b"".join((forged(key[2:-1], text[:-1]) if key.endswith(own.encode() + b'"')
                                    else key + b"," + text) + b"\n" for key, text in lines))
        other = edit.replace("part_0()", f"part_0(p{lines_added}=None)")  # another parameter: other facts
        (repo / "app/part_0.py").write_text(other, encoding="utf-8")
        damaged = run_cli("scan", "--format", "json", cwd=repo)
        fresh = run_cli("scan", "--format", "json", "--no-cache", cwd=repo)
        assert (damaged.returncode, damaged.stdout) == (fresh.returncode, fresh.stdout)
        notes = [line for line in damaged.stderr.splitlines() if "cache" in line]
        assert len(notes) == 1 and f"ignored a damaged cache file {shard} ({why}" in notes[0], (why, damaged.stderr)
    assert clean.returncode == fresh.returncode


def test_a_shard_with_a_line_that_is_no_entry_is_damaged(tmp_path: Path) -> None:
    """A line that is not a list of a key (printable ASCII, no quote or backslash) and facts: one note when the
    shard is read, and it is rebuilt; the run's output is that of a run without the cache."""
    repo = _project(tmp_path, modules=4)
    clean = run_cli("scan", "--format", "json", cwd=repo)
    shard = max((repo / CACHE).glob("facts-*"), key=lambda p: p.stat().st_size)
    edit = "def part_0():\n    print(0)\n    return 100\n"
    for number, line in enumerate((b"{}", b'["a\\"b",[]]', b'["key\x00",[]]', b'["key",[]] ', b"not JSON")):
        shard.write_bytes(shard.read_bytes() + line + b"\n")
        for path in (repo / CACHE).glob("rendered-*.json"):
            path.unlink()
        (repo / "app/part_0.py").write_text(edit.replace("part_0()", f"part_0(p{number}=None)"),  # other facts
                                            encoding="utf-8")
        damaged = run_cli("scan", "--format", "json", cwd=repo)
        fresh = run_cli("scan", "--format", "json", "--no-cache", cwd=repo)
        assert (damaged.returncode, damaged.stdout) == (fresh.returncode, fresh.stdout), line
        notes = [note for note in damaged.stderr.splitlines() if "cache" in note]
        assert notes == [f"warning: ignored a damaged cache file {shard} (expected a line of facts); it is rebuilt"] \
            or (len(notes) == 1 and "expected a line of facts" in notes[0]), (line, damaged.stderr)
        healed = run_cli("scan", "--format", "json", cwd=repo)
        assert (healed.returncode, healed.stdout, healed.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert clean.returncode == fresh.returncode


def test_facts_are_stored_as_the_workers_encoded_them_or_as_put_last(tmp_path: Path) -> None:
    """A text given with facts is what the shard holds; facts put again without one are encoded when saved, never
    left beside the text of the facts they replaced."""
    folder = tmp_path / CACHE
    first, second = FileFacts("app/a.py", lines=1), FileFacts("app/a.py", lines=2)
    key = "digest:10:" + content_key("app/a.py", "app.a", b"x = 1\n")
    cache = FactCache(folder, tmp_path)
    cache.put(key, first, encoded(first))
    cache.put(key, second)
    assert cache.save() is None
    (shard,) = folder.glob("facts-*.jsonl")
    entries, problem = read_shard(shard)
    assert problem is None and entries == {key: encoded(second)}
