"""Output formats. Each module registers a renderer: ``Inventory`` (and findings) in, text out."""

from __future__ import annotations

from collections.abc import Callable

from flagaudit.facts import Inventory

Renderer = Callable[[Inventory, int], str]
"""(inventory, verbosity) -> the whole output."""

RENDERERS: dict[str, Renderer] = {}


def renderer(name: str) -> Callable[[Renderer], Renderer]:
    """Register a format under ``name`` (``--format NAME``)."""

    def register(function: Renderer) -> Renderer:
        RENDERERS[name] = function
        return function

    return register


from flagaudit.output import github, gitlab, json_format, markdown, sarif, text_format  # noqa: E402,F401  (registration)
