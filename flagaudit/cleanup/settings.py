"""A settings flag's own lines in settings modules: ``X = True``, ``FEATURES["X"] = False``, the ``"X": True``
entry of ``FEATURES = {...}`` and of ``FEATURES.update(...)``, at a module's top level, as the scan reads them.

Once no code reads the flag, these lines only mislead (and a later ``FEATURES["X"]`` would be the reborn key's
first value). A bare ``X = ...`` that the module itself reads again (``Y = X``) stays.
"""

from __future__ import annotations

import re

import libcst as cst

from flagaudit.cleanup.fold import tidy_top

_DICT_KEY = re.compile(r"^(\w+)\['(.+)'\]$")


def drop_setting(source: str, key: str) -> str:
    """``source`` without the top-level lines that set the settings flag ``key`` (``X`` or ``FEATURES['X']``)."""
    found = _DICT_KEY.match(key)
    dictionary, name = (found.group(1), found.group(2)) if found else (None, key)
    module = cst.parse_module(source)
    if dictionary is None and len(re.findall(rf"\b{re.escape(name)}\b", source)) > 1:
        return source  # the module reads the name again: not ours to delete
    return module.visit(_DropSetting(dictionary, name)).code


class _DropSetting(cst.CSTTransformer):
    def __init__(self, dictionary: str | None, name: str) -> None:
        self.dictionary, self.name = dictionary, name
        self.depth = 0

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.depth += 1

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        self.depth -= 1
        return updated

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if self.depth == 0 and len(updated.body) == 1 and self._sets(updated.body[0]):
            return cst.RemovalSentinel.REMOVE
        return updated

    def _sets(self, statement: cst.BaseSmallStatement) -> bool:
        if not isinstance(statement, cst.Assign) or len(statement.targets) != 1:
            return False
        target = statement.targets[0].target
        if self.dictionary is None:
            return isinstance(target, cst.Name) and target.value == self.name
        return (isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name)
                and target.value.value == self.dictionary and len(target.slice) == 1
                and isinstance(target.slice[0].slice, cst.Index) and _string(target.slice[0].slice.value) == self.name)

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        """``FEATURES = {..., "X": True, ...}``"""
        target = updated.targets[0].target if len(updated.targets) == 1 else None
        if self.depth == 0 and isinstance(target, cst.Name) and target.value == self.dictionary \
                and isinstance(updated.value, cst.Dict):
            return updated.with_changes(value=self._without_entry(updated.value))
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """``FEATURES.update({"X": True})``, ``FEATURES.update(X=True)``"""
        func = updated.func
        if self.depth or not (isinstance(func, cst.Attribute) and func.attr.value == "update"
                              and isinstance(func.value, cst.Name) and func.value.value == self.dictionary):
            return updated
        args = [a.with_changes(value=self._without_entry(a.value)) if isinstance(a.value, cst.Dict) else a
                for a in updated.args if not (a.keyword is not None and a.keyword.value == self.name)]
        if len(args) != len(updated.args) and args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(args=args)

    def _without_entry(self, value: cst.Dict) -> cst.Dict:
        """``value`` without the key's entries, and the comment lines right above each (they sit after the comma
        before it, or the opening brace): the lines after the entry's own comma take their place."""
        lbrace, elements = value.lbrace, list(value.elements)
        while (index := next((i for i, e in enumerate(elements)
                              if isinstance(e, cst.DictElement) and _string(e.key) == self.name), None)) is not None:
            removed = elements.pop(index)
            if not elements:
                return value.with_changes(elements=[], lbrace=cst.LeftCurlyBrace(), rbrace=cst.RightCurlyBrace())
            after = removed.comma.whitespace_after if isinstance(removed.comma, cst.Comma) else None
            if index == len(elements):  # the last one went: the one before it ends the dict as it did
                elements[-1] = elements[-1].with_changes(comma=removed.comma if after is not None else
                                                         cst.MaybeSentinel.DEFAULT)
                continue
            if not isinstance(after, cst.ParenthesizedWhitespace):
                continue  # on one line: the space before the entry stays as it was
            if index == 0:
                lbrace = lbrace.with_changes(whitespace_after=after)
            elif isinstance(comma := elements[index - 1].comma, cst.Comma):
                elements[index - 1] = elements[index - 1].with_changes(comma=comma.with_changes(whitespace_after=after))
        if len(elements) == len(value.elements):
            return value
        return value.with_changes(lbrace=lbrace, elements=elements)

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return tidy_top(original, updated)


def _string(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None
