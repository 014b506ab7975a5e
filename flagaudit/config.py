"""Project configuration: ``[tool.flagaudit]`` in ``pyproject.toml``, or ``flagaudit.toml``.

Unknown keys are an error that names them: a typo in a CI config should fail
loudly, not be silently ignored.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flagaudit.errors import FlagauditError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULT_TEST_PATHS = ("tests/", "test/", "testing/", "test_*.py", "*_test.py", "*_tests.py", "tests.py", "conftest.py")
DEFAULT_MAX_FILE_SIZE = 5_000_000
DEFAULT_SETTINGS_PATHS = ("*settings*.py", "*/settings/*.py", "*/envs/*.py")


@dataclass(frozen=True)
class Config:
    """Settings for one run; paths are absolute."""

    root: Path
    source: Path | None = None
    paths: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()
    rules: tuple[Path, ...] = ()
    settings_dicts: tuple[str, ...] = ()
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    cache_dir: Path | None = None
    entry_points: tuple[str, ...] = ()
    """Qualified-name patterns (``pkg.api.*``, ``pkg.cli:main``) that are entry points besides the conventions."""
    scripts: tuple[str, ...] = ()
    """``module:function`` targets of the project's console scripts and entry points."""
    settings_paths: tuple[str, ...] = DEFAULT_SETTINGS_PATHS


_LISTS = {"paths", "exclude", "rules", "settings-dicts", "test-paths", "entry-points", "settings-paths"}
_KNOWN = _LISTS | {"max-file-size", "cache-dir"}


def load_config(paths: tuple[str, ...], config_file: str | None = None) -> Config:
    """Find and validate the configuration for scanning ``paths`` (the current folder if empty)."""
    targets = [Path(p) for p in paths] or [Path.cwd()]
    for target in targets:
        if not target.exists() and not target.is_symlink():
            raise FlagauditError(f"path does not exist: {target}")
    if config_file is not None:
        source = Path(config_file)
        if not source.is_file():
            raise FlagauditError(f"config file not found: {config_file}")
        table = _read_table(source)
        if table is None:
            raise FlagauditError(f"{config_file}: no [tool.flagaudit] table")
    else:
        source, table = _find(targets[0])
    root = source.parent.resolve() if source else _default_root(targets[0])
    table = table or {}
    unknown = sorted(set(table) - _KNOWN)
    if unknown:
        raise FlagauditError(
            f"{source}: unknown setting(s) {', '.join(unknown)} in [tool.flagaudit]; known: {', '.join(sorted(_KNOWN))}"
        )
    for name in _LISTS & set(table):
        value = table[name]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise FlagauditError(f"{source}: [tool.flagaudit] {name} must be a list of strings")
    max_size = table.get("max-file-size", DEFAULT_MAX_FILE_SIZE)
    if not isinstance(max_size, int) or isinstance(max_size, bool) or max_size <= 0:
        raise FlagauditError(f"{source}: [tool.flagaudit] max-file-size must be a positive number of bytes")
    cache_dir = table.get("cache-dir")
    if cache_dir is not None and (not isinstance(cache_dir, str) or not cache_dir):
        raise FlagauditError(f"{source}: [tool.flagaudit] cache-dir must be a path")
    scan_paths = tuple(t.resolve() for t in targets) if paths else tuple(root / p for p in table.get("paths", ["."]))
    return Config(
        root=root, source=source, paths=scan_paths, exclude=tuple(table.get("exclude", ())),
        rules=tuple(root / r for r in table.get("rules", ())),
        settings_dicts=tuple(table.get("settings-dicts", ())),
        test_paths=tuple(table.get("test-paths", DEFAULT_TEST_PATHS)),
        max_file_size=max_size, cache_dir=(root / cache_dir) if cache_dir else None,
        entry_points=tuple(p.replace(":", ".") for p in table.get("entry-points", ())),
        scripts=_scripts(root), settings_paths=tuple(table.get("settings-paths", DEFAULT_SETTINGS_PATHS)),
    )


def _scripts(root: Path) -> tuple[str, ...]:
    """Targets of ``[project.scripts]``, ``[project.gui-scripts]`` and ``[project.entry-points.*]``."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return ()
    try:
        project = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ()
    tables = [project.get("scripts", {}), project.get("gui-scripts", {}), *project.get("entry-points", {}).values()]
    targets = {v.split("[")[0].strip() for t in tables if isinstance(t, dict) for v in t.values() if isinstance(v, str)}
    return tuple(sorted(targets))


def _find(start: Path) -> tuple[Path | None, dict[str, Any] | None]:
    """The nearest ``flagaudit.toml`` or ``pyproject.toml`` with ``[tool.flagaudit]`` above ``start``."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in ("flagaudit.toml", "pyproject.toml"):
            path = candidate / name
            if path.is_file():
                table = _read_table(path)
                if table is not None:
                    return path, table
        if (candidate / ".git").exists():
            break
    return None, None


def _read_table(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FlagauditError(f"cannot read config {path}: {exc}") from None
    if path.name == "flagaudit.toml":
        table = data.get("tool", {}).get("flagaudit", data)
    else:
        table = data.get("tool", {}).get("flagaudit")
    if table is not None and not isinstance(table, dict):
        raise FlagauditError(f"{path}: [tool.flagaudit] must be a table")
    return table


def _default_root(target: Path) -> Path:
    """With no config: the enclosing git work tree, else the scanned folder."""
    folder = target.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder
