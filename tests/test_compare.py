"""``flagaudit compare``: deploy skew on real git repositories with release tags (FA204)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from flagaudit.commands.compare import parse_deployed
from flagaudit.errors import FlagauditError
from tests.repos import git, write_files
from tests.run import ROOT, run_cli


def _builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("_flagaudit_compare_build", ROOT / "fixtures/compare/build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def knight(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Knight's eight servers: the repository (tags v1, v2, v2.1) with the deployed files beside it."""
    return _builder().build(tmp_path_factory.mktemp("knight"))


def _compare(repo: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_cli("compare", "-C", str(repo), "--no-cache", *args)


def test_knight_one_server_on_the_old_version_is_skew(knight: Path) -> None:
    assert run_cli("check", str(knight)).returncode == 0  # the reuse was accepted: the gate passes
    result = _compare(knight, "--deployed", str(knight.parent / "deployed-skew.txt"))
    assert result.returncode == 1, result.stderr
    finding = next(line for line in result.stdout.splitlines() if "FA204" in line)
    assert "'power-peg'" in finding and "server-8 (v1," in finding and "server-1, server-2 and 5 more (v2," in finding
    assert "guards router.dispatch.route_order → send_child_orders" in result.stdout
    assert "guards router.dispatch.route_order → price_improvement" in result.stdout


def test_knight_all_eight_on_the_new_version_is_clean(knight: Path) -> None:
    result = _compare(knight, "--deployed", str(knight.parent / "deployed-v2.txt"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FA204" not in result.stdout
    assert "one version runs" in result.stderr


def test_renames_moves_and_a_reformat_mean_the_same(knight: Path) -> None:
    result = _compare(knight, "--deployed", str(knight.parent / "deployed-benign.txt"), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [(k["key"], k["status"]) for k in document["keys"]] == [("power-peg", "same")]
    assert document["findings"] == []


def test_deploy_pipeline_compares_what_runs_with_head(knight: Path) -> None:
    """``--deployed FILE HEAD``: the release about to ship against every version still running."""
    result = _compare(knight, "--deployed", str(knight.parent / "deployed-skew.txt"), "HEAD", "--format", "json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert [v["labels"] for v in document["versions"]] == [["server-8"], [f"server-{n}" for n in range(1, 8)],
                                                           ["HEAD"]]
    pairs = {(k["a"][:7], k["b"][:7], k["status"]) for k in document["keys"]}
    assert len(pairs) == 3 and sum(status == "changed" for *_, status in pairs) == 2
    # one finding per skewed pair, each at the newer version's site: v2's, and HEAD's after the rename
    assert {(f["code"], f["flag"], f["path"]) for f in document["findings"]} == {
        ("FA204", "power-peg", "router/dispatch.py"), ("FA204", "power-peg", "router/routing.py")}


def test_key_narrows_to_one_flag(knight: Path) -> None:
    assert _compare(knight, "v1", "v2", "--key", "power-peg").returncode == 1
    other = _compare(knight, "v1", "v2", "--key", "some-other-flag", "--format", "json")
    assert other.returncode == 0 and json.loads(other.stdout)["keys"] == []


@pytest.mark.parametrize("output_format", ["sarif", "github", "markdown"])
def test_findings_in_every_format_of_check(knight: Path, output_format: str) -> None:
    result = _compare(knight, "v1", "v2", "--format", output_format)
    assert result.returncode == 1 and "FA204" in result.stdout


def test_select_and_ignore_apply(knight: Path) -> None:
    assert _compare(knight, "v1", "v2", "--ignore", "FA204").returncode == 0
    assert _compare(knight, "v1", "v2", "--select", "FA1").returncode == 0


def _history(repo: Path, steps: list[tuple[str, dict[str, str | None], str | None]]) -> Path:
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for day, files, tag in steps:
        for name, text in files.items():
            if text is None:
                (repo / name).unlink()
            else:
                write_files(repo, {name: text})
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "--allow-empty", "-m", f"step {day}", date=f"{day}T12:00:00+00:00")
        if tag:
            git(repo, "tag", tag)
    return repo


CHECKOUT = """\
import ldclient

from shop.billing import send_invoice


def checkout(cart, context):
    if ldclient.get().variation("new-checkout", context, False):
        return cart.fast_path()
    return cart.slow_path()
"""


def test_inline_suppression_on_the_new_site(tmp_path: Path) -> None:
    suppressed = CHECKOUT.replace('"new-checkout", context, False):', '"new-checkout", context, False):'
                                  '  # flagaudit: ignore[FA204] both paths are safe during the rollout')
    repo = _history(tmp_path / "r", [
        ("2026-01-05", {"app.py": CHECKOUT}, "a"),
        ("2026-02-05", {"app.py": CHECKOUT.replace("cart.fast_path()", "send_invoice(cart)")}, "b"),
        ("2026-03-05", {"app.py": suppressed.replace("cart.fast_path()", "send_invoice(cart)")}, "c"),
    ])
    assert _compare(repo, "a", "b").returncode == 1
    result = _compare(repo, "a", "c")
    assert result.returncode == 0, result.stdout


def test_retired_and_reborn_in_between(tmp_path: Path) -> None:
    repo = _history(tmp_path / "r", [
        ("2026-01-05", {"app.py": CHECKOUT}, "old"),
        ("2026-02-05", {"app.py": "def checkout(cart, context):\n    return cart.slow_path()\n"}, None),
        ("2026-03-05", {"app.py": CHECKOUT}, "new"),
    ])
    result = _compare(repo, "old", "new", "--format", "json")
    assert [(k["key"], k["status"]) for k in json.loads(result.stdout)["keys"]] == [("new-checkout", "reborn")]
    assert result.returncode == 0  # the same meaning came back: reported, not skew


def test_versions_come_from_git_objects_not_the_working_tree(knight: Path) -> None:
    before = git(knight, "status", "--porcelain")
    (knight / "router" / "routing.py").write_text("# edited in the working tree\n", encoding="utf-8")
    try:
        result = _compare(knight, "v1", "v2.1")
        assert result.returncode == 1 and "router/routing.py" in result.stdout
    finally:
        git(knight, "checkout", "--", "router/routing.py")
    assert git(knight, "status", "--porcelain") == before


@pytest.mark.parametrize(("refs", "message"), [
    (("v1", "no-such-tag"), "unknown ref 'no-such-tag': not a branch, tag or commit"),
    (("v1", "0123456789abcdef0123456789abcdef01234567"), "a commit of another repository?"),
    (("v1", "--output=/tmp/flagaudit-compare-x"), "unknown ref '--output=/tmp/flagaudit-compare-x'"),
    (("v1",), "compare needs at least two refs"),
])
def test_bad_refs_are_one_line_errors(knight: Path, refs: tuple[str, ...], message: str) -> None:
    result = _compare(knight, "--", *refs)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert not Path("/tmp/flagaudit-compare-x").exists()


def test_shallow_clone_without_the_ref_says_how_to_fetch_it(knight: Path, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-tags", f"file://{knight}", str(shallow))
    result = _compare(shallow, "HEAD", "v1")
    assert result.returncode == 2
    assert "shallow clone" in result.stderr and "git fetch --depth=1 origin v1" in result.stderr


def test_deployed_file_with_a_bad_line(knight: Path, tmp_path: Path) -> None:
    deployed = tmp_path / "deployed.txt"
    deployed.write_text("# fleet\nprod-eu v2\nprod us v1 extra\n", encoding="utf-8")
    result = _compare(knight, "--deployed", str(deployed))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert f"{deployed}:3: expected 'REF' or 'LABEL REF'" in result.stderr


def test_parse_deployed() -> None:
    text = "# what runs\nprod-eu v4.12.0\n\ncanary 9f3c2e1  # one pod\nv4.11.2\n"
    assert parse_deployed(text, "d") == (("prod-eu", "v4.12.0"), ("canary", "9f3c2e1"), ("v4.11.2", "v4.11.2"))
    with pytest.raises(FlagauditError, match="d: no deployed versions"):
        parse_deployed("# nothing\n", "d")


def test_explain_fa204() -> None:
    result = run_cli("explain", "FA204")
    assert result.returncode == 0 and "skewed-meaning" in result.stdout
