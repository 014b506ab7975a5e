"""Helpers that pick their check from a table by a string parameter, guard makers and decorator factories, found
without a rule (as osf.io's ``@require_switch(NAME)`` reaches waffle): a helper whose table maps ``"switch"`` to
``switch_is_active`` checks a switch when called with ``"switch"``; a function that passes its parameters on to it
is such a helper too; a closure that calls the callable it was given only while the check is on makes a guard,
and a decorator nested in a factory that returns such a guard makes the decorated function run only while the
flag is on. Where the side the callable runs on is not clear, nothing is inferred."""

from __future__ import annotations

import json
from pathlib import Path

from flagaudit.facts import Flag
from flagaudit.meaning import VALUE_MARK
from tests.helpers import flags_in
from tests.repos import git, write_files
from tests.run import run_cli

TABLE = """
    import waffle


    def feature_is_active(request, kind, name):
        chosen = {
            'flag': {'func': waffle.flag_is_active, 'args': (request, name)},
            'switch': {'func': waffle.switch_is_active, 'args': (name,)},
            'sample': {'func': waffle.sample_is_active, 'args': (name,)},
        }[kind]
        return chosen['func'](*chosen['args'])
"""

PASS_THROUGH = TABLE + """

    def is_on(kind, name):
        return feature_is_active(None, kind, name)
"""

DECORATORS = """
    from rest_framework.exceptions import NotFound

    from app.table import feature_is_active


    def require_flag(flag_name):
        def wrapper(fn):
            return check_object(fn, 'flag', flag_name)
        return wrapper


    def require_switch(switch_name):
        def wrapper(fn):
            return check_object(fn, 'switch', switch_name)
        return wrapper


    def check_object(fn, kind, name):
        def check_object(*args, **kwargs):
            if feature_is_active(args[0].request, kind, name):
                return fn(*args, **kwargs)
            else:
                raise NotFound('Endpoint is disabled.')
        return check_object
"""

VIEWS = """
    from app.decorators import require_switch
    from app.table import feature_is_active, is_on

    RAW = "enable_raw"


    class Metrics:
        @require_switch(RAW)
        def get(self, request):
            return self.query(request)

        def post(self, request):
            if is_on('flag', 'new_upload'):
                return 1
            if feature_is_active(request, 'sample', 'survey'):
                return 2
            if feature_is_active(request, 'unknown', 'nothing'):
                return 3
            if feature_is_active(request, self.kind(), 'unknown_kind'):
                return 4
            return 0
"""


def _sites(flags: tuple[Flag, ...]) -> list[tuple[str | None, str, str, int, str, tuple[tuple[int, int], ...],
                                                  tuple[tuple[int, int], ...]]]:
    return [(flag.key, flag.sdk, site.path, site.line, site.guard, site.on, site.off)
            for flag in flags for site in flag.sites]


def test_a_table_a_pass_through_and_a_decorator_factory_are_found() -> None:
    flags = flags_in({"app/__init__.py": "", "app/table.py": PASS_THROUGH, "app/decorators.py": DECORATORS,
                      "app/views.py": VIEWS})
    assert _sites(flags) == [
        ("enable_raw", "waffle-switch", "app/views.py", 9, "decorator", ((11, 11),), ()),
        ("new_upload", "waffle-flag", "app/views.py", 14, "early-return", ((15, 15),), ((16, 22),)),
        ("survey", "waffle-sample", "app/views.py", 16, "early-return", ((17, 17),), ((18, 22),)),
    ]
    [raw] = flags[:1]
    assert raw.sites[0].rule == "decorator/app.decorators.require_switch"
    assert raw.sites[0].via == ("app.decorators.require_switch", "app.decorators.check_object",
                                "app.table.feature_is_active")


def _decorated(guard: str, returned: str = "inner") -> tuple[Flag, ...]:
    """``@require(NAME)`` on a view, where the guard maker's closure is ``guard`` and it returns ``returned``."""
    decorators = f"""
        import waffle


        def require(name):
            def wrapper(fn):
                return guarded(fn, name)
            return wrapper


        def guarded(fn, name):
{guard}
            return {returned}
    """
    views = """
        from app.decorators import require


        @require("maintenance")
        def view(request):
            return "page"
    """
    return flags_in({"app/__init__.py": "", "app/decorators.py": decorators, "app/views.py": views})


def test_a_guard_that_raises_unless_the_switch_is_on_runs_the_view_while_it_is_on() -> None:
    flags = _decorated("""
            def inner(request):
                if not waffle.switch_is_active(name):
                    raise PermissionError(name)
                return fn(request)
    """)
    assert _sites(flags) == [("maintenance", "waffle-switch", "app/views.py", 5, "decorator", ((7, 7),), ())]


def test_a_guard_that_runs_the_view_while_the_switch_is_off_makes_it_the_off_branch() -> None:
    flags = _decorated("""
            def inner(request):
                if waffle.switch_is_active(name):
                    return "maintenance page"
                return fn(request)
    """)
    assert _sites(flags) == [("maintenance", "waffle-switch", "app/views.py", 5, "decorator", (), ((7, 7),))]


def test_where_the_view_runs_on_both_sides_or_around_the_check_nothing_is_inferred() -> None:
    unclear = [
        """
            def inner(request):
                if waffle.switch_is_active(name):
                    return fn(request)
                return fn(request, legacy=True)
        """,
        """
            def inner(request):
                page = fn(request)
                if waffle.switch_is_active(name):
                    return page
                raise PermissionError(name)
        """,
        """
            def inner(request):
                if waffle.switch_is_active(name) == request.expected:
                    return fn(request)
                raise PermissionError(name)
        """,
    ]
    for guard in unclear:
        assert [site for site in _sites(_decorated(guard)) if site[0] is not None] == [], guard


def test_a_closure_not_returned_by_its_function_makes_no_guard() -> None:
    flags = _decorated("""
            def inner(request):
                if waffle.switch_is_active(name):
                    return fn(request)
                raise PermissionError(name)
            registry.append(inner)
    """, returned="fn")
    assert [site for site in _sites(flags) if site[0] is not None] == []


def test_an_unused_factory_leaves_no_site_without_a_key() -> None:
    flags = flags_in({"app/__init__.py": "", "app/table.py": TABLE, "app/decorators.py": DECORATORS,
                      "app/views.py": "from app.decorators import require_flag\n"})
    assert _sites(flags) == []


def test_check_reads_the_decorated_view_as_the_switch_on_branch(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/table.py": PASS_THROUGH, "app/decorators.py": DECORATORS,
             "app/views.py": VIEWS}
    write_files(tmp_path, files, dedent=True)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "metrics views behind switches")
    ran = run_cli("check", "--format", "json", "--no-cache", str(tmp_path), cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    found = json.loads(ran.stdout)
    assert not [f for f in found["findings"] if f["severity"] == "error"]
    assert {flag["key"] for flag in found["flags"]} >= {"enable_raw", "new_upload", "survey"}


def test_a_factory_whose_own_closure_checks_its_argument_is_left_to_a_rule() -> None:
    """The shape that was once taken for the flag's on-branch: the decorated view runs while the flag is off."""
    decorators = """
        import waffle


        def ember_flag_is_active(flag_name):
            def decorator(func):
                def wrapped(request):
                    if waffle.flag_is_active(request, flag_name):
                        return "ember app"
                    return func(request)
                return wrapped
            return decorator
    """
    views = """
        from app.decorators import ember_flag_is_active


        @ember_flag_is_active("ember_profile")
        def profile(request):
            return "profile"
    """
    flags = flags_in({"app/__init__.py": "", "app/decorators.py": decorators, "app/views.py": views})
    assert "ember_profile" not in {flag.key for flag in flags}


FUNCTION_SWITCH = """
    from functools import wraps

    from waffle import switch_is_active


    def waffle_function_switch(switch_name):
        def decorator(func):
            @wraps(func)
            def _wrapped_func(*args, **kwargs):
                if switch_name.startswith('!'):
                    active = not switch_is_active(switch_name[1:])
                else:
                    active = switch_is_active(switch_name)

                if not active:
                    return
                return func(*args, **kwargs)

            return _wrapped_func

        return decorator
"""


def test_a_factory_whose_own_closure_runs_the_function_while_the_switch_is_on_is_found() -> None:
    """bluebutton-web-server's ``@waffle_function_switch("outreach_email")``: the check's value held in a local
    that an early return tests; the decorated function runs only while the switch is on."""
    emails = """
        from app.decorators import waffle_function_switch


        @waffle_function_switch("outreach_email")
        def send_outreach(user):
            return user.email
    """
    flags = flags_in({"app/__init__.py": "", "app/decorators.py": FUNCTION_SWITCH, "app/emails.py": emails})
    sites = [s for flag in flags if flag.key == "outreach_email" for s in flag.sites]
    assert [(s.path, s.guard, s.sdk) for s in sites] == [("app/emails.py", "decorator", "waffle-switch")]
    assert not [flag for flag in flags if flag.key is None and any(s.key_ref.expression == "switch_name"
                                                                    for s in flag.sites)]
    running_while_off = FUNCTION_SWITCH.replace("if not active:", "if active:")
    flags = flags_in({"app/__init__.py": "", "app/decorators.py": running_while_off, "app/emails.py": emails})
    assert "outreach_email" not in {flag.key for flag in flags}  # it swaps other code in: a rule file's


def test_a_factory_whose_closure_is_returned_through_wraps_is_found() -> None:
    """nycmeshnet/meshdb's ``@skip_if_flag_disabled("TASK_ENABLED_RUN_DATABASE_BACKUP")`` returns
    ``wraps(func)(inner)``, not ``inner`` by name: its six keys' checks were not seen, and each flag was "defined but
    never checked" (FA402). ``update_wrapper(inner, func)`` returns the closure too."""
    decorator = """
        from functools import wraps

        from flags.state import flag_state


        def skip_if_flag_disabled(flag_name):
            def decorator(func):
                def inner(*args, **kwargs):
                    enabled = flag_state(flag_name)

                    if enabled:
                        return func(*args, **kwargs)

                return wraps(func)(inner)

            return decorator
    """
    tasks = """
        from app.decorators import skip_if_flag_disabled


        @skip_if_flag_disabled("TASK_ENABLED_RUN_DATABASE_BACKUP")
        def run_database_backup():
            return "backup"
    """
    updated = decorator.replace("return wraps(func)(inner)", "return functools.update_wrapper(inner, func)")
    for shape in (decorator, updated.replace("from functools import wraps", "import functools")):
        flags = flags_in({"app/__init__.py": "", "app/decorators.py": shape, "app/tasks.py": tasks})
        assert [(s.path, s.guard) for flag in flags if flag.key == "TASK_ENABLED_RUN_DATABASE_BACKUP"
                for s in flag.sites] == [("app/tasks.py", "decorator")]


COMPARED = """
    from functools import wraps

    from waffle import switch_is_active


    def feature_flag_check(flag, status=True, api=False):
        def decorator(view_func):
            @wraps(view_func)
            def wrapper(request, *args, **kwargs):
                feat_status = switch_is_active(flag)

                if feat_status == status:
                    return view_func(request, *args, **kwargs)
                return "disabled" if api else "redirect"

            return wrapper

        return decorator
"""


def test_a_factory_that_compares_the_answer_with_its_parameter_runs_the_view_on_the_side_the_call_names() -> None:
    """TreyWW/MyFinances' ``@feature_flag_check("areInvoiceRemindersEnabled", True, api=True)`` runs the view
    ``if feat_status == status``: the view is the switch's on-branch where the call passes ``True`` or nothing (the
    default), its off-branch where ``False``; a call that passes anything else says neither. Written in the test
    (``if switch_is_active(flag) == status:``) or negated, the same."""
    views = """
        from app.decorators import feature_flag_check


        @feature_flag_check("reminders", True, api=True)
        def reminders(request):
            return "reminders"


        @feature_flag_check("schedule")
        def schedule(request):
            return "schedule"


        @feature_flag_check("legacy", status=False)
        def legacy(request):
            return "legacy"


        @feature_flag_check("chosen", request_status)
        def chosen(request):
            return "chosen"
    """
    inline = COMPARED.replace("feat_status = switch_is_active(flag)\n", "").replace(
        "if feat_status == status:", "if switch_is_active(flag) == status:")
    negated = COMPARED.replace("if feat_status == status:", "if feat_status != status:").replace(
        "return view_func(request, *args, **kwargs)\n                return \"disabled\" if api else \"redirect\"",
        "return \"disabled\" if api else \"redirect\"\n                return view_func(request, *args, **kwargs)")
    assert negated != COMPARED
    for shape in (COMPARED, inline, negated):
        flags = flags_in({"app/__init__.py": "", "app/decorators.py": shape, "app/views.py": views})
        sides = {flag.key: [(s.path, s.guard, bool(s.on), bool(s.off), s.fingerprint[-1:]) for s in flag.sites]
                 for flag in flags}
        assert sides == {
            "reminders": [("app/views.py", "decorator", True, False, ())],
            "schedule": [("app/views.py", "decorator", True, False, ())],
            "legacy": [("app/views.py", "decorator", False, True, ())],
            "chosen": [("app/views.py", "decorator", True, False, (VALUE_MARK,))],
        }, shape
