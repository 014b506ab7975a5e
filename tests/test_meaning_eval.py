"""The meaning evaluation set (``fixtures/meaning``): every case built as a real git repository, the gate run
on it through the library, and its FA2xx findings compared exactly with what the case expects.

A case the analyzer gets wrong today is marked ``xfail(strict=True)`` with the reason from
``cases.KNOWN_GAPS``: fixing the analyzer turns it into an XPASS failure, and the mark (and the numbers in
``docs/meaning.md``) must then go. Cases are never changed to match the analyzer.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVALUATE = ROOT / "fixtures" / "meaning" / "evaluate.py"


def _load_evaluate():  # type: ignore[no-untyped-def]
    name = "_flagaudit_meaning_evaluate"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, EVALUATE)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


evaluate = _load_evaluate()
cases = evaluate.cases
build = evaluate.build

PRECISION = "precision 1.00 (36/36)"
RECALL = "recall 1.00 (36/36)"
"""What docs/meaning.md reports; update both when a known gap is fixed."""


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Every case built and checked once (use_cache=False, one worker): name -> Outcome."""
    folder = tmp_path_factory.mktemp("meaning")
    return {o.case.name: o for o in evaluate.evaluate(folder)}


def _param(case):  # type: ignore[no-untyped-def]
    reason = cases.KNOWN_GAPS.get(case.name)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case.name, id=case.name, marks=marks)


@pytest.mark.parametrize("name", [_param(c) for c in cases.CASES])
def test_verdict(name: str, outcomes: dict[str, object]) -> None:
    outcome = outcomes[name]
    case = outcome.case
    assert outcome.got == case.expect, (
        f"{case.name} ({case.summary}): expected {sorted(case.expect)}, got {sorted(outcome.got)}\n"
        + "\n".join(outcome.messages))


@pytest.mark.parametrize("name", [c.name for c in cases.CASES])
def test_the_key_is_seen(name: str, outcomes: dict[str, object]) -> None:
    """A silent verdict must come from judging the key, not from not finding it."""
    outcome = outcomes[name]
    assert outcome.seen, f"{name}: the scan did not find {outcome.case.key!r}"


def test_precision_and_recall_match_the_docs(outcomes: dict[str, object]) -> None:
    text = evaluate.summary(list(outcomes.values()))
    assert PRECISION in text and RECALL in text, text
    assert PRECISION in (ROOT / "docs" / "meaning.md").read_text(encoding="utf-8")
    assert RECALL in (ROOT / "docs" / "meaning.md").read_text(encoding="utf-8")


def test_the_set_is_well_formed() -> None:
    must_fail = [c for c in cases.CASES if c.verdict == "fail"]
    must_pass = [c for c in cases.CASES if c.verdict == "pass"]
    assert len(must_fail) >= 12 and len(must_pass) >= 12
    assert len(must_fail) + len(must_pass) == len(cases.CASES)
    assert all(c.expect and all(code.startswith("FA2") for code, _ in c.expect) for c in must_fail)
    assert all(not c.expect for c in must_pass)
    for shape in ("FA201", "FA202", "FA203"):
        assert any(shape in c.codes for c in must_fail), shape
    for case in cases.CASES:
        days = [step.date for step in case.commits]
        assert days == sorted(days) and all(d < cases.AS_OF for d in days), case.name
        assert all(step.committed for step in case.commits[:-1]), f"{case.name}: only the last step may be uncommitted"
        assert case.commits[0].committed, case.name
        for step in case.commits:
            for path, text in step.files.items():
                if text is not None and path.endswith(".py"):
                    ast.parse(textwrap.dedent(text), filename=f"{case.name}:{path}")


def test_a_build_is_reproducible(tmp_path: Path) -> None:
    case = next(c for c in cases.CASES if c.name == "knight_power_peg")
    heads = [build.repos.git(build.build_case(case, tmp_path / str(n)), "rev-parse", "HEAD").strip() for n in (1, 2)]
    assert heads[0] == heads[1]
    log = build.repos.git(tmp_path / "1", "log", "--format=%ad %cd %s", "--date=short")
    assert log.splitlines() == [
        "2026-07-27 2026-07-27 Retail Liquidity Program: price improvement for retail orders",
        "2016-03-01 2016-03-01 Power Peg child orders",
    ]


def test_the_command_line_agrees(tmp_path: Path) -> None:
    """One case through ``python -m flagaudit check --format json`` gives what the library gave."""
    case = next(c for c in cases.CASES if c.name == "knight_power_peg")
    repo = build.build_case(case, tmp_path / case.name)
    assert evaluate.run_cli(case, repo)[0] == evaluate.run_check(case, repo)[0] == case.expect


def test_a_revert_re_landed_is_information_with_its_evidence(tmp_path: Path, cli) -> None:
    """The same code back after a revert: FA201 stays in the report, as info with "same fingerprint"; exit 0."""
    import json

    case = next(c for c in cases.CASES if c.name == "revert_and_reland")
    repo = build.build_case(case, tmp_path / case.name)
    result = cli("check", "--as-of", cases.AS_OF, "--no-cache", "--format", "json", "-q", cwd=repo)
    assert result.returncode == 0, result.stdout
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "FA201"]
    assert finding["severity"] == "info" and finding["path"] == "search/views.py"
    assert "came back unchanged" in finding["message"] and "same fingerprint" in finding["message"]
    assert {"kind": "note", "value": "same fingerprint", "detail": "the sites that came back are the ones retired"} \
        in finding["evidence"]


def test_the_report_lists_a_revert_re_landed_without_counting_it_as_a_risk(tmp_path: Path, cli) -> None:
    """The cleanup report's headline counts keys whose second meaning needs work; a revert re-landed unchanged
    is information: it is listed among the repurposed keys, and the headline says no key carries a second
    meaning."""
    import json

    case = next(c for c in cases.CASES if c.name == "revert_and_reland")
    repo = build.build_case(case, tmp_path / case.name)
    result = cli("report", "--as-of", cases.AS_OF, "--no-cache", "--format", "json", "-q", cwd=repo)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["headline"]["repurposed"] == 0
    assert [(r["code"], r["key"]) for r in report["repurposed"]] == [("FA201", case.key)]
    queued = [i for q in report["queues"] for i in q["items"] if i["key"] == case.key]
    assert all(i["priority"] > 0 and "new key" not in i["action"] for i in queued), queued
    html = cli("report", "--as-of", cases.AS_OF, "--no-cache", "-q", cwd=repo).stdout
    assert "carries a second meaning" not in html and "carry a second meaning" not in html
