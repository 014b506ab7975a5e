"""Line and column of every libcst node, exactly as libcst's ``PositionProvider`` computes them, faster.

Why: positions were a third of the libcst cost of a cold scan. The provider
builds two dataclasses per node and enters a generator-based context manager
per node; this runs the same code-generation walk, keeps plain tuples and
uses a slotted context manager. It relies on libcst's code-generation hooks
(``CodegenState``), stable since libcst 0.3; a test compares every node's
position with ``PositionProvider``'s so a libcst change cannot go unnoticed.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst._nodes.internal import CodegenState

Position = tuple[int, int, int, int]
"""(start line, start column, end line, end column); lines from 1, columns from 0."""

_NEWLINES = re.compile(r"\r\n?|\n")


def positions(module: cst.Module) -> dict[int, Position]:
    """Every node's syntactic position (whitespace it owns left out, as ``PositionProvider`` does), by the node's
    ``id()``: libcst hashes nodes in Python, which was a tenth of this walk (the tree outlives the mapping)."""
    state = _State(module.default_indent, module.default_newline)
    module._codegen(state)
    return state.computed


class _State(CodegenState):
    __slots__ = ("line", "column", "starts", "computed")

    def __init__(self, default_indent: str, default_newline: str) -> None:
        super().__init__(default_indent, default_newline)
        self.line = 1
        self.column = 0
        self.starts: list[tuple[int, int]] = []
        self.computed: dict[int, Position] = {}

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self._advance(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self._advance(value)

    def _advance(self, value: str) -> None:
        if "\n" not in value and "\r" not in value:
            self.column += len(value)
            return
        segments = _NEWLINES.split(value)
        self.line += len(segments) - 1
        self.column = len(segments[-1])

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.starts.pop()
        key = id(node)
        if key not in self.computed:  # a syntactic position recorded inside wins
            self.computed[key] = (*start, self.line, self.column)

    def record_syntactic_position(  # type: ignore[override]  # a context manager, as libcst uses it
            self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None,
            end_node: cst.CSTNode | None = None) -> _Syntactic:
        return _Syntactic(self, node, start_node, end_node)


class _Syntactic:
    """``with state.record_syntactic_position(node):`` -- the node's span without the whitespace it owns."""

    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(self, state: _State, node: cst.CSTNode, start_node: cst.CSTNode | None,
                 end_node: cst.CSTNode | None) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = (self.state.line, self.state.column)

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is not None:  # a failure inside (RecursionError): let it through, positions are moot
            return
        state = self.state
        start = state.computed[id(self.start_node)][:2] if self.start_node is not None else self.start
        end = state.computed[id(self.end_node)][2:] if self.end_node is not None else (state.line, state.column)
        state.computed[id(self.node)] = (*start, *end)
