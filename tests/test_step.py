"""flagaudit.history.step: what one commit did to one key. Pure: presences in, an event kind out."""

from __future__ import annotations

from flagaudit.history.step import Move, Presence, SiteRef, step

VIEW = SiteRef("app/views.py", "app.views.checkout", ("app.checkout.new",))
OTHER = SiteRef("app/views.py", "app.views.checkout", ("app.checkout.other",))
DEFINED = Presence(definitions=("app/flags.py",))


def test_nothing_before_or_after_is_no_event() -> None:
    assert step(Presence(), Presence(), False, {}) is None


def test_born_then_retired_then_reborn() -> None:
    born = step(Presence(), Presence((VIEW,)), False, {})
    assert born is not None and (born.kind, born.paths, born.added) == (
        "born", ("app/views.py",), ("app.views.checkout: app.checkout.new",))
    retired = step(Presence((VIEW,)), Presence(), False, {})
    assert retired is not None
    assert (retired.kind, retired.removed) == ("retired", ("app.views.checkout: app.checkout.new",))
    reborn = step(Presence(), DEFINED, True, {})
    assert reborn is not None and (reborn.kind, reborn.paths) == ("reborn", ("app/flags.py",))


def test_a_changed_fingerprint_is_a_change_with_what_came_and_went() -> None:
    changed = step(Presence((VIEW,)), Presence((OTHER,)), False, {})
    assert changed is not None
    assert (changed.kind, changed.added, changed.removed) == (
        "changed", ("app.views.checkout: app.checkout.other",), ("app.views.checkout: app.checkout.new",))


def test_the_same_sites_are_no_event_whatever_the_lines() -> None:
    assert step(Presence((VIEW,)), Presence((VIEW,)), False, {}) is None


def test_a_renamed_module_is_a_move_not_a_change() -> None:
    moved = SiteRef("app/web.py", "app.web.checkout", ("app.checkout.new",))
    moves = {"app/views.py": Move("app/views.py", "app/web.py", "app.views", "app.web")}
    event = step(Presence((VIEW,)), Presence((moved,)), False, moves)
    assert event is not None and (event.kind, event.paths) == ("moved", ("app/views.py", "app/web.py"))


def test_a_module_moved_apart_from_its_package_is_named_by_its_own_move() -> None:
    """One commit renamed a package's ``__init__.py`` and, elsewhere, a module of that package: the module's own move
    names its sites (the package's would make a move a change)."""
    before = SiteRef("app/api/modal.py", "app.api.modal.open", ("app.models.Client",))
    after = SiteRef("app/core/api/modal.py", "app.core.api.modal.open", ("app.models.Client",))
    package = Move("app/api/__init__.py", "app/clients/__init__.py", "app.api", "app.clients")
    module = Move("app/api/modal.py", "app/core/api/modal.py", "app.api.modal", "app.core.api.modal")
    for moves in ({package.old_path: package, module.old_path: module}, {module.old_path: module,
                                                                         package.old_path: package}):
        event = step(Presence((before,)), Presence((after,)), False, moves)
        assert event is not None and event.kind == "moved", moves
