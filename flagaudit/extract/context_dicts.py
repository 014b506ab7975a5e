"""The dicts of flags by key a module's context processors give the templates, and the functions that make them.

usdoj-crt/crt-portal's ``enabled_features(request)`` returns ``{"ENABLED_FEATURES": {f.snake_case(): f.is_enabled()
for f in Feature.objects.all()}}``; uktrade/digital-workspace-v2's ``global_context(request)`` returns
``{"FEATURE_FLAGS": get_all_feature_flags(request)}``, a function of another module that builds ``{flag.name:
waffle_flag_is_active(request, flag.name) for flag in FeatureFlag.objects.all()}``. Each is recorded as
``FileFacts.context_dicts`` pairs, joined across modules by the model (model/context_dicts.py).
"""

from __future__ import annotations

import ast
import re

from flagaudit.extract.symbols import Scope, dotted_name
from flagaudit.sdk_rules import RuleSet

RETURNED = "()"
"""The end of a name that stands for what a module function returns: ``core.utils.get_all_feature_flags()``."""
FLAG_WORDS = "feature|flag|toggle|switch"
"""The words that say a name is about flags (a check's, a dict of them)."""
_FLAG_WORD = re.compile(FLAG_WORDS, re.IGNORECASE)


def context_dicts(tree: ast.Module, scope: Scope, rules: RuleSet) -> tuple[tuple[str, str], ...]:
    """(the name the templates are given, the family of its flags), for each dict of flags a context processor (a
    module-level function of one parameter, the request) returns under a name a flag's word is in; the family is
    a function's name ending in :data:`RETURNED` where the dict is what that function returns. And (a module
    function's name ending in :data:`RETURNED`, the family) for each function that returns a dict of flags."""
    found = set()
    for function in tree.body:
        if not isinstance(function, ast.FunctionDef):
            continue
        family = _returned_family(function, scope, rules)
        qualified = scope.qualify(function.name)
        if family is not None and qualified is not None:
            found.add((qualified + RETURNED, family))
        if len(function.args.posonlyargs) + len(function.args.args) != 1:
            continue
        for statement in function.body:
            if not isinstance(statement, ast.Return) or not isinstance(statement.value, ast.Dict):
                continue
            for name, value in zip(statement.value.keys, statement.value.values, strict=True):
                given = _family(value, scope, rules)
                if isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value.isidentifier() \
                        and _FLAG_WORD.search(name.value) and given is not None:
                    found.add((name.value, given))
    return tuple(sorted(found))


def _family(value: ast.expr, scope: Scope, rules: RuleSet) -> str | None:
    """The family of the flags a dict of them holds: given in place (a comprehension) or by a call of a function
    of the project (its name and :data:`RETURNED`, for the model to look up)."""
    comprehension = _comprehension(value)
    if comprehension is not None:
        return _comprehension_family(comprehension, scope, rules)
    callee = dotted_name(value.func) if isinstance(value, ast.Call) else None
    qualified = scope.qualify(callee) if callee else None
    return qualified + RETURNED if qualified and "." in qualified else None


def _returned_family(function: ast.FunctionDef, scope: Scope, rules: RuleSet) -> str | None:
    """The family of the dict of flags a function returns: in place, or through a local it was assigned, each by a
    statement of its body (not a nested one: a walk of every node of every function cost the flag-dense tree's cold
    scan a fifth more CPU)."""
    made: dict[str, str] = {}
    for statement in function.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, ast.DictComp):
            family = _comprehension_family(statement.value, scope, rules)
            if family is not None:
                made[statement.targets[0].id] = family
        elif isinstance(statement, ast.Return) and statement.value is not None:
            if isinstance(statement.value, ast.Name) and statement.value.id in made:
                return made[statement.value.id]
            comprehension = _comprehension(statement.value)
            family = _comprehension_family(comprehension, scope, rules) if comprehension is not None else None
            if family is not None:
                return family
    return None


def _comprehension(value: ast.expr) -> ast.DictComp | None:
    """``{k: v for ...}``, or the one a call is given (``defaultdict(None, **{k: v for ...})``)."""
    if isinstance(value, ast.DictComp):
        return value
    if isinstance(value, ast.Call):
        return next((a for a in (*value.args, *(k.value for k in value.keywords)) if isinstance(a, ast.DictComp)),
                    None)
    return None


def _comprehension_family(comprehension: ast.DictComp, scope: Scope, rules: RuleSet) -> str | None:
    """The family of a dict comprehension's flags: the SDK whose check gives each value (``{flag.name:
    flag_is_active(request, flag.name) for flag in FeatureFlag.objects.all()}`` holds waffle's flags), else the class
    it goes over, qualified: ``Feature`` of ``Feature.objects.all()``, or the enumeration itself
    (``SiteFlagNameChoices``); not a sequence of keys (``FLAGS``), whose checks inside the comprehension are the
    SDK's own and read there (``{name: flag_is_active(request, name) for name in FLAGS}``)."""
    node = comprehension.generators[0].iter
    while isinstance(node, ast.Call) or isinstance(node, ast.Attribute) and node.attr in ("objects", "all", "filter"):
        node = node.func if isinstance(node, ast.Call) else node.value
    name = dotted_name(node)
    last = name.rpartition(".")[2] if name else ""
    if not (name and last[:1].isupper() and not last.isupper()):
        return None
    value = comprehension.value
    callee = dotted_name(value.func) if isinstance(value, ast.Call) else None
    check = rules.functions.get(scope.qualify(callee) or "") if callee else None
    return check.sdk if check is not None else scope.qualify(name)
