"""The library API: what the command line and other tools call. Nothing here prints."""

from __future__ import annotations

import errno
import functools
import gc
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from operator import methodcaller
from pathlib import Path
from typing import TYPE_CHECKING

from flagaudit.checks import CheckInput
from flagaudit.checks.nearest import Suggestions
from flagaudit.checks.reachability import counts_lines_of
from flagaudit.checks.run import run_checks
from flagaudit.checks.suppression import finish
from flagaudit.config import Config, load_config
from flagaudit.documentation import documented_keys
from flagaudit.extract.data_loaders import Loader, find_loaders
from flagaudit.extract.symbols import DJANGO_SETTINGS
from flagaudit.facts import LITERAL_VALUE, FileFacts, Finding, Flag, Function, Inventory, Site, Skipped
from flagaudit.model.boolean_settings import infer_boolean_settings, infer_flag_dicts
from flagaudit.model.callgraph import CallGraph, DefinedNodes, Unread, build_graph, relinked
from flagaudit.model.constancy import Deployment, fixed_flags, is_deployment_settings, may_serve
from flagaudit.model.context_dicts import infer_context_dicts
from flagaudit.model.definers import infer_definers
from flagaudit.model.inherited import inherited_models, model_calls
from flagaudit.model.registries import ONE_ROW, infer_registries
from flagaudit.model.resolve import build_flags, is_test_path, traced_receivers
from flagaudit.model.setting_objects import infer_setting_objects
from flagaudit.model.typed_settings import infer_typed_settings
from flagaudit.model.wrappers import infer_rules, reads_site, wrapper_functions
from flagaudit.safefiles import read_inside
from flagaudit.scan.cache import FACTS_VERSION, FactCache, build_digest, content_key
from flagaudit.scan.coverage import unread_flags, unread_sdks
from flagaudit.scan.data_files import DATA_GLOBS, loaded_data
from flagaudit.scan.discover import SourceFile, discover, published_packages, wanted
from flagaudit.scan.line_moves import Move, find_move, functions_resized, moved_result, same_but_positions
from flagaudit.sdk_rules import (
    DJANGO_TEMPLATES,
    CheckRule,
    DefineRule,
    Inferred,
    RuleSet,
    SettingRule,
    load_rules,
    text_file,
    with_inferred,
)

if TYPE_CHECKING:
    from flagaudit.output.progress import Progress


@dataclass(frozen=True)
class ScanOptions:
    """How to run a scan."""

    config_file: str | None = None
    use_cache: bool = True
    workers: int | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    progress: Progress | None = None
    """Told how many of the files to analyse are done."""


STAGE = "scanning the code"


def scan(paths: tuple[str, ...] = (), options: ScanOptions = ScanOptions()) -> Inventory:
    """Inventory every flag under ``paths``: sites, definitions, and what was skipped."""
    config = load_config(paths, options.config_file)
    rules = load_rules(config.rules, config.settings_dicts)
    return scan_with(config, rules, options)


_MAX_INFERENCE_PASSES = 8
"""Wrapper chains deeper than this are not followed (each pass follows one more level)."""


@dataclass(frozen=True)
class Source:
    """A file's bytes as read for this run, with its module name and content key."""

    path: str
    module: str
    data: bytes
    key: str


def scan_with(config: Config, rules: RuleSet, options: ScanOptions, inputs: Inputs | None = None) -> Inventory:
    """:func:`scan` for an already loaded configuration and rule set (and ``inputs``, if already read): the
    findings that need no history, with suppressions and ``select``/``ignore`` applied."""
    inventory = scan_graphed(config, rules, options, with_graph=False, inputs=inputs).inventory
    return replace(inventory, findings=finish(inventory.findings, inventory.flags, options.select, options.ignore))


@dataclass(frozen=True)
class Scanned:
    """A scan's inventory (its findings not yet filtered by suppressions), the rules extended with the project's
    own flag helpers and data files (which history must read with, to see what the scan sees), and its call
    graph."""

    inventory: Inventory
    rules: RuleSet
    graph: CallGraph | None
    """Always there when asked for; otherwise only if it was built (a reused whole result does not load it)."""
    documented: Mapping[str, str]
    """The names the project's documentation mentions, as the scan read them (the lifecycle policies use them)."""


@dataclass(frozen=True)
class Inputs:
    """What a scan's result depends on, read once, with the digest of it all and the cache it is kept in."""

    sources: list[Source]
    skipped: list[Skipped]
    listed: int
    documented: Mapping[str, str]
    digest: str
    frame: str
    """The digest of what the result depends on besides the files' content: what a kept result made from other
    contents is still the result for, if those contents changed no fact."""
    cache: FactCache
    published: tuple[str, ...]
    """The folders of the packages the project publishes for others (:func:`published_packages`)."""
    rules: RuleSet
    """The rules the scan runs with: the given ones, and a ``[[data]]`` rule for each data file a module was
    found to bind its globals from."""


def scan_inputs(config: Config, rules: RuleSet, options: ScanOptions) -> Inputs:
    """Read what a scan depends on, which is all a run whose output is kept needs."""
    cache_dir = (config.cache_dir or config.root / ".flagaudit_cache") if options.use_cache else None
    sources, skipped, listed, data_files, distributions = read_sources(config, rules, cache_dir)
    cache = FactCache(cache_dir, config.root)
    sources, skipped, listed, rules = _with_loaded_data(config, rules, sources, skipped, listed, data_files, cache)
    documented = documented_keys(config.root)
    published = published_packages([s.path for s in sources], distributions)
    frame = _frame_digest(config, rules, skipped, listed, documented, published)
    return Inputs(sources, skipped, listed, documented, _inputs_digest(frame, (s.key for s in sources)), frame,
                  cache, published, rules)


def scan_graphed(config: Config, rules: RuleSet, options: ScanOptions, with_graph: bool = True,
                 whole_graph: bool = False, inputs: Inputs | None = None) -> Scanned:
    """The scan with the rules it inferred, and the call graph, which the meaning gate follows from a new branch
    to the code an old one guarded. The last run's kept graph has edges only; ``whole_graph`` asks for one with
    its nodes' definitions and reachability too (``flagaudit graph``), built upon the kept one. ``inputs``: as
    :func:`scan_inputs` read them, if the caller did."""
    inputs = inputs or scan_inputs(config, rules, options)
    sources, skipped, listed, documented, digest, cache = (inputs.sources, inputs.skipped, inputs.listed,
                                                           inputs.documented, inputs.digest, inputs.cache)
    rules = inputs.rules
    notes: list[str] = []
    result = cache.memo("inventory", digest, _Result)
    made = cache.memo("made", inputs.frame, _Made) if result is None else None
    if made is not None and made.sources.keys() != {s.path for s in sources}:
        made = None  # files were added or removed: neither the last result nor its steps can be taken
    graph = None
    if result is None and made and not whole_graph and (result := _same_facts(inputs, made, config, options)):
        _keep(inputs, result, cache.memo("passes", _made_digest(inputs, made), dict[str, int]))  # the same choices
    elif result is None and made and not whole_graph and (called := _same_but_calls(inputs, made, config, options)):
        (result, graph), passes = called, cache.memo("passes", _made_digest(inputs, made), dict[str, int])
        _keep(inputs, result, passes)
    if result and with_graph and not whole_graph and graph is None:
        graph = _kept_graph(inputs, config, options, result)
    if result is None or (with_graph and graph is None):
        kept = None if made is None else _kept_steps(cache, _made_digest(inputs, made))
        replay = None if made is None or kept is None else _Replay(
            made, kept, cache.memo("passes", _made_digest(inputs, made), dict[str, int]), sources, rules, config, cache)
        result, graph, passes = _inventory(sources, skipped, listed, rules, config, cache, options, documented,
                                           inputs.published, replay)
        _keep(inputs, result, passes)
    inventory, steps = result
    inferred = (*steps[-1].defines, *steps[-1].checks) if steps else ()
    warning = cache.save()
    notes.extend(w for w in (cache.warning, warning) if w)
    inventory = replace(inventory, analysed=cache.added, notes=(*notes, *inventory.notes))
    return Scanned(inventory, with_helpers(rules, inferred), graph, documented)


def read_sources(config: Config, rules: RuleSet, cache_dir: Path | None
                 ) -> tuple[list[Source], list[Skipped], int, list[SourceFile], frozenset[str]]:
    """The files a scan analyses, read once: their sources, what could not be read, and how many were listed;
    unread, the data files no rule reads, which a module may be found to load (scan/data_files.py); and the folders
    that hold a distribution's file (:func:`discover`)."""
    globs = rules.file_globs  # a property that gathers them: asked once, not twice for each of thousands of files
    files, skipped, distributions = discover(config.root, config.paths, config.exclude, (*globs, *DATA_GLOBS),
                                             cache_dir)
    read: list[SourceFile] = []
    unread: list[SourceFile] = []
    for file in files:
        (read if wanted(file.path, globs) else unread).append(file)
    sources = []
    folders: dict[str, str] = {}
    for source in read:
        data = _read(config, source, folders)
        if isinstance(data, Skipped):
            skipped.append(data)
        else:
            sources.append(Source(source.path, source.module, data, content_key(source.path, source.module, data)))
    return sources, skipped, len(read), unread, distributions


def _with_loaded_data(config: Config, rules: RuleSet, sources: list[Source], skipped: list[Skipped], listed: int,
                      data_files: list[SourceFile],
                      cache: FactCache) -> tuple[list[Source], list[Skipped], int, RuleSet]:
    """The sources, skipped files, count and rules, with those of ``data_files`` (listed, unread) that modules
    bind their globals from (scan/data_files.py)."""
    folders: dict[str, str] = {}
    modules = [s for s in sources if s.module]
    python = [(s.path, s.module, s.data) for s in modules]
    found = _loaders(modules, cache)
    loaded = loaded_data(config, rules, python, [loader for s in modules for loader in found[s.key]], data_files,
                         lambda file: _read(config, file, folders))
    known = {s.path for s in sources} | {s.path for s in skipped}
    added = [Source(path, "", data, content_key(path, "", data)) for path, data in loaded.files if path not in known]
    unread = [s for s in loaded.skipped if s.path not in known]
    if added:
        sources = sorted([*sources, *added], key=lambda s: s.path)
    return sources, [*skipped, *unread], listed + len(added) + len(unread), loaded.rules


def _loaders(modules: list[Source], cache: FactCache) -> dict[str, tuple[Loader, ...]]:
    """Each module's loops binding its globals from a file's rows, by content key: those the last run found in
    the same contents (the ``loaders`` memo; searching every module's bytes took about 0.04 s of CPU on every
    run, kept output or not), found again for the others. A forged memo can name loops a module does not
    have, or hide those it has, as forged facts can name flag checks."""
    kept = cache.memo("loaders", build_digest(), dict[str, tuple[Loader, ...]]) or {}
    found = {s.key: kept[s.key] if s.key in kept else find_loaders(s.path, s.module, s.data) for s in modules}
    if found != kept:
        cache.keep("loaders", build_digest(), found)
    return found


def _read(config: Config, source: SourceFile, folders: dict[str, str]) -> bytes | Skipped:
    """A listed file's bytes, or why they cannot be read (``folders``: see :func:`read_inside`)."""
    try:
        return read_inside(config.root, source.absolute, config.max_file_size, folders)
    except OSError as exc:
        return Skipped(source.path, _read_problem(exc, config.max_file_size))


def with_helpers(rules: RuleSet, inferred: tuple[Inferred, ...]) -> RuleSet:
    """``rules`` extended with the project's own flag helpers a scan inferred, as history reads with them."""
    return with_inferred(rules, inferred, frozenset(), _digest(inferred, frozenset()))


def flags_in_memory(files: Mapping[str, bytes], rules: RuleSet,
                    test_paths: tuple[str, ...] = ("tests/",)) -> tuple[Flag, ...]:
    """The flags in ``{path: bytes}`` held in memory, by the same passes a scan runs (wrapper inference
    included); module names come from the paths. What rule examples are checked with."""
    sources = []
    for path, data in files.items():
        module = path[:-3].replace("/", ".").removesuffix(".__init__") if path.endswith(".py") else ""
        sources.append(Source(path, module, data, content_key(path, module, data)))
    config = Config(root=Path("."), test_paths=test_paths)
    facts, inferred = analyse(sources, rules, config, FactCache(None), workers=1)
    return build_flags(facts, test_paths, config.settings_paths, wrapper_functions(inferred))


def _kept_graph(inputs: Inputs, config: Config, options: ScanOptions, result: _Result) -> CallGraph | None:
    """The last run's graph (kept by this version), if it was built from exactly these files, or from contents
    of a few of them with the same facts but for positions, which it does not hold (see :func:`_same_facts`;
    ``result``: the scan's, whose steps say which rules each file's facts are compared under)."""
    graph = _last_graph(inputs.cache)[0]
    if graph is None or graph.sources.keys() != {s.path for s in inputs.sources}:
        return None
    differ = [s for s in inputs.sources if graph.sources[s.path] != s.key]
    if differ and (len(differ) > _MOST_BRIDGED or _lines_moved(
            differ, graph.sources, lambda: result[1], inputs.rules, config, inputs.cache, options.workers,
            same_but_positions) is None):
        return None
    return graph


def _last_graph(cache: FactCache) -> tuple[CallGraph | None, str]:
    """The last run's graph (kept by this version), with the content keys it holds for, and the digest of
    those it was written with (:func:`_keep_graph`)."""
    graph = cache.memo("graph", build_digest(), CallGraph)
    if graph is None:
        return None, ""
    written = _graph_digest(graph.sources)
    moved = cache.memo("graphed", written, dict[str, str])
    if moved is None or moved.keys() != graph.sources.keys():
        return graph, written
    return replace(graph, sources=moved), written


def _keep_graph(cache: FactCache, previous: CallGraph | None, written: str, graph: CallGraph) -> None:
    """Keep ``graph`` (built upon ``previous``, the last run's, written for contents of digest ``written``) for
    the next run to build upon. When only the contents it was built from changed (an edit to a function's body
    that links the same calls), the 7 to 10 MB graph is not written again: the ``graphed`` memo, found by the
    digest of the content keys the kept graph was written with, names the contents it also holds for. A graph
    written anew takes a ``graphed`` memo of its own contents, which replaces one a stale graph had. A forged
    memo can claim the graph holds for other contents, as a forged graph could."""
    if previous is not None and (previous.shapes, previous.sources, previous.settings) == (
            graph.shapes, graph.sources, graph.settings):
        return  # built from the same contents (with other entry points or tests, settings differ)
    kept = replace(graph, nodes={}, reachable=set())  # both rebuilt from the facts
    if previous is not None and all(getattr(previous, f.name) == getattr(kept, f.name) for f in fields(CallGraph)
                                    if f.name != "sources"):
        cache.keep("graphed", written, graph.sources)
        return
    cache.keep("graph", build_digest(), kept)
    cache.keep("graphed", _graph_digest(graph.sources), graph.sources)


def _graph_digest(sources: dict[str, str]) -> str:
    """What the ``graphed`` memo of a graph written for ``sources`` is kept for (with flagaudit's own code)."""
    text = repr((build_digest(), sorted(sources.items())))
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()


_MOST_BRIDGED = 20
"""Files whose content the kept graph may have been built from though it changed since (their facts are
compared every time the graph is read), before it is built and kept again."""


@dataclass(frozen=True)
class _Made:
    """What the last result was made from (the ``made`` memo, kept for the frame digest of :class:`Inputs`):
    every file's content key, which with the frame names that result (its inputs digest)."""

    sources: dict[str, str]


def _same_facts(inputs: Inputs, made: _Made, config: Config, options: ScanOptions) -> _Result | None:
    """The last run's result, when each file that changed since (and none was added or removed) has the same
    facts as before, but for its count of lines and positions an edit at one place moved (a comment, a blank
    line or a ``print()`` added or deleted, a statement appended that makes no fact), under every rule set the
    last run's passes analysed it with: then the passes infer the same rules and every later stage sees the
    same facts, with those positions moved (scan/line_moves.py), but for the lines of the code a fixed flag's
    branch alone reaches (FA302), the only finding that reads how long a function is: the result is not taken if
    one counts a function whose count of lines changed. With the positions moved and the lines counted again.

    Everything is found by content digests: the ``made`` memo by the digest of everything but the files'
    contents, the result by the inputs digest of the contents the memo names (made again here, so the memo
    cannot point elsewhere), each file's earlier facts by its earlier content key, and the steps the passes
    took are the result's own. A stale or forged memo finds nothing, or facts that differ, and the run
    analyses as it would without it."""
    cache = inputs.cache
    digest = _made_digest(inputs, made)
    steps = functools.partial(_kept_steps, cache, digest)
    changed = [s for s in inputs.sources if made.sources[s.path] != s.key]
    moved = _lines_moved(changed, made.sources, steps, inputs.rules, config, cache, options.workers)
    result = None if moved is None else cache.memo("inventory", digest, _Result)
    if moved is None or result is None or result[1] != steps():
        return None
    inventory, kept_steps = result
    if counts_lines_of(inventory.findings, moved.resized):
        return None
    shifted = moved_result(inventory, moved.moves)
    return None if shifted is None else (replace(shifted, lines=shifted.lines + moved.lines), kept_steps)


def _same_but_calls(inputs: Inputs, made: _Made, config: Config,
                    options: ScanOptions) -> tuple[_Result, CallGraph] | None:
    """The last run's result made again for an edit that changes what functions and methods call (a call added to
    a body, or removed, in a flag's branch or not) besides moving lines at one place: where each changed file has
    the facts of its earlier content but for positions, those calls and what its sites' branches do
    (:func:`_calls_moved`) under every pass's rules, and each pass chose it as then, the passes take the same steps
    and the model finds the same flags, with the positions moved and the edited sites' branches as they are now (it
    reads neither). The call graph is the kept one with those functions linked again (:func:`relinked`), and the
    findings of the code are found again from it. The other files' facts are read only for the functions a finding
    asks about and for what decides fixed values (:class:`Deployment`): decoding all of them took a quarter of such
    a run on a flag-dense tree (1,233 files). Found by digests as :func:`_same_facts` finds its result; ``None``
    where anything else changed, the kept graph does not hold for these files, or a fact this needs was not kept:
    then the model is built from every file's facts."""
    cache = inputs.cache
    previous, written = _last_graph(cache)
    sources = {s.path: s.key for s in inputs.sources}
    if previous is None or previous.settings != _graph_settings(config, inputs.published) \
            or previous.sources.keys() != sources.keys():
        return None
    digest = _made_digest(inputs, made)
    steps = functools.partial(_kept_steps, cache, digest)

    def moved_since(keys: dict[str, str]) -> _Moved | None:
        changed = [s for s in inputs.sources if keys[s.path] != s.key]
        return _lines_moved(changed, keys, steps, inputs.rules, config, cache, options.workers, _calls_moved) \
            if len(changed) <= _MOST_BRIDGED else None

    moved = moved_since(made.sources)
    # the graph was kept for contents before those the last result was made from, where edits since moved lines only
    linking = moved if moved is None or previous.sources == made.sources else moved_since(previous.sources)
    passes = cache.memo("passes", digest, dict[str, int]) if linking else None
    taken = steps() if passes is not None else None
    if moved is None or linking is None or taken is None or passes is None:
        return None
    rule_sets = _pass_rules(inputs.rules, taken)
    if not all(0 < index < len(rule_sets) for index in passes.values()):
        return None

    def facts_of(path: str) -> FileFacts | None:
        return moved.facts[path] if path in moved.facts else cache.get(
            _prefix(rule_sets[passes.get(path, 0)], config) + sources[path])

    nodes = DefinedNodes(previous.shapes, facts_of)
    calls = []
    for path, facts in linking.facts.items():
        last = {function.name: function for function in facts.functions}  # a name defined twice: the later def
        calls += [now for was, now in zip(linking.earlier[path].functions, facts.functions, strict=True)
                  if was.targets != now.targets and nodes.paths.get(now.name) == path and last[now.name] is now]
    try:
        graph = relinked(previous, calls, nodes, sources)
        deployment = _deployment(inputs, config, facts_of, frozenset(shape[0] for shape in previous.shapes.values()))
        result = cache.memo("inventory", digest, _Result) if graph and deployment else None
        if graph is None or deployment is None or result is None or result[1] != taken:
            return None
        inventory, kept_steps = result
        shifted = moved_result(replace(inventory, findings=()), moved.moves)
        assert shifted is not None  # only a finding's message can keep lines from moving
        flags = _branches_again(shifted.flags, moved.facts)
        if flags is None:
            return None
        findings = _code_findings(flags, graph, deployment, kept_steps[-1].inferred if kept_steps else (),
                                  inputs.rules, config, inputs.documented, inputs.published, cache)
    except Unread:
        return None
    _keep_graph(cache, previous, written, graph)
    return (replace(shifted, flags=flags, findings=tuple(findings), lines=inventory.lines + moved.lines),
            kept_steps), graph


def _calls_moved(was: FileFacts, now: FileFacts) -> Move | None:
    """:func:`find_move`, but for what functions and methods call, besides the targets the passes' inference reads
    (:func:`_inferred_targets`), and what a flag's branches do (its sites' :data:`_BRANCHES`)."""
    return find_move(_without_calls(was), _without_calls(now))


def _without_calls(facts: FileFacts) -> FileFacts:
    return replace(facts, functions=tuple(replace(f, targets=_inferred_targets(f)) if f.kind in ("function", "method")
                                          else f for f in facts.functions),
                   sites=tuple(_branches(site) for site in facts.sites))


def _branches(site: Site, like: Site | None = None) -> Site:
    """``site`` with what its branches do (its fingerprint and the targets only one branch uses) as ``like``'s, or
    none: the model copies them into the flags and reads none of them (the meaning gate and FA302 do, from the
    flags)."""
    if like is None:
        return replace(site, fingerprint=(), only_on=(), only_off=())
    return replace(site, fingerprint=like.fingerprint, only_on=like.only_on, only_off=like.only_off)


def _branches_again(flags: tuple[Flag, ...], facts: dict[str, FileFacts]) -> tuple[Flag, ...] | None:
    """``flags``, whose sites in the files of ``facts`` were moved to their places now, with what those sites'
    branches do now (:func:`_branches`, from the site at the same place in ``facts``); ``None`` if one has none."""
    now = {(site.path, site.line, site.column): site for file_facts in facts.values() for site in file_facts.sites}

    def again(sites: tuple[Site, ...]) -> tuple[Site, ...] | None:
        found = []
        for site in sites:
            was = now.get((site.path, site.line, site.column)) if site.path in facts else site
            if was is None:
                return None
            found.append(site if was is site else _branches(site, was))
        return tuple(found)

    changed = []
    for flag in flags:
        if any(site.path in facts for site in (*flag.sites, *flag.test_sites)):
            sites, tests = again(flag.sites), again(flag.test_sites)
            if sites is None or tests is None:
                return None
            flag = replace(flag, sites=sites, test_sites=tests)
        changed.append(flag)
    return tuple(changed)


def _deployment(inputs: Inputs, config: Config, facts_of: Callable[[str], FileFacts | None],
                modules: frozenset[str]) -> Deployment | None:
    """:meth:`Deployment.of` every file's facts, read only from the settings modules and the modules whose bytes
    name what serves an application (``modules``: the modules the tree holds); ``None`` if one's facts were not
    kept."""
    def is_test(path: str) -> bool:
        return is_test_path(path, config.test_paths)

    read = [facts_of(s.path) for s in inputs.sources
            if is_deployment_settings(s.path, config.settings_paths, is_test) or may_serve(s.data)]
    facts = [f for f in read if f is not None]
    if len(facts) != len(read):
        return None
    deployment = Deployment.of(facts, config.settings_paths, is_test)
    return replace(deployment, paths=frozenset(s.path for s in inputs.sources), modules=modules)


def _pass_rules(rules: RuleSet, steps: tuple[Step, ...]) -> list[RuleSet]:
    """The rules each inference pass analysed with, the first pass's first: the index the ``passes`` memo names."""
    found, before = [rules], None
    for step in steps:
        found.append(_next_pass(rules, before, step)[0])
        before = step
    return found


def _kept_steps(cache: FactCache, digest: str) -> tuple[Step, ...] | None:
    """The steps the last result's passes took, kept for ``digest``, if they are consistent: asked for only once a
    changed file's first facts are found the same (from their own memo: the result, ten times larger, is decoded
    only once every pass found the same facts, and must hold them); a second ask is not decoded again."""
    taken = cache.memo("steps", digest, tuple[Step, ...])
    return taken if taken is not None and all(step.consistent for step in taken) else None


def _made_digest(inputs: Inputs, made: _Made) -> str:
    """The inputs digest of the contents the ``made`` memo names: what the last result and its steps were kept
    for."""
    return _inputs_digest(inputs.frame, (made.sources[s.path] for s in inputs.sources))


def _keep(inputs: Inputs, result: _Result, passes: dict[str, int] | None) -> None:
    """Keep a result, its passes' steps and the pass whose rules made each file's facts (read alone when the
    next run's result is made again), and the contents it was made from."""
    inputs.cache.keep("inventory", inputs.digest, result)
    inputs.cache.keep("steps", inputs.digest, result[1])
    if passes is not None:
        inputs.cache.keep("passes", inputs.digest, passes)
    inputs.cache.keep("made", inputs.frame, _Made({s.path: s.key for s in inputs.sources}))


def _lines_moved(changed: list[Source], earlier_keys: dict[str, str],
                 steps: Callable[[], tuple[Step, ...] | None], rules: RuleSet, config: Config, cache: FactCache,
                 workers: int | None,
                 moved: Callable[[FileFacts, FileFacts], Move | None] = find_move) -> _Moved | None:
    """How the ``changed`` files' lines ``moved`` (:func:`find_move` or, for what holds no positions,
    :func:`same_but_positions`), if each one's facts are otherwise those of its content keyed in
    ``earlier_keys``, under the given rules and those of every later pass the ``steps`` of the earlier analysis
    make that analyses it (each pass must choose the same of them for both contents); ``None`` as soon as one
    differs, the earlier facts were not kept or there are no steps. ``steps`` is asked only once the first pass's
    facts are found the same."""
    analysed = _Analysed(_analyse(changed, rules, cache, config, workers), rules)
    facts = analysed.facts
    earlier: dict[str, FileFacts] = {}
    moves: dict[str, Move] = {}
    resized: set[str] = set()

    def same(pass_rules: RuleSet, paths: Iterable[str]) -> bool:
        prefix = _prefix(pass_rules, config)
        for path in paths:
            was, now = cache.get(prefix + earlier_keys[path]), facts[path]
            move = None if was is None else moved(was, now)
            if path in moves and move is not None:
                move = moves[path].within(move)
            if was is None or move is None:
                return False
            moves[path] = move
            resized.update(functions_resized(was, now))
            earlier[path] = was
        return True

    if not same(rules, facts) or (taken := steps()) is None:
        return None
    before: Step | None = None
    for step in taken:
        extended, callees, receivers = _next_pass(rules, before, step)
        chosen = {path for path, was in earlier.items() if _uses(was, callees, receivers)}
        again = analysed.again(changed, extended, callees, receivers, cache, config, workers)
        if again.keys() != chosen or not same(extended, again):
            return None
        before = step
    return _Moved(sum(facts[path].lines - earlier[path].lines for path in facts), frozenset(resized), moves, facts,
                  earlier)


@dataclass(frozen=True)
class _Moved:
    """What an edit that moves only lines (:func:`_lines_moved`) did: lines gained, functions whose count of
    lines changed, and each changed file's move."""

    lines: int
    resized: frozenset[str]
    moves: dict[str, Move]
    facts: dict[str, FileFacts]
    """Each changed file's facts now, as the last pass that analysed it made them."""
    earlier: dict[str, FileFacts]
    """The same of its earlier content."""


def _inventory(sources: list[Source], skipped: list[Skipped], files: int, rules: RuleSet, config: Config,
               cache: FactCache, options: ScanOptions, documented: Mapping[str, str], published: tuple[str, ...],
               replay: _Replay | None = None) -> tuple[_Result, CallGraph, dict[str, int]]:
    """The model built from every file's facts (``replay``: the last run's inference steps, taken again where
    they must be the same), and the pass whose rules made each file's facts (files made by the first left
    out)."""
    by_path, steps, made_with = _passes(sources, rules, config, cache, options.workers, options.progress, replay)
    facts, inferred = [by_path[s.path] for s in sources], steps[-1].inferred if steps else ()
    skipped = [*skipped, *(Skipped(f.path, f.skipped) for f in facts if f.skipped)]
    flags = build_flags(facts, config.test_paths, config.settings_paths, wrapper_functions(inferred))

    def is_test(path: str) -> bool:
        return is_test_path(path, config.test_paths)

    previous, written = _last_graph(cache)  # a graph kept by another version is not built upon
    graph = build_graph(facts, is_test, config.entry_points, config.scripts, _graph_settings(config, published),
                        {s.path: s.key for s in sources}, previous, published)
    findings = _code_findings(flags, graph, Deployment.of(facts, config.settings_paths, is_test), inferred, rules,
                              config, documented, published, cache)
    _keep_graph(cache, previous, written, graph)
    return (Inventory(
        root=str(config.root), flags=flags, skipped=tuple(sorted(set(skipped), key=lambda s: (s.path, s.reason))),
        files=files, lines=sum(f.lines for f in facts), findings=tuple(findings),
        entry_points=tuple(sorted(graph.entries.items())),
        newer_syntax=tuple(sorted(f.path for f in facts if f.respelled == "newer")),
        python2=tuple(sorted(f.path for f in facts if f.respelled == "python2")),
        notes=unread_flags(flags, sum(f.lines for f in facts),
                           unread_sdks(facts, rules, flags, is_test)),
    ), tuple(steps)), graph, {path: index for path, index in made_with.items() if index}


def _graph_settings(config: Config, published: tuple[str, ...]) -> str:
    """The settings that decide the graph's entry points and test code (``published``: the folders of the packages
    the project publishes, whose public names are entry points): a graph kept under others is built anew."""
    return repr((config.test_paths, config.entry_points, config.scripts, published))


def _code_findings(flags: tuple[Flag, ...], graph: CallGraph, deployment: Deployment, inferred: tuple[Inferred, ...],
                   rules: RuleSet, config: Config, documented: Mapping[str, str], published: tuple[str, ...],
                   cache: FactCache) -> list[Finding]:
    """The finding families that need only the code, from the flags, the call graph and the fixed flag values
    (``deployment``; ``documented``: the names the project's documentation mentions, which operators set; a setting
    only the ``published`` packages read is the host's); FA401 judges keys against the rules whose definitions define
    a project's flags in its code (``inferred`` among them), and says "did you mean" with the last run's answers."""
    # django-flags' settings declare flags, but its default sources read the admin's too: no "unknown key" there;
    # nor where a project's helper creates a row now and then (bluebutton's set_switch("outreach_email", False))
    registries = frozenset([*(d.id for f in rules.files for d in f.defines
                              if d.model is None and not d.declaring_dicts),
                            *(o.id for f in rules.files for o in f.objects),
                            *(r.id for r in inferred if isinstance(r, DefineRule) and r.model is None and not r.via)])
    kept = cache.memo("nearest", build_digest(), dict[str, dict[str, tuple[str, ...]]])
    suggestions = Suggestions(kept)
    fixed = fixed_flags(flags, deployment, config.settings_paths, documented, config.written_modules, published)
    findings = run_checks(CheckInput(flags, graph, fixed, registries=registries, suggestions=suggestions), "code")
    if suggestions.asked != kept:
        cache.keep("nearest", build_digest(), suggestions.asked)
    return findings


def _frame_digest(config: Config, rules: RuleSet, skipped: list[Skipped], listed: int,
                  documented: Mapping[str, str], published: tuple[str, ...]) -> str:
    """Everything a scan's result depends on besides the files' contents: flagaudit's code, configuration, rules,
    the files that could not be read, how many were listed, the names the documentation mentions, and the packages
    the project publishes."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{build_digest()}\0{FACTS_VERSION}\0{config!r}\0{rules.digest}\0{listed}\0".encode(
        "utf-8", "surrogateescape"))
    digest.update(repr(sorted((s.path, s.reason) for s in skipped)).encode("utf-8", "surrogateescape"))
    digest.update(repr(sorted(documented.items())).encode("utf-8", "surrogateescape"))
    digest.update(repr(published).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _inputs_digest(frame: str, keys: Iterable[str]) -> str:
    """Everything a scan's result depends on: the frame digest and every file's content key, in order."""
    digest = hashlib.blake2b(frame.encode(), digest_size=20)
    for key in keys:
        digest.update(key.encode())
    return digest.hexdigest()


def analyse(sources: list[Source], rules: RuleSet, config: Config, cache: FactCache, workers: int | None = None,
            progress: Progress | None = None) -> tuple[list[FileFacts], tuple[Inferred, ...]]:
    """Facts for every source, in order, after inferring the project's registries, wrappers, predicates and
    SDK clients.

    Each pass re-analyses only the files that mention something the previous
    pass inferred; a chain of wrappers N deep takes N passes. ``progress`` hears of the first pass, which
    analyses every file not cached (the later ones re-read a few).
    """
    facts, steps, _ = _passes(sources, rules, config, cache, workers, progress)
    return [facts[s.path] for s in sources], steps[-1].inferred if steps else ()


@dataclass(frozen=True)
class Step:
    """What one inference pass found: the rules the next pass analyses with (besides the given ones)."""

    checks: tuple[CheckRule, ...]
    defines: tuple[DefineRule, ...]
    order: tuple[bool, ...]
    """Whether each inferred rule in turn is a define rule: the order the rule set's digest is made in."""
    traced: tuple[str, ...]
    """Objects traced to an SDK, sorted."""
    settings: tuple[SettingRule, ...] = ()
    """The project's settings objects (model/setting_objects.py), after the other rules."""

    @classmethod
    def of(cls, inferred: tuple[Inferred, ...], traced: frozenset[str]) -> Step:
        ordered = [r for r in inferred if not isinstance(r, SettingRule)]
        return cls(tuple(r for r in ordered if isinstance(r, CheckRule)),
                   tuple(r for r in ordered if isinstance(r, DefineRule)),
                   tuple(isinstance(r, DefineRule) for r in ordered), tuple(sorted(traced)),
                   tuple(r for r in inferred if isinstance(r, SettingRule)))

    @property
    def inferred(self) -> tuple[Inferred, ...]:
        checks, defines = iter(self.checks), iter(self.defines)
        return (*(next(defines) if define else next(checks) for define in self.order), *self.settings)

    @property
    def consistent(self) -> bool:
        """Whether ``order`` matches the rules (a kept step is read from a file anyone can write)."""
        return (sum(self.order) == len(self.defines) and len(self.order) == len(self.checks) + len(self.defines)
                and list(self.traced) == sorted(set(self.traced)))


_Result = tuple[Inventory, tuple[Step, ...]]
"""A scan's inventory and the steps of its inference passes (the last one's rules are the wrappers,
predicates and registries it inferred): what the ``inventory`` memo keeps."""


def _passes(sources: list[Source], rules: RuleSet, config: Config, cache: FactCache, workers: int | None = None,
            progress: Progress | None = None,
            replay: _Replay | None = None) -> tuple[dict[str, FileFacts], list[Step], dict[str, int]]:
    """:func:`analyse`'s facts by path, the steps its passes took (the last one found nothing new) and the
    index of the pass whose rules made each file's facts; ``replay``: the last run's steps, taken instead of
    inferred where they must be the same."""
    if replay is not None and (replayed := replay.whole(sources, rules, workers, progress)) is not None:
        return replayed
    analysed = _Analysed(_analyse(sources, rules, cache, config, workers, progress), rules)
    _freeze()
    facts = analysed.facts
    steps: list[Step] = []

    def is_test(path: str) -> bool:
        return is_test_path(path, config.test_paths)

    for _ in range(_MAX_INFERENCE_PASSES):
        step = replay.step(facts, steps) if replay else None
        if step is None:
            found = (*infer_registries(facts.values(), is_test),
                     *inherited_models([f for f in facts.values() if not is_test(f.path)], rules),
                     *infer_rules(facts.values(), config.test_paths, is_test_path, rules),
                     *infer_setting_objects(facts.values(), is_test, rules),
                     *infer_boolean_settings(facts.values(), config.settings_paths, is_test, rules),
                     *infer_flag_dicts(facts.values(), config.settings_paths, is_test, rules),
                     *infer_context_dicts(facts.values(), is_test),
                     *infer_typed_settings(facts.values(), is_test),
                     *infer_definers(facts.values(), is_test))
            step = Step.of(found, traced_receivers(facts.values(), rules.made_by_sdk))
        if step == (steps[-1] if steps else Step((), (), (), ())):
            break
        extended, callees, receivers = _next_pass(rules, steps[-1] if steps else None, step)
        steps.append(step)
        if replay:
            replay.follow(facts, extended, callees, receivers)
        analysed.again(sources, extended, callees, receivers, cache, config, workers)
    return facts, steps, analysed.made_with


class _Replay:
    """The last run's inference steps, taken again instead of inferred (every file's facts gone over by three
    functions, 0.3 s of CPU on a 400k-line tree) while each file that changed since has, as those functions
    read them, the facts of its earlier content under the same pass's rules.

    The passes' inference reads every file's facts, but not where things are (lines, columns, spans), the
    targets a function calls, the fingerprints and one-branch targets of a site, or top-level settings
    (:func:`_as_inferred_from`). So when each changed file's facts are, but for those, the ones its earlier
    content had at the same pass, and every earlier step was the same, every file's facts are to the inference
    what they were in the last run, and it would find the last run's step again. A file changed since is
    analysed again in the same passes as then: :meth:`follow` compares the files' choice (which reads targets)
    under each pass for both contents; on any difference, inference runs as without a replay.

    Found by digests like :func:`_same_facts`: the ``made`` memo by the frame digest, the ``steps`` memo (kept
    beside the inventory) by the inputs digest made again from the content keys it names, each earlier
    content's facts by its content key under each pass's rule-set digest. A stale or forged ``made`` memo finds
    no steps, or steps and facts of the contents it names, whose facts are compared; steps that are not
    consistent replay nothing."""

    def __init__(self, made: _Made, steps: tuple[Step, ...], passes: dict[str, int] | None, sources: list[Source],
                 rules: RuleSet, config: Config, cache: FactCache) -> None:
        self.steps, self.passes = steps, passes
        self.config, self.cache = config, cache
        self.changed = {s.path: made.sources[s.path] for s in sources if made.sources[s.path] != s.key}
        earlier = {path: cache.get(_prefix(rules, config) + key) for path, key in self.changed.items()}
        self.earlier = {path: facts for path, facts in earlier.items() if facts is not None}
        self.aligned = len(self.earlier) == len(earlier)

    def whole(self, sources: list[Source], rules: RuleSet, workers: int | None,
              progress: Progress | None) -> tuple[dict[str, FileFacts], list[Step], dict[str, int]] | None:
        """:func:`_passes`'s result with the changed files alone taken through the passes, if the last run's
        steps come out again: every other file went through the same passes then as it would now, so its facts
        are those the last pass that analysed it made, and only those are read (not the ones each earlier pass
        made, nor the choice of every file in every pass made again). The ``passes`` memo names that pass for
        each file (kept beside the steps, found the same way); a file it names a pass for that did not make
        facts of its content, or that a later pass would choose, makes the run go through every pass as it
        would without it."""
        if self.passes is None or not self.aligned:
            return None
        earlier = dict(self.earlier)
        replayed = self._whole(self.passes, sources, rules, workers, progress)
        if replayed is None:  # as it was, for the passes made one by one
            self.earlier, self.aligned = earlier, True
        return replayed

    def _whole(self, passes: dict[str, int], sources: list[Source], rules: RuleSet, workers: int | None,
               progress: Progress | None) -> tuple[dict[str, FileFacts], list[Step], dict[str, int]] | None:
        changed = [s for s in sources if s.path in self.changed]
        analysed = _Analysed(_analyse(changed, rules, self.cache, self.config, workers, progress), rules)
        facts = analysed.facts
        steps: list[Step] = []
        chosen: list[tuple[frozenset[str], frozenset[str]]] = []
        for _ in range(_MAX_INFERENCE_PASSES):
            step = self.step(facts, steps)
            if step is None:
                return None
            if step == (steps[-1] if steps else Step((), (), (), ())):
                break
            extended, callees, receivers = _next_pass(rules, steps[-1] if steps else None, step)
            steps.append(step)
            chosen.append((callees, receivers))
            self.follow(facts, extended, callees, receivers)
            analysed.again(changed, extended, callees, receivers, self.cache, self.config, workers)
        prefixes = [_prefix(pass_rules, self.config) for pass_rules in analysed.passes]
        if not self.aligned or not all(0 < index < len(prefixes) for index in passes.values()):
            return None
        for source in sources:
            if source.path not in self.changed:
                index = passes.get(source.path, 0)
                found = self.cache.get(prefixes[index] + source.key)
                if found is None or any(_uses(found, callees, receivers) for callees, receivers in chosen[index:]):
                    return None
                facts[source.path] = found
                analysed.made_with[source.path] = index
        return facts, steps, analysed.made_with

    def step(self, facts: dict[str, FileFacts], steps: list[Step]) -> Step | None:
        """The step the last run took after ``steps``, if this pass's inference must take it again."""
        at = len(steps)
        self.aligned = self.aligned and tuple(steps) == self.steps[:at] and all(
            _as_inferred_from(facts[path]) == _as_inferred_from(was) for path, was in self.earlier.items())
        if not self.aligned:
            return None
        return self.steps[at] if at < len(self.steps) else (steps[-1] if steps else Step((), (), (), ()))

    def follow(self, facts: dict[str, FileFacts], rules: RuleSet, callees: frozenset[str],
               receivers: frozenset[str]) -> None:
        """Before a pass under ``rules`` analyses again the files that use ``callees`` or ``receivers``: each
        changed file's earlier content, if it was chosen then, under the same rules."""
        for path, was in list(self.earlier.items()):
            if not self.aligned:
                return
            chosen = _uses(was, callees, receivers)
            if chosen != _uses(facts[path], callees, receivers):
                self.aligned = False
            elif chosen:
                again = self.cache.get(_prefix(rules, self.config) + self.changed[path])
                self.aligned = again is not None
                self.earlier[path] = again or was


def _as_inferred_from(facts: FileFacts) -> tuple[FileFacts, frozenset[tuple[str, str]]]:
    """A file's facts as the passes' inference (:func:`infer_registries`, :func:`infer_rules`,
    :func:`traced_receivers`, the settings' inference) reads them: without positions, site fingerprints and
    one-branch targets, the count of lines, and the targets functions call, which none of them reads (a line added
    moves what is below it; a call added to a body adds a target) but for a ``__getattr__``'s (a settings object's),
    Django's settings and the rows a function reads (a reader of settings by name reads Django's or that row).
    The settings modules' values are read (the booleans read from the environment, the dicts of flags), their lines
    not, nor the names they give a value of another kind (:data:`LITERAL_VALUE`: the model reads those, to leave
    them out of the flags; an edit that adds a constant to a settings module is no reason to infer again). Of the
    sites, those a wrapper or a predicate may be inferred from (:func:`reads_site`), and the function and SDK of
    each: a check whose literal key changed, or one more in a function that holds a check of its SDK, infers
    nothing new."""
    return replace(
        facts, lines=0, settings=tuple((name, value, 0) for name, value, _ in facts.settings if value != LITERAL_VALUE),
        sites=tuple(replace(s, line=0, column=0, on=(), off=(), fingerprint=(), only_on=(), only_off=())
                    for s in facts.sites if reads_site(s)),
        functions=tuple(replace(f, line=0, end=0, targets=_inferred_targets(f)) for f in facts.functions),
        definitions=tuple(replace(d, line=0, column=0) for d in facts.definitions)), frozenset(
        (s.function, s.sdk) for s in facts.sites)


def _inferred_targets(function: Function) -> tuple[str, ...]:
    """The targets of ``function`` the passes' inference reads: a ``__getattr__``'s (a settings object's), Django's
    settings and the rows a function reads (:func:`_as_inferred_from`)."""
    return function.targets if function.name.endswith(".__getattr__") else tuple(
        target for target in function.targets if target == DJANGO_SETTINGS or target.endswith(ONE_ROW))


def _next_pass(rules: RuleSet, before: Step | None, step: Step) -> tuple[RuleSet, frozenset[str], frozenset[str]]:
    """The rules a pass after ``before`` analyses with, given what ``step`` found, and what a file must call or
    use to be analysed again under them.

    Only files that call a helper whose rule is new or changed, define a registry's class (or use a newly
    traced object) can come out differently: a file calling only helpers unchanged since the last pass keeps
    its facts."""
    inferred, traced = step.inferred, frozenset(step.traced)
    changed = set(inferred).symmetric_difference(before.inferred if before else ())
    objects = {name for r in changed if isinstance(r, SettingRule) for name in _read_settings(r)}
    rules_changed = [r for r in changed if not isinstance(r, SettingRule)]
    callees = objects | {name for r in rules_changed
                         for name in (*r.functions, *getattr(r, "decorators", ()), *getattr(r, "class_constants", ()))}
    callees |= {"." + name for r in rules_changed for name in r.methods}
    # a helper method called through its class (``Service.skip(...)``, a static method) is named in full
    callees |= {r.via[0] for r in rules_changed if r.methods and isinstance(r, CheckRule) and r.via}
    callees |= {name for r in rules_changed if isinstance(r, DefineRule) and r.model for name in model_calls(r)}
    if any(isinstance(r, CheckRule) and r.template or isinstance(r, SettingRule) and r.fields_in_templates
           for r in changed):
        callees.add(_TEMPLATES)
    receivers = traced.symmetric_difference(before.traced if before else ())
    return with_inferred(rules, inferred, traced, _digest(inferred, traced)), frozenset(callees), receivers


def _read_settings(rule: SettingRule) -> Iterator[str]:
    """What a file reads that a new or changed settings rule may find flags in: the names the rule lists, where it
    lists names (most of a project's files read some setting, and only those reads need analysing again), else
    any attribute of its objects (``django.conf.settings.``), where it reads attributes; its dicts; the fields of
    typed settings classes, read on any object (``.enable_x``)."""
    yield from ("." + name for name, _ in rule.fields)
    for obj in rule.objects:
        if rule.attributes or rule.getattr_bool:
            yield from (f"{obj}.{name}" for name in rule.names) if rule.names else (f"{obj}.",)
        for name in rule.dicts:  # ``settings.X["k"]`` reads the dict, ``settings.X.get("k")`` a method of it
            yield from (f"{obj}.{name}", f"{obj}.{name}.")


_TEMPLATES = "<templates>"
"""What :func:`_next_pass` asks files to use when a helper a template library registers changed, or the columns of
a settings row the templates read: then every Django template is analysed again (:func:`_uses`)."""


def _freeze() -> None:
    """Move every object alive out of the collector's reach, once the first pass's facts are in: every file's,
    kept to the end of the run, hundreds of thousands of objects in no cycle. Each full collection after would
    walk them all for nothing (0.45 s of CPU on a flag-dense tree, over the later passes, the model, the checks
    and the rendering), and the later passes' workers, forked from this process, would copy the pages their
    collections touch. A frozen object is still freed when its last reference goes."""
    gc.freeze()


_EarlierPasses = tuple[dict[str, FileFacts], dict[str, int], tuple[RuleSet, ...], dict[str, frozenset[int]]]
"""Facts an earlier pass made, by path; the index of the rules each was made with; those rule sets; the
candidate lines found by the extraction that made them, where one ran in this run (:class:`Earlier`)."""

_Found = tuple[dict[str, FileFacts], dict[str, frozenset[int]]]
"""Facts by path, and the candidate lines found for those extracted (not read from the cache or kept)."""


class _Analysed:
    """Files' facts across inference passes: the latest by path, the index of the pass whose rules made each,
    and those rule sets (what a later pass may keep of a file's facts depends on the rules that made them)."""

    def __init__(self, found: _Found, rules: RuleSet) -> None:
        self.facts, self.wanted = found
        self.made_with = dict.fromkeys(self.facts, 0)
        self.passes = [rules]

    def again(self, sources: list[Source], rules: RuleSet, callees: frozenset[str], receivers: frozenset[str],
              cache: FactCache, config: Config, workers: int | None) -> dict[str, FileFacts]:
        """Analyse again, under the next pass's ``rules``, those of ``sources`` that use ``callees`` or
        ``receivers``; their new facts."""
        again, wanted = _analyse([s for s in sources if _uses(self.facts[s.path], callees, receivers)], rules,
                                 cache, config, workers,
                                 earlier=(self.facts, self.made_with, tuple(self.passes), self.wanted))
        self.made_with.update(dict.fromkeys(again, len(self.passes)))
        self.passes.append(rules)
        self.facts.update(again)
        for path in again:
            self.wanted.pop(path, None)  # found under the earlier rules
        self.wanted.update(wanted)
        return again


def _analyse(sources: list[Source], rules: RuleSet, cache: FactCache, config: Config, workers: int | None,
             progress: Progress | None = None, earlier: _EarlierPasses | None = None) -> _Found:
    """Facts for ``sources`` under ``rules``: from the cache where it has them, else extracted in parallel,
    keeping what ``earlier`` facts the new rules cannot change; and the candidate lines of those extracted.
    Extraction (and with it the worker pool) is imported only now: a warm run that reuses its kept output never
    needs it."""
    from flagaudit.scan.parallel import extract_all

    prefix = _prefix(rules, config)
    facts: dict[str, FileFacts] = {}
    pending = []
    made, made_with, rule_sets, made_wanted = earlier or ({}, {}, (), {})
    for source in sources:
        cached = cache.get(prefix + source.key)
        if cached is None:
            pending.append(source)
        else:
            facts[source.path] = cached
    jobs = [(s.path, s.module, s.data, made_with.get(s.path, 0), made_wanted.get(s.path)) for s in pending]
    done = None if progress is None else lambda count: progress(STAGE, count, len(jobs), "files")
    wanted: dict[str, frozenset[int]] = {}
    earlier_facts = {s.path: made[s.path] for s in pending if s.path in made}
    found = extract_all(jobs, rules, config.max_file_size, workers, done, rule_sets, earlier_facts, cache.usable)
    for source, (result, lines, text) in zip(pending, found, strict=True):
        if result is None:  # the new rules cannot change the earlier facts (file_facts.facts_stand)
            result = made[source.path]
        elif lines is not None:
            wanted[source.path] = lines
        facts[source.path] = result
        cache.put(prefix + source.key, result, text)
    return facts, wanted


def _prefix(rules: RuleSet, config: Config) -> str:
    """What a file's facts are cached under besides its content key."""
    return f"{rules.digest}:{config.max_file_size}:"


def _uses(facts: FileFacts, callees: frozenset[str], traced: frozenset[str]) -> bool:
    """Whether a file calls an inferred wrapper or predicate (or defines a registry's class), uses an object
    traced to an SDK, or is a Django template when the rule of a helper templates call changed. A method (``.name``)
    is called on any receiver, one the call graph names too (CenterForOpenScience/SHARE's
    ``FeatureFlag.objects.flag_is_up(...)``, a method of the model's manager); a settings object (``name.``) is read
    by any attribute."""
    if _TEMPLATES in callees and text_file(facts.path, DJANGO_TEMPLATES):
        return True
    if traced.intersection(facts.deferred):
        return True
    if any(function.name in callees or not callees.isdisjoint(function.targets) for function in facts.functions):
        return True
    methods, objects = _methods_and_objects(callees)
    ends = methodcaller("endswith", methods)
    if methods and any(any(map(ends, function.targets)) for function in facts.functions):
        return True
    starts = methodcaller("startswith", objects)
    return bool(objects) and any(any(map(starts, function.targets)) for function in facts.functions)


@functools.lru_cache(maxsize=8)
def _methods_and_objects(callees: frozenset[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The methods (``.name``) and settings objects (``name.``) among ``callees``: found once per pass, not once for
    each of its files."""
    return (tuple(sorted(c for c in callees if c.startswith("."))),
            tuple(sorted(c for c in callees if c.endswith("."))))


def _digest(rules: tuple[Inferred, ...], traced: frozenset[str]) -> str:
    text = repr((list(rules), sorted(traced)))
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _read_problem(exc: OSError, max_bytes: int) -> str:
    if exc.errno == errno.EXDEV:
        return "symbolic link out of the project (not followed)"
    if exc.errno == errno.EFBIG:
        from flagaudit.extract.file_facts import too_large

        return too_large(max_bytes, int(exc.filename2 or 0))
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.EISDIR:
        return "symbolic link to a folder (not followed)"
    if exc.errno == errno.EINVAL:
        return "not a regular file (pipe, socket or device)"
    if exc.errno == errno.ENOENT:
        return "broken symbolic link" if exc.filename else "file vanished during the scan"
    return f"cannot read: {exc.strerror or exc}"
