"""``flagaudit init``: set a project up in one step. Nothing here prints.

It finds what the shipped SDK rules cannot know (the project's own flag registry, settings dictionaries
of flags; :mod:`flagaudit.scan.suggest`), writes the accepted proposals as an SDK rule file, and writes a
``[tool.flagaudit]`` section that names it. The adoption baseline is ``flagaudit ledger --adopt``'s, which
the command line runs after this when given a reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flagaudit.config import Config
from flagaudit.facts import Flag
from flagaudit.model.resolve import is_test_path
from flagaudit.scan.project import read_sources
from flagaudit.scan.suggest import FlagDict, Registry, Suggestions, suggest
from flagaudit.sdk_rules import RuleSet

RULES_FILE = "flagaudit-rules.toml"
"""The SDK rule file ``init`` writes at the project root, for the project's own flag checks."""


@dataclass(frozen=True)
class Plan:
    """What ``init`` found and where it would write."""

    config: Config
    target: Path
    """The file the ``[tool.flagaudit]`` section goes in (or is already in)."""
    configured: bool
    """The project already has a flagaudit configuration: only missing settings are added."""
    suggestions: Suggestions
    sdk: str
    """The SDK name the proposed rules give the project's own flags."""


def plan(config: Config, rules: RuleSet, flags: Iterable[Flag] = ()) -> Plan:
    """Look at the project: where its configuration goes, and which of its own flag systems to propose
    (nothing ``flags``, what the rules in use find, already covers)."""
    sources, _, _ = read_sources(config, rules, None)
    known = frozenset((s.path, s.line) for f in flags for s in (*f.sites, *f.test_sites))
    found = suggest(((s.path, s.module, s.data) for s in sources if not is_test_path(s.path, config.test_paths)),
                    ("FEATURES", *config.settings_dicts), known)
    if config.source is not None:
        target, configured = config.source, True
    else:
        pyproject = config.root / "pyproject.toml"
        target, configured = (pyproject if pyproject.is_file() else config.root / "flagaudit.toml"), False
    return Plan(config, target, configured, found, _sdk_name(config.root.name))


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
        out.append(f'\n[[check]]               # {registry.calls} call(s) in the code, e.g. {registry.where}\n'
                   f'id = "{label}-check"\nmethods = {_list(registry.methods)}\n'
                   "evidence = false        # names of the project's own: no SDK import to look for\n"
                   "key = { position = 0 }\n")
    return "".join(out)


def write_setup(plan: Plan, registries: tuple[Registry, ...], dicts: tuple[FlagDict, ...]) -> list[Path]:
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
