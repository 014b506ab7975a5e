"""``flagaudit rules`` output: the SDK rules loaded, by file, and the outcome of a rule file's examples."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flagaudit.commands.rules import ExampleOutcome, LoadedFile


def rules_text(files: Iterable[LoadedFile]) -> str:
    lines = []
    for loaded in files:
        origin = f"built-in, {loaded.rules.path.rsplit('/', 1)[-1]}" if loaded.builtin else loaded.rules.path
        lines.append(f"{loaded.rules.name}  {loaded.rules.title}  ({origin})")
        for kind, entry in loaded.entries:
            lines.append(f"  {kind:<8}{entry.id:<44}[{entry.sdk}]  {len(entry.match)} match, "
                         f"{len(entry.no_match)} no_match")
    return "".join(f"{line}\n" for line in lines)


def outcomes_text(path: str, outcomes: Iterable[ExampleOutcome]) -> str:
    outcomes = list(outcomes)
    failed = [o for o in outcomes if o.problem]
    lines = [f"{'FAIL' if o.problem else 'ok  '}  {o.rule} {o.kind}[{o.number}]"
             + (f": {o.problem}" if o.problem else "") for o in outcomes]
    lines.append(f"{path}: {len(outcomes) - len(failed)} of {len(outcomes)} examples pass")
    return "".join(f"{line}\n" for line in lines)
