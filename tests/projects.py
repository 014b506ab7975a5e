"""The sample projects tests build histories of: the checkout project (``new-checkout`` guards ``new_checkout``
and ``fast-pay`` guards ``fast_pay`` in ``app/views.py``, both read through LaunchDarkly), Knight's router, and a
pull request that adds, changes, retires, brings back and repurposes flags (:func:`pull_request`)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.repos import Repo, git

PAY = """\


    def pay(ctx):
        if ldclient.get().variation("fast-pay", ctx, False):
            return fast_pay(ctx)
        return None
"""

CHECKOUT = """\
    import ldclient
    from app.checkout import {call}, old_checkout


    def checkout(ctx):
        if ldclient.get().variation("new-checkout", ctx, False):
            return {call}(ctx)
        return old_checkout(ctx)
"""
BASE = {"app/__init__.py": "", "app/checkout.py": "def new_checkout(c): ...\ndef newer_checkout(c): ...\n"
        "def old_checkout(c): ...\ndef fast_pay(c): ...\n"}
"""The package around app/views.py, for :func:`views`."""


def views(call: str = "new_checkout", pay: bool = False) -> str:
    """app/views.py, indented as written here (``Repo.commit`` dedents): ``new-checkout`` guards ``call``."""
    text = CHECKOUT.format(call=call)
    if pay:
        text = text.replace("old_checkout\n", "old_checkout, fast_pay\n") + PAY
    return text


VIEWS = """\
    import ldclient
    from app.checkout import {imports}


    def checkout(ctx):
        if ldclient.get().variation("new-checkout", ctx, False):
            return new_checkout(ctx)
        return old_checkout(ctx)
"""
FILES = {
    "app/__init__.py": "",
    "app/checkout.py": "def new_checkout(c): ...\ndef old_checkout(c): ...\ndef fast_pay(c): ...\n",
}
"""The package around app/views.py, for :func:`gate_views`."""


def gate_views(pay: bool) -> str:
    """app/views.py, dedented, with its imports sorted: ``fast-pay`` too if ``pay``."""
    imports = "fast_pay, new_checkout, old_checkout" if pay else "new_checkout, old_checkout"
    return textwrap.dedent(VIEWS.format(imports=imports) + (PAY if pay else ""))


PEG = ("from waffle import switch_is_active\nfrom router.orders import send_child_order\n\n\n"
       "def route_order(order):\n    if switch_is_active('smars'):\n        send_child_order(order)\n"
       "    return order\n")
"""Knight's router, 2016: the ``smars`` switch guards Power Peg's ``send_child_order``."""
RLP = ("from waffle import switch_is_active\nfrom router.orders import price_improvement\n\n\n"
       "def route_retail(order):\n    if switch_is_active('smars'):\n        price_improvement(order)\n"
       "    return order\n")
"""Knight's router, 2026: the same switch now guards the retail liquidity program."""
ORDERS = "def send_child_order(order):\n    return order\n\n\ndef price_improvement(order):\n    return order\n"

CHECKOUT_APP = textwrap.dedent("""\
    import ldclient


    def new_checkout(order):
        return order


    def checkout(order):
        if ldclient.get().variation("new-checkout", order, False):
            return new_checkout(order)
        return None


    if __name__ == "__main__":
        checkout(None)
""")
"""One module behind a LaunchDarkly flag, run as a script: the security tests' project."""


# -- a pull request: flags added, changed, retired, reborn and repurposed on a branch --------------------------

ACTIONS = "".join(f"def {name}(ctx): ...\n" for name in (
    "new_checkout", "fast_pay", "show_banner", "apply_discount", "send_newsletter", "export_csv", "dark_theme"))


def guarded(key: str, *functions: tuple[str, str]) -> str:
    """A module whose ``function`` runs ``action`` when ``key`` is on, for each (function, action)."""
    actions = sorted({action for _, action in functions})
    text = f"import ldclient\nfrom app.actions import {', '.join(actions)}\n"
    for function, action in functions:
        text += (f"\n\ndef {function}(ctx):\n    if ldclient.get().variation({key!r}, ctx, False):\n"
                 f"        return {action}(ctx)\n    return None\n")
    return text


def pull_request(tmp_path: Path) -> tuple[Repo, list[str]]:
    """The repository on branch ``feature``, one branch off ``main``; returns it and the branch's commits."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2025-01-05", "flags", {
        "app/__init__.py": "", "app/actions.py": ACTIONS,
        "app/checkout.py": guarded("new-checkout", ("checkout", "new_checkout")),
        "app/pay.py": guarded("fast-pay", ("pay", "fast_pay")),
        "app/home.py": guarded("old-banner", ("home", "show_banner")),
        "app/price.py": guarded("summer-sale", ("price", "apply_discount")),
        "app/export.py": guarded("legacy-export", ("export", "export_csv")),
    })
    repo.commit("2025-03-01", "retire fast pay", {"app/pay.py": None})
    git(repo.path, "checkout", "-q", "-b", "feature")
    first = repo.commit("2026-01-08", "dark mode, a second checkout site, no more banner", {
        "app/theme.py": guarded("dark-mode", ("theme", "dark_theme")),
        "app/checkout.py": guarded("new-checkout", ("checkout", "new_checkout"), ("express", "new_checkout")),
        "app/home.py": None,
    })
    second = repo.commit("2026-01-09", "fast pay is back as quick pay; the sale is a newsletter now", {
        "app/pay.py": guarded("fast-pay", ("quick_pay", "fast_pay")),
        "app/price.py": guarded("summer-sale", ("signup", "send_newsletter")),
    })
    return repo, [first, second]

WSGI = "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n"
"""A deployed Django service's ``wsgi.py``: a project without one is a library whose settings modules configure only
its tests and development server, so none of its settings flags is constant (FA104)."""

IS_ON = """\
from waffle import flag_is_active


def is_on(request, name):
    return flag_is_active(request, name)
"""
"""A project's own wrapper of waffle: the key is its parameter."""
CHECKOUT_VIEWS = """\
from app.flags import is_on


def checkout(request):
    if is_on(request, "new_checkout"):
        return 1
    return 2
"""
"""``new_checkout`` checked through :data:`IS_ON` (``app/flags.py``)."""
