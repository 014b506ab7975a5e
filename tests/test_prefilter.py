"""The byte-level prefilter's searches: by paragraph, kept across the versions history reads, and names searched for
alone; each must find what one search through the whole text finds."""

from __future__ import annotations

import re

import pytest

from flagaudit.extract import prefilter
from flagaudit.extract.prefilter import mentions
from flagaudit.sdk_rules import load_rules

_TEXTS = [
    b"",
    b"\n\n",
    b"\n\n\n\nflag_is_active(request, 'x')\n\n\n",
    b"import waffle\n\nif waffle.flag_is_active(request, 'a'):\n    pass\n\n\nwaffle.switch_is_active('b')",
    b"from django.conf import settings\n\nif settings.ENABLE_X:\n    go()\n\nsettings.ENABLE_X\n\n",
    b"from django.conf import settings as conf\n\nconf.ENABLE_Y\nsettings . FEATURE_Z\n",
    b"my_settings.ENABLE_X\nxsettings.ENABLE_X\nsettings.settings.ENABLE_X\n\nsettings.get( 'ENABLE_W')",
    b"is_enabled\n\nis_enabled2 is_enabled\n\n_is_enabled\n\nis_enabled_",
    "Umlaut \u00e4is_active\n\nflag_is_active".encode(),
    b"\r\n\r\nflag_is_active\r\n\r\n",
]


def _whole(patterns: tuple[re.Pattern[bytes], ...],
           data: bytes) -> list[list[tuple[int, int, tuple[bytes | None, ...]]]]:
    return [[(m.start(), m.end(), m.groups()) for m in pattern.finditer(data)] for pattern in patterns]


def _by_paragraphs(paragraphs: prefilter._Paragraphs, patterns: tuple[re.Pattern[bytes], ...],
                   data: bytes) -> list[list[tuple[int, int, tuple[bytes | None, ...]]]]:
    """Each pattern's matches, in the order :meth:`~prefilter._Paragraphs.matches` gives them."""
    found: list[list[tuple[int, int, tuple[bytes | None, ...]]]] = [[] for _ in patterns]
    for which, match in paragraphs.matches(patterns, data):
        found[which].append(match)
    return found


def _patterns() -> tuple[re.Pattern[bytes], ...]:
    rules = load_rules()
    assert rules.trigger is not None and rules.attribute_reads is not None
    return rules.trigger, rules.attribute_reads.data


def test_paragraphs_find_what_a_search_through_the_whole_text_finds() -> None:
    """Texts seen for the first time, again, and with their paragraphs at other places (a paragraph added above):
    the same matches at the same places, words at a paragraph's edges and blank lines of every length included."""
    patterns = _patterns()
    paragraphs = prefilter._Paragraphs()
    texts = [*_TEXTS, *_TEXTS, *(b"def added():\n    pass\n\n" + text for text in _TEXTS)]
    for text in texts:
        assert _by_paragraphs(paragraphs, patterns, text) == _whole(patterns, text), text


def test_paragraphs_forgotten_past_the_bound_are_searched_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """With room for a few paragraphs only, the young become old and the old are forgotten while texts come and go
    again: the matches stay those of a search through the whole."""
    monkeypatch.setattr(prefilter, "_MOST_KEPT", 120)
    patterns = _patterns()
    paragraphs = prefilter._Paragraphs()
    for round_ in range(3):
        for number, text in enumerate(_TEXTS):
            varied = text + b"\n\nwaffle.flag_is_active(r, 'k%d')\n" % (number * round_)
            assert _by_paragraphs(paragraphs, patterns, varied) == _whole(patterns, varied)
    assert paragraphs.size <= 120


def test_paragraphs_and_matches_count_for_what_they_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hostile file of tiny paragraphs, or of one paragraph of many words: the entries and matches kept stay within
    the bound, not only their text's bytes."""
    monkeypatch.setattr(prefilter, "_MOST_KEPT", 20_000)
    patterns = _patterns()
    paragraphs = prefilter._Paragraphs()

    def kept() -> int:
        return sum(len(entries) for held in (paragraphs.young, paragraphs.old) for entries in held.values())

    tiny = b"\n\n".join(b"%d" % number for number in range(5_000))
    assert _by_paragraphs(paragraphs, patterns, tiny) == _whole(patterns, tiny)
    assert kept() <= 20_000 // prefilter._HELD
    paragraphs = prefilter._Paragraphs()
    words = b"is_on " * 5_000
    assert _by_paragraphs(paragraphs, patterns, words) == _whole(patterns, words)
    assert kept() == 0 and paragraphs.size == 0  # searched, not kept
    assert _by_paragraphs(paragraphs, patterns, words) == _whole(patterns, words)


def test_a_paragraph_seen_before_is_judged_where_it_now_stands() -> None:
    """The prefilter reads on from a kept match (a ``getattr``'s arguments): at the paragraph's new place, not the
    old one."""
    rules = load_rules()
    check = b'from django.conf import settings\n\nif getattr(settings, "ENABLE_X", False):\n    go()\n'
    plain = b'from django.conf import settings\n\nTIMEOUT = getattr(settings, "TIMEOUT", 30)\n'
    above = b"import os\n\n\ndef helper():\n    return os.sep\n\n"
    for text in (check, above + check, above + above + check):
        assert mentions(text, rules)
    for text in (plain, above + plain, above + above + plain):
        assert not mentions(text, rules)


def test_names_searched_alone_find_what_the_alternation_after_a_boundary_finds() -> None:
    """``settings as conf`` imports, found name by name: what ``\\b(?:config|settings)\\s+as\\s+(...)`` finds, none
    after a letter (``mysettings as x``) and none inside the match before (``settings as config as x``)."""
    names = (b"config", b"settings")
    whole = re.compile(rb"\b(?:config|settings)\s+as\s+([^\s,()#;]+)")
    for text in (b"from django.conf import settings as conf\nfrom a import config as c2",
                 b"mysettings as x\nsettings as config as y\n_config as z settings\n\nas w",
                 b"config as a config as b settings  as\tc", b"settings as", b""):
        alone = [m.group(1) for m in prefilter._after_boundary(prefilter._imported_as(names), text)]
        assert alone == whole.findall(text), text


def test_an_alias_of_the_settings_object_is_followed_as_before() -> None:
    rules = load_rules()
    assert mentions(b'from django.conf import settings as conf\n\nif getattr(conf, "ENABLE_X", False):\n    go()\n',
                    rules)
    assert not mentions(b'from app import mysettings as conf\n\nif getattr(conf, "ENABLE_X", False):\n    go()\n',
                        rules)


def test_a_read_of_the_environment_counts_only_for_a_switch_however_it_is_spaced() -> None:
    """``os.environ.get(`` and the name on the next line: the spaces are not given back to find "no string" after
    them (every version of nyaruka/rapidpro's settings modules went to the parser so)."""
    rules = load_rules()
    assert not mentions(b'import os\nSTRIPE_KEY = os.environ.get(\n    "STRIPE_PUBLIC_KEY", "")\n', rules)
    assert not mentions(b'import os\nif os.getenv( "DATABASE_URL"):\n    pass\n', rules)
    assert mentions(b'import os\nif os.environ.get(\n    "USE_SENTRY"):\n    import sentry_sdk\n', rules)
    assert mentions(b'import os\nif os.getenv( name):\n    pass\n', rules)
