"""A check of each key a literal sequence holds, in a loop or a comprehension over it, checks every one of them:
``{name: flag_is_active(request, name) for name in FLAGS}`` gives the templates each flag (a context processor), and
its keys were one unresolved key before."""

from __future__ import annotations

from tests.helpers import flags_in

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
