"""The names a project's flag helpers had before their modules were renamed, so history reads old code with them.

The project's own helpers (inferred wrappers, predicates and registries, and those a project's rule file names)
are named where they live at HEAD: ``backend.core.utils.feature_flags.get_feature_status``. A commit that moved
that module (``backend/utils/feature_flags.py`` to ``backend/core/utils/…``) leaves every older version calling
``backend.utils.feature_flags.get_feature_status``, which the HEAD names do not match: the keys checked through
the helper would seem born with the move. The walk lists every first-parent commit with its renames before it
reads any file, so each name's earlier spellings are known before the oldest version is analysed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from flagaudit.gitrepo import Commit
from flagaudit.sdk_rules import CheckRule, RuleSet, index_rules

EarlierNames = dict[str, tuple[str, ...]]
"""A qualified name a rule holds -> the names it had before renames of its module, sorted."""


def earlier_names(commits: Iterable[Commit], rules: RuleSet) -> EarlierNames:
    """Each qualified name of ``rules``' checks that some renamed Python file of ``commits`` (oldest first) held,
    with its earlier names: followed from the newest rename back, so a module renamed twice has both names."""
    known = {name: {name} for name in _qualified(rules)}
    for commit in reversed(list(commits)):
        for change in commit.changes:
            if change.status != "R" or not change.old_path or not _module_file(change.old_path) \
                    or not _module_file(change.path):
                continue
            for new, old in _module_pairs(change.old_path, change.path):
                for names in known.values():
                    names.update([old + name[len(new):] for name in names if name.startswith(new + ".")])
    return {name: tuple(sorted(names - {name})) for name, names in sorted(known.items()) if len(names) > 1}


def with_earlier_names(rules: RuleSet, earlier: EarlierNames) -> RuleSet:
    """``rules`` whose checks also match the ``earlier`` names of their functions, decorators and mixins, but for
    a name another check holds at HEAD or had before: mitodl/ol-django's ``mitol.olposthog.features.is_enabled``
    was ``olposthog.features.is_enabled``, its helper's own name now, which a wrapper is inferred for (two checks of
    one name stop the run); such a name is either's, so neither's."""
    if not earlier:
        return rules
    checks = [check for rule_file in rules.files for check in rule_file.checks]
    owners = Counter(old for check in checks for old in {old for name in _names(check) for old in earlier.get(name, ())}
                     - set(_names(check)))
    shared = {old for old, count in owners.items() if count > 1} | _qualified(rules)

    def extended(names: tuple[str, ...]) -> tuple[str, ...]:
        return (*names, *(old for name in names for old in earlier.get(name, ()) if old not in names
                          and old not in shared))

    files = tuple(replace(rule_file, checks=tuple(
        replace(check, functions=extended(check.functions), decorators=extended(check.decorators),
                mixins=extended(check.mixins)) for check in rule_file.checks)) for rule_file in rules.files)
    indexed = index_rules(files, f"{rules.digest}:earlier:{sorted(earlier.items())!r}", rules.settings_dicts)
    return replace(indexed, traced=rules.traced)


def _names(check: CheckRule) -> tuple[str, ...]:
    return (*check.functions, *check.decorators, *check.mixins)


def _qualified(rules: RuleSet) -> set[str]:
    """The dotted names the checks of ``rules`` call, decorate or subclass."""
    checks: Iterable[CheckRule] = (check for rule_file in rules.files for check in rule_file.checks)
    return {name for check in checks for name in _names(check) if "." in name}


def _module_file(path: str) -> bool:
    """A Python module that is no package's ``__init__``: every name below its module's name is its own, where a
    package's names below its own may be its submodules' (osf.io renamed ``framework/render/__init__.py`` to
    ``api/__init__.py``, which says nothing of ``api/base/views.py``)."""
    return path.endswith(".py") and path.rpartition("/")[2] != "__init__.py"


def _module_pairs(old_path: str, new_path: str) -> list[tuple[str, str]]:
    """(new module, old module) for each count of leading folders a module name may leave out (a project's
    ``src/``, a checkout's subfolder): the one a rule's name starts with is the module it names."""
    new, old = new_path.removesuffix(".py").split("/"), old_path.removesuffix(".py").split("/")
    return [(".".join(new[strip:]), ".".join(old[strip:])) for strip in range(len(new))
            if len(old) > strip and new[strip:] != old[strip:]]
