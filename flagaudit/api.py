"""The library API: what the command line and other tools call. Nothing here prints."""

from __future__ import annotations

import errno
from dataclasses import dataclass

from flagaudit.cache import FactCache, content_key
from flagaudit.config import Config, load_config
from flagaudit.discover import discover
from flagaudit.facts import FileFacts, Inventory, Skipped
from flagaudit.model import build_flags
from flagaudit.parallel import extract_all
from flagaudit.rules import RuleSet, load_rules


@dataclass(frozen=True)
class ScanOptions:
    """How to run a scan."""

    config_file: str | None = None
    use_cache: bool = True
    workers: int | None = None


def scan(paths: tuple[str, ...] = (), options: ScanOptions = ScanOptions()) -> Inventory:
    """Inventory every flag under ``paths``: sites, definitions, and what was skipped."""
    config = load_config(paths, options.config_file)
    rules = load_rules(config.rules, config.settings_dicts)
    return scan_with(config, rules, options)


def scan_with(config: Config, rules: RuleSet, options: ScanOptions) -> Inventory:
    """:func:`scan` for an already loaded configuration and rule set."""
    text_globs = tuple(g for rule in rules.texts for g in rule.files)
    cache_dir = (config.cache_dir or config.root / ".flagaudit_cache") if options.use_cache else None
    files, skipped = discover(config.root, config.paths, config.exclude, text_globs, cache_dir)
    cache = FactCache(cache_dir, f"{rules.digest}:{config.max_file_size}")
    notes = [cache.warning] if cache.warning else []
    facts: list[FileFacts | None] = []
    pending: list[tuple[int, str, tuple[str, str, bytes]]] = []
    lines = 0
    for source in files:
        try:
            data = source.absolute.read_bytes()
        except OSError as exc:
            skipped.append(Skipped(source.path, _read_problem(exc)))
            continue
        if source.path.endswith(".py"):
            lines += data.count(b"\n")
        key = content_key(source.path, source.module, data)
        cached = cache.get(key)
        if cached is None:
            pending.append((len(facts), key, (source.path, source.module, data)))
        facts.append(cached)
    for (index, key, _), result in zip(pending, extract_all([job for _, _, job in pending], rules,
                                                             config.max_file_size, options.workers)):
        facts[index] = result
        cache.put(key, result)
    warning = cache.save()
    if warning:
        notes.append(warning)
    complete = [f for f in facts if f is not None]
    skipped.extend(Skipped(f.path, f.skipped) for f in complete if f.skipped)
    return Inventory(
        root=str(config.root), flags=build_flags(complete, config.test_paths),
        skipped=tuple(sorted(set(skipped), key=lambda s: (s.path, s.reason))),
        files=len(files), lines=lines, notes=tuple(notes),
    )


def _read_problem(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.EISDIR:
        return "symbolic link to a folder (not followed)"
    if exc.errno == errno.ENOENT:
        return "broken symbolic link" if exc.filename else "file vanished during the scan"
    return f"cannot read: {exc.strerror or exc}"
