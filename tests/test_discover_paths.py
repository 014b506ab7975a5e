"""discover's path arithmetic by parts says what pathlib says, for every pair of these paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from flagaudit.scan.discover import _below, _relative

PATHS = ["/", "/a", "/a/b", "/a/b/c", "/a/bc", "/a/b/c/d.py", "//a", "/a/./b", "/x/y", "a", "a/b", "a/b/c", ".",
         "a/../b"]


def _pathlib_relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


@pytest.mark.parametrize("first", PATHS)
def test_relative_and_below_agree_with_pathlib(first: str) -> None:
    for second in PATHS:
        root, path = Path(first), Path(second)
        assert _relative(root, path) == _pathlib_relative(root, path), (first, second)
        assert _below(path, root) == (root in path.parents), (first, second)
