"""Dataclasses to and from JSON, checked against their type hints: a cache whose loading cannot run code.

The cache folder lies in the checkout, which a pull request writes: whatever is read back from it is
untrusted. JSON's decoder builds only strings, numbers, lists and dicts; :func:`decoder` then rebuilds the
dataclasses from their type hints, checking every value's type, so a damaged or forged file is a
:class:`BadData` error (the caller ignores the whole file and rebuilds it), never an object of a class the
file chose or a wrong-typed field that fails a later run.

A dataclass is stored as the list of its fields' values in declaration order, a tuple, list, set or
frozenset as a list (sets sorted, so the bytes are deterministic), a dict with string keys as an object and
any other dict as a list of ``[key, value]`` pairs.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import types
import typing
from collections.abc import Callable, Sequence
from functools import cache
from itertools import chain, repeat
from operator import attrgetter, contains, is_
from typing import Any

Decode = Callable[[Any], Any]


class BadData(ValueError):
    """The data does not have the shape its type hints say."""


def dumps(value: object) -> str:
    """``value`` (a dataclass or a container of them) as compact ASCII JSON (paths that are not UTF-8
    survive as escaped surrogates)."""
    return json.dumps(value, default=_plain, separators=(",", ":"), check_circular=False)


def loads(data: str | bytes, kind: Any) -> Any:
    """``data`` decoded as ``kind`` (a type or type hint); :class:`BadData` if it is not one."""
    try:
        plain = json.loads(data)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise BadData(f"not JSON: {exc}") from None
    try:
        return decoder(kind)(plain)
    except RecursionError:
        raise BadData("nested too deeply") from None


def _plain(value: object) -> object:
    """What the JSON encoder cannot store itself: dataclasses and sets. Called for every record written (100,000
    for the dense tree's inventory): the class's encoder is looked up in a dict first."""
    encode = _ENCODERS.get(type(value))
    if encode is None:
        if isinstance(value, (set, frozenset)):
            return sorted(value)
        encode = _ENCODERS[type(value)] = _encoder(type(value))  # type: ignore[arg-type]  # a type is hashable
    return encode(value)


_ENCODERS: dict[type, Callable[[Any], Sequence[Any]]] = {}


@cache
def _encoder(cls: type) -> Callable[[Any], Sequence[Any]]:
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} cannot be stored as plain data")
    names = [f.name for f in dataclasses.fields(cls)]
    hints = typing.get_type_hints(cls)
    paired = {name for name in names if _is_paired(hints[name])}
    if not paired and len(names) > 1:
        return attrgetter(*names)  # the fields as a tuple, gathered in C (JSON writes it as a list)

    def encode(value: Any) -> list[Any]:
        fields = [getattr(value, name) for name in names]
        if paired:  # dicts with non-string keys: JSON objects cannot hold them
            fields = [list(v.items()) if n in paired else v for n, v in zip(names, fields, strict=False)]
        return fields

    return encode


def _is_paired(hint: Any) -> bool:
    return typing.get_origin(hint) is dict and typing.get_args(hint)[0] is not str


@cache
def decoder(kind: Any) -> Decode:
    """A function that checks plain data against ``kind`` and rebuilds it, raising :class:`BadData`."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind in _ATOMS:
        return _atom(_ATOMS[kind])
    if origin is typing.Literal:
        return _choice(frozenset(args))
    if origin in (typing.Union, types.UnionType):
        inner = decoder(_optional(kind))
        return lambda v: None if v is None else inner(v)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _sequence(args[0], tuple)
    if origin is tuple and all(a in _ATOMS and a is not None and a is not type(None) for a in args):
        return _atom_tuple(tuple(_ATOMS[a] for a in args))
    if origin is tuple:
        rebuild = _fields(args, "a fixed tuple")
        return lambda v: tuple(rebuild(v))
    if origin in (list, set, frozenset):
        return _sequence(args[0], origin)
    if origin is dict:
        return _mapping(args[0], args[1])
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _record(kind)
    raise TypeError(f"no plain-data decoder for {kind}")


_ATOMS: dict[Any, type] = {str: str, int: int, bool: bool, type(None): type(None), None: type(None)}


def _optional(kind: Any) -> Any:
    """``X`` of ``X | None``; other unions are not stored."""
    options = [a for a in typing.get_args(kind) if a is not type(None)]
    if len(options) != 1 or len(typing.get_args(kind)) != 2:
        raise TypeError(f"unsupported union {kind}")
    return options[0]


def _json_types(kind: Any) -> frozenset[type]:
    """The types JSON decodes a value of ``kind`` to."""
    origin = typing.get_origin(kind)
    if kind in _ATOMS:
        return frozenset({_ATOMS[kind]})
    if origin in (typing.Union, types.UnionType):
        return _json_types(_optional(kind)) | {type(None)}
    if origin is typing.Literal:
        return frozenset(type(a) for a in typing.get_args(kind))
    if origin is dict and typing.get_args(kind)[0] is str:
        return frozenset({dict})
    return frozenset({list})


def _atom_tuple(expected: tuple[type, ...]) -> Decode:
    """A fixed tuple of atoms (a span, a pair of names): all its types compared at once."""
    def check(value: Any) -> tuple[Any, ...]:
        if type(value) is not list or tuple(map(type, value)) != expected:
            raise BadData(f"expected a list of {', '.join(t.__name__ for t in expected)}")
        return tuple(value)

    return check


def _choice(values: frozenset[Any]) -> Decode:
    """A ``Literal``: one of its values, of the same type (``True`` is not ``1``)."""
    kinds = frozenset(map(type, values))

    def check(value: Any) -> Any:
        if type(value) not in kinds or value not in values:
            raise BadData(f"unexpected value {value!r:.40}")
        return value

    return check


def _atom(exact: type) -> Decode:
    def check(value: Any) -> Any:
        if type(value) is not exact:
            raise BadData(f"expected {exact.__name__}, found {type(value).__name__}")
        return value

    return check


def _sequence(item: Any, build: type) -> Decode:
    if item in _ATOMS:
        exact = _ATOMS[item]

        def atoms(value: Any) -> Any:
            # the loop over items runs in C: this is most of the data (names, targets, fingerprints)
            if type(value) is not list or not all(map(is_, map(type, value), repeat(exact))):
                raise BadData(f"expected a list of {exact.__name__}")
            return value if build is list else build(value)

        return atoms
    if isinstance(item, type) and dataclasses.is_dataclass(item) and (flat := _flat_records(item, build)):
        return flat
    inner = decoder(item)

    def items(value: Any) -> Any:
        if type(value) is not list:
            raise BadData(f"expected a list, found {type(value).__name__}")
        return build(map(inner, value))

    return items


def _mapping(key: Any, item: Any) -> Decode:
    if key is not str:
        pair = decoder(tuple[key, item])

        def pairs(value: Any) -> dict[Any, Any]:
            if type(value) is not list:
                raise BadData(f"expected a list of pairs, found {type(value).__name__}")
            return dict(map(pair, value))

        return pairs
    origin, args = typing.get_origin(item), typing.get_args(item)
    if origin in (tuple, list, set, frozenset) and args[0] in _ATOMS and args[-1] in (Ellipsis, args[0]) \
            and (origin is not tuple or args[-1] is Ellipsis):
        exact, build = _ATOMS[args[0]], origin

        def by_name_atoms(value: Any) -> dict[str, Any]:
            """Successor sets and target expansions: all items checked in one pass, in C."""
            if type(value) is not dict or not all(map(is_, map(type, value.values()), repeat(list))) \
                    or not all(map(is_, map(type, chain.from_iterable(value.values())), repeat(exact))):
                raise BadData(f"expected an object of lists of {exact.__name__}")
            return dict(zip(value, map(build, value.values()), strict=False))

        return by_name_atoms
    values = decoder(item)

    def by_name(value: Any) -> dict[str, Any]:
        if type(value) is not dict:
            raise BadData(f"expected an object, found {type(value).__name__}")
        return {k: values(v) for k, v in value.items()}

    return by_name


def _fields(kinds: typing.Sequence[Any], what: str) -> Callable[[Any], list[Any]]:
    """Checks a list of fields of ``kinds`` and rebuilds in place those that are not JSON atoms.

    Every field's JSON type is checked at once, and the items of a sequence of atoms (names, targets,
    fingerprints: most of the data) in one pass, both in C; only fields holding records cost a Python
    call. That keeps decoding near the JSON parser's own speed."""
    allowed = [_json_types(k) for k in kinds]
    sequences, others = [], []
    for i, kind in enumerate(kinds):
        inner = _optional(kind) if type(None) in allowed[i] and kind not in _ATOMS else kind
        if inner in _ATOMS:
            continue
        origin, args = typing.get_origin(inner), typing.get_args(inner)
        if origin in (tuple, list, set, frozenset) and args[-1] in (Ellipsis, *_ATOMS) and args[0] in _ATOMS \
                and (origin is not tuple or args[-1] is Ellipsis):
            sequences.append((i, _ATOMS[args[0]], origin))
        else:
            others.append((i, decoder(inner)))
    size = len(kinds)
    rebuilt = bool(sequences or others)

    def fields(value: Any) -> list[Any]:
        if type(value) is not list or len(value) != size or not all(map(contains, allowed, map(type, value))):
            raise BadData(f"expected {what} of {size} fields")
        if not rebuilt:
            return value
        for i, exact, build in sequences:
            items = value[i]
            if items is not None:
                if items and not all(map(is_, map(type, items), repeat(exact))):
                    raise BadData(f"expected a list of {exact.__name__}")
                value[i] = build(items)
        for i, part in others:
            if value[i] is not None:
                value[i] = part(value[i])
        return value

    return fields


def _flat_records(cls: type, build: type) -> Decode | None:
    """A sequence of records whose fields are each an atom or a sequence of atoms (key parts, functions: most
    records a cache holds), checked and built in one loop: no Python call for each record. ``None`` for other
    records, or a class with ``__slots__``."""
    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    names = [f.name for f in dataclasses.fields(cls)]
    if "__slots__" in vars(cls):
        return None
    expected: list[type] = []
    sequences: list[tuple[int, type, type]] = []
    for i, kind in enumerate(hints[name] for name in names):
        origin, args = typing.get_origin(kind), typing.get_args(kind)
        if kind in _ATOMS and _ATOMS[kind] is not type(None):
            expected.append(_ATOMS[kind])
        elif origin in (tuple, list, set, frozenset) and args[0] in _ATOMS and args[-1] in (Ellipsis, args[0]) \
                and (origin is not tuple or args[-1] is Ellipsis):
            expected.append(list)
            sequences.append((i, _ATOMS[args[0]], origin))
        else:
            return None
    shape, size, new = tuple(expected), len(expected), object.__new__

    def records(value: Any) -> Any:
        if type(value) is not list:
            raise BadData(f"expected a list, found {type(value).__name__}")
        made = []
        for fields in value:
            if type(fields) is not list or tuple(map(type, fields)) != shape:
                raise BadData(f"expected {cls.__name__} of {size} fields")
            for i, exact, rebuild in sequences:
                items = fields[i]
                if items and not all(map(is_, map(type, items), repeat(exact))):
                    raise BadData(f"expected a list of {exact.__name__}")
                fields[i] = rebuild(items)
            record: Any = new(cls)
            record.__dict__.update(zip(names, fields, strict=False))
            made.append(record)
        return made if build is list else build(made)

    return records


def _record(cls: type) -> Decode:
    """A dataclass from its fields in order; built without ``__init__`` where the class has a ``__dict__``,
    as pickle does (a frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``).
    Plain closures over the class's fields: nothing here is compiled or run from text, so what a cache file
    holds can only ever be checked values."""
    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    names = [f.name for f in dataclasses.fields(cls)]
    fields = _fields([hints[name] for name in names], cls.__name__)
    new = object.__new__

    if "__slots__" in vars(cls):
        return lambda value: cls(*fields(value))

    def record(value: Any) -> Any:
        made: Any = new(cls)
        made.__dict__.update(zip(names, fields(value), strict=False))
        return made

    return record
