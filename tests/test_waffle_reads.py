"""The ways a project reads django-waffle that waffle's own code uses too: its checks imported from
``waffle.decorators`` or ``waffle.mixins`` (which import them from ``waffle``), and the model's cached
``get(name)`` (``Flag.get``, ``get_waffle_switch_model().get``) followed by ``is_active()``, in the project's
own helpers, whose callers are then the sites.

cisagov/manage.get.gov moved its checks into a helper and imported ``flag_is_active`` from
``waffle.decorators`` in the same commit: the key looked retired there, and its next check "reborn", a
false block (FA201)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import flags_in
from tests.repos import Repo
from tests.run import run_cli

HELPERS = """
    from waffle import get_waffle_switch_model
    from waffle.models import Flag


    def flag_on(request, name):
        return Flag.get(name).is_active(request)


    def switch_on(name):
        switch = get_waffle_switch_model().get(name)
        return switch.is_active()
"""

VIEWS = """
    from app.helpers import flag_on, switch_on


    def home(request):
        if flag_on(request, "new_home"):
            return "new"
        return "old" if switch_on("maintenance") else "up"
"""


def test_helpers_built_on_the_models_get_make_their_callers_sites() -> None:
    flags = flags_in({"app/__init__.py": "", "app/helpers.py": HELPERS, "app/views.py": VIEWS})
    assert sorted((f.key, f.sdk, [s.path for s in f.sites]) for f in flags if f.key) == [
        ("maintenance", "waffle-switch", ["app/views.py"]), ("new_home", "waffle-flag", ["app/views.py"])]


def test_a_check_imported_from_waffle_decorators_keeps_the_flag_alive(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    direct = """
        from waffle import flag_is_active


        def home(request):
            if flag_is_active(request, "multiple_portfolios"):
                return "select"
            return "home"
    """
    repo.commit("2024-08-29", "portfolios", {"app/__init__.py": "", "app/views.py": direct})
    helper = """
        from waffle.decorators import flag_is_active


        def portfolios_on(request):
            return flag_is_active(request, "multiple_portfolios")


        def home(request):
            if portfolios_on(request):
                return "select"
            return "home"
    """
    repo.commit("2024-09-23", "a helper", {"app/views.py": helper})
    admin = """
        from waffle import flag_is_active


        def listing(request):
            return "all" if flag_is_active(request, "multiple_portfolios") else "some"
    """
    repo.commit("2024-09-30", "the admin asks too", {"app/admin.py": admin})  # was "reborn": a false block
    ran = run_cli("check", "--format", "json", "--as-of", "2024-10-01", "--no-cache", cwd=repo.path)
    assert ran.returncode == 0, ran.stdout
    found = json.loads(ran.stdout)
    assert not [f for f in found["findings"] if f["code"] == "FA201"]
    assert [f["key"] for f in found["flags"] if f["sites"]] == ["multiple_portfolios"]


SAFE_HELPERS = """
    from django.db import DatabaseError
    from waffle import get_waffle_flag_model, get_waffle_switch_model


    def is_waffle_flag_active(flag_name, request=None, *, default=False):
        try:
            Flag = get_waffle_flag_model()
            flag = Flag.objects.filter(name=flag_name).first()
            if flag is None:
                return default
            return flag.is_active(request)
        except DatabaseError:
            return default


    def is_waffle_switch_active(switch_name, *, default=False):
        switch = get_waffle_switch_model().objects.get(name=switch_name)
        return switch.is_active()


    def enforcement_on():
        switch = get_waffle_switch_model().objects.filter(name="trial_enforcement").only("active").first()
        return bool(switch and switch.active)


    def ensure_created():
        if not get_waffle_switch_model().objects.filter(name="created_once").exists():  # the row, not its state
            get_waffle_switch_model().objects.create(name="created_once")
"""

SAFE_CALLERS = """
    from app.flags import is_waffle_flag_active, is_waffle_switch_active

    TRIAL = "user_trial_eligibility"


    def view(request):
        if is_waffle_flag_active(TRIAL, request, default=True):
            return 1
        return 2 if is_waffle_switch_active("pipedream_guard") else 3
"""

MIGRATION = """
    def forwards(apps, schema_editor):
        Switch = apps.get_model("waffle", "Switch")
        switch = Switch.objects.filter(name="old_switch").first()
        switch.active = True
        switch.save()
"""


def test_helpers_that_read_the_flags_row_make_their_callers_sites() -> None:
    """gobii-platform's helpers read the row of the model waffle's factory returns, by the key they are given,
    and ask it; a migration that reads a row to change it checks nothing."""
    flags = flags_in({"app/__init__.py": "", "app/flags.py": SAFE_HELPERS, "app/views.py": SAFE_CALLERS,
                      "app/migrations/__init__.py": "", "app/migrations/0002_old.py": MIGRATION})
    assert sorted((f.key, f.sdk, [s.path for s in f.sites]) for f in flags if f.key) == [
        ("created_once", "waffle-switch", []), ("pipedream_guard", "waffle-switch", ["app/views.py"]),
        ("trial_enforcement", "waffle-switch", ["app/flags.py"]),
        ("user_trial_eligibility", "waffle-flag", ["app/views.py"])]


def test_a_decorator_applied_in_a_url_conf_is_one_site_of_its_key() -> None:
    """``waffle_switch("login")(LoginView.as_view())`` calls what the check made: the outer call is not a check
    whose key is the view (bluebutton's URL confs made 61 such sites of no key)."""
    urls = """
        from django.urls import path
        from waffle.decorators import waffle_switch

        from app.views import LoginView, signup

        urlpatterns = [
            path("login", waffle_switch("login")(LoginView.as_view()), name="login"),
            path("create", waffle_switch("signup")(signup), name="signup"),
        ]
    """
    views = """
        class LoginView:
            @classmethod
            def as_view(cls):
                return cls


        def signup(request):
            return "signed up"
    """
    flags = flags_in({"app/__init__.py": "", "app/urls.py": urls, "app/views.py": views})
    assert sorted((f.key, [s.line for s in f.sites]) for f in flags) == [("login", [8]), ("signup", [9])]


def test_a_check_bound_to_a_local_name_is_a_check_by_that_name() -> None:
    """mozilla/zamboni: ``active = waffle.flag_is_active`` then ``active(request, 'android-payments')``; the two keys
    were missed. A local bound to a check function is that check; bound to anything else later, it is not."""
    platforms = """
        def paid_platforms(request=None):
            import waffle
            platforms = ("paid-firefoxos",)
            active = waffle.flag_is_active
            android_pay = request and active(request, "android-payments")
            if android_pay:
                platforms += ("paid-android",)
            active = len
            return platforms + (active(request, "not-a-flag"),)
    """
    flags = flags_in({"app/__init__.py": "", "app/platforms.py": platforms})
    assert [(f.key, [(s.line, s.guard) for s in f.sites]) for f in flags] == [("android-payments", [(6, "assign+if")])]


def test_a_row_made_if_missing_and_then_asked_is_a_read_of_the_flag() -> None:
    """mozilla/fx-private-relay makes ``multi_replies``' row if it is missing and asks it eleven lines on: the
    flag is checked there (it was "defined but never checked"). A row made to be switched on is not asked."""
    views = """
        from waffle import get_waffle_flag_model


        def reply(request, number):
            multi_replies_flag, _ = get_waffle_flag_model().objects.get_or_create(
                name="multi_replies", defaults={"note": "MPP-2252: replies to several senders"})
            if multi_replies_flag.is_active_for_user(number.user) or multi_replies_flag.everyone:
                return "all"
            return "last"


        def launch():
            flag, _ = get_waffle_flag_model().objects.get_or_create(name="launched")
            flag.everyone = True
            flag.save()
    """
    flags = {f.key: f for f in flags_in({"app/__init__.py": "", "app/views.py": views})}
    assert [(s.path, s.line, s.rule) for s in flags["multi_replies"].sites] == [
        ("app/views.py", 6, "django-waffle/flag-rows/read")]
    assert len(flags["multi_replies"].definitions) == 1
    assert flags["launched"].sites == ()
