"""After an edit that changes facts, the last run's inference steps are taken again instead of inferred when
every changed file's facts are, as the inference reads them, those of its earlier content (a call added to a
body adds a target and moves the sites below it): the same output as a run without the cache, and
no inference over every file's facts. The steps are found by the digest of the contents they were inferred
from, so a stale or forged memo replays nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import flagaudit.scan.project as project
from flagaudit.scan.cache import FACTS_VERSION, FactCache, content_key
from tests.helpers import counted_calls
from tests.projects import CHECKOUT_VIEWS
from tests.projects import IS_ON as FLAGS
from tests.repos import Repo
from tests.run import Ran, run_cli

VIEWS = CHECKOUT_VIEWS + """

def cart(request):
    if is_on(request, "new_cart"):
        return 3
    return 4
"""


@pytest.fixture
def inferred(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the wrapper inference ran over the files' facts (the real function, counted)."""
    return counted_calls(monkeypatch, project, "infer_rules")


def _repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-01-05", "checkout", {"app/__init__.py": "", "app/flags.py": FLAGS, "app/views.py": VIEWS})
    return repo


def _scan(repo: Repo, *options: str) -> Ran:
    return run_cli("scan", "--format", "json", *options, cwd=repo.path)


def _same_as_fresh(repo: Repo, inferred: list[int]) -> int:
    """``scan`` with the cache, which must print what a run without it prints; how often it inferred."""
    inferred.clear()
    cached = _scan(repo)
    count = len(inferred)
    fresh = _scan(repo, "--no-cache")
    assert (cached.returncode, cached.stdout, cached.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    return count


def _memo(repo: Repo, name: str) -> Path:
    return repo.path / ".flagaudit_cache" / f"{name}-v{FACTS_VERSION}.json"


def test_a_code_edit_that_moves_sites_takes_the_last_steps_again(tmp_path: Path, inferred: list[int]) -> None:
    repo = _repo(tmp_path)
    assert _same_as_fresh(repo, inferred) == 2  # the wrapper found, then nothing new
    moved = VIEWS.replace("def checkout(request):\n", "def checkout(request):\n    cart(request)\n")
    repo.commit("2025-02-01", "edit", {"app/views.py": moved})
    assert _same_as_fresh(repo, inferred) == 0
    assert "new_cart" in _scan(repo).stdout


@pytest.mark.parametrize("edit", [
    # the wrapper's own check: its key is no longer its parameter
    {"app/flags.py": FLAGS.replace("flag_is_active(request, name)", "flag_is_active(request, 'fixed')")},
    {"app/views.py": VIEWS + "\n\ndef more(request):\n    return is_on(request, 'more')\n"},  # a function added
    # a check in a function that held none: the functions that check are read (a registry's helper holds none)
    {"app/views.py": VIEWS + "\n\ndef more(request):\n    if is_on(request, 'more'):\n        return 5\n"},
    # the one check of a function removed
    {"app/views.py": VIEWS.replace('    if is_on(request, "new_checkout"):\n        return 1\n', "")},
    # a returned check: a predicate
    {"app/views.py": VIEWS.replace('    if is_on(request, "new_cart"):\n        return 3\n    return 4\n',
                                   '    return is_on(request, "new_cart")\n')},
    # a check of the key a function is given: a wrapper
    {"app/views.py": VIEWS.replace("def cart(request):\n", "def cart(request, name='x'):\n    is_on(request, name)\n")},
])
def test_an_edit_the_inference_reads_infers_again(tmp_path: Path, inferred: list[int],
                                                  edit: dict[str, str]) -> None:
    repo = _repo(tmp_path)
    _scan(repo)
    repo.commit("2025-02-01", "edit", edit)
    assert _same_as_fresh(repo, inferred) >= 1


@pytest.mark.parametrize("edit", [
    VIEWS.replace("new_cart", "old_cart"),  # a literal key
    VIEWS.replace("        return 3\n", "        if is_on(request, 'also'):\n            return 5\n        return 3\n"),
])
def test_a_check_the_inference_reads_only_where_it_is_takes_the_last_steps_again(
        tmp_path: Path, inferred: list[int], edit: str) -> None:
    """A check whose key is a literal and that is no function's answer is read by the inference only through its
    function and SDK: a key renamed, or a check added to a function that holds one of its SDK, gives the same
    output as a run without the cache, and no inference."""
    repo = _repo(tmp_path)
    _scan(repo)
    repo.commit("2025-02-01", "edit", {"app/views.py": edit})
    assert _same_as_fresh(repo, inferred) == 0


def test_a_stale_or_forged_memo_replays_nothing(tmp_path: Path, inferred: list[int]) -> None:
    repo = _repo(tmp_path)
    _scan(repo)
    moved = VIEWS.replace("def cart(request):\n", "def cart(request):\n    checkout(request)\n")

    # Forged: the contents memo claims views.py was already as it is now; the steps were kept for other contents.
    header, _, body = _memo(repo, "made").read_bytes().partition(b"\n")
    made = json.loads(body)
    made[0]["app/views.py"] = content_key("app/views.py", "app.views", moved.encode())
    _memo(repo, "made").write_bytes(header + b"\n" + json.dumps(made).encode())
    repo.commit("2025-02-01", "edit", {"app/views.py": moved})
    assert _same_as_fresh(repo, inferred) == 2

    # Steps that are not consistent (one more rule than the order says) are not taken.
    moved_again = moved.replace("    checkout(request)\n", "    checkout(request)\n    cart(request)\n")
    header, _, body = _memo(repo, "steps").read_bytes().partition(b"\n")
    steps = json.loads(body)
    steps[0][2].append(True)
    _memo(repo, "steps").write_bytes(header + b"\n" + json.dumps(steps).encode())
    repo.commit("2025-02-01", "edit", {"app/views.py": moved_again})
    assert _same_as_fresh(repo, inferred) == 2


OTHER = """from app.flags import is_on


def other(request):
    if is_on(request, "other"):
        return 1
    return 2
"""


IMPORTED = VIEWS + "\n\nprint(checkout)\n"
"""A call the module makes when it is imported: linked by the whole model (tests/test_call_edits.py)."""


def _asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys facts are asked for by (the real cache's lookups, recorded)."""
    keys: list[str] = []
    real: Callable[..., Any] = FactCache.get

    def recorded(self: FactCache, key: str) -> Any:
        keys.append(key)
        return real(self, key)

    monkeypatch.setattr(FactCache, "get", recorded)
    return keys


def _with_other(tmp_path: Path) -> Repo:
    repo = _repo(tmp_path)
    repo.commit("2025-01-06", "other", {"app/other.py": OTHER})
    return repo


def _asked_for_other(repo: Repo, asked: list[str], inferred: list[int]) -> int:
    """Under how many rule sets a scan after an edit of views.py asked for other.py's facts (other.py calls the
    wrapper: the second pass analyses it again), checking the scan prints what one without the cache prints."""
    asked.clear()
    cached = _scan(repo)
    key = content_key("app/other.py", "app.other", OTHER.encode())
    count = len({k for k in asked if k.endswith(key)})
    assert _same_as_fresh(repo, inferred) == 0
    assert cached.stdout == _scan(repo, "--no-cache").stdout
    return count


def test_a_code_edit_reads_only_the_facts_each_file_was_last_made(tmp_path: Path, inferred: list[int],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The module's own calls are linked by the whole model (tests/test_call_edits.py keeps the flags for calls its
    functions make): the steps are taken again."""
    repo = _with_other(tmp_path)
    _scan(repo)
    asked = _asked(monkeypatch)
    repo.commit("2025-02-01", "edit", {"app/views.py": IMPORTED})
    assert _asked_for_other(repo, asked, inferred) == 1  # the second pass's facts, not the first's as well
    repo.commit("2025-02-02", "comment", {"app/views.py": IMPORTED + "# the same facts\n"})  # the result is reused
    _scan(repo)
    called = IMPORTED + "print(cart)\n"
    repo.commit("2025-02-03", "edit", {"app/views.py": called})
    assert _asked_for_other(repo, asked, inferred) == 1


@pytest.mark.parametrize("forged", [{}, {"app/other.py": 9}, {"app/other.py": 1, "app/__init__.py": 1}, "stale"])
def test_a_forged_or_stale_memo_of_the_passes_goes_through_every_pass(tmp_path: Path, inferred: list[int],
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      forged: dict[str, int] | str) -> None:
    """A file named for the first pass that a later one chooses, a pass there is none of, a pass that made no
    facts of the file, a memo kept for other contents: each run goes through every pass, with the same output."""
    repo = _with_other(tmp_path)
    _scan(repo)
    header, _, body = _memo(repo, "passes").read_bytes().partition(b"\n")
    assert json.loads(body) == {"app/other.py": 1, "app/views.py": 1, "app/flags.py": 1}
    if forged == "stale":
        header = b"digest " + b"0" * 40
    else:
        body = json.dumps(forged).encode()
    _memo(repo, "passes").write_bytes(header + b"\n" + body)
    asked = _asked(monkeypatch)
    repo.commit("2025-02-01", "edit", {"app/views.py": IMPORTED})
    assert _asked_for_other(repo, asked, inferred) == 2
