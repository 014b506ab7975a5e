"""Plain data that flows from extraction to the model and the outputs.

This module is the leaf of the package: it imports nothing from flagaudit, so
every other module can depend on it. The facts pickle cheaply across worker
processes, and the cache rebuilds them from plain data by filling ``__dict__``.
(No ``slots``: a slotted dataclass unpickles through Python-level
``__setstate__`` and is rebuilt through ``__init__``, several times slower.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]
"""A finding's weight: an ``error`` blocks the gate (exit 1), a ``warning`` or ``info`` is reported."""

GuardKind = Literal["value", "if", "while", "early-return", "ternary", "and", "or", "return", "decorator", "assign",
                    "template"]
"""The construct that branches on a check (``value``: none; its value flows on; ``template``: a text rule)."""
SiteGuard = Literal[GuardKind, "assign+value", "assign+if", "assign+while", "assign+early-return", "assign+ternary",
                "assign+and", "assign+or", "assign+return"]
"""A site's guard: a :data:`GuardKind`, or ``assign+KIND`` for a check assigned to a local the ``KIND`` tests."""
Precision = Literal["syntax", "text"]
"""How a site was found: from the syntax tree, or by a text rule's regular expression (templates, JavaScript)."""
EventKind = Literal["born", "changed", "moved", "retired", "reborn"]
ChangeStatus = Literal["added", "changed", "retired", "reborn"]
Action = Literal["define", "delete", "rollback-define", "rollback-delete", "annotate"]
"""What a definition does; ``rollback-`` when only a migration's rollback does it; ``annotate``: an annotation
block above a key constant documents the flag (no definition of its own)."""

Span = tuple[int, int]
"""An inclusive range of 1-based line numbers."""


@dataclass(frozen=True, order=True)
class KeyPart:
    """One piece of a key expression, as far as one file can tell.

    kind is ``lit`` (a string literal), ``sym`` (a qualified name to look up
    across modules: a constant, class attribute, enum member), ``obj`` (a flag
    object whose definition holds the key), ``param`` (a parameter of the
    enclosing function, for wrappers), ``item`` (an item of such a parameter, in a loop
    or comprehension over it, also in a function nested in that one), ``fmt`` (``TEMPLATE.format(...)``: the
    constant named here with its fields unknown), ``case`` (``NAMESPACE.upper()``: ``upper:`` or ``lower:`` and
    the qualified name of the constant cased), ``call`` (in the symbol
    table only: the name was assigned the result of calling this qualified
    name), ``any`` (the key column of every row of the flag model of the SDK
    named here: every key), ``alt`` (in the symbol table only: one of the values of a dict of texts, kept under
    its name and ``[]``, any of which a lookup in it may give) or ``unk``.
    """

    kind: str
    value: str


@dataclass(frozen=True)
class KeyRef:
    """A key as written at a site: the parts concatenate to the key."""

    parts: tuple[KeyPart, ...]
    expression: str
    template: str = "{}"
    """How parts combine into the key, e.g. ``{}['{}']`` for settings dicts."""


@dataclass(frozen=True)
class ReceiverProof:
    """A generic method called on a project object: the model must trace the object to the SDK.

    ``symbol`` is the receiver's qualified name; the site stands if the
    symbol was made by one of ``modules`` (``client = UnleashClient(...)``),
    or, when its origin is unknown, if the module imports the SDK.
    """

    symbol: str
    modules: tuple[str, ...]
    imported: bool


@dataclass(frozen=True)
class Site:
    """A place where code asks for a flag's value."""

    path: str
    line: int
    column: int
    function: str
    rule: str
    sdk: str
    key_ref: KeyRef
    guard: SiteGuard
    on: tuple[Span, ...] = ()
    off: tuple[Span, ...] = ()
    fingerprint: tuple[str, ...] = ()
    precision: Precision = "syntax"
    annotations: tuple[tuple[str, str], ...] = ()
    only_on: tuple[str, ...] = ()
    """Targets the enclosing function uses only inside the on-region: what dies with that branch."""
    only_off: tuple[str, ...] = ()
    via: tuple[str, ...] = ()
    """Wrappers and predicates between this call and the SDK check, nearest first."""
    proof: ReceiverProof | None = None
    when: tuple[str, ...] = ()
    """(parameter, value): the check is made only when that parameter (of the function or one it is nested in)
    holds that string, the key of a table of checks (``{"switch": switch_is_active, ...}[kind]``)."""
    guards: tuple[str, ...] = ()
    """(parameter, ``on`` or ``off``): the callable parameter of a function this one is or is returned by runs
    only on that side of the check, and that function returns the guarded callable (``def wrapper(fn): return
    guarded(fn, name)``, or a closure returned by its function that calls ``fn`` in one branch of the check)."""
    compared: tuple[str, ...] = ()
    """(parameter, its default written out, or empty): for :attr:`guards`, the check's answer is compared with that
    parameter of the function that is given the key (TreyWW/MyFinances' ``@feature_flag_check("x", True)`` runs the
    view ``if feat_status == status``); the side given is the one while the parameter holds ``True``."""


@dataclass(frozen=True)
class Definition:
    """A place where a flag is declared, created or deleted."""

    path: str
    line: int
    column: int
    rule: str
    sdk: str
    key_ref: KeyRef
    action: Action = "define"
    symbol: str | None = None
    """Qualified name the flag object or constant is bound to, if any."""
    metadata: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ModuleSymbols:
    """What other modules need from this one to resolve keys."""

    module: str
    constants: tuple[tuple[str, tuple[KeyPart, ...]], ...] = ()
    """Qualified name -> the parts of its value: module constants, class attributes and enum
    members, and imports and ``X = other.Y`` as a single ``sym`` part pointing elsewhere."""
    notes: tuple[tuple[str, int, tuple[tuple[str, str], ...]], ...] = ()
    """Key constants with annotations above them (``# .. toggle_name: ...``), or a data file's entries with fields
    besides the name and the key (``note: ...``): qualified name, line, annotations."""
    toggles: tuple[tuple[str, int, tuple[tuple[str, str], ...]], ...] = ()
    """Open edX annotation blocks by the key their ``toggle_name`` names: name, the line below, annotations."""


@dataclass(frozen=True)
class Function:
    """A node of the call graph: a module, class, function or method, and what it uses."""

    name: str
    kind: str
    """``module``, ``class``, ``function`` or ``method``."""
    line: int
    end: int
    decorators: tuple[str, ...] = ()
    bases: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    """Qualified names it calls or references; ``.name`` for an attribute of an unknown object."""
    params: tuple[str, ...] = ()
    """Positional parameter names, ``self`` included: wrappers are called by position."""


DYNAMIC_SETTINGS = "<dynamic>"
"""The name under which a module that loads its settings from outside the code (YAML, JSON) records that."""
EXTENDS = "<extends>"
"""The name under which a module records each module it star-imports (``from .base import *``), as its value: a
settings module that extends another has what that one sets."""
RUN_TIME_VALUE = "<run time>"
"""The value of a setting the code reads when it runs (``X = env.str("X")``): no literal fixes it."""
RUN_TIME_BOOL = "<run time bool>"
"""The value of a setting read when the program runs as a boolean (``X = env.bool("X", default=True)``,
``os.environ.get("X") == "True"``): a deployment's switch, whatever its name."""
RUN_TIME = frozenset({RUN_TIME_VALUE, RUN_TIME_BOOL})
LITERAL_VALUE = "<literal>"
"""The value of an upper-case setting a settings module assigns a literal that is no boolean: a text, a number other
than 0 and 1, a list, tuple, set or dict (``DATASET_CHANGELOG_PAGE_FLAG = "DATASET_CHANGELOG_PAGE"``, the name of a
waffle flag; ``AWX_ISOLATION_SHOW_PATHS = []``): a value, whatever its name says."""


@dataclass(frozen=True)
class FileFacts:
    """Everything one file contributes; ``skipped`` says why it contributes nothing."""

    path: str
    symbols: ModuleSymbols | None = None
    sites: tuple[Site, ...] = ()
    definitions: tuple[Definition, ...] = ()
    skipped: str | None = None
    lines: int = 0
    """Lines of Python analysed (0 for other files and skipped ones)."""
    functions: tuple[Function, ...] = ()
    exports: tuple[str, ...] = ()
    """Names in the module's ``__all__``."""
    deferred: tuple[str, ...] = ()
    """Receivers of generic method calls made in other modules: analysed again if traced to an SDK."""
    settings: tuple[tuple[str, str, int], ...] = ()
    """Boolean values assigned at top level: (``X`` or ``FEATURES['X']``, ``True``/``False``/``None``, line), or
    :data:`RUN_TIME_VALUE` (:data:`RUN_TIME_BOOL` for a boolean) for an upper-case name, or a settings dict's entry,
    assigned what a call returns; in a settings module, :data:`LITERAL_VALUE` for one assigned another literal;
    ``(DYNAMIC_SETTINGS, "", line)`` where the module sets names the code does not show (``vars().update(...)``);
    ``(EXTENDS, module, line)`` for each module it star-imports."""
    registry_calls: tuple[tuple[str, str, int], ...] = ()
    """``project.has_feature(Feature.X)``: (method, qualified class, 0) for calls of a flag-like method (``has_*``,
    ``is_*_enabled``, ``*feature*``) with a class attribute as the first argument; ``is_feature_flag_active(CODE)``:
    (qualified function, qualified constant, 0) for calls of a flag-like function with an upper-case name; (method
    or qualified function, "", the key's position) for one given a string or a template tag's parameter; for
    registry inference."""
    context_dicts: tuple[tuple[str, str], ...] = ()
    """``{"ENABLED_FEATURES": {f.name: f.is_enabled() for f in Feature.objects.all()}}`` returned by a context
    processor: (the name the templates are given, the family of its flags), for each such dict of flags by key; the
    family is a module function's name and ``()`` where the processor gives what that function returns, and a pair
    (that name and ``()``, the family) tells what dict of flags a function of this module returns (see
    ``extract/context_dicts.py``)."""
    boolean_fields: tuple[tuple[str, str, str], ...] = ()
    """The fields annotated ``bool`` of its module-level classes that have a base, with the environment name
    ``Field(alias=...)`` gives each, and each such class's ``env_prefix`` (see ``extract/typed_settings.py``): for
    the inference of a project's typed settings."""
    respelled: str = ""
    """How a file ``ast`` rejects was read: ``"newer"``, written for a newer Python than the one running, read by
    libcst and respelled (extract/newer_syntax.py); ``"python2"``, respelled from Python 2 (extract/python2.py)."""
    unparsed_names: tuple[str, ...] = ()
    """The identifiers a Python file that could not be parsed spells (Python 2 code, a syntax error): its calls are
    unknown, so nothing it names is taken for unreachable."""
    shape: str = ""
    """Digest of what the call graph takes from this file besides call targets (definitions, bases,
    decorators, imports, exports): what a file's change can alter beyond its own nodes' edges in the last
    run's graph, which the next run builds upon."""


@dataclass(frozen=True)
class Skipped:
    """A path that was not analysed, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class Flag:
    """One key of one flag system with everything known about it."""

    key: str | None
    sdk: str
    pattern: bool = False
    definitions: tuple[Definition, ...] = ()
    sites: tuple[Site, ...] = ()
    test_sites: tuple[Site, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """One fact a reviewer can check: a commit, a date, a call path, what a branch guards."""

    kind: str
    """``commit``, ``date``, ``site``, ``definition``, ``call-path``, ``guards``, ``owner`` or ``note``."""
    value: str
    detail: str = ""


@dataclass(frozen=True)
class Finding:
    """A problem with one flag at one place, with the evidence that shows it."""

    code: str
    name: str
    severity: Severity
    flag: str | None
    sdk: str | None
    path: str
    line: int
    column: int
    message: str
    evidence: tuple[Evidence, ...] = ()
    baseline: bool = False
    """About an event at or before flagaudit.lock's adoption baseline: reported apart, never blocking."""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.flag or "")


@dataclass(frozen=True)
class FlagChange:
    """A flag a change since ``--base`` touched, and how: one row of a pull request's summary."""

    key: str
    sdk: str
    status: ChangeStatus
    """``added`` (not live at the base), ``changed``, ``retired`` (gone now) or ``reborn`` (back after retirement)."""
    locations: tuple[str, ...] = ()
    """``path:line`` of its sites, then its definitions, in the working tree; none once retired."""
    paths: tuple[str, ...] = ()
    """Files whose sites or definitions of the key the change's commits touched, sorted."""
    commits: tuple[str, ...] = ()
    """The change's commits that touched the key, oldest first; none if only the working tree differs."""


@dataclass(frozen=True)
class Inventory:
    """What a scan, the gate or a comparison found: the flags with their sites and definitions, the findings,
    what was skipped and the notes for the user; with ``--base``, the flags the change touched."""

    root: str
    flags: tuple[Flag, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    files: int = 0
    lines: int = 0
    analysed: int = 0
    """Files analysed afresh this run; the rest came from the cache."""
    findings: tuple[Finding, ...] = ()
    entry_points: tuple[tuple[str, str], ...] = ()
    """(qualified name, why it is an entry point)."""
    notes: tuple[str, ...] = field(default=())
    base: str | None = None
    """The ``--base`` ref ``changes`` are relative to; ``None`` without ``--base``."""
    changes: tuple[FlagChange, ...] = ()
    """The flags changed since ``base``, by key."""
    newer_syntax: tuple[str, ...] = ()
    """Files written for a newer Python than the one running, read through libcst (``-v`` lists them)."""
    python2: tuple[str, ...] = ()
    """Files written in Python 2, read respelled as Python 3 (``-v`` lists them)."""
    focus: tuple[Finding, ...] | None = None
    """With ``base``: the findings of the change (on a line it touches, or about a flag it touched), which
    alone can block and which annotations carry; ``None`` without ``base``."""
    fail_on: tuple[str, ...] = ("error",)
    """Severities (and above) and finding codes or prefixes that fail the run (``--fail-on``)."""
    baseline: tuple[Finding, ...] = ()
    """Findings about events before the adoption baseline in flagaudit.lock: shown on request, never blocking."""


@dataclass(frozen=True)
class Event:
    """One step in a key's life, from git history (or from flagaudit.lock where history does not reach)."""

    kind: EventKind
    """``born``, ``changed`` (sites added or removed, or a fingerprint changed), ``moved`` (only its files
    were renamed), ``retired`` (no site and no definition left) or ``reborn`` (back after retirement)."""
    commit: str
    """Full hash; empty for a change flagaudit.lock recorded before it was committed."""
    date: str
    """Committer date, ISO 8601 (``YYYY-MM-DD`` alone when it comes from flagaudit.lock)."""
    author: str = ""
    subject: str = ""
    paths: tuple[str, ...] = ()
    """Files whose sites or definitions took part; for ``moved``, pairs of old and new path."""
    added: tuple[str, ...] = ()
    """Meanings of the sites added: ``function: name name ...``, the enclosing function and the fingerprint."""
    removed: tuple[str, ...] = ()
    source: str = "git"
    """``git``, or ``ledger`` for an event taken from flagaudit.lock."""
    named: tuple[str, ...] = ()
    """For a setting ``retired``, and before it is ``reborn``: modules that still named it where no check of it is
    read (its reads went where flagaudit does not follow them)."""


LIFE_STARTS = ("born", "reborn")
SITE_CHANGES = ("born", "reborn", "changed")


@dataclass(frozen=True)
class Timeline:
    """A key's events, oldest first."""

    key: str
    sdk: str
    events: tuple[Event, ...] = ()

    @property
    def live(self) -> bool:
        """Whether the key has a site or definition at the last commit read."""
        lives = [e for e in self.events if e.kind in LIFE_STARTS or e.kind == "retired"]
        return bool(lives) and lives[-1].kind != "retired"

    @property
    def born(self) -> Event | None:
        """The event that began the key's current (or last) life."""
        return next((e for e in reversed(self.events) if e.kind in LIFE_STARTS), None)

    @property
    def last_change(self) -> Event | None:
        """The last event that added, removed or changed a site."""
        return next((e for e in reversed(self.events) if e.kind in SITE_CHANGES), None)


def lives_by_key(stories: dict[tuple[str, str], Timeline]) -> dict[str, list[Timeline]]:
    """Each key's timelines, one per SDK it was checked through, by SDK name."""
    by_key: dict[str, list[Timeline]] = {}
    for (_, key), told in sorted(stories.items()):
        by_key.setdefault(key, []).append(told)
    return by_key


def sdk_moves(timelines: Iterable[Timeline]) -> frozenset[tuple[str, str]]:
    """The (key, commit) pairs where a key moved to another SDK: the commit retires its last check through one and
    makes its first through another (see :func:`first_life`). Such a commit neither retires nor begins a flag."""
    told = list(timelines)
    retired = {(t.key, e.commit) for t in told for e in t.events if e.kind == "retired" and e.commit}
    return frozenset((t.key, e.commit) for t in told for e in t.events
                     if e.kind in LIFE_STARTS and (t.key, e.commit) in retired)


def first_life(story: Timeline | None, by_key: dict[str, list[Timeline]]) -> tuple[Event | None, list[Evidence]]:
    """The event that began the flag's life, and the moves between SDKs since, oldest first. A commit that
    retires a key's last check through one SDK and makes its first through another moves the same flag (to
    OpenFeature over the same provider, or from one vendor to the next): the flag is as old as its first life. A
    story whose key is retired now began no life that counts."""
    if story is not None and not story.live:
        story = None
    born = story.born if story else None
    moves: list[Evidence] = []
    done = [story]
    while story is not None and born is not None and born.commit:
        commit = born.commit
        before = next((t for t in by_key.get(story.key, ()) if all(t is not d for d in done)
                       and any(e.kind == "retired" and e.commit == commit for e in t.events)), None)
        if before is None:
            break
        done.append(before)
        moves.append(Evidence("commit", commit, f"moved from {before.sdk}: {born.subject} ({born.author})"))
        born = next((e for e in reversed(before.events) if e.kind in LIFE_STARTS and e.date <= born.date), None)
    return born, moves[::-1]
