"""A switch read from the environment as a gate is a settings flag: CenterForOpenScience/SHARE's
``if os.environ.get('USE_SENTRY'):`` in its settings, TreyWW/MyFinances' ``get_var("AWS_DISABLED", "").lower() ==
"true"`` through its own helper over ``os.environ.get``, grafana/oncall's ``getenv_boolean("X_ENABLED", False)`` in
a management command. A read whose value is kept is where a setting is made, and only a switch's name counts."""

from __future__ import annotations

import json
from pathlib import Path

from flagaudit.extract.prefilter import mentions
from flagaudit.facts import Flag
from flagaudit.sdk_rules import load_rules
from tests.helpers import flags_in
from tests.repos import Repo
from tests.run import run_cli

PROJECT = {
    "project/__init__.py": "",
    "project/settings.py": """
        import os

        from project.helpers import get_var

        SENTRY_DSN = os.environ.get("SENTRY_DSN")
        AWS_STATIC_ENABLED = get_var("AWS_STATIC_ENABLED", "False").lower() == "true"
        ARE_EMAILS = True if get_var("AWS_SES_ENABLED", "").lower() == "true" else False

        if os.environ.get("USE_SENTRY"):
            SENTRY = SENTRY_DSN
        if os.getenv("SENTRY_DSN"):
            LOGGING = {}
    """,
    "project/helpers.py": """
        import os


        def get_var(key, default=None):
            value = os.environ.get(key, default=default)
            return value or ""
    """,
    "project/storage.py": """
        import os

        from project.helpers import get_var


        class Handler:
            def start(self):
                if get_var("AWS_DISABLED", "").lower() == "true":
                    return None
                if get_var("AWS_RESUME_ENABLED") == "false":
                    return self.resume()
                return self.connect()

            def connect(self):
                return get_var("AWS_REGION")

            def resume(self):
                return None


        def debug_on(kind):
            name = kind.strip()
            if os.environ.get(name):
                return True
            return False
    """,
}


def _sites(flags: tuple[Flag, ...]) -> dict[str | None, list[tuple[str, int, str, list[int], list[int]]]]:
    """Each key's sites: where, the guard, and the first lines of what runs while it is on and while off."""
    return {f.key: [(s.path, s.line, s.guard, [a for a, _ in s.on], [a for a, _ in s.off]) for s in f.sites]
            for f in flags}


def test_a_switch_read_from_the_environment_as_a_gate_is_a_settings_flag() -> None:
    """Tested directly or through the project's helper, its text compared with "true" (on) or "false" (off);
    kept in a setting (``AWS_STATIC_ENABLED = ...``), passed on, named as no switch (``SENTRY_DSN``, ``AWS_REGION``) or
    by a name not known (``os.environ.get(name)``): none."""
    flags = flags_in(PROJECT)
    assert {f.sdk for f in flags} == {"settings"}
    assert _sites(flags) == {
        "AWS_DISABLED": [("project/storage.py", 9, "early-return", [10], [11])],
        "AWS_RESUME_ENABLED": [("project/storage.py", 11, "early-return", [13], [12])],
        "AWS_SES_ENABLED": [("project/settings.py", 8, "ternary", [8], [8])],
        "USE_SENTRY": [("project/settings.py", 10, "if", [11], [])],
    }


def test_a_switch_from_the_environment_is_configuration_for_the_gate(tmp_path: Path) -> None:
    """The program reads it wherever the subsystem it switches is used: a new place that reads it is no new meaning,
    as for ``settings.X_ENABLED``."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-01-05", "sentry behind an environment switch", PROJECT)
    moved = {"project/monitoring.py": """
        import os


        def report(error):
            if os.environ.get("USE_SENTRY"):
                return send(error)
            return None


        def send(error):
            return error
    """}
    repo.commit("2024-06-05", "report errors to sentry where they happen", moved)
    ran = run_cli("check", "--format", "json", "--no-cache", "--as-of", "2024-07-01", cwd=repo.path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    found = json.loads(ran.stdout)
    assert [len(f["sites"]) for f in found["flags"] if f["key"] == "USE_SENTRY"] == [2]
    assert not [f for f in found["findings"] if f["severity"] == "error"]


def test_only_a_switch_read_from_the_environment_lets_a_file_through_the_prefilter() -> None:
    """A settings module reads dozens of values from the environment (``os.environ.get("DATABASE_URL")``), and in
    history every version of it was parsed for them: only a name said as a switch (a word of it, not ``USER`` in
    ``OSF_DB_USER``), or one not written out (a helper's ``os.environ.get(key)``), makes the file worth parsing."""
    rules = load_rules(())
    plain = (b'import os\n\nDATABASE_URL = os.environ.get("DATABASE_URL")\nSECRET = os.getenv(\'SECRET\')\n'
             b'USER = os.environ.get("OSF_DB_USER", "postgres")\nWHEELHOUSE = os.environ.get("WHEELHOUSE")\n')
    assert not mentions(plain, rules)
    assert mentions(plain + b'if os.environ.get(\n    "USE_SENTRY"):\n    pass\n', rules)
    assert mentions(plain + b"if getenv('AWS_ENABLED'):\n    pass\n", rules)
    assert mentions(b"import os\n\ndef get_var(key):\n    return os.environ.get(key)\n", rules)


def test_a_switch_named_in_the_middle_of_its_name_is_read_from_the_environment() -> None:
    """suitenumerique/docs' anonymising command runs only ``if os.environ.get(ALLOW_ENV) == "1"``, the constant
    ``DOCS_ALLOW_ANONYMIZATION``: ``X_ALLOW_Y`` and ``X_ENABLE_Y`` say switch as ``ALLOW_X`` does; a connection's
    ``EMAIL_USE_TLS`` or ``APP_DB_DISABLE_SSL`` (mitodl's services) does not."""
    flags = flags_in({"project/__init__.py": "", "project/anonymize.py": """
        import os

        ALLOW_ENV = "DOCS_ALLOW_ANONYMIZATION"


        def handle():
            if os.environ.get(ALLOW_ENV) != "1":
                raise SystemExit("refusing to run")
            if os.environ.get("SEARCH_ENABLE_CACHE") == "1":
                warm()
            if os.environ.get("EMAIL_USE_TLS") or os.environ.get("APP_DB_DISABLE_SSL"):
                warm()
            return warm()


        def warm():
            return None
    """})
    assert _sites(flags) == {
        "DOCS_ALLOW_ANONYMIZATION": [("project/anonymize.py", 8, "early-return", [10], [9])],
        "SEARCH_ENABLE_CACHE": [("project/anonymize.py", 10, "if", [11], [])],
    }


def test_a_helper_that_reads_each_entry_it_is_given_from_the_environment_checks_each_key_written() -> None:
    """makeplane/plane's ``get_configuration_value([{"key": "ENABLE_SIGNUP", "default": ...}])`` reads
    ``os.environ.get(key.get("key"))`` for each dict of the list and returns the values in order, which the caller
    unpacks (``(ENABLE_SIGNUP,) = ...``) and compares (also beside another condition, or in the answer it
    returns); a key picked from a table (``config_key =
    PROVIDERS.get(name)``) is each of the table's. A value only kept (``EMAIL_HOST``) is no check."""
    flags = flags_in({"project/__init__.py": "", "project/values.py": """
        import os


        def get_configuration_value(keys):
            found = []
            for key in keys:
                found.append(os.environ.get(key.get("key"), key.get("default")))
            return tuple(found)
    """, "project/views.py": """
        import os

        from project.values import get_configuration_value


        def signup(email):
            (ENABLE_SIGNUP,) = get_configuration_value([
                {"key": "ENABLE_SIGNUP", "default": os.environ.get("ENABLE_SIGNUP", "1")},
            ])
            if ENABLE_SIGNUP == "0" and not invited(email):
                raise PermissionError(email)
            return create(email)


        def mail():
            EMAIL_HOST, USE_MAGIC_LINK = get_configuration_value([
                {"key": "EMAIL_HOST", "default": ""},
                {"key": "ENABLE_MAGIC_LINK", "default": "0"},
            ])
            if USE_MAGIC_LINK == "1":
                send(EMAIL_HOST)


        def sync_enabled(provider):
            providers = {"google": "ENABLE_GOOGLE_SYNC", "github": "ENABLE_GITHUB_SYNC"}
            config_key = providers.get(provider)
            if config_key:
                (enabled,) = get_configuration_value([{"key": config_key, "default": "0"}])
                return enabled == "1"
            return False


        def invited(email):
            return email.endswith(".org")


        def create(email):
            return email


        def send(host):
            return host
    """})
    assert _sites(flags) == {
        "ENABLE_GITHUB_SYNC": [("project/views.py", 29, "assign+return", [], [])],
        "ENABLE_GOOGLE_SYNC": [("project/views.py", 29, "assign+return", [], [])],
        "ENABLE_MAGIC_LINK": [("project/views.py", 17, "assign+if", [22], [])],
        "ENABLE_SIGNUP": [("project/views.py", 8, "assign+early-return", [13], [12])],
    }


def test_a_read_that_makes_the_setting_of_its_own_name_is_no_check() -> None:
    """DemocracyClub/UK-Polling-Stations' settings ``SHOW_EONI_STATIONS_ALL_THE_TIME = False`` then ``if
    os.environ.get("SHOW_EONI_STATIONS_ALL_THE_TIME", False) in ("True", "1"): SHOW_EONI_STATIONS_ALL_THE_TIME = True``
    make the setting, as ``X = os.environ.get("X") == "1"`` does: the view that reads it is its only check (the read
    in the settings was a site that "now guarded" the setting itself, a false FA203). A switch whose branch does more
    than set it stays a check where the settings are made."""
    flags = flags_in({"project/__init__.py": "", "project/settings.py": """
        import os

        SHOW_EONI = False
        if os.environ.get("SHOW_EONI", False) in ("True", "true", "1"):
            SHOW_EONI = True
        if os.environ.get("USE_SENTRY"):
            SENTRY = "dsn"
    """, "project/views.py": """
        from django.conf import settings


        def stations(request):
            if getattr(settings, "SHOW_EONI", False):
                return request.all()
            return request.local()
    """})
    assert _sites(flags) == {
        "SHOW_EONI": [("project/views.py", 6, "early-return", [7], [8])],
        "USE_SENTRY": [("project/settings.py", 7, "if", [8], [])],
    }


def test_a_reader_of_settings_by_name_over_the_environment_reads_the_settings_flags() -> None:
    """ebmdatalab/openprescribing's ``get_env_setting(name)`` returns ``os.environ[name]``, and its settings make
    ``ENABLE_CACHING = get_env_setting_bool("ENABLE_CACHING")`` through it: the key was two flags, the helper's
    (where the setting is made, a kept value) and the settings' (``settings.ENABLE_CACHING``). A reader by name over
    the environment reads the deployment's switches, as ``os.environ.get`` does: one settings flag, checked where
    the code reads it."""
    flags = flags_in({"project/__init__.py": "", "common/__init__.py": "", "common/utils.py": """
        from os import environ


        def get_env_setting(setting, default=None):
            try:
                return environ[setting]
            except KeyError:
                return default


        def get_env_setting_bool(setting, default=None):
            value = get_env_setting(setting, default=default)
            return value if value is default else value.lower().strip() == "true"
    """, "project/settings.py": """
        from common.utils import get_env_setting, get_env_setting_bool

        ENABLE_CACHING = get_env_setting_bool("ENABLE_CACHING", default=False)
        SECRET_KEY = get_env_setting("SECRET_KEY")
    """, "project/views.py": """
        from django.conf import settings


        def home(request):
            if settings.ENABLE_CACHING:
                return request.cached()
            return request.fresh()
    """})
    assert [(f.sdk, f.key, [(s.path, s.line) for s in f.sites]) for f in flags] == [
        ("settings", "ENABLE_CACHING", [("project/views.py", 6)])]


def test_a_call_of_the_env_object_a_settings_module_makes_reads_a_switch_of_the_environment() -> None:
    """django-environ's ``env = environ.Env(ENABLE_X=(bool, False))``, then ``if env("ENABLE_X"):`` (City-of-Helsinki's
    kerrokantasi and hauki): as ``env.bool``. A value kept (``DEBUG = env("DEBUG")``), a name that says no switch
    (``SENTRY_DSN``), an ``env`` this module did not make or made otherwise since: none. An annotated one counts."""
    flags = flags_in({
        "project/__init__.py": "",
        "project/settings.py": """
            import environ

            env = environ.Env(ENABLE_DJANGO_EXTENSIONS=(bool, False), DEBUG=(bool, False), SENTRY_DSN=(str, ""))
            DEBUG = env("DEBUG")

            if env("ENABLE_DJANGO_EXTENSIONS"):
                INSTALLED_APPS = ["django_extensions"]
            if env("SENTRY_DSN"):
                LOGGING = {}
        """,
        "project/other_settings.py": """
            from project.settings import env

            if env("ENABLE_SILK"):
                INSTALLED_APPS = ["silk"]
        """,
        "project/annotated.py": """
            import environ

            env: environ.Env = environ.Env()

            if env("ENABLE_DEBUG_TOOLBAR"):
                TOOLBAR = True
        """,
        "project/remade.py": """
            import environ

            env = environ.Env()
            env = environ.FileAwareEnv()

            if env("ENABLE_PROFILER"):
                PROFILE = True
        """,
    })
    assert _sites(flags) == {"ENABLE_DEBUG_TOOLBAR": [("project/annotated.py", 6, "if", [7], [])],
                             "ENABLE_DJANGO_EXTENSIONS": [("project/settings.py", 7, "if", [8], [])]}
