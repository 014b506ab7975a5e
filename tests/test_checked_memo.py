"""The kept output of ``flagaudit check``: a run on the same tree, commits, ledger and options prints the same
bytes without judging again, and a kept output that is stale, damaged or forged is never printed for other
input, nor one a terminal or a CI log would act on."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flagaudit.output import RENDERERS
from flagaudit.scan.cache import FACTS_VERSION
from tests.projects import guarded
from tests.repos import Repo
from tests.run import ROOT, Ran, run_cli, run_process

FORMATS = [(name, ()) for name in sorted(RENDERERS)] + [("text", ("-v",)), ("json", ("--select", "FA2"))]
"""Every format, and options besides the format that change the output."""
AS_OF = ("--as-of", "2026-12-01")
ACTIONS = "def fast_pay(ctx): ...\ndef quick_pay(ctx): ...\n"


def _repo(tmp_path: Path) -> Repo:
    """``fast-pay`` born and retired: clean until a commit brings the key back."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-01-05", "fast pay", {"app/__init__.py": "", "app/actions.py": ACTIONS,
                                           "app/pay.py": guarded("fast-pay", ("pay", "fast_pay"))})
    repo.commit("2025-03-01", "retire fast pay", {"app/pay.py": None})
    return repo


def _reborn(repo: Repo) -> None:
    repo.commit("2026-01-09", "fast pay is back", {"app/pay.py": guarded("fast-pay", ("quick", "quick_pay"))})


def _memo(repo: Repo) -> Path:
    return repo.path / ".flagaudit_cache" / f"checked-v{FACTS_VERSION}.json"


def _check(repo: Repo, *args: str) -> Ran:
    return run_cli("check", *AS_OF, *args, cwd=repo.path)


def _same(ran: Ran, expected: Ran) -> None:
    assert (ran.returncode, ran.stdout, ran.stderr) == (expected.returncode, expected.stdout, expected.stderr)


def _forge(repo: Repo, change: str = "fast-pay", walk: str | None = None, missing: list[str] | None = None,
           text: str = "forged") -> None:
    """Rewrite the kept output as a forger would: ``change`` in the text becomes ``text``, and the walk state
    and missing blobs it rests on become ``walk`` and ``missing`` when given."""
    header, _, body = _memo(repo).read_bytes().partition(b"\n")
    value, _, kept_text = body.split(b"\n", 2)  # the value, the text's length, the text as it is
    shown, kept_walk, kept_missing = json.loads(value)
    forged_text = kept_text.decode().replace(change, text).encode()
    assert text.encode() in forged_text
    forged = [shown, kept_walk if walk is None else walk, kept_missing if missing is None else missing]
    _memo(repo).write_bytes(header + b"\n" + json.dumps(forged).encode() + b"\n%d\n" % len(forged_text) + forged_text)


@pytest.mark.parametrize(("output_format", "options"), FORMATS)
def test_cold_warm_and_kept_output_are_the_same_bytes(tmp_path: Path, output_format: str,
                                                      options: tuple[str, ...]) -> None:
    repo = _repo(tmp_path)
    _reborn(repo)
    args = ("--format", output_format, *options)
    fresh = _check(repo, "--no-cache", *args)
    assert fresh.returncode == 1 and fresh.stdout
    cold = _check(repo, *args)
    assert _memo(repo).exists() == (output_format != "github"), "only output nothing acts on is kept"
    for name in ("inventory", "graph"):
        (repo.path / ".flagaudit_cache" / f"{name}-v{FACTS_VERSION}.json").unlink()
    for ran in (cold, _check(repo, *args), _check(repo, *args)):
        _same(ran, fresh)


def test_the_kept_output_is_what_is_printed(tmp_path: Path) -> None:
    """What a forged inventory could make the run print and exit with, a forged output can; nothing more."""
    repo = _repo(tmp_path)
    _reborn(repo)
    _check(repo, "--format", "json")
    _forge(repo)
    assert '"forged"' in _check(repo, "--format", "json").stdout


def test_a_new_commit_is_judged_not_answered_from_the_kept_output(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    clean = _check(repo, "--format", "json")
    assert clean.returncode == 0 and _memo(repo).exists()
    _same(_check(repo, "--format", "json"), clean)
    _forge(repo, change="schema")
    assert "forged" in _check(repo, "--format", "json").stdout
    _reborn(repo)
    blocked = _check(repo, "--format", "json")
    assert blocked.returncode == 1 and "FA201" in blocked.stdout
    _same(blocked, _check(repo, "--no-cache", "--format", "json"))
    _same(_check(repo, "--format", "json"), blocked)


def test_another_day_options_or_ledger_make_the_kept_output_unused(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _reborn(repo)
    _check(repo, "--format", "json")
    for args in (("--as-of", "2026-12-02"), ("--select", "FA1"), ("--ignore", "FA4"), ("--fail-on", "warning"),
                 ("--format", "text"), ("--no-history",), ("-v",)):
        _forge(repo)
        ran = run_cli("check", *AS_OF, "--format", "json", *args, cwd=repo.path) if args[0] != "--as-of" else \
            run_cli("check", "--format", "json", *args, cwd=repo.path)
        assert "forged" not in ran.stdout, args
        _check(repo, "--format", "json")  # kept again for the options the loop starts from


def test_a_written_ledger_makes_the_kept_output_unused(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _check(repo, "--format", "json")
    _forge(repo, change="schema")
    assert run_cli("ledger", *AS_OF, cwd=repo.path).returncode == 0 and (repo.path / "flagaudit.lock").exists()
    assert "forged" not in _check(repo, "--format", "json").stdout


def test_a_changed_walk_state_makes_the_kept_output_unused(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _reborn(repo)
    fresh = _check(repo, "--format", "json")
    (state,) = (repo.path / ".flagaudit_cache").glob("history-v*-*.json")
    _forge(repo)
    state.write_bytes(state.read_bytes() + b" ")
    _same(_check(repo, "--format", "json"), fresh)
    _forge(repo)
    state.unlink()
    _same(_check(repo, "--format", "json"), fresh)


@pytest.mark.parametrize("walk", ["", "../history-v7-00.json:00", "history-v7-00.json:00"])
def test_a_kept_output_naming_another_walk_state_is_unused(tmp_path: Path, walk: str) -> None:
    repo = _repo(tmp_path)
    _reborn(repo)
    fresh = _check(repo, "--format", "json")
    _forge(repo, walk=walk)
    ran = _check(repo, "--format", "json")
    if walk:
        _same(ran, fresh)
    else:  # as a run that read no history keeps it: the forged output is printed (a forged inventory could)
        assert "forged" in ran.stdout


def test_a_blob_git_lacked_that_it_now_has_makes_the_kept_output_unused(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _reborn(repo)
    fresh = _check(repo, "--format", "json")
    present = repo.git("rev-parse", "HEAD:app/pay.py").strip()
    for missing in ([present], ["--batch-all-objects"], ["0" * 40, present]):
        _forge(repo, missing=missing)
        _same(_check(repo, "--format", "json"), fresh)
    _forge(repo, missing=["0" * 40])  # still missing: the kept output holds
    assert "forged" in _check(repo, "--format", "json").stdout


@pytest.mark.parametrize("forged", ["\x1b]0;owned\x07", "\n::add-mask::secret\n", "##[error]owned", "\u202e"])
def test_kept_output_a_terminal_would_act_on_is_not_printed_and_is_rebuilt(tmp_path: Path, forged: str) -> None:
    repo = _repo(tmp_path)
    _reborn(repo)
    clean = _check(repo, "--format", "text")
    _forge(repo, text=f"fast-pay{forged}")
    attacked = _check(repo, "--format", "text")
    assert (attacked.returncode, attacked.stdout) == (clean.returncode, clean.stdout)
    assert [line for line in attacked.stderr.splitlines() if "kept" in line] == [
        "flagaudit: ignored the kept check --format text -v0 output: it holds characters a terminal acts on; "
        "it is rebuilt"]
    _same(_check(repo, "--format", "text"), clean)


def test_a_damaged_kept_output_is_noted_once_and_rebuilt(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _reborn(repo)
    clean = _check(repo, "--format", "json")
    _memo(repo).write_bytes(b'["not", "a", "memo"]')
    damaged = _check(repo, "--format", "json")
    assert (damaged.returncode, damaged.stdout) == (clean.returncode, clean.stdout)
    assert [line for line in damaged.stderr.splitlines() if "cache" in line] == [
        f"flagaudit: ignored a damaged cache file {_memo(repo)} (no digest line); it is rebuilt"]
    _same(_check(repo, "--format", "json"), clean)


def test_no_output_is_kept_with_base_or_without_the_cache(tmp_path: Path) -> None:
    """With --base the output depends on the lines the working tree changed since the ref, which no digest
    here covers."""
    repo = _repo(tmp_path)
    _reborn(repo)
    _check(repo, "--format", "json", "--base", "HEAD~1")
    _check(repo, "--format", "json", "--no-cache")
    assert not _memo(repo).exists()


def test_output_kept_by_another_build_of_the_same_version_is_not_shown(tmp_path: Path) -> None:
    """A development install changes without a new version number: two copies of flagaudit that differ only in
    the shipped policies (release flags live 40 days in one, 1000 in the other) each judge for themselves."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-01-05", "fast pay", {"app/__init__.py": "", "app/actions.py": ACTIONS,
                                           "app/pay.py": guarded("fast-pay", ("pay", "fast_pay"))})
    builds = []
    for name, days in (("strict", "40"), ("lenient", "1000")):
        build = tmp_path / name
        shutil.copytree(ROOT / "flagaudit", build / "flagaudit", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "rules", build / "rules")
        policies = build / "rules" / "policies.toml"
        policies.write_text(policies.read_text().replace("release = 40", f"release = {days}"))
        builds.append(build)
    ran = [run_process("check", *AS_OF, "--format", "json", cwd=repo.path, env={"PYTHONPATH": str(build)})
           for build in (*builds, builds[0])]
    stale = [[f["code"] for f in json.loads(r.stdout)["findings"] if f["code"] == "FA101"] for r in ran]
    assert stale == [["FA101"], [], ["FA101"]]
