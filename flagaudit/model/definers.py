"""Infer the project's own helpers that define a flag by the key they are given.

usdoj-crt/crt-portal's migrations call ``AddFeatureMigration("nav-updates", True)``: a ``RunPython`` whose forward
function, nested in its ``__init__``, creates the ``Feature`` row named by its first parameter. A **definer** is a
module-level function, or a class's ``__init__``, that holds a definition (a row created, a flag object made, a
registry call) whose key is one of its parameters, itself or in a function nested in it: its calls define the key
they pass, as the definition's own rule would. One that only deletes such a row (``remove_switch(name)``) retires
the key its calls pass; one that creates a row and deletes one (a helper often drops the row first, to start
afresh) defines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flagaudit.facts import FileFacts, Function
from flagaudit.model.wrappers import exported, package_exports
from flagaudit.sdk_rules import DefineRule, KeyArg


def infer_definers(facts: Iterable[FileFacts], is_test: Callable[[str], bool]) -> tuple[DefineRule, ...]:
    """A define rule for each definer outside tests, sorted by id."""
    facts = [f for f in facts if not is_test(f.path)]
    facades = package_exports(facts)
    bodies = {fn.name for f in facts for fn in f.functions if fn.kind in ("function", "method")}
    found: dict[str, DefineRule] = {}
    for file_facts in facts:
        for definition in file_facts.definitions:
            parts = definition.key_ref.parts
            if definition.action not in ("define", "delete") or len(parts) != 1 or parts[0].kind != "param" \
                    or not parts[0].value.isidentifier():
                continue  # ``flag.slug`` or ``kind:case`` of a parameter: not the key itself
            param = parts[0].value
            owner = _owner(file_facts.functions, definition.line, param)
            called = None if owner is None else _called(owner, param, bodies)
            if owner is not None and called is not None:
                name, position = called
                rule = DefineRule(id=f"definer/{name}", sdk=definition.sdk, key=(KeyArg(position, param),),
                                  functions=exported(name, facades), via=(owner.name,), action=definition.action)
                if rule.id not in found or rule.action == "define":  # it creates a row: whatever it deletes
                    found[rule.id] = rule
    return tuple(found[k] for k in sorted(found))


def _owner(functions: tuple[Function, ...], line: int, param: str) -> Function | None:
    """The innermost function around ``line`` with a parameter ``param``: the one the key's name stands for."""
    around = [f for f in functions if f.kind in ("function", "method") and f.line <= line <= f.end]
    return next((f for f in sorted(around, key=lambda f: -f.line) if param in f.params), None)


def _called(owner: Function, param: str, bodies: set[str]) -> tuple[str, int] | None:
    """What a caller calls to run ``owner``, and where it passes ``param``: a function by its name, a class's
    ``__init__`` by the class's (``self`` is not passed); ``None`` for other methods and for functions nested in
    another's body (``bodies``: the names of functions and methods)."""
    scope, _, short = owner.name.rpartition(".")
    position = owner.params.index(param)
    if owner.kind == "function" and scope not in bodies:
        return owner.name, position
    if owner.kind == "method" and short == "__init__" and position > 0:
        return scope, position - 1
    return None
