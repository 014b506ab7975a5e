"""Keys a data file spells: a module loads a YAML, JSON or TOML file of flag entries into its globals, the code
reads the module's names, and a ``[[data]]`` rule tells flagaudit which file, module and fields."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from flagaudit.config import load_config
from flagaudit.errors import FlagauditError
from flagaudit.extract.data_constants import data_constants, data_facts, yaml_entries
from flagaudit.facts import KeyPart
from flagaudit.history.walk import HistoryOptions, history
from flagaudit.sdk_rules import DataRule, load_rules, parse_rule_file
from tests.helpers import story
from tests.repos import Repo, write_files
from tests.run import run_cli

RULE = DataRule("app/features", ("app/features.yaml",), "app.features", "flag_name", "name")

FEATURES_YAML = """\
    # Flags and switches; `manage_waffle` creates them.
    flags:

      - flag_name: ENABLE_GV
        name: gravy_waffle
        note: Enables the add-ons service; this will remove the files widget
              on the project overview page.
        everyone: true

      - flag_name: STORAGE_USAGE  # shown on the overview
        name: 'storage_usage'
        everyone: true

    switches:
      - flag_name: ENFORCE_CSRF
        name: "enforce_csrf"
        active: false
    """

FEATURES_PY = """\
    import yaml
    from app import settings

    with open(settings.FEATURES_YAML) as stream:
        features = yaml.safe_load(stream)

    for flag in features['flags']:
        locals()[flag.pop('flag_name')] = flag['name']

    for switch in features['switches']:
        locals()[switch.pop('flag_name')] = switch['name']
    """

VIEWS = """\
    import waffle

    from app import features


    def overview(request):
        if waffle.flag_is_active(request, features.ENABLE_GV):
            return addons_widget(request)
        return files_widget(request)


    def addons_widget(request):
        return []


    def files_widget(request):
        return []
    """

RULE_FILE = """\
    [sdk]
    name = "app-features"

    [[data]]
    id = "features"
    files = ["app/features.yaml", "app/features*.json"]
    module = "app.features"
    name = "flag_name"
    value = "name"
    """


def project(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"flagaudit.toml": 'rules = ["flagaudit-rules.toml"]\n', "flagaudit-rules.toml": RULE_FILE,
            "app/__init__.py": "", "app/settings.py": "FEATURES_YAML = 'app/features.yaml'\n",
            "app/features.py": FEATURES_PY, "app/features.yaml": FEATURES_YAML, "app/views.py": VIEWS,
            **(extra or {})}


def test_the_yaml_reader_takes_each_flat_entry_with_its_line_and_folded_notes_and_skips_sections() -> None:
    assert list(yaml_entries(textwrap.dedent(FEATURES_YAML))) == [
        (4, {"flag_name": "ENABLE_GV", "name": "gravy_waffle", "note": "Enables the add-ons service; this will "
             "remove the files widget on the project overview page.", "everyone": "true"}),
        (10, {"flag_name": "STORAGE_USAGE", "name": "storage_usage", "everyone": "true"}),
        (15, {"flag_name": "ENFORCE_CSRF", "name": "enforce_csrf", "active": "false"}),
    ]


def test_an_entrys_other_fields_and_the_comments_above_it_annotate_its_constant() -> None:
    """What the project writes about a flag in its data file (a note, an owner, a type in a comment) is read as
    an annotation of the constant, at the entry's line; a quoted value is not continued on the next line."""
    text = textwrap.dedent("""\
        flags:
          # flagaudit: type=permission owner=@research
          - flag_name: EGAP_ADMINS
            name: egap_admins
            note: Indicates whether EGAP admins have special
                  access to custom schemas  # a comment
          - flag_name: PLAIN
            name: plain
          - flag_name: QUOTED
            name: quoted
            note: 'one line'
                  not: a continuation
        """)
    constants, notes = data_facts("app/features.yaml", text.encode(), [RULE])
    assert [name for name, _ in constants] == ["app.features.EGAP_ADMINS", "app.features.PLAIN",
                                               "app.features.QUOTED"]
    assert notes == (
        ("app.features.EGAP_ADMINS", 3, (("note", "Indicates whether EGAP admins have special access to custom "
                                                  "schemas"), ("owner", "@research"), ("type", "permission"))),
        ("app.features.QUOTED", 9, (("note", "one line"),)))
    rule = DataRule("app/features", ("app/features.json",), "app.features", "flag_name", "name")
    document = '{"flags": [\n  {"flag_name": "A", "name": "a"},\n  {"flag_name": "B", "name": "b", "active": true}]}'
    assert data_facts("app/features.json", document.encode(), [rule])[1] == (
        ("app.features.B", 3, (("active", "true"),)),)


def test_the_yaml_reader_builds_nothing_but_strings() -> None:
    """Tags, anchors, aliases, flow collections and block scalars are not read: no value is made from them."""
    hostile = textwrap.dedent("""\
        - flag_name: A
          name: !!python/object/apply:os.system ["echo hi"]
        - flag_name: B
          name: &anchor b_key
        - flag_name: C
          name: *anchor
        - flag_name: D
          name: {nested: map}
        - flag_name: E
          name: |
            e_key
        - flag_name: F
          name: f_key
        """)
    assert data_constants("app/features.yaml", hostile.encode(), [RULE]) == (
        ("app.features.F", (KeyPart("lit", "f_key"),)),)


def test_json_and_toml_entries_anywhere_in_the_document() -> None:
    document = {"flags": [{"flag_name": "ENABLE_GV", "name": "gravy_waffle"}],
                "switches": {"csrf": {"flag_name": "ENFORCE_CSRF", "name": "enforce_csrf"}}, "version": 3}
    rule = DataRule("app/features", ("app/features.json",), "app.features", "flag_name", "name")
    assert data_constants("app/features.json", json.dumps(document).encode(), [rule]) == (
        ("app.features.ENABLE_GV", (KeyPart("lit", "gravy_waffle"),)),
        ("app.features.ENFORCE_CSRF", (KeyPart("lit", "enforce_csrf"),)))
    toml = (b'[[flags]]\nflag_name = "ENABLE_GV"\nname = "gravy_waffle"\n'
            b'[[flags]]\nflag_name = "not a name"\nname = "x"\n')
    assert data_constants("app/features.toml", toml, [rule]) == (
        ("app.features.ENABLE_GV", (KeyPart("lit", "gravy_waffle"),)),)


def test_an_unreadable_data_file_is_a_reason() -> None:
    rule = DataRule("app/features", ("app/features.json",), "app.features", "flag_name", "name")
    assert data_constants("app/features.json", b"{not json", [rule]) == "cannot read as data: JSONDecodeError"
    assert data_constants("app/features.yaml", b"\xff\xfe", [RULE]) == "cannot decode: not UTF-8"


@pytest.mark.parametrize(("body", "message"), [
    ('[[data]]\nid = "f"\nfiles = ["f.yaml"]\nmodule = "app.features"\nname = "n"\n', "data[0].value"),
    ('[[data]]\nid = "f"\nfiles = ["f.yaml"]\nmodule = "app/features"\nname = "n"\nvalue = "v"\n', "data[0].module"),
    ('[[data]]\nid = "f"\nfiles = ["f.yaml"]\nmodule = "m"\nname = "n"\nvalue = "v"\nkey = 1\n', "unknown field"),
])
def test_a_bad_data_rule_names_the_file_and_the_field(body: str, message: str) -> None:
    with pytest.raises(FlagauditError) as raised:
        parse_rule_file("mine.toml", ('[sdk]\nname = "mine"\n' + body).encode())
    assert "mine.toml" in str(raised.value) and message in str(raised.value)


def test_scan_finds_the_key_the_data_file_spells(tmp_path: Path) -> None:
    """A data file that cannot be read is one skipped entry; the run goes on."""
    write_files(tmp_path, project({"app/features-old.json": "{"}), dedent=True)
    result = run_cli("scan", "--format", "json", "-q", "--no-cache", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["skipped"] == [{"path": "app/features-old.json", "reason": "cannot read as data: JSONDecodeError"}]
    flags = {(f["sdk"], f["key"]): f for f in document["flags"]}
    assert set(flags) == {("waffle-flag", "gravy_waffle")}
    assert [s["path"] for s in flags["waffle-flag", "gravy_waffle"]["sites"]] == ["app/views.py"]


def test_history_follows_a_key_renamed_in_the_data_file(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit("2026-01-05", "add-ons behind a flag", project())
    repo.commit("2026-03-02", "rename the flag", {
        "app/features.yaml": FEATURES_YAML.replace("name: gravy_waffle", "name: addons_service")})
    config = load_config((), None, tmp_path)
    found = history(config, load_rules(config.rules), HistoryOptions(False, workers=1))
    assert story(found, "gravy_waffle") == [("born", "2026-01-05"), ("retired", "2026-03-02")]
    assert story(found, "addons_service") == [("born", "2026-03-02")]
