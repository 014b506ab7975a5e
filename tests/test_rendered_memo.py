"""The kept output of ``flagaudit scan``: a run on an unchanged tree prints the same bytes without rendering,
and a kept output that is stale, damaged or forged is never printed for other input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flagaudit.output import RENDERERS
from flagaudit.safefiles import read_regular
from flagaudit.scan.cache import FACTS_VERSION, LIMIT, read_cached
from tests.projects import CHECKOUT_APP
from tests.repos import git, write_files
from tests.run import Ran, run_cli

FORMATS = [(name, ()) for name in sorted(RENDERERS)] + [("text", ("-v",)), ("json", ("--select", "FA4"))]
"""Every format, and the options besides the format that change the output."""


TOGGLES = 'from edx_toggles.toggles import WaffleFlag\n\nENABLE_NEW_NAV = WaffleFlag("nav.enable_new", __name__)\n'


def _views(key: str) -> str:
    """A check of ``key``, which ``TOGGLES`` does not define (FA401, and FA402 for the flag it does)."""
    return f"from waffle import flag_is_active\n\n\ndef menu(request):\n    return flag_is_active(request, {key!r})\n"


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_files(repo, {"app/__init__.py": "", "app/checkout.py": CHECKOUT_APP, "nav/__init__.py": "",
                       "nav/toggles.py": TOGGLES, "nav/views.py": _views("nav.enable_newz")})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "checkout behind new-checkout")
    return repo


def _memo(repo: Path) -> Path:
    return repo / ".flagaudit_cache" / f"rendered-v{FACTS_VERSION}.json"


def _scan(repo: Path, *args: str) -> Ran:
    return run_cli("scan", *args, cwd=repo)


def _same(ran: Ran, expected: Ran) -> None:
    assert (ran.returncode, ran.stdout, ran.stderr) == (expected.returncode, expected.stdout, expected.stderr)


@pytest.mark.parametrize(("output_format", "options"), FORMATS)
def test_cold_warm_and_kept_output_are_the_same_bytes(tmp_path: Path, output_format: str,
                                                      options: tuple[str, ...]) -> None:
    repo = _repo(tmp_path)
    args = ("--format", output_format, *options)
    fresh = _scan(repo, "--no-cache", *args)
    cold = _scan(repo, *args)  # analyses every file, keeps the result and the output
    assert cold.returncode in (0, 1) and cold.stdout
    kept = _memo(repo).exists()
    assert kept == (output_format != "github"), "only output a terminal and a CI log do not act on is kept"
    (repo / ".flagaudit_cache" / f"inventory-v{FACTS_VERSION}.json").unlink()
    warm = _scan(repo, *args)  # from the kept output alone where there is one
    for ran in (cold, warm, _scan(repo, *args)):
        _same(ran, fresh)


def test_the_verdict_and_the_bytes_printed_come_from_the_kept_output(tmp_path: Path) -> None:
    """What a forged inventory could make the run print and exit with, a forged output can; nothing more."""
    repo = _repo(tmp_path)
    _scan(repo, "--format", "json")
    header, value, _, text = _memo(repo).read_bytes().split(b"\n", 3)  # the value, the text's length, the text
    _, notes, skipped, _ = json.loads(value)
    text = text.replace(b"nav.enable_newz", b"forged")
    _memo(repo).write_bytes(b"\n".join([header, json.dumps(["", notes, skipped, True]).encode(), b"%d" % len(text),
                                        text]))
    ran = _scan(repo, "--format", "json")
    assert ran.returncode == 1 and '"forged"' in ran.stdout and "nav.enable_newz" not in ran.stdout


@pytest.mark.parametrize("forged", ["\x1b]0;owned\x07", "\n::add-mask::secret\n", "##[error]owned", "\u202e"])
def test_kept_output_a_terminal_would_act_on_is_not_printed_and_is_rebuilt(tmp_path: Path, forged: str) -> None:
    repo = _repo(tmp_path)
    clean = _scan(repo, "--format", "text")
    header, value, _, text = _memo(repo).read_bytes().split(b"\n", 3)  # the value, the text's length, the text
    text += forged.encode()
    _memo(repo).write_bytes(b"\n".join([header, value, b"%d" % len(text), text]))
    attacked = _scan(repo, "--format", "text")
    assert (attacked.returncode, attacked.stdout) == (clean.returncode, clean.stdout)
    assert [line for line in attacked.stderr.splitlines() if "kept" in line] == [
        "flagaudit: ignored the kept --format text -v0 output: it holds characters a terminal acts on; it is rebuilt"]
    _same(_scan(repo, "--format", "text"), clean)  # rebuilt: no note the next time


def test_a_damaged_kept_output_is_noted_once_and_rebuilt(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    clean = _scan(repo, "--format", "json")
    _memo(repo).write_bytes(b'["not", "a", "memo"]')
    damaged = _scan(repo, "--format", "json")
    assert (damaged.returncode, damaged.stdout) == (clean.returncode, clean.stdout)
    assert [line for line in damaged.stderr.splitlines() if "cache" in line] == [
        f"flagaudit: ignored a damaged cache file {_memo(repo)} (no digest line); it is rebuilt"]
    _same(_scan(repo, "--format", "json"), clean)


@pytest.mark.parametrize("damage", [b"", b"\n", b"\nx\n", b"\n12\n{", b"\n2\n\xff\xfe"])
def test_a_kept_output_without_its_text_is_noted_once_and_rebuilt(tmp_path: Path, damage: bytes) -> None:
    """The text follows the value's line, after a line with its length in bytes: a memo cut short, or whose
    text is not UTF-8, is damaged."""
    repo = _repo(tmp_path)
    clean = _scan(repo, "--format", "json")
    header, value, _ = _memo(repo).read_bytes().split(b"\n", 2)
    _memo(repo).write_bytes(header + b"\n" + value + damage)
    damaged = _scan(repo, "--format", "json")
    assert (damaged.returncode, damaged.stdout) == (clean.returncode, clean.stdout)
    notes = [line for line in damaged.stderr.splitlines() if "cache" in line]
    assert len(notes) == 1 and f"ignored a damaged cache file {_memo(repo)} (not a text" in notes[0], damaged.stderr
    _same(_scan(repo, "--format", "json"), clean)


def test_output_kept_for_other_input_or_another_view_is_not_used(tmp_path: Path) -> None:
    """A kept output names the digest it was kept for: one for another tree (stale, or forged to claim it) is
    passed over without a note, like any memo kept by an earlier run, and replaced."""
    repo = _repo(tmp_path)
    _scan(repo, "--format", "json")
    _, _, body = _memo(repo).read_bytes().partition(b"\n")
    _memo(repo).write_bytes(b"digest " + b"0" * 40 + b"\n" + body.replace(b"nav.enable_newz", b"forged"))
    ran = _scan(repo, "--format", "json")
    _same(ran, _scan(repo, "--no-cache", "--format", "json"))
    assert "forged" not in ran.stdout and not _memo(repo).read_bytes().startswith(b"digest " + b"0" * 40)
    _same(_scan(repo, "--format", "text"), _scan(repo, "--no-cache", "--format", "text"))


def test_a_change_to_one_file_makes_the_kept_output_unused(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _scan(repo, "--format", "json")
    _scan(repo, "--format", "json")
    write_files(repo, {"nav/views.py": _views("renamed")})
    ran = _scan(repo, "--format", "json")
    assert '"renamed"' in ran.stdout and "nav.enable_newz" not in ran.stdout
    _same(ran, _scan(repo, "--no-cache", "--format", "json"))


def test_a_memo_kept_for_another_digest_is_read_only_as_far_as_its_first_line(tmp_path: Path) -> None:
    """What a memo was kept for is its first line: one kept for another digest is not read whole (a kept output
    is megabytes), and the reader tells stale from damaged as if it had read it all."""
    memo = tmp_path / "memo.json"
    memo.write_bytes(b"digest " + b"1" * 40 + b"\n" + b"x" * 100_000)
    assert read_regular(memo, LIMIT, b"digest " + b"2" * 40 + b"\n") == memo.read_bytes()[:256]
    assert read_regular(memo, LIMIT, b"digest " + b"1" * 40 + b"\n") == memo.read_bytes()
    assert read_cached(memo, str, "2" * 40) == (None, None)  # stale: passed over without a note
    memo.write_bytes(b"digest " + b"1" * 300 + b"\n" + b"x" * 100_000)
    assert read_cached(memo, str, "2" * 40)[1] == f"ignored a damaged cache file {memo} (no digest line); it is rebuilt"
