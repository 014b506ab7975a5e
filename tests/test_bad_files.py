"""One file never stops a run, and hostile input costs time linear in its size.

Each test plants one attack in a real folder or git repository and runs the real command line: the file
becomes a ``skipped`` entry (or an escaped string) and the run goes on, never with a traceback and never
with exit 1, which CI reads as "blocking findings".
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.make_broken_tree import DEEP_CHAIN, GOOD, LONG_AND
from tests.repos import Repo, git, write_files
from tests.run import ROOT, Ran, run_cli, run_process

PROJECT = "[tool.flagaudit]\npaths = ['.']\n"


def _clean(result: Ran) -> None:
    """No traceback, and every stderr line is one of flagaudit's own short lines."""
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert all(line.startswith("flagaudit: ") and len(line) < 500 for line in result.stderr.splitlines()), result.stderr


def make_repo(folder: Path, files: dict[str, str]) -> Path:
    """A real git repository holding ``files``, committed once."""
    repo = Repo(folder)
    repo.commit("2026-01-01", "initial", files, dedent=False)
    return repo.path


def _skipped(document: dict) -> dict[str, str]:
    return {s["path"]: s["reason"] for s in document["skipped"]}


def _scan_beside_good(tmp_path: Path, chain: str) -> dict:
    """The JSON scan, in a real process, of ``chain.py`` beside a good file; it must finish cleanly."""
    write_files(tmp_path, {"chain.py": chain, "good.py": GOOD})
    result = run_process("scan", str(tmp_path), "--format", "json", "--no-cache")
    assert result.returncode == 0
    _clean(result)
    return json.loads(result.stdout)


def test_a_500_operand_chain_is_skipped_and_the_scan_goes_on(tmp_path: Path) -> None:
    document = _scan_beside_good(tmp_path, DEEP_CHAIN)
    assert "nested too deeply to analyse (RecursionError)" in _skipped(document)["chain.py"]
    assert [f["key"] for f in document["flags"]] == ["csv_export"]


def test_a_500_operand_boolean_chain_is_analysed(tmp_path: Path) -> None:
    """A long ``and`` is one node of the ``ast``, not a nesting 500 deep: its check is found, with its branch."""
    document = _scan_beside_good(tmp_path, LONG_AND)
    assert "chain.py" not in _skipped(document)
    assert sorted(f["key"] for f in document["flags"]) == ["chained", "csv_export"]
    (site,) = [s for f in document["flags"] if f["key"] == "chained" for s in f["sites"]]
    assert site["guard"] == "if"


def test_a_500_operand_chain_in_an_old_commit_breaks_no_command(tmp_path: Path, cli) -> None:
    repo = make_repo(tmp_path / "repo", {"chain.py": DEEP_CHAIN, "good.py": GOOD, "pyproject.toml": PROJECT})
    (repo / "chain.py").unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "drop the chain", date="2026-02-01T12:00:00+00:00")
    for command in (("history",), ("check",), ("ledger",), ("ledger", "--check"), ("report", "--format", "md")):
        result = cli(*command, "--no-cache", cwd=repo)
        assert result.returncode == 0, (command, result.stderr[-2000:])
        _clean(result)
    history = json.loads(cli("history", "--format", "json", "--no-cache", cwd=repo).stdout)
    assert [t["key"] for t in history["timelines"]] == ["csv_export"]


def test_codecs_that_cannot_decode_are_skipped(tmp_path: Path, cli) -> None:
    write_files(tmp_path, {"good.py": GOOD})
    (tmp_path / "undefined.py").write_bytes(b"# coding: undefined\nx = 1\n")
    (tmp_path / "puny.py").write_bytes(b"# coding: punycode\nx = 1\n")
    for output in ("json", "sarif"):
        result = cli("scan", str(tmp_path), "--format", output, "--no-cache")
        assert result.returncode == 0
        _clean(result)
    skipped = _skipped(json.loads(cli("scan", str(tmp_path), "--format", "json", "--no-cache").stdout))
    assert skipped["undefined.py"].startswith("cannot decode") and skipped["puny.py"].startswith("cannot decode")


def test_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    write_files(tmp_path, {"good.py": GOOD})
    (tmp_path / os.fsdecode(b"caf\xe9.py")).write_text(GOOD.replace("csv_export", "cafe"), encoding="utf-8")
    raw = subprocess.run([sys.executable, "-m", "flagaudit", "scan", str(tmp_path), "--format", "json", "--no-cache"],
                         capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert raw.returncode == 0, raw.stderr
    document = json.loads(raw.stdout.decode("utf-8"))  # valid UTF-8, and the exact name comes back
    assert {s["path"] for f in document["flags"] for s in f["sites"]} == {"good.py", os.fsdecode(b"caf\xe9.py")}
    sarif_file = tmp_path / "out.sarif"
    sarif = run_process("scan", str(tmp_path), "--format", "sarif", "-o", str(sarif_file), "--no-cache")
    assert sarif.returncode == 0, sarif.stderr
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for result in json.loads(sarif_file.read_bytes().decode("utf-8"))["runs"][0]["results"]
            for loc in result["locations"]}
    assert "caf%E9.py" in uris
    for output in ("text", "github", "markdown"):
        written = tmp_path / f"out.{output}"
        result = run_cli("scan", str(tmp_path), "--format", output, "-o", str(written), "--no-cache")
        assert result.returncode == 0, (output, result.stderr)
        assert "caf\\xe9.py" in written.read_bytes().decode("utf-8") or output == "markdown"


def _without_root_powers(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI as a user without root's power to read any folder (root keeps its uid, loses the capability)."""
    command = [sys.executable, "-m", "flagaudit", *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: permissions cannot be tested")
        command = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *command]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          check=False, timeout=120)


@pytest.mark.parametrize("in_git", [False, True], ids=["outside-git", "inside-git"])
def test_an_unreadable_folder_is_skipped(tmp_path: Path, in_git: bool) -> None:
    project = tmp_path / "p"
    write_files(project, {"good.py": GOOD, "locked/inner.py": GOOD.replace("csv_export", "inner")})
    if in_git:
        git(project, "init", "-q", "-b", "main")
        git(project, "add", "-A")
        git(project, "commit", "-q", "-m", "initial")
    (project / "locked").chmod(0)
    try:
        result = _without_root_powers("scan", str(project), "--format", "json", "--no-cache")
    finally:
        (project / "locked").chmod(0o755)
    assert result.returncode == 0, result.stderr
    _clean(result)
    skipped = _skipped(json.loads(result.stdout))
    assert set(skipped) == {"locked/inner.py" if in_git else "locked"}
    assert "Permission denied" in next(iter(skipped.values()))


def test_an_owner_with_dollar_signs_in_the_html_report(tmp_path: Path, cli) -> None:
    pytest.importorskip("matplotlib")
    source = GOOD.replace('active("csv_export"):', 'active("csv_export"):  # flagaudit: type=release owner=@team$\\x$')
    repo = make_repo(tmp_path / "repo", {"app.py": source, "pyproject.toml": PROJECT})
    out = repo / "report.html"
    result = cli("report", "-o", str(out), "--as-of", "2027-01-01", "--no-cache", "-q", cwd=repo)
    assert result.returncode == 0, result.stderr
    _clean(result)
    page = out.read_text(encoding="utf-8")
    assert "<svg" in page and "@team$\\x$" in page


def _cpu_seconds(*args: str, cwd: Path) -> tuple[Ran, float]:
    """Run the CLI and measure the CPU it used (its own and its workers'): unlike wall time, barely moved by
    other work on a loaded machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run_process(*args, cwd=cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return result, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def test_a_one_line_template_with_50k_tags_costs_linear_time(tmp_path: Path) -> None:
    tags = "".join(f'{{% flag "k{i % 500}" %}}<b>x</b>{{% endflag %}} ' for i in range(50_000))
    write_files(tmp_path, {"app/templates/one.html": tags, "pyproject.toml": PROJECT})
    result, cpu = _cpu_seconds("scan", "--no-cache", "--jobs", "1", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "500 flags, 50000 sites" in result.stdout
    assert cpu < 20, f"{cpu:.1f} s of CPU for 1.9 MB (linear: about 2 s; quadratic: over a minute)"


def test_300k_statements_before_3k_checks_cost_linear_time(tmp_path: Path) -> None:
    checks = "".join(f"if switch_is_active('k{i}'):\n    pass\n" for i in range(3_000))
    write_files(tmp_path, {"many.py": "from waffle import switch_is_active\n" + "pass\n" * 300_000 + checks,
                           "pyproject.toml": PROJECT})
    result, cpu = _cpu_seconds("scan", "--no-cache", "--jobs", "1", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "3000 flags, 3000 sites" in result.stdout
    assert cpu < 20, f"{cpu:.1f} s of CPU (linear: about 4 s; statements x checks: over 40 s)"


def test_one_line_of_80k_constants_and_one_of_20k_checks_cost_linear_time(tmp_path: Path) -> None:
    constants = ";".join(f'K{i} = "k{i}"' for i in range(80_000))
    checks = ";".join(f'switch_is_active("k{i % 500}")' for i in range(20_000))
    write_files(tmp_path, {"one.py": f"from waffle import switch_is_active\n{constants}\n{checks}\n",
                           "pyproject.toml": PROJECT})
    result, cpu = _cpu_seconds("scan", "--no-cache", "--jobs", "1", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "500 flags, 20000 sites" in result.stdout
    assert cpu < 20, f"{cpu:.1f} s of CPU (each line's annotations read once: about 7 s; once per name: over 40 s)"


def test_a_template_of_unclosed_tags_costs_linear_time(tmp_path: Path) -> None:
    """The settings rules read a tag up to 200 characters in: 200,000 unclosed ``{{`` after one read of a setting
    would take about an hour when a tag was read to its closing brace, wherever that was (80 KB took 22 s of CPU
    for one rule; the time grows with the square of the size)."""
    text = "{{ FEATURES.map }} {% if settings.ENABLE_BUGS_TAB %}" + "{{ a " * 200_000
    write_files(tmp_path, {"app/templates/open.html": text, "pyproject.toml": PROJECT})
    result, cpu = _cpu_seconds("scan", "--no-cache", "--jobs", "1", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2 flags, 2 sites" in result.stdout
    assert cpu < 20, f"{cpu:.1f} s of CPU for 1 MB (linear: a few seconds; quadratic: about an hour)"


def test_loops_over_a_long_tuple_of_keys_around_many_checks_cost_linear_time(tmp_path: Path) -> None:
    """A check in a loop over literal keys checks each key: a hostile file loops over a tuple of 2,000 names around
    each of 3,000 checks (six million sites). A span makes sites of at most 10,000 keys so, and a file of at most
    50,000 beyond its checks: past that it is skipped, whichever of its spans a pass analyses."""
    names = "KEYS = (" + ", ".join(f'"k{i}"' for i in range(2_000)) + ")\n"
    body = "    return [flag_is_active(request, k) for k in KEYS]\n"
    loops = "".join(f"def f{i}(request):\n{body}" for i in range(3_000))
    huge = "BIG = (" + ", ".join(f'"b{i}"' for i in range(20_000)) + ")\n"
    write_files(tmp_path, {"loops.py": "from waffle import flag_is_active\n" + names + loops,
                           "big.py": "from waffle import flag_is_active\n" + huge
                           + "def g(request):\n    return [flag_is_active(request, k) for k in BIG]\n",
                           "pyproject.toml": PROJECT})
    result, cpu = _cpu_seconds("scan", "--no-cache", "--jobs", "1", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert [(s["path"], s["reason"]) for s in found["skipped"]] == [
        ("loops.py", "more than 50,000 keys checked or defined in loops over literal keys")]
    assert [(f["key"], len(f["sites"])) for f in found["flags"]] == [(None, 1)]  # big.py: past a span's 10,000
    assert cpu < 20, f"{cpu:.1f} s of CPU (bounded: a few seconds; six million sites: minutes and gigabytes)"
