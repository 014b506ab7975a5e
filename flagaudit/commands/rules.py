"""``flagaudit rules``: the SDK rules a project loads and where each comes from; with ``--test FILE``, a rule
file's own ``match`` and ``no_match`` examples, run the way the test suite runs the built-in ones. Nothing here
prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Literal

from flagaudit.config import Config
from flagaudit.errors import FlagauditError
from flagaudit.extract.data_constants import data_constants
from flagaudit.scan.project import flags_in_memory
from flagaudit.sdk_rules import (
    CheckRule,
    DataRule,
    DefineRule,
    Example,
    ObjectRule,
    RuleFile,
    RuleSet,
    SettingRule,
    TextRule,
    builtin_rules_folder,
    load_rules,
    text_file,
)

SdkRule = CheckRule | ObjectRule | DefineRule | SettingRule | TextRule | DataRule
ExampleKind = Literal["match", "no_match"]


@dataclass(frozen=True)
class LoadedFile:
    """One SDK rule file as loaded: its entries and whether it ships with flagaudit or the project added it."""

    rules: RuleFile
    builtin: bool

    @property
    def entries(self) -> tuple[tuple[str, SdkRule], ...]:
        """(kind, entry) in the file's order of kinds: check, object, define, setting, text, data."""
        return entries(self.rules)


@dataclass(frozen=True)
class ExampleOutcome:
    """One example of one SDK rule, run; ``problem`` says what went wrong (empty when it passed)."""

    rule: str
    kind: ExampleKind
    number: int
    problem: str = ""


def entries(rule_file: RuleFile) -> tuple[tuple[str, SdkRule], ...]:
    return (*(("check", e) for e in rule_file.checks), *(("object", e) for e in rule_file.objects),
            *(("define", e) for e in rule_file.defines), *(("setting", e) for e in rule_file.settings),
            *(("text", e) for e in rule_file.texts), *(("data", e) for e in rule_file.data))


def loaded_rules(config: Config) -> tuple[LoadedFile, ...]:
    """The built-in SDK rule files, then the ones the configuration adds, as a scan loads them."""
    rules = load_rules(config.rules, config.settings_dicts)
    builtin = builtin_rules_folder().resolve()
    return tuple(LoadedFile(f, Path(f.path).resolve().parent == builtin) for f in rules.files)


def test_rule_file(path: Path, config: Config) -> tuple[ExampleOutcome, ...]:
    """Run every example of the rule file at ``path``, loaded beside the built-in rules and the project's own."""
    extra = [p for p in config.rules if Path(p).resolve() != path.resolve()]
    rules = load_rules([*extra, path], config.settings_dicts)
    tested = next(f for f in rules.files if Path(f.path).resolve() == path.resolve())
    return example_outcomes(tested, rules)


def example_outcomes(rule_file: RuleFile, rules: RuleSet) -> tuple[ExampleOutcome, ...]:
    """Each entry's ``match`` examples must be found (with the ``key`` they name), its ``no_match`` ones must
    not; an entry without one of the two is a failure too: a rule has to prove both."""
    outcomes = []
    for _, entry in entries(rule_file):
        for kind, examples in (("match", entry.match), ("no_match", entry.no_match)):
            if not examples:
                outcomes.append(ExampleOutcome(entry.id, kind, 0, f"has no {kind} example"))  # type: ignore[arg-type]
            for number, example in enumerate(examples):
                outcomes.append(ExampleOutcome(entry.id, kind, number,  # type: ignore[arg-type]
                                               _problem(entry, example, kind == "match", rules)))
    return tuple(outcomes)


def _problem(entry: SdkRule, example: Example, must_match: bool, rules: RuleSet) -> str:
    found = _matched(entry, example.path or _example_path(entry), example.code, rules)
    if must_match and not found:
        return "did not match"
    if must_match and example.key is not None and example.key not in found:
        return f"expected key {example.key!r}, found {', '.join(sorted(repr(k) for k in found))}"
    if not must_match and found:
        return f"matched a look-alike (key {', '.join(sorted(repr(k) for k in found))})"
    return ""


def _matched(entry: SdkRule, path: str, code: str, rules: RuleSet) -> set[str | None]:
    """Keys of every site or definition the entry produced for ``code`` read as the file ``path``; for a data
    rule, the keys the entries of the data file ``code`` give the module's names."""
    if isinstance(entry, DataRule):
        constants = data_constants(path, code.encode(), [entry]) if text_file(path, entry.files) else ()
        return set() if isinstance(constants, str) else {parts[0].value for _, parts in constants}
    found: set[str | None] = set()
    for flag in flags_in_memory({path: code.encode()}, rules):
        for rule in (*(s.rule for s in flag.sites), *(d.rule for d in flag.definitions)):
            if rule == entry.id or rule.startswith(entry.id + "."):
                found.add(flag.key)
    return found


def _example_path(entry: SdkRule) -> str:
    """Where an example without a ``path`` is read: a Python file, or for a text or data rule a path its first
    file pattern matches."""
    if not isinstance(entry, (TextRule, DataRule)):
        return "example.py"
    path = entry.files[0].replace("**", "*").replace("*", "example")
    if not fnmatch(path, entry.files[0]):
        raise FlagauditError(f"{entry.id}: cannot make a file name that matches {entry.files[0]!r} for its examples")
    return path
