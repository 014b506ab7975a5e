"""``flagaudit init``: set a project up in one step. Nothing here prints.

Two steps, because the user chooses in between: :func:`plan_setup` finds what the shipped SDK rules cannot
know (the project's own flag registry, settings dictionaries of flags; :mod:`flagaudit.scan.suggest`), and
:func:`set_up` writes the accepted proposals as an SDK rule file and a ``[tool.flagaudit]`` section that
names it, and, given a reason, records the adoption baseline (``flagaudit ledger --adopt``'s).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flagaudit.commands.ledger import LedgerRecord, record_ledger
from flagaudit.config import Config, load_project
from flagaudit.facts import Flag, Inventory
from flagaudit.history.walk import HistoryOptions
from flagaudit.model.resolve import is_test_path
from flagaudit.scan.project import ScanOptions, read_sources, scan_with
from flagaudit.scan.suggest import FlagDict, Registry, Suggestions, suggest
from flagaudit.sdk_rules import RuleSet

RULES_FILE = "flagaudit-rules.toml"
"""The SDK rule file ``init`` writes at the project root, for the project's own flag checks."""


@dataclass(frozen=True)
class SetupPlan:
    """What ``init`` found and where it would write."""

    config: Config
    found: Inventory
    """The scan with the rules in use."""
    target: Path
    """The file the ``[tool.flagaudit]`` section goes in (or is already in)."""
    configured: bool
    """The project already has a flagaudit configuration: only missing settings are added."""
    suggestions: Suggestions
    sdk: str
    """The SDK name the proposed rules give the project's own flags."""


@dataclass(frozen=True)
class Setup:
    """What ``init`` wrote, and what the accepted proposals find."""

    plan: SetupPlan
    registries: tuple[Registry, ...]
    """The registry proposals accepted."""
    dicts: tuple[FlagDict, ...]
    """The settings-dictionary proposals accepted."""
    written: tuple[Path, ...]
    unnamed_rules: Path | None
    """The rule file of the accepted registries when the configuration's ``rules`` do not name it (a setting
    already there is left for the user to extend)."""
    flags: tuple[Flag, ...] = ()
    """What the rules find with the accepted proposals (none accepted: nothing was scanned again)."""
    ledger: LedgerRecord | None = None
    """The adoption baseline, when given a reason."""

    @property
    def declined(self) -> int:
        suggested = self.plan.suggestions
        return len(suggested.registries) + len(suggested.dicts) - len(self.registries) - len(self.dicts)


def plan_setup(config: Config, rules: RuleSet, options: ScanOptions = ScanOptions()) -> SetupPlan:
    """Scan the project with the rules in use and look at it: where its configuration goes, and which of its
    own flag systems to propose (none the rules in use already find)."""
    found = scan_with(config, rules, options)
    sources, _, _, _, _ = read_sources(config, rules, None)
    known = frozenset((s.path, s.line) for f in found.flags for s in (*f.sites, *f.test_sites))
    suggestions = suggest(((s.path, s.module, s.data) for s in sources
                           if not is_test_path(s.path, config.test_paths)),
                          tuple(sorted({name for rule in rules.settings for name in rule.dicts})), known)
    if config.source is not None:
        target, configured = config.source, True
    else:
        pyproject = config.root / "pyproject.toml"
        target, configured = (pyproject if pyproject.is_file() else config.root / "flagaudit.toml"), False
    return SetupPlan(config, found, target, configured, suggestions, _sdk_name(config.root.name))


def set_up(plan: SetupPlan, registries: tuple[Registry, ...], dicts: tuple[FlagDict, ...],
           options: HistoryOptions = HistoryOptions(), as_of: date | None = None, reason: str = "") -> Setup:
    """Write the accepted proposals and the configuration, scan again with them, and with a ``reason`` record
    the adoption baseline in flagaudit.lock."""
    written = tuple(write_setup(plan, registries, dicts))
    config, rules = load_project((), None, plan.config.root)
    flags = scan_with(config, rules, ScanOptions(use_cache=options.use_cache, workers=options.workers)).flags \
        if registries or dicts else ()
    ledger = record_ledger(config, rules, options, as_of, adopt=True, reason=reason) if reason.strip() else None
    rule_file = config.root / RULES_FILE
    return Setup(plan, registries, dicts, written, rule_file if registries and rule_file not in config.rules else None,
                 flags, ledger)


def rules_text(sdk: str, registries: tuple[Registry, ...], first: int = 1) -> str:
    """The SDK rule file for accepted registry proposals (docs/writing-rules.md describes the format); with
    ``first`` above 1, only the entries to append to a file that has ``first - 1`` of them."""
    out = [] if first > 1 else [
        ("# The project's own flag checks, proposed by `flagaudit init` from the code and accepted.\n"
         "# Format: docs/writing-rules.md in flagaudit. Edit freely; `flagaudit scan` shows what they find.\n"),
        f'[sdk]\nname = "{sdk}"\ntitle = "{sdk}: the project\'s own flags"\n',
    ]
    for number, registry in enumerate(registries, first):
        label = f"registry-{number}"
        if registry.classes:
            out.append(f'\n[[define]]              # every string attribute of these classes is a key\nid = "{label}"\n'
                       f"class_constants = {_list(registry.classes)}\n")
        callees = (f"functions = {_list(registry.functions)}\n" if registry.functions else "") + (
            f"methods = {_list(registry.methods)}\n"
            "evidence = false        # names of the project's own: no SDK import to look for\n" if registry.methods
            else "")
        out.append(f'\n[[check]]               # {registry.calls} call(s) in the code, e.g. {registry.where}\n'
                   f'id = "{label}-check"\n{callees}key = {{ position = 0 }}\n')
    return "".join(out)


def write_setup(plan: SetupPlan, registries: tuple[Registry, ...], dicts: tuple[FlagDict, ...]) -> list[Path]:
    """Write the rule file (if a registry was accepted) and the configuration; the files written."""
    written = []
    settings: list[tuple[str, str, str]] = []
    if registries:
        rule_file = plan.config.root / RULES_FILE
        if rule_file.is_file():  # a second run: keep what is there (the user may have edited it), add the new
            text = rule_file.read_text(encoding="utf-8")
            count = len(re.findall(r'^id = "registry-\d+-check"', text, re.MULTILINE))
            rule_file.write_text(text + rules_text(plan.sdk, registries, count + 1), encoding="utf-8")
        else:
            rule_file.write_text(rules_text(plan.sdk, registries), encoding="utf-8")
        written.append(rule_file)
        settings.append(("rules", f'["{RULES_FILE}"]', "the project's own flag checks"))
    if dicts:
        settings.append(("settings-dicts", _list(tuple(d.name for d in dicts)), "settings dictionaries of flags"))
    if plan.configured:
        if _add_settings(plan.target, settings):
            written.append(plan.target)
        return written
    settings.append(("fail-on", '"error"', 'what fails `flagaudit check`: "warning", or finding codes'))
    section = ("[tool.flagaudit]\n"
               "# Written by `flagaudit init`. Every setting: flagaudit's README, \"Configuration\".\n"
               + "".join(map(_setting, settings)))
    existing = plan.target.read_text(encoding="utf-8") if plan.target.is_file() else ""
    gap = "" if not existing else ("\n" if existing.endswith("\n") else "\n\n")
    plan.target.write_text(existing + gap + section, encoding="utf-8")
    written.append(plan.target)
    return written


def _setting(item: tuple[str, str, str]) -> str:
    name, value, comment = item
    return f"{name} = {value}".ljust(40) + f"# {comment}\n"


def _add_settings(path: Path, settings: list[tuple[str, str, str]]) -> bool:
    """Add settings an existing configuration lacks, right under its ``[tool.flagaudit]`` header (or at the
    top of a flagaudit.toml without one); a setting already there is left alone for the user to extend."""
    text = path.read_text(encoding="utf-8")
    missing = [item for item in settings if not re.search(rf"^\s*{re.escape(item[0])}\s*=", text, re.MULTILINE)]
    if not missing:
        return False
    lines = "".join(map(_setting, missing))
    header = re.search(r"^\[tool\.flagaudit\][^\n]*\n", text, re.MULTILINE)
    at = header.end() if header else 0
    path.write_text(text[:at] + lines + text[at:], encoding="utf-8")
    return True


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def _sdk_name(folder: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", folder.lower()).strip("-") or "project"
