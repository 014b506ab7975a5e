"""flagaudit's fast positions must equal libcst's PositionProvider on every node."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from flagaudit.extract.positions import positions

_STDLIB = Path(sysconfig.get_paths()["stdlib"])
_SAMPLES = [_STDLIB / name for name in ("argparse.py", "dataclasses.py", "typing.py", "asyncio/tasks.py")]
_FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "shop").rglob("*.py"))


@pytest.mark.parametrize("path", [*_SAMPLES, *_FIXTURES], ids=lambda p: p.name)
def test_positions_equal_libcst_position_provider(path: Path) -> None:
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    found = positions(module)
    assert found.keys() == {id(node) for node in expected}
    for node, where in expected.items():
        assert found[id(node)] == (where.start.line, where.start.column, where.end.line, where.end.column), node
