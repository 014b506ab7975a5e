"""An edit that links the same calls (a ``print()`` added to a body) changes the facts but not the call graph:
the kept graph is not written again, and the ``graphed`` memo names the contents it now holds for. Each run is
compared with a run without the cache, byte for byte; a stale, forged or damaged ``graphed`` memo changes
nothing a forged graph could not."""

from __future__ import annotations

import json
from pathlib import Path

from tests.projects import CHECKOUT_VIEWS as VIEWS
from tests.projects import IS_ON as FLAGS
from tests.repos import Repo
from tests.run import Ran
from tests.test_same_facts import _check, _memo, _same_as_fresh, _stamp

CALLER = "from app.views import checkout\n\n\ndef handle(request):\n    return checkout(request)\n"


def _repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-01-05", "checkout", {"app/__init__.py": "", "app/flags.py": FLAGS, "app/views.py": VIEWS,
                                           "app/handler.py": CALLER})
    return repo


def _printing(n: int) -> str:
    """``VIEWS`` with ``n`` calls of ``print`` first in ``checkout``: other facts, the same calls linked."""
    return VIEWS.replace("def checkout(request):\n", "def checkout(request):\n" + "    print()\n" * n)


def _graph_used(repo: Repo) -> Ran:
    """``check`` after the output and facts were dropped but the inventory kept: the graph is read as it is kept
    (for the meaning gate), or built again if it does not hold for these contents."""
    for path in (repo.path / ".flagaudit_cache").glob("checked-*.json"):
        path.unlink()
    return _same_as_fresh(repo)


def test_an_edit_linking_the_same_calls_keeps_the_graph_and_names_the_new_contents(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _check(repo)
    graph = _stamp(_memo(repo, "graph"))
    for n in (1, 2):
        repo.commit(f"2025-02-0{n}", "a print", {"app/views.py": _printing(n)})
        _same_as_fresh(repo)
        assert _stamp(_memo(repo, "graph")) == graph  # the same graph: not written again
        _graph_used(repo)
    repo.commit("2025-02-03", "a call", {"app/handler.py": CALLER + "\n\ndef other(request):\n    return 1\n"})
    _same_as_fresh(repo)
    assert _stamp(_memo(repo, "graph")) != graph  # a new function: another graph, written


def test_a_stale_forged_or_damaged_graphed_memo_changes_no_output(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _check(repo)
    stale = _memo(repo, "graphed").read_bytes()
    repo.commit("2025-02-01", "a print", {"app/views.py": _printing(1)})
    _same_as_fresh(repo)
    _memo(repo, "graphed").write_bytes(stale)  # names the first contents: their files are linked again
    repo.commit("2025-02-02", "two prints", {"app/views.py": _printing(2)})
    _same_as_fresh(repo)
    _graph_used(repo)

    header, _, body = _memo(repo, "graphed").read_bytes().partition(b"\n")
    sources = json.loads(body)
    _memo(repo, "graphed").write_bytes(header + b"\n" + json.dumps({**sources, "app/gone.py": "0" * 40}).encode())
    _graph_used(repo)  # other files than the graph's: passed over

    _memo(repo, "graphed").write_bytes(b"digest " + b"0" * 40 + b"\n" + body)  # kept for another graph
    _graph_used(repo)

    _memo(repo, "graphed").write_bytes(header + b"\n[1, 2]")
    repo.commit("2025-02-03", "three prints", {"app/views.py": _printing(3)})
    damaged, fresh = _check(repo), _check(repo, "--no-cache")
    assert (damaged.returncode, damaged.stdout) == (fresh.returncode, fresh.stdout)
    notes = [line for line in damaged.stderr.splitlines() if "cache" in line]
    assert len(notes) == 1 and "graphed-" in notes[0], damaged.stderr
    _same_as_fresh(repo)
