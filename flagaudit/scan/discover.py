"""Which files to analyse: what git tracks (or would track), else a walk that skips the usual noise."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from flagaudit.facts import Skipped
from flagaudit.gitrepo import Repository, find_repository, git_available
from flagaudit.safefiles import read_inside
from flagaudit.sdk_rules import text_file

_NOISE_DIRS = frozenset({
    ".git", ".hg", ".svn", "__pycache__", "node_modules", ".tox", ".nox", ".venv", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", ".flagaudit_cache", ".eggs", "site-packages",
})


_VENDORED = re.compile(r"(?:^|/)(?:vendor-local|_vendor|vendor/(?:lib|src|packages))/")
"""Folders that hold copies of other projects: Mozilla's playdoh layout (``vendor/src/``, ``vendor/packages/``,
``vendor-local/lib/python/``: mozilla/firefox-flicks inventoried djcelery's ``CELERY_ENABLE_UTC``), pip's
``_vendor``. A project's own app named ``vendor`` is none of them, nor is a ``third_party`` folder: it holds the
project's own settings for the services it uses (freelawproject/courtlistener's ``cl/settings/third_party/``)."""


SCRIPT = "manage.py"
"""Django's command script. ``python manage.py`` puts its folder first on ``sys.path``, so the project imports
its modules by names that start below that folder, also when the folder holds an ``__init__.py`` (for a test
runner at the top, say): such a folder is not a package in a module's name, unless the script names its own
folder's package as the settings' (:func:`names_itself`)."""

DISTRIBUTION = ("pyproject.toml", "setup.py", "setup.cfg")
"""The files that make a folder a distribution's root, which its installed packages are named from: in a
repository of several (mitodl/ol-django's ``src/common/pyproject.toml`` beside ``src/common/mitol/common/``), a
folder between it and a package is a namespace package (``mitol``, PEP 420), part of the modules' names."""
_SETTINGS_MODULE = re.compile(rb"""DJANGO_SETTINGS_MODULE['"]\s*(?:,|\]\s*=)\s*[rRbBuU]?['"]([A-Za-z_][\w.]*)['"]""")
"""Where a ``manage.py`` sets the settings module: ``os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x.settings")``
or ``os.environ["DJANGO_SETTINGS_MODULE"] = "x.settings"``."""
_SCRIPT_READ = 65_536
"""Bytes of a ``manage.py`` read for its settings module: such a script is a few hundred."""


def names_itself(folder: str, script: bytes, holds: Callable[[str], bool]) -> bool:
    """Whether ``script``, the ``manage.py`` of ``folder``, names a settings module in the package that folder is
    (``src/aap_eda/manage.py`` sets ``aap_eda.settings.default``, ansible/eda-server): the project is then
    installed and imports the folder by its name, which is a package in its modules' names. A script in a folder
    its code never imports by name (uktrade/redbox's ``django_app/manage.py`` sets ``redbox_app.settings``) puts
    that folder on ``sys.path``, and so does one whose folder holds a package of the settings module's package name
    (``holds``: Django's own layout, usdoj-crt/crt-portal's ``crt_portal/manage.py`` beside
    ``crt_portal/crt_portal/settings.py``)."""
    name = folder.rpartition("/")[2]
    found = _SETTINGS_MODULE.search(script)
    return bool(name) and found is not None and found[1].decode("ascii").split(".")[0] == name and not holds(name)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to analyse: path relative to the root (POSIX separators) and its module name."""

    path: str
    absolute: Path
    module: str


def discover(root: Path, paths: tuple[Path, ...], exclude: tuple[str, ...], text_globs: tuple[str, ...],
             cache_dir: Path | None = None) -> tuple[list[SourceFile], list[Skipped], frozenset[str]]:
    """Files under ``paths`` that can hold flags: Python, plus what the text rules name; and the folders below the
    root that hold a distribution's file (:data:`DISTRIBUTION`), found among the listed files without a look at the
    disk (:func:`published_packages`).

    In a git work tree, git lists them, asked once in the repository found
    from ``root``: never in a folder under it, which could be laid out as a
    git directory of its own.
    """
    skipped: list[Skipped] = []
    found: dict[str, Path] = {}
    repository = find_repository(root) if git_available() else None
    candidates = [item for target in paths for item in _candidates(target, cache_dir, repository)]
    distributions: set[str] = set()
    for absolute, problem in candidates:
        rel = _relative(root, absolute)
        if problem:
            skipped.append(Skipped(rel, problem))
            continue
        if wanted(rel, text_globs) and not excluded(rel, exclude):
            found[rel] = absolute
        folder, _, name = rel.rpartition("/")
        if folder and name in DISTRIBUTION:
            distributions.add(folder)
    packages: dict[str, bool] = {}
    scripts: dict[str, bool] = {}

    def is_script(folder: str) -> bool:
        if folder not in scripts:
            script = root / folder / SCRIPT
            scripts[folder] = _is_file(script) and not names_itself(
                folder, _head(root, script), lambda name: _is_file(root / folder / name / "__init__.py"))
        return scripts[folder]

    def is_package(folder: str) -> bool:
        if folder not in packages:
            packages[folder] = _is_file(root / folder / "__init__.py") and not is_script(folder)
        return packages[folder]

    @functools.cache
    def is_distribution(folder: str) -> bool:
        return any(_is_file(root / folder / name) for name in DISTRIBUTION)

    files = [SourceFile(rel, found[rel], module_name(rel, is_package, is_script, is_distribution)
                        if rel.endswith(".py") else "") for rel in sorted(found)]
    return files, sorted(set(skipped), key=lambda s: s.path), frozenset(distributions)


_DEPLOYED = ("manage.py", "wsgi.py", "asgi.py")
"""Files by which a folder deploys an application of its own (Django's command script, the WSGI and ASGI modules a
server loads), not only a package other projects install."""


def published_packages(paths: list[str], distributions: frozenset[str]) -> tuple[str, ...]:
    """The folders of ``distributions`` (below the root, holding a distribution's file: :func:`discover`) that hold
    Python files and deploy nothing (:data:`_DEPLOYED`) among the listed ``paths``: a repository of libraries
    (mitodl/ol-django's ``src/olposthog/pyproject.toml``, one of twenty apps published to the package index, tried
    in a ``testapp`` beside them). Other projects call their public functions, so those are entry points
    (model/entrypoints.py), and their settings are the host's to set. The root's own distribution is not one: an
    application is often packaged too. A folder holding an application's own ``pyproject.toml`` (``backend/`` beside
    a front end) has its ``manage.py`` or ``wsgi.py``, and is not one either."""
    if not distributions:
        return ()  # most projects: no walk over every path on every run
    folders: set[str] = set()
    deployed: set[str] = set()
    for path in paths:
        parts = path.split("/")
        above = ["/".join(parts[:n]) for n in range(1, len(parts))]
        if path.endswith(".py"):
            folders.update(above)
        if parts[-1] in _DEPLOYED:
            deployed.update(above)
    return tuple(sorted(distributions.intersection(folders) - deployed))


def _candidates(target: Path, cache_dir: Path | None,
                repository: Repository | None) -> list[tuple[Path, str | None]]:
    if target.is_file() or (target.is_symlink() and not target.is_dir()):
        return [(target, None)]
    listed = repository.files(target) if repository is not None else None
    if listed is not None:
        return [(p, problem) for p, problem in _reachable(listed) if not (cache_dir and _below(p, cache_dir))]
    return _walk(target, cache_dir)


def listed_by_git(root: Path, folder: Path) -> bool:
    """Whether git lists any file in ``folder`` (below ``root``): tracked, or untracked and not ignored.

    A name git could read as pathspec magic or a wildcard (``:(exclude)*``) counts as listed: such a
    name could hide what it holds from the question."""
    if any(c in folder.relative_to(root).as_posix() for c in ":*?[\\"):
        return True
    repository = find_repository(root) if git_available() else None
    return bool(repository is not None and repository.files(folder))


def _reachable(listed: list[Path]) -> list[tuple[Path, str | None]]:
    """Files git lists, less those deleted from the working tree; one that cannot be reached (a folder without
    read or search permission) is reported, never silently dropped."""
    found: list[tuple[Path, str | None]] = []
    for path in listed:
        try:
            os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            found.append((path, f"cannot read: {exc.strerror or exc}"))
            continue
        found.append((path, None))
    return found


def _walk(folder: Path, cache_dir: Path | None) -> list[tuple[Path, str | None]]:
    found: list[tuple[Path, str | None]] = []
    for current, dirs, files in os.walk(folder, followlinks=False, onerror=lambda e: found.append(
            (Path(e.filename), f"cannot read folder: {e.strerror}"))):
        here = Path(current)
        kept = []
        for name in sorted(dirs):
            path = here / name
            if name in _NOISE_DIRS or name.endswith(".egg-info") or _is_file(path / "pyvenv.cfg") or path == cache_dir:
                continue
            if path.is_symlink():
                found.append((path, "symbolic link to a folder (not followed)"))
                continue
            kept.append(name)
        dirs[:] = kept
        found.extend((here / name, None) for name in sorted(files))
    return found


def wanted(rel: str, text_globs: tuple[str, ...]) -> bool:
    """Python files, and what the text rules (templates, JavaScript) name: the scan's and history's choice."""
    return rel.endswith(".py") or text_file(rel, text_globs)


def excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    """The configured ``exclude`` globs, matching a path or any folder above it; and other projects' code kept in
    the tree (:data:`_VENDORED`), whose flags and settings are those projects' own."""
    if _VENDORED.search(rel):
        return True
    for raw in patterns:
        pattern = raw.rstrip("/")
        if fnmatch(rel, pattern) or fnmatch(rel, f"{pattern}/*"):
            return True
        if "/" not in pattern and (fnmatch(rel, f"*/{pattern}") or fnmatch(rel, f"*/{pattern}/*")):
            return True
    return False


def _relative(root: Path, path: Path) -> str:
    """``path.relative_to(root).as_posix()``, else ``path.as_posix()``; compared by parts, which a Path keeps,
    where ``relative_to`` parses new paths for every one of thousands of files."""
    size = len(root.parts)
    if size and path.parts[:size] == root.parts:
        return "/".join(path.parts[size:]) or "."
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _below(path: Path, folder: Path) -> bool:
    """``folder in path.parents`` (POSIX paths), compared by parts: ``parents`` builds a Path per level."""
    size = len(folder.parts)
    if not size:  # "." has no parts, and is a parent of relative paths only
        return folder in path.parents
    return len(path.parts) > size and path.parts[:size] == folder.parts


def module_name(path: str, is_package: Callable[[str], bool], is_script: Callable[[str], bool],
                is_distribution: Callable[[str], bool]) -> str:
    """Dotted module name of the file at ``path`` (relative to the project root, POSIX separators).

    The name starts at the outermost folder that is a package (holds ``__init__.py``, and no :data:`SCRIPT`);
    folders below it without one are namespace packages and stay in the name, as Python imports them, and so are
    the folders without one between it and a distribution's root below the project's (``is_distribution``, see
    :data:`DISTRIBUTION`; not through a ``src`` folder or a script's). A distribution's root is no package even
    with an ``__init__.py``: what it installs is the packages below it (mitodl/ol-django's
    ``src/authentication/__init__.py`` beside ``src/authentication/mitol/authentication/``). A file no
    package holds is named from the nearest folder above it that holds :data:`SCRIPT` (``is_script``; ``""``
    is the root), which Django puts on ``sys.path``: ``libs/decorators.py`` beside ``manage.py`` is imported as
    ``libs.decorators``, ``libs`` a namespace package. The root itself is never part of a name, so names do not
    depend on the folder a project is checked out in. Scan and history both name modules here, so a site's
    function reads the same in both.
    """
    folders = path.split("/")[:-1]
    stem = path.rsplit("/", 1)[-1].removesuffix(".py")
    top = next((n for n in range(len(folders)) if is_package(here := "/".join(folders[:n + 1]))
                and not is_distribution(here)), None)
    if top is None:
        top = next((n for n in range(len(folders), -1, -1) if is_script("/".join(folders[:n]))), len(folders))
    else:
        top = _namespaces_above(folders, top, is_script, is_distribution)
    return ".".join([*folders[top:], *([] if stem == "__init__" else [stem])])


def _namespaces_above(folders: list[str], top: int, is_script: Callable[[str], bool],
                      is_distribution: Callable[[str], bool]) -> int:
    """Where the name of a module of the package ``folders[top]`` starts: at the outermost namespace package above
    it inside a distribution below the project's root, or at the package."""
    for index in range(top - 1, -1, -1):
        here = "/".join(folders[:index + 1])
        if folders[index] == "src" or is_script(here) or is_distribution(here):
            return top
        if index and is_distribution("/".join(folders[:index])):
            return index
    return top


def _head(root: Path, path: Path) -> bytes:
    """A small file's bytes, or none when it cannot be read from the project (a link out of it, too large)."""
    try:
        return read_inside(root, path, _SCRIPT_READ)
    except OSError:
        return b""


def _is_file(path: Path) -> bool:
    """``Path.is_file``, but in a folder that cannot be searched it says no instead of raising (before 3.12)."""
    try:
        return path.is_file()
    except OSError:
        return False
