"""Keys a data file spells, found without a rule: a module that binds its globals from the rows of a YAML, JSON or
TOML file it loads is recognised in its syntax tree, and the file it loads is read as a ``[[data]]`` rule would
read it (osf.io's features module). Nothing from the project is run."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from flagaudit.config import load_config
from flagaudit.extract.data_loaders import Loader, find_loaders
from flagaudit.history.walk import HistoryOptions, history
from flagaudit.scan.cache import FACTS_VERSION
from flagaudit.scan.data_files import MAX_SEARCHES
from flagaudit.scan.project import ScanOptions, scan_graphed
from flagaudit.sdk_rules import load_rules
from tests.helpers import story
from tests.repos import Repo, write_files
from tests.run import run_cli
from tests.test_data_constants import FEATURES_PY, FEATURES_YAML, project

OSF = {k: v for k, v in project().items() if not k.startswith("flagaudit")}
"""osf.io's shape: app/features.py loads app/features.yaml (named by app.settings.FEATURES_YAML) into its globals."""

JSON_FLAGS = """\
    import json
    import os
    import sys

    HERE = os.path.dirname(__file__)
    FLAGS = json.load(open(os.path.join(HERE, "flags.json")))

    for row in FLAGS.get("flags", []):
        setattr(sys.modules[__name__], row["const"], row["key"])
    """

JSON_VIEWS = """\
    from waffle import switch_is_active

    from shop import toggles


    def checkout(request):
        if switch_is_active(toggles.NEW_CHECKOUT):
            return new_checkout(request)
        return old_checkout(request)


    def new_checkout(request):
        return 1


    def old_checkout(request):
        return 0
    """


def scan_json(root: Path, *args: str) -> dict:  # type: ignore[type-arg]
    result = run_cli("scan", "--format", "json", "-q", "--no-cache", *args, str(root), cwd=root)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def keys(document: dict) -> set[tuple[str, str | None]]:  # type: ignore[type-arg]
    return {(f["sdk"], f["key"]) for f in document["flags"]}


def test_the_osf_shape_is_found_in_the_syntax_tree() -> None:
    assert find_loaders("app/features.py", "app.features", textwrap.dedent(FEATURES_PY).encode()) == (
        Loader("app.features", "app/features.py", "flag_name", "name", (), ("app.settings.FEATURES_YAML",)),)


@pytest.mark.parametrize("loop", [
    "for row in FLAGS['flags']:\n    locals()[row['const']] = row['key']\n",
    "for row in FLAGS:\n    globals()[row.get('const')] = row.get('key')\n",
    "for row in FLAGS.values():\n    if row.get('key'):\n        vars()[row['const']] = row['key']\n",
    "for row in FLAGS['flags']:\n    setattr(sys.modules[__name__], row.pop('const'), row['key'])\n",
    "for row in tomllib.load(open('flags.toml', 'rb'))['flags']:\n    globals()[row['const']] = row['key']\n",
])
def test_every_binding_of_a_global_from_a_row(loop: str) -> None:
    head = "import sys\nimport json\nimport tomllib\nfrom yaml import safe_load\nFLAGS = safe_load(open('f.yaml'))\n"
    (found,) = find_loaders("app/toggles.py", "app.toggles", (head + loop).encode())
    assert (found.module, found.name, found.value) == ("app.toggles", "const", "key")


@pytest.mark.parametrize("code", [
    # rows that are no loaded document
    "rows = [{'const': 'A', 'key': 'a'}]\nfor row in rows:\n    globals()[row['const']] = row['key']\n",
    "for row in get_rows():\n    globals()[row['const']] = row['key']\n",
    "import pickle\nrows = pickle.load(open('f.pkl', 'rb'))\n"
    "for row in rows:\n    globals()[row['const']] = row['key']\n",
    # a function's own namespace, another dict, another object
    "import json\ndef load():\n"
    "    for row in json.load(open('f.json')):\n        locals()[row['const']] = row['key']\n",
    "import json\ncache = {}\nfor row in json.load(open('f.json')):\n    cache[row['const']] = row['key']\n",
    "import json\nfor row in json.load(open('f.json')):\n    setattr(settings, row['const'], row['key'])\n",
    # not a row's field, or one field for both
    "import json\nfor row in json.load(open('f.json')):\n    globals()[row['const']] = 'key'\n",
    "import json\nfor row in json.load(open('f.json')):\n    globals()[other['const']] = row['key']\n",
    "import json\nfor row in json.load(open('f.json')):\n    globals()[row['const']] = row['const']\n",
    # a load function of no data format, and a syntax error
    "import pickle\nfor row in pickle.loads(b''):\n    globals()[row['const']] = row['key']\n",
    "import json\nfor row in json.load(open('f.json')):\n    globals()[row['const'] = row['key']\n",
])
def test_look_alikes_are_not_loaders(code: str) -> None:
    assert find_loaders("app/toggles.py", "app.toggles", code.encode()) == ()


def test_the_osf_shape_resolves_like_the_rule_file(tmp_path: Path) -> None:
    """No rule: the keys, sites and constants are what the ``[[data]]`` rule gives; the data file is one more
    file read."""
    with_rule, without = tmp_path / "with", tmp_path / "without"
    write_files(with_rule, project(), dedent=True)
    write_files(without, OSF, dedent=True)
    expected, found = scan_json(with_rule), scan_json(without)
    assert keys(found) == {("waffle-flag", "gravy_waffle")}
    assert found["flags"] == expected["flags"] and found["findings"] == expected["findings"]
    assert found["summary"]["files"] == expected["summary"]["files"] == 5
    assert found["skipped"] == []


def test_a_json_file_beside_the_module_and_setattr(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "shop/__init__.py": "", "shop/toggles.py": JSON_FLAGS, "shop/views.py": JSON_VIEWS,
        "shop/flags.json": json.dumps({"flags": [{"const": "NEW_CHECKOUT", "key": "new-checkout", "on": True}]}),
        "shop/other.json": json.dumps({"flags": [{"const": "NEW_CHECKOUT", "key": "decoy"}]}),
    }, dedent=True)
    assert keys(scan_json(tmp_path)) == {("waffle-switch", "new-checkout")}


def test_a_setting_names_the_file_among_others_that_carry_the_fields(tmp_path: Path) -> None:
    """Django's settings object: any settings module may hold the path."""
    write_files(tmp_path, {
        **OSF, "app/features.py": FEATURES_PY.replace("from app import settings", "from django.conf import settings"),
        "app/settings.py": "FEATURES_YAML = 'conf/features.yaml'\n", "conf/features.yaml": FEATURES_YAML,
        "app/features.yaml": FEATURES_YAML.replace("gravy_waffle", "decoy"),
    }, dedent=True)
    assert keys(scan_json(tmp_path)) == {("waffle-flag", "gravy_waffle")}


def test_without_a_named_file_the_rows_with_both_fields_are_found_outside_the_tests(tmp_path: Path) -> None:
    """The path comes from the environment: every data file whose rows carry both fields is read, a test's
    fixture only if nothing else has them; a file that only mentions the fields is not chosen."""
    write_files(tmp_path, {
        **{k: v for k, v in OSF.items() if k != "app/features.yaml"},
        "app/features.py": FEATURES_PY.replace("settings.FEATURES_YAML", "os.environ['FEATURES']")
        .replace("import yaml", "import os\n    import yaml"),
        "deploy/features.yaml": FEATURES_YAML,
        "tests/features.yaml": FEATURES_YAML.replace("gravy_waffle", "test_only"),
        "deploy/notes.yaml": "# flag_name and name are fields of features.yaml\nother: 1\n",
    }, dedent=True)
    found = scan_json(tmp_path)
    assert keys(found) == {("waffle-flag", "gravy_waffle")}
    assert found["summary"]["files"] == 5


def test_a_tree_of_many_loaders_searches_the_data_files_a_bounded_number_of_times(tmp_path: Path) -> None:
    """Without a named file each pair of fields is a search of every data file: at most MAX_SEARCHES pairs are."""
    count = MAX_SEARCHES + 2
    loop = ("import json, os\nrows = json.load(open(os.environ['F']))\n"
            "for row in rows:\n    globals()[row['n{0}']] = row['v{0}']\n")
    files = {f"app/m{i:02}.py": loop.format(i) for i in range(count)}
    rows = [{f"n{i}": f"NAME{i}", f"v{i}": f"key-{i}"} for i in range(count)]
    views = "".join(f"from app import m{i:02}\n" for i in range(count)) + "import waffle\n\n\ndef view(request):\n" + \
        "".join(f"    waffle.switch_is_active(m{i:02}.NAME{i})\n" for i in range(count))
    write_files(tmp_path, {"app/__init__.py": "", **files, "app/views.py": views, "rows.json": json.dumps(rows)})
    found = {key for _, key in keys(scan_json(tmp_path))}
    assert found == {f"key-{i}" for i in range(MAX_SEARCHES)} | {None}


def test_a_path_out_of_the_project_is_not_followed(tmp_path: Path) -> None:
    project_root, outside = tmp_path / "project", tmp_path / "outside"
    write_files(outside, {"features.yaml": FEATURES_YAML.replace("gravy_waffle", "outside_key")}, dedent=True)
    write_files(project_root, {**{k: v for k, v in OSF.items() if k != "app/features.yaml"},
                               "app/settings.py": "FEATURES_YAML = '../outside/features.yaml'\n"}, dedent=True)
    found = scan_json(project_root)
    assert keys(found) == {("waffle-flag", None)}
    assert found["skipped"] == []


def test_a_data_file_linked_out_of_the_project_is_not_read(tmp_path: Path) -> None:
    project_root, outside = tmp_path / "project", tmp_path / "outside"
    write_files(outside, {"features.yaml": FEATURES_YAML.replace("gravy_waffle", "outside_key")}, dedent=True)
    write_files(project_root, {k: v for k, v in OSF.items() if k != "app/features.yaml"}, dedent=True)
    (project_root / "app" / "features.yaml").symlink_to(outside / "features.yaml")
    found = scan_json(project_root)
    assert keys(found) == {("waffle-flag", None)}
    assert found["skipped"] == [{"path": "app/features.yaml",
                                 "reason": "symbolic link out of the project (not followed)"}]


@pytest.mark.parametrize(("name", "text", "reason"), [
    ("app/features.json", "{not json", "cannot read as data: JSONDecodeError"),
    ("app/features.toml", "[[flags]\nflag_name = 'ENABLE_GV'\nname = 'x'\n", "cannot read as data: TOMLDecodeError"),
    ("app/features.yaml", "\udcff flag_name: A\n  name: a\n", "cannot decode: not UTF-8"),
])
def test_a_malformed_data_file_is_a_skipped_entry(tmp_path: Path, name: str, text: str, reason: str) -> None:
    write_files(tmp_path, {**{k: v for k, v in OSF.items() if k != "app/features.yaml"},
                           "app/settings.py": f"FEATURES_YAML = {name!r}\n"}, dedent=True)
    (tmp_path / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    found = scan_json(tmp_path)
    assert found["skipped"] == [{"path": name, "reason": reason}]
    assert keys(found) == {("waffle-flag", None)}


def test_a_named_pipe_is_not_read(tmp_path: Path) -> None:
    """A named pipe would block the run forever."""
    write_files(tmp_path, {k: v for k, v in OSF.items() if k != "app/features.yaml"}, dedent=True)
    os.mkfifo(tmp_path / "app" / "features.yaml")
    found = scan_json(tmp_path)
    assert found["skipped"] == [{"path": "app/features.yaml", "reason": "not a regular file (pipe, socket or device)"}]


def test_a_data_file_over_the_size_limit_is_a_skipped_entry(tmp_path: Path) -> None:
    write_files(tmp_path, {**OSF, "pyproject.toml": "[tool.flagaudit]\nmax-file-size = 2000\n",
                           "app/features.yaml": FEATURES_YAML + "#" * 2000 + "\n"}, dedent=True)
    found = scan_json(tmp_path)
    assert [s["path"] for s in found["skipped"]] == ["app/features.yaml"]
    assert "larger than" in found["skipped"][0]["reason"]


def test_a_module_a_rule_covers_is_left_to_the_rule(tmp_path: Path) -> None:
    write_files(tmp_path, project(), dedent=True)
    config = load_config((), None, tmp_path)
    rules = scan_graphed(config, load_rules(config.rules), ScanOptions(use_cache=False, workers=1), False).rules
    assert "<detected>" not in {f.path for f in rules.files}


def test_the_cache_follows_the_data_file(tmp_path: Path) -> None:
    """The scan's kept result is named by the data file's content too: an edited file changes the result."""
    write_files(tmp_path, OSF, dedent=True)
    args = ("scan", "--format", "json", "-q", str(tmp_path))
    assert keys(json.loads(run_cli(*args, cwd=tmp_path).stdout)) == {("waffle-flag", "gravy_waffle")}
    write_files(tmp_path, {"app/features.yaml": FEATURES_YAML.replace("gravy_waffle", "addons_service")}, dedent=True)
    assert keys(json.loads(run_cli(*args, cwd=tmp_path).stdout)) == {("waffle-flag", "addons_service")}


def test_history_reads_the_found_data_file_at_every_commit(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit("2026-01-05", "add-ons behind a flag", OSF)
    repo.commit("2026-03-02", "rename the flag", {
        "app/features.yaml": FEATURES_YAML.replace("name: gravy_waffle", "name: addons_service")})
    config = load_config((), None, tmp_path)
    rules = scan_graphed(config, load_rules(config.rules), ScanOptions(use_cache=False, workers=1), False).rules
    found = history(config, rules, HistoryOptions(False, workers=1))
    assert story(found, "gravy_waffle") == [("born", "2026-01-05"), ("retired", "2026-03-02")]
    assert story(found, "addons_service") == [("born", "2026-03-02")]


def test_views_alone_find_nothing(tmp_path: Path) -> None:
    """The data file without a module that loads it is no registry: it is not read."""
    write_files(tmp_path, {**OSF, "app/features.py": "import yaml\n"}, dedent=True)
    found = scan_json(tmp_path)
    assert keys(found) == {("waffle-flag", None)} and found["summary"]["files"] == 4


def test_compare_reads_the_found_data_file_in_every_version(tmp_path: Path) -> None:
    """Two versions whose views are the same but whose features.yaml names the flag differently: without the
    data file found in the working tree, compare would see one unresolved key and no difference."""
    repo = Repo(tmp_path)
    repo.commit("2026-01-05", "add-ons behind a flag", OSF)
    repo.git("tag", "v1")
    repo.commit("2026-03-02", "rename the flag", {
        "app/features.yaml": FEATURES_YAML.replace("name: gravy_waffle", "name: addons_service")})
    result = run_cli("compare", "-C", str(tmp_path), "--no-cache", "--format", "json", "v1", "HEAD")
    assert result.returncode == 0, result.stderr
    verdicts = {(v["key"], v["status"]) for v in json.loads(result.stdout)["keys"]}
    assert verdicts == {("gravy_waffle", "only-in-a"), ("addons_service", "only-in-b")}


def test_the_loops_found_are_kept_by_content_key_and_a_stale_or_damaged_memo_changes_nothing(tmp_path: Path) -> None:
    """The loops each module binds its globals with are kept by the module's content key: an edited module is
    searched again, and a memo kept for other contents or damaged gives what a run without it gives (a forged
    one can name or hide loops, as forged facts can name or hide flag checks)."""
    write_files(tmp_path, OSF, dedent=True)
    args = ("scan", "--format", "json", str(tmp_path))
    memo = tmp_path / ".flagaudit_cache" / f"loaders-v{FACTS_VERSION}.json"
    features = tmp_path / "app" / "features.py"
    assert keys(json.loads(run_cli(*args, cwd=tmp_path).stdout)) == {("waffle-flag", "gravy_waffle")}
    header, _, body = memo.read_bytes().partition(b"\n")
    kept = json.loads(body)
    assert sorted(len(found) for found in kept.values())[-2:] == [0, 1]  # the features module's loop alone
    memo.write_bytes(header + b"\n" + json.dumps(dict.fromkeys(kept, [])).encode())  # kept for other contents
    features.write_text(features.read_text() + "\n# edited\n")
    assert keys(json.loads(run_cli(*args, cwd=tmp_path).stdout)) == {("waffle-flag", "gravy_waffle")}
    assert sorted(len(found) for found in json.loads(memo.read_bytes().partition(b"\n")[2]).values())[-1] == 1
    memo.write_bytes(header + b"\n" + json.dumps(dict.fromkeys(kept, [["x"]])).encode())
    features.write_text(features.read_text() + "\n# edited again\n")
    damaged = run_cli(*args, cwd=tmp_path)
    assert keys(json.loads(damaged.stdout)) == {("waffle-flag", "gravy_waffle")}
    notes = [line for line in damaged.stderr.splitlines() if "cache" in line]
    assert len(notes) == 1 and "ignored a damaged cache file" in notes[0] and "loaders-" in notes[0], notes
    assert run_cli(*args, cwd=tmp_path).stderr == ""  # rebuilt
