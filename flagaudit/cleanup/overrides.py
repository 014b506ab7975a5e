"""Tests that pin the key: django-waffle's ``override_flag``/``override_switch``/``override_sample``.

A test decorated (or a block wrapped) with the value the key keeps loses the override; one that pins the
other value tests a branch that no longer exists and goes, whole.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.helpers import get_full_name_for_node

_OVERRIDES = ("override_flag", "override_switch", "override_sample")


def mentions_override(text: str, key: str) -> bool:
    return re.search(rf"""override_(?:flag|switch|sample)\(\s*["']{re.escape(key)}["']""", text) is not None


def drop_overrides(source: str, key: str, value: bool) -> str:
    return cst.parse_module(source).visit(_Overrides(key, value)).code


def _pinned(node: cst.BaseExpression, key: str) -> bool | None:
    """The value an ``override_*("key", active=...)`` call pins, or ``None`` if it is not one for ``key``."""
    if not isinstance(node, cst.Call) or (get_full_name_for_node(node.func) or "").rsplit(".", 1)[-1] not in _OVERRIDES:
        return None
    if not node.args or not isinstance(node.args[0].value, cst.SimpleString):
        return None
    if node.args[0].value.evaluated_value != key:
        return None
    active = next((a.value for a in node.args[1:] if a.keyword is None or a.keyword.value == "active"), None)
    if isinstance(active, cst.Name) and active.value in ("True", "False"):
        return active.value == "True"
    return None


class _Overrides(cst.CSTTransformer):
    def __init__(self, key: str, value: bool) -> None:
        self.key, self.value = key, value

    def leave_FunctionDef(self, original: cst.FunctionDef,
                          updated: cst.FunctionDef) -> cst.FunctionDef | cst.RemovalSentinel:
        return self._decorated(updated)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef | cst.RemovalSentinel:
        return self._decorated(updated)

    def _decorated(self, node):  # type: ignore[no-untyped-def]
        pins = [_pinned(d.decorator, self.key) for d in node.decorators]
        if any(p is not None and p != self.value for p in pins):
            return cst.RemovalSentinel.REMOVE
        kept = [d for d, p in zip(node.decorators, pins, strict=True) if p is None]
        return node.with_changes(decorators=kept) if len(kept) != len(node.decorators) else node

    def leave_With(self, original: cst.With, updated: cst.With
                   ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        pins = [_pinned(item.item, self.key) for item in updated.items]
        if all(p is None for p in pins):
            return updated
        if any(p is not None and p != self.value for p in pins):
            return cst.RemovalSentinel.REMOVE
        kept = [item for item, p in zip(updated.items, pins, strict=True) if p is None]
        if kept:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated.with_changes(items=kept)
        body = updated.body
        if isinstance(body, cst.IndentedBlock):
            return cst.FlattenSentinel(body.body)
        assert isinstance(body, cst.SimpleStatementSuite)
        return cst.FlattenSentinel([cst.SimpleStatementLine(body.body)])

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        return updated if updated.body else updated.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
