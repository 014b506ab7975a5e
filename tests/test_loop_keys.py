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
