"""Load, validate and index the TOML rules that say what a flag check looks like.

Rules are data: one file per SDK under ``rules/`` (shipped inside the wheel)
plus any files the user's configuration adds. A malformed file is a
:class:`FlagauditError` naming the file and the field.
"""

from __future__ import annotations

import builtins
import functools
import hashlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from fnmatch import translate
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

from flagaudit.errors import FlagauditError
from flagaudit.safefiles import TEXT_LIMIT, read_regular

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


@dataclass(frozen=True, slots=True)
class KeyArg:
    """Where a call holds one part of the key: by position, by keyword, or both."""

    position: int | None = None
    keyword: str | None = None
    attribute: str | None = None
    """The key is this attribute of what the call passes (a wrapper that checks ``flag.slug`` of the object it is
    given), not the value itself."""
    case: str | None = None
    """``upper`` or ``lower``: the key is what the call passes, so cased (a wrapper that checks
    ``f"SKIP_{name.upper()}"``)."""
    frame: tuple[str, str] = ("", "")
    """Text the key has before and after what the call passes (``SKIP_`` in that wrapper)."""


@dataclass(frozen=True, slots=True)
class Example:
    """Code a rule must (or must not) match; ``key`` is the key it must find, ``path`` the file the code is
    read as (its module name follows from it: ``app/flags.py`` is ``app.flags``)."""

    code: str
    key: str | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class TemplateUse:
    """How Django templates call a helper their template library registers (``@register.filter``,
    ``@register.simple_tag``): as a filter whose value (``index`` 0: ``"k"|name``) or argument (1:
    ``event|name:"k"``) is the key, or as a tag whose ``index``-th argument is (``{% name "k" as v %}``,
    ``{% name user "k" %}``); or how they read a dict of flags a context processor gives them, whose attribute is
    the key (``{% if name.k %}``)."""

    kind: Literal["filter", "tag", "attribute"]
    name: str
    index: int


@dataclass(frozen=True, slots=True)
class CheckRule:
    """A call (function, method or decorator) that asks for a flag's value."""

    id: str
    sdk: str
    key: tuple[KeyArg, ...]
    key_template: str = "{}"
    functions: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    decorators: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    """Modules whose import makes a generic method name count; empty: no evidence needed."""
    on: str = "truthy"
    fallback: KeyArg | None = None
    """Where the call takes its fallback value: a literal other than True/False there makes it a
    multivariate read (``variation("k", ctx, "classic")``)."""
    match: tuple[Example, ...] = ()
    no_match: tuple[Example, ...] = ()
    fixed_key: str | None = None
    """For an inferred predicate (``def use_v2(): return flag("v2")``): every call checks this key."""
    via: tuple[str, ...] = ()
    """For inferred wrappers and predicates: the functions between the call and the SDK."""
    negation: str = ""
    """A prefix of a literal key that asks for the flag to be off (django-waffle's ``@waffle_flag("!name")``): the
    key is the rest, and what the check guards runs when the flag is off."""
    mixins: tuple[str, ...] = ()
    """Base classes whose subclasses name the key in a class attribute (django-waffle's ``WaffleFlagMixin`` with
    ``waffle_flag = "name"``): the subclass's code runs only while the flag is on."""
    attribute: str = ""
    """The class attribute that holds the key, for :attr:`mixins`."""
    each: bool = False
    """For an inferred wrapper that checks each item of its key parameter (``any(switch_is_active(s) for s in
    switches)``): a list, tuple or set written in the call gives a site per item."""
    entry: str = ""
    """For :attr:`each`: the entry of each item that holds the key (plane's ``get_configuration_value([{"key":
    "ENABLE_SIGNUP", "default": ...}])``): each dict written in the call gives a site of its value there."""
    selector: KeyArg | None = None
    """For an inferred helper that picks its check from a table by a string argument: where the call holds it."""
    cases: tuple[tuple[str, str], ...] = ()
    """For :attr:`selector`: (string, SDK) for each string the table has; a call with another string checks
    nothing, one that passes its own parameter on checks each, only when the parameter holds that string."""
    guards: KeyArg | None = None
    """For an inferred helper that returns a guarded version of the callable it is given (``guarded(fn, kind,
    name)``): where the call holds that callable, which runs only when the check is on (``falsy``: off)."""
    template: TemplateUse | None = None
    """For an inferred helper a Django template library registers as a filter or a tag: how templates call it."""
    expects: KeyArg | None = None
    """For an inferred decorator factory that compares the check's answer with a parameter (``Site.compared``):
    where the call passes it. :attr:`on` holds where the call passes ``True``, the other side where ``False``, and
    neither is known where it passes anything else."""
    expected: bool | None = None
    """For :attr:`expects`: the parameter's default, what a call that does not pass it compares with."""
    key_class: str = ""
    """For an inferred registry: the class whose constants are its keys. A call given a constant of another class
    asks about something else (pypi/warehouse's ``flags.enabled(AdminFlagValue.READ_ONLY)``, not
    ``palette.enabled(Color.RED)``)."""


@dataclass(frozen=True, slots=True)
class ObjectRule:
    """A class whose constructor defines a key and whose methods check it."""

    id: str
    sdk: str
    classes: tuple[str, ...]
    key: tuple[KeyArg, ...]
    methods: tuple[str, ...]
    key_template: str = "{}"
    on: str = "truthy"
    match: tuple[Example, ...] = ()
    no_match: tuple[Example, ...] = ()
    namespaced: KeyArg | None = None
    """An older signature's name argument: where a call passes a string there (or a name other than ``__name__``
    with a third argument after it), the key is the ``key`` argument (a namespace) and that name joined by a dot
    (edx's ``CourseWaffleFlag(NAMESPACE, "name", __name__)`` before 2021, ``CourseWaffleFlag(f"{NAMESPACE}.name",
    __name__)`` since)."""


@dataclass(frozen=True, slots=True)
class DefineRule:
    """A declaration: a registry call, rows of a flag model, or constants of a class."""

    id: str
    sdk: str
    key: tuple[KeyArg, ...] = ()
    functions: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    model: str | None = None
    """``app_label.Model`` whose rows are flags (django-waffle's ``waffle.Flag``)."""
    model_factories: tuple[str, ...] = ()
    """Functions that return :attr:`model`'s class (django-waffle's ``get_waffle_flag_model()``, for a model a
    project may swap)."""
    class_constants: tuple[str, ...] = ()
    """Classes whose string attributes are keys (a project's own registry)."""
    declaring_dicts: tuple[str, ...] = ()
    """Top-level dicts of a Django settings module whose keys declare the flags (django-flags' ``FLAGS``)."""
    bool_defaults: bool = False
    """The dicts' values are ``(default, help text)`` (django-constance's ``CONSTANCE_CONFIG``): only an entry
    whose default is ``True`` or ``False`` declares a flag, and its help text describes it."""
    via: tuple[str, ...] = ()
    """The project's function whose definition, keyed by its parameter, :attr:`functions` make with their callers'
    keys (an inferred definer, model/definers.py): that definition is not a flag's."""
    action: Literal["define", "delete"] = "define"
    """What a call of :attr:`functions` does to the key: ``define``, or ``delete`` for an inferred helper that only
    deletes the rows it is given the keys of (a kept step's rules are read from a file anyone can write: only these
    two decode)."""
    match: tuple[Example, ...] = ()
    no_match: tuple[Example, ...] = ()


@dataclass(frozen=True, slots=True)
class SettingRule:
    """Flags read from a settings object: ``settings.FEATURES["X"]``, ``getattr(settings, "X", False)``."""

    id: str
    sdk: str
    objects: tuple[str, ...]
    dicts: tuple[str, ...] = ()
    getattr_bool: bool = False
    attributes: str | None = None
    """A regular expression for the names of plain attribute reads that are flags (``if settings.ENABLE_X:``),
    matched against the whole name: an attribute names no type, so only a name can say it is a switch."""
    declared: bool = False
    """A read the attributes match is a flag only where the key is declared (a definition of the SDK) or named like
    a switch: django-constance's ``config.X`` reads every value of ``CONSTANCE_CONFIG``, switches and texts alike."""
    fields: tuple[tuple[str, str], ...] = ()
    """The boolean fields of the project's typed settings classes (pydantic-settings'), each with the variable the
    environment sets it by, or the columns of the row its reader of settings reads, each its own key: (field, key),
    read on any object named as configuration (``config.enable_x``, ``get_soap_config().use_simpler``,
    ``system_settings.enable_jira``). Inferred only (model/typed_settings.py, model/registries.py): the classes are
    the project's."""
    match: tuple[Example, ...] = ()
    no_match: tuple[Example, ...] = ()

    @property
    def fields_in_templates(self) -> bool:
        """Whether the templates read :attr:`fields` too: where each is keyed by its own name (a model's row's
        columns, read in templates as in Python), not by the environment's variable (a typed settings class's)."""
        return bool(self.fields) and all(name == key for name, key in self.fields)

    @property
    def names(self) -> tuple[str, ...]:
        """The plain names :attr:`attributes` lists, where it is only names joined by ``|`` (the booleans a project's
        settings read from the environment, model/boolean_settings.py); none for a pattern."""
        return tuple(self.attributes.split("|")) if self.attributes and _NAMES.fullmatch(self.attributes) else ()


_NAMES = re.compile(r"\w+(?:\|\w+)*")


SETTINGS_SDK = "settings"
"""The family of Django settings read as flags (``rules/settings.toml``), whose keys are settings' names."""
ATTRIBUTE_READ = ".attribute"
"""The suffix of a site's rule for a setting read as a plain attribute (``settings.EDGE_ENABLED``)."""
FIELD_READ = ".field" + ATTRIBUTE_READ
"""The suffix of a site's rule for a field of :attr:`SettingRule.fields` (a typed settings class's, a settings
row's): a gate only, as an environment read is (:data:`ENVIRONMENT_READ`); a read whose value is kept or passed on
makes another setting (directory-api's ``FEATURE_OPENAPI_ENABLED = env.feature_openapi_enabled``) or configures a
client."""
CONTEXT_READ = ".context" + ATTRIBUTE_READ
"""The suffix of a template's ``{% if X_ENABLED %}``: a name a context processor may give the templates, a setting
only where a settings module sets it."""
GETATTR_READ = ".getattr"
"""The suffix of a site's rule for a setting read by name with a boolean default (``getattr(settings, "X",
False)``)."""
DECLARED_READ = ".declared" + ATTRIBUTE_READ
"""The suffix of such a site's rule when the read is a flag only if declared (:attr:`SettingRule.declared`)."""
GRANTED = ".per-user"
"""The end of the id of a registry's rule for the functions that ask whether a user or a group has a flag
(``is_user_feature_flag_active(code, user)``), and for the methods of the project's models that ask one of their
rows (``event.get_feature_flag("use_tracks")``, each event its own choice): flags granted to people or objects, as
permissions are (rules/policies.toml). A helper inferred over such a check ends so too."""
ENVIRONMENT_READ = ".environ" + DECLARED_READ
"""The end of the id of the rule for a switch read from the environment where the program runs
(``if os.environ.get("USE_SENTRY"):``), and of a helper's inferred over it (a project's ``get_var("AWS_ENABLED")``):
a setting of the deployment, read as a gate only (a read whose value is kept or passed on is the setting's
definition), and only for a switch's name (the declared reads' test)."""
TEMPLATE_READ = ".template"
"""The end of the id of the templates' rule for a helper a Django template library registers."""


@dataclass(frozen=True)
class AttributeReads:
    """What finds ``settings.NAME`` in a file's text or bytes (``NAME`` the first group), and what a ``NAME`` that
    is a flag matches (whole): the prefilter's and the gate's way to settings read as plain attributes."""

    names: re.Pattern[str]
    """Every rule's names: what any attribute read must match before each rule's own test."""
    switches: re.Pattern[str]
    """The names of the rules that read ``getattr`` too: ``getattr(settings, "X", None)`` is a flag for these."""
    by_holder: dict[str, tuple[re.Pattern[str], tuple[bytes, ...]]]
    """The last name of each settings object -> the names of flags read from it, and the modules one of which a
    file that reads it names (``config`` is django-constance's only where ``constance`` is imported)."""
    text: re.Pattern[str]
    """``holder.NAME`` (or ``holder.get("NAME")``): the holder's last name, then the name; or ``holder as alias``
    (the third group), an import under another name, whose reads :meth:`renamed` finds."""
    data: re.Pattern[bytes]
    modules: tuple[str, ...]
    """The modules the settings objects live in (``django.conf``): a file that names none of them reads another
    object called ``settings`` (osf.io imports its own ``website.settings`` as ``settings`` nearly everywhere, and
    every version of every such file went to the parser in history: twice the CPU of a cold ``check``)."""

    def named(self, text: str) -> bool:
        return any(module in text for module in self.modules)

    def flag(self, holder: str, name: str) -> bool:
        """Whether ``holder.name``, as the text spells it, reads a flag."""
        return self.by_holder[holder][0].fullmatch(name) is not None

    def renamed(self, data: bytes, aliases: Iterable[tuple[str, str]]) -> Iterator[tuple[int, str, str]]:
        """(line, holder, name) of each ``alias.NAME`` in ``data`` that reads a settings object imported under another
        name (``aliases``: (holder, alias), as :attr:`text`'s third group finds them; ``from django.conf import
        settings as django_settings``, mitodl/mit-learn), imported from the holder's module."""
        for holder, alias in aliases:
            imported = rb"[ \t]+import[ \t]+\(?[^)]*?\b" + re.escape(holder.encode()) + rb"[ \t]+as[ \t]+" \
                + re.escape(alias.encode()) + rb"\b"  # from the holder's module, not another (osf.io's website)
            modules = self.by_holder[holder][1]
            if any(module in data and re.search(rb"\bfrom[ \t]+" + re.escape(module) + imported, data)
                   for module in modules):  # the module's name first: a search for the text alone is ten times faster
                for found in re.finditer(rb"\b" + re.escape(alias.encode()) + _READ.encode(), data):
                    yield data.count(b"\n", 0, found.start()) + 1, holder, found.group(1).decode()


_READ = r"[ \t]*\.[ \t]*(?:get[ \t]*\([ \t]*[\"'])?([A-Za-z_]\w*)"
"""What follows a settings object's name in a read of one of its values: ``.NAME`` or ``.get("NAME"``."""


@dataclass(frozen=True, slots=True)
class TextRule:
    """A text-level pattern for templates and front-end files; group ``key`` is the key, or, where it did not take
    part in the match, group ``name``: a name the templates are given (a Jinja2 environment's globals), whose
    value is the key (``flag_is_active(request, flags.NEW_NAV)``)."""

    id: str
    sdk: str
    pattern: str
    files: tuple[str, ...]
    key_template: str = "{}"
    """How the matched key makes the flag's (``FEATURES['{}']`` for a settings dict read in templates)."""
    words: tuple[str, ...] = ()
    """Words one of which every match holds: a text without any is not searched (a pattern that starts with
    ``{% if``, ``and`` or ``or`` tries most places of a template; half the template work of mozilla/zamboni's
    history)."""
    match: tuple[Example, ...] = ()
    no_match: tuple[Example, ...] = ()
    via: tuple[str, ...] = ()
    """For the templates' calls of an inferred helper (:class:`TemplateUse`): the functions between the template and
    the check, as a Python call of the helper has them."""


@dataclass(frozen=True, slots=True)
class DataRule:
    """A data file (YAML, JSON or TOML) whose entries a module loads into its constants at import time: the code
    reads ``features.ENABLE_GV`` and only the file spells the key. Each entry (a mapping with the ``name`` and
    ``value`` fields, wherever it sits) makes ``module.<name>`` hold ``<value>``."""

    id: str
    files: tuple[str, ...]
    module: str
    name: str
    value: str
    match: tuple[Example, ...] = ()
    """Data files (``code``, read as ``path``) whose entries must give the ``key``."""
    no_match: tuple[Example, ...] = ()


def text_file(path: str, globs: tuple[str, ...]) -> bool:
    """Whether a text rule's ``files`` globs name ``path`` (relative to the root): by path, by file name, or
    with the root as a folder of its own, so ``*/templates/*.html`` names ``templates/base.html`` too."""
    if not globs:
        return False
    endings, matches = _globs(globs)
    path = os.path.normcase(path)
    if not path.endswith(endings):
        return False
    return bool(matches(path) or matches(path.rsplit("/", 1)[-1]) or matches("/" + path))


def glob_match(name: str, globs: tuple[str, ...]) -> bool:
    """``fnmatch(name, glob)`` for any of ``globs``, through one compiled expression: test folders, settings
    paths and entry point names are asked of every file and function of a tree (on osf.io's 1,991 modules, 0.015 s
    where ``fnmatch`` one glob at a time took 0.03 s)."""
    return bool(globs) and _globs(globs)[1](os.path.normcase(name)) is not None


@functools.lru_cache(maxsize=64)
def _globs(globs: tuple[str, ...]) -> tuple[tuple[str, ...], Callable[[str], re.Match[str] | None]]:
    """``fnmatch`` against any of ``globs`` as one compiled expression (a tree lists thousands of files), and the
    endings a name must have to match one: what follows each glob's last wildcard (``.html`` of ``*.html``), or
    ``""`` (any name) when a glob ends in one. The expression costs microseconds a name, the endings a tenth."""
    normal = [os.path.normcase(g) for g in globs]
    endings = tuple(g[max(g.rfind(c) for c in "*?[]") + 1:] for g in normal)
    return endings, re.compile("|".join(f"(?:{translate(g)})" for g in normal)).match


@dataclass(frozen=True, slots=True)
class RuleFile:
    """One rule file, validated."""

    path: str
    name: str
    title: str
    modules: tuple[str, ...] = ()
    flags_only: bool = True
    """Whether importing the modules means the code reads flags (a flag service's SDK); not Django's settings,
    which every project imports, nor PostHog's analytics: :mod:`flagaudit.scan.coverage` notes only these."""
    checks: tuple[CheckRule, ...] = ()
    objects: tuple[ObjectRule, ...] = ()
    defines: tuple[DefineRule, ...] = ()
    settings: tuple[SettingRule, ...] = ()
    texts: tuple[TextRule, ...] = ()
    data: tuple[DataRule, ...] = ()


@dataclass(frozen=True)
class RuleSet:
    """All rules, indexed for the extractor; ``digest`` keys the cache."""

    files: tuple[RuleFile, ...]
    digest: str
    functions: dict[str, CheckRule] = field(default_factory=dict)
    methods: dict[str, tuple[CheckRule, ...]] = field(default_factory=dict)
    decorators: dict[str, CheckRule] = field(default_factory=dict)
    mixins: dict[str, CheckRule] = field(default_factory=dict)
    """Base class -> the rule of the class attribute its subclasses name a key in."""
    classes: dict[str, ObjectRule] = field(default_factory=dict)
    object_methods: frozenset[str] = frozenset()
    define_functions: dict[str, DefineRule] = field(default_factory=dict)
    define_methods: dict[str, tuple[DefineRule, ...]] = field(default_factory=dict)
    models: dict[str, DefineRule] = field(default_factory=dict)
    model_factories: dict[str, str] = field(default_factory=dict)
    """A function that returns a flag model's class -> that model (``app_label.Model``)."""
    class_constants: dict[str, DefineRule] = field(default_factory=dict)
    declaring_dicts: dict[str, DefineRule] = field(default_factory=dict)
    """A settings module's dict whose keys are flags -> the rule it declares them for."""
    settings: tuple[SettingRule, ...] = ()
    texts: tuple[TextRule, ...] = ()
    data: tuple[DataRule, ...] = ()
    settings_dicts: tuple[str, ...] = ()
    traced: frozenset[str] = frozenset()
    """Objects in the code traced to an SDK client or a flag object (``shop.clients.split``)."""
    words: tuple[bytes, ...] = ()
    """The words a flag site or definition must contain, sorted (see :attr:`trigger`)."""
    getattr_bool: bool = False
    """``getattr`` is in ``trigger`` only for ``getattr(settings, name, True|False)``: see extract/prefilter.py."""
    companions: dict[bytes, tuple[bytes, ...]] = field(default_factory=dict)
    """Words of :attr:`words` that count only where one of these words is in the file too: a flag model's name
    only beside its app's (``Flag`` beside ``waffle``, which its import, ``apps.get_model("waffle", "Flag")`` and a
    South migration's ``orm["waffle.flag"]`` all spell; a project's model of the name imported from its own module
    is not the SDK's to the analysis either). Of nyaruka/rapidpro's 29,287 versions of Python files, waffle's model
    names alone let 1,417 through to the parser, in a project that has no flag. A method named as a builtin counts
    only where the file calls a method of that name (``bool`` beside ``.bool(``: django-environ's ``env.bool``)."""
    subscripted: frozenset[bytes] = frozenset()
    """Words of :attr:`words` that are only the names of settings dicts: they count only where an entry is read
    (``FEATURES["X"]``, ``FEATURES.get("X")``), the only reads of them that make a site. nyaruka/rapidpro's settings
    hold ``FEATURES = {"locations"}``, a set its tests override: most of the 1,474 of its 29,287 versions of Python
    files that went to the parser for nothing (with ``getattr(self, f"...")``, see extract/prefilter.py)."""
    attributes: frozenset[bytes] = frozenset()
    """Words of :attr:`words` that are only the names of methods rules find calls of (``posthog.feature_enabled``,
    ``client.variation``): they count only as an attribute, after a dot, or first on a line (where a chain of
    attributes may go on from the line above, a comment between). ansible/awx's licence helper
    ``feature_enabled("ldap")`` and mozilla/zamboni's ``get_config("...")`` are functions of their own, called
    by name."""

    @functools.cached_property
    def trigger(self) -> re.Pattern[bytes] | None:
        """Matches any of :attr:`words`: the byte-level prefilter. Compiled when a file is first analysed under
        these rules (hundreds of inferred words take tens of milliseconds), not for rules a run only reads
        kept facts under."""
        return re.compile(rb"\b(?:" + word_alternation(list(self.words)) + rb")\b") if self.words else None

    @functools.cached_property
    def function_names(self) -> frozenset[str]:
        """The last names of the check functions: ``self.name(...)`` may call a helper method inferred by its
        qualified name (computed once, not for every file a pass analyses)."""
        return frozenset(name.rpartition(".")[2] for name in self.functions)

    @functools.cached_property
    def attribute_reads(self) -> AttributeReads | None:
        """How plain attribute reads of a settings object that are flags are found (``settings.ENABLE_X``, and
        dynaconf's ``settings.get("ENABLE_X")``), if a rule reads them."""
        rules = [r for r in self.settings if r.attributes]
        if not rules:
            return None
        holders = sorted({o.rsplit(".", 1)[-1] for r in rules for o in r.objects})
        read = r"\b(" + "|".join(map(re.escape, holders)) + r")(?:" + _READ + r"|[ \t]+as[ \t]+([A-Za-z_]\w*))"

        def union(chosen: list[SettingRule]) -> re.Pattern[str]:
            return re.compile("|".join(f"(?:{r.attributes})" for r in chosen) or "(?!)")

        return AttributeReads(
            union(rules), union([r for r in rules if r.getattr_bool]),
            {h: (union([r for r in rules if any(o.rsplit(".", 1)[-1] == h for o in r.objects)]),
                 tuple(sorted({o.rpartition(".")[0].encode() for r in rules for o in r.objects
                               if o.rsplit(".", 1)[-1] == h}))) for h in holders},
            re.compile(read), re.compile(read.encode()), tuple(sorted({o.rpartition(".")[0] for r in rules
                                                                       for o in r.objects})))

    @functools.cached_property
    def typed_fields(self) -> dict[str, tuple[SettingRule, str]]:
        """The fields of typed settings classes a rule reads (:attr:`SettingRule.fields`) -> the rule and the key."""
        return {name: (rule, key) for rule in self.settings for name, key in rule.fields}

    @functools.cached_property
    def field_reads(self) -> re.Pattern[str] | None:
        """``.name`` of each of :attr:`typed_fields`: where the site analysis may find one read (no call marks it)."""
        names = sorted(self.typed_fields)
        return re.compile(r"\.[ \t]*(?:" + "|".join(names) + r")\b") if names else None

    @functools.cached_property
    def sdk_modules(self) -> tuple[str, ...]:
        """The modules the rule files name, sorted."""
        return tuple(sorted({m for rule_file in self.files for m in rule_file.modules}))

    def made_by_sdk(self, name: str) -> bool:
        """Whether ``name`` is a class a rule names or lies in an SDK's module (what made an object)."""
        return name in self.classes or within_modules(name, self.sdk_modules)

    @property
    def file_globs(self) -> tuple[str, ...]:
        """Files besides Python that the rules read: templates (text rules) and data files (data rules)."""
        return (*(g for rule in self.texts for g in rule.files), *(g for rule in self.data for g in rule.files))


def within_modules(name: str, modules: Iterable[str]) -> bool:
    """Whether the qualified ``name`` is one of ``modules`` or lies in one."""
    return any(name == m or name.startswith(m + ".") for m in modules)


POLICIES_FILE = "policies.toml"
"""Lifecycle policies (flag types and ages) sit beside the SDK rules but are no rule file."""


def builtin_rules_folder() -> Path:
    """Where the shipped rules live.

    An installed wheel carries them as ``flagaudit/rules``; a source checkout
    keeps them in the top-level ``rules/`` folder beside the package.
    """
    installed = Path(str(resources.files("flagaudit"))) / "rules"
    folder = installed if installed.is_dir() else Path(__file__).resolve().parent.parent / "rules"
    if not folder.is_dir():
        raise FlagauditError(f"the built-in rules are missing (looked in {installed})")
    return folder


def builtin_rule_paths() -> list[Path]:
    """The SDK rule files shipped with the package, in name order."""
    return sorted(p for p in builtin_rules_folder().glob("*.toml") if p.name != POLICIES_FILE)


def load_rules(extra: list[Path] | tuple[Path, ...] = (), settings_dicts: tuple[str, ...] = ()) -> RuleSet:
    """Load the built-in rules plus ``extra`` files; ``settings_dicts`` extends every setting rule."""
    paths = [*builtin_rule_paths(), *extra]
    digest = hashlib.blake2b(digest_size=16)
    files = []
    for path in paths:
        try:
            raw = read_regular(Path(os.path.realpath(path)), TEXT_LIMIT)
        except OSError as exc:
            raise FlagauditError(f"cannot read rule file {path}: {exc.strerror}") from None
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        files.append(parse_rule_file(str(path), raw))
    digest.update(repr(sorted(settings_dicts)).encode())
    return index_rules(tuple(files), digest.hexdigest(), settings_dicts)


def parse_rule_file(path: str, raw: bytes) -> RuleFile:
    """Validate one rule file; every error names the file and the field."""
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FlagauditError(f"rule file {path}: not valid TOML: {exc}") from None
    reader = _Reader(path)
    reader.only(data, "", {"sdk", "check", "object", "define", "setting", "text", "data"})
    sdk = reader.table(data, "sdk")
    reader.only(sdk, "sdk", {"name", "title", "modules", "docs", "flags_only"})
    name = reader.required(sdk, "sdk", "name")
    modules = reader.strings(sdk, "sdk", "modules")
    reader.string(sdk, "sdk", "docs")

    def entries(kind: str) -> list[tuple[str, dict[str, Any]]]:
        items = data.get(kind, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise reader.error(kind, f"must be an array of tables ([[{kind}]])")
        return [(f"{kind}[{n}]", item) for n, item in enumerate(items)]

    return RuleFile(
        path=path, name=name, title=reader.string(sdk, "sdk", "title") or name, modules=modules,
        flags_only=reader.boolean(sdk, "sdk", "flags_only", True),
        checks=tuple(_check(reader, where, item, name, modules) for where, item in entries("check")),
        objects=tuple(_object(reader, where, item, name) for where, item in entries("object")),
        defines=tuple(_define(reader, where, item, name, modules) for where, item in entries("define")),
        settings=tuple(_setting(reader, where, item, name) for where, item in entries("setting")),
        texts=tuple(_text(reader, where, item, name) for where, item in entries("text")),
        data=tuple(_data(reader, where, item, name) for where, item in entries("data")),
    )


_COMMON = {"id", "sdk", "match", "no_match"}


def _check(reader: _Reader, where: str, item: dict[str, Any], name: str, modules: tuple[str, ...]) -> CheckRule:
    reader.only(item, where, _COMMON | {"functions", "methods", "decorators", "key", "key_template", "evidence", "on",
                                        "fallback", "negation", "mixins", "attribute"})
    rule_id = reader.rule_id(item, where, name)
    functions = reader.strings(item, where, "functions")
    methods = reader.strings(item, where, "methods")
    decorators = reader.strings(item, where, "decorators")
    mixins = reader.strings(item, where, "mixins")
    if not (functions or methods or decorators or mixins):
        raise reader.error(where, "needs one of functions, methods, decorators, mixins")
    attribute = reader.string(item, where, "attribute") or ""
    if bool(mixins) != bool(attribute):
        raise reader.error(where, "mixins and attribute go together: the base classes and the attribute naming the key")
    evidence = reader.boolean(item, where, "evidence", True)
    on = reader.string(item, where, "on") or "truthy"
    if on not in ("truthy", "falsy", "value"):
        raise reader.error(f"{where}.on", "must be one of truthy, falsy, value")
    return CheckRule(
        id=rule_id, sdk=reader.string(item, where, "sdk") or name,
        key=reader.key(item, where), key_template=reader.template(item, where),
        functions=functions, methods=methods, decorators=decorators,
        evidence=modules if (evidence and methods) else (), on=on,
        fallback=reader.key(item, where, "fallback")[0] if "fallback" in item else None,
        negation=reader.string(item, where, "negation") or "", mixins=mixins, attribute=attribute,
        match=reader.examples(item, where, "match"), no_match=reader.examples(item, where, "no_match"),
    )


def _object(reader: _Reader, where: str, item: dict[str, Any], name: str) -> ObjectRule:
    reader.only(item, where, _COMMON | {"classes", "key", "key_template", "methods", "on", "namespaced"})
    key = reader.key(item, where)
    if "namespaced" in item and len(key) != 1:
        raise reader.error(f"{where}.namespaced", "needs a key of one argument (the namespace)")
    return ObjectRule(
        id=reader.rule_id(item, where, name), sdk=reader.string(item, where, "sdk") or name,
        classes=reader.strings(item, where, "classes", required=True), key=key,
        key_template=reader.template(item, where), methods=reader.strings(item, where, "methods", required=True),
        on=reader.string(item, where, "on") or "truthy",
        match=reader.examples(item, where, "match"), no_match=reader.examples(item, where, "no_match"),
        namespaced=reader.key(item, where, "namespaced")[0] if "namespaced" in item else None,
    )


def _define(reader: _Reader, where: str, item: dict[str, Any], name: str, modules: tuple[str, ...]) -> DefineRule:
    reader.only(item, where, _COMMON | {"functions", "methods", "key", "model", "model_factories", "class_constants",
                                        "declaring_dicts", "bool_defaults", "evidence"})
    functions = reader.strings(item, where, "functions")
    methods = reader.strings(item, where, "methods")
    model = reader.string(item, where, "model")
    class_constants = reader.strings(item, where, "class_constants")
    declaring_dicts = reader.strings(item, where, "declaring_dicts")
    if not (functions or methods or model or class_constants or declaring_dicts):
        raise reader.error(where, "needs one of functions, methods, model, class_constants, declaring_dicts")
    if model is not None and not re.fullmatch(r"\w+\.\w+", model):
        raise reader.error(f"{where}.model", "must be app_label.Model")
    evidence = reader.boolean(item, where, "evidence", True)
    return DefineRule(
        id=reader.rule_id(item, where, name), sdk=reader.string(item, where, "sdk") or name,
        key=reader.key(item, where) if (functions or methods or model) else (),
        functions=functions, methods=methods, evidence=modules if (evidence and methods) else (),
        model=model, model_factories=reader.strings(item, where, "model_factories") if model else (),
        class_constants=class_constants, declaring_dicts=declaring_dicts,
        bool_defaults=reader.boolean(item, where, "bool_defaults", False),
        match=reader.examples(item, where, "match"), no_match=reader.examples(item, where, "no_match"),
    )


def _setting(reader: _Reader, where: str, item: dict[str, Any], name: str) -> SettingRule:
    reader.only(item, where, _COMMON | {"objects", "dicts", "getattr", "attributes", "declared"})
    getattr_bool = reader.boolean(item, where, "getattr", False)
    attributes = reader.string(item, where, "attributes")
    if attributes is not None:
        reader.pattern(f"{where}.attributes", attributes)
    return SettingRule(
        id=reader.rule_id(item, where, name), sdk=reader.string(item, where, "sdk") or name,
        objects=reader.strings(item, where, "objects", required=True), dicts=reader.strings(item, where, "dicts"),
        getattr_bool=getattr_bool, attributes=attributes, declared=reader.boolean(item, where, "declared", False),
        match=reader.examples(item, where, "match"), no_match=reader.examples(item, where, "no_match"),
    )


def _text(reader: _Reader, where: str, item: dict[str, Any], name: str) -> TextRule:
    reader.only(item, where, _COMMON | {"pattern", "files", "key_template", "words"})
    pattern = reader.required(item, where, "pattern")
    compiled = reader.pattern(f"{where}.pattern", pattern)
    if "key" not in compiled.groupindex:
        raise reader.error(f"{where}.pattern", "needs a named group (?P<key>...)")
    return TextRule(
        id=reader.rule_id(item, where, name), sdk=reader.string(item, where, "sdk") or name,
        pattern=pattern, files=reader.strings(item, where, "files", required=True),
        key_template=reader.template(item, where, 1), words=reader.strings(item, where, "words"),
        match=reader.examples(item, where, "match"), no_match=reader.examples(item, where, "no_match"),
    )


def _data(reader: _Reader, where: str, item: dict[str, Any], name: str) -> DataRule:
    reader.only(item, where, {"id", "files", "module", "name", "value", "match", "no_match"})
    module = reader.required(item, where, "module")
    if not all(part.isidentifier() for part in module.split(".")):
        raise reader.error(f"{where}.module", "must be a dotted module name (app.features)")
    return DataRule(
        id=reader.rule_id(item, where, name), files=reader.strings(item, where, "files", required=True),
        module=module, name=reader.required(item, where, "name"), value=reader.required(item, where, "value"),
        match=reader.examples(item, where, "match"), no_match=reader.examples(item, where, "no_match"),
    )


class _Reader:
    """Typed field access that turns every mistake into an error naming file and field."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.ids: set[str] = set()

    def error(self, where: str, problem: str) -> FlagauditError:
        return FlagauditError(f"rule file {self.path}: {where or 'top level'}: {problem}")

    def pattern(self, where: str, text: str) -> re.Pattern[str]:
        try:
            return re.compile(text)
        except re.error as exc:
            raise self.error(where, f"not a valid regular expression: {exc}") from None

    def only(self, table: dict[str, Any], where: str, allowed: set[str]) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.error(where, f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")

    def table(self, data: dict[str, Any], name: str) -> dict[str, Any]:
        value = data.get(name)
        if not isinstance(value, dict):
            raise self.error(name, "missing table [sdk]" if value is None else "must be a table")
        return value

    def string(self, table: dict[str, Any], where: str, name: str, required: bool = False) -> str | None:
        value = table.get(name)
        if value is None:
            if required:
                raise self.error(f"{where}.{name}", "is required")
            return None
        if not isinstance(value, str) or not value:
            raise self.error(f"{where}.{name}", "must be a non-empty string")
        return value

    def required(self, table: dict[str, Any], where: str, name: str) -> str:
        value = self.string(table, where, name, required=True)
        assert value is not None
        return value

    def boolean(self, table: dict[str, Any], where: str, name: str, default: bool) -> bool:
        value = table.get(name, default)
        if not isinstance(value, bool):
            raise self.error(f"{where}.{name}", "must be true or false")
        return value

    def strings(self, table: dict[str, Any], where: str, name: str, required: bool = False) -> tuple[str, ...]:
        value = table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(f"{where}.{name}", "must be a list of non-empty strings")
        if required and not value:
            raise self.error(f"{where}.{name}", "is required")
        return tuple(value)

    def rule_id(self, item: dict[str, Any], where: str, sdk: str) -> str:
        local = self.required(item, where, "id")
        rule_id = f"{sdk}/{local}"
        if rule_id in self.ids:
            raise self.error(f"{where}.id", f"duplicate id {local!r}")
        self.ids.add(rule_id)
        return rule_id

    def key(self, item: dict[str, Any], where: str, name: str = "key") -> tuple[KeyArg, ...]:
        """An argument spec: ``{position = N, keyword = "name"}``, or a list of them for composite keys."""
        value = item.get(name)
        if value is None:
            raise self.error(f"{where}.{name}", "is required ({position = N, keyword = \"name\"})")
        specs = value if isinstance(value, list) and name == "key" else [value]
        args = []
        for n, spec in enumerate(specs):
            field_name = f"{where}.{name}" + (f"[{n}]" if isinstance(value, list) else "")
            if not isinstance(spec, dict):
                raise self.error(field_name, "must be a table {position = N, keyword = \"name\"}")
            self.only(spec, field_name, {"position", "keyword"})
            position, keyword = spec.get("position"), spec.get("keyword")
            if position is not None and (not isinstance(position, int) or isinstance(position, bool) or position < 0):
                raise self.error(f"{field_name}.position", "must be a whole number >= 0")
            if keyword is not None and (not isinstance(keyword, str) or not keyword.isidentifier()):
                raise self.error(f"{field_name}.keyword", "must be a Python identifier")
            if position is None and keyword is None:
                raise self.error(field_name, "needs position or keyword")
            args.append(KeyArg(position, keyword))
        return tuple(args)

    def template(self, item: dict[str, Any], where: str, parts: int | None = None) -> str:
        """How an entry's key parts (``parts`` of them, else its ``key``'s arguments) make the key."""
        parts = len(self.key(item, where)) if parts is None else parts
        template = self.string(item, where, "key_template") or "{}" * parts
        slots = template.count("{}")
        if slots != parts or re.search(r"\{(?!\})|(?<!\{)\}", template):
            raise self.error(f"{where}.key_template", "must hold one {} per key part and no other braces")
        return template

    def examples(self, item: dict[str, Any], where: str, name: str) -> tuple[Example, ...]:
        value = item.get(name, [])
        if not isinstance(value, list):
            raise self.error(f"{where}.{name}", "must be a list")
        examples = []
        for n, entry in enumerate(value):
            field_name = f"{where}.{name}[{n}]"
            if isinstance(entry, str):
                examples.append(Example(entry))
            elif isinstance(entry, dict):
                self.only(entry, field_name, {"code", "key", "path"})
                path = self.string(entry, field_name, "path")
                if path is not None and (path.startswith("/") or ".." in path.split("/") or "\\" in path):
                    raise self.error(f"{field_name}.path", "must be a relative path inside the project, with /")
                examples.append(Example(self.required(entry, field_name, "code"),
                                        self.string(entry, field_name, "key"), path))
            else:
                raise self.error(field_name, "must be a string or {code = ..., key = ..., path = ...}")
        return tuple(examples)


Inferred = CheckRule | DefineRule | SettingRule
"""A rule inferred from the code (model/registries.py, model/wrappers.py, model/setting_objects.py)."""


def with_inferred(rules: RuleSet, inferred: tuple[Inferred, ...], traced: frozenset[str], digest: str) -> RuleSet:
    """``rules`` plus what was inferred from the code: registries, wrappers, predicates and settings objects (as one
    more rule file), and the objects traced to an SDK."""
    checks = tuple(c for r in inferred if isinstance(r, CheckRule) and (c := _unclaimed(rules, r)) is not None)
    settings = tuple(r for r in inferred if isinstance(r, SettingRule))
    extra = RuleFile(path="<inferred>", name="inferred", title="Registries, wrappers and predicates found in the code",
                     checks=checks, defines=tuple(r for r in inferred if isinstance(r, DefineRule)), settings=settings,
                     texts=(*(_template_rule(r, use) for r in checks if (use := r.template) is not None),
                            *(_fields_in_templates(r) for r in settings if r.fields_in_templates)))
    indexed = index_rules((*rules.files, extra), f"{rules.digest}:{digest}", rules.settings_dicts)
    return replace(indexed, traced=traced)


DJANGO_TEMPLATES = ("*/templates/*.html", "*/templates/*.txt")
"""Where Django's templates, and with them the filters its template libraries register, are."""


def _template_rule(check: CheckRule, use: TemplateUse) -> TextRule:
    """The templates' checks through an inferred helper their library registers (``use``, its
    :attr:`CheckRule.template`): the key quoted, filtered by it, given to it as the filter's argument, or as the
    tag's."""
    name, quoted = re.escape(use.name), r"""(?P<q>["'])(?P<key>[^"'{}|\s]+)(?P=q)"""
    if use.kind == "attribute":
        return TextRule(id=f"{check.id}{TEMPLATE_READ}", sdk=check.sdk, files=DJANGO_TEMPLATES,
                        pattern=rf"\{{[{{%][^}}]{{0,200}}?\b{name}\.(?!(?:items|keys|values|get)\b)"
                                rf"(?P<key>[A-Za-z_]\w*)\b(?!\s*\()",
                        words=(f"{use.name}.",))
    if use.kind == "tag":
        pattern = rf"\{{%-?\s*{name}\s+(?:[^\s%]+\s+){{{use.index}}}{quoted}"
    elif use.index == 0:
        pattern = rf"{quoted}\s*\|\s*{name}\b(?!\s*:)"
    else:
        pattern = rf"\|\s*{name}\s*:\s*{quoted}"
    return TextRule(id=f"{check.id}{TEMPLATE_READ}", sdk=check.sdk, pattern=pattern, files=DJANGO_TEMPLATES,
                    key_template=check.key_template, via=check.via)


def _fields_in_templates(rule: SettingRule) -> TextRule:
    """The templates' reads of such fields, on a variable named as configuration (DefectDojo's context processor
    gives every template its settings row as ``system_settings``: ``{% if system_settings.enable_benchmark %}``).
    Its id ends as the Python reads' do: a read of the operators' settings, like them."""
    names = "|".join(re.escape(name) for name, _ in rule.fields)
    return TextRule(id=f"{rule.id}{TEMPLATE_READ}{FIELD_READ}", sdk=rule.sdk, files=DJANGO_TEMPLATES,
                    pattern=rf"\{{[{{%][^}}]{{0,200}}?\b\w*(?:settings|config)\.(?P<key>{names})\b(?!\s*\()",
                    words=("settings.", "config."))


def _unclaimed(rules: RuleSet, check: CheckRule) -> CheckRule | None:
    """An inferred rule without the names a configured rule already claims (a project's rule file that declares the
    decorator flagaudit would infer): the project's own rule is the one that holds; ``None`` if nothing is left."""
    functions = tuple(n for n in check.functions if n not in rules.functions and n not in rules.decorators)
    decorators = tuple(n for n in check.decorators if n not in rules.functions and n not in rules.decorators)
    mixins = tuple(n for n in check.mixins if n not in rules.mixins)
    if (functions, decorators, mixins) == (check.functions, check.decorators, check.mixins):
        return check
    if not (functions or decorators or mixins or check.methods):
        return None
    return replace(check, functions=functions, decorators=decorators, mixins=mixins)


def with_data(rules: RuleSet, data: tuple[DataRule, ...], digest: str) -> RuleSet:
    """``rules`` plus ``[[data]]`` rules for the data files modules were found to load (scan/data_files.py), as
    one more rule file: history reads those files at every commit, as it does a configured rule's."""
    extra = RuleFile(path="<detected>", name="detected", title="Data files modules bind their globals from",
                     data=data)
    indexed = index_rules((*rules.files, extra), f"{rules.digest}:{digest}", rules.settings_dicts)
    return replace(indexed, traced=rules.traced)


W = TypeVar("W", str, bytes)


def word_alternation(words: list[W]) -> W:
    """``a|ab|b`` for sorted ``words``, as a trie (``(?:a(?:|b)|b)``): it matches what the flat alternation
    matches, trying the words in the same order, but in time of a word's length rather than of their number
    (inferred rules make hundreds of words, and ``re`` tries a flat alternation's branches one by one)."""
    trie: dict[Any, Any] = {}
    for word in words:
        node = trie
        for index in range(len(word)):
            node = node.setdefault(word[index:index + 1], {})
        node[None] = {}  # a word ends here
    empty = words[0][:0]
    opening, bar, closing = ("(?:", "|", ")") if isinstance(empty, str) else (b"(?:", b"|", b")")

    def emit(node: dict[Any, Any]) -> W:
        branches = [empty] if None in node else []
        branches += [re.escape(key) + emit(node[key]) for key in sorted(k for k in node if k is not None)]
        return branches[0] if len(branches) == 1 else opening + bar.join(branches) + closing

    return emit(trie)


def index_rules(files: tuple[RuleFile, ...], digest: str, settings_dicts: tuple[str, ...] = ()) -> RuleSet:
    """Index rules by callee for the extractor and build the prefilter."""
    index = _Index()
    for rule_file in files:
        for check in rule_file.checks:
            index.add_check(check, rule_file.path, rule_file.modules)
        for obj in rule_file.objects:
            index.add_object(obj, rule_file.path)
        for define in rule_file.defines:
            index.add_define(define, rule_file.modules)
        for setting in rule_file.settings:
            index.add_setting(setting, settings_dicts)
    # a word counts under a condition only where it has that one role: a plain word, or two roles, counts anywhere
    words, weak, dicts, called = index.words, set(index.weak), index.dicts, index.called
    companions = {word.encode(): tuple(sorted(module.encode() for module in modules))
                  for word, modules in index.weak.items() if word not in words | dicts | called}
    subscripted = frozenset(name.encode() for name in dicts - words - weak - called)
    attributes = frozenset(name.encode() for name in called - words - weak - dicts)
    words |= weak | dicts | called
    reads_getattr = any(setting.getattr_bool for setting in index.settings)
    getattr_bool = reads_getattr and "getattr" not in words
    if reads_getattr:
        words.add("getattr")
    return RuleSet(
        files=files, digest=digest, functions=index.functions,
        methods={k: tuple(v) for k, v in index.methods.items()}, decorators=index.decorators, mixins=index.mixins,
        classes=index.classes, object_methods=frozenset(index.object_methods),
        define_functions=index.define_functions,
        define_methods={k: tuple(v) for k, v in index.define_methods.items()},
        models=index.models, model_factories=index.model_factories, class_constants=index.class_constants,
        declaring_dicts=index.declaring_dicts, settings=tuple(index.settings),
        texts=tuple(t for f in files for t in f.texts), data=tuple(d for f in files for d in f.data),
        settings_dicts=settings_dicts, words=tuple(sorted(w.encode() for w in words)),
        getattr_bool=getattr_bool, companions=companions, subscripted=subscripted, attributes=attributes,
    )


def _spelled(function: str) -> str:
    """The word a file that calls ``function`` must spell, for the prefilter: its name, or for a method of a class
    or of what a function returns (``waffle.models.Flag.get``, ``waffle.get_waffle_flag_model.get``), the class or
    the function, which the call (``Flag.get(k)``) or its import spells too: ``get`` is in nearly every file, so a
    module's mapping is spelled for its ``get`` (``os.environ.get``: ``environ``); for a call of what a class makes
    (``environ.Env()``), the class."""
    parts = function.removesuffix("()").split(".")
    if len(parts) >= 3 and (parts[-2][:1].isupper() or parts[-2].startswith("get_") or parts[-1] == "get"):
        return parts[-2]
    return parts[-1]


_BUILTINS = frozenset(vars(builtins))
"""Names nearly every Python file spells (``bool``, ``str``): no word of the prefilter alone."""


@dataclass
class _Index:
    """What :func:`index_rules` gathers from every rule file, and the words the prefilter looks for."""

    functions: dict[str, CheckRule] = field(default_factory=dict)
    methods: dict[str, list[CheckRule]] = field(default_factory=dict)
    decorators: dict[str, CheckRule] = field(default_factory=dict)
    mixins: dict[str, CheckRule] = field(default_factory=dict)
    classes: dict[str, ObjectRule] = field(default_factory=dict)
    object_methods: set[str] = field(default_factory=set)
    define_functions: dict[str, DefineRule] = field(default_factory=dict)
    define_methods: dict[str, list[DefineRule]] = field(default_factory=dict)
    models: dict[str, DefineRule] = field(default_factory=dict)
    model_factories: dict[str, str] = field(default_factory=dict)
    class_constants: dict[str, DefineRule] = field(default_factory=dict)
    declaring_dicts: dict[str, DefineRule] = field(default_factory=dict)
    settings: list[SettingRule] = field(default_factory=list)
    words: set[str] = field(default_factory=set)
    weak: dict[str, set[str]] = field(default_factory=dict)
    """The model names of an SDK's own app (``Flag``, ``Switch``, ``Sample`` of ``waffle``): words of text and of
    other code too ("Sample Flow", "American Flag"), which count only beside the app's name (see
    :attr:`RuleSet.companions`); so do the names of builtins an SDK's methods take (django-environ's ``bool``),
    only where the file calls a method of that name (``.bool(``: the object may come from another module,
    ``from .base import env``, so no import need be written)."""
    dicts: set[str] = field(default_factory=set)
    """The settings dicts whose entries setting rules read (see :attr:`RuleSet.subscripted`)."""
    called: set[str] = field(default_factory=set)
    """The methods check rules and SDK objects are called by (see :attr:`RuleSet.attributes`)."""
    claimed: dict[str, str] = field(default_factory=dict)

    def claim(self, name: str, owner: str, path: str) -> None:
        """One callee, one meaning: two rules claiming the same qualified name is a rule error."""
        if self.claimed.setdefault(name, owner) != owner:
            raise FlagauditError(f"rule file {path}: {owner}: {name!r} is already claimed by {self.claimed[name]}")

    def add_check(self, check: CheckRule, path: str, modules: tuple[str, ...] = ()) -> None:
        for name in check.functions:
            self.claim(name, check.id, path)
            self.functions[name] = check
            word = _spelled(name)
            module = next((m for m in modules if name.startswith(m + ".")), None)
            if module is not None and word[:1].isupper() and word != name.rpartition(".")[2]:
                self.weak.setdefault(word, set()).add(module)  # ``waffle.models.Sample.get``: the class's name
            else:
                self.words.add(word)
        for name in check.decorators:
            self.claim(name, check.id, path)
            self.decorators[name] = check
            self.words.add(name.rsplit(".", 1)[-1])
        for name in check.methods:
            self.methods.setdefault(name, []).append(check)
            if name in _BUILTINS:  # django-environ's ``env.bool``: ``bool`` is in most files, ``.bool(`` in few
                self.weak.setdefault(name, set()).add(f".{name}(")
            else:
                self.called.add(name)
        for name in check.mixins:
            self.claim(name, check.id, path)
            self.mixins[name] = check

    def add_object(self, obj: ObjectRule, path: str) -> None:
        for name in obj.classes:
            self.claim(name, obj.id, path)
            self.classes[name] = obj
            self.words.add(name.rsplit(".", 1)[-1])
        self.object_methods.update(obj.methods)
        self.called.update(obj.methods)

    def add_define(self, define: DefineRule, modules: tuple[str, ...] = ()) -> None:
        for name in define.functions:
            self.define_functions[name] = define
            self.words.add(name.rsplit(".", 1)[-1])
        for name in define.methods:
            self.define_methods.setdefault(name, []).append(define)
            self.words.add(name)
        if define.model:
            self.models[define.model] = define
            app, model = define.model.split(".")[:2]
            if app in modules:  # waffle's ``Flag``: named with its app, whatever reads its rows
                self.weak.setdefault(model, set()).add(app)
            else:
                self.words.add(model)
            for factory in define.model_factories:
                self.model_factories[factory] = define.model
                self.words.add(factory.rsplit(".", 1)[-1])
        for name in define.class_constants:
            self.class_constants[name] = define
            self.words.add(name.rsplit(".", 1)[-1])
        for name in define.declaring_dicts:
            self.declaring_dicts[name] = define
            self.words.add(name)

    def add_setting(self, setting: SettingRule, settings_dicts: tuple[str, ...]) -> None:
        merged = tuple(sorted(set(setting.dicts) | set(settings_dicts)))
        self.settings.append(replace(setting, dicts=merged))
        self.dicts.update(merged)
        self.words.update(name for name, _ in setting.fields)
