"""The boolean fields a class declares by annotation, and the names the environment sets them by.

HHS/simpler-grants-gov keeps its switches as fields of pydantic-settings classes (``enable_job_lock: bool =
Field(default=True, alias="ENABLE_JOB_LOCK")``, or ``enable_agency: bool`` under ``env_prefix=
"TRANSFORM_ORACLE_DATA_"``) and reads them as ``self.config.enable_job_lock``. Whether a class is such a settings
class is known only once every module's bases are (model/typed_settings.py), so each file records the boolean
fields of all its classes that have a base: a few per module, read by the inference alone. A Django model's
boolean columns are recorded too: DefectDojo's one row of ``System_Settings`` holds the switches its
administrators turn on (model/registries.py).
"""

from __future__ import annotations

import ast

from flagaudit.extract.symbols import Scope

ENV_PREFIX = "<env_prefix>"
"""The field name under which a class records the prefix its fields' environment names take (``env_prefix``)."""

_BOOLEANS = frozenset({"bool", "StrictBool"})
_WRAPPERS = frozenset({"Optional", "Annotated"})
_MODEL_BOOLEANS = frozenset({"BooleanField", "NullBooleanField"})
_ALIASES = ("alias", "validation_alias", "env")
"""``Field``'s keywords that name the variable: pydantic-settings 2's ``alias`` and ``validation_alias``,
pydantic 1's ``env``."""


def boolean_fields(tree: ast.Module, scope: Scope) -> tuple[tuple[str, str, str], ...]:
    """For each module-level class with a base: (the class, qualified; a field annotated ``bool``, or a Django
    model's ``BooleanField``; the name its ``Field(alias=...)`` gives it, else ``""``), and (the class,
    :data:`ENV_PREFIX`, the prefix) where it sets one (``model_config = SettingsConfigDict(env_prefix="X_")``, or
    pydantic 1's ``class Config: env_prefix``)."""
    found = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef) or not node.bases:
            continue
        owner = f"{scope.module}.{node.name}" if scope.module else node.name
        for statement in node.body:
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) \
                    and _boolean(statement.annotation):
                found.append((owner, statement.target.id, _alias(statement.value)))
            elif isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                    and isinstance(statement.targets[0], ast.Name) and _named_call(statement.value) in _MODEL_BOOLEANS:
                found.append((owner, statement.targets[0].id, ""))  # a Django model's column
            prefix = _env_prefix(statement)
            if prefix is not None:
                found.append((owner, ENV_PREFIX, prefix))
    return tuple(found)


def _boolean(annotation: ast.expr) -> bool:
    """``bool``, ``StrictBool``, ``bool | None``, ``Optional[bool]`` or ``Annotated[bool, ...]``."""
    if isinstance(annotation, ast.Name):
        return annotation.id in _BOOLEANS
    if isinstance(annotation, ast.Attribute):
        return annotation.attr in _BOOLEANS
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = (annotation.left, annotation.right)
        return any(_boolean(side) for side in sides) and any(
            isinstance(side, ast.Constant) and side.value is None for side in sides)
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name) \
            and annotation.value.id in _WRAPPERS:
        inner = annotation.slice
        return _boolean(inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner)
    return False


def _alias(value: ast.expr | None) -> str:
    """The variable's name a ``Field(...)`` default gives as a text, else ``""``."""
    if not isinstance(value, ast.Call) or _named_call(value) != "Field":
        return ""
    return next((k.value.value for k in value.keywords if k.arg in _ALIASES and isinstance(k.value, ast.Constant)
                 and isinstance(k.value.value, str)), "")


def _named_call(value: ast.expr | None) -> str:
    """The last name of what a call calls (``BooleanField`` of ``models.BooleanField(...)``), else ``""``."""
    if not isinstance(value, ast.Call):
        return ""
    func = value.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _env_prefix(statement: ast.stmt) -> str | None:
    """The ``env_prefix`` a class body statement sets: in ``model_config = SettingsConfigDict(...)`` (or a dict),
    or in a nested ``class Config``."""
    if isinstance(statement, ast.ClassDef) and statement.name == "Config":
        return next((prefix for inner in statement.body if (prefix := _assigned_prefix(inner)) is not None), None)
    if isinstance(statement, (ast.Assign, ast.AnnAssign)) and _targets(statement) == ["model_config"]:
        value = statement.value
        if isinstance(value, ast.Call):
            return next((_text(k.value) for k in value.keywords if k.arg == "env_prefix"), None)
        if isinstance(value, ast.Dict):
            return next((_text(v) for k, v in zip(value.keys, value.values, strict=True)
                         if isinstance(k, ast.Constant) and k.value == "env_prefix"), None)
    return None


def _assigned_prefix(statement: ast.stmt) -> str | None:
    """``env_prefix = "X_"`` in pydantic 1's ``class Config``."""
    if isinstance(statement, (ast.Assign, ast.AnnAssign)) and _targets(statement) == ["env_prefix"]:
        return _text(statement.value)
    return None


def _targets(statement: ast.Assign | ast.AnnAssign) -> list[str]:
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    return [t.id for t in targets if isinstance(t, ast.Name)]


def _text(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
