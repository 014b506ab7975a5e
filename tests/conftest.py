"""Fixtures shared by the tests. The helpers live in modules of their own, which tests import directly:
``tests/repos.py`` (git repositories), ``tests/run.py`` (the command line), ``tests/projects.py`` (the sample
checkout project) and ``tests/helpers.py`` (code held in memory, the bundled fixtures)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.run import Ran, run_cli


@pytest.fixture
def cli() -> Callable[..., Ran]:
    """``flagaudit ...`` in this process."""
    return run_cli
