"""Which lines hold a call that could be a flag check or definition: the gate to the site analysis.

The byte-level prefilter (the rules' words) lets through every file that
mentions ``get_value`` or ``is_enabled``; this pass looks at the ``ast`` the
file already has and keeps only calls a rule could really match: a callee
that resolves to a rule's function, class or decorator, a settings read, a
flag-model row, or a generic method with evidence that it belongs to the SDK
(the module imports it, or the receiver was made by the SDK or a flag class).
A receiver made in another module cannot be judged here: it is *deferred*,
the model traces it across modules, and the file is analysed again if the
trace leads to an SDK client or a flag object (``RuleSet.traced``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from flagaudit.extract.adapters import adapted
from flagaudit.extract.arguments import no_literal_default
from flagaudit.extract.declarations import deleted_rows, frozen_label, row_query
from flagaudit.extract.symbols import DJANGO_SETTINGS, Scope, dotted_name
from flagaudit.extract.tree import full_name
from flagaudit.sdk_rules import RuleSet, SettingRule

_ROW_METHODS = frozenset({"create", "get_or_create", "update_or_create", "delete", "get", "first", "last"})
_BOUND_TO_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\s*=\s*([A-Za-z_][\w.]*)\s*\(")
"""``name = callee(``: a name bound to what a call returns."""
NESTED_GET = ".get.get"
"""How a call of ``get`` on what a call of ``get`` returns is named (``settings.IMPORTERS.get(...).get(...)``)."""
_BOUND_TO_NAME = re.compile(r"^[ \t]*([A-Za-z_]\w*)[ \t]*=[ \t]*([A-Za-z_][\w.]*)[ \t]*(?:#.*)?$", re.MULTILINE)
"""``active = waffle.flag_is_active``: a name bound to a function, called by that name."""


@dataclass(frozen=True)
class Candidates:
    lines: frozenset[int]
    """First lines of calls and subscripts that may be sites or definitions."""
    deferred: frozenset[str]
    """Receivers (qualified) of generic method calls whose origin lies in another module."""


def find_candidates(nodes: list[ast.Call | ast.Subscript], scope: Scope, rules: RuleSet, imported: frozenset[str],
                    origins: dict[str, str], text: str, made: dict[str, str]) -> Candidates:
    """``nodes``: the file's calls and subscripts; ``origins``: this module's names -> the qualified callee
    that made them (``client = UnleashClient()``); ``text``: the file's; ``made``: as
    :func:`~flagaudit.extract.symbols.made_names` finds them."""
    gets_models = bool(rules.models) and not (
        text.isascii() and "get_model" not in text and "orm[" not in text
        and not any(name.rsplit(".", 1)[-1] in text for name in rules.model_factories)) and _gets_flag_model(
        nodes, rules)  # a name is in the text as written, unless it is spelled with letters NFKC makes ASCII
    finder = _Finder(scope, rules, imported, origins, gets_models, text, made)
    for node in nodes:
        if isinstance(node, ast.Call):
            finder.call(node)
        elif isinstance(node, ast.Subscript):
            holder = dotted_name(node.value)
            if holder and scope.as_setting(scope.qualify(holder)) in finder.settings:
                finder.lines.add(node.lineno)
    if (reads := rules.attribute_reads) is not None and reads.named(text):  # ``settings.ENABLE_X``: no call marks it
        aliases = []
        flags = []
        for match in reads.text.finditer(text):
            if match.group(3) is not None:
                aliases.append((match.group(1), match.group(3)))
            elif reads.flag(match.group(1), match.group(2)):
                flags.append(match.start())
        finder.lines.update(_lines(text, flags))
        if aliases:  # ``settings as django_settings``: rare, so the text is encoded only then
            finder.lines.update(line for line, holder, name in reads.renamed(text.encode("utf-8", "surrogatepass"),
                                                                             aliases) if reads.flag(holder, name))
    if (fields := rules.field_reads) is not None:  # ``config.enable_x``: nor this
        finder.lines.update(_lines(text, [match.start() for match in fields.finditer(text)]))
    return Candidates(frozenset(finder.lines), frozenset(finder.deferred))


def _lines(text: str, offsets: list[int]) -> Iterator[int]:
    """The line of each of ``offsets``, which ascend: the text is counted through once."""
    line, counted = 1, 0
    for offset in offsets:
        line, counted = line + text.count("\n", counted, offset), offset
        yield line


class _Finder:
    def __init__(self, scope: Scope, rules: RuleSet, imported: frozenset[str], origins: dict[str, str],
                 gets_models: bool, text: str, made: dict[str, str]) -> None:
        self.scope = scope
        self.made = made
        self.text = text
        self._locals: dict[str, list[str]] | None = None
        self._aliases: dict[str, str] | None = None
        self.rules = rules
        self.origins = origins
        self.functions, self.decorators = rules.functions, rules.decorators
        self.classes, self.define_functions = rules.classes, rules.define_functions
        self.evidence = {m for rule_file in rules.files for m in rule_file.modules if m in imported}
        self.settings = {f"{obj}.{name}" for rule in rules.settings for obj in rule.objects for name in rule.dicts}
        self.setting_objects = {obj for rule in rules.settings if rule.getattr_bool for obj in rule.objects}
        self.read_with_get = self.settings | self.setting_objects  # FEATURES.get, and dynaconf's settings.get
        self.declared_objects = {obj for rule in rules.settings if rule.declared for obj in rule.objects}
        self.attribute_objects = {obj for rule in rules.settings if rule.attributes and not rule.declared
                                  for obj in rule.objects}
        self.switches = rules.attribute_reads.switches if rules.attribute_reads else None
        self.models = {f"{m.split('.')[0]}.models.{m.split('.')[1]}" for m in rules.models}
        self.gets_models = gets_models
        self.lines: set[int] = set()
        self.deferred: set[str] = set()

    def call(self, node: ast.Call) -> None:
        func = adapted(node.func, self._qualified)
        dotted = dotted_name(func)
        if dotted is None and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
            dotted = full_name(func)  # get_waffle_flag_model().get(...): a method of what an SDK function made
        qualified = self.scope.qualify(dotted) if dotted else None
        if qualified is None and isinstance(func, ast.Name):
            qualified = self._alias(func.id)
        if qualified is not None and (
                qualified in self.functions or qualified in self.decorators or qualified in self.classes
                or isinstance(func, ast.Name) and self.made.get(qualified, "") in self.functions  # env("X")
                or qualified in self.define_functions
                or (qualified.endswith(".get") and self.scope.as_setting(qualified[:-4]) in self.read_with_get)
                or (qualified.endswith(NESTED_GET) and self._nested_setting(qualified[: -len(NESTED_GET)]))):
            self.lines.add(node.lineno)
        elif dotted == "getattr" and node.args and (
                (read := self._setting(node.args[0])) in self.declared_objects
                or read in self.setting_objects and _bool_default(node, self.switches)):
            self.lines.add(node.lineno)
        elif isinstance(func, ast.Attribute) and (self._method(func) or self._own_method(func)) \
                or isinstance(func, ast.Subscript):
            self.lines.add(node.lineno)  # a subscript: a function picked from a table may be a check
        elif self.gets_models and isinstance(func, ast.Name) and func.id[:1].isupper():
            self.lines.add(node.lineno)  # ``Flag(name=...)``: a row of a model the file binds, made to be saved

    def _nested_setting(self, qualified: str) -> bool:
        """Whether ``qualified`` names an upper-case attribute of a settings object read by attribute names (the
        dict of dicts of ``settings.IMPORTERS.get("trello", {}).get("active", False)``)."""
        owner, _, name = (self.scope.as_setting(qualified) or "").rpartition(".")
        return name.isupper() and owner in self.attribute_objects

    def _setting(self, node: ast.expr) -> str | None:
        """The settings object an expression names, as Django's ``settings`` or django-constance's ``config``."""
        return self.scope.as_setting(self.scope.qualify(dotted_name(node) or ""))

    def _own_method(self, func: ast.Attribute) -> bool:
        """``self.name(...)``: maybe a helper method inferred by its class's qualified name (the site analysis,
        which knows the class, decides)."""
        return func.attr in self.rules.function_names and isinstance(func.value, ast.Name) \
            and func.value.id in ("self", "cls")

    def _qualified(self, node: ast.expr) -> str | None:
        dotted = dotted_name(node)
        return self.scope.qualify(dotted) if dotted else None

    def _method(self, func: ast.Attribute) -> bool:
        method = func.attr
        if method in _ROW_METHODS and self._rows(func):
            return True
        checking, defining = self.rules.methods.get(method, ()), self.rules.define_methods.get(method, ())
        is_object_method = method in self.rules.object_methods
        if not checking and not defining and not is_object_method:
            return False  # most calls: a method no rule names
        checks = [r.evidence for r in checking] + [d.evidence for d in defining]
        if any(not evidence or self.evidence.intersection(evidence) for evidence in checks):
            return True
        if is_object_method and _qualifies(func.value, self.scope):
            return True  # a flag object, here or imported: the model resolves it in one pass
        if is_object_method and isinstance(func.value, ast.Call) and _qualifies(func.value.func, self.scope):
            return True  # get_flag().is_enabled(): a factory, here or imported, may return a flag object
        return self._receiver_may_be_sdk(func.value)

    def _rows(self, func: ast.Attribute) -> bool:
        """``Flag.objects.create(...)``, ``Flag.objects.filter(...).delete()`` (or ``.first()``), or
        ``Flag.objects.get(...)`` on a flag model, also one a factory returns (``get_waffle_flag_model()``)."""
        manager = func.value
        if func.attr == "delete" and (found := deleted_rows(func)) is not None:
            manager = found[1]
        elif (read := row_query(func)) is not None:
            manager = read[0]
        if not (isinstance(manager, ast.Attribute) and manager.attr == "objects"):
            return False
        holder = full_name(manager.value)
        qualified = self.scope.qualify(holder) if holder else None
        return holder is not None and (self.gets_models or qualified in self.models
                                       or qualified in self.rules.model_factories)

    def _receiver_may_be_sdk(self, receiver: ast.expr) -> bool:
        if isinstance(receiver, ast.Call):
            if isinstance(receiver.func, ast.Attribute) and isinstance(receiver.func.value, ast.Call):
                return self._receiver_may_be_sdk(receiver.func.value)  # get_client().get_identity_flags()
            called = dotted_name(receiver.func) or ""
            made_by = self.scope.qualify(called)
            if made_by is None and "." in called:  # a method of a local (``client.get_identity_flags()``)
                return self._local_made(called.partition(".")[0])
            if made_by is None or self.rules.made_by_sdk(made_by):
                return made_by is not None
            self.deferred.add(f"{made_by}()")  # a function of the project: the model traces what it returns
            return f"{made_by}()" in self.rules.traced
        dotted = dotted_name(receiver)
        symbol = self.scope.qualify(dotted) if dotted else None
        if symbol is None:
            return isinstance(receiver, ast.Name) and self._local_made(receiver.id)
        if self.rules.made_by_sdk(symbol):
            return True
        origin = self.origins.get(symbol)
        if origin is not None:
            if self.rules.made_by_sdk(origin):
                return True
            if origin.split(".")[0] != (self.scope.module.split(".")[0] if self.scope.module else ""):
                return False
        self.deferred.add(symbol)  # kept when traced too, so the next pass sees the same question
        return symbol in self.rules.traced

    def _alias(self, name: str) -> str | None:
        """The check function a local name is bound to somewhere in the module (``active = waffle.flag_is_active``,
        read in the text: the gate has no function scopes), else ``None``."""
        if self._aliases is None:  # one pass over the text, on the first call of a name that does not qualify
            self._aliases = {}
            for local, bound in _BOUND_TO_NAME.findall(self.text):
                checked = self.scope.qualify(bound)
                if checked in self.functions:
                    self._aliases[local] = checked
        return self._aliases.get(name)

    def _local_made(self, name: str, seen: frozenset[str] = frozenset()) -> bool:
        """A local bound to a call of a project function somewhere in the module (``client = get_client()``, read
        in the text: the gate has no function scopes), whose return value the model traces to the SDK; or to a
        call of a method of such a local (``flags = client.get_identity_flags()``); or a flag object made in
        place."""
        if self._locals is None:  # one pass over the text, on the first local receiver
            self._locals = {}
            for local, callee in _BOUND_TO_CALL.findall(self.text):
                self._locals.setdefault(local, []).append(callee)
        for callee in sorted(set(self._locals.get(name, ()))):
            head = callee.partition(".")[0]
            if head != callee and head not in seen and self.scope.qualify(head) is None \
                    and self._local_made(head, seen | {name}):
                return True
            made_by = self.scope.qualify(callee)
            if made_by in self.rules.classes:
                return True  # a flag object made here (``waffle_flag = WaffleFlag(f"ns.{cls.model}")``)
            if made_by is not None and not self.rules.made_by_sdk(made_by):
                self.deferred.add(f"{made_by}()")
                if f"{made_by}()" in self.rules.traced:
                    return True
        return False


def own_switch_rule(rules: RuleSet) -> SettingRule | None:
    """The settings rule whose names a settings module's own ``if X_ENABLED:`` reads (Django's settings)."""
    return next((rule for rule in rules.settings if rule.attributes and not rule.declared
                 and DJANGO_SETTINGS in rule.objects), None)


def own_switches(tree: ast.Module, rules: RuleSet) -> frozenset[int]:
    """For a settings module: the lines where an ``if``, ``while`` or conditional expression tests, by its bare
    name, a setting named as a switch (grafana/oncall's ``if ESCALATION_AUDITOR_ENABLED:`` adds the auditor's
    beat task; TreyWW/MyFinances' ``if AWS_STATIC_ENABLED:`` picks the storage): a switch whose only check is
    where the settings are made."""
    rule = own_switch_rule(rules)
    if rule is None or rule.attributes is None:
        return frozenset()
    switch = re.compile(rule.attributes)
    return frozenset(name.lineno for node in ast.walk(tree) if isinstance(node, (ast.If, ast.IfExp, ast.While))
                     for name in tested_names(node.test) if switch.fullmatch(name.id))


def tested_names(test: ast.expr) -> list[ast.Name]:
    """The names whose truth ``test`` takes as it is, through ``not``, ``and`` and ``or``."""
    if isinstance(test, ast.Name):
        return [test]
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return tested_names(test.operand)
    if isinstance(test, ast.BoolOp):
        return [name for value in test.values for name in tested_names(value)]
    return []


def _qualifies(node: ast.expr, scope: Scope) -> bool:
    """An imported or module-level object (``toggles.ENABLE_X``, ``ENABLE_X``)."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and scope.qualify(node.id) is not None


def _bool_default(node: ast.Call, switches: re.Pattern[str] | None) -> bool:
    """``getattr(obj, name, True|False)``: three arguments, the last a bool, as the site analysis requires; or
    ``None``, a variable, or no default at all, for a name ``switches`` matches (``getattr(settings,
    "ENABLE_AUTO_AUTH", None)``, ``getattr(settings, "LOG_AGGREGATOR_ENABLED")``).

    With keywords or unpacking the ast's order is not the source's, so those are left to the site analysis.
    """
    count = len(node.args) + len(node.keywords)
    if count not in (2, 3):
        return False
    if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
        return True
    name = node.args[1]
    switch = switches is not None and isinstance(name, ast.Constant) and isinstance(name.value, str) \
        and switches.fullmatch(name.value) is not None
    if count == 2:
        return switch
    default = node.args[2]
    literal_bool = isinstance(default, ast.Constant) and isinstance(default.value, bool)
    return literal_bool or switch and no_literal_default(default)


def _gets_flag_model(nodes: list[ast.Call | ast.Subscript], rules: RuleSet) -> bool:
    """Whether some ``get_model("app", "Model")`` call names a flag model (migrations bind rows this way), or a
    function that returns one is called (``Flag = get_waffle_flag_model()``), or a South migration takes one
    from its frozen models (``orm['waffle.flag']``)."""
    factories = {name.rsplit(".", 1)[-1] for name in rules.model_factories}
    labels = {model.lower() for model in rules.models}
    for node in nodes:
        if frozen_label(node) in labels:
            return True
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        while isinstance(func, (ast.Call, ast.Subscript)):
            func = func.func if isinstance(func, ast.Call) else func.value
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in factories:
            return True
        if not name.endswith("get_model"):
            continue
        words = [a.value for a in (*node.args[:2], *(k.value for k in node.keywords))
                 if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if any(f"{app}.{model}" in rules.models for app in words for model in words):
            return True
    return False
