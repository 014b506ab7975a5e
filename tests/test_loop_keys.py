"""A check of each key a literal sequence holds, in a loop or a comprehension over it, checks every one of them:
``{name: flag_is_active(request, name) for name in FLAGS}`` gives the templates each flag (a context processor), and
its keys were one unresolved key before."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import flags_in, story
from tests.repos import Repo

VIEWS = """
    from waffle import flag_is_active, switch_is_active

    FLAGS = ("new_nav", "dark_mode")


    def flags(request):
        return {"flags": {name: flag_is_active(request, name) for name in FLAGS}}


    def switches(request):
        on = []
        for name in ["paypal", "stripe"]:
            if switch_is_active(f"{name}_enabled"):
                on.append(name)
        return on


    def after(request, name):
        found = [name for name in FLAGS]
        return found, flag_is_active(request, name)
"""


def test_a_check_in_a_loop_over_literal_keys_checks_each_key() -> None:
    """In a comprehension or a ``for`` statement, and inside a key made of the loop's name; a comprehension's name
    is its own, so a check after it by the same name (a parameter here) is not one of its keys."""
    flags = flags_in({"app/__init__.py": "", "app/views.py": VIEWS})
    assert sorted((str(f.key), [(s.line, s.key_ref.expression) for s in f.sites]) for f in flags) == [
        ("None", [(21, "name")]),
        ("dark_mode", [(8, "name")]),
        ("new_nav", [(8, "name")]),
        ("paypal_enabled", [(14, 'f"{name}_enabled"')]),
        ("stripe_enabled", [(14, 'f"{name}_enabled"')]),
    ]


LOOKUPS = """
    from django.conf import settings
    from waffle import switch_is_active

    SWITCHES = {"PayPal": "paypal_enabled", "Stripe": "stripe_enabled"}
    ROUTES = {"PayPal": "/paypal/"}


    def processor_on(processor):
        return switch_is_active(SWITCHES[processor])


    def processor_on_by_name(processor):
        name = SWITCHES.get(processor)
        return name is not None and switch_is_active(name)


    def choice_is_enabled(value):
        flagged = {"/export/": "EXPORTING_ON", "/invest/": "INVEST_TRIAGE_ON"}
        return value not in flagged or settings.FEATURE_FLAGS[flagged[value]]


    def paypal_route():
        return switch_is_active(SWITCHES["PayPal"]) and ROUTES[processor_name()]


    def processor_name():
        return "PayPal"
"""


def test_a_check_of_a_literal_dicts_value_checks_each_value() -> None:
    """``switch_is_active(SWITCHES[processor])``, through a local (``SWITCHES.get(processor)``), and a local dict
    literal (uktrade/great-international-ui's ``settings.FEATURE_FLAGS[flagged_choices[value]]``): a site of each
    value. A literal index is that entry alone."""
    flags = flags_in({"app/__init__.py": "", "app/payments.py": LOOKUPS})
    assert sorted((str(f.key), [s.line for s in f.sites]) for f in flags) == [
        ("FEATURE_FLAGS['EXPORTING_ON']", [20]),
        ("FEATURE_FLAGS['INVEST_TRIAGE_ON']", [20]),
        ("paypal_enabled", [10, 15, 24]),
        ("stripe_enabled", [10, 15]),
    ]


PAGE_FLAGS = """
    PAGE_FLAGS = {"AboutPage": "ABOUT_ON", "CapitalPage": "CAPITAL_ON", "CapitalFormPage": "CAPITAL_ON"}
    TEMPLATES = {"AboutPage": 3}
    lower_case = {"AboutPage": "LOWER_ON"}
"""
PAGE_VIEWS = """
    from django.conf import settings

    from app import constants
    from app.constants import PAGE_FLAGS, TEMPLATES, lower_case


    def page(page_type):
        flag_name = constants.PAGE_FLAGS.get(page_type)
        if flag_name and not settings.FEATURE_FLAGS[flag_name]:
            raise LookupError(page_type)


    def imported(page_type):
        return settings.FEATURE_FLAGS[PAGE_FLAGS[page_type]]


    def not_texts(page_type):
        return settings.FEATURE_FLAGS[TEMPLATES[page_type]]


    def not_a_constant(page_type):
        return settings.FEATURE_FLAGS[lower_case[page_type]]
"""


def test_a_lookup_in_a_dict_of_texts_of_another_module_checks_each_value() -> None:
    """uktrade/great-international-ui's view asks ``settings.FEATURE_FLAGS[flag_name]`` of the flag its constants
    module maps the page's type to: a site of each value (once each), through the module or the imported name. A
    dict whose values are not all texts, or a lower-case name (no constant), keeps the key unknown."""
    flags = flags_in({"app/__init__.py": "", "app/constants.py": PAGE_FLAGS, "app/views.py": PAGE_VIEWS})
    assert sorted((str(f.key), [s.line for s in f.sites]) for f in flags) == [
        ("FEATURE_FLAGS['ABOUT_ON']", [10, 15]),
        ("FEATURE_FLAGS['CAPITAL_ON']", [10, 15]),
        ("None", [19, 23]),
    ]


def test_history_follows_the_values_of_the_dict_another_module_looks_keys_up_in(tmp_path: Path) -> None:
    """The dict's module changing alone (a page type given a flag, then that flag's entry dropped) makes the view's
    keys born and retired at those commits."""
    repo = Repo(tmp_path)
    repo.commit("2026-01-05", "pages behind flags", {
        "app/__init__.py": "", "app/views.py": PAGE_VIEWS,
        "app/constants.py": 'PAGE_FLAGS = {"AboutPage": "ABOUT_ON"}\nTEMPLATES = {}\nlower_case = {}\n'})
    repo.commit("2026-02-02", "the capital pages behind a flag", {"app/constants.py": PAGE_FLAGS})
    repo.commit("2026-03-02", "the about page for everyone", {
        "app/constants.py": PAGE_FLAGS.replace('"AboutPage": "ABOUT_ON", ', "")})
    found = repo.history()
    assert story(found, "FEATURE_FLAGS['CAPITAL_ON']") == [("born", "2026-02-02")]
    assert story(found, "FEATURE_FLAGS['ABOUT_ON']") == [("born", "2026-01-05"), ("retired", "2026-03-02")]
