"""Infer a project's own flag registry from how its code asks for flags.

Many projects keep their flags as constants of one class and ask for them
through a method of their own: ``project.has_feature(Feature.NEW_BUILDER)``,
``org.is_feature_enabled(Features.SSO)``. No SDK rule can name such a class.
When a method whose name says it checks something (``has_*``, ``is_*_enabled``,
``*feature*``; not permissions) is defined in the project and called with an
attribute of a project class that holds string constants, that class is a
registry: its constants are definitions, and the method's calls are checks of
the key in their first argument. Both become rules (one more inferred rule
file, like wrappers), so extraction, history and every finding treat the
registry like any SDK; the registry's SDK name is the class's qualified name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from flagaudit.facts import FileFacts, KeyPart, KeyRef
from flagaudit.model.resolve import Resolver
from flagaudit.sdk_rules import CheckRule, DefineRule, KeyArg


def infer_registries(facts: Iterable[FileFacts], is_test: Callable[[str], bool]) -> tuple[CheckRule | DefineRule, ...]:
    """A define rule (the class's constants) and a check rule (its methods) per registry, sorted by id."""
    facts = [f for f in facts if not is_test(f.path)]
    classes = {fn.name for f in facts for fn in f.functions if fn.kind == "class"}
    methods = {fn.name.rsplit(".", 1)[-1] for f in facts for fn in f.functions if fn.kind == "method"}
    holders = {name.rpartition(".")[0] for f in facts if f.symbols for name, parts in f.symbols.constants
               if len(parts) == 1 and parts[0].kind == "lit"}
    resolver = Resolver.from_facts(facts)
    found: dict[str, set[str]] = defaultdict(set)
    for file_facts in facts:
        for method, owner in file_facts.registry_calls:
            registry = next((name for name in resolver.aliases(owner) if name in classes), None)
            if registry is not None and registry in holders and method in methods:
                found[registry].add(method)
    rules: list[CheckRule | DefineRule] = []
    for registry in sorted(found):
        rules.append(DefineRule(id=f"registry/{registry}", sdk=registry, class_constants=(registry,)))
        rules.append(CheckRule(id=f"registry/{registry}.check", sdk=registry, key=(KeyArg(0),),
                               methods=tuple(sorted(found[registry]))))
    for module, names in sorted(_registry_functions(facts, resolver).items()):
        granted = {name for name in names if not _GRANTED.isdisjoint(name.rpartition(".")[2].split("_"))}
        for rule_id, functions in ((f"registry/{module}", names - granted), (f"registry/{module}{GRANTED}", granted)):
            if functions:
                rules.append(CheckRule(id=rule_id, sdk=module, key=(KeyArg(0),), functions=tuple(sorted(functions))))
    return tuple(rules)


GRANTED = ".per-user"
"""The end of the id of a registry's rule for the functions that ask whether a user or a group has a flag
(``is_user_feature_flag_active(code, user)``): flags granted to people, as permissions are (rules/policies.toml)."""
_GRANTED = frozenset({"user", "users", "group", "groups"})


def _registry_functions(facts: list[FileFacts], resolver: Resolver) -> dict[str, set[str]]:
    """Module -> its functions that check a flag of the project's own: a module-level function named like a check
    (``is_feature_flag_active``), called with a constant that holds a string, with no SDK check inside (that one
    is a wrapper, inferred from its check). uktrade/data-hub-api keeps its flags as rows of its own model and asks
    ``is_feature_flag_active(MAILBOX_INGESTION_FEATURE_FLAG_NAME)``: no SDK at all. The module is the registry's
    SDK name."""
    functions = {fn.name for f in facts for fn in f.functions if fn.kind == "function"}
    checking = {site.function for f in facts for site in f.sites}
    found: dict[str, set[str]] = defaultdict(set)
    for file_facts in facts:
        for callee, constant in file_facts.registry_calls:
            if "." not in callee:
                continue  # a method, with the class its key is an attribute of (above)
            function = next((name for name in resolver.aliases(callee) if name in functions), None)
            if function is None or function in checking:
                continue
            key, pattern = resolver.key(KeyRef((KeyPart("sym", constant),), constant))
            if key is not None and not pattern:
                found[function.rpartition(".")[0]].add(function)
    return found
