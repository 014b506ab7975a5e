"""Project configuration: ``[tool.flagaudit]`` in ``pyproject.toml``, or ``flagaudit.toml``.

Unknown keys are an error that names them: a typo in a CI config should fail
loudly, not be silently ignored.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flagaudit.checks.verdict import parse_fail_on
from flagaudit.documentation import written_modules
from flagaudit.errors import FlagauditError
from flagaudit.safefiles import TEXT_LIMIT, OutsideProject, read_inside, read_regular
from flagaudit.sdk_rules import RuleSet, load_rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULT_TEST_PATHS = ("tests/", "test/", "testing/", "*_tests/", "test_*.py", "*_test.py", "*_tests.py", "tests.py",
                      "test.py", "conftest.py", "features/environment.py", "*/features/environment.py",
                      "features/steps/*.py", "*/features/steps/*.py")
"""Test code by folder or file name; ``test.py`` and ``tests.py`` are modules Django's runner finds (``test*.py``);
``*_tests/``: ``integration_tests/``, ``acceptance_tests/``, osf.io's ``api_tests/`` beside its packages; behave's
hooks and step definitions, where its layout puts them (``features/environment.py``, ``features/steps/``: uktrade/
fft's browser tests, whose hooks read a setting for their remote browser)."""
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
    written_modules: tuple[str, ...] = ()
    """Python modules the project's example configuration is for (``settings/config.py``), which each deployment
    writes: see :func:`flagaudit.documentation.written_modules`."""
    default_flag_type: str | None = None
    """The type of a flag nothing declares a type for (default: rules/policies.toml's)."""
    dormant_days: int | None = None
    policies: tuple[tuple[str, int | None], ...] = ()
    """Flag type -> days a flag of that type may live (``None``: never stale), over rules/policies.toml."""
    flags: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    """Key pattern -> ``type``, ``owner``, ``expires`` for flags the code does not annotate."""
    fail_on: tuple[str, ...] = ()
    """What fails ``check`` (severities and finding codes); empty: errors (``--fail-on`` overrides it)."""


_LISTS = {"paths", "exclude", "rules", "settings-dicts", "test-paths", "entry-points", "settings-paths"}
_KNOWN = _LISTS | {"max-file-size", "cache-dir", "default-flag-type", "dormant-days", "policies", "flags", "fail-on"}
_FLAG_FIELDS = {"type", "owner", "expires"}


def load_project(paths: tuple[str, ...] = (), config_file: str | None = None,
                 directory: Path | None = None) -> tuple[Config, RuleSet]:
    """The configuration for ``paths`` (else ``directory``, else the current folder) and the SDK rules it loads:
    what the functions of :mod:`flagaudit.api` take."""
    config = load_config(paths, config_file, directory)
    return config, load_rules(config.rules, config.settings_dicts)


def load_config(paths: tuple[str, ...], config_file: str | None = None, start: Path | None = None) -> Config:
    """Find and validate the configuration for scanning ``paths`` (``start``, else the current folder, if empty)."""
    targets = [Path(p) for p in paths] or [start or Path.cwd()]
    for target in targets:
        if not target.exists() and not target.is_symlink():
            raise FlagauditError(f"path does not exist: {target}")
    source, table = _find(targets[0]) if config_file is None else _given(config_file)
    root = source.parent.resolve() if source else _default_root(targets[0])
    rules_root = root
    if config_file is not None and not root.is_relative_to(project := _default_root(targets[0])):
        # a configuration of the user's own, kept outside the project: it configures the project scanned (its
        # history, its lock), and names rule files beside itself
        root, rules_root = project, root
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
    if cache_dir is not None and _inside(root, cache_dir, source, "cache-dir") == root:
        raise FlagauditError(f"{source}: [tool.flagaudit] cache-dir must be a folder inside the project, "
                             "not the project itself")
    if paths:
        scan_paths = tuple(t.resolve() for t in targets)
    else:
        scan_paths = tuple(_inside(root, p, source, "paths", exists=True) for p in table.get("paths", ["."]))
    fail_on = table.get("fail-on", [])
    if isinstance(fail_on, str):
        fail_on = [fail_on]
    if not isinstance(fail_on, list) or not all(isinstance(v, str) for v in fail_on):
        raise FlagauditError(f"{source}: [tool.flagaudit] fail-on must be a severity or a list "
                             '("warning", ["error", "FA101"])')
    return Config(
        root=root, source=source, paths=scan_paths, exclude=tuple(table.get("exclude", ())),
        rules=tuple(_inside(rules_root, r, source, "rules", exists=True) for r in table.get("rules", ())),
        settings_dicts=tuple(table.get("settings-dicts", ())),
        test_paths=tuple(table.get("test-paths", DEFAULT_TEST_PATHS)),
        max_file_size=max_size, cache_dir=(root / cache_dir) if cache_dir else None,
        entry_points=tuple(p.replace(":", ".") for p in table.get("entry-points", ())),
        scripts=_scripts(root), settings_paths=tuple(table.get("settings-paths", DEFAULT_SETTINGS_PATHS)),
        written_modules=written_modules(root),
        fail_on=parse_fail_on(fail_on, f"{source}: [tool.flagaudit] fail-on") if fail_on else (),
        **_lifecycle(table, source),
    )


def _given(config_file: str) -> tuple[Path, dict[str, Any]]:
    """The configuration file named on the command line, and its table."""
    source = Path(config_file)
    if not source.is_file():
        raise FlagauditError(f"config file not found: {config_file}")
    table = _read_table(source)
    if table is None:
        raise FlagauditError(f"{config_file}: no [tool.flagaudit] table")
    return source, table


def _inside(root: Path, value: str, source: Path | None, name: str, exists: bool = False) -> Path:
    """A path from the configuration, which the repository wrote: relative, and inside the project with
    links resolved; ``exists`` makes a missing one an error, as a missing path on the command line is."""
    path = root / value
    if Path(value).is_absolute() or not Path(os.path.realpath(path)).is_relative_to(root):
        raise FlagauditError(f"{source}: [tool.flagaudit] {name}: {value!r} is outside the project "
                             "(paths in the configuration must stay inside it)")
    if exists and not path.exists():
        raise FlagauditError(f"{source}: [tool.flagaudit] {name}: {value!r} does not exist")
    return Path(os.path.normpath(path))


def _lifecycle(table: dict[str, Any], source: Path | None) -> dict[str, Any]:
    """The settings of the lifecycle checks, validated for shape; rules/policies.toml knows the type names."""
    def fail(name: str, what: str) -> FlagauditError:
        return FlagauditError(f"{source}: [tool.flagaudit] {name} must be {what}")

    default_type = table.get("default-flag-type")
    if default_type is not None and (not isinstance(default_type, str) or not default_type):
        raise fail("default-flag-type", "a flag type name")
    dormant = table.get("dormant-days")
    if dormant is not None and (not isinstance(dormant, int) or isinstance(dormant, bool) or dormant <= 0):
        raise fail("dormant-days", "a positive number of days")
    policies = table.get("policies", {})
    if not isinstance(policies, dict) or not all(
            v == "never" or (isinstance(v, int) and not isinstance(v, bool) and v > 0) for v in policies.values()):
        raise fail("policies", 'a table of flag type = days (or "never")')
    flags = table.get("flags", {})
    if not isinstance(flags, dict) or not all(
            isinstance(v, dict) and set(v) <= _FLAG_FIELDS and all(isinstance(x, (str, date)) for x in v.values())
            and _is_date(v.get("expires", date.min)) for v in flags.values()):
        raise fail("flags", 'a table of key pattern = { type = "...", owner = "...", expires = YYYY-MM-DD }')
    return dict(
        default_flag_type=default_type, dormant_days=dormant,
        policies=tuple(sorted((k, None if v == "never" else v) for k, v in policies.items())),
        flags=tuple(sorted((k, tuple(sorted((f, str(x)) for f, x in v.items()))) for k, v in flags.items())),
    )


def _is_date(value: object) -> bool:
    """A TOML date (a datetime is not one) or an ISO ``YYYY-MM-DD`` string."""
    if isinstance(value, str):
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        return len(value) == 10
    return type(value) is date


def _scripts(root: Path) -> tuple[str, ...]:
    """Targets of ``[project.scripts]``, ``[project.gui-scripts]`` and ``[project.entry-points.*]``."""
    try:
        text = read_inside(root, root / "pyproject.toml", TEXT_LIMIT).decode("utf-8")
        project = tomllib.loads(text).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ()
    if not isinstance(project, dict):
        return ()
    entry_points = project.get("entry-points", {})
    tables = [project.get("scripts", {}), project.get("gui-scripts", {}),
              *(entry_points.values() if isinstance(entry_points, dict) else ())]
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
            if path.is_file() or path.is_symlink():
                table = _read_table(path, candidate)
                if table is not None:
                    return path, table
        if (candidate / ".git").exists():
            break
    return None, None


def _read_table(path: Path, project: Path | None = None) -> dict[str, Any] | None:
    """The ``[tool.flagaudit]`` table of ``path``; one found in ``project`` (not named on the command line)
    must be a regular file there, not a link out of it."""
    try:
        raw = read_inside(project, path, TEXT_LIMIT) if project else read_regular(path.resolve(), TEXT_LIMIT)
    except OutsideProject as exc:
        raise FlagauditError(f"cannot read config {path}: {exc.strerror}") from None
    except OSError as exc:
        raise FlagauditError(f"cannot read config {path}: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        if project and path.name == "pyproject.toml" and not _may_name_us(raw):
            return None  # a broken pyproject.toml that cannot hold [tool.flagaudit] configures nothing of ours
        raise FlagauditError(f"cannot read config {path}: {exc}") from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise FlagauditError(f"{path}: tool must be a table")
    if path.name == "flagaudit.toml":
        table = tool.get("flagaudit", data)
    else:
        table = tool.get("flagaudit")
    if table is not None and not isinstance(table, dict):
        raise FlagauditError(f"{path}: [tool.flagaudit] must be a table")
    return table


def _may_name_us(raw: bytes) -> bool:
    """Whether some fix of a file that does not parse could give it a ``[tool.flagaudit]`` table: it spells the
    name, or has an escape a quoted key could spell it with. A project's broken pyproject.toml (osf.io committed
    one for a release) is otherwise no reason to stop a gate it does not configure."""
    return b"flagaudit" in raw.lower() or b"\\u" in raw or b"\\U" in raw


def _default_root(target: Path) -> Path:
    """With no config: the enclosing git work tree, else the scanned folder."""
    folder = target.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder
