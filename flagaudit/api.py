"""The library API: what the command line and other tools call. Nothing here prints."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

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
    for source in files:
        try:
            data = _read_regular(source.absolute)
        except OSError as exc:
            skipped.append(Skipped(source.path, _read_problem(exc)))
            continue
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
        files=len(files), lines=sum(f.lines for f in complete), analysed=len(pending), notes=tuple(notes),
    )


def _read_regular(path: Path) -> bytes:
    """Read a regular file; a pipe, socket or device would block or never end (hence O_NONBLOCK)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return handle.read()


def _read_problem(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.EISDIR:
        return "symbolic link to a folder (not followed)"
    if exc.errno == errno.EINVAL:
        return "not a regular file (pipe, socket or device)"
    if exc.errno == errno.ENOENT:
        return "broken symbolic link" if exc.filename else "file vanished during the scan"
    return f"cannot read: {exc.strerror or exc}"
