"""Infer the dicts of flags a project's context processors give its templates.

usdoj-crt/crt-portal's ``enabled_features(request)`` returns ``{"ENABLED_FEATURES": {f.snake_case(): f.is_enabled()
for f in Feature.objects.all()}}``, and its templates ask ``{% if ENABLED_FEATURES.nav_updates %}``: nine of its
flags are checked nowhere else. Each such dict (``FileFacts.context_dicts``) makes a rule whose template reads are
sites of the key the attribute names, in the family of the class the dict goes over (the project's own checks of
``Feature`` are that family too).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flagaudit.facts import FileFacts
from flagaudit.sdk_rules import CheckRule, KeyArg, TemplateUse

CONTEXT_DICT = "context/"
"""The start of the id of a rule :func:`infer_context_dicts` makes."""


def infer_context_dicts(facts: Iterable[FileFacts], is_test: Callable[[str], bool]) -> tuple[CheckRule, ...]:
    """One rule for each dict of flags outside tests, sorted by id; a rule names no Python callee: the templates
    alone read it."""
    found = {pair for f in facts if not is_test(f.path) for pair in f.context_dicts}
    return tuple(CheckRule(id=f"{CONTEXT_DICT}{family}.{name}", sdk=family, key=(KeyArg(0),),
                           template=TemplateUse("attribute", name, 0)) for name, family in sorted(found))
