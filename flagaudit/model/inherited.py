"""Checks a project's own subclass of an SDK class inherits: ``TenantSwitch.get(name)``, where the project's
``TenantSwitch`` derives from django-waffle's ``BaseModel``, is what ``Switch.get(name)`` is (unicef/etools reads
every one of its flags so, in its tenant helpers, and no rule names its classes).

A class derived from one a rule's method belongs to (``class BetaFlag(Flag)``, for the rule of ``Flag.get``) has
that method. A class derived from the base the SDK's own classes share, which no rule names (waffle's
``BaseModel`` under ``Flag``, ``Switch`` and ``Sample``), is the one of them whose name its own name ends with, the
SDK's convention (``TenantSwitch``): a base of a module where the rules name classes, and exactly one such class.
A project model derived so from a model whose rows a rule reads (``class Flag(AbstractUserFlag)`` in
``apps/teams/models.py``, waffle's ``Flag`` by that convention) has rows that are flags too: its
``Flag.objects.filter(name=k).first()`` reads one, and ``apps.get_model("teams", "Flag")`` in a migration is it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace

from flagaudit.extract.declarations import MANAGER_CALLS
from flagaudit.facts import FileFacts
from flagaudit.sdk_rules import CheckRule, DefineRule, RuleSet


def inherited_rules(facts: Iterable[FileFacts], given: RuleSet) -> list[CheckRule]:
    """A rule for each method of an SDK class that a project class inherits, named ``<class>.<method>``."""
    bases = {fn.name: fn.bases for f in facts for fn in f.functions if fn.kind == "class" and fn.bases}
    methods: dict[str, list[tuple[str, CheckRule]]] = {}
    for name, rule in given.functions.items():
        owner, _, method = name.rpartition(".")
        if owner:
            methods.setdefault(owner, []).append((method, rule))
    rules: list[CheckRule] = []
    for name in sorted(bases):
        sdk_class = _sdk_class(name, ancestors(name, bases), methods)
        rules.extend(replace(rule, id=f"inherited/{name}.{method}", functions=(f"{name}.{method}",), match=(),
                             no_match=()) for method, rule in methods.get(sdk_class or "", ()))
    return rules


def inherited_models(facts: Iterable[FileFacts], given: RuleSet) -> list[DefineRule]:
    """A rule for the rows of each project model (a class of a ``models`` module) derived from a model whose rows
    a rule reads, named ``inherited/<class>``: the rows of ``app_label.Class``, Django's default label (the
    package that holds ``models``), and of the class as the project's modules import it."""
    bases = {fn.name: fn.bases for f in facts for fn in f.functions if fn.kind == "class" and fn.bases}
    owners = {f"{app}.models.{model}": rule for label, rule in given.models.items()
              for app, _, model in [label.partition(".")]}
    rules: list[DefineRule] = []
    for name in sorted(bases):
        label = model_label(name)
        sdk_class = None if label is None else _sdk_class(name, ancestors(name, bases), owners)
        if label is not None and sdk_class is not None and label not in given.models:
            rules.append(replace(owners[sdk_class], id=f"inherited/{name}", model=label, model_factories=(name,),
                                 match=(), no_match=()))
    return rules


def model_calls(rule: DefineRule) -> set[str]:
    """What a function calls that may read or define ``rule``'s rows, as its call targets spell it (a pass
    analyses such files again once the rule is inferred): the manager calls of the classes that give the
    model, and ``apps.get_model`` of a migration."""
    return {".get_model", *(f"{cls}.objects.{call}" for cls in rule.model_factories for call in MANAGER_CALLS)}


def model_label(name: str) -> str | None:
    """``teams.Flag`` for ``apps.teams.models.Flag`` (also in ``apps/teams/models/flags.py``); ``None`` for a
    class outside a package's ``models``."""
    *modules, short = name.split(".")
    if "models" not in modules[1:]:
        return None
    last = len(modules) - 1 - modules[::-1].index("models")
    return f"{modules[last - 1]}.{short}"


def ancestors(name: str, bases: dict[str, tuple[str, ...]]) -> list[str]:
    """The classes ``name`` derives from, nearest first, through the project's classes to the ones it imports."""
    found: list[str] = []
    level = list(bases[name])
    while level:
        found.extend(b for b in level if b not in found and b != name)
        level = [b for parent in level for b in bases.get(parent, ()) if b not in found and b != name]
    return found


def _sdk_class(name: str, ancestors: list[str], classes: Collection[str]) -> str | None:
    """The SDK class (of ``classes``, those the rules name) whose methods or rows ``name`` has: its nearest
    ancestor a rule names, else the one class (a capitalised name) a rule names, in the module of an ancestor,
    whose name ends ``name``'s."""
    named = next((a for a in ancestors if a in classes), None)
    if named is not None:
        return named
    short = name.rpartition(".")[2]
    modules = {module for a in ancestors if (module := a.rpartition(".")[0])}
    shared = {owner for owner in classes if (parts := owner.rpartition("."))[0] in modules
              and parts[2][:1].isupper() and short.endswith(parts[2])}
    return shared.pop() if len(shared) == 1 else None
