"""Source bytes + rules -> :class:`FileFacts`, for one file. Pure: no I/O, no globals.

A file that cannot be analysed (binary, undecodable, a syntax error, too
large, nested too deeply for a parser's recursion) yields facts with
``skipped`` set: a reported fact, not an exception, so one file never stops a run.
"""

from __future__ import annotations

import ast
import bisect
import functools
import gc
import hashlib
import io
import re
import tokenize
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import NamedTuple

from flagaudit.extract.annotations import LineNotes, comment_above, toggle_blocks
from flagaudit.extract.calls import CallFacts, call_facts
from flagaudit.extract.candidates import Candidates, find_candidates, own_switches
from flagaudit.extract.context_dicts import FLAG_WORDS, context_dicts
from flagaudit.extract.data_constants import data_facts
from flagaudit.extract.fingerprint import BranchUses
from flagaudit.extract.prefilter import mentions
from flagaudit.extract.reuse import Earlier, Kept, calls_any, changed_names, standing_names
from flagaudit.extract.sites import SpanContext, analyse_span, without_negation
from flagaudit.extract.symbols import (
    DJANGO_SETTINGS,
    TEMPLATE_GLOBALS,
    Scope,
    dotted_name,
    is_plugin_settings,
    is_settings_module,
    key_parts,
    made_names,
    module_scope,
    module_values,
    sequence_values,
    setting_values,
    span_statements,
    statement_spans,
)
from flagaudit.extract.tree import Source, is_bool
from flagaudit.extract.typed_settings import boolean_fields
from flagaudit.facts import (
    Definition,
    FileFacts,
    Function,
    KeyPart,
    KeyRef,
    ModuleSymbols,
    Site,
)
from flagaudit.sdk_rules import RuleSet, TextRule, text_file

_TOO_DEEP = "nested too deeply to analyse (RecursionError)"
INTERNAL_ERROR = "not analysed: flagaudit failed on it"
"""The start of the reason a file is skipped for where the analysis itself failed (its message is not shown: it
may quote the file)."""
_IDENTIFIER = re.compile(r"[^\W\d]\w*")

Value = tuple[str, tuple[KeyPart, ...], int]
"""A module-level name, the parts of its value, and its line (0 for a name no line of the file binds)."""


def extract(path: str, module: str, data: bytes, rules: RuleSet, max_bytes: int,
            earlier: Earlier | None = None) -> FileFacts:
    """Analyse one file; ``module`` is its dotted name (empty for non-Python files). ``earlier``: its facts
    under other rules, whose spans the new rules cannot change are kept (see reuse.py)."""
    return extract_wanted(path, module, data, rules, max_bytes, earlier)[0]


def extract_wanted(path: str, module: str, data: bytes, rules: RuleSet, max_bytes: int,
                   earlier: Earlier | None = None) -> tuple[FileFacts, frozenset[int] | None]:
    """:func:`extract`'s facts, and the candidate lines it found (``None`` where it found none to compare: a
    file it could not analyse, or one that is not Python), which a later pass's :class:`Earlier` takes."""
    collecting = gc.isenabled()
    gc.disable()  # a parse allocates a node per token, none in a cycle: the collector would walk them for nothing
    try:
        return _extract(path, module, data, rules, max_bytes, earlier)
    except RecursionError:  # ast and the walks over it recurse: a sum of 2,000 operands is enough
        return FileFacts(path, skipped=_TOO_DEEP), None
    except MemoryError:
        return FileFacts(path, skipped="too large to analyse in the memory available (MemoryError)"), None
    except Exception as exc:  # a fault of flagaudit's that this file's content set off: the file is left, not the run
        return FileFacts(path, skipped=f"{INTERNAL_ERROR} ({type(exc).__name__}); please report it"), None
    finally:
        if collecting:
            gc.enable()


def _extract(path: str, module: str, data: bytes, rules: RuleSet, max_bytes: int,
             earlier: Earlier | None) -> tuple[FileFacts, frozenset[int] | None]:
    if len(data) > max_bytes:
        return FileFacts(path, skipped=too_large(max_bytes, len(data))), None
    if b"\0" in data:
        return FileFacts(path, skipped="contains NUL bytes (binary file?)"), None
    if not path.endswith(".py"):
        return _data_file(path, data, rules) or _text_sites(path, data, rules), None
    parsed = _parsed(path, module, data)
    if isinstance(parsed, FileFacts):
        return parsed, None
    text, tree, respelled, scope, values, lines, notes, symbols, graph, shape, registry_calls = parsed
    definitions = [*_class_constants(path, scope.module, values, rules, notes),
                   *_declared_in_settings(path, scope, text, tree, rules, notes)]
    dicts = frozenset(name for rule in rules.settings for name in rule.dicts)
    mixed = _mixin_sites(path, text, tree, scope, rules, notes)
    settings_module = is_settings_module(path, scope.module)
    done = FileFacts(path, symbols, mixed, tuple(definitions), lines=len(lines), functions=tuple(graph.functions),
                     exports=graph.exports, respelled=respelled, registry_calls=registry_calls,
                     settings=tuple(setting_values(tree, dicts, scope.package, settings_module)), shape=shape,
                     context_dicts=context_dicts(tree, scope, rules), boolean_fields=boolean_fields(tree, scope))
    own = own_switches(tree, rules) if settings_module else frozenset()
    mentioned = mentions(data, rules)
    if not own and not mentioned:
        return done, frozenset()
    imported = scope.imported_modules()
    origins = {name: parts[0].value for name, parts, _ in values if len(parts) == 1 and parts[0].kind == "call"}
    hooked = {hook.params[0]: DJANGO_SETTINGS for hook in graph.functions
              if hook.params and is_plugin_settings(scope.module, hook.name)}  # the platform's settings, given
    gate_scope = replace(scope, imports={**graph.local_imports, **hooked, **scope.imports}) \
        if graph.local_imports or hooked else scope
    made = made_names(tree.body, scope)
    candidates = find_candidates(graph.nodes, gate_scope, rules, imported, origins, text, made) \
        if mentioned else Candidates(frozenset(), frozenset())
    done = replace(done, deferred=tuple(sorted(candidates.deferred)))
    wanted = candidates.lines | own
    if not wanted:
        return done, wanted
    spans = statement_spans(tree)
    kept = _kept(earlier, rules, wanted, scope, lines, spans, lambda other: (
        find_candidates(graph.nodes, gate_scope, other, imported, origins, text, made).lines if mentions(data, other)
        else frozenset()) | (own_switches(tree, other) if settings_module else frozenset()),
        lambda other: len(_class_constants(path, scope.module, values, other, notes)))
    source = Source(text)
    uses = BranchUses(source, scope.package, graph.import_lines)
    context = SpanContext(path, source, notes, scope, rules, imported, uses,
                          _rollback_functions(graph.nodes, scope.module, "south" in imported), graph.uses,
                          tuple(sorted(wanted)),
                          sequence_values(tree, scope), own, made)
    members = span_statements(tree, spans)
    sites: list[Site] = []
    repeated = 0
    for start, end, _ in spans:
        first = bisect.bisect_left(context.wanted, start)  # a binary search per span, not spans x candidates
        if first == len(context.wanted) or context.wanted[first] > end:
            continue
        standing = kept.facts(start, end) if kept is not None else None
        if standing is not None:
            span_sites, span_definitions = standing
        else:
            statements, owner = members[start]
            try:
                span_sites, span_definitions = analyse_span(context, tree, statements, owner, end)
            except RecursionError:  # the whole file is skipped, not only this span
                return FileFacts(path, symbols, definitions=tuple(definitions),
                                 skipped=f"{_TOO_DEEP} (lines {start}-{end})"), None
        repeated += _repeated(span_sites, span_definitions)
        if repeated > _MAX_REPEATED:
            return FileFacts(path, symbols, skipped=f"more than {_MAX_REPEATED:,} keys checked or defined in loops "
                                                    "over literal keys"), None
        sites.extend(span_sites)
        definitions.extend(span_definitions)
    return replace(done, sites=(*done.sites, *sites), definitions=tuple(definitions)), wanted


_MAX_REPEATED = 50_000
"""Sites and definitions a file's loops over literal keys may add (one for each key, at the place of one check):
a file of a hostile pull request could loop over a tuple of thousands of names around each of thousands of checks.
Counted from the spans' facts, kept or made again, so the file is skipped whichever of them a pass analyses."""


def _repeated(sites: Sequence[Site], definitions: Sequence[Definition]) -> int:
    """How many sites and definitions share the place of another: those loops over literal keys made."""
    places = Counter((s.line, s.column) for s in sites) + Counter((d.line, d.column) for d in definitions)
    return sum(count - 1 for count in places.values())


class _Parsed(NamedTuple):
    """What a Python file's analysis makes before it reads any rule: its text, tree, scope, module values,
    lines and their notes, symbols, calls, shape and registry calls."""

    text: str
    tree: ast.Module
    respelled: str
    scope: Scope
    values: list[Value]
    lines: list[str]
    notes: LineNotes
    symbols: ModuleSymbols
    graph: CallFacts
    shape: str
    registry_calls: tuple[tuple[str, str, int], ...]


_LAST: list[tuple[str, str, bytes, _Parsed]] = []
"""The last file parsed, by path, module and bytes: an inference pass after the first analyses a file again
under other rules (in the main process when it is the one file that changed), and parsing it, walking its
calls and reading its module values is most of that work, the same under any rules. One file is kept."""


def _parsed(path: str, module: str, data: bytes) -> _Parsed | FileFacts:
    """A Python file's :class:`_Parsed` (the last one's again when the same file is asked for), or its facts
    when it cannot be analysed."""
    if _LAST and _LAST[0][:2] == (path, module) and _LAST[0][2] == data:
        return _LAST[0][3]
    _LAST.clear()  # not two trees at once
    try:
        text = _decode(data)
    except SyntaxError:
        return FileFacts(path, skipped="cannot decode: not UTF-8 and no valid coding declaration (PEP 263)")
    except UnicodeDecodeError as exc:
        from flagaudit.extract.python2 import undecodable_comments

        try:  # as Python reads them: comments are not decoded
            found = undecodable_comments(data.decode(exc.encoding, "surrogateescape"))
        except (UnicodeError, LookupError):  # a codec without that handler (punycode raises this on 3.13)
            found = None
        if found is None:
            return FileFacts(path, skipped=f"cannot decode: {_reason(exc)}")
        text = found.replace("\r\n", "\n").replace("\r", "\n")
    except (UnicodeError, LookupError) as exc:  # also a codec that cannot decode at all (`undefined`, `punycode`)
        return FileFacts(path, skipped=f"cannot decode: {_reason(exc)}")
    try:
        read = _python2(path, text)
        if read is None:
            tree = _parse(text, path)
    except SyntaxError as exc:
        retried = _respelled(path, text, exc.msg.startswith("f-string"))
        if not isinstance(retried, tuple):
            hint = " (Python 2 code?)" if _looks_like_python2(text) else ""
            return FileFacts(path, skipped=retried or f"syntax error at line {exc.lineno}: {exc.msg}{hint}",
                             unparsed_names=tuple(sorted(set(_IDENTIFIER.findall(text)))))
        read = retried
    except (RecursionError, MemoryError, ValueError) as exc:
        return FileFacts(path, skipped=f"cannot parse: {type(exc).__name__}")
    respelled = ""
    if read is not None:
        text, tree, respelled = read
    scope = module_scope(tree, module, path.endswith("__init__.py"))
    values = list(module_values(tree, scope))
    values += _django_settings(path, module, values)
    lines = text.splitlines(keepends=True)
    notes = LineNotes(lines)
    symbols = ModuleSymbols(module, tuple((name, parts) for name, parts, _ in values), _annotated(values, notes),
                            toggle_blocks(lines, notes) if b"toggle_name" in data else ())
    graph = call_facts(tree, scope)
    parsed = _Parsed(text, tree, respelled, scope, values, lines, notes, symbols, graph,
                     _shape(symbols, graph.functions, graph.exports, scope.stars),
                     _registry_calls(graph.nodes, scope, tree))
    _LAST[:] = [(path, module, data, parsed)]
    return parsed


def _parse(text: str, path: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, filename=path)


_PYTHON2_STATEMENT = re.compile(r"\n[ \t]*(?:print\b[ \t]*[\w\"']|except[ \t]+[\w.]+[ \t]*,[ \t]*\w+[ \t]*:"
                                r"|raise[ \t]+[\w.]+[ \t]*,)")
"""A line that starts as Python 2's statements do (``print x``, ``except E, e:``, ``raise E, "text"``): in none of
osf.io's 1,991 modules, in 378 of 403 versions of mozilla/zamboni's Python 2 modules; 2 ms a megabyte. Tested
here, so that Python 3 does not import the respelling (whose scanner every worker compiled, 10 ms each)."""


def _python2(path: str, text: str) -> tuple[str, ast.Module, str] | None:
    """A module that no Python 3 reads (``print x``) respelled and parsed at once, as :func:`_respelled` would after
    ``ast`` rejected it: that first parse is a fifth of the work of each version of a Python 2 module in history
    (its 2,389 versions on mozilla/zamboni). ``None`` for any other text, or when the respelling does not parse."""
    if _PYTHON2_STATEMENT.search(text) is None:
        return None
    from flagaudit.extract.python2 import respell

    python3 = respell(text, certain=True)
    if python3 is None:
        return None
    try:
        return python3, _parse(python3, path), "python2"
    except (SyntaxError, ValueError):
        return None


def _respelled(path: str, text: str, f_string: bool) -> tuple[str, ast.Module, str] | str | None:
    """``text`` that ``ast`` rejects, respelled so that ``ast`` reads it: the text, its tree and which respelling
    read it. From Python 2 (python2.py: a linear scan, which tells most other files at once), else from a newer
    Python (newer_syntax.py, which parses with libcst). When neither reads it, why the Python 2 reading failed
    (its error is the file's own once its Python 2 forms are respelled), or ``None``. ``f_string``: ``ast``
    stopped at an f-string, which Python 2 does not have (a 3.12 f-string that reuses its quotes)."""
    from flagaudit.extract.python2 import respell

    python3 = None if f_string else respell(text)
    error = None
    if python3 is not None:
        try:
            return python3, _parse(python3, path), "python2"
        except SyntaxError as exc:
            error = f"syntax error at line {exc.lineno}: {exc.msg} (read as Python 2)"
        except ValueError as exc:
            error = f"cannot parse: {_reason(exc)}"
    from flagaudit.extract.newer_syntax import translate  # imports libcst, which most runs never need

    older = translate(text)
    return error if older is None else (older, ast.parse(older, filename=path), "newer")


def facts_stand(path: str, data: bytes, rules: RuleSet, earlier: Earlier) -> bool:
    """Whether ``earlier`` facts are those :func:`extract` gives ``data`` under ``rules``, told without a parse.

    Why: a later inference pass analyses again every file that defines or calls a helper whose rule changed,
    and on flag-dense code a third of them only define one (a wrapper's own module): their spans all stand.
    They do when the facts lead to no changed rule (:func:`standing_names`), the prefilter lets the file through
    under both rule sets or neither, and the text calls none of the changed names: the analysis reads rules
    only through the callees and method names of the calls it meets, the candidate gate's traced receivers and
    the registries' class constants."""
    if not path.endswith(".py") or earlier.facts.skipped or earlier.facts.respelled:
        return False
    names = standing_names(earlier, rules)
    if names is None or mentions(data, earlier.rules) != mentions(data, rules):
        return False
    try:
        return not calls_any(_decode(data), names)
    except (SyntaxError, UnicodeError, LookupError):
        return False


def _kept(earlier: Earlier | None, rules: RuleSet, wanted: frozenset[int], scope: Scope, lines: list[str],
          spans: list[tuple[int, int, str | None]], candidates: Callable[[RuleSet], frozenset[int]],
          outside: Callable[[RuleSet], int]) -> Kept | None:
    """The spans whose ``earlier`` facts stand under ``rules``; ``candidates(rules)`` gives the candidate lines
    under other rules (found again only if ``earlier`` does not bring them), ``outside(rules)`` the number of
    definitions made outside the spans (class constants)."""
    if earlier is None or earlier.facts.skipped:
        return None
    changed = changed_names(earlier.rules, rules)
    if changed is None:
        return None
    before = earlier.wanted if earlier.wanted is not None else candidates(earlier.rules)
    return Kept(earlier.facts, outside(earlier.rules), changed, scope, tuple(sorted(before)), tuple(sorted(wanted)),
                lines, [start for start, _, _ in spans])


def too_large(max_bytes: int, size: int) -> str:
    """Why a file over ``max-file-size`` is skipped: the same words whether its size was seen before reading."""
    return f"larger than {max_bytes // 1_000_000} MB ({size // 1_000_000} MB); raise max-file-size to analyse it"


def _shape(symbols: ModuleSymbols, functions: list[Function], exports: tuple[str, ...],
           stars: tuple[str, ...]) -> str:
    """See ``FileFacts.shape``; lines are left out, so an edit inside a function keeps its file's shape."""
    described = (symbols, [(f.name, f.kind, f.decorators, f.bases) for f in functions], exports, stars)
    return hashlib.blake2b(repr(described).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def _rollback_functions(nodes: list[ast.Call | ast.Subscript], module: str, south: bool) -> frozenset[str]:
    """Functions a data migration runs only when rolled back (``RunPython(forward, reverse)``; in a South
    migration, ``south`` (Django before 1.7), its ``Migration.backwards``)."""
    forward: set[str] = set()
    reverse: set[str] = {f"{module}.Migration.backwards" if module else "Migration.backwards"} if south else set()
    for node in nodes:
        if isinstance(node, ast.Call) and (dotted_name(node.func) or "").endswith("RunPython"):
            arguments: dict[int | str, ast.expr] = {**dict(enumerate(node.args)),
                                                    **{k.arg: k.value for k in node.keywords if k.arg}}
            for key, names in ((0, forward), ("code", forward), (1, reverse), ("reverse_code", reverse)):
                value = arguments.get(key)
                if isinstance(value, ast.Name):
                    names.add(f"{module}.{value.id}" if module else value.id)
    return frozenset(reverse - forward)


def _decode(data: bytes) -> str:
    """Decode as Python does: a BOM or a PEP 263 coding line, else UTF-8."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _looks_like_python2(text: str) -> bool:
    return bool(re.search(r"^\s*print\s+[\"'\w]|^\s*exec\s+[\"']|except\s+\w+\s*,\s*\w+\s*:", text, re.M))


def _django_settings(path: str, module: str, values: list[Value]) -> list[Value]:
    """In a settings module, ``django.conf.settings.X`` is another name for the module's ``X``: a key built
    from ``settings.SWITCH_PREFIX`` or a flag object read as ``settings.LOG_REQUESTS`` resolves through it.
    Test settings configure only the tests."""
    if not is_settings_module(path, module):
        return []
    prefix = f"{module}."
    return [(f"{DJANGO_SETTINGS}.{name[len(prefix):]}", (KeyPart("sym", name),), 0) for name, _, line in values
            if line and name.startswith(prefix) and "." not in name[len(prefix):] and name[len(prefix):].isupper()]


_REGISTRY_METHOD = re.compile(r"has_\w+|is_\w+_enabled|\w*feature\w*")
_STATE_METHOD = re.compile(r"enabled|active")
_FLAG_HOLDER = re.compile(r"(?:^|\.)\w*(?:" + FLAG_WORDS + r")\w*$", re.IGNORECASE)
"""A method named for a state, given a constant of a class named for flags: pypi/warehouse's
``request.flags.enabled(AdminFlagValue.READ_ONLY)``. Not ``is_enabled`` nor ``is_active``, the SDKs' (Unleash's
``client.is_enabled(Flag.SEARCH_V2)`` asks for a key of the project's enum of Unleash toggles)."""
_REGISTRY_FUNCTION = re.compile(r"(?:is|has)_\w*(?:feature|flag|switch|toggle)\w*|is_\w+_(?:enabled|active)")
"""A project function that may check a flag of the project's own: ``is_feature_flag_active(CODE)``."""
_NOT_A_READ = r"(?!\w*_(?:key|keys|name|names|prefix|suffix|id|ids|url|path)$)"
"""A name that makes the key, not reads the value (open-discussions' ``get_flag_key("CLEAR")`` names a query
parameter)."""
FLAG_CHECK_NAME = re.compile(
    r"(?!_|(?:set|unset|enable|disable|add|remove|delete|create|update|toggle|register|clear|reset|save|override"
    r"|with|without|filter|exclude|for|by)_|\w*_by_)" + _NOT_A_READ + r"\w*(?:" + FLAG_WORDS + r")\w*", re.IGNORECASE)
"""The names of the project's own methods and functions that, called with a string, ask for a flag by its key
(pretalx's ``event.get_feature_flag("use_tracks")`` reads a JSON field of its event model, learningequality/studio's
``user.check_feature_flag("test_dev_feature")`` one of its user model): stricter than :data:`_REGISTRY_METHOD`,
since ``has_field("name")`` or ``is_enabled("smtp")`` take strings that are no flags; never a private one
(Flagsmith's ``_get_active_feature_states_ids("identity_id")`` takes a field's name), nor one that changes a flag
(``set_feature_flag("x")``), makes its key (:data:`_NOT_A_READ`), builds a query (netbox's
``ObjectType.objects.with_feature("jobs")``: the models registered with a capability) or finds a thing by another of
its fields (DemocracyClub/EveryElection's ``get_feature_by_field("code", ...)``, a map's shape by a column's name)."""
SETTING_READ_NAME = re.compile(
    r"(?!_|(?:set|unset|update|save|delete|reset|clear|override)_)\w*setting(?:_value|_enabled)?", re.IGNORECASE)
"""The names of the project's own methods and functions that, called with a string, read a setting by its name
(DefectDojo's ``get_system_setting("enable_jira")`` reads a field of its settings model): a flag only where the
name is a switch's (``enable_jira``, not ``url_prefix``). Not one that reads about a setting (ansible/awx's
``get_setting_field("X")``, ``is_setting_encrypted("X")``) or several (``get_dependent_settings("X")``)."""
NOT_A_FLAG = re.compile(r"perm|role|(?<!feature_)access|auth|(?<!flag_)group|member", re.IGNORECASE)
"""...unless it asks about permissions, roles or membership (``has_perm(ADMIN_ACCESS)``): constants passed to those
name grants, not flags (``flagaudit init``'s proposals leave them out too). A group of feature flags is a flag of its
own (uktrade/data-hub-api's ``is_user_feature_flag_group_active(EXPORT_NOTIFICATIONS, user)``), and so is access to a
feature (HSReplay.net's ``@view_requires_feature_access("archetype-training")``)."""


def _class_decorators(tree: ast.Module) -> set[int]:
    """The ids of the calls that decorate a module's class: one given only names registers the class with those
    capabilities (nautobot's ``@extras_features("custom_links", "graphql")`` on a model), it asks for no flag."""
    return {id(decorator) for node in tree.body if isinstance(node, ast.ClassDef) for decorator in node.decorator_list}


def _registry_calls(nodes: list[ast.Call | ast.Subscript], scope: Scope,
                    tree: ast.Module) -> tuple[tuple[str, str, int], ...]:
    """``x.has_feature(Feature.NAME)`` -> ``("has_feature", "app.models.Feature")``: a method that may check a
    project registry's key (one named so, or for flags: ``FeatureFlag.objects.flag_is_up(FeatureFlag.NAME)``), with
    the class the key constant is an attribute of; ``is_feature_flag_active(CODE)``
    -> ``("app.flags.is_feature_flag_active", "app.constants.CODE")``: a function that may, with the constant it
    is given (see model/registries.py); ``event.get_feature_flag("use_tracks")`` -> ``("get_feature_flag", "")`` and
    ``is_flag_on("x")`` -> ``("app.flags.is_flag_on", "")``: a method or function that may check a key it is given
    as a string (:data:`FLAG_CHECK_NAME`), or read a setting so named (:data:`SETTING_READ_NAME`); also one a
    template tag or filter calls with its own parameter (:func:`_template_passed`), whose string the templates
    write. Each with the position of the key among the call's arguments: the first but where a tag passes the
    user first (HSReplay.net's ``get_feature_context(context["user"], name)``)."""
    found: set[tuple[str, str, int]] = _template_passed(tree, scope)
    registering: set[int] | None = None
    for node in nodes:
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if isinstance(first, ast.Constant) and type(first.value) is str:
            if (FLAG_CHECK_NAME.fullmatch(name) or SETTING_READ_NAME.fullmatch(name)) and not NOT_A_FLAG.search(name):
                if all(isinstance(a, ast.Constant) and type(a.value) is str for a in node.args):
                    registering = _class_decorators(tree) if registering is None else registering
                    if id(node) in registering:
                        continue
                callee = dotted_name(node.func)
                qualified = scope.qualify(callee) if callee else None
                if isinstance(node.func, ast.Attribute):
                    found.add((name, "", 0))
                if qualified is not None and "." in qualified:
                    found.add((qualified, "", 0))
            continue
        if isinstance(node.func, ast.Attribute) and isinstance(first, ast.Attribute) and (
                _REGISTRY_METHOD.fullmatch(name) or FLAG_CHECK_NAME.fullmatch(name) and not NOT_A_FLAG.search(name)
                or _STATE_METHOD.fullmatch(name) and _FLAG_HOLDER.search(dotted_name(first.value) or "")) \
                and "perm" not in name:
            holder = dotted_name(first)
            owner = scope.qualify(holder.rpartition(".")[0]) if holder and "." in holder else None
            if owner is not None:
                found.add((name, owner, 0))
        if _REGISTRY_FUNCTION.fullmatch(name) and not NOT_A_FLAG.search(name):
            callee, constant = dotted_name(node.func), dotted_name(node.args[0])
            function = scope.qualify(callee) if callee else None
            key = scope.qualify(constant) if constant and constant.rpartition(".")[2].isupper() else None
            if function is not None and key is not None:
                found.add((function, key, 0))
    return tuple(sorted(found))


def _template_passed(tree: ast.Module, scope: Scope) -> set[tuple[str, str, int]]:
    """Methods and the project's functions named like a flag check that a Django template tag or filter of the
    module calls with its own parameter, and where it passes it: TreyWW/MyFinances' ``{% personal_feature_enabled
    request.user "invoices" as v %}`` is a simple tag that returns ``user.user_profile.has_feature(feature)``, a
    method no Python code calls with a string; HSReplay.net's ``{% feature "billing" as billing %}`` returns
    ``get_feature_context(context["user"], name)``, given the page's user first."""
    found = set()
    for function in tree.body:
        if not isinstance(function, ast.FunctionDef) or not any(
                (dotted_name(d.func if isinstance(d, ast.Call) else d) or "").endswith((".simple_tag", ".filter"))
                for d in function.decorator_list):
            continue
        params = {a.arg for a in (*function.args.posonlyargs, *function.args.args)} - {"context"}
        for node in ast.walk(function):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Attribute):  # a method, by its name
                name, called = node.func.attr, node.func.attr
            elif isinstance(node.func, ast.Name):  # a function of the project's, by its qualified name
                name, called = node.func.id, scope.qualify(node.func.id) or ""
            else:
                continue
            position = next((i for i, a in enumerate(node.args) if isinstance(a, ast.Name) and a.id in params), None)
            if position is not None and FLAG_CHECK_NAME.fullmatch(name) and not NOT_A_FLAG.search(name) \
                    and (called == name or "." in called):
                found.add((called, "", position))
    return found


def _annotated(values: list[Value], notes: LineNotes) -> tuple[tuple[str, int, tuple[tuple[str, str], ...]], ...]:
    """Key constants (``ENABLE_X = "enable_x"``) documented by annotations above them: the toggle's dates, type
    and name belong to every check that reads the key through the constant."""
    found = []
    for name, parts, line in values:
        if line and len(parts) == 1 and parts[0].kind == "lit":
            above = notes(line)
            if any(key.startswith("toggle_") or not key.startswith("ignore:") for key, _ in above):
                found.append((name, line, above))
    return tuple(found)


def _class_constants(path: str, module: str, values: list[Value], rules: RuleSet, notes: LineNotes) -> list[Definition]:
    """String attributes of a project's registry class (``Feature.X = "x"``) are definitions."""
    found = []
    for name, parts, line in values:
        owner = name.rpartition(".")[0]
        for qualified, rule in rules.class_constants.items():
            if owner and (owner == qualified or qualified.endswith("." + owner)) and line:
                if len(parts) == 1 and parts[0].kind == "lit":
                    found.append(Definition(path, line, 0, rule.id, rule.sdk, KeyRef(parts, repr(parts[0].value)),
                                            symbol=name, metadata=notes(line)))
    return found


def _declared_in_settings(path: str, scope: Scope, text: str, tree: ast.Module, rules: RuleSet,
                          notes: LineNotes) -> list[Definition]:
    """The keys of a settings module's dict that declares the flags (django-flags' ``FLAGS = {"NAME": [...]}``,
    where a flag must be named before any condition turns it on): a definition each, with its conditions, and the
    comment right above the entry as its description (cfgov-refresh: "During a Salesforce system outage, the
    following flag should be enabled"). A key may be a constant (``{ANALYTICS_FEATURE_FLAG_NAME: [...]}``,
    ansible/eda-server), resolved as any key is."""
    if not rules.declaring_dicts or not is_settings_module(path, scope.module):
        return []
    lines = text.split("\n")
    source: Source | None = None
    found = []
    for node in tree.body:
        assigned: ast.expr | None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, assigned = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, assigned = node.target, node.value
        else:
            continue
        rule = rules.declaring_dicts.get(target.id) if isinstance(target, ast.Name) else None
        if rule is None or not isinstance(assigned, ast.Dict):
            continue
        source = source or Source(text)
        for key, value in zip(assigned.keys, assigned.values, strict=True):
            if key is None:  # ``**others``
                continue
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                ref = KeyRef((KeyPart("lit", key.value),), repr(key.value))
            elif (named := dotted_name(key)) and (parts := scope.symbol(named)):
                ref = KeyRef(parts, named)
            else:
                continue
            helped = _switch_default(value) if rule.bool_defaults else ""
            if helped is None:
                continue  # a value of another type: a setting, not a switch
            line, column = source.start(key)
            described = " ".join(c.lstrip("#").strip() for c in comment_above(lines, key.lineno))[:_FIELD_TEXT] \
                or helped[:_FIELD_TEXT]
            metadata = {*notes(key.lineno), ("conditions", source.code(value)[:_FIELD_TEXT]),
                        *((("description", described),) if described else ())}
            found.append(Definition(path, line, column, rule.id, rule.sdk, ref, "define", None,
                                    tuple(sorted(metadata))))
    return found


_FIELD_TEXT = 200
"""Characters of a settings entry's conditions or description kept."""


def _switch_default(value: ast.expr) -> str | None:
    """The help text of a ``(default, help text[, type])`` entry whose default is ``True`` or ``False`` (``""``
    without one), or ``None`` for any other value: django-constance's ``"MFA_ENABLED": (True, "Enable two-factor
    authentication")``, or the same made by a call (nautobot's ``ConstanceConfigItem(default=False,
    help_text="...", field_type=bool)``). A default read from the environment is a bool where the call says so:
    ``env.bool(...)``, or a bool given as its fallback (kobotoolbox/kpi's ``constance_env(env.bool, "X", "X",
    False)``)."""
    default: ast.expr | None
    helped: ast.expr | None
    if isinstance(value, ast.Tuple | ast.List) and value.elts:
        default, helped = value.elts[0], (value.elts[1] if len(value.elts) > 1 else None)
    elif isinstance(value, ast.Call) and (value.args or value.keywords):
        named = {keyword.arg: keyword.value for keyword in value.keywords}
        default = named.get("default", value.args[0] if value.args else None)
        helped = named.get("help_text", value.args[1] if len(value.args) > 1 else None)
        if (typed := named.get("field_type")) is not None and dotted_name(typed) == "bool":
            default = ast.Constant(False)  # typed a switch, whatever gives its default
    else:
        return None
    if default is None or not (is_bool(default) or isinstance(default, ast.Call) and (
            (dotted_name(default.func) or "").rpartition(".")[2].endswith("bool") or any(map(is_bool, default.args)))):
        return None
    return " ".join(helped.value.split()) if isinstance(helped, ast.Constant) and isinstance(helped.value, str) else ""


def _mixin_sites(path: str, text: str, tree: ast.Module, scope: Scope, rules: RuleSet,
                 notes: LineNotes) -> tuple[Site, ...]:
    """A top-level class with a flag mixin among its bases names its key in a class attribute
    (``class Reports(WaffleFlagMixin, View): waffle_flag = "new_reports"``): a site whose on-branch is the rest
    of the class body (off-branch with the rule's negation, ``"!name"``). So does the mixin's own view made with
    that attribute at module level (``FlaggedTemplateView.as_view(flag_name="X")`` in a URL conf): its on-branch
    is the view."""
    if not rules.mixins or not any(name.rpartition(".")[2] in text for name in rules.mixins):
        return ()
    source: Source | None = None
    found = []
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for call in ast.walk(statement):
            if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute) \
                    or call.func.attr != "as_view":
                continue
            rule = rules.mixins.get(scope.qualify(dotted_name(call.func.value) or "") or "")
            value = next((k.value for k in call.keywords if rule and k.arg == rule.attribute), None)
            if rule is None or value is None:
                continue
            source = source or Source(text)
            parts, negated = without_negation(key_parts(value, scope.symbol), rule.negation)
            span = ((call.lineno, call.end_lineno or call.lineno),)
            line, column = source.start(value)
            found.append(Site(path, line, column, scope.module or "<module>", rule.id, rule.sdk,
                              KeyRef(parts, source.code(value)), "decorator", () if negated else span,
                              span if negated else (), annotations=notes(call.lineno)))
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        rule = next((r for base in node.bases if (r := rules.mixins.get(scope.qualify(dotted_name(base) or "")
                                                                          or ""))), None)
        named = next((s for s in node.body if rule and isinstance(s, ast.Assign) and len(s.targets) == 1
                      and isinstance(s.targets[0], ast.Name) and s.targets[0].id == rule.attribute), None)
        if rule is None or named is None:
            continue
        source = source or Source(text)
        parts = key_parts(named.value, scope.symbol)
        body = tuple((s.lineno, s.end_lineno or s.lineno) for s in node.body if s is not named)
        parts, negated = without_negation(parts, rule.negation)
        on, off = ((), body) if negated else (body, ())
        line, column = source.start(named.value)
        found.append(Site(path, line, column, f"{scope.module}.{node.name}", rule.id, rule.sdk,
                          KeyRef(parts, source.code(named.value)), "decorator", on, off,
                          annotations=notes(named.lineno)))
    return tuple(found)


@functools.lru_cache(maxsize=256)
def _quick(pattern: str) -> re.Pattern[str] | None:
    """A text rule's pattern without its leading ``\\b`` or negative lookbehind (``(?<![\\w.])``), which keep ``re``
    from searching for the literal after them: the rest matches wherever the whole does, and scans megabytes of
    bundled JavaScript thirty times faster (templates twenty times)."""
    start = _LEADING_ASSERTION.match(pattern)
    if start is None:
        return None
    try:
        return re.compile(pattern[start.end():])
    except re.error:
        return None


_LEADING_ASSERTION = re.compile(r"\\b|\(\?<![^()]*\)")


def _may_match(rule: TextRule, text: str) -> bool:
    if rule.words and not any(word in text for word in rule.words):
        return False
    quick = _quick(rule.pattern)
    return quick is None or quick.search(text) is not None


def _data_file(path: str, data: bytes, rules: RuleSet) -> FileFacts | None:
    """The constants a data file gives a module (``[[data]]`` rules), or None when no data rule names it."""
    applicable = [r for r in rules.data if text_file(path, r.files)]
    if not applicable:
        return None
    found = data_facts(path, data, applicable)
    if isinstance(found, str):
        return FileFacts(path, skipped=found)
    return FileFacts(path, ModuleSymbols(applicable[0].module, *found))


def _text_sites(path: str, data: bytes, rules: RuleSet) -> FileFacts:
    """Templates and front-end files: regular expressions from the rules' ``[[text]]`` entries."""
    applicable = [r for r in rules.texts if text_file(path, r.files)]
    if not applicable:
        return FileFacts(path)
    text = data.decode("utf-8", errors="replace")
    found = [(rule, match) for rule in applicable if _may_match(rule, text)
             for match in re.finditer(rule.pattern, text)]
    if not found:
        return FileFacts(path)  # most templates and scripts: no line table for them (minified bundles are large)
    lines = text.splitlines()
    starts = [m.start() for m in re.finditer(r"^", text, re.M)]
    notes = LineNotes(lines)
    sites = []
    for rule, match in found:
        named = match["key"] is None and "name" in match.re.groupindex and match["name"] is not None
        offset = match.start("name" if named else "key")
        line = bisect.bisect_right(starts, offset)
        key_ref = KeyRef((KeyPart("sym", f"{TEMPLATE_GLOBALS}.{match['name']}"),), match["name"]) if named \
            else KeyRef((KeyPart("lit", match["key"]),), repr(match["key"]), rule.key_template)
        sites.append(Site(
            path=path, line=line, column=offset - starts[line - 1], function="<template>", rule=rule.id,
            sdk=rule.sdk, key_ref=key_ref, guard="template", precision="text", annotations=notes(line), via=rule.via,
        ))
    return FileFacts(path, sites=tuple(sorted(sites, key=lambda s: (s.line, s.column, s.rule))))
