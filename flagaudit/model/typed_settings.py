"""Infer the switches a project keeps as boolean fields of typed settings classes (pydantic-settings).

HHS/simpler-grants-gov has no flag library: its release gates are fields of pydantic-settings classes, filled
from the environment when the class is instantiated (``EndpointConfig().enable_workflow_endpoints``,
``self.notification_config.enable_search_notifications``), about thirty of them, in classes that derive from a
project base over ``BaseSettings``. The environment's variable is the key: a field's ``alias``, else its name
after the class's ``env_prefix``, upper-cased as deployments write it (pydantic-settings matches either case).
A class named for flags (open-zaak's ``FeatureFlags`` model) holds flags in every boolean field, each keyed by its
name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from flagaudit.extract.symbols import SWITCH_NAME
from flagaudit.extract.typed_settings import ENV_PREFIX
from flagaudit.facts import FileFacts
from flagaudit.model.boolean_settings import feature_switch
from flagaudit.model.inherited import ancestors
from flagaudit.sdk_rules import SETTINGS_SDK, SettingRule

_BASES = frozenset({"pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings", "pydantic.BaseSettings",
                    "pydantic.v1.BaseSettings", "pydantic.env_settings.BaseSettings"})
"""Where pydantic-settings' base class is imported from (pydantic 1 had it in ``pydantic`` itself)."""
_FLAG_CLASS = re.compile(r"(?:Feature|Flag|Toggle|Switch)e?s$")
"""A class named for the flags it holds, each a boolean field: open-zaak's one row of ``FeatureFlags``
(django-solo), read as ``FeatureFlags.get_solo().allow_unpublished_typen``."""


def infer_typed_settings(facts: Iterable[FileFacts], is_test: Callable[[str], bool]) -> tuple[SettingRule, ...]:
    """One settings rule for the boolean fields of the project's settings classes that may switch a feature, each
    with its key; a field name that two classes give different keys is left out (a read names no class). None
    where there are none."""
    facts = [f for f in facts if not is_test(f.path)]
    bases = {function.name: function.bases for f in facts for function in f.functions if function.kind == "class"}
    declared: dict[str, dict[str, str]] = defaultdict(dict)
    for f in facts:
        for owner, name, alias in f.boolean_fields:
            declared[owner][name] = alias
    keys: dict[str, set[str]] = defaultdict(set)
    for owner in sorted(declared.keys() & bases.keys()):
        lineage = ancestors(owner, bases)
        if _FLAG_CLASS.search(owner.rpartition(".")[2]):  # its fields are flags, each by its name
            for name, alias in declared[owner].items():
                if name != ENV_PREFIX:
                    keys[name].add(alias or name)
            continue
        if _BASES.isdisjoint(lineage):
            continue
        fields: dict[str, str] = {}
        for cls in (*reversed(lineage), owner):  # a class's own over what its bases declare
            fields.update(declared.get(cls, {}))
        prefix = fields.pop(ENV_PREFIX, "")
        for name, alias in fields.items():
            key = alias or f"{prefix}{name}".upper()
            if SWITCH_NAME.fullmatch(key.upper()) or feature_switch(key.upper()):
                keys[name].add(key)
    read = tuple(sorted((name, found.pop()) for name, found in keys.items() if len(found) == 1))
    return (SettingRule(id=f"{SETTINGS_SDK}/typed", sdk=SETTINGS_SDK, objects=(), fields=read),) if read else ()
