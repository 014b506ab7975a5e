"""Keys resolve across modules: constants, re-exports, class attributes, enums, flag objects, f-strings."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.helpers import flags_in, keys
from tests.repos import Repo
from tests.run import run_cli

LD = "import ldclient\nclient = ldclient.get()\n"


def test_literal_local_constant_imported_and_reexported() -> None:
    flags = flags_in({
        "shop/__init__.py": "from .flags import REEXPORTED\n",
        "shop/flags.py": 'NEW = "new-checkout"\nREEXPORTED = "re-exported"\nALIAS = NEW\n',
        "shop/views.py": LD + (
            "from shop.flags import NEW\nfrom . import flags\nfrom shop import REEXPORTED\nimport shop.flags as f\n"
            "def view(ctx):\n"
            "    local = 'local-key'\n"
            "    client.variation('literal', ctx, False)\n"
            "    client.variation(local, ctx, False)\n"
            "    client.variation(NEW, ctx, False)\n"
            "    client.variation(flags.ALIAS, ctx, False)\n"
            "    client.variation(REEXPORTED, ctx, False)\n"
            "    client.variation(f.NEW, ctx, False)\n"
        ),
    })
    assert keys(flags) == {("launchdarkly", k) for k in ("literal", "local-key", "new-checkout", "re-exported")}
    assert len(next(f for f in flags if f.key == "new-checkout").sites) == 3


def test_class_attributes_and_enum_members() -> None:
    flags = flags_in({
        "shop/flags.py": (
            "from enum import Enum\n"
            "class Flags(str, Enum):\n    BETA = 'beta'\n"
            "class Names:\n    NS = 'shop'\n    GIFT = f'{NS}.gift'\n"
        ),
        "shop/views.py": LD + (
            "from shop.flags import Flags, Names\n"
            "client.variation(Flags.BETA, None, False)\n"
            "client.variation(Flags.BETA.value, None, False)\n"
            "client.variation(Names.NS, None, False)\n"
        ),
    })
    assert keys(flags) == {("launchdarkly", "beta"), ("launchdarkly", "shop")}



def test_a_field_of_an_enum_member_whose_enum_mixes_in_a_dataclass() -> None:
    """dimagi/open-chat-studio: ``class Flags(FlagInfo, Enum)``, each member a tuple the dataclass ``FlagInfo``
    takes in field order, asked as ``flag_is_active(request, Flags.X.slug)``. A plain class's tuple is no record,
    and a field past the tuple's end has no value."""
    flags = flags_in({
        "teams/__init__.py": "",
        "teams/flags.py": (
            "from dataclasses import dataclass\nfrom enum import Enum\n\n\n"
            "@dataclass\nclass FlagInfo:\n    slug: str\n    description: str\n    docs_slug: str = ''\n\n\n"
            "class Flags(FlagInfo, Enum):\n    EVALS = ('flag_evaluations', 'Evaluations (beta)')\n\n\n"
            "class Pairs:\n    EVALS = ('not_a_flag', 'x')\n"
        ),
        "teams/views.py": (
            "from waffle import flag_is_active\n\nfrom teams.flags import Flags, Pairs\n\n\n"
            "def page(request):\n    if flag_is_active(request, Flags.EVALS.slug):\n        return 1\n"
            "    if flag_is_active(request, Flags.EVALS.docs_slug):\n        return 2\n"
            "    return flag_is_active(request, Pairs.EVALS.slug)\n"
        ),
    })
    assert sorted((f.key or "", len(f.sites)) for f in flags) == [("", 2), ("flag_evaluations", 1)]


def test_a_method_reads_its_class_constants_through_cls_and_self() -> None:
    """gobii-platform's ``get_waffle_flag_model().get(cls.ROLLOUT_FLAG_NAME)``: the key is the class's constant
    (it was FA402, "defined but never checked"). A static method's first parameter is no class, nor is a
    lower-case attribute (an instance's own) a constant."""
    flags = flags_in({
        "svc/__init__.py": "",
        "svc/rollout.py": """
            from waffle import get_waffle_flag_model, switch_is_active


            class Activation:
                ROLLOUT_FLAG_NAME = "proactive_rollout"
                SWITCH = "activation_switch"

                @classmethod
                def allowed(cls, user):
                    return get_waffle_flag_model().get(cls.ROLLOUT_FLAG_NAME).is_active_for_user(user)

                def enabled(self):
                    return switch_is_active(self.SWITCH)

                def named(self):
                    return switch_is_active(self.switch_name)

                @staticmethod
                def other(cls):
                    return switch_is_active(cls.SWITCH)
        """,
    })
    assert sorted((f.sdk, f.key or "", len(f.sites)) for f in flags) == [
        ("waffle-flag", "proactive_rollout", 1), ("waffle-switch", "", 2), ("waffle-switch", "activation_switch", 1)]

def test_flag_object_defined_in_another_module() -> None:
    flags = flags_in({
        "lms/toggles.py": (
            "from edx_toggles.toggles import WaffleFlag\nNS = 'grades'\n"
            "# .. toggle_name: grades.rewrite\n# .. toggle_creation_date: 2025-01-02\n"
            "REWRITE = WaffleFlag(f'{NS}.rewrite', __name__)\n"
        ),
        "lms/views.py": "from lms.toggles import REWRITE\n\ndef grade():\n"
                        "    if REWRITE.is_enabled():\n        return 1\n",
        "lms/other.py": "from lms import toggles\n\ndef grade():\n    return toggles.REWRITE.is_enabled()\n",
    })
    (flag,) = flags
    assert (flag.sdk, flag.key) == ("waffle-flag", "grades.rewrite")
    assert [s.path for s in flag.sites] == ["lms/other.py", "lms/views.py"]
    assert {s.rule for s in flag.sites} == {"edx-toggles/WaffleFlag.is_enabled"}
    assert dict(flag.definitions[0].metadata)["toggle_creation_date"] == "2025-01-02"


def test_fstring_with_runtime_part_is_a_pattern_and_unresolvable_is_null() -> None:
    flags = flags_in({"app.py": LD + (
        "def view(name, ctx):\n"
        "    client.variation(f'promo-{name}', ctx, False)\n"
        "    client.variation(name, ctx, False)\n"
        "    client.variation(lookup(), ctx, False)\n"
    )})
    pattern = next(f for f in flags if f.pattern)
    assert pattern.key == "promo-*"
    unresolved = next(f for f in flags if f.key is None)
    assert sorted(s.key_ref.expression for s in unresolved.sites) == ["lookup()", "name"]


def test_a_constant_of_another_module_upper_cased_in_a_key_is_cased() -> None:
    """openedx/platform-plugin-aspects reads ``getattr(settings, f"{WAFFLE_FLAG_NAMESPACE.upper()}_{cls.model.upper()}
    _ENABLED", False)`` with the namespace a constant of another module: the pattern was ``*_*_ENABLED``, which says
    nothing of the family."""
    flags = flags_in({
        "sinks/__init__.py": "",
        "sinks/waffle.py": 'WAFFLE_FLAG_NAMESPACE = "event_sink_clickhouse"\n',
        "sinks/base.py": """
            from django.conf import settings

            from sinks.waffle import WAFFLE_FLAG_NAMESPACE


            class ModelBaseSink:
                model = None

                @classmethod
                def is_enabled(cls):
                    return getattr(settings, f"{WAFFLE_FLAG_NAMESPACE.upper()}_{cls.model.upper()}_ENABLED", False)
        """})
    assert [(f.key, f.pattern) for f in flags] == [("EVENT_SINK_CLICKHOUSE_*_ENABLED", True)]


def test_look_alike_receivers_do_not_count() -> None:
    flags = flags_in({"app.py": (
        "class Experiment:\n    def variation(self, key, ctx, default):\n        return default\n"
        "exp = Experiment()\nexp.variation('nope', None, False)\n"
        "class Toggle:\n    def is_enabled(self):\n        return True\n"
        "T = Toggle()\nT.is_enabled()\n"
    )})
    assert flags == ()


def test_user_registry_rule(tmp_path) -> None:
    from flagaudit.sdk_rules import load_rules

    rule = tmp_path / "readthedocs.toml"
    rule.write_text(
        "[sdk]\nname = 'readthedocs'\n"
        "[[define]]\nid = 'feature'\nclass_constants = ['readthedocs.projects.models.Feature']\n"
        "[[check]]\nid = 'has_feature'\nmethods = ['has_feature']\nevidence = false\n"
        "key = {position = 0, keyword = 'feature_id'}\n"
    )
    flags = flags_in({
        "readthedocs/projects/models.py": "class Feature:\n    MKDOCS_V2 = 'mkdocs_v2'\n    UNUSED = 'unused'\n",
        "readthedocs/builds/tasks.py": (
            "from readthedocs.projects.models import Feature\n\n"
            "def build(project):\n    if project.has_feature(Feature.MKDOCS_V2):\n        return 2\n"
        ),
    }, rules=load_rules([rule]))
    found = {f.key: f for f in flags}
    assert set(found) == {"mkdocs_v2", "unused"}
    assert len(found["mkdocs_v2"].sites) == 1 and len(found["mkdocs_v2"].definitions) == 1
    assert not found["unused"].sites



def test_a_rule_file_may_declare_what_flagaudit_would_infer(tmp_path) -> None:
    """uktrade/data-hub-api's rule file named its ``feature_flagged_view`` decorator factory, which flagaudit also
    infers from the closure that checks the factory's argument: the run stopped with "already claimed". The
    project's own rule holds, and the inferred one gives way."""
    from flagaudit.sdk_rules import load_rules

    rule = tmp_path / "datahub.toml"
    rule.write_text(
        "[sdk]\nname = 'datahub'\n"
        "[[check]]\nid = 'is_feature_flag_active'\nfunctions = ['hub.flags.is_feature_flag_active']\n"
        "evidence = false\nkey = {position = 0}\n"
        "[[check]]\nid = 'feature_flagged_view'\ndecorators = ['hub.flags.feature_flagged_view']\n"
        "key = {position = 0}\n"
    )
    flags = flags_in({
        "hub/__init__.py": "",
        "hub/flags.py": """
            from functools import wraps

            from hub.models import FeatureFlag


            def is_feature_flag_active(code):
                return FeatureFlag.objects.filter(code=code, is_active=True).exists()


            def feature_flagged_view(code):
                def decorator(view):
                    @wraps(view)
                    def wrapped(*args, **kwargs):
                        if not is_feature_flag_active(code):
                            raise LookupError(code)
                        return view(*args, **kwargs)
                    return wrapped
                return decorator
        """,
        "hub/views.py": """
            from hub.flags import feature_flagged_view, is_feature_flag_active


            @feature_flagged_view("new-dashboard")
            def dashboard(request):
                return "dashboard"


            def inbox(request):
                return "new" if is_feature_flag_active("mailbox-ingestion") else "old"
        """,
    }, rules=load_rules([rule]))
    assert sorted((f.key, [(s.path, s.rule) for s in f.sites]) for f in flags if f.key) == [
        ("mailbox-ingestion", [("hub/views.py", "datahub/is_feature_flag_active")]),
        ("new-dashboard", [("hub/views.py", "datahub/feature_flagged_view")])]

SWITCH_PREFIX = {
    "payments/__init__.py": "",
    "payments/settings/__init__.py": "",
    "payments/settings/base.py": 'PAYMENT_PROCESSOR_SWITCH_PREFIX = "payment_processor_active_"\n',
    "payments/settings/test.py": 'PAYMENT_PROCESSOR_SWITCH_PREFIX = "test_processor_"\n',
    "payments/processors.py": """
        import waffle
        from django.conf import settings


        class BasePaymentProcessor:
            NAME = None

            @property
            def is_active(self):
                return waffle.switch_is_active(settings.PAYMENT_PROCESSOR_SWITCH_PREFIX + self.NAME)


        class Cybersource(BasePaymentProcessor):
            NAME = "cybersource"


        class Paypal(BasePaymentProcessor):
            NAME = "paypal"
    """,
    "payments/migrations/__init__.py": "",
    "payments/migrations/0012_processor_switches.py": """
        from django.db import migrations

        PROCESSORS = ("cybersource", "paypal")


        def add_switches(apps, schema_editor):
            Switch = apps.get_model("waffle", "Switch")
            for name in PROCESSORS:
                Switch.objects.get_or_create(name="payment_processor_active_" + name, defaults={"active": True})
    """,
}


def test_a_settings_prefix_plus_a_class_attribute_is_a_pattern_matching_its_rows() -> None:
    from flagaudit.checks.definitions import registry_findings

    flags = flags_in(SWITCH_PREFIX)
    found = {(f.key, f.pattern): (len(f.sites), len(f.definitions)) for f in flags}
    assert found == {("payment_processor_active_*", True): (1, 0),
                     ("payment_processor_active_cybersource", False): (0, 1),
                     ("payment_processor_active_paypal", False): (0, 1)}
    assert registry_findings(flags) == []  # the rows are read through the pattern: not unused


def test_a_flag_object_read_through_django_settings() -> None:
    flags = flags_in({
        "service/__init__.py": "",
        "service/settings/__init__.py": "",
        "service/settings/base.py": """
            from edx_toggles.toggles import WaffleSwitch

            LOG_INCOMING_REQUESTS = WaffleSwitch("api.log_incoming_requests", module_name=__name__)
        """,
        "service/api/decorators.py": """
            from django.conf import settings


            def log_requests(view):
                def wrapped(request, *args, **kwargs):
                    if settings.LOG_INCOMING_REQUESTS.is_enabled():
                        log(request)
                    return view(request, *args, **kwargs)
                return wrapped
        """,
    })
    [flag] = [f for f in flags if f.key == "api.log_incoming_requests"]
    assert [(s.path, s.function) for s in flag.sites] == [
        ("service/api/decorators.py", "service.api.decorators.log_requests.wrapped")]


def test_a_factory_function_that_returns_a_flag_object() -> None:
    flags = flags_in({
        "lti/__init__.py": "",
        "lti/compat.py": """
            WAFFLE_NAMESPACE = "lti_consumer"

            # .. toggle_name: lti_consumer.enable_database_config
            # .. toggle_implementation: CourseWaffleFlag
            ENABLE_DATABASE_CONFIG = "enable_database_config"


            def get_database_config_waffle_flag():
                from openedx.core.djangoapps.waffle_utils import CourseWaffleFlag
                return CourseWaffleFlag(f"{WAFFLE_NAMESPACE}.{ENABLE_DATABASE_CONFIG}", __name__)


            def get_plugin_settings():
                return {"enabled": True}
        """,
        "lti/utils.py": """
            from lti.compat import get_database_config_waffle_flag, get_plugin_settings


            def database_config_enabled(course_key):
                return get_database_config_waffle_flag().is_enabled(course_key)


            def plugin_enabled():
                return get_plugin_settings().is_enabled()
        """,
    })
    [flag] = [f for f in flags if f.key == "lti_consumer.enable_database_config"]
    assert [(s.path, s.function, s.sdk) for s in flag.sites] == [
        ("lti/utils.py", "lti.utils.database_config_enabled", "waffle-flag")]
    assert [(d.path, d.action) for d in flag.definitions] == [
        ("lti/compat.py", "annotate"), ("lti/compat.py", "define")]
    assert dict(flag.definitions[0].metadata)["toggle_name"] == "lti_consumer.enable_database_config"
    assert {f.key for f in flags} == {"lti_consumer.enable_database_config"}


def test_a_dict_the_module_loads_into_its_namespace_makes_constants() -> None:
    """``locals().update(flags)`` at import time (osf.io's features module, 2020-2022); a dict only assigned,
    or loaded inside a function, makes none."""
    flags = flags_in({
        "osf/__init__.py": "",
        "osf/features.py": (
            "flags = {'EGAP_ADMINS': 'egap_admins', 'STORAGE_USAGE': 'storage_usage'}\n"
            "switches = {'ENFORCE_CSRF': 'enforce_csrf'}\n"
            "unused = {'NOT_LOADED': 'not_loaded'}\n"
            "locals().update(flags)\n"
            "globals().update(switches)\n"
            "def later():\n"
            "    locals().update(unused)\n"
        ),
        "osf/views.py": (
            "import waffle\nfrom osf import features\n"
            "def view(request):\n"
            "    if waffle.flag_is_active(request, features.EGAP_ADMINS):\n"
            "        return 1\n"
            "    if waffle.switch_is_active(features.ENFORCE_CSRF):\n"
            "        return 2\n"
            "    if waffle.flag_is_active(request, features.NOT_LOADED):\n"
            "        return 3\n"
        ),
    })
    assert keys(flags) == {("waffle-flag", "egap_admins"), ("waffle-switch", "enforce_csrf"), ("waffle-flag", None)}


def test_str_format_with_known_arguments_resolves_as_the_f_string_it_became() -> None:
    """``"{}.{}".format(NS, NAME)`` names the same key as ``f"{NS}.{NAME}"`` (completion's switch before a
    pyupgrade run rewrote it); a field whose argument is not known, or that converts or formats it, is a pattern."""
    flags = flags_in({
        "lms/toggles.py": (
            "from edx_toggles.toggles import WaffleSwitch\nNS = 'completion'\nNAME = 'enable_tracking'\n"
            "TRACKING = WaffleSwitch('{}.{}'.format(NS, NAME), module_name=__name__)\n"
            "INDEXED = WaffleSwitch('{0}.{1}_v2'.format(NS, NAME), module_name=__name__)\n"
            "NAMED = WaffleSwitch('{ns}.named'.format(ns=NS), module_name=__name__)\n"
        ),
        "lms/views.py": (
            "from lms import toggles\nimport ldclient\nclient = ldclient.get()\n\n"
            "def track(backend, ctx):\n"
            "    client.variation('ns.{}_ping'.format(backend), ctx, False)\n"
            "    client.variation('{!r}.x'.format(toggles.NS), ctx, False)\n"
            "    client.variation('{}.{}'.format(toggles.NS), ctx, False)\n"
            "    return toggles.TRACKING.is_enabled() and toggles.INDEXED.is_enabled() and toggles.NAMED.is_enabled()\n"
        ),
    })
    assert {f.key for f in flags if not f.pattern} >= {
        "completion.enable_tracking", "completion.enable_tracking_v2", "completion.named"}
    assert {f.key for f in flags if f.pattern} == {"ns.*_ping", "*.x", "completion.*"}


def test_djangos_own_settings_named_like_flags_are_no_flags() -> None:
    """``getattr(settings, "USE_I18N", False)`` in a context processor (dimagi/open-chat-studio) reads how Django
    is configured, not a feature: it was taken for a settings flag, and one whose value is fixed (FA104)."""
    flags = flags_in({"site/context.py": (
        "from django.conf import settings\n\n\n"
        "def languages(request):\n    if getattr(settings, 'USE_I18N', False):\n        return {'i18n': 1}\n"
        "    if getattr(settings, 'USE_NEW_MENU', False):\n        return {'menu': 1}\n    return {}\n")})
    assert keys(flags) == {("settings", "USE_NEW_MENU")}


def test_a_setting_named_for_a_capability_is_a_flag() -> None:
    """DemocracyClub/yournextrepresentative's ``CAN_EDIT_ELECTIONS = getattr(settings, "CAN_EDIT_ELECTIONS", True)``:
    a name that says who may do something is a switch, as ``ALLOW_X`` is; ``CANCEL_AFTER`` is no such name."""
    flags = flags_in({"app/views.py": (
        "from django.conf import settings\n\nCAN_EDIT_ELECTIONS = getattr(settings, 'CAN_EDIT_ELECTIONS', True)\n"
        "CANCEL_AFTER = getattr(settings, 'CANCEL_AFTER', False)\n")})
    assert keys(flags) == {("settings", "CAN_EDIT_ELECTIONS")}


def test_a_key_of_nothing_but_spaces_names_no_flag() -> None:
    """An f-string no quote can respell for an older ``ast`` is read as a string of spaces (extract/in_place.py):
    as a key, it names no flag, as an empty one does not."""
    flags = flags_in({"app/views.py": (
        "from waffle import flag_is_active\n\n\n"
        "def page(request):\n    return flag_is_active(request, '   ') or flag_is_active(request, '')\n")})
    assert keys(flags) == {("waffle-flag", None)}  # sites whose key is not known, as any such


def test_a_wrapper_that_checks_a_field_of_the_object_it_is_given() -> None:
    """dimagi/open-chat-studio's ``_flag_active_for_team(Flags.HYBRID_SEARCH)`` asks for ``flag_info.slug``, a
    field of the enum member it is given: each call is a site of that member's field. ``feature.value`` of a plain
    enum is its value, as it was; an attribute of an attribute is not followed."""
    flags = flags_in({
        "teams/__init__.py": "",
        "teams/flags.py": (
            "from dataclasses import dataclass\nfrom enum import Enum\n\n\n"
            "@dataclass\nclass FlagInfo:\n    slug: str\n    description: str\n\n\n"
            "class Flags(FlagInfo, Enum):\n    HYBRID = ('flag_hybrid_search', 'Hybrid search')\n\n\n"
            "class Plain(Enum):\n    FAST = 'fast_path'\n"
        ),
        "teams/views.py": (
            "from waffle import flag_is_active\n\nfrom teams.flags import Flags, Plain\n\n\n"
            "def active(request, flag_info):\n    return flag_is_active(request, flag_info.slug)\n\n\n"
            "def plain(request, feature):\n    return flag_is_active(request, feature.value)\n\n\n"
            "def deep(request, holder):\n    return flag_is_active(request, holder.info.slug)\n\n\n"
            "def page(request):\n    if active(request, Flags.HYBRID):\n        return 1\n"
            "    return plain(request, Plain.FAST)\n"
        ),
    })
    assert sorted((f.key or "", [(s.path, s.line) for s in f.sites]) for f in flags) == [
        ("", [("teams/views.py", 15)]),
        ("fast_path", [("teams/views.py", 21)]),
        ("flag_hybrid_search", [("teams/views.py", 19)]),
    ]


LEGACY_FLAGS = """\
    from openedx.core.djangoapps.waffle_utils import CourseWaffleFlag

    WAFFLE_NAMESPACE = "myxblock"
    {name} = CourseWaffleFlag(WAFFLE_NAMESPACE, "{key}", __name__)
    """
LEGACY_BLOCK = """\
    from .flags import {name}


    def {function}(block, course_id):
        if {name}.is_enabled(course_id):
            return block.{function}_v2()
        return block.{function}()
    """


def test_a_flag_object_in_the_older_namespace_and_name_signature_is_keyed_by_both(tmp_path: Path) -> None:
    """``CourseWaffleFlag(NAMESPACE, "name", __name__)``, the signature before 2021 that
    openedx/xblock-drag-and-drop-v2 still calls, was keyed by its namespace alone: every flag of a namespace was one
    key, so a flag retired and another added in the same namespace was a false FA201 (and the xblock's own flag a
    false FA402 under the namespace's name). Its key is the namespace and the name joined by a dot."""
    files = {"myxblock/__init__.py": "",
             "myxblock/flags.py": LEGACY_FLAGS.format(name="IGNORE_DECOYS", key="ignore_decoys"),
             "myxblock/block.py": LEGACY_BLOCK.format(name="IGNORE_DECOYS", function="score")}
    assert keys(flags_in({k: textwrap.dedent(v) for k, v in files.items()})) == {
        ("waffle-flag", "myxblock.ignore_decoys")}
    by_constant = {**files, "myxblock/flags.py": (
        "from openedx.core.djangoapps.waffle_utils import CourseWaffleFlag\n\nWAFFLE_NAMESPACE = 'myxblock'\n"
        "NAME = 'ignore_decoys'\nIGNORE_DECOYS = CourseWaffleFlag(WAFFLE_NAMESPACE, NAME, __name__)\n")}
    assert keys(flags_in({k: textwrap.dedent(v) for k, v in by_constant.items()})) == {
        ("waffle-flag", "myxblock.ignore_decoys")}
    repo = Repo(tmp_path)
    repo.commit("2026-01-05", "add ignore_decoys", files)
    repo.commit("2026-03-05", "ignore_decoys always on", {"myxblock/flags.py": None,
                                                          "myxblock/block.py": "def score(block, course_id):\n"
                                                                               "    return block.score_v2()\n"})
    repo.commit("2026-05-05", "add new_editor", {
        "myxblock/flags.py": LEGACY_FLAGS.format(name="NEW_EDITOR", key="new_editor"),
        "myxblock/editor.py": LEGACY_BLOCK.format(name="NEW_EDITOR", function="editor")})
    result = run_cli("check", "--as-of", "2026-05-06", "--base", "HEAD~1", "--format", "json", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
