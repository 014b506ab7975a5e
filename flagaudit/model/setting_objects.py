"""Infer a project's own settings objects: instances whose attributes are settings read by their names.

grafana/oncall keeps switches an administrator changes at run time as rows of its ``LiveSetting`` model and reads
them as ``live_settings.DANGEROUS_WEBHOOKS_ENABLED``: ``live_settings = LiveSettingProxy()`` at the top of a module,
a class whose ``__getattr__`` asks ``LiveSetting.get_setting(item)``. No rule names such an object, and its reads
look like any attribute's. A module-level instance of a project class whose ``__getattr__`` reads a setting by the
name it is given (through a reader named for settings, or ``getattr(settings, name)``) is a settings object: its
attributes named as switches are settings flags, read as Django's ``settings.X_ENABLED`` are (the same names, the
same family: such an object serves the settings' values where no row overrides them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flagaudit.extract.candidates import own_switch_rule
from flagaudit.extract.file_facts import SETTING_READ_NAME
from flagaudit.extract.symbols import DJANGO_SETTINGS
from flagaudit.facts import FileFacts, Function
from flagaudit.sdk_rules import SETTINGS_SDK, RuleSet, SettingRule


def infer_setting_objects(facts: Iterable[FileFacts], is_test: Callable[[str], bool],
                          given: RuleSet) -> tuple[SettingRule, ...]:
    """One settings rule for the project's settings objects (their qualified names, sorted), reading the names
    Django's settings rule reads; none where there are none."""
    facts = [f for f in facts if not is_test(f.path)]
    serving = {fn.name.rpartition(".")[0] for f in facts for fn in f.functions if _serves_settings(fn)}
    objects = sorted(name for f in facts if f.symbols for name, parts in f.symbols.constants
                     if len(parts) == 1 and parts[0].kind == "call" and parts[0].value in serving)
    django = own_switch_rule(given)
    if not objects or django is None:
        return ()
    return (SettingRule(id=f"{SETTINGS_SDK}/objects", sdk=SETTINGS_SDK, objects=tuple(objects),
                        attributes=django.attributes),)


def _serves_settings(function: Function) -> bool:
    """A class's ``__getattr__`` that reads a setting by the name it is given."""
    return function.kind == "method" and function.name.endswith(".__getattr__") and any(
        SETTING_READ_NAME.fullmatch(target.rpartition(".")[2]) or target == DJANGO_SETTINGS
        for target in function.targets)
