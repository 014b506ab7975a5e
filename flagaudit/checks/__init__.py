"""Finding rules, grouped in families: each family module declares its rules with their documentation and
the example projects that prove them, and says what it needs; :func:`flagaudit.checks.run.run_checks` runs
the families a command has the inputs for.

A rule's documentation is the single source for ``flagaudit explain CODE`` and ``docs/rules.md``, and its
examples are run by the test suite (``tests/test_finding_examples.py``): each ``fires`` project must produce
the rule's code, each ``silent`` one must not. This package imports nothing heavy at the top, so
``flagaudit explain`` stays fast.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

from flagaudit.facts import Evidence, Finding, Flag, Severity, Timeline

if TYPE_CHECKING:
    from flagaudit.checks.nearest import Suggestions
    from flagaudit.history.ledger import Adoption, Entry
    from flagaudit.model.callgraph import CallGraph
    from flagaudit.model.constancy import Fixed
    from flagaudit.policies import Policies

Need = Literal["code", "timelines", "meanings"]
"""What a family decides from: ``code`` (the flags, the call graph and the fixed flag values a scan builds),
``timelines`` (the flags dated by git history or flagaudit.lock, and the lifecycle policies) or ``meanings``
(the keys' meanings in git history, flagaudit.lock's accepted ones, and the call graph)."""

Files = tuple[tuple[str, str | None], ...]
"""(path, text) pairs; in a commit, ``None`` deletes the file."""


@dataclass(frozen=True)
class Example:
    """A tiny project a finding rule must fire on, or stay silent on.

    ``commits`` (day, files) are made oldest first in a fresh git repository; ``files`` are then written on
    top and left uncommitted. With no commits the project has no git repository: the gate runs without
    history. ``versions`` (indices into ``commits``) makes it ``flagaudit compare`` instead of the gate,
    judging those commits as versions deployed side by side. ``as_of`` is the day the project is judged.
    """

    files: Files = ()
    commits: tuple[tuple[str, Files], ...] = ()
    as_of: str = "2026-06-01"
    versions: tuple[int, ...] = ()

    def render(self) -> str:
        """The project as a reader follows it: each commit's files under its day, then the working tree."""
        parts = [_file(f"{day}, committed: {path}", text) for day, files in self.commits for path, text in files]
        label = "not committed: " if self.commits else ""
        parts += [_file(f"{label}{path}", text) for path, text in self.files]
        if self.versions:
            days = " and ".join(self.commits[n][0] for n in self.versions)
            parts.append(f"# flagaudit compare: the versions committed on {days}, deployed side by side")
        return "\n\n".join(parts)


def project(files: Mapping[str, str] | None = None, *commits: tuple[str, Mapping[str, str | None]],
            as_of: str = "2026-06-01", versions: tuple[int, ...] = ()) -> Example:
    """An :class:`Example` from dicts, which read better in a rule module than nested tuples."""
    return Example(tuple((files or {}).items()), tuple((day, tuple(changed.items())) for day, changed in commits),
                   as_of, versions)


@dataclass(frozen=True)
class FindingRule:
    """A finding code with the text a user reads to understand and fix it, and the examples that prove it."""

    code: str
    name: str
    severity: Severity
    summary: str
    why: str
    fix: str
    fires: tuple[Example, ...]
    """Projects the rule must fire on; ``explain`` shows the first."""
    silent: tuple[Example, ...]
    """Look-alikes it must stay silent on."""

    def finding(self, flag: Flag | None, path: str, line: int, column: int, message: str,
                evidence: Iterable[Evidence] = ()) -> Finding:
        return Finding(self.code, self.name, self.severity, flag.key if flag else None, flag.sdk if flag else None,
                       path, line, column, one_line(message), tuple(evidence))

    def explain(self) -> str:
        return (
            f"{self.code} {self.name} (default severity: {self.severity})\n\n"
            f"What it finds\n  {self.summary}\n\nWhy it matters\n  {self.why}\n\n"
            + (f"Example (fires {self.code})\n{_indent(self.fires[0].render())}\n\n" if self.fires else "")
            + f"How to fix or suppress\n  {self.fix}\n"
        )

    def markdown(self) -> str:
        return (
            f"## {self.code} {self.name}\n\nDefault severity: **{self.severity}**\n\n"
            f"### What it finds\n\n{self.summary}\n\n### Why it matters\n\n{self.why}\n\n"
            + (f"### Example\n\n```python\n{self.fires[0].render()}\n```\n\n" if self.fires else "")
            + f"### How to fix or suppress\n\n{self.fix}\n"
        )


@dataclass(frozen=True)
class CheckInput:
    """Everything a family may decide from; a command fills in what it has (see :data:`Need`)."""

    flags: tuple[Flag, ...]
    graph: CallGraph | None = None
    fixed: Mapping[tuple[str | None, str], Fixed] = field(default_factory=dict)
    timelines: tuple[Timeline, ...] = ()
    """From git history, else from flagaudit.lock: what dates a flag."""
    policies: Policies | None = None
    as_of: date | None = None
    """"Today", for ages and deadlines."""
    history: tuple[Timeline, ...] = ()
    """From git history only: what a key meant, commit by commit (empty without history)."""
    ledger: Mapping[tuple[str, str], Entry] = field(default_factory=dict)
    """flagaudit.lock's entries by (sdk, key): the meanings it accepted."""
    adoption: Adoption | None = None
    """flagaudit.lock's adoption baseline: findings about events it covers are marked ``baseline``."""
    dormant_days: int = 180
    registries: frozenset[str] = frozenset()
    """Ids of the rules whose definitions define flags in the code (flag objects, registry calls, key classes; not
    rows of a flag model, which the admin creates too): FA401 judges checks against these."""
    suggestions: Suggestions | None = None
    """FA401's "did you mean", remembering the last run's answers (a scan keeps them); else computed."""


@dataclass(frozen=True)
class Family:
    """Finding rules decided together, from one kind of input."""

    rules: tuple[FindingRule, ...]
    needs: Need
    find: Callable[[CheckInput], list[Finding]]


def families() -> tuple[Family, ...]:
    """Every family, in code order; imported here so that ``explain`` loads only what it prints."""
    from flagaudit.checks import constant, definitions, reachability, repurposed, stale

    return (stale.FAMILY, constant.FAMILY, repurposed.FAMILY, reachability.FAMILY, definitions.FAMILY)


def all_rules() -> dict[str, FindingRule]:
    """Every finding rule by code, in code order."""
    from flagaudit.checks import skew, suppression

    rules = [*(rule for family in families() for rule in family.rules), *skew.RULES, *suppression.RULES]
    return {r.code: r for r in sorted(rules, key=lambda r: r.code)}


MESSAGE_LIMIT = 300
"""Characters of a finding's message: one line a CI log and an annotation title can show; details are evidence."""


def one_line(message: str) -> str:
    """``message`` on one line of at most :data:`MESSAGE_LIMIT` characters."""
    flat = " ".join(message.splitlines())
    return flat if len(flat) <= MESSAGE_LIMIT else flat[:MESSAGE_LIMIT - 1].rstrip() + "…"


def rules_markdown() -> str:
    """``docs/rules.md``: every rule's documentation, from the same text ``flagaudit explain`` prints."""
    header = ("# Finding rules\n\nGenerated by `flagaudit explain --markdown` from the rule modules in "
              "`flagaudit/checks/`; `flagaudit explain CODE` prints the same text. Each example is a project "
              "the test suite builds (with its git history, where the rule reads history) and runs the gate "
              "on.\n\n")
    return header + "\n".join(rule.markdown() for rule in all_rules().values())


def _file(label: str, text: str | None) -> str:
    if text is None:
        return f"# {label} deleted"
    source = textwrap.dedent(text).strip("\n")
    return f"# {label}\n{source}" if source else f"# {label} (empty)"


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())
