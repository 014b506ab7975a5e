"""A boolean field of a pydantic-settings class is a switch the deployment sets, read where an object named as
configuration reads it (HHS/simpler-grants-gov: ``EndpointConfig().enable_workflow_endpoints``,
``self.notification_config.enable_search_notifications``, ``get_soap_config().use_simpler``). Its key is the
environment's variable: the field's alias, else its name after the class's ``env_prefix``. A field of another
class, one read on an object not named as configuration, a switch for tests or a connection's option is not; nor
is a read whose value is only kept or passed on (a setting made of it, a client's option)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flagaudit.config import Config
from flagaudit.policies import declared, load_policies
from flagaudit.scan.project import ScanOptions, scan
from tests.helpers import flags_in
from tests.repos import write_files
from tests.run import warm_keys, warm_presence

BASE = """
    from pydantic_settings import BaseSettings, SettingsConfigDict


    class ProjectConfig(BaseSettings):
        model_config = SettingsConfigDict(env_file=".env")
"""

PROJECT = {
    "api/__init__.py": "",
    "api/env_config.py": BASE,
    "api/notifications.py": """
        from typing import Optional

        from pydantic import BaseModel, Field

        from api.env_config import ProjectConfig


        class NotificationConfig(ProjectConfig):
            frontend_url: str = Field(alias="FRONTEND_URL")
            enable_search_notifications: bool = Field(default=True, alias="ENABLE_SEARCH_NOTIFICATIONS")
            sync_suppressed_emails: Optional[bool] = Field(default=True, alias="SYNC_SUPPRESSED_EMAILS")
            use_mock: bool = Field(default=False, alias="NOTIFICATIONS_USE_MOCK")
            verbose_logging: bool = False


        class TransformConfig(ProjectConfig):
            class Config:
                env_prefix = "transform_oracle_data_"

            enable_agency: bool = True
            search_use_ssl: bool | None = None


        class Row(BaseModel):
            enable_agency: bool = False


        def get_config() -> NotificationConfig:
            return NotificationConfig()


        class Task:
            def __init__(self, notification_config=None):
                self.notification_config = notification_config or get_config()
                self.transform_config = TransformConfig()

            def run(self, row: Row, client):
                if self.notification_config.enable_search_notifications:
                    client.search()
                if not get_config().sync_suppressed_emails or self.notification_config.use_mock:
                    client.sync()
                if self.transform_config.enable_agency and self.transform_config.search_use_ssl:
                    client.transform()
                if row.enable_agency or self.notification_config.verbose_logging:
                    client.row()
                client.configure(verbose=self.notification_config.enable_search_notifications)
                kept = get_config().sync_suppressed_emails
                return f"{self.transform_config.enable_agency}"
    """,
    "tests/test_notifications.py": """
        from api.env_config import ProjectConfig


        class TestConfig(ProjectConfig):
            enable_fixture_loading: bool = True


        def test_config(config):
            assert config.enable_fixture_loading
    """,
}


def test_a_boolean_field_of_a_settings_class_is_a_switch_read_on_configuration() -> None:
    flags = flags_in(PROJECT)
    assert sorted((f.sdk, f.key, [(s.path, s.line, s.rule, s.guard) for s in f.sites]) for f in flags) == [
        ("settings", "ENABLE_SEARCH_NOTIFICATIONS",
         [("api/notifications.py", 39, "settings/typed.field.attribute", "if")]),
        ("settings", "SYNC_SUPPRESSED_EMAILS", [("api/notifications.py", 41, "settings/typed.field.attribute", "if")]),
        ("settings", "TRANSFORM_ORACLE_DATA_ENABLE_AGENCY",
         [("api/notifications.py", 43, "settings/typed.field.attribute", "if")]),
    ]


def test_a_field_two_settings_classes_name_differently_is_left_out() -> None:
    """``enabled`` is ``ENABLE_LOCAL_EMAIL_CAPTURE`` in one class and ``ENABLE_LOCAL_FILE_SCANNER`` in another: a
    read of ``config.enabled`` names no class. A field one class declares is still read."""
    files = {
        "api/__init__.py": "",
        "api/env_config.py": BASE,
        "api/adapters.py": """
            from pydantic import Field

            from api.env_config import ProjectConfig


            class EmailConfig(ProjectConfig):
                enabled: bool = Field(default=False, alias="ENABLE_LOCAL_EMAIL_CAPTURE")


            class ScannerConfig(ProjectConfig):
                enabled: bool = Field(default=False, alias="ENABLE_LOCAL_FILE_SCANNER")
                enable_job_lock: bool = True


            def send(config: EmailConfig, scanner_config: ScannerConfig, client):
                if config.enabled and scanner_config.enable_job_lock:
                    client.send()
        """,
    }
    assert [(f.key, [s.line for s in f.sites]) for f in flags_in(files)] == [("ENABLE_JOB_LOCK", [17])]


APP = {
    "src/__init__.py": "",
    "src/env_config.py": BASE,
    "src/app.py": """
        from flask import Flask

        from src.env_config import ProjectConfig


        class EndpointConfig(ProjectConfig):
            enable_workflow_endpoints: bool = False


        def create_app():
            app = Flask(__name__)
            register_blueprints(app)
            return app


        def register_blueprints(app):
            if EndpointConfig().enable_workflow_endpoints:
                app.register_blueprint("workflow")
    """,
}


def test_flask_application_factory_is_an_entry_point(tmp_path: Path) -> None:
    """``create_app`` is called by Flask's command line or a WSGI server's command, from no module: what it calls
    is reached (no FA301)."""
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in APP.items()})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert [(f.key, f.sdk) for f in inventory.flags] == [("ENABLE_WORKFLOW_ENDPOINTS", "settings")]
    assert [f.code for f in inventory.findings if f.code == "FA301"] == []


def test_a_warm_scan_follows_a_field_as_a_cold_one_does(tmp_path: Path) -> None:
    """The class stops deriving from the settings base, then derives again: each warm scan gives what a cold one
    gives."""
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in APP.items()})
    derived = textwrap.dedent(APP["src/app.py"])
    plain = derived.replace("(ProjectConfig)", "(object)")
    assert warm_keys(tmp_path, tmp_path / "src/app.py", [derived, plain, derived]) == [
        ["ENABLE_WORKFLOW_ENDPOINTS"], [], ["ENABLE_WORKFLOW_ENDPOINTS"]]


ROWS = {
    "dojo/__init__.py": "",
    "dojo/models.py": """
        from django.db import models


        class System_Settings(models.Model):
            enable_product_grade = models.BooleanField(default=False)
            enable_calendar = models.BooleanField(default=True)
            enable_benchmark = models.BooleanField(default=False)
            enforce_verified_status = models.BooleanField(default=True)
            team_name = models.CharField(max_length=100)
    """,
    "dojo/utils.py": """
        from dojo.models import System_Settings


        def get_system_setting(setting, default=None):
            system_settings = System_Settings.objects.get()
            return getattr(system_settings, setting, default)
    """,
    "dojo/views.py": """
        from dojo.models import System_Settings
        from dojo.utils import get_system_setting


        def calendar(request):
            if not get_system_setting("enable_calendar"):
                return None
            return request.render()


        def grade(finding):
            system_settings = System_Settings.objects.get()
            if system_settings.enable_product_grade:
                finding.grade()
            if system_settings.enforce_verified_status:
                finding.verify()
    """,
    "dojo/templates/base.html": """
        {% if system_settings.enable_benchmark %}<a href="/benchmark">Benchmarks</a>{% endif %}
        {% if system_settings.enforce_verified_status %}verified{% endif %}
        {{ system_settings.enable_product_grade }}
    """,
}


def test_a_row_the_projects_reader_of_settings_reads_holds_its_flags() -> None:
    """DefectDojo's ``get_system_setting(name)`` reads ``getattr(System_Settings.objects.get(), name)``: the model's
    boolean columns named as switches are its flags, also read straight from the row (``system_settings.
    enable_product_grade``, and ``{% if system_settings.enable_benchmark %}`` in templates), in the reader's family,
    and typed as the operators' settings the reader's are (no FA101). A column not named as a switch is a setting."""
    flags = flags_in(ROWS)
    found = declared(next(f for f in flags if f.key == "enable_product_grade"),
                     load_policies(Config(root=Path(".")), {}))
    assert (found.type, found.type_source) == ("permission", "read as a setting at dojo/templates/base.html:4")
    assert sorted((f.sdk, f.key, [(s.path, s.line, s.rule) for s in f.sites]) for f in flags) == [
        ("dojo.utils", "enable_benchmark",
         [("dojo/templates/base.html", 2, "registry/dojo.utils.declared.attribute.rows.template.field.attribute")]),
        ("dojo.utils", "enable_calendar", [("dojo/views.py", 7, "registry/dojo.utils.declared.attribute")]),
        ("dojo.utils", "enable_product_grade",
         [("dojo/templates/base.html", 4, "registry/dojo.utils.declared.attribute.rows.template.field.attribute"),
          ("dojo/views.py", 14, "registry/dojo.utils.declared.attribute.rows.field.attribute")]),
    ]


def test_a_warm_scan_follows_the_row_a_reader_of_settings_reads_as_a_cold_one_does(tmp_path: Path) -> None:
    """The reader stops reading the settings row (another model's), then reads it again: each warm scan gives what a
    cold one gives."""
    assert warm_presence(tmp_path, ROWS, "dojo/utils.py", "System_Settings.objects.get()",
                         "System_Settings.objects.using('replica').first()", "enable_product_grade") \
        == [True, False, True]


def test_a_model_named_for_flags_holds_a_flag_in_each_boolean_column() -> None:
    """open-zaak keeps its switches as columns of one row of a ``FeatureFlags`` model (django-solo) and reads
    ``feature_flags = FeatureFlags.get_solo()`` then ``feature_flags.allow_unpublished_typen``: each boolean column
    of a class named for flags is a flag by its name, whatever the name. Another model's columns are not."""
    flags = flags_in({
        "config/__init__.py": "",
        "config/models.py": """
            from django.db import models
            from solo.models import SingletonModel


            class FeatureFlags(SingletonModel):
                allow_unpublished_typen = models.BooleanField(default=False)


            class Mailbox(models.Model):
                archived = models.BooleanField(default=False)
        """,
        "config/validators.py": """
            from config.models import FeatureFlags


            def validate(kind, mailbox_config):
                feature_flags = FeatureFlags.get_solo()
                if feature_flags.allow_unpublished_typen:
                    return True
                if mailbox_config.archived:
                    return False
                return kind.published
        """,
    })
    assert [(f.key, [(s.path, s.line, s.guard) for s in f.sites]) for f in flags] == [
        ("allow_unpublished_typen", [("config/validators.py", 7, "early-return")])]
