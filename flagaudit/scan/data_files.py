"""The data files modules bind their globals from (extract/data_loaders.py finds such modules), chosen for the
scan as a ``[[data]]`` rule would name them, so ``features.ENABLE_GV`` resolves without a hand-written rule.

Which file: the one the load names, by a literal path or through a setting that holds one
(``open(settings.WAFFLE_VALUES_YAML)``, ``WAFFLE_VALUES_YAML = 'osf/features.yaml'``), relative to the project
or to either module's folder; when nothing named resolves to a file, every data file of the project whose rows
carry both fields (outside the tests, unless only tests have one). Cheap and bounded: only YAML, JSON and TOML
files the scan's discovery lists (git's list, the excludes, no linked folders) are candidates, each is read
through the caller's reader (inside the project, at most max-file-size, no link out), and a file is parsed only
if its bytes hold both field names. A module a configured ``[[data]]`` rule already covers is left to that rule.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from flagaudit.config import Config
from flagaudit.extract.data_constants import data_constants
from flagaudit.extract.data_loaders import DATA_SUFFIXES, Loader, assigned_paths
from flagaudit.extract.symbols import DJANGO_SETTINGS
from flagaudit.facts import Skipped
from flagaudit.model.resolve import is_test_path
from flagaudit.scan.discover import SourceFile
from flagaudit.sdk_rules import DataRule, RuleSet, with_data

Python = tuple[str, str, bytes]
"""A Python source as read for the scan: path, module name, bytes."""
DATA_GLOBS = tuple(f"*{suffix}" for suffix in DATA_SUFFIXES)
"""What the discovery lists besides the files the rules read: the data files a module may load."""
MAX_LOADERS = 64
"""Loops a scan follows (in path order): a real project has one or two; a tree made of thousands cannot make the
scan read its settings and data files thousands of times."""
MAX_SEARCHES = 16
"""Pairs of fields the project's data files are searched for when no file is named: one search reads every data
file, so a tree of many loaders with fields of their own cannot make the cost grow with their product."""
Read = Callable[[SourceFile], "bytes | Skipped"]
"""Reads a listed file the way the scan reads its sources, or says why it could not."""


@dataclass(frozen=True)
class LoadedData:
    """The rules for the data files modules load, the files chosen (read), and those that could not be read."""

    rules: RuleSet
    files: tuple[tuple[str, bytes], ...] = ()
    skipped: tuple[Skipped, ...] = ()


def loaded_data(config: Config, rules: RuleSet, python: Sequence[Python], found_loaders: Sequence[Loader],
                data_files: Sequence[SourceFile], read: Read) -> LoadedData:
    """``rules`` with a ``[[data]]`` rule for each module that binds its globals from the rows of one of
    ``data_files`` (listed by the discovery, unread), and those files' bytes; ``rules`` itself when none does.
    ``found_loaders``: the loops of the ``python`` modules (extract/data_loaders.py), in path order."""
    covered = {rule.module for rule in rules.data}
    loaders = [found for found in found_loaders if found.module not in covered][:MAX_LOADERS]
    if not loaders:
        return LoadedData(rules)
    candidates = {f.path: f for f in data_files}
    contents: dict[str, bytes | Skipped] = {}

    def content(path: str) -> bytes | Skipped:
        if path not in contents:
            contents[path] = read(candidates[path])
        return contents[path]

    found = []
    searched: dict[tuple[str, str], list[str]] = {}
    for loader in loaders:
        named = [p for p in dict.fromkeys(_named_paths(loader, python)) if p in candidates]
        fields = (loader.name, loader.value)
        if not named and fields not in searched and len(searched) < MAX_SEARCHES:
            searched[fields] = _carrying(loader, sorted(candidates), content, config.test_paths)
        files = named or searched.get(fields, [])
        if files:
            found.append(DataRule(f"detected/{loader.module}:{loader.name}:{loader.value}", tuple(files),
                                  loader.module, loader.name, loader.value))
    chosen = sorted({path for rule in found for path in rule.files})
    read_files = tuple((p, c) for p in chosen if isinstance(c := content(p), bytes))
    skipped = tuple(c for p in sorted(contents) if isinstance(c := contents[p], Skipped))
    if not found:
        return LoadedData(rules, skipped=skipped)
    digest = hashlib.blake2b(repr(found).encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
    return LoadedData(with_data(rules, tuple(found), digest), read_files, skipped)


def _named_paths(loader: Loader, python: Sequence[Python]) -> Iterator[str]:
    """Project paths the load may name: its path literals, and those of the settings it reads."""
    here = posixpath.dirname(loader.path)
    for literal in loader.literals:
        yield from _inside(literal, ("", here))
    for setting in loader.settings:
        owner, _, name = setting.rpartition(".")
        for path, module, data in python:
            if _may_hold(module, owner):
                for literal in assigned_paths(path, data, name):
                    yield from _inside(literal, ("", here, posixpath.dirname(path)))


def _may_hold(module: str, owner: str) -> bool:
    """Whether ``module`` may define a name read as ``owner.NAME``: the module, a module below it (a settings
    package's ``defaults``), or for Django's ``settings`` object any settings module."""
    if owner == DJANGO_SETTINGS:
        return any(part.endswith("settings") for part in module.split("."))
    return bool(owner) and (module == owner or module.startswith(owner + "."))


def _inside(literal: str, folders: tuple[str, ...]) -> Iterator[str]:
    """``literal`` relative to each folder, where that stays inside the project (an absolute path never does:
    where the project is deployed is unknown)."""
    if literal.startswith(("/", "\\", "~")) or "\\" in literal:
        return
    for folder in folders:
        path = posixpath.normpath(posixpath.join(folder, literal))
        if path != ".." and not path.startswith("../"):
            yield path


def _carrying(loader: Loader, paths: list[str], content: Callable[[str], bytes | Skipped],
              test_paths: tuple[str, ...]) -> list[str]:
    """Data files whose rows carry both of the loader's fields (or that cannot be read as data, so the scan
    reports them): outside the tests if any is."""
    rule = DataRule("", (), loader.module, loader.name, loader.value)
    fields = (loader.name.encode(), loader.value.encode())
    found = []
    for path in paths:
        data = content(path)
        if isinstance(data, bytes) and all(f in data for f in fields) and data_constants(path, data, [rule]) != ():
            found.append(path)
    kept = [p for p in found if not is_test_path(p, test_paths)]
    return kept or found
