"""Adopting flagaudit on a project with history: ``ledger --adopt`` and ``init``; and a flagaudit.lock that
lives with a team: merge conflicts, refactors. Real git repositories, the real command line.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from flagaudit.commands.init import rules_text
from flagaudit.history.ledger import conflict_sides, read_ledger
from flagaudit.report.data import BASELINE_ACTION
from flagaudit.scan.project import ScanOptions, scan
from flagaudit.scan.suggest import Suggestions, suggest
from tests.projects import guarded
from tests.repos import Repo, git, write_files
from tests.run import run_cli

AS_OF = "2026-01-11"
ACTIONS = "".join(f"def {name}(ctx): ...\n" for name in (
    "new_checkout", "old_pay", "fast_pay", "apply_discount", "send_newsletter", "price", "export_csv",
    "export_csv_v2", "mine_coins"))
REASON = "adopting flagaudit; the history before this was reviewed"


def run(repo: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli(*args, cwd=repo)
    assert result.returncode in (0, 1, 2), result.stderr
    return result.returncode, result.stdout, result.stderr


def gate(repo: Path, *args: str) -> tuple[int, str]:
    code, out, err = run(repo, "check", "--as-of", AS_OF, "-q", *args)
    assert code in (0, 1), err
    return code, out


def old_project(tmp_path: Path) -> Repo:
    """History that blocks today: a key retired in 2017 and reborn in 2018, a key repurposed in 2019."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2017-01-05", "flags", {
        "app/__init__.py": "", "app/actions.py": ACTIONS,
        "app/checkout.py": guarded("new-checkout", ("checkout", "new_checkout")),
        "app/pay.py": guarded("fast-pay", ("pay", "old_pay")),
        "app/sale.py": guarded("summer-sale", ("price", "apply_discount")),
        "app/old.py": guarded("old-banner", ("banner", "price")),
    })
    repo.commit("2017-06-01", "retire fast pay and the banner", {"app/pay.py": None, "app/old.py": None})
    repo.commit("2018-03-01", "fast pay is back", {"app/pay.py": guarded("fast-pay", ("pay", "fast_pay"))})
    repo.commit("2019-05-01", "the sale is a newsletter now",
                {"app/sale.py": guarded("summer-sale", ("signup", "send_newsletter"))})
    return repo


def test_adopt_accepts_history_keeps_it_visible_and_blocks_what_comes_after(tmp_path: Path) -> None:
    repo = old_project(tmp_path)
    code, before = gate(repo.path)
    assert code == 1 and "FA201 reborn-flag" in before and "FA202 repurposed-flag" in before

    # never implicit: --adopt needs a reason (and plain `ledger` adopts nothing: see the next test)
    code, _, err = run(repo.path, "ledger", "--adopt", "--as-of", AS_OF)
    assert code == 2 and "--adopt needs --reason" in err and not (repo.path / "flagaudit.lock").exists()

    head = git(repo.path, "rev-parse", "HEAD").strip()
    code, out, _ = run(repo.path, "ledger", "--adopt", "--reason", REASON, "--as-of", AS_OF)
    assert code == 0, out
    assert f"adopted at {head[:12]} (2019-05-01T12:00:00+00:00): 2 finding(s) about history up to it" in out
    assert out.rstrip().endswith("`flagaudit check` now: 0 blocking.")
    lock = (repo.path / "flagaudit.lock").read_text(encoding="utf-8")
    assert f'[adoption]\ncommit = "{head}"\ndate = 2019-05-01T12:00:00+00:00\nby = "' in lock
    assert f'reason = "{REASON}"' in lock
    adoption = read_ledger(repo.path / "flagaudit.lock").adoption
    assert adoption is not None and adoption.commit == head and adoption.reason == REASON

    code, text = gate(repo.path)
    assert code == 0 and "FA201" not in text and text.rstrip().endswith(
        "; 2 before the adoption baseline (-v shows them)")
    verbose = gate(repo.path, "-v")[1]
    section = verbose[verbose.index("Before the adoption baseline"):]
    assert "FA201 reborn-flag [error] 'fast-pay'" in section
    assert "FA202 repurposed-flag [error] 'summer-sale'" in section
    document = json.loads(gate(repo.path, "--format", "json")[1])
    assert {f["code"] for f in document["baseline"]} == {"FA201", "FA202"}
    assert not any(f["code"].startswith("FA2") for f in document["findings"])
    assert "baseline" not in json.loads(gate(repo.path, "--format", "sarif")[1])["runs"][0]
    assert len(json.loads(gate(repo.path, "--format", "sarif")[1])["runs"][0]["results"]) == len(document["findings"])
    rows = json.loads(run(repo.path, "report", "--format", "json", "--as-of", AS_OF, "-q")[1])["repurposed"]
    assert {(r["code"], r["key"], r["action"]) for r in rows} == {
        ("FA201", "fast-pay", BASELINE_ACTION), ("FA202", "summer-sale", BASELINE_ACTION)}
    history = run(repo.path, "history", "fast-pay", "--as-of", AS_OF)[1]
    assert "2017-06-01  retired" in history and "2018-03-01  reborn" in history
    repo.commit("2026-01-05", "adopt flagaudit", {})

    # after the baseline: refactoring an accepted meaning passes, a new meaning blocks, a reused key blocks
    repo.commit("2026-01-06", "a second newsletter site",
                {"app/sale.py": guarded("summer-sale", ("signup", "send_newsletter"), ("footer", "send_newsletter"))})
    assert gate(repo.path)[0] == 0
    repo.commit("2026-01-07", "old banner, new job", {"app/old.py": guarded("old-banner", ("mine", "mine_coins"))})
    code, text = gate(repo.path, "--select", "FA2")
    assert code == 1
    assert re.search(r"FA201 reborn-flag \[error\] 'old-banner' \[launchdarkly\] was retired \(2017-06-01, \w+\) and "
                     r"is referenced again \(2026-01-07, \w+\)", text)
    assert gate(repo.path, "--no-history", "--select", "FA2")[0] == 1


def test_plain_ledger_records_no_baseline(tmp_path: Path) -> None:
    repo = old_project(tmp_path)
    code, out, _ = run(repo.path, "ledger", "--as-of", AS_OF)  # it keeps the gate's block, and says how to adopt
    assert code == 1 and not (repo.path / "flagaudit.lock").exists()
    assert out.rstrip().endswith("`flagaudit ledger --adopt --reason \"...\"` accepts what history did up to HEAD, "
                                 "visibly and once (docs/ci.md).")
    code, text = gate(repo.path)
    assert code == 1 and "FA201 reborn-flag [error] 'fast-pay'" in text and "adoption baseline" not in text


def test_a_change_not_yet_committed_is_after_the_baseline_even_on_its_day(tmp_path: Path) -> None:
    repo = old_project(tmp_path)
    assert run(repo.path, "ledger", "--adopt", "--reason", REASON, "--as-of", "2019-05-01")[0] == 0
    (repo.path / "app/old.py").write_text(guarded("old-banner", ("mine", "mine_coins")), encoding="utf-8")
    code, out, _ = run(repo.path, "check", "--as-of", "2019-05-01", "-q", "--select", "FA2")
    assert code == 1 and "FA201 reborn-flag [error] 'old-banner'" in out


def test_a_damaged_adoption_table_is_an_error_naming_the_field(tmp_path: Path) -> None:
    repo = old_project(tmp_path)
    assert run(repo.path, "ledger", "--adopt", "--reason", REASON, "--as-of", AS_OF)[0] == 0
    lock = repo.path / "flagaudit.lock"
    text = lock.read_text(encoding="utf-8")
    lock.write_text(re.sub(r"date = 2019-05-01T12:00:00\+00:00", "date = 2019-05-01", text), encoding="utf-8")
    code, out, err = run(repo.path, "check", "--as-of", AS_OF)
    assert (code, out) == (2, "")
    assert err.endswith("flagaudit.lock: adoption.date must be a date and time with its offset "
                        "(2026-01-05T12:00:00+00:00)\n")


# -- a lock the team shares ------------------------------------------------------------------------------------


def test_a_conflicted_lock_is_explained_everywhere_and_merged_by_ledger(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-02", "one flag", {"app/__init__.py": "", "app/actions.py": ACTIONS,
                                           "app/checkout.py": guarded("new-checkout", ("checkout", "new_checkout"))})
    assert run(repo.path, "ledger", "--as-of", "2026-01-02")[0] == 0
    repo.commit("2026-01-02", "ledger", {})
    git(repo.path, "checkout", "-q", "-b", "export")
    repo.commit("2026-01-03", "export flag", {"app/export.py": guarded("csv-export", ("export", "export_csv"))})
    assert run(repo.path, "ledger", "--as-of", "2026-01-03")[0] == 0
    repo.commit("2026-01-03", "ledger", {})
    git(repo.path, "checkout", "-q", "main")
    repo.commit("2026-01-04", "pay flag", {"app/pay.py": guarded("crypto-pay", ("pay", "fast_pay"))})
    assert run(repo.path, "ledger", "--as-of", "2026-01-04")[0] == 0
    repo.commit("2026-01-04", "ledger", {})
    with pytest.raises(subprocess.CalledProcessError) as merge:
        git(repo.path, "merge", "export")
    assert merge.value.returncode == 1 and "CONFLICT (content): Merge conflict in flagaudit.lock" in merge.value.stdout
    lock = repo.path / "flagaudit.lock"
    assert "<<<<<<< HEAD" in lock.read_text(encoding="utf-8")
    ours, theirs = conflict_sides(lock.read_text(encoding="utf-8"))
    assert '"crypto-pay"' in ours and '"csv-export"' not in ours and '"csv-export"' in theirs

    for command in (("check", "-q"), ("check", "--no-history", "-q"), ("ledger", "--check"), ("history",),
                    ("report", "-q")):
        code, out, err = run(repo.path, *command)
        assert (code, out) == (2, ""), command
        assert err.startswith("flagaudit: error: ") and err.count("\n") == 1, (command, err)
        assert "has unresolved merge conflict markers (line " in err and "run `flagaudit ledger`" in err

    # the merge is written before the acceptance fails, so what it did is said all the same
    code, out, err = run(repo.path, "ledger", "--as-of", "2026-01-05", "--accept", "no-such-flag", "--reason", "x")
    assert code == 2 and "--accept 'no-such-flag': no such key" in err
    assert out.splitlines() == [
        "merged the two sides of the conflict in flagaudit.lock: 3 keys",
        "  only on ours's side: crypto-pay [launchdarkly]",
        "  only on theirs's side: csv-export [launchdarkly]",
    ]
    assert run(repo.path, "ledger", "--as-of", "2026-01-05")[0] == 0
    keys = {e.key: e.status for e in read_ledger(lock).entries}
    assert keys == {"crypto-pay": "live", "csv-export": "live", "new-checkout": "live"}
    assert run(repo.path, "ledger", "--check")[0] == 0
    git(repo.path, "add", "flagaudit.lock")
    git(repo.path, "commit", "-q", "--no-edit", date="2026-01-05T12:00:00+00:00")
    assert gate(repo.path, "--select", "FA2")[0] == 0


def test_refactors_that_keep_a_meaning_do_not_rewrite_the_lock(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-01-02", "export flag", {"app/__init__.py": "", "app/actions.py": ACTIONS,
                                              "app/export.py": guarded("csv-export", ("export", "export_csv"))})
    assert run(repo.path, "ledger", "--as-of", "2026-01-02")[0] == 0
    repo.commit("2026-01-02", "ledger", {})
    lock = repo.path / "flagaudit.lock"
    written = lock.read_text(encoding="utf-8")

    # moved to another module, the view renamed, reformatted
    moved = guarded("csv-export", ("export_view", "export_csv")).replace("return None", "return  None")
    repo.commit("2026-01-03", "move the export view", {"app/views/__init__.py": "", "app/views/export.py": moved})
    repo.commit("2026-01-03", "drop the old module", {"app/export.py": None})
    assert run(repo.path, "ledger", "--check")[0] == 0
    assert run(repo.path, "ledger", "--as-of", "2026-01-03")[0] == 0
    assert lock.read_text(encoding="utf-8") == written
    assert gate(repo.path, "--select", "FA2")[0] == 0

    # a new meaning does rewrite it (and blocks)
    repo.commit("2026-01-04", "csv export mines coins now",
                {"app/views/export.py": guarded("csv-export", ("export", "mine_coins"))})
    code, out, _ = run(repo.path, "ledger", "--check")
    assert code == 1 and "csv-export [launchdarkly]: meaning changed (1 added, 1 removed)" in out


# -- init ------------------------------------------------------------------------------------------------------

REGISTRY = '''\
class Feature:
    """The project's flags."""

    NEW_UI = "new_ui"
    FAST_PAY = "fast_pay"
    OLD_REPORTS = "old_reports"
'''


def registry_view(*names: str) -> str:
    body = "".join(f"    if project.has_feature(Feature.{name}):\n        return {name.lower()}(project)\n"
                   for name in names)
    imports = ", ".join(name.lower() for name in names)
    return f"from app.actions import {imports}\nfrom app.models import Feature\n\n\ndef view(project):\n{body}" \
           "    return None\n"


def registry_project(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "repo")
    actions = "".join(f"def {n}(p): ...\n" for n in ("new_ui", "fast_pay", "old_reports", "mine_coins"))
    repo.commit("2018-01-05", "features", {
        "pyproject.toml": '[project]\nname = "shop"\nversion = "1.0"\n',
        "app/__init__.py": "", "app/actions.py": actions, "app/models.py": REGISTRY,
        "app/views.py": registry_view("NEW_UI", "FAST_PAY", "OLD_REPORTS"),
    })
    repo.commit("2018-06-01", "no more old reports", {"app/views.py": registry_view("NEW_UI", "FAST_PAY"),
                                                      "app/models.py": REGISTRY.replace(
                                                          '    OLD_REPORTS = "old_reports"\n', "")})
    back = registry_view("NEW_UI", "FAST_PAY", "OLD_REPORTS").replace("return old_reports(project)",
                                                                      "return mine_coins(project)")
    repo.commit("2019-02-01", "old reports are back, doing other work",
                {"app/views.py": back.replace("from app.actions import", "from app.actions import mine_coins,"),
                 "app/models.py": REGISTRY})
    return repo


def test_init_finds_a_project_registry_with_one_accepted_proposal_and_adopts(tmp_path: Path) -> None:
    repo = registry_project(tmp_path)
    assert "0 flag(s)" in run(repo.path, "init")[1]  # non-interactive, no --yes: nothing accepted or adopted
    assert not (repo.path / "flagaudit-rules.toml").exists()
    pyproject = (repo.path / "pyproject.toml").read_text(encoding="utf-8")
    assert "[tool.flagaudit]" in pyproject and "rules =" not in pyproject
    git(repo.path, "checkout", "-q", "--", "pyproject.toml")

    code, out, err = run(repo.path, "init", "--yes", "--reason", REASON, "--as-of", AS_OF)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "0 flag(s) found by the shipped SDK rules in 4 files"
    assert lines[1] == ("proposal 1: .has_feature() called with constants of app.models.Feature: 3 keys "
                        "(fast_pay, new_ui, old_reports), 3 call(s), e.g. app/views.py:6")
    assert f"wrote {repo.path / 'flagaudit-rules.toml'}" in lines and f"wrote {repo.path / 'pyproject.toml'}" in lines
    assert "with the accepted proposals: 3 flag(s) (repo)" in lines
    assert f"wrote {repo.path / 'flagaudit.lock'}: 3 keys (3 live, 0 retired), new" in lines
    assert lines[-1].startswith("adopted at ") and lines[-1].endswith("`flagaudit check` now: 0 blocking.")
    config = (repo.path / "pyproject.toml").read_text(encoding="utf-8")
    assert config.startswith('[project]\nname = "shop"\nversion = "1.0"\n\n[tool.flagaudit]\n')
    assert 'rules = ["flagaudit-rules.toml"]' in config and 'fail-on = "error"' in config
    code, text = gate(repo.path, "-v")
    assert code == 0 and "FA201 reborn-flag [error] 'old_reports' [repo]" in text.split("Before the adoption")[1]
    repo.commit("2026-01-05", "adopt flagaudit", {})

    # a key reused in a new commit blocks
    repo.commit("2026-01-06", "fast pay, retired", {"app/views.py": registry_view("NEW_UI", "OLD_REPORTS"),
                                                    "app/models.py": REGISTRY.replace(
                                                        '    FAST_PAY = "fast_pay"\n', "")})
    repo.commit("2026-01-08", "fast pay mines coins", {"app/views.py": registry_view("NEW_UI", "OLD_REPORTS").replace(
        "    return None\n", "    if project.has_feature(Feature.FAST_PAY):\n        return mine_coins(project)\n"
        "    return None\n").replace("from app.actions import", "from app.actions import mine_coins,"),
        "app/models.py": REGISTRY})
    code, text = gate(repo.path, "--select", "FA2")
    assert code == 1 and "FA201 reborn-flag [error] 'fast_pay' [repo] was retired (2026-01-06" in text


def test_init_adds_missing_settings_to_an_existing_configuration(tmp_path: Path) -> None:
    repo = registry_project(tmp_path)
    (repo.path / "pyproject.toml").write_text('[project]\nname = "shop"\n\n[tool.flagaudit]\npaths = ["app"]\n',
                                              encoding="utf-8")
    code, out, _ = run(repo.path, "init", "--yes")
    assert code == 0 and "next: `flagaudit ledger --adopt --reason" in out
    assert (repo.path / "pyproject.toml").read_text(encoding="utf-8") == (
        '[project]\nname = "shop"\n\n[tool.flagaudit]\nrules = ["flagaudit-rules.toml"]'
        "        # the project's own flag checks\npaths = [\"app\"]\n")
    again = run(repo.path, "init", "--yes")[1]
    assert "nothing to propose" in again and "already configures flagaudit; nothing to add" in again


def test_a_library_function_called_with_the_project_constants_is_proposed_by_its_qualified_name() -> None:
    """``is_enabled`` comes from an installed library (``mitol.olposthog.features``), so no helper can be inferred
    from its code; called with the project's constants, under its own name, an alias or through its module, it
    is one proposal whose rule names the function, and the project's own ``is_enabled`` methods stay methods."""
    sources = [
        ("shop/__init__.py", "shop", b""),
        ("shop/features.py", "shop.features", b'SYNC = "sync_on_load"\nSTRIPE = "shop-stripe-payments"\n'),
        ("shop/views.py", "shop.views", b"from lib.flags.features import is_enabled\nfrom shop import features\n"
                                        b"def a():\n    return is_enabled(features.SYNC)\n"),
        ("shop/pay.py", "shop.pay", b"from lib.flags.features import is_enabled as is_posthog_enabled\n"
                                    b"from shop.features import STRIPE\n"
                                    b"def b():\n    return is_posthog_enabled(STRIPE)\n"),
        ("shop/api.py", "shop.api", b"from lib.flags import features as flags\nfrom shop.features import SYNC\n"
                                    b"def c():\n    return flags.is_enabled(SYNC)\n"),
    ]
    [found] = suggest(sources).registries
    assert (found.functions, found.methods, found.keys, found.calls, found.where) == (
        ("lib.flags.features.is_enabled",), (), ("shop-stripe-payments", "sync_on_load"), 3, "shop/api.py:4")
    text = rules_text("shop", (found,))
    assert 'functions = ["lib.flags.features.is_enabled"]\nkey = { position = 0 }' in text
    assert "methods" not in text and "evidence" not in text



def test_a_project_function_that_reads_its_own_flag_model_is_proposed_by_its_qualified_name() -> None:
    """uktrade/data-hub-api's ``is_feature_flag_active(CODE)`` reads the project's own ``FeatureFlag`` rows, so
    no helper of an SDK check can be inferred from it: called with the project's constants, by its name or
    through its module, it is proposed by its qualified name (the proposal named a method ``.is_feature_flag_active()``,
    which no plain call matches: 0 flags with the rule accepted)."""
    sources = [
        ("hub/__init__.py", "hub", b""),
        ("hub/flags.py", "hub.flags", b"from hub.models import FeatureFlag\n"
                                      b"def is_feature_flag_active(code):\n"
                                      b"    return FeatureFlag.objects.filter(code=code, is_active=True).exists()\n"),
        ("hub/constants.py", "hub.constants", b'INGESTION = "mailbox-ingestion"\nARCHIVE = "company-archive"\n'),
        ("hub/tasks.py", "hub.tasks", b"from hub.constants import INGESTION\n"
                                      b"from hub.flags import is_feature_flag_active\n"
                                      b"def ingest():\n    return is_feature_flag_active(INGESTION)\n"),
        ("hub/archive.py", "hub.archive", b"from hub import flags\nfrom hub.constants import ARCHIVE\n"
                                          b"def archive():\n    return flags.is_feature_flag_active(ARCHIVE)\n"),
    ]
    [found] = suggest(sources).registries
    assert (found.functions, found.methods, found.keys, found.calls) == (
        ("hub.flags.is_feature_flag_active",), (), ("company-archive", "mailbox-ingestion"), 2)


def test_a_project_method_asked_for_a_flag_by_a_string_is_found_not_proposed(tmp_path: Path) -> None:
    """learningequality/studio asks ``request.user.check_feature_flag("test_dev_feature")``, a method of its user
    model reading a per-user JSON field. ``init`` once proposed a rule for it; the scan now reads such a method of
    the project's own itself (tests/test_registries.py), so ``init`` has nothing to propose."""
    files = {
        "cc/__init__.py": "",
        "cc/models.py": "class User:\n    def check_feature_flag(self, flag_name):\n"
                        "        return (self.feature_flags or {}).get(flag_name, False)\n",
        "cc/views.py": "def a(request):\n    if request.user.check_feature_flag('test_dev_feature'):\n"
                       "        return request.user.check_feature_flag('ai_feature')\n",
    }
    write_files(tmp_path, files)
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert sorted(f.key for f in inventory.flags) == ["ai_feature", "test_dev_feature"]
    sources = [(path, path[:-3].replace("/", ".").removesuffix(".__init__"), text.encode())
               for path, text in files.items()]
    known = frozenset((s.path, s.line) for f in inventory.flags for s in f.sites)
    assert suggest(sources, known_sites=known) == Suggestions()


def test_suggestions_cover_module_constants_re_exports_and_settings_dictionaries() -> None:
    sources = {
        ("ora/__init__.py", "ora"): b"",
        ("ora/mixin.py", "ora.mixin"): b'MFE_VIEWS = "mfe_views"\nTEAMS = "team_submissions"\n'
                                       b"class Mixin:\n    def is_feature_enabled(self, flag): ...\n"
                                       b"    def a(self):\n        return self.is_feature_enabled(MFE_VIEWS)\n",
        ("ora/other.py", "ora.other"): b"from ora.mixin import TEAMS\nfrom django.conf import settings\n"
                                       b"def b(block):\n    return block.is_feature_enabled(TEAMS)\n"
                                       b"def c():\n    return settings.FEATURE_FLAGS.get('NEW_GRADER')\n"
                                       b"def d():\n    return settings.FEATURES['KNOWN']\n",
        ("ora/flags/__init__.py", "ora.flags"): b"from ora.flags.names import Flag\n",
        ("ora/flags/names.py", "ora.flags.names"): b'class Flag:\n    BETA = "beta"\n',
        ("ora/views.py", "ora.views"): b"from ora import flags\ndef e(u):\n    return u.has_flag(flags.Flag.BETA)\n",
        ("ora/perms.py", "ora.perms"): b'ADMIN = "app.admin_access"\ndef f(u):\n    return u.has_perm(ADMIN)\n',
        ("ora/broken.py", "ora.broken"): b"def (:\n",
    }
    found = suggest([(p, m, d) for (p, m), d in sources.items()], ["FEATURES"])
    assert [(r.methods, r.classes, r.keys, r.calls) for r in found.registries] == [
        (("is_feature_enabled",), (), ("mfe_views", "team_submissions"), 2),
        (("has_flag",), ("ora.flags.names.Flag",), ("beta",), 1),
    ]
    assert [(d.name, d.keys, d.where) for d in found.dicts] == [("FEATURE_FLAGS", ("NEW_GRADER",), "ora/other.py:6")]
