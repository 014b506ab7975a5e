"""The imports a branch makes are found without walking the branches that span no import statement's line.

Each source below is real Python; for every node of it, what :class:`BranchUses` gives must be what a walk of the
node finds (an import inside a branch names the calls after it: ``from app.signals import handler``)."""

from __future__ import annotations

import ast

import pytest

from flagaudit.extract.calls import call_facts
from flagaudit.extract.fingerprint import BranchUses
from flagaudit.extract.symbols import import_bindings, module_scope
from flagaudit.extract.tree import Source

SOURCES = {
    "imports at the top only": "import os\nfrom app import flags\n\n\ndef view():\n    if flags.on('a'):\n"
                               "        return os.getcwd()\n    return None\n",
    "an import in a branch": "def view(flags):\n    if flags.on('a'):\n        from app.signals import handler\n"
                             "        handler()\n",
    "an import after a colon": "def view(flags):\n    if flags.on('a'): import app.signals as handler\n"
                               "    else: from app import other as handler\n    return handler\n",
    "an import after a semicolon": "def view(flags):\n    x = 1; from app import signals\n"
                                   "    return signals if flags.on('a') else x\n",
    "an import at the start of a continued line": "def view(flags):\n    if flags.on('a'): \\\nimport app.signals\n"
                                                  "    return 1\n",
    "a text with carriage returns": "def view(flags):\r    if flags.on('a'):\r        import app.signals\r"
                                    "        return 1\r",
    "an import in a handler": "def view(flags):\n    try:\n        pass\n    except ImportError:\n"
                              "        if flags.on('a'):\n            import app.signals\n",
    "an import in a case": "def view(flags, kind):\n    match kind:\n        case 'a':\n"
                           "            if flags.on('a'):\n                from app import signals\n",
}


@pytest.mark.parametrize("case", sorted(SOURCES))
def test_branch_imports_are_those_a_walk_finds(case: str) -> None:
    text = SOURCES[case]
    tree = ast.parse(text)
    uses = BranchUses(Source(text), "app", call_facts(tree, module_scope(tree, "app.views", False)).import_lines)
    walked = 0
    for node in ast.walk(tree):
        expected = {name: target for inner in ast.walk(node) if isinstance(inner, (ast.Import, ast.ImportFrom))
                    for name, target in import_bindings(inner, "app").items()}
        assert uses.imports(node) == expected
        walked += not uses._imports_nothing(node)
    assert walked  # the module itself at least
