"""Every built-in SDK rule proves itself: its ``match`` examples must be found, its ``no_match`` ones must not,
and it has both; ``flagaudit rules --test`` runs a user's rule file the same way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from flagaudit.cli import cli
from flagaudit.commands.rules import ExampleOutcome, example_outcomes
from tests.helpers import builtin_rules

OUTCOMES: list[ExampleOutcome] = [outcome for rule_file in builtin_rules().files
                                  for outcome in example_outcomes(rule_file, builtin_rules())]


@pytest.mark.parametrize("outcome", OUTCOMES, ids=[f"{o.rule}-{o.kind}-{o.number}" for o in OUTCOMES])
def test_example(outcome: ExampleOutcome) -> None:
    assert not outcome.problem, f"{outcome.rule} {outcome.kind}[{outcome.number}]: {outcome.problem}"


def test_the_rule_file_in_the_documentation_passes_its_own_examples(tmp_path: Path) -> None:
    """docs/writing-rules.md's Read the Docs file, through ``flagaudit rules --test``."""
    page = (Path(__file__).resolve().parent.parent / "docs" / "writing-rules.md").read_text(encoding="utf-8")
    [text] = [block for block in re.findall(r"```toml\n(.*?)```", page, re.S) if 'name = "readthedocs"' in block]
    rule_file = tmp_path / "readthedocs.toml"
    rule_file.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "--test", str(rule_file)])
    assert result.exit_code == 0, result.output
    assert result.output.endswith(f"{rule_file}: 4 of 4 examples pass\n")


def test_a_failing_example_fails_the_command(tmp_path: Path) -> None:
    rule_file = tmp_path / "mine.toml"
    rule_file.write_text(
        "[sdk]\nname = 'mine'\n[[check]]\nid = 'on'\nfunctions = ['mine.flags.on']\nkey = {position = 0}\n"
        "match = [{ key = 'b', code = \"\"\"\nfrom mine.flags import on\non('a')\n\"\"\" }]\n"
        "no_match = [\"\"\"\nfrom mine.flags import on\non('c')\n\"\"\"]\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "--test", str(rule_file)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "FAIL  mine/on match[0]: expected key 'b', found 'a'",
        "FAIL  mine/on no_match[0]: matched a look-alike (key 'c')",
        f"{rule_file}: 0 of 2 examples pass",
    ]


def test_rules_lists_each_loaded_file_and_where_it_comes_from(tmp_path: Path) -> None:
    rule_file = tmp_path / "mine.toml"
    rule_file.write_text("[sdk]\nname = 'mine'\ntitle = 'Mine'\n[[check]]\nid = 'on'\nfunctions = ['mine.on']\n"
                         "key = {position = 0}\n", encoding="utf-8")
    (tmp_path / "flagaudit.toml").write_text("rules = ['mine.toml']\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "--config", str(tmp_path / "flagaudit.toml")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "launchdarkly  LaunchDarkly  (built-in, launchdarkly.toml)" in lines
    assert lines[-2:] == [f"mine  Mine  ({rule_file})", "  check   mine/on" + " " * 37 + "[mine]  0 match, 0 no_match"]


def test_strings_from_a_rule_file_reach_the_terminal_escaped(tmp_path: Path) -> None:
    rule_file = tmp_path / "mine.toml"
    rule_file.write_text("[sdk]\nname = 'mine'\ntitle = \"Mine\\u001b[2J\\n::error::forged\"\n[[check]]\nid = 'on'\n"
                         "functions = ['mine.on']\nkey = {position = 0}\n", encoding="utf-8")
    (tmp_path / "flagaudit.toml").write_text("rules = ['mine.toml']\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "--config", str(tmp_path / "flagaudit.toml")])
    assert result.exit_code == 0, result.output
    assert f"mine  Mine\\x1b[2J\\n::error::forged  ({rule_file})" in result.output.splitlines()


@pytest.mark.parametrize("rule_file", sorted((Path(__file__).resolve().parent.parent / "benchmarks" / "rules")
                                             .glob("*.toml")), ids=lambda p: p.name)
def test_the_benchmarks_rule_files_pass_their_own_examples(rule_file: Path) -> None:
    result = CliRunner().invoke(cli, ["rules", "--test", str(rule_file)])
    assert result.exit_code == 0, result.output


DATA_RULE = """\
[sdk]
name = 'mine'
title = 'Mine'
[[data]]
id = 'features'
files = ['app/features.yaml']
module = 'app.features'
name = 'flag_name'
value = 'name'
match = [{ key = 'other', code = '''
- flag_name: ENABLE_GV
  name: gravy_waffle
''' }]
no_match = ['''
- flag_name: ENABLE_GV
  name: gravy_waffle
''', { path = 'app/other.yaml', code = '''
- flag_name: ENABLE_GV
  name: gravy_waffle
''' }]
"""


def test_a_data_rule_is_listed_and_its_examples_are_data_files(tmp_path: Path) -> None:
    """A data rule's example is the data file (read as its first ``files`` pattern, or as ``path``): a match must
    give the key, a look-alike must give none."""
    rule_file = tmp_path / "mine.toml"
    rule_file.write_text(DATA_RULE, encoding="utf-8")
    (tmp_path / "flagaudit.toml").write_text("rules = ['mine.toml']\n", encoding="utf-8")
    listed = CliRunner().invoke(cli, ["rules", "--config", str(tmp_path / "flagaudit.toml")])
    assert listed.output.splitlines()[-1] == f"  data    {'mine/features':<44}[app.features]  1 match, 2 no_match"
    result = CliRunner().invoke(cli, ["rules", "--test", str(rule_file)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "FAIL  mine/features match[0]: expected key 'other', found 'gravy_waffle'",
        "FAIL  mine/features no_match[0]: matched a look-alike (key 'gravy_waffle')",
        "ok    mine/features no_match[1]",
        f"{rule_file}: 1 of 3 examples pass",
    ]


def test_a_data_rule_without_examples_fails_its_test(tmp_path: Path) -> None:
    rule_file = tmp_path / "mine.toml"
    rule_file.write_text(DATA_RULE.split("match = ")[0], encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "--test", str(rule_file)])
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == ["FAIL  mine/features match[0]: has no match example",
                                              "FAIL  mine/features no_match[0]: has no no_match example"]
