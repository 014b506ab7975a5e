"""Which flags cannot change: fixed by configuration, declared constant, or deleted from the registry.

A flag with a fixed value is an ``if`` with a dead branch; these facts feed
FA104 (constant-flag) and FA302 (code only the dead branch reaches).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from flagaudit.documentation import documented_where
from flagaudit.facts import DYNAMIC_SETTINGS, EXTENDS, LITERAL_VALUE, RUN_TIME, Evidence, FileFacts, Flag
from flagaudit.sdk_rules import SETTINGS_SDK, glob_match

_ON = {"true", "on", "1", "yes"}
_OFF = {"false", "off", "0", "no", "none"}
_APPLICATIONS = frozenset({"django.core.wsgi.get_wsgi_application", "django.core.asgi.get_asgi_application"})
"""What a project that serves a Django application of its own calls (its ``wsgi.py``/``asgi.py``)."""
OPERATOR_USE_CASES = frozenset({"open_edx", "opt_in", "opt_out", "circuit_breaker"})
"""Open edX ``toggle_use_cases`` by which each deployment's operators choose the value: the project's own settings
modules are not every place it is configured."""


@dataclass(frozen=True)
class Fixed:
    """A flag's fixed value (``None``: fixed but unknown), how we know, and the evidence."""

    value: bool | None
    reason: str
    kind: str
    """``configured`` (same literal in every settings module), ``default`` (never set, default wins),
    ``declared`` (``# flagaudit: constant=...``) or ``deleted`` (its registry row was deleted)."""
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Deployment:
    """All :func:`fixed_flags` reads of the files' facts: which modules configure a deployment, whether the project
    serves an application, and which files and modules the tree holds. Made from every file's facts
    (:meth:`of`), or from a few of them where the others' are known to be as before (an edit that changes only
    calls, scan/project.py)."""

    settings: tuple[FileFacts, ...]
    """The facts of the settings modules that configure a deployment (:func:`deployment_settings`)."""
    serves: bool
    """Whether a module outside the tests builds a WSGI or ASGI application (:func:`serves`)."""
    paths: frozenset[str]
    modules: frozenset[str]

    @classmethod
    def of(cls, facts: Iterable[FileFacts], settings_paths: tuple[str, ...],
           is_test: Callable[[str], bool]) -> Deployment:
        facts = list(facts)
        return cls(tuple(deployment_settings(facts, settings_paths, is_test)),
                   any(not is_test(f.path) and serves(f) for f in facts), frozenset(f.path for f in facts),
                   frozenset(f.symbols.module for f in facts if f.symbols))


def fixed_flags(flags: Iterable[Flag], deployment: Deployment, settings_paths: tuple[str, ...],
                documented: Mapping[str, str] | None = None, written: tuple[str, ...] = (),
                published: tuple[str, ...] = ()) -> dict[tuple[str | None, str], Fixed]:
    """Every flag whose value is fixed, by (key, sdk). Test settings configure only the tests; when a settings
    module loads values the code does not show (``vars().update(yaml.safe_load(...))``), no setting is fixed;
    nor is one the operators set (an Open edX use case that says so, or the project's documentation naming it:
    ``documented``, from :func:`flagaudit.documentation.documented_keys`), nor any setting of a project that serves
    no Django application of its own: a reusable app's settings modules run only its tests and development server,
    and the host that installs it sets the rest. Nor is any where example configuration is for a settings module
    the tree does not hold (``written``, from :func:`flagaudit.documentation.written_modules`): each deployment
    writes that module, so no value the committed ones set is the one that runs. Nor is one read only in packages the
    project publishes (``published``, from :func:`flagaudit.scan.discover.published_packages`): the projects that
    install them set it, and the repository's settings configure its harness and the packages' defaults."""
    assignments: dict[str, list[tuple[str, str, int]]] = {}
    modules: dict[str, tuple[set[str], list[str]]] = {}
    for file_facts in deployment.settings:
        names, extended = modules.setdefault(file_facts.symbols.module if file_facts.symbols else "", (set(), []))
        for name, value, line in file_facts.settings:
            if name == EXTENDS:
                extended.append(value)
                continue
            names.add(name)
            assignments.setdefault(name, []).append((file_facts.path, value, line))
    # a settings module loads values from outside the code (YAML, JSON, env), or from a module of its own package
    # that is not in the tree (a local settings module each deployment writes and git ignores)
    dynamic = DYNAMIC_SETTINGS in assignments or _kept_out(modules, deployment.modules) \
        or any(_EXAMPLE_MODULE.search(module) for module in modules) \
        or any(path not in deployment.paths and _is_settings(path, settings_paths) for path in written)
    fixed = {}
    for flag in flags:
        found = _declared(flag) or _deleted(flag)
        if (found is None and flag.sdk == SETTINGS_SDK and flag.key is not None and not dynamic and deployment.serves
                and not _operators_set(flag, documented or {}) and not _read_in(flag, published)):
            found = (_configured(flag.key, assignments[flag.key]) if _in_every_variant(flag.key, modules) else None) \
                if flag.key in assignments else (_default(flag) if deployment.settings else None)
        if found is not None:
            fixed[(flag.key, flag.sdk)] = found
    return fixed


_EXAMPLE_MODULE = re.compile(r"(?:^|[._])(?:examples?|samples?)(?:_[a-z]\w*)?$")
"""A settings module written for operators to copy (onadata's ``settings/production_example.py``, copied to a
``local_settings.py`` git ignores, which the installation guide says to write): each deployment runs its own copy,
so no value the committed modules set is the one that runs, as for :func:`_kept_out`."""


def _kept_out(modules: dict[str, tuple[set[str], list[str]]], known: frozenset[str]) -> bool:
    """Whether a settings module star-imports a module of its own top-level package that the tree does not hold:
    HSReplay.net's settings end in ``from hsreplaynet.local_settings import *``, a file every deployment must write
    (the import raises otherwise) and git ignores, so no value the committed modules set is the one that runs."""
    return any(base not in known and base.partition(".")[0] == module.partition(".")[0]
               for module, (_, extended) in modules.items() for base in extended)


def _read_in(flag: Flag, published: tuple[str, ...]) -> bool:
    """Whether every site of ``flag`` outside tests lies in one of the ``published`` folders."""
    folders = tuple(folder + "/" for folder in published)
    return bool(folders and flag.sites) and all(site.path.startswith(folders) for site in flag.sites)


def _in_every_variant(name: str, modules: dict[str, tuple[set[str], list[str]]]) -> bool:
    """Whether every settings module that extends another (``from .base import *``: a deployment's variant, as
    ``dev.py`` and ``deploy.py`` are) sets ``name``, itself or through the modules it extends. One that does not
    leaves the setting to the code's default there (DemocracyClub/yournextrepresentative sets
    ``ALWAYS_ALLOW_RESULT_RECORDING`` only in ``deploy.py``: off in development), so no one value is fixed."""
    def sets(module: str, seen: frozenset[str]) -> bool:
        names, extended = modules[module]
        return name in names or any(sets(base, seen | {base}) for base in extended
                                    if base in modules and base not in seen)

    return all(sets(module, frozenset({module})) for module, (_, extended) in modules.items()
               if any(base in modules for base in extended))


def may_serve(data: bytes) -> bool:
    """Whether a file's bytes spell what :func:`serves` looks for (a file that calls it names it)."""
    return any(name in data for name in _APPLICATION_NAMES)


_APPLICATION_NAMES = tuple(sorted(name.rpartition(".")[2].encode() for name in _APPLICATIONS))


def serves(file_facts: FileFacts) -> bool:
    """Whether the module builds a WSGI or ASGI application: a deployable project, not a library."""
    return any(not _APPLICATIONS.isdisjoint(function.targets) for function in file_facts.functions)


def deployment_settings(facts: Iterable[FileFacts], settings_paths: tuple[str, ...],
                        is_test: Callable[[str], bool]) -> list[FileFacts]:
    """The facts of the settings modules that configure a deployment (``settings-paths``; test settings configure
    only the tests)."""
    return [f for f in facts if is_deployment_settings(f.path, settings_paths, is_test)]


def is_deployment_settings(path: str, settings_paths: tuple[str, ...], is_test: Callable[[str], bool]) -> bool:
    """Whether the file at ``path`` is a settings module that configures a deployment."""
    return _is_settings(path, settings_paths) and not is_test(path)


def set_names(facts: Iterable[FileFacts], settings_paths: tuple[str, ...],
              is_test: Callable[[str], bool]) -> frozenset[str]:
    """The names those settings modules set, ``DYNAMIC_SETTINGS`` among them when one loads names the code does not
    show; empty where none is in sight."""
    return frozenset(name for f in deployment_settings(facts, settings_paths, is_test) for name, _, _ in f.settings
                     if name != EXTENDS)


def _is_settings(path: str, patterns: tuple[str, ...]) -> bool:
    """A settings module that configures a deployment (test settings configure only the tests)."""
    name = path.rsplit("/", 1)[-1]
    if name.startswith("test"):
        return False
    return glob_match(path, patterns) or glob_match(name, patterns)


def _declared(flag: Flag) -> Fixed | None:
    """``# flagaudit: constant=on|off``, or ``constant=true`` (with an optional ``value=on|off``)."""
    items = [(d.path, d.line, d.metadata) for d in flag.definitions]
    items += [(s.path, s.line, s.annotations) for s in flag.sites]
    for path, line, pairs in items:
        notes = dict(pairs)
        declared = notes.get("constant", "").lower()
        if not declared or declared in ("false", "no", "0"):
            continue
        value = True if declared == "on" else False if declared == "off" else _truth(notes.get("value", ""))
        where = f"{path}:{line}"
        return Fixed(value, f"declared constant at {where}", "declared",
                     (Evidence("note", f"# flagaudit: constant={notes['constant']}", where),))
    return None


def _operators_set(flag: Flag, documented: Mapping[str, str]) -> bool:
    """Whether the code or the documentation says each deployment's operators choose the flag's value."""
    if flag.key is not None and documented_where(flag.key, documented):
        return True
    notes = [*(d.metadata for d in flag.definitions), *(s.annotations for s in flag.sites)]
    return any(OPERATOR_USE_CASES.intersection(re.split(r"[\s,]+", dict(n).get("toggle_use_cases", "")))
               for n in notes)


def _deleted(flag: Flag) -> Fixed | None:
    deletions = [d for d in flag.definitions if d.action == "delete"]
    if not deletions:
        return None
    where = f"{deletions[-1].path}:{deletions[-1].line}"
    return Fixed(False, f"its row is deleted at {where}", "deleted",
                 tuple(Evidence("definition", f"{d.path}:{d.line}", "deletes the flag") for d in deletions))


def _configured(key: str, assignments: list[tuple[str, str, int]]) -> Fixed | None:
    values = {value for _, value, _ in assignments}
    if len(values) != 1 or not RUN_TIME.isdisjoint(values) or LITERAL_VALUE in values:
        return None  # set differently, read when the program runs in one of them, or no boolean
    (value,) = values
    evidence = tuple(Evidence("site", f"{path}:{line}", f"{key} = {value}")
                     for path, value, line in sorted(assignments))
    return Fixed(_truth(value), f"set to {value} in every settings module", "configured", evidence)


def _default(flag: Flag) -> Fixed | None:
    for definition in flag.definitions:
        default = dict(definition.metadata).get("default")
        if default in ("True", "False"):
            where = f"{definition.path}:{definition.line}"
            return Fixed(default == "True", f"never set in any settings module, so its default {default} "
                         f"({where}) always wins", "default",
                         (Evidence("definition", where, f"default={default}"),))
    return None


def _truth(text: str) -> bool | None:
    lowered = text.lower()
    return True if lowered in _ON else False if lowered in _OFF else None
