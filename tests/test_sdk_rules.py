"""flagaudit.sdk_rules: rule files are validated field by field, and every mistake names the file and field."""

from __future__ import annotations

import pytest

from flagaudit.errors import FlagauditError
from flagaudit.extract.file_facts import extract
from flagaudit.sdk_rules import (
    Example,
    KeyArg,
    RuleSet,
    index_rules,
    load_rules,
    parse_rule_file,
)

HEADER = "[sdk]\nname = 'mine'\n"


def parse(body: str):  # type: ignore[no-untyped-def]
    return parse_rule_file("mine.toml", (HEADER + body).encode())


def test_a_check_with_its_examples() -> None:
    rule_file = parse("[[check]]\nid = 'on'\nfunctions = ['mine.on']\nkey = {position = 0, keyword = 'name'}\n"
                      "match = [{ key = 'k', code = 'x', path = 'app/flags.py' }]\nno_match = ['y']\n")
    [check] = rule_file.checks
    assert (check.id, check.sdk, check.key, check.functions) == ("mine/on", "mine", (KeyArg(0, "name"),), ("mine.on",))
    assert check.match == (Example("x", "k", "app/flags.py"),) and check.no_match == (Example("y"),)


@pytest.mark.parametrize(("body", "message"), [
    ("[[check]]\nid = 'on'\nkey = {position = 0}\n", "check[0]: needs one of functions, methods, decorators"),
    ("[[check]]\nid = 'on'\nmethods = ['on']\nkey = {positon = 0}\n", "check[0].key: unknown field(s) positon"),
    ("[[check]]\nid = 'on'\nmethods = ['on']\nkey = {position = 0}\nkey_template = '{}{}'\n",
     "check[0].key_template: must hold one {} per key part"),
    ("[[check]]\nid = 'on'\nmethods = ['on']\nkey = {position = 0}\n[[check]]\nid = 'on'\nmethods = ['off']\n"
     "key = {position = 0}\n", "check[1].id: duplicate id 'on'"),
    ("[[check]]\nid = 'on'\nmethods = ['on']\nkey = {position = 0}\nmatch = [{ code = 'x', path = '../x.py' }]\n",
     "check[0].match[0].path: must be a relative path inside the project"),
    ("[[text]]\nid = 't'\npattern = 'flag'\nfiles = ['*.html']\n", "text[0].pattern: needs a named group"),
    ("[[define]]\nid = 'd'\nmodel = 'Flag'\nkey = {keyword = 'name'}\n", "define[0].model: must be app_label.Model"),
    ("[[chek]]\n", "top level: unknown field(s) chek"),
])
def test_each_mistake_names_the_file_and_the_field(body: str, message: str) -> None:
    with pytest.raises(FlagauditError) as raised:
        parse(body)
    assert str(raised.value).startswith("rule file mine.toml: ") and message in str(raised.value)


def test_two_rules_may_not_claim_one_callee() -> None:
    first = parse("[[check]]\nid = 'on'\nfunctions = ['mine.on']\nkey = {position = 0}\n")
    second = parse_rule_file("other.toml", b"[sdk]\nname = 'other'\n[[check]]\nid = 'on'\nfunctions = ['mine.on']\n"
                                           b"key = {position = 0}\n")
    with pytest.raises(FlagauditError, match="'mine.on' is already claimed by mine/on"):
        index_rules((first, second), "digest")


def test_the_prefilter_holds_every_name_a_site_must_contain() -> None:
    rules = index_rules((parse("[[check]]\nid = 'on'\nfunctions = ['mine.flags.is_on']\nkey = {position = 0}\n"),),
                        "digest")
    assert "trigger" not in vars(rules)  # compiled only when a file is analysed under these rules
    assert rules.words == (b"is_on",)
    assert rules.trigger is not None
    assert rules.trigger.search(b"if is_on('x'):") and not rules.trigger.search(b"if is_online('x'):")


def test_the_built_in_rules_load_and_their_digest_follows_the_settings_dicts() -> None:
    assert load_rules().digest == load_rules().digest != load_rules(settings_dicts=("FLAGS",)).digest



def test_word_alternation_matches_what_the_flat_alternation_matches() -> None:
    """The prefilter's trie finds the same words at the same places as ``a|ab|b`` did, prefixes, dots and all."""
    import random
    import re

    from flagaudit.sdk_rules import word_alternation

    chance = random.Random(3)
    for _ in range(200):
        words = sorted({"".join(chance.choice("ab_.c") for _ in range(chance.randint(1, 5)))
                        for _ in range(chance.randint(1, 12))})
        text = "".join(chance.choice("ab_.c (") for _ in range(200))
        flat = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b")
        trie = re.compile(r"\b(?:" + word_alternation(words) + r")\b")
        assert [m.span() for m in flat.finditer(text)] == [m.span() for m in trie.finditer(text)]
        encoded = [w.encode() for w in words]
        flat_bytes = re.compile(rb"\b(?:" + b"|".join(map(re.escape, encoded)) + rb")\b")
        trie_bytes = re.compile(rb"\b(?:" + word_alternation(encoded) + rb")\b")
        assert [m.span() for m in flat_bytes.finditer(text.encode())] == \
            [m.span() for m in trie_bytes.finditer(text.encode())]


def test_the_prefilter_looks_for_the_class_or_factory_of_a_method_a_rule_names() -> None:
    """``waffle.models.Flag.get`` and ``waffle.get_waffle_flag_model.get``: a file that calls them spells ``Flag``
    or the factory's name; ``get`` is in nearly every file, and with it as a word history read every blob of
    osf.io (a cold ``check`` 3.5 times as long)."""
    words = {w.decode() for w in load_rules().words}
    assert {"Flag", "Switch", "get_waffle_flag_model", "flag_is_active"} <= words
    assert not words & {"get", "all", "filter", "first"}


def test_a_flag_models_name_counts_only_beside_its_apps() -> None:
    """``Flag``, ``Switch`` and ``Sample`` are words of any text ("Sample Flow", "American Flag": nyaruka/rapidpro,
    which has no flag, sent a sixth of its history's versions to the parser for them): they count where ``waffle``
    is written too, as every way to reach waffle's models writes it. A project's model of such a name counts as
    its rule says, wherever."""
    from flagaudit.extract.prefilter import mentions

    rules = load_rules()
    assert not mentions(b'flows.filter(name="Sample Flow")\nlabel = "American Flag"\n', rules)
    assert mentions(b'from waffle.models import Sample\nSample.get("log_1_percent")\n', rules)
    assert mentions(b'Switch = apps.get_model("waffle", "Switch")\nSwitch.objects.create(name="x")\n', rules)
    own = index_rules((*rules.files, parse("[[define]]\nid = 'rows'\nmodel = 'shop.Flag'\nkey = {keyword = 'name'}\n")),
                      "digest")
    assert mentions(b'from .models import Flag\nFlag.objects.create(name="x")\n', own)


def test_a_method_named_as_a_builtin_counts_only_beside_its_sdk() -> None:
    """django-environ's ``env.bool("ENABLE_EMAIL", False)`` is a method named ``bool``, a word of nearly every file:
    as a word of the prefilter alone it sent every version of osf.io's modules to the parser (twice the CPU of a cold
    history). It counts where the file calls a method so named, whatever the object (bods' settings call
    ``env.bool(...)`` on the ``env`` their base module made)."""
    from flagaudit.extract.prefilter import mentions

    rules = load_rules()
    assert not mentions(b"def valid(x) -> bool:\n    return bool(x)\n", rules)
    assert mentions(b'import environ\nenv = environ.Env()\nif env.bool("ENABLE_EMAIL", False):\n    pass\n', rules)
    assert mentions(b'from .base import *\nfrom .base import env\nif env.bool("SHOW_TOOLBAR", default=False):\n'
                    b'    INSTALLED_APPS += ["debug_toolbar"]\n', rules)
    assert not mentions(b'import os\nDEBUG = bool(os.environ.get("DEBUG"))\n', rules)


def test_a_read_by_name_of_an_object_of_declared_values_passes_the_prefilter() -> None:
    """django-constance's ``getattr(config, name)`` reads any declared value (nautobot's helper over it is the
    project's way to ask for its switches), with no default: it counts where the file names ``constance``."""
    from flagaudit.extract.prefilter import mentions

    rules = load_rules()
    assert mentions(b"from constance import config\n\ndef get(name):\n    return getattr(config, name)\n", rules)
    assert mentions(b"import constance\n\ndef get(name):\n    return getattr(constance.config, name)\n", rules)
    assert not mentions(b"from app import config\n\ndef get(name):\n    return getattr(config, name)\n", rules)


def _pass_and_are_found(header: bytes, conditions: list[bytes], rules: RuleSet, expression: str) -> None:
    """Each condition, tested by an ``if`` after ``header``, passes the prefilter, and its one site, of the key
    written ``expression``, is found."""
    from flagaudit.extract.prefilter import mentions

    for condition in conditions:
        text = header + b"if " + condition + b":\n    go()\n"
        assert mentions(text, rules), text
        found = extract("app/views.py", "app.views", text, rules, 1_000_000).sites
        assert [site.key_ref.expression for site in found] == [expression], text


def test_a_settings_dict_counts_where_an_entry_of_it_is_read() -> None:
    """``settings.FEATURES["X"]`` and ``.get("X")`` are the reads of a settings dict that make a site: the dict's name
    alone (nyaruka/rapidpro's ``FEATURES = {"locations"}``, a set, and its tests' ``override_settings(FEATURES=...)``)
    sent most of the 1,474 versions of that history that the parser read for nothing. Each read passes the filter,
    and is found."""
    from flagaudit.extract.prefilter import mentions

    rules = load_rules()
    _pass_and_are_found(b"from django.conf import settings\n",
                        [b'settings.FEATURES["ENABLE_A"]', b'settings.FEATURE_FLAGS .get("ENABLE_A")',
                         b'(settings.FEATURES  # the map\n        ["ENABLE_A"])',
                         b'settings.FEATURES.\\\n        get("ENABLE_A")'], rules, '"ENABLE_A"')
    assert not mentions(b'FEATURES = {"locations"}\n', rules)
    assert not mentions(b'@override_settings(FEATURES={"locations"})\ndef test_map():\n    pass\n', rules)
    assert not mentions(b'from django.conf import settings\nif "locations" in settings.FEATURES:\n    go()\n', rules)
    own = load_rules(settings_dicts=("MY_FLAGS",))
    assert mentions(b'from django.conf import settings\nif settings.MY_FLAGS["ENABLE_A"]:\n    go()\n', own)
    assert not mentions(b'from django.conf import settings\nMY_FLAGS = settings.MY_FLAGS\n', own)


def test_a_method_a_rule_finds_calls_of_counts_as_an_attribute() -> None:
    """A rule's method (PostHog's ``feature_enabled``, Statsig's ``get_config``) is found only where it is called
    on something: ansible/awx's own ``feature_enabled("ldap")``, a licence check called by name, sent every version of
    its API views to the parser. An attribute passes, and so does the word first on a line, where a chain of
    attributes may go on past a comment."""
    from flagaudit.extract.prefilter import mentions

    rules = load_rules()
    _pass_and_are_found(b"import posthog\n",
                        [b'posthog.feature_enabled("new-onboarding", uid)',
                         b'posthog . feature_enabled("new-onboarding", uid)',
                         b'(posthog  # client\n        .feature_enabled("new-onboarding", uid))',
                         b'(posthog.  # client\n        feature_enabled("new-onboarding", uid))',
                         b'posthog.\\\n        feature_enabled("new-onboarding", uid)'], rules, '"new-onboarding"')
    assert not mentions(b'from awx.main.utils import feature_enabled\nif feature_enabled("ldap"):\n    go()\n', rules)
    assert not mentions(b'from amo.utils import get_config\nlimit = get_config("upload_limit")\n', rules)
    # a helper the project defines under a method's name is a function of the rules too, and counts by name
    inferred = index_rules((*rules.files, parse("[[check]]\nid = 'own'\nfunctions = ['app.flags.get_config']\n"
                                                           "key = {position = 0}\n")),
                           "digest")
    assert mentions(b'from app.flags import get_config\nlimit = get_config("upload_limit")\n', inferred)
    # a word with two conditioned roles, a settings dict's name and a method's, counts wherever either would
    both = index_rules((*rules.files, parse("[[check]]\nid = 'own'\nmethods = ['FEATURES']\nkey = {position = 0}\n")),
                       "digest")
    assert mentions(b'if client.FEATURES("beta"):\n    go()\n', both)
    assert mentions(b'from django.conf import settings\nif settings.FEATURES["beta"]:\n    go()\n', both)


def test_history_reads_a_getattr_with_a_bool_default_only_for_a_name_a_flag_may_have() -> None:
    """History counts each site alone, and a ``getattr(settings, "SEND_EMAILS", False)`` alone is no flag (its name
    says none): the versions of nyaruka/rapidpro's views that ask only that went to the parser for nothing. A scan
    reads it still (another site of the key can make it a flag), and so does history for a name a flag may have,
    a name not written out, or beside an edx annotation that names a toggle."""
    from flagaudit.extract.prefilter import mentions

    rules = load_rules()
    head = b"from django.conf import settings\n\ndef send():\n    if "
    plain = head + b'getattr(settings, "SEND_EMAILS", False):\n        go()\n'
    assert mentions(plain, rules)
    assert not mentions(plain, rules, alone=True)
    for condition in (b'getattr(settings, "ENABLE_SENDING", False)', b'getattr(settings, "SEND_MODE", True)',
                      b'getattr(settings, SEND_EMAILS_SETTING, False)', b'getattr(settings, f"SEND_{kind}", False)',
                      b'getattr(settings,  # the one\n        "SEND_EMAILS", False)'):
        assert mentions(head + condition + b":\n        go()\n", rules, alone=True), condition
    assert mentions(b"# .. toggle_name: SEND_EMAILS\n" + plain, rules, alone=True)
    assert not mentions(head + b'getattr(settings, "USE_TZ", False):\n        go()\n', rules, alone=True)


def test_getattr_of_an_object_that_is_no_settings_object_is_decided_by_its_first_argument() -> None:
    """``getattr(self, f"{kind}_dependencies")`` reads no settings, whatever an f-string may hold after the object:
    every version of nyaruka/rapidpro's flow models went to the parser for it."""
    from flagaudit.extract.prefilter import mentions

    rules = load_rules()
    assert not mentions(b'def deps(self, kind):\n    return getattr(self, f"{kind}_dependencies")()\n', rules)
    assert not mentions(b'getattr(self, "ENABLE_X", False)\n', rules)
    assert mentions(b'from django.conf import settings\nif getattr(settings, f"ENABLE_{name}", False):\n    go()\n',
                    rules)
    assert mentions(b'from django.conf import settings\nif getattr(settings, "ENABLE_X", False):\n    go()\n', rules)


def test_a_text_rule_searches_only_texts_that_hold_one_of_its_words() -> None:
    """A pattern that starts with an alternative (``{% if``, ``and``, ``or``) tries most places of a template: its
    words, one of which every match holds, spare the search where none is (half of a template history's work)."""
    rules = index_rules((parse("[[text]]\nid = 't'\nwords = ['ENABLED']\nfiles = ['*.html']\n"
                               "pattern = '''(?:\\{% if|\\band)\\s+(?P<key>[A-Z_]+)\\s*%\\}'''\n"),), "digest")
    found = extract("templates/a.html", "", b"{% if SHOW_MAP_ENABLED %}<map>{% endif %}", rules, 1_000_000)
    assert [s.key_ref.expression for s in found.sites] == ["'SHOW_MAP_ENABLED'"]
    assert extract("templates/b.html", "", b"{% if SHOW_MAP %}<map>{% endif %}", rules, 1_000_000).sites == ()
