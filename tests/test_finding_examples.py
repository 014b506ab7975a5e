"""Every finding rule proves itself: the gate fires its code on each ``fires`` project and not on any ``silent``
one. The projects are built for real: files in a folder, and for rules that read history, a git repository
with the example's commits on their days."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flagaudit.api import CheckOptions, CompareOptions, check, compare
from flagaudit.checks import Example, FindingRule, all_rules
from flagaudit.config import load_config
from tests.helpers import builtin_rules
from tests.repos import Repo, write_files

CASES = [(rule, kind, number, example) for rule in all_rules().values()
         for kind, examples in (("fires", rule.fires), ("silent", rule.silent))
         for number, example in enumerate(examples)]


def codes_on(example: Example, folder: Path) -> list[str]:
    """The codes the gate reports on the example's project, built in ``folder``."""
    root = folder / "project"
    made = []
    if example.commits:
        repo = Repo(root)
        for number, (day, files) in enumerate(example.commits):
            made.append(repo.commit(day, f"change {number}", dict(files)))
    write_files(root, dict(example.files), dedent=True)
    config = load_config((), None, root)
    if example.versions:
        refs = tuple((f"v{n}", made[n]) for n in example.versions)
        return [f.code for f in compare(config, builtin_rules(),
                                        CompareOptions(refs, use_cache=False, workers=1)).findings]
    found = check(config, builtin_rules(), CheckOptions(as_of=date.fromisoformat(example.as_of), use_cache=False,
                                                        workers=1, no_history=not example.commits,
                                                        allow_missing_ledger=not example.commits))
    return [f.code for f in found.findings]


def test_every_rule_has_examples_both_ways() -> None:
    for rule in all_rules().values():
        assert rule.fires and rule.silent, f"{rule.code} needs a firing and a silent example"


@pytest.mark.parametrize(("rule", "kind", "number", "example"), CASES,
                         ids=[f"{rule.code}-{kind}-{number}" for rule, kind, number, _ in CASES])
def test_example(rule: FindingRule, kind: str, number: int, example: Example, tmp_path: Path) -> None:
    found = codes_on(example, tmp_path)
    if kind == "fires":
        assert rule.code in found, f"{rule.code} did not fire on:\n{example.render()}\nfound {found}"
    else:
        assert rule.code not in found, f"{rule.code} fired on its silent example:\n{example.render()}"


def test_explain_shows_the_firing_example() -> None:
    rule = all_rules()["FA201"]
    text = rule.explain()
    assert "Example (fires FA201)" in text and "# 2020-01-15, committed: router/peg.py deleted" in text
