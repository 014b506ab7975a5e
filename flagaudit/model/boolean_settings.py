"""Infer the switches a project's settings read from the environment as booleans, whatever their names.

Django's settings rule takes a plain ``settings.X`` read for a flag's only where the name says switch
(``ENABLE_X``, ``X_ENABLED``...): an attribute names no type. The settings modules do: City-of-Helsinki/yjdh's
``UPDATE_COMPANY_FROM_YTJ_ON_SUBMIT = env.bool(...)`` (its docstring calls it a feature flag), ministryofjustice/
cla_backend's ``ALWAYS_SUGGEST_PROVIDER = os.environ.get(..., "False") == "True"`` and HyphaApp/hypha's nineteen
``env.bool`` settings are each a deployment's switch, read as ``if settings.X:``. Django's own settings and
switches for debugging or for tests are not the project's flags.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from flagaudit.extract.candidates import own_switch_rule
from flagaudit.facts import LITERAL_VALUE, RUN_TIME_BOOL, FileFacts
from flagaudit.model.constancy import deployment_settings
from flagaudit.sdk_rules import SETTINGS_SDK, RuleSet, SettingRule

_DJANGO = frozenset({
    "DEBUG", "DEBUG_PROPAGATE_EXCEPTIONS", "APPEND_SLASH", "PREPEND_WWW", "USE_TZ", "USE_I18N", "USE_L10N",
    "USE_THOUSAND_SEPARATOR", "USE_X_FORWARDED_HOST", "USE_X_FORWARDED_PORT", "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "SESSION_EXPIRE_AT_BROWSER_CLOSE", "SESSION_SAVE_EVERY_REQUEST", "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY", "CSRF_USE_SESSIONS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_BROWSER_XSS_FILTER", "EMAIL_USE_TLS",
    "EMAIL_USE_SSL", "EMAIL_USE_LOCALTIME", "CORS_ORIGIN_ALLOW_ALL", "CORS_ALLOW_ALL_ORIGINS",
    "CORS_ALLOW_CREDENTIALS"})
"""Django's own boolean settings (and django-cors-headers'): the framework's configuration."""
_NOT_FEATURES = re.compile(r"CELERY_\w+|(?:\w+_)?(?:DEBUG|VERBOSE|TEST|TESTS|TESTING|MOCK|MOCKS|FAKE|STUB|STUBS|ENV|CI|"
                           r"DEV|DEVELOPER|DEVELOPMENT|LOCAL|STAGING|PROD|PRODUCTION|DOCKER|LAMBDA|SSL|TLS|SECURE|VERIFY|"
                           r"CERT|CERTS|EAGER|MIGRATIONS)(?:_\w+)?")
"""Switches for debugging or for the tests (``TESTING``, ``DEBUG_SQL``, ``VERBOSE_LOGGING``, ``DEVELOPER_MODE``,
``IS_TEST``, ``SAM_GOV_USE_MOCK``, uktrade/market-access-api's ``FAKE_METADATA``, which serves canned data instead of
another service's), markers of the environment the program runs in (``ENV_DEV``, ``IS_CI_ENV``,
``IS_DOCKER``), a connection's security options (``S3_SECURE``, ``OPENSEARCH_VERIFY_CERTS``), the task queue's own
(``CELERY_TASK_ALWAYS_EAGER``) and migrations' (``SKIP_HEAVY_MIGRATIONS``): not a feature's. Of the 65 flags a
first build of this rule added on the 43 trees of docs/evaluation.md's eleventh round, these were 11."""


def boolean_settings(facts: Iterable[FileFacts], settings_paths: tuple[str, ...],
                     is_test: Callable[[str], bool]) -> frozenset[str]:
    """The booleans the deployment's settings modules read from the environment, but Django's own and switches for
    debugging or tests."""
    return frozenset(name for f in deployment_settings(facts, settings_paths, is_test) for name, value, _ in f.settings
                     if value == RUN_TIME_BOOL and name.isidentifier() and feature_switch(name))


def literal_settings(facts: Iterable[FileFacts], settings_paths: tuple[str, ...],
                     is_test: Callable[[str], bool]) -> frozenset[str]:
    """The settings every assignment of which in the deployment's settings modules is a literal that holds no boolean
    (:data:`LITERAL_VALUE`): values, whatever their names say."""
    values: dict[str, set[str]] = {}
    for file_facts in deployment_settings(facts, settings_paths, is_test):
        for name, value, _ in file_facts.settings:
            values.setdefault(name, set()).add(value)
    return frozenset(name for name, found in values.items() if found == {LITERAL_VALUE})


def feature_switch(name: str) -> bool:
    """Whether a boolean the deployment sets by this name may switch a feature: not one of Django's own, nor a
    switch for debugging or tests, a marker of the environment or a connection's option."""
    return name not in _DJANGO and not _NOT_FEATURES.fullmatch(name)


def infer_boolean_settings(facts: Iterable[FileFacts], settings_paths: tuple[str, ...],
                           is_test: Callable[[str], bool], given: RuleSet) -> tuple[SettingRule, ...]:
    """A rule reading those of :func:`boolean_settings` that the settings rule does not read already from Django's
    settings objects as plain attributes (``if settings.X:``); none where there are none."""
    django = own_switch_rule(given)
    if django is None or django.attributes is None:
        return ()
    named = re.compile(django.attributes)
    names = sorted(name for name in boolean_settings(facts, settings_paths, is_test) if not named.fullmatch(name))
    if not names:
        return ()
    return (SettingRule(id=f"{SETTINGS_SDK}/booleans", sdk=SETTINGS_SDK, objects=django.objects,
                        attributes="|".join(names)),)


def infer_flag_dicts(facts: Iterable[FileFacts], settings_paths: tuple[str, ...],
                     is_test: Callable[[str], bool], given: RuleSet) -> tuple[SettingRule, ...]:
    """A rule reading, as settings dicts of flags (``settings.GALAXY_FEATURE_FLAGS["ai_deny_index"]``, ``.get``),
    the dicts of booleans the deployment's settings modules set under a name such a dict has
    (``extract/symbols.py``, ``_FLAG_DICT``), or any dict whose switches they set (``WGER_SETTINGS``), that no rule
    reads already; none where there are none."""
    django = own_switch_rule(given)
    if django is None:
        return ()
    read = {name for rule in given.settings for name in rule.dicts}
    names = sorted({name.partition("[")[0] for f in deployment_settings(facts, settings_paths, is_test)
                    for name, _, _ in f.settings if "[" in name} - read)
    return (SettingRule(id=INFERRED_DICTS, sdk=SETTINGS_SDK, objects=django.objects, dicts=tuple(names)),) \
        if names else ()


INFERRED_DICTS = f"{SETTINGS_SDK}/dicts"
"""The id of that rule, and of the sites it makes."""

