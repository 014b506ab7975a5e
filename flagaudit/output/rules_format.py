"""``flagaudit rules`` output: the SDK rules loaded, by file, and the outcome of a rule file's examples.

A rule file is the project's own (attacker-written in a pull request), so every string from it passes through
:func:`flagaudit.output.escaping.visible`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flagaudit.output.escaping import visible
from flagaudit.sdk_rules import DataRule

if TYPE_CHECKING:
    from flagaudit.commands.rules import ExampleOutcome, LoadedFile


def rules_text(files: Iterable[LoadedFile]) -> str:
    lines = []
    for loaded in files:
        origin = f"built-in, {loaded.rules.path.rsplit('/', 1)[-1]}" if loaded.builtin else loaded.rules.path
        lines.append(f"{visible(loaded.rules.name)}  {visible(loaded.rules.title)}  ({visible(origin)})")
        for kind, entry in loaded.entries:
            namespace = entry.module if isinstance(entry, DataRule) else entry.sdk  # the module its names fill
            lines.append(f"  {kind:<8}{visible(entry.id):<44}[{visible(namespace)}]  {len(entry.match)} match, "
                         f"{len(entry.no_match)} no_match")
    return "".join(f"{line}\n" for line in lines)


def outcomes_text(path: str, outcomes: Iterable[ExampleOutcome]) -> str:
    outcomes = list(outcomes)
    failed = [o for o in outcomes if o.problem]
    lines = [f"{'FAIL' if o.problem else 'ok  '}  {visible(o.rule)} {o.kind}[{o.number}]"
             + (f": {visible(o.problem)}" if o.problem else "") for o in outcomes]
    lines.append(f"{visible(path)}: {len(outcomes) - len(failed)} of {len(outcomes)} examples pass")
    return "".join(f"{line}\n" for line in lines)
