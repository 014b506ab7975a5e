"""Infer the project's own flag helpers from the sites found so far.

A **wrapper** passes its parameter straight to a check
(``def feature_on(name, ctx): return ld.variation(name, ctx, False)``): its
calls are sites with the caller's key; or checks each item of it, also from a
function nested in it (``any(switch_is_active(s) for s in switches)``): each
key of a list its caller writes is a site. A **predicate** returns a check of a
fixed key (``def use_v2(): return flag_is_active(r, "v2")``): its calls are
sites of that key, guarding what the caller does with the answer. Both become
check rules, so the ordinary site analysis finds their calls; repeating until
nothing new appears follows chains of any depth.

A helper may pick its check from a table by a string parameter
(``{"flag": ..., "switch": ...}[kind]``): its rule has a case per string, and a
call that passes its own parameter on is such a helper too. A **guard maker**
returns a closure that calls the callable it is given only on one side of a
check of a key it is given (``guarded(fn, name)``); a **decorator factory**
nests a decorator that returns a guard maker's call on its parameter
(``def require(name): def wrapper(fn): return guarded(fn, name)``): a function
it decorates runs only on that side, as under a rule's decorator. Where it is
not clear which side that is, nothing is inferred. An SDK's check a project
module imports is that check where others take it from there, and a module's
own function named like one (``def flag_is_active(request, flag_name)`` over a
cached table of waffle's rows) is a **replica** of it: its calls are that
check's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace

from flagaudit.facts import FileFacts, Function, KeyPart, Site
from flagaudit.model.inherited import inherited_rules
from flagaudit.model.resolve import Resolver, enclosing, resolve_site
from flagaudit.sdk_rules import (
    DECLARED_READ,
    ENVIRONMENT_READ,
    GRANTED,
    CheckRule,
    DefineRule,
    Inferred,
    KeyArg,
    RuleSet,
    TemplateUse,
)

_PREDICATE_GUARDS = frozenset({"return"})


def infer_rules(facts: Iterable[FileFacts], test_paths: tuple[str, ...],
                is_test: Callable[[str, tuple[str, ...]], bool], given: RuleSet) -> tuple[CheckRule, ...]:
    """Check rules for every wrapper and predicate in non-test code, for every name a module binds one of the
    ``given`` rules' checks or decorators to (:func:`_reexports`), and for the methods of the ``given`` rules'
    classes that the project's own classes inherit (:func:`inherited_rules`), sorted by id."""
    facts = [f for f in facts if not is_test(f.path, test_paths)]
    functions = {fn.name: fn for f in facts for fn in f.functions if fn.kind in ("function", "method")}
    method_names = Counter(name.rsplit(".", 1)[-1] for name, fn in functions.items())
    resolver = Resolver.from_facts(facts)
    facades = package_exports(facts)
    found: dict[str, CheckRule] = {rule.id: rule for rule in (*_reexports(facts, resolver, given),
                                                               *inherited_rules(facts, given),
                                                               *_replicas(facts, given, facades))}
    for file_facts in facts:
        for raw in file_facts.sites:
            function = functions.get(raw.function)
            resolved = resolve_site(raw, resolver) if function is not None and raw.precision == "syntax" else None
            if resolved is None or function is None:
                continue
            site, key, pattern = resolved
            rule = (_wrapper(site, functions, method_names, facades)
                    or _predicate(site, function, key, pattern, method_names, facades))
            if rule is not None:
                found[rule.id] = _merged(found[rule.id], rule) if rule.id in found else rule
    # a function that returns a check of its own key and one of the key it is given besides (pypi/warehouse's
    # ``disallow_oidc(member)``: ``enabled(member) or enabled(AdminFlagValue.DISALLOW_OIDC)``) checks both: one
    # rule to a name, the predicate's, given the wrapper's key too where that is a plain argument
    for name in [k for k in found if k.startswith("wrapper/") and f"predicate/{k.removeprefix('wrapper/')}" in found]:
        wrapper, predicate = found.pop(name), f"predicate/{name.removeprefix('wrapper/')}"
        if _plain(wrapper):
            found[predicate] = replace(found[predicate], key=wrapper.key, key_template=wrapper.key_template)
    return tuple(found[k] for k in sorted(found))


def _plain(rule: CheckRule) -> bool:
    """Whether a wrapper's calls give it the key as one argument, as it is, to check it while it is on."""
    return len(rule.key) == 1 and rule.on == "truthy" and not (
        rule.each or rule.entry or rule.selector or rule.guards or rule.template or rule.expects
        or rule.key[0].attribute or rule.key[0].case or any(rule.key[0].frame or ()))


def _reexports(facts: list[FileFacts], resolver: Resolver, given: RuleSet) -> list[CheckRule]:
    """A check or decorator of the ``given`` rules that a project module binds by importing it (``from waffle
    import flag_is_active`` in ``app/utils.py``, which other modules import it from, or take with ``from
    app.utils import *``): its rule again, for every such name."""
    claimed = given.functions.keys() | given.decorators.keys()
    names: dict[str, list[str]] = {}
    for file_facts in facts:
        for name, parts in file_facts.symbols.constants if file_facts.symbols else ():
            if len(parts) != 1 or parts[0].kind != "sym" or name in claimed:
                continue
            target = next((a for a in resolver.aliases(name)[1:] if a in claimed), None)
            if target is not None:
                names.setdefault(target, []).append(name)
    rules = []
    for target, aliases in names.items():
        bound = tuple(sorted(aliases))
        decorator = target in given.decorators
        rule = given.decorators[target] if decorator else given.functions[target]
        rules.append(replace(rule, id=f"reexport/{target}", functions=() if decorator else bound,
                             decorators=bound if decorator else (), match=(), no_match=()))
    return rules


def _replicas(facts: list[FileFacts], given: RuleSet, facades: dict[str, list[str]]) -> list[CheckRule]:
    """A module-level function named as a check function of the ``given`` rules is (``flag_is_active`` over the
    project's cache of waffle's rows: uktrade/digital-workspace-v2), in a module that makes that SDK's checks
    itself (to fill its cache) but not in this function (then it is a wrapper or a predicate, inferred from that
    check), and with the check's key parameter where the check has it: that check's rule for it, the key taken
    from the same position. A module that never asks the SDK has a check of its own that happens to share the
    name (customers' beta programmes), and only names with an underscore count: a check named ``get`` (a model's
    method) says nothing of a project's ``get``."""
    checks: dict[str, CheckRule] = {}
    for name, rule in sorted(given.functions.items()):
        short = name.rpartition(".")[2]
        if "_" in short and len(rule.key) == 1 and rule.key[0].position is not None:
            checks.setdefault(short, rule)
    checking = {site.function for f in facts for site in f.sites}
    rules = []
    for file_facts in facts:
        module = file_facts.symbols.module if file_facts.symbols else None
        asked = {site.sdk for site in file_facts.sites}
        for function in file_facts.functions:
            owner, _, short = function.name.rpartition(".")
            check = checks.get(short) if function.kind == "function" and owner == module else None
            if check is None or check.sdk not in asked or function.name in checking or function.name in given.functions:
                continue
            position = check.key[0].position
            if position is not None and position < len(function.params):
                rules.append(replace(check, id=f"replica/{function.name}", functions=exported(function.name, facades),
                                     key=(KeyArg(position, function.params[position]),), via=(function.name,),
                                     match=(), no_match=()))
    return rules


def _merged(earlier: CheckRule, rule: CheckRule) -> CheckRule:
    """One rule for a helper that picks its check from a table: the cases of its sites together (the first rule
    found otherwise)."""
    if earlier.selector is None or replace(earlier, cases=(), sdk="") != replace(rule, cases=(), sdk=""):
        return earlier
    cases = tuple(sorted({*earlier.cases, *rule.cases}))
    return replace(earlier, cases=cases, sdk=min(sdk for _, sdk in cases))


def wrapper_functions(rules: Iterable[Inferred]) -> frozenset[str]:
    """Qualified names of the inferred wrappers and definers (their own inner sites and definitions, keyed by their
    parameters, are not a flag's)."""
    return frozenset(r.via[0] for r in rules if isinstance(r, CheckRule) and (r.fixed_key is None or r.key) and r.via
                     or isinstance(r, DefineRule) and r.via)


def package_exports(facts: list[FileFacts]) -> dict[str, list[str]]:
    """A name -> the names packages re-export it under (``from .is_active import switch_is_active`` in
    ``lib/waffle/__init__.py``): callers that import a helper from its package call it by the package's name."""
    exports: dict[str, list[str]] = {}
    for file_facts in facts:
        if file_facts.symbols is None or file_facts.path.rpartition("/")[2] != "__init__.py":
            continue
        for name, parts in file_facts.symbols.constants:
            if len(parts) == 1 and parts[0].kind == "sym":
                exports.setdefault(parts[0].value, []).append(name)
    return exports


def exported(name: str, facades: dict[str, list[str]]) -> tuple[str, ...]:
    """``name`` and every package name it is re-exported under, through packages that re-export a package's."""
    found = [name]
    for current in found:
        found += [alias for alias in facades.get(current, ()) if alias not in found]
    return (name, *sorted(found[1:]))


def reads_site(site: Site) -> bool:
    """Whether the inference of wrappers and predicates may make a rule of ``site``: one whose key holds a parameter
    or an item of one (:func:`_wrapper`), or a returned check (:func:`_predicate`). Of any other site the passes'
    inference reads only where it is (its function, for the functions that check) and its SDK (for the SDKs a module
    asks): a literal key changed, or a second check added to a function that holds one, infers nothing new."""
    return site.guard in _PREDICATE_GUARDS or any(part.kind in ("param", "item") for part in site.key_ref.parts)


def _wrapper(site: Site, functions: dict[str, Function], method_names: Counter[str],
             facades: dict[str, list[str]]) -> CheckRule | None:
    """A function that passes its parameter to the check, or checks each item of it (``item``) or an entry of each
    item, itself or in a function nested in it (a logger that logs while any of the switches it is given is on)."""
    parts = site.key_ref.parts
    given = [i for i, part in enumerate(parts) if part.kind in ("param", "item")]
    frame = _frame(parts, given[0]) if len(given) == 1 else None
    if frame is None or parts[given[0]].kind == "item" and len(parts) > 1:
        return None
    each = parts[given[0]].kind == "item"
    if each:  # ``s`` of ``for s in switches``, or ``key["key"]``: ``switches`` or ``keys[key]``
        param, _, entry = parts[given[0]].value.removesuffix("]").partition("[")
        attribute = case = ""
    else:
        value, _, case = parts[given[0]].value.partition(":")
        param, _, attribute = value.partition(".")
        entry = ""
    if site.guards:
        return None if each or attribute or case or len(parts) > 1 else _guarding(site, param, functions,
                                                                               method_names, facades)
    owner = next((f for name in (enclosing(site.function) if each else [site.function])
                  if (f := functions.get(name)) and param in f.params), None)
    if owner is None:
        return None
    is_method = owner.kind == "method"
    callee = _callee(owner, is_method, method_names, facades)
    position = _position(owner, param)
    selected = _selected(site, owner)
    if callee is None or position is None or selected is None:
        return None
    plain = not (each or attribute or case or any(frame) or selected[0])
    template = _template_use(owner, position) if plain else None
    return CheckRule(id=f"wrapper/{owner.name}{_typed(site, template is not None)}", sdk=site.sdk,
                     key=(KeyArg(position, param, attribute or None, case or None, frame),),
                     key_template=site.key_ref.template, on="truthy", via=(owner.name, *site.via),
                     functions=callee[0], methods=callee[1], each=each, entry=entry,
                     selector=selected[0], cases=selected[1], template=template)


def _typed(site: Site, template: bool = False) -> str:
    """The end of a helper's rule id that its calls are typed by, as the check it makes is: :data:`ENVIRONMENT_READ`
    over a read of the environment (MyFinances' ``get_var("AWS_ENABLED")``), :data:`DECLARED_READ` over a read by
    name of any declared value (nautobot's ``get_settings_or_config("PAGINATE_COUNT")`` over django-constance's
    ``getattr(config, name)``: a flag only where declared or named a switch), and for a template tag or filter
    :data:`GRANTED` where the check asks about a user or a row (MyFinances' ``{% personal_feature_enabled
    request.user "invoices" %}`` over ``UserSettings.has_feature``, each user's own choice). Not a decorator's:
    HSReplay's ``@view_requires_feature_access("cardeditor")`` gates preview pages, rollouts judged so (FA101)."""
    for typed in (ENVIRONMENT_READ, DECLARED_READ):
        if site.rule.endswith(typed):
            return typed
    return GRANTED if template and site.rule.endswith(GRANTED) else ""


def _template_use(function: Function, position: int) -> TemplateUse | None:
    """How templates call ``function`` where a Django template library registers it: as a filter whose value or
    argument is the key (pretalx's ``get_feature_flag(event, feature_flag)``, used as
    ``request.event|get_feature_flag:"use_tracks"``), or as a simple tag (TreyWW/MyFinances'
    ``{% feature_enabled "x" %}``; one given the context first takes it from the page, not from the tag: HSReplay.net's
    ``feature(context, name)`` is ``{% feature "billing" as billing %}``)."""
    if function.kind != "function":
        return None
    name = function.name.rpartition(".")[2]
    if position < 2 and any(d.endswith(".filter") for d in function.decorators):
        return TemplateUse("filter", name, position)
    if any(d.endswith(".simple_tag") for d in function.decorators):
        index = position - (function.params[:1] == ("context",))
        return TemplateUse("tag", name, index) if index >= 0 else None
    return None


def _frame(parts: tuple[KeyPart, ...], given: int) -> tuple[str, str] | None:
    """The literals before and after a wrapper's parameter ``parts[given]`` in its key (``f"SKIP_{name}"``:
    ``SKIP_``); ``None`` when another part is not a literal."""
    if any(part.kind != "lit" for i, part in enumerate(parts) if i != given):
        return None
    return "".join(p.value for p in parts[:given]), "".join(p.value for p in parts[given + 1:])


def _guarding(site: Site, param: str, functions: dict[str, Function], method_names: Counter[str],
              facades: dict[str, list[str]]) -> CheckRule | None:
    """A guard maker (the check is in a closure of the function that is given the key and the callable), or a
    decorator factory (the check is a guard maker's call returned by a decorator, nested in the function that is
    given the key, or in the closure such a decorator returns): the rule of the function that is given the key,
    ``falsy`` where the callable runs only while the flag is off, and where the check's answer is compared with
    another of its parameters (``Site.compared``), where the call passes that."""
    if len(site.guards) != 2:
        return None
    callable_param, side = site.guards
    inner = functions.get(site.function)
    owner = functions.get(site.function.rpartition(".")[0])
    if inner is None or owner is None or param in inner.params:
        return None
    if param not in owner.params:  # a decorator factory whose decorator returns the closure that checks
        inner, owner = owner, functions.get(owner.name.rpartition(".")[0])
        if owner is None or param not in owner.params or side != "on":
            return None
    factory = callable_param in inner.params
    guarded = inner if factory else owner
    if callable_param not in guarded.params:
        return None
    selected = _selected(site, owner)
    position, given = _position(owner, param), _position(guarded, callable_param)
    if selected is None or position is None or given is None:
        return None
    rule = CheckRule(id="", sdk=site.sdk, key=(KeyArg(position, param),), key_template=site.key_ref.template,
                     on="truthy" if side == "on" else "falsy", via=(owner.name, *site.via), selector=selected[0],
                     cases=selected[1])
    if site.compared:  # which side runs the callable is the call's to say
        compared, default = site.compared
        where = _position(owner, compared) if compared in owner.params else None
        if where is None:
            return None
        rule = replace(rule, expects=KeyArg(where, compared), expected={"True": True, "False": False}.get(default))
    if factory:
        if owner.kind != "function" or inner.kind != "function" or inner.params != (callable_param,):
            return None
        return replace(rule, id=f"decorator/{owner.name}{_typed(site)}", decorators=exported(owner.name, facades))
    callee = _callee(owner, owner.kind == "method", method_names, facades)
    if callee is None:
        return None
    return replace(rule, id=f"wrapper/{owner.name}{_typed(site)}", functions=callee[0], methods=callee[1],
                   guards=KeyArg(given, callable_param))


def _position(function: Function, param: str) -> int | None:
    """Where a call passes ``param`` by position (a method's ``self`` is not passed; a static method has none)."""
    bound = function.kind == "method" and "staticmethod" not in function.decorators
    position = function.params.index(param) - bound
    return None if position < 0 else position


def _selected(site: Site, owner: Function) -> tuple[KeyArg | None, tuple[tuple[str, str], ...]] | None:
    """The selector and case of a check made only when a parameter of ``owner`` holds a string; ``None`` when
    the parameter is not ``owner``'s (the check is not made on every call)."""
    if not site.when:
        return None, ()
    if len(site.when) != 2:
        return None
    param, case = site.when
    position = _position(owner, param) if param in owner.params else None
    return None if position is None else (KeyArg(position, param), ((case, site.sdk),))


def _predicate(site: Site, function: Function, key: str | None, pattern: bool,
               method_names: Counter[str], facades: dict[str, list[str]]) -> CheckRule | None:
    if site.guard not in _PREDICATE_GUARDS or key is None or pattern:
        return None
    is_method = function.kind == "method"
    callee = _callee(function, is_method, method_names, facades)
    if callee is None:
        return None
    return CheckRule(
        id=f"predicate/{function.name}{_typed(site)}", sdk=site.sdk, key=(), on="truthy", fixed_key=key,
        via=(function.name, *site.via), functions=callee[0], methods=callee[1],
    )


def _callee(function: Function, is_method: bool, method_names: Counter[str],
            facades: dict[str, list[str]]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """How calls of ``function`` are recognised, as (functions, methods): by qualified name and the names its
    packages re-export it under, or a method by a name no other function has; a method whose name others share
    by its qualified name, which its own class's ``self.name(...)`` calls are read as."""
    if not is_method:
        return exported(function.name, facades), ()
    name = function.name.rsplit(".", 1)[-1]
    if name.startswith("__"):
        return None
    return ((function.name,), ()) if method_names[name] != 1 else ((), (name,))
