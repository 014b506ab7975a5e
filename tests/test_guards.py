"""What each site guards: on- and off-regions for every branching construct."""

from __future__ import annotations

from flagaudit.facts import Site
from tests.helpers import flags_in


def _sites(body: str) -> dict[int, Site]:
    code = "from waffle import switch_is_active as on\nfrom growthbook import GrowthBook\ngb = GrowthBook()\n" + body
    return {s.line: s for f in flags_in({"app.py": code}) for s in f.sites}


def test_if_elif_else() -> None:
    sites = _sites(
        "def f():\n"              # 4
        "    if on('a'):\n"       # 5
        "        x = 1\n"         # 6
        "    elif on('b'):\n"     # 7
        "        x = 2\n"         # 8
        "    else:\n"             # 9
        "        x = 3\n"         # 10
    )
    assert (sites[5].guard, sites[5].on, sites[5].off) == ("if", ((6, 6),), ((7, 10),))
    assert (sites[7].guard, sites[7].on, sites[7].off) == ("if", ((8, 8),), ((10, 10),))


def test_negation_early_return_and_is_off() -> None:
    sites = _sites(
        "def f():\n"                  # 4
        "    if not on('a'):\n"       # 5
        "        return None\n"       # 6
        "    send()\n"                # 7
        "    audit()\n"               # 8
        "def g():\n"                  # 9
        "    if gb.is_off('b'):\n"    # 10
        "        old()\n"             # 11
        "    else:\n"                 # 12
        "        new()\n"             # 13
    )
    assert (sites[5].guard, sites[5].on, sites[5].off) == ("early-return", ((7, 8),), ((6, 6),))
    assert sites[5].fingerprint == ()  # send() and audit() are neither imported nor defined here
    assert (sites[10].on, sites[10].off) == (((13, 13),), ((11, 11),))


def test_ternary_boolean_decorator_and_assigned_value() -> None:
    sites = _sites(
        "from waffle.decorators import waffle_switch\n"   # 4
        "def f():\n"                                      # 5
        "    x = 1 if on('a') else 2\n"                   # 6
        "    on('b') and launch()\n"                      # 7
        "    on('c') or fallback()\n"                     # 8
        "    enabled = on('d')\n"                         # 9
        "    if enabled:\n"                               # 10
        "        go()\n"                                  # 11
        "@waffle_switch('e')\n"                           # 12
        "def view():\n"                                   # 13
        "    return 1\n"                                  # 14
    )
    assert sites[6].guard == "ternary" and sites[6].on == ((6, 6),) and sites[6].off == ((6, 6),)
    assert (sites[7].guard, sites[7].on, sites[7].off) == ("and", ((7, 7),), ())
    assert (sites[8].guard, sites[8].on, sites[8].off) == ("or", (), ((8, 8),))
    assert (sites[9].guard, sites[9].on) == ("assign+if", ((11, 11),))
    assert (sites[12].guard, sites[12].on) == ("decorator", ((14, 14),))


def test_fingerprint_uses_qualified_names_not_locals() -> None:
    code = (
        "from waffle import switch_is_active\nfrom orders.peg import send_child_order\nimport router\n"
        "def f(order):\n"
        "    qty = order.qty\n"
        "    if switch_is_active('power_peg'):\n"
        "        send_child_order(order, qty)\n"
        "        router.route(order)\n"
        "        order.mark_sent()\n"
    )
    (flag,) = flags_in({"app.py": code})
    assert flag.sites[0].fingerprint == (".mark_sent", "orders.peg.send_child_order", "router.route")
    renamed = (  # locals renamed, quotes and formatting changed, a comment added
        "from waffle import switch_is_active\nfrom orders.peg import send_child_order\nimport router\n"
        "def f(o):\n"
        "    n = o.qty\n"
        "    if switch_is_active(\"power_peg\"):  # rollout\n"
        "        send_child_order(o,\n                         n)\n"
        "        router.route(o)\n"
        "        o.mark_sent()\n"
    )
    (flag2,) = flags_in({"app.py": renamed})
    assert flag2.sites[0].fingerprint == flag.sites[0].fingerprint


def test_a_local_set_again_on_some_paths_still_holds_the_check() -> None:
    """HHS/simpler-grants-gov: ``use_simpler = get_soap_config().use_simpler``, then ``if override: use_simpler =
    True``, then ``if use_simpler:``: where the override does not run, the local still holds the check. One set again
    on every path holds something else."""
    sites = _sites(
        "def f(override):\n"          # 4
        "    enabled = on('a')\n"     # 5
        "    if override:\n"          # 6
        "        enabled = True\n"    # 7
        "    if enabled:\n"           # 8
        "        go()\n"              # 9
        "def g(override):\n"          # 10
        "    enabled = on('b')\n"     # 11
        "    enabled = override\n"    # 12
        "    if enabled:\n"           # 13
        "        go()\n"              # 14
    )
    assert (sites[5].guard, sites[5].on) == ("assign+if", ((9, 9),))
    assert (sites[11].guard, sites[11].on) == ("assign", ())
