"""``flagaudit remove KEY --as on|off``: delete a dead flag and the code only it kept alive. Nothing here prints.

The scan says where every check of the key is (directly, through constants, flag objects, registries and
inferred wrappers), which statements define it, and the call graph which functions only its dead branch
reaches (dominators, :mod:`flagaudit.model.graph_analysis`). Every file is rewritten with libcst from the
bytes the scan read: checks folded to the chosen value and simplified, definitions and flag-only functions
deleted, imports left unused dropped; a data migration that created the key gets a migration deleting it.
Every rewritten Python file is parsed by libcst and ``ast`` and compiled before anything is written; if one
fails, nothing is written. A key that cannot be removed exactly (a dynamic key, a multivariate value, a check
inside an expression that cannot be simplified) is listed with file:line and left entirely alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatch, fnmatchcase
from pathlib import Path

import libcst as cst

from flagaudit.cleanup import Cleanup, Removal, RemoveOptions
from flagaudit.cleanup.fold import Check, Refused, fold, tidy_top
from flagaudit.cleanup.imports import drop_imports, unused_imports
from flagaudit.cleanup.migration import deleting_migration
from flagaudit.cleanup.overrides import drop_overrides, mentions_override
from flagaudit.cleanup.settings import drop_setting
from flagaudit.cleanup.templates import fold_template
from flagaudit.config import Config
from flagaudit.errors import FlagauditError
from flagaudit.extract.newer_syntax import parse_any
from flagaudit.facts import Flag, Site
from flagaudit.history.ledger import LEDGER_FILE, read_ledger, retire, write_ledger
from flagaudit.meaning import VALUE_MARK
from flagaudit.model.callgraph import CallGraph
from flagaudit.model.resolve import is_test_path
from flagaudit.safefiles import inside, read_text_inside, replace_file
from flagaudit.scan.project import Scanned, ScanOptions, scan_graphed
from flagaudit.sdk_rules import SETTINGS_SDK, CheckRule, RuleSet

_MIGRATIONS = re.compile(r"(^|/)migrations/")


def remove(config: Config, rules: RuleSet, options: RemoveOptions, scanned: Scanned | None = None) -> Cleanup:
    """Plan and rewrite the removal of ``options.keys``; writing it is :func:`write_cleanup`'s job.

    ``scanned`` is a scan of the project with its whole call graph (``scan_graphed(..., whole_graph=True)``)
    when the caller has one: the report plans every ready flag's removal on its own single scan."""
    if scanned is None:
        scanned = scan_graphed(config, rules, ScanOptions(use_cache=options.use_cache, workers=options.workers),
                               whole_graph=True)
    graph = scanned.graph
    if graph is None or graph.successors and not graph.nodes:  # a kept graph has edges only
        raise ValueError("remove() needs a scan with its whole call graph (whole_graph=True)")
    checks = {c.id: c for f in scanned.rules.files for c in f.checks}
    declaring: dict[str, list[str]] = defaultdict(list)
    for name, define in scanned.rules.declaring_dicts.items():
        declaring[define.id].append(name)
    texts: dict[str, str] = {}
    plans = []
    python2 = frozenset(scanned.inventory.python2)  # read respelled: libcst cannot rewrite their own text
    asked: dict[tuple[str, int, int], set[str]] = defaultdict(set)  # a check of each key of a loop or a lookup
    for flag in scanned.inventory.flags:
        for site in (*flag.sites, *flag.test_sites):
            asked[site.path, site.line, site.column].add(str(flag.key))
    for key in options.keys:
        flags = [f for f in scanned.inventory.flags if f.key == key and not f.pattern]
        plan = _plan(key, flags, options.value, checks, graph, config, texts, declaring)
        plan.refused.extend(f"{path}: written in Python 2, which the cleanup does not rewrite: remove the key "
                            "there by hand" for path in sorted(python2.intersection(
                                (*plan.checks, *plan.definitions, *plan.settings, *plan.declared))))
        plan.candidates = {name: path for name, path in plan.candidates.items() if path not in python2}
        plan.refused.extend(f"{site.path}:{site.line}: the check also asks about "
                            f"{', '.join(sorted(asked[site.path, site.line, site.column] - {key}))} (a loop or a "
                            "lookup over several keys): remove it by hand" for flag in flags
                            for site in (*flag.sites, *flag.test_sites)
                            if len(asked[site.path, site.line, site.column]) > 1)
        plan.refused.extend(f"{site.path}:{site.line}: a key built at run time ({flag.key}) may be this one: "
                            "remove that check by hand first" for flag in scanned.inventory.flags
                            if flag.pattern and flag.key and fnmatchcase(key, flag.key)
                            for site in (*flag.sites, *flag.test_sites))
        plans.append(plan)
    tests = {path: _read(config.root, path) for path in sorted(graph.sources)
             if path.endswith(".py") and is_test_path(path, config.test_paths) and path not in python2}
    _plan_overrides([p for p in plans if p.found], tests, texts)
    others = _Corpus(config.root, sorted(p for p in graph.sources if p.endswith(".py") and p not in texts))
    removals, files = _apply(plans, texts, config, others)
    return Cleanup(tuple(removals), files)


@dataclass
class _Plan:
    key: str
    value: bool
    checks: dict[str, list[Check]] = field(default_factory=lambda: defaultdict(list))
    templates: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    definitions: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    candidates: dict[str, str] = field(default_factory=dict)
    """Qualified name -> file of the functions, constants and flag objects that go once nothing mentions them."""
    migrations: list[tuple[str, str]] = field(default_factory=list)
    overrides: set[str] = field(default_factory=set)
    """Test files that pin the key with ``override_flag`` and friends."""
    settings: set[str] = field(default_factory=set)
    """Settings modules that set the key (a settings flag): its lines there go."""
    declared: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Settings modules -> the dicts there that declare the key (django-flags' ``FLAGS``): its entry goes."""
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    found: bool = False


def _plan(key: str, flags: list[Flag], value: bool, checks: dict[str, CheckRule], graph: CallGraph, config: Config,
          texts: dict[str, str], declaring: dict[str, list[str]]) -> _Plan:
    """Every edit removing ``key`` needs, decided from the scan; nothing is rewritten yet."""
    plan = _Plan(key, value, found=bool(flags))
    branches = []
    for flag in flags:
        for site in (*flag.sites, *flag.test_sites):
            _plan_site(plan, site, value, checks.get(site.rule))
            targets = site.only_off if value else site.only_on
            if targets:
                branches.append((site.function, targets))
            helpers = [h for h in site.via if h in graph.nodes and h not in graph.entries]
            constants = [p.value for p in site.key_ref.parts if p.kind == "sym" and _home(p.value, graph)]
            plan.candidates.update({h: graph.nodes[h][0] for h in helpers})
            plan.candidates.update({c: _home(c, graph) or "" for c in constants})
        _plan_definitions(plan, flag, config, declaring)
    if any(flag.sdk == SETTINGS_SDK for flag in flags):
        bare = key.split("'")[1] if "['" in key else key
        plan.settings = {path for path in graph.sources if _is_settings(path, config.settings_paths)
                         and re.search(rf"\b{re.escape(bare)}\b", texts.setdefault(path, _read(config.root, path)))}
    if branches:
        from flagaudit.model.graph_analysis import only_through

        plan.candidates.update({name: graph.nodes[name][0] for name in only_through(graph, branches)})
    for path in (*plan.checks, *plan.templates, *plan.definitions, *plan.declared, *plan.candidates.values()):
        if path not in texts:
            texts[path] = _read(config.root, path)
    return plan


def _plan_definitions(plan: _Plan, flag: Flag, config: Config, declaring: dict[str, list[str]]) -> None:
    """A constant or flag object goes once nothing mentions its name; a registry call or settings line (which
    binds no name) goes at once, and so does an entry of a dict that declares the flags (``declaring``: a rule's
    id -> the names of its dicts); a data-migration row gets a migration deleting it, unless one already does."""
    deleted = any(d.action == "delete" for d in flag.definitions)
    for definition in flag.definitions:
        if definition.rule in declaring and definition.key_ref.parts[0].kind != "lit":
            plan.refused.append(f"{definition.path}:{definition.line}: the key is declared through a constant "
                                f"({definition.key_ref.expression}): remove that entry by hand")
        elif definition.rule in declaring:
            plan.declared[definition.path].update(declaring[definition.rule])
        elif _MIGRATIONS.search(definition.path):
            if definition.action == "define" and not deleted:
                _plan_migration(plan, definition.path, flag, config)
        elif not definition.path.endswith(".py"):  # a data file's entry (osf.io's features.yaml): not code
            plan.notes.append(f"{definition.path}:{definition.line}: the flag's entry in a data file stays: "
                              "delete it by hand")
        elif definition.symbol:
            plan.candidates[definition.symbol] = definition.path
        else:
            plan.definitions[definition.path].add(definition.line)


def _is_settings(path: str, patterns: tuple[str, ...]) -> bool:
    """A settings module, test settings included: once the flag is gone, its value there means nothing."""
    return path.endswith(".py") and any(fnmatch(path, p) or fnmatch(path.rsplit("/", 1)[-1], p) for p in patterns)


def _plan_overrides(plans: list[_Plan], sources: dict[str, str], texts: dict[str, str]) -> None:
    """Test files pinning a key with ``override_flag``-style decorators or blocks."""
    for plan in plans:
        for path, text in sources.items():
            if mentions_override(text, plan.key):
                plan.overrides.add(path)
                texts.setdefault(path, text)


def _home(symbol: str, graph: CallGraph) -> str | None:
    """The file defining ``symbol`` (``app.flags.NEW_CHECKOUT``, ``app.flags.Feature.NAME``): its module's."""
    module = symbol
    while "." in module:
        module = module.rsplit(".", 1)[0]
        if module in graph.nodes and graph.nodes[module][1].kind == "module":
            return graph.nodes[module][0]
    return None


def _plan_site(plan: _Plan, site: Site, value: bool, rule: CheckRule | None) -> None:
    where = f"{site.path}:{site.line}"
    if site.precision == "text":
        if site.path.endswith((".js", ".ts", ".jsx", ".tsx")):
            plan.refused.append(f"{where}: a check in a script (wafflejs): remove it by hand")
        else:
            plan.templates[site.path].append((site.line, site.column))
        return
    if rule is not None and rule.mixins:
        plan.refused.append(f"{where}: a view class's flag mixin ({rule.id}): remove the mixin and the attribute "
                            "by hand")
        return
    if VALUE_MARK in site.fingerprint:
        plan.refused.append(f"{where}: reads a multivariate value, not on/off: choose what it returns by hand")
        return
    falsy = rule is not None and rule.on == "falsy"
    polarity = not falsy and not (site.guard == "decorator" and site.off and not site.on)  # "!name"
    plan.checks[site.path].append(Check(site.line, site.column, value == polarity, site.guard == "decorator"))


def _plan_migration(plan: _Plan, created_in: str, flag: Flag, config: Config) -> None:
    folder = config.root / Path(created_in).parent
    siblings = sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    migration = deleting_migration(created_in, plan.key, flag.sdk, siblings)
    if migration is None:
        plan.notes.append(f"{created_in}: created by a data migration this version cannot undo; delete the row")
    elif migration[0] not in {m for m, _ in plan.migrations}:
        plan.migrations.append(migration)


def _read(root: Path, path: str) -> str:
    try:
        return read_text_inside(root, root / path)
    except (OSError, UnicodeDecodeError) as exc:
        raise FlagauditError(f"cannot read {path}: {exc}") from None


class _Corpus:
    """The project's other Python files, read only when a deletion needs to know whether they mention a name
    (the call graph misses ``getattr`` strings and other dynamic uses; a mention keeps the name)."""

    def __init__(self, root: Path, paths: list[str]) -> None:
        self.root, self.paths = root, paths
        self._texts: dict[str, str] | None = None

    def texts(self) -> dict[str, str]:
        if self._texts is None:
            self._texts = {path: _read(self.root, path) for path in self.paths}
        return self._texts


def _apply(plans: list[_Plan], texts: dict[str, str], config: Config,
           others: _Corpus) -> tuple[list[Removal], dict[str, tuple[str | None, str]]]:
    """Rewrite every file once with every key that is safe to remove; a key refused anywhere changes nothing."""
    functions: dict[str, list[tuple[str, str]]] = {}
    while True:
        kept = [p for p in plans if p.found and not p.refused]
        try:
            new = _rewrite(kept, texts)
            break
        except Refused as exc:  # which key? each one alone in that file says
            _blame(kept, texts, exc)
    for _ in range(2):  # imports the folding left unused, then what deleting dead code left unused
        for path in new:
            if path.endswith(".py") and new[path] != texts[path]:
                try:
                    unused = unused_imports(texts[path], new[path])
                except SyntaxError as exc:
                    raise FlagauditError(f"the cleanup of {path} would not parse ({exc}); nothing was written") \
                        from None
                new[path] = drop_imports(new[path], unused)
        functions = _delete_dead(kept, new, others, functions if _ else {})
    files: dict[str, tuple[str | None, str]] = {p: (texts[p], new[p]) for p in new if new[p] != texts[p]}
    for plan in kept:
        for path, text in plan.migrations:
            files[path] = (None, text)
    for path, (_, text) in files.items():
        if path.endswith(".py"):
            _verify(path, text)
    return _removals(plans, kept, functions, files), files


def _removals(plans: list[_Plan], kept: list[_Plan], functions: dict[str, list[tuple[str, str]]],
              files: dict[str, tuple[str | None, str]]) -> list[Removal]:
    removals = []
    for plan in plans:
        planned = {*plan.checks, *plan.templates, *plan.definitions, *plan.overrides, *plan.settings, *plan.declared,
                   *(p for p, _ in functions.get(plan.key, ())), *(m for m, _ in plan.migrations)}
        touched = tuple(sorted(p for p in planned if p in files))  # what its edits really changed
        notes = tuple(plan.notes) if plan.found else (f"no flag with key {plan.key!r} in the code: nothing to remove",)
        removals.append(Removal(plan.key, plan in kept, touched if plan in kept else (),
                                tuple(sorted(n for _, n in functions.get(plan.key, ()))), tuple(plan.refused), notes))
    return removals


def _rewrite(plans: list[_Plan], texts: dict[str, str]) -> dict[str, str]:
    """Each file rewritten once from the bytes the scan read, with every key's edits in it (positions are the
    scan's, so two keys in one file must go in one pass)."""
    new = dict(texts)
    paths = sorted({p for plan in plans for p in (*plan.checks, *plan.definitions, *plan.templates)})
    for path in paths:
        try:
            if path.endswith(".py"):
                new[path] = fold(texts[path], [c for plan in plans for c in plan.checks.get(path, ())],
                                 {line for plan in plans for line in plan.definitions.get(path, ())})
            else:  # one --as for the whole batch
                new[path] = fold_template(texts[path], [o for plan in plans for o in plan.templates.get(path, ())],
                                          plans[0].value)
        except Refused as exc:  # name the file it came from
            raise Refused(exc.line, exc.reason, path) from None
    for plan in plans:
        for path in sorted(plan.overrides):
            new[path] = drop_overrides(new[path], plan.key, plan.value)
        for path in sorted(plan.settings):
            new[path] = drop_setting(new[path], plan.key)
        for path, names in sorted(plan.declared.items()):
            for name in sorted(names):
                new[path] = drop_setting(new[path], f"{name}['{plan.key}']")
    return new


def _blame(plans: list[_Plan], texts: dict[str, str], refused: Refused) -> None:
    """Mark the keys whose own edits in ``refused.path`` cannot be made; at least one always is."""
    blamed = False
    for plan in plans:
        if refused.path not in (*plan.checks, *plan.templates, *plan.definitions):
            continue
        try:
            _rewrite([plan], texts)
        except Refused as exc:
            plan.refused.append(f"{exc.path}:{exc.line}: {exc.reason}" if exc.line else f"{exc.path}: {exc.reason}")
            blamed = True
    if not blamed:
        raise FlagauditError(f"cannot clean up {refused.path}: {refused.reason}")


def _delete_dead(plans: list[_Plan], texts: dict[str, str], others: _Corpus,
                 dead: dict[str, list[tuple[str, str]]]) -> dict[str, list[tuple[str, str]]]:
    """Delete, per key, the candidate functions, constants and flag objects nothing mentions any more, until
    none is left to delete (a helper only a deleted function called goes in the next round); ``dead`` holds
    what earlier calls deleted, and the result adds to it."""
    gone = {name for names in dead.values() for _, name in names}
    remaining = {name: (plan.key, path) for plan in plans for name, path in plan.candidates.items()
                 if name not in gone}
    dead = {key: list(names) for key, names in dead.items()}
    while True:
        going = [(name, key, path) for name, (key, path) in sorted(remaining.items())
                 if not _mentioned(name.rsplit(".", 1)[-1], texts, path)
                 and not _mentioned(name.rsplit(".", 1)[-1], others.texts(), path)]
        if not going:
            return dead
        for path in sorted({path for _, _, path in going}):  # one parse per file and round
            texts[path] = _delete_functions(texts[path], [name for name, _, where in going if where == path])
        for name, key, path in going:
            dead.setdefault(key, []).append((path, name))
            del remaining[name]


def _mentioned(bare: str, texts: dict[str, str], own: str) -> bool:
    """Whether ``bare`` appears in a Python file other than as its own definition's name. In a file that
    defines a name of its own with that spelling (a private helper of the same name in another module), only
    an attribute (``module.name``) can mean ours."""
    mention = re.compile(rf"(\.\s*)?\b{re.escape(bare)}\b")
    defines = re.compile(rf"^(?:(?:async\s+)?def|class)\s+{re.escape(bare)}\b|^{re.escape(bare)}\s*[:=]", re.M)
    for path, text in texts.items():
        if not path.endswith(".py") or bare not in text:
            continue
        found = [m.group(1) is not None for m in mention.finditer(text)]
        if path == own:
            if len(found) > 1:
                return True
        elif any(found) if defines.search(text) else found:
            return True
    return False


def _delete_functions(source: str, names: list[str]) -> str:
    wanted = {tuple(n.split(".")[-2:]) for n in names} | {(n.rsplit(".", 1)[-1],) for n in names}
    return cst.parse_module(source).visit(_DeleteNamed(wanted)).code


class _DeleteNamed(cst.CSTTransformer):
    """Functions and classes by name (``(name,)``, or ``(class, method)`` inside that class)."""

    def __init__(self, names: set[tuple[str, ...]]) -> None:
        self.names = names
        self.scope: list[str] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scope.append(node.name.value)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef | cst.RemovalSentinel:
        self.scope.pop()
        return self._keep(original.name.value, updated)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # nested functions go with their parent

    def leave_FunctionDef(self, original: cst.FunctionDef,
                          updated: cst.FunctionDef) -> cst.FunctionDef | cst.RemovalSentinel:
        return self._keep(original.name.value, updated)

    def _keep(self, name, node):  # type: ignore[no-untyped-def]
        inside = (self.scope[-1], name) if self.scope else (name,)
        return cst.RemovalSentinel.REMOVE if inside in self.names else node

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        """``NAME = ...`` (a constant or flag object) goes with the comment block above it."""
        names = [_assigned(s) for s in updated.body]
        if names and all(n is not None and self._keep(n, None) is cst.RemovalSentinel.REMOVE for n in names):
            return cst.RemovalSentinel.REMOVE
        return updated

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        return updated if updated.body else updated.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return tidy_top(original, updated)


def _assigned(statement: cst.BaseSmallStatement) -> str | None:
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
        target = statement.targets[0].target
        return target.value if isinstance(target, cst.Name) else None
    if isinstance(statement, cst.AnnAssign) and isinstance(statement.target, cst.Name):
        return statement.target.value
    return None


def _verify(path: str, text: str) -> None:
    """libcst and ``ast`` parse it and it compiles, or nothing is written."""
    try:
        cst.parse_module(text)
        compile(parse_any(text, path), path, "exec")
    except (SyntaxError, ValueError, cst.ParserSyntaxError) as exc:
        raise FlagauditError(f"the cleanup of {path} would not parse ({exc}); nothing was written") from None


def write_removal(root: Path, cleanup: Cleanup, as_of: date) -> tuple[str, ...]:
    """``--write``: the rewritten files, and each removed key recorded as retired ``as_of`` in flagaudit.lock
    (when there is one); a note for each removed key the ledger does not know."""
    write_cleanup(root, cleanup)
    ledger = read_ledger(root / LEDGER_FILE)
    if ledger is None:
        return ()
    notes = []
    for removal in cleanup.removals:
        if removal.removed:
            ledger, known = retire(ledger, removal.key, as_of)
            if not known:
                notes.append(f"{removal.key!r} is not in {LEDGER_FILE}: run `flagaudit ledger`")
    write_ledger(root / LEDGER_FILE, ledger)
    return tuple(notes)


def write_cleanup(root: Path, cleanup: Cleanup) -> None:
    """Write every rewritten file: each replaced at once (a new file renamed over it, so a committed link
    is replaced, never written through); none if a folder to write in leads out of the project."""
    for path in sorted(cleanup.files):
        if not inside(root, (root / path).parent):
            raise FlagauditError(f"not writing {path}: its folder is a symbolic link out of the project; "
                                 "nothing was written")
    for path, (_, text) in sorted(cleanup.files.items()):
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(target, text.encode("utf-8"))
