"""Timelines from real git repositories: each event kind, renames, keys through other modules, the cache."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

from flagaudit.config import load_config
from flagaudit.scan.project import ScanOptions, scan_with
from tests.helpers import builtin_rules, story, timeline
from tests.projects import BASE, views
from tests.repos import Repo, git
from tests.run import run_cli


def test_each_event_kind(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    born = repo.commit("2026-01-05", "checkout flag", {**BASE, "app/views.py": views()})
    repo.commit("2026-01-06", "unrelated", {"README.md": "hello\n"})
    changed = repo.commit("2026-02-01", "newer checkout", {"app/views.py": views("newer_checkout")})
    repo.commit("2026-02-10", "fast pay", {"app/views.py": views("newer_checkout", pay=True)})
    retired = repo.commit("2026-03-01", "drop fast pay", {"app/views.py": views("newer_checkout")})
    repo.commit("2026-04-01", "fast pay again", {"app/views.py": views("newer_checkout", pay=True)})
    found = repo.history()
    assert story(found, "new-checkout") == [("born", "2026-01-05"), ("changed", "2026-02-01")]
    assert story(found, "fast-pay") == [("born", "2026-02-10"), ("retired", "2026-03-01"), ("reborn", "2026-04-01")]
    first, change = found.timeline("launchdarkly", "new-checkout").events
    assert found.timeline("unleash", "new-checkout") is None
    assert (first.commit, first.author, first.subject, first.paths) == (born, "Ada <ada@example.com>", "checkout flag",
                                                                      ("app/views.py",))
    assert first.added == ("app.views.checkout: app.checkout.new_checkout =off:app.checkout.old_checkout",)
    assert change.commit == changed and change.added == (
        "app.views.checkout: app.checkout.newer_checkout =off:app.checkout.old_checkout",)
    assert change.removed == first.added
    gone = timeline(found, "fast-pay").events[1]
    assert gone.commit == retired and gone.removed == ("app.views.pay: app.checkout.fast_pay",)
    assert timeline(found, "fast-pay").live and found.commits == 6 and not found.partial


def test_a_second_site_is_a_change_and_edits_elsewhere_are_not(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-05", "flag", {**BASE, "app/views.py": views()})
    shifted = "# a comment that moves every line down\n\n" + textwrap.dedent(views()).replace("(ctx)", "( ctx )")
    repo.commit("2026-01-06", "reformat", {"app/views.py": shifted})
    second = ("import ldclient\nfrom app.checkout import new_checkout\n\n\ndef cart(ctx):\n"
              "    if ldclient.get().variation('new-checkout', ctx, False):\n        new_checkout(ctx)\n")
    repo.commit("2026-01-07", "second site", {"app/cart.py": second})
    repo.commit("2026-01-08", "drop it", {"app/cart.py": None})
    found = repo.history()
    assert story(found, "new-checkout") == [
        ("born", "2026-01-05"), ("changed", "2026-01-07"), ("changed", "2026-01-08")]
    added, removed = timeline(found, "new-checkout").events[1:]
    assert added.added == ("app.cart.cart: app.checkout.new_checkout",) and added.paths == ("app/cart.py",)
    assert removed.removed == added.added and not removed.added


def test_a_renamed_file_continues_its_flags_story(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    own = textwrap.dedent(views()) + "\n\ndef helper():\n    if ldclient.get().variation('local-key', None, False):\n" \
        "        return helper()\n"
    repo.commit("2026-01-05", "flag", {**BASE, "app/views.py": own})
    moved = repo.commit("2026-02-01", "move views", moves={"app/views.py": "app/web/views.py"},
                        files={"app/web/__init__.py": ""})
    repo.commit("2026-03-01", "change", {"app/web/views.py": own.replace("new_checkout(ctx)", "newer_checkout(ctx)")})
    found = repo.history()
    assert story(found, "new-checkout") == [("born", "2026-01-05"), ("moved", "2026-02-01"), ("changed", "2026-03-01")]
    assert story(found, "local-key") == [("born", "2026-01-05"), ("moved", "2026-02-01")]
    event = timeline(found, "local-key").events[1]
    assert event.commit == moved and event.paths == ("app/views.py", "app/web/views.py")
    assert timeline(found, "new-checkout").events[2].removed == (
        "app.web.views.checkout: app.checkout.new_checkout =off:app.checkout.old_checkout",)


def test_keys_resolved_through_other_modules_follow_their_changes(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    site = ("import ldclient\nfrom app.checkout import new_checkout\nfrom app.keys import CHECKOUT\n\n\n"
            "def view(ctx):\n    if ldclient.get().variation(CHECKOUT, ctx, False):\n        new_checkout(ctx)\n")
    repo.commit("2026-01-05", "keys", {**BASE, "app/keys.py": 'CHECKOUT = "checkout-v1"\n'})
    repo.commit("2026-01-06", "site", {"app/views.py": site})
    repo.commit("2026-02-01", "rename the key", {"app/keys.py": 'CHECKOUT = "checkout-v2"\n'})
    toggles = ("from edx_toggles.toggles import WaffleFlag\n\n"
               "ENABLE_GRADES = WaffleFlag('grades.enable', __name__)\n")
    user = ("from app.toggles import ENABLE_GRADES\n\n\n"
            "def grade():\n    if ENABLE_GRADES.is_enabled():\n        return 1\n")
    repo.commit("2026-02-02", "toggle", {"app/toggles.py": toggles, "app/grades.py": user})
    repo.commit("2026-02-03", "unused now", {"app/grades.py": None})
    repo.commit("2026-02-04", "gone", {"app/toggles.py": None})
    found = repo.history()
    assert story(found, "checkout-v1") == [("born", "2026-01-06"), ("retired", "2026-02-01")]
    assert story(found, "checkout-v2") == [("born", "2026-02-01")]
    assert story(found, "grades.enable") == [
        ("born", "2026-02-02"), ("changed", "2026-02-03"), ("retired", "2026-02-04")]


def test_a_key_read_through_django_settings_has_a_story(tmp_path: Path) -> None:
    """uktrade/data-workspace-frontend asks ``waffle.flag_is_active(request, settings.SUGGESTED_SEARCHES_FLAG)``,
    the key a settings module's constant; history needs that module, which no rule word marks, and must not lose
    it however the names the key was looked up through come out of a set (a check at HEAD found the key, its
    history had none)."""
    repo = Repo(tmp_path / "repo")
    view = ("import waffle\nfrom django.conf import settings\n\n\n"
            "def view(request):\n    if waffle.flag_is_active(request, settings.SUGGESTED_SEARCHES_FLAG):\n"
            "        return 1\n    return 2\n")
    repo.commit("2022-09-01", "settings", {"manage.py": "", "ws/__init__.py": "", "ws/settings/__init__.py": "",
                                           "ws/settings/base.py": 'SUGGESTED_SEARCHES_FLAG = "SUGGESTED_SEARCHES"\n'})
    repo.commit("2022-09-20", "suggested searches", {"ws/views.py": view})
    repo.commit("2023-01-10", "renamed", {
        "ws/settings/base.py": 'SUGGESTED_SEARCHES_FLAG = "SUGGESTED_SEARCHES_V2"\n'})
    found = repo.history()
    assert story(found, "SUGGESTED_SEARCHES") == [("born", "2022-09-20"), ("retired", "2023-01-10")]
    assert story(found, "SUGGESTED_SEARCHES_V2") == [("born", "2023-01-10")]


def test_template_sites_keep_a_key_alive_and_test_sites_do_not(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    template = "{% load waffle_tags %}\n{% flag 'new_nav' %}<nav></nav>{% endflag %}\n"
    test = "import ldclient\n\n\ndef test_it():\n    assert ldclient.get().variation('only-tested', None, False)\n"
    repo.commit("2026-01-05", "nav", {"app/templates/base.html": template, "tests/test_x.py": test})
    repo.commit("2026-01-06", "touch", {"README.md": "x\n"})
    found = repo.history()
    assert story(found, "new_nav") == [("born", "2026-01-05")]
    assert [t.key for t in found.timelines] == ["new_nav"]


def test_history_agrees_with_a_scan_at_head(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-05", "a", {**BASE, "app/views.py": views(pay=True), "app/keys.py": 'K = "via-constant"\n'})
    repo.commit("2026-01-06", "b", {"app/more.py": "import ldclient\nfrom app.keys import K\n\n"
                                                   "ldclient.get().variation(K, None, False)\n"})
    config = load_config((), None, repo.path)
    inventory = scan_with(config, builtin_rules(), ScanOptions(use_cache=False, workers=1))
    live = {(t.sdk, t.key) for t in repo.history().timelines if t.live}
    assert live == {(f.sdk, f.key) for f in inventory.flags if f.key and (f.sites or f.definitions)}
    assert ("launchdarkly", "via-constant") in live


def test_a_second_run_reads_only_new_commits(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-05", "a", {**BASE, "app/views.py": views()})
    repo.commit("2026-01-06", "b", {"app/views.py": views(pay=True)})
    cold = repo.history(use_cache=True)
    warm = repo.history(use_cache=True)
    assert (cold.analysed, warm.analysed) == (2, 0) and warm.timelines == cold.timelines
    repo.commit("2026-01-07", "c", {"app/views.py": views("newer_checkout", pay=True)})
    incremental = repo.history(use_cache=True)
    assert incremental.analysed == 1
    assert incremental.timelines == repo.history(use_cache=False).timelines
    assert story(incremental, "new-checkout") == [("born", "2026-01-05"), ("changed", "2026-01-07")]
    git(repo.path, "commit", "-q", "--amend", "-m", "rewritten", date="2026-01-08T12:00:00+00:00")
    rewritten = repo.history(use_cache=True)
    # the amended commit keeps its author date and lands on 2026-01-08: events carry the committer date
    assert rewritten.analysed == 3 and story(rewritten, "new-checkout")[-1] == ("changed", "2026-01-08")


def test_a_cache_restored_into_another_checkout_reads_only_new_commits(tmp_path: Path) -> None:
    """CI restores .flagaudit_cache into a fresh checkout, which may sit at another path."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-05", "a", {**BASE, "app/views.py": views()})
    repo.history(use_cache=True)
    shutil.copytree(repo.path, tmp_path / "runner" / "checkout")
    moved = Repo(tmp_path / "runner" / "checkout", init=False)
    moved.commit("2026-01-06", "b", {"app/views.py": views(pay=True)})
    restored = moved.history(use_cache=True)
    assert restored.analysed == 1 and restored.timelines == moved.history(use_cache=False).timelines


def test_cli_prints_a_timeline_per_key(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    sha = repo.commit("2026-01-05", "a", {**BASE, "app/views.py": views(pay=True)})
    repo.commit("2026-02-01", "b", moves={"app/views.py": "app/web.py"})
    result = run_cli("history", "fast-pay", "nothing-like-it", "--as-of", "2026-02-02", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "fast-pay  [launchdarkly]  live since 2026-01-05",
        f"  2026-01-05  born     {sha[:12]}  Ada  app/views.py",
        f"  2026-02-01  moved    {git(repo.path, 'rev-parse', 'HEAD')[:12]}  Ada  app/views.py -> app/web.py",
    ]
    assert "flagaudit: no history for 'nothing-like-it'" in result.stderr
    first = run_cli("history", "--format", "json", "--as-of", "2026-02-02", cwd=repo.path).stdout
    assert first == run_cli("history", "--format", "json", "--as-of", "2026-02-02", "--no-cache", cwd=repo.path).stdout
    document = json.loads(first)
    assert document["history"]["commits"] == 2 and not document["history"]["partial"]
    assert [t["key"] for t in document["timelines"]] == ["fast-pay", "new-checkout"]
    assert document["timelines"][0]["events"][1]["paths"] == ["app/views.py", "app/web.py"]


def test_a_commit_that_breaks_a_file_does_not_retire_its_flags(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-05", "flag", {**BASE, "app/views.py": views()})
    repo.commit("2026-01-06", "oops", {"app/views.py": views() + "    def broken(:\n"})
    repo.commit("2026-01-07", "fixed", {"app/views.py": views()})
    assert story(repo.history(), "new-checkout") == [("born", "2026-01-05")]


def test_module_names_follow_packages_and_odd_paths(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    site = ("import ldclient\nfrom app.keys import K\n\n\ndef view(ctx):\n"
            "    if ldclient.get().variation(K, ctx, False):\n        return 1\n")
    repo.commit("2026-01-05", "no package yet", {"app/keys.py": 'K = "packaged"\n', "app/views.py": site})
    repo.commit("2026-01-06", "package", {"app/__init__.py": ""})
    repo.commit("2026-01-07", "odd names", {"app/naïve views and spaces.py": site.replace("(K,", "('odd-path',")})
    repo.commit("2026-01-08", "another package", {"lib/__init__.py": ""})  # no file below it: nothing renamed
    found = repo.history()
    assert story(found, "packaged") == [("born", "2026-01-06")]
    assert timeline(found, "odd-path").events[0].paths == ("app/naïve views and spaces.py",)
    repo.commit("2026-01-09", "no package again", {"app/__init__.py": None})  # app.keys is keys again
    assert story(repo.history(), "packaged") == [("born", "2026-01-06"), ("retired", "2026-01-09")]


def test_a_rewritten_check_is_a_change_of_its_site_not_a_new_meaning(tmp_path: Path) -> None:
    """Another check function (the project's wrapper) or another key expression changes the site; quotes and
    lines do not. ``history -v`` marks the same meaning written anew with ``~``."""
    def publisher(check: str) -> str:
        return textwrap.dedent(f"""\
            import waffle

            from app import flags


            def publish_status(body):
                if {check}:
                    body.send()
            """)

    flags = "import waffle\n\n\ndef flag_is_active(request, name):\n    return waffle.flag_is_active(request, name)\n"
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-05", "publish", {"app/__init__.py": "", "app/flags.py": flags,
                                          "app/pub.py": publisher("waffle.flag_is_active(None, 'addons')")})
    repo.commit("2026-01-06", "quotes", {"app/pub.py": publisher('waffle.flag_is_active(None, "addons")')})
    rewritten = repo.commit("2026-02-01", "wrapper", {"app/pub.py": publisher('flags.flag_is_active(None, "addons")')})
    document = json.loads(run_cli("history", "-C", str(repo.path), "--format", "json", "--no-cache").stdout)
    events = next(t for t in document["timelines"] if t["key"] == "addons")["events"]
    assert [(e["kind"], e["date"][:10]) for e in events] == [("born", "2026-01-05"), ("changed", "2026-02-01")]
    assert events[1]["commit"] == rewritten
    assert events[1]["added"] == events[1]["removed"] == ["app.pub.publish_status: .send"]
    text = run_cli("history", "-C", str(repo.path), "-v", "--no-cache", "--as-of", "2026-03-01").stdout
    assert "changed" in text and "(+0 -0 sites, 1 rewritten)" in text
    assert "\n      ~ app.pub.publish_status: .send\n" in text
