"""Keys the project's own documentation names: settings its operators set, which a flag's age says nothing about.

A README that lists a switch among those an operator turns on (``| enable_course_api | Retrieve course details
from the course API |``) declares the switch part of the deployment's configuration, as a ``toggle_use_cases:
open_edx`` annotation does. Only the documentation a project publishes for its users is read: README files at
the root and text under ``docs/`` or ``doc/``, and the example configuration an operator copies and edits, within
two folders of the root (taigaio/taiga-back's ``settings/config.py.prod.example``, ``.env.example``); not
changelogs, decision records or developers' guides, which also tell of rollouts that were meant to end. A line
that calls the key temporary, or says it goes away, is no such declaration, and a key named on such a line
anywhere is not documented at all. Nor is a call in a code example
(``if isFlagActive(runtimeData.data, "tracker_removal")`` in a fenced block of mozilla/fx-private-relay's guide to
its flags): it shows how code asks for a flag, not that operators set this one. A command or an assignment in a
code block (``./manage.py waffle_switch NAME on``, ``ENABLE_X = True``) still names a setting.

Reading is bounded: regular files inside the project only (no links out), at most :data:`FILE_LIMIT` bytes each
and :data:`MAX_FILES` files, in path order, so the same tree gives the same answer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from flagaudit.safefiles import read_inside

FILE_LIMIT = 1_000_000
MAX_FILES = 2_000
_FOLDERS = ("docs", "doc")
_SUFFIXES = (".md", ".rst", ".txt")
_NOT_USER_DOCS = re.compile(r"^(changelog|changes|history|news|release|decisions?|adrs?|develop\w*|dev|contribut\w*)\b",
                            re.IGNORECASE)
"""Records of changes and decisions, and documentation for the project's developers (``docs/developer/``,
``CONTRIBUTING``): they also tell of switches being tested or rolled out, which are not an operator's settings."""
_TEMPORARY = re.compile(r"\b(temporar(y|ily)|remov(e|ed|al)|deprecat\w*|roll[- ]?out|clean[- ]?up|sunset)\b",
                        re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z_][\w.:-]*\w")
_CODE_WORD = re.compile(r"`([A-Za-z_]\w*)`")
"""One word set as code (Markdown's and reStructuredText's inline literals): a name, as a prose word is not
(mozilla/fx-private-relay's README: "phone features are further protected by a waffle flag `phones`")."""
_FENCE = re.compile(r"\s*(```|~~~)")
"""A line that opens or closes a Markdown code block."""
_BARE_MODULE = r"(?!env\.)(?P<bare>[A-Za-z_]\w*)\.(?:example|sample|dist)"
"""A settings module's example without its ``.py`` (``local.example``), not an environment's (``env.example``)."""
_EXAMPLE = re.compile(r"^(?:.+\.py|\.?env|.+\.env)(?:\.[\w-]+)?\.(?:example|sample|dist|template|tmpl)$"
                      r"|^(?:example|sample)\.env$|^" + _BARE_MODULE + "$", re.IGNORECASE)
"""Configuration an operator copies and edits: what it sets (even commented out), operators set. Also a settings
module's example without its suffix (TabbycatDebate/tabbycat's ``settings/local.example`` for ``local.py``, which
django-split-settings includes)."""
_EXAMPLE_DEPTH = 2
"""Folders below the root searched for example configuration (``settings/``, ``proj/settings/``)."""
_SKIPPED = frozenset({"node_modules", "static", "vendor", "site-packages", "__pycache__"})
_SETTING_ITEM = re.compile(r"""^\w+\[['"](?P<name>[^'"]+)['"]\]$""")


def documented_keys(root: Path) -> dict[str, str]:
    """Every name (a token with ``_``, ``.``, ``:`` or ``-`` in it, or one word set as code) the project's
    documentation mentions, with where it first does (``README.md:103``); names also mentioned as temporary are
    left out."""
    found: dict[str, str] = {}
    temporary: set[str] = set()
    folders: dict[str, str] = {}
    for path in _documents(root):
        try:
            text = read_inside(root, root / path, FILE_LIMIT, folders).decode("utf-8", "replace")
        except OSError:
            continue  # documentation is evidence only: an unreadable file is no evidence, never a verdict
        fenced = False
        for number, line in enumerate(text.splitlines(), 1):
            if _FENCE.match(line):
                fenced = not fenced
                continue
            if fenced and "(" in line:
                continue  # a call in a code example
            names = {t for t in _TOKEN.findall(line) if not t.isalnum()} | set(_CODE_WORD.findall(line))
            if _TEMPORARY.search(line):
                temporary.update(names)
            for name in sorted(names):
                found.setdefault(name, f"{path}:{number}")
    return {name: where for name, where in found.items() if name not in temporary}


def documented_where(key: str, documented: Mapping[str, str]) -> str | None:
    """Where the documentation names ``key`` (a settings dictionary's item by its own name), if it does."""
    item = _SETTING_ITEM.match(key)
    return documented.get(key) or (documented.get(item["name"]) if item else None)


def _documents(root: Path) -> list[str]:
    """The documentation files, relative to ``root``, in path order; links to folders are not followed."""
    found: list[str] = []
    try:
        top = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return []
    for entry in top:
        if entry.name.upper().startswith("README") and entry.is_file(follow_symlinks=False):
            found.append(entry.name)
    found += _examples(top)
    for folder in _FOLDERS:
        start = root / folder
        if not start.is_dir() or start.is_symlink():
            continue
        for current, dirs, files in os.walk(start, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not _NOT_USER_DOCS.match(d))
            here = Path(current).relative_to(root).as_posix()
            found += [f"{here}/{name}" for name in sorted(files)
                      if name.lower().endswith(_SUFFIXES) and not _NOT_USER_DOCS.match(name)]
            if len(found) >= MAX_FILES:
                return found[:MAX_FILES]
    return found


def written_modules(root: Path) -> tuple[str, ...]:
    """The Python modules example configuration is for, relative to ``root``, sorted: ``settings/config.py`` of
    taigaio/taiga-back's ``settings/config.py.prod.example``, which an operator copies there and edits."""
    try:
        top = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return ()
    written = set()
    for path in _examples(top):
        folder, slash, name = path.rpartition("/")
        found = _EXAMPLE_PYTHON.fullmatch(name)
        if found is not None:
            written.add(folder + slash + (found["module"] or found["bare"] + ".py"))
    return tuple(sorted(written))


_EXAMPLE_PYTHON = re.compile(r"(?P<module>.+\.py)(?:\.[\w-]+)?\.(?:example|sample|dist|template|tmpl)|"
                             + _BARE_MODULE, re.IGNORECASE)


def _examples(top: list[os.DirEntry[str]]) -> list[str]:
    """Example configuration files (:data:`_EXAMPLE`) in the root and up to :data:`_EXAMPLE_DEPTH` folders below
    it, in path order; hidden and vendored folders and links are not entered."""
    found: list[str] = []
    level = [("", top)]
    for depth in range(_EXAMPLE_DEPTH + 1):
        deeper = []
        for prefix, entries in level:
            for entry in entries:
                if entry.is_file(follow_symlinks=False) and _EXAMPLE.match(entry.name):
                    found.append(prefix + entry.name)
                elif depth < _EXAMPLE_DEPTH and entry.is_dir(follow_symlinks=False) \
                        and not entry.name.startswith(".") and entry.name not in _SKIPPED:
                    try:
                        deeper.append((f"{prefix}{entry.name}/", sorted(os.scandir(entry.path), key=lambda e: e.name)))
                    except OSError:
                        continue
        level = deeper
    return sorted(found)
