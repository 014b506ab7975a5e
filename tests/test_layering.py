"""The layering the folders promise, read from the source: which stage may import which, and that nothing
below the command line prints.

Imports are read with ``ast`` from every module, function-level imports included; imports under
``if TYPE_CHECKING:`` are annotations only and do not count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "flagaudit"

FORBIDDEN = {
    "flagaudit.facts": ("flagaudit",),
    "flagaudit.meaning": ("flagaudit",),
    "flagaudit.extract": ("git", "subprocess", "flagaudit.gitrepo", "flagaudit.scan", "flagaudit.model",
                          "flagaudit.history", "flagaudit.checks", "flagaudit.commands", "flagaudit.output",
                          "flagaudit.report", "flagaudit.api", "flagaudit.cli"),
    "flagaudit.model": ("flagaudit.scan", "flagaudit.history", "flagaudit.checks", "flagaudit.commands",
                        "flagaudit.output", "flagaudit.report", "flagaudit.api", "flagaudit.cli"),
    "flagaudit.scan": ("flagaudit.history", "flagaudit.cleanup", "flagaudit.commands", "flagaudit.output",
                       "flagaudit.report", "flagaudit.api", "flagaudit.cli"),
    "flagaudit.history": ("flagaudit.checks", "flagaudit.commands", "flagaudit.output", "flagaudit.report",
                          "flagaudit.api", "flagaudit.cli"),
    "flagaudit.checks": ("flagaudit.scan", "flagaudit.commands", "flagaudit.output", "flagaudit.report",
                         "flagaudit.api", "flagaudit.cli"),
    "flagaudit.output": ("flagaudit.scan", "flagaudit.extract", "flagaudit.model", "flagaudit.history",
                         "flagaudit.commands", "flagaudit.api", "flagaudit.cli"),
    "flagaudit.report": ("flagaudit.scan", "flagaudit.extract", "flagaudit.model", "flagaudit.history",
                         "flagaudit.checks", "flagaudit.commands", "flagaudit.api", "flagaudit.cli"),
    "flagaudit.cleanup": ("flagaudit.commands", "flagaudit.output", "flagaudit.report", "flagaudit.api",
                          "flagaudit.cli"),
    "flagaudit.commands": ("flagaudit.output", "flagaudit.api", "flagaudit.cli"),
    "flagaudit.api": ("flagaudit.output", "flagaudit.cli"),
}
"""Module (or package) -> what it may not import. Read down: a stage imports only the stages above it."""


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return found


MODULES = _modules()


def _type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def imports(module: str) -> set[str]:
    """Every module ``module`` imports at run time, by absolute name."""
    found: set[str] = set()
    package = module if module in _packages() else module.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[:len(package.split(".")) - node.level + 1], *filter(None, [base])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(MODULES[module])
    return found


def _packages() -> set[str]:
    return {name for name in MODULES if (PACKAGE.parent / name.replace(".", "/") / "__init__.py").is_file()}


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_stage_imports_only_the_stages_above_it(module: str) -> None:
    rules = [banned for owner, banned in FORBIDDEN.items() if _under(module, owner)]
    wrong = sorted(name for name in imports(module) for banned in rules for prefix in banned
                   if _under(name, prefix) and not _under(name, module))
    assert not wrong, f"{module} imports {', '.join(wrong)}"


PRINTING = {"print", "echo", "secho"}


@pytest.mark.parametrize("module", sorted(set(MODULES) - {"flagaudit.cli", "flagaudit.__main__"}))
def test_nothing_below_the_command_line_prints(module: str) -> None:
    """No ``print``, no click, no writes to ``sys.stdout``/``sys.stderr``: the library returns data, and the
    command line decides what reaches a terminal (a progress bar writes to the stream it is given)."""
    tree = MODULES[module]
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in PRINTING:
                problems.append(f"line {node.lineno}: {func.id}()")
            if isinstance(func, ast.Attribute) and func.attr in PRINTING | {"write"} and \
                    isinstance(func.value, ast.Attribute) and func.value.attr in ("stdout", "stderr"):
                problems.append(f"line {node.lineno}: {ast.unparse(func)}()")
    problems += [f"imports {name}" for name in imports(module) if _under(name, "click")]
    assert not problems, f"{module}: " + "; ".join(problems)


def test_the_rules_cover_every_stage() -> None:
    stages = {name.split(".")[1] for name in MODULES if name.count(".") >= 1}
    covered = {owner.split(".")[1] for owner in FORBIDDEN}
    assert {"extract", "scan", "model", "history", "checks", "cleanup", "output", "report", "commands",
            "api"} <= covered <= stages


CLI_REACHES = ("flagaudit", "flagaudit.api", "flagaudit.errors", "flagaudit.safefiles", "flagaudit.checks",
               "flagaudit.checks.verdict", "flagaudit.report")
"""What the command line may import besides the renderers (``flagaudit.output``): the API, errors, the file
writer behind ``-o``, the finding-rule catalogue (``explain``, ``--select``, ``--fail-on``) and the report's
format names. Everything else is the API's business."""


def test_the_command_line_reaches_the_engine_only_through_the_api() -> None:
    wrong = sorted(name for name in imports("flagaudit.cli") if _under(name, "flagaudit")
                   and name not in CLI_REACHES and not _under(name, "flagaudit.output"))
    assert not wrong, f"flagaudit.cli imports {', '.join(wrong)}"


def test_the_command_line_imports_the_api_only_in_the_commands_that_call_it() -> None:
    """``--help`` and ``explain`` never load the engine: cli.py's module-level imports leave the API out."""
    top = [node for node in MODULES["flagaudit.cli"].body if isinstance(node, (ast.Import, ast.ImportFrom))]
    names = {alias.name for node in top if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module or "" for node in top if isinstance(node, ast.ImportFrom)}
    assert "flagaudit.api" not in names and not any(_under(name, "flagaudit.commands") for name in names)


@pytest.mark.parametrize("module", sorted(set(MODULES) - {"flagaudit.gitrepo"}))
def test_git_runs_only_from_the_git_adapter(module: str) -> None:
    """git and subprocesses only in ``flagaudit/gitrepo.py``, which runs git hardened (docs/security.md)."""
    wrong = sorted(name for name in imports(module) if _under(name, "git") or _under(name, "subprocess"))
    assert not wrong, f"{module} imports {', '.join(wrong)}"
