"""``flagaudit init`` output: what the shipped rules find, each proposal as it is offered, and what was written.

Keys, names and paths come from the analysed tree, so each passes through
:func:`flagaudit.output.escaping.visible`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flagaudit.output.escaping import visible
from flagaudit.output.ledger_format import ledger_record_text

if TYPE_CHECKING:
    from flagaudit.commands.init import Setup, SetupPlan
    from flagaudit.facts import Flag
    from flagaudit.scan.suggest import FlagDict, Registry

def plan_text(plan: SetupPlan) -> str:
    return f"{_flag_count(plan.found.flags)} found by the shipped SDK rules in {plan.found.files} files\n"


def registry_offer(number: int, registry: Registry) -> str:
    home = f"constants of {', '.join(registry.classes)}" if registry.classes else "module constants"
    calls = ", ".join([*(f"{f}()" for f in registry.functions), *(f".{m}()" for m in registry.methods)])
    keys = f"{len(registry.keys)} key{'' if len(registry.keys) == 1 else 's'}"
    return visible(f"proposal {number}: {calls} called with {home}: {keys} "
                   f"({_sample(registry.keys)}), {registry.calls} call(s), e.g. {registry.where}")


def dict_offer(found: FlagDict) -> str:
    return visible(f"proposal: settings.{found.name}[...] holds flags ({len(found.keys)}: {_sample(found.keys)}; "
                   f"e.g. {found.where})")


def setup_text(setup: Setup, asked: bool) -> str:
    """What ``init`` did after the offers; ``asked``: the user answered each (else, without ``--yes``, none
    was accepted)."""
    plan = setup.plan
    lines = []
    if setup.declined and not asked:
        lines.append(f"{setup.declined} proposal(s) not accepted: run `flagaudit init --yes` to accept them all")
    if not plan.suggestions:
        lines.append("nothing to propose: no flag registry or settings dictionary of the project's own that the "
                     "rules in use miss")
    lines += [f"wrote {visible(str(path))}" for path in setup.written]
    if not setup.written:
        lines.append(f"{visible(str(plan.target))} already configures flagaudit; nothing to add")
    if setup.unnamed_rules is not None:
        lines.append(f"add {setup.unnamed_rules.name!r} to `rules` in {visible(str(plan.target))} to use the "
                     "accepted proposals")
    if setup.registries or setup.dicts:
        lines.append(f"with the accepted proposals: {_flag_count(setup.flags)}")
    text = "".join(f"{line}\n" for line in lines)
    if setup.ledger is not None:
        return text + ledger_record_text(setup.ledger)
    return text + ("next: `flagaudit ledger --adopt --reason \"...\"` records the adoption baseline in "
                   "flagaudit.lock (history up to now stays visible and never blocks); then commit the files\n")


def _sample(keys: tuple[str, ...]) -> str:
    return ", ".join(keys[:4]) + (f", ... (+{len(keys) - 4})" if len(keys) > 4 else "")


def _flag_count(flags: Iterable[Flag]) -> str:
    keyed = [f for f in flags if f.key is not None and (f.sites or f.definitions)]
    sdks = sorted({f.sdk for f in keyed})
    return f"{len(keyed)} flag(s)" + (f" ({', '.join(visible(s) for s in sdks)})" if sdks else "")
