"""Infer the dicts of flags a project's context processors give its templates.

usdoj-crt/crt-portal's ``enabled_features(request)`` returns ``{"ENABLED_FEATURES": {f.snake_case(): f.is_enabled()
for f in Feature.objects.all()}}``, and its templates ask ``{% if ENABLED_FEATURES.nav_updates %}``: nine of its
flags are checked nowhere else. Each such dict (``FileFacts.context_dicts``) makes a rule whose template reads are
sites of the key the attribute names, in the family of the class the dict goes over (the project's own checks of
``Feature`` are that family too), or of the SDK whose check gives each value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flagaudit.extract.context_dicts import RETURNED
from flagaudit.facts import FileFacts
from flagaudit.sdk_rules import CheckRule, KeyArg, TemplateUse

CONTEXT_DICT = "context/"
"""The start of the id of a rule :func:`infer_context_dicts` makes."""


def infer_context_dicts(facts: Iterable[FileFacts], is_test: Callable[[str], bool]) -> tuple[CheckRule, ...]:
    """One rule for each dict of flags outside tests, sorted by id; a rule names no Python callee: the templates
    alone read it. A dict a context processor gets from a function of another module (digital-workspace-v2's
    ``get_all_feature_flags(request)``) has the family of the dict that function returns; none, if it returns none."""
    pairs = {pair for f in facts if not is_test(f.path) for pair in f.context_dicts}
    returned = {name: family for name, family in pairs if name.endswith(RETURNED)}
    found = {(name, returned.get(family) if family.endswith(RETURNED) else family)
             for name, family in pairs if not name.endswith(RETURNED)}
    return tuple(CheckRule(id=f"{CONTEXT_DICT}{family}.{name}", sdk=family, key=(KeyArg(0),),
                           template=TemplateUse("attribute", name, 0)) for name, family in sorted(found) if family)
