"""Django's Jinja2 templates see what the project's environment puts in its globals: the check itself
(``flag_is_active``) and a module of key constants (``flags``), as uktrade/redbox gives them. A template's
``flag_is_active(request, flags.NEW_NAV)`` then checks the key that module's constant holds."""

from __future__ import annotations

from tests.helpers import flags_in

FLAGS = """
    NEW_NAV = "new_nav"
    BANNER = "holiday_banner"
"""

ENVIRONMENT = """
    import jinja2
    from waffle import flag_is_active, switch_is_active

    from app import flags


    def environment(**options):
        env = jinja2.Environment(**options)
        env.globals.update({"flag_is_active": flag_is_active, "flags": flags})
        env.globals["switches"] = flags
        env.globals.update(switch_is_active=switch_is_active)
        return env
"""

TEMPLATE = """\
{% if flag_is_active(request, flags.NEW_NAV) %}<nav/>{% endif %}
{% if flag_is_active(request, "beta_footer") %}<footer/>{% endif %}
{% if switch_is_active(switches.BANNER) %}<div/>{% endif %}
{% if flag_is_active(request, flags.MISSING) %}<aside/>{% endif %}
"""


def _sites(files: dict[str, str]) -> list[tuple[str, str, int]]:
    """(key, SDK, line) of each template site, ``-`` for a key not resolved, by line."""
    return sorted(((flag.key or "-", flag.sdk, site.line) for flag in flags_in(files) for site in flag.sites
                   if site.path.endswith(".html")), key=lambda found: found[2])


def test_names_the_environment_gives_templates_resolve_to_the_constants_they_name() -> None:
    files = {"app/__init__.py": "", "app/flags.py": FLAGS, "app/jinja2.py": ENVIRONMENT,
             "app/templates/base.html": TEMPLATE}
    assert _sites(files) == [("new_nav", "waffle-flag", 1), ("beta_footer", "waffle-flag", 2),
                             ("holiday_banner", "waffle-switch", 3), ("-", "waffle-flag", 4)]


def test_without_jinja2_a_globals_dict_names_nothing() -> None:
    """``globals`` of something that is not a Jinja2 environment (no jinja2 import) gives templates no names."""
    files = {"app/__init__.py": "", "app/flags.py": FLAGS,
             "app/jinja2.py": ENVIRONMENT.replace("import jinja2\n", "").replace("jinja2.Environment", "dict"),
             "app/templates/base.html": TEMPLATE}
    assert [key for key, _, _ in _sites(files)] == ["-", "beta_footer", "-", "-"]
