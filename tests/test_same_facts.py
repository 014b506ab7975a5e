"""A file whose change alters none of its facts (a comment, a line added at the end) costs no model: the last
result is reused, with its lines counted again, and the kept call graph stays as it was written.

Every case compares the run after the change with a run without the cache, byte for byte; the memo naming the
contents the last result was made from is found by digests, so a stale or forged one is passed over.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from flagaudit.checks.nearest import keys_digest
from flagaudit.checks.reachability import _power_peg
from flagaudit.model.callgraph import CallGraph
from flagaudit.scan.cache import FACTS_VERSION, build_digest, content_key, read_cached
from tests.projects import CHECKOUT_VIEWS as VIEWS
from tests.projects import IS_ON as FLAGS
from tests.repos import Repo
from tests.run import Ran, run_cli

AS_OF = ("--as-of", "2026-12-01")


def _repo(tmp_path: Path) -> Repo:
    """A wrapper of waffle's check and a caller: the inference passes take a step, and views.py is analysed
    again under the wrapper's rule."""
    repo = Repo(tmp_path / "repo")
    extra = {f"app/part_{n}.py": f"def part_{n}():\n    return {n}\n" for n in range(6)}
    repo.commit("2025-01-05", "checkout", {"app/__init__.py": "", "app/flags.py": FLAGS, "app/views.py": VIEWS,
                                           **extra})
    return repo


def _check(repo: Repo, *options: str) -> Ran:
    return run_cli("check", "--format", "json", *AS_OF, *options, cwd=repo.path)


def _same_as_fresh(repo: Repo) -> Ran:
    """``check`` with the cache, which must print what a run without it prints (and a second run too)."""
    cached, again, fresh = _check(repo), _check(repo), _check(repo, "--no-cache")
    assert (cached.returncode, cached.stdout, cached.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert (again.returncode, again.stdout, again.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    return cached


def _memo(repo: Repo, name: str) -> Path:
    return repo.path / ".flagaudit_cache" / f"{name}-v{FACTS_VERSION}.json"


def _stamp(path: Path) -> tuple[int, int]:
    return path.stat().st_ino, path.stat().st_mtime_ns


def test_a_comment_reuses_the_last_result_and_keeps_the_graph(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    first = _check(repo)
    graph = _stamp(_memo(repo, "graph"))
    repo.commit("2025-02-01", "a comment", {"app/views.py": VIEWS + "# why checkout is guarded\n"})
    after = _same_as_fresh(repo)
    assert _stamp(_memo(repo, "graph")) == graph  # built from contents with the same facts: not written again
    lines = json.loads(after.stdout)["summary"]["lines"]
    assert lines == json.loads(first.stdout)["summary"]["lines"] + 1
    repo.commit("2025-02-02", "another comment", {"app/flags.py": "# the one place flags are read\n" + FLAGS})
    _same_as_fresh(repo)  # every line below the comment moved: facts differ, the model is built again


def test_a_statement_appended_reuses_the_result_unless_fa302_counts_the_function_it_ends(tmp_path: Path) -> None:
    """A statement that makes no fact, appended to a module, moves where the module ends: the last result is
    reused (the kept graph's memo of the contents it holds for is not written again). Appended to a function
    whose lines FA302 counts, it changes that count: the model is built again."""
    repo = Repo(tmp_path / "repo")
    files = {path: textwrap.dedent(text) for path, text in _power_peg("router.route").items()}
    repo.commit("2025-01-05", "power peg", files, dedent=False)
    first = _check(repo)
    counted = [e["detail"].rpartition(", ")[2] for f in json.loads(first.stdout)["findings"] if f["code"] == "FA302"
               for e in f["evidence"] if e["value"] == "app.router.send_child_orders"]
    assert counted == ["2 lines"]
    graphed = _stamp(_memo(repo, "graphed"))
    router = files["app/router.py"]
    repo.commit("2025-02-01", "a constant", {"app/router.py": router + "RETRIES = 2\n"}, dedent=False)
    _same_as_fresh(repo)
    assert _stamp(_memo(repo, "graphed")) == graphed
    repo.commit("2025-02-02", "a statement", {"app/router.py": router + "    pass\n"}, dedent=False)
    after = _same_as_fresh(repo)
    assert "(3 lines)" in next(f["message"] for f in json.loads(after.stdout)["findings"] if f["code"] == "FA302")


def test_a_wrapper_called_with_another_key_is_analysed_again(tmp_path: Path) -> None:
    """Under the given rules alone views.py's facts are the same (its call of ``is_on`` is no site yet); under the
    wrapper's rule, which the next pass adds, they are not."""
    repo = _repo(tmp_path)
    _check(repo)
    repo.commit("2025-02-01", "another key", {"app/views.py": VIEWS.replace("new_checkout", "old_checkout")})
    after = _same_as_fresh(repo)
    assert [f["key"] for f in json.loads(after.stdout)["flags"]] == ["old_checkout"]


def test_a_stale_or_forged_memo_of_the_contents_is_passed_over(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _check(repo)
    stale = _memo(repo, "made").read_bytes()
    repo.commit("2025-02-01", "a comment", {"app/views.py": VIEWS + "# a comment\n"})
    _check(repo)
    edited = VIEWS.replace("new_checkout", "old_checkout")
    repo.commit("2025-02-02", "another key", {"app/views.py": edited})
    _memo(repo, "made").write_bytes(stale)  # names contents whose result is no longer kept
    assert "old_checkout" in _same_as_fresh(repo).stdout

    # Forged: the memo claims the last result was made from views.py as it is now, so that nothing changed.
    repo.commit("2025-02-03", "the key back", {"app/views.py": VIEWS})
    _check(repo)
    repo.commit("2025-02-04", "another key again", {"app/views.py": edited})
    header, _, body = _memo(repo, "made").read_bytes().partition(b"\n")
    made = json.loads(body)
    made[0]["app/views.py"] = content_key("app/views.py", "app.views", edited.encode())
    _memo(repo, "made").write_bytes(header + b"\n" + json.dumps(made).encode())
    assert "old_checkout" in _same_as_fresh(repo).stdout


def test_a_damaged_memo_of_the_contents_is_one_note(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _check(repo)
    repo.commit("2025-02-01", "a comment", {"app/views.py": VIEWS + "# a comment\n"})
    header = _memo(repo, "made").read_bytes().partition(b"\n")[0]
    _memo(repo, "made").write_bytes(header + b"\n[1, 2]")
    damaged, fresh = _check(repo), _check(repo, "--no-cache")
    assert (damaged.returncode, damaged.stdout) == (fresh.returncode, fresh.stdout)
    notes = [line for line in damaged.stderr.splitlines() if "cache" in line]
    assert len(notes) == 1 and "ignored a damaged cache file" in notes[0] and "made-" in notes[0], damaged.stderr
    _same_as_fresh(repo)


def test_the_graph_built_for_other_entry_points_is_kept(tmp_path: Path) -> None:
    """Only the settings changed (the same files): the graph built afresh for them replaces the kept one, which a
    later run whose inventory is kept would otherwise read."""
    repo = _repo(tmp_path)
    _check(repo)
    repo.commit("2025-02-01", "entry points",
                {"pyproject.toml": "[tool.flagaudit]\nentry-points = ['app.part_1:part_1']\n"})
    _same_as_fresh(repo)
    graph, problem = read_cached(_memo(repo, "graph"), CallGraph, build_digest())
    assert problem is None and "app.part_1.part_1" in graph.entries, graph.entries


TOGGLES = """\
from edx_toggles.toggles import WaffleFlag

ENABLE_NEW_NAV = WaffleFlag("nav.enable_new", __name__)
"""
MENU = """\
from waffle import flag_is_active

from nav.toggles import ENABLE_NEW_NAV


def menu(request):
    if ENABLE_NEW_NAV.is_enabled():
        return "new"
    if flag_is_active(request, "nav.enable_nwe"):
        return "typo"
    return "old"
"""


def test_did_you_mean_is_kept_by_the_keys_compared_and_a_forged_answer_is_passed_over(tmp_path: Path) -> None:
    """FA401's answers are kept by a digest of the defined keys; one naming a key not defined is computed again,
    and answers kept for other keys are never looked at."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-01-05", "nav", {"nav/__init__.py": "", "nav/toggles.py": TOGGLES, "nav/views.py": MENU})
    fresh = _same_as_fresh(repo)
    assert "did you mean 'nav.enable_new'" in fresh.stdout
    memo = _memo(repo, "nearest")
    kept = read_cached(memo, dict[str, dict[str, tuple[str, ...]]], build_digest())[0]
    assert kept == {keys_digest(["nav.enable_new"]): {"nav.enable_nwe": ("nav.enable_new",)}}
    header = f"digest {build_digest()}\n"
    code = MENU.replace('"typo"', '"a typo"')  # a code edit: the model is built again and the memo read
    for forged in ({keys_digest(["nav.enable_new"]): {"nav.enable_nwe": ["nav.forged"]}},
                   {keys_digest(["nav.other"]): {"nav.enable_nwe": ["nav.other"]}}):
        memo.write_text(header + json.dumps(forged))
        code += "\n\ndef more():\n    return 1\n"
        repo.commit("2025-02-01", "edit", {"nav/views.py": code})
        assert "did you mean 'nav.enable_new'" in _same_as_fresh(repo).stdout
        assert read_cached(memo, dict[str, dict[str, tuple[str, ...]]], build_digest())[0] == kept  # kept again
