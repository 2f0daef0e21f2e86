"""Database rows into the typed records of `core.records` (and back out of the driver's types).

A record's fields are named after its table's columns; the converter for each field comes from
the field's annotation: timestamps become datetimes, 0/1 become bools, enum columns their enum,
blobs bytes. Converters are built once per record type.
"""

from __future__ import annotations

import dataclasses
import enum
import sqlite3
import types
import typing
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

R = TypeVar("R")

Convert = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _converter(annotation: Any) -> Convert:
    """How a column value becomes a field of this annotation (None passes for optional fields)."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        (inner,) = (a for a in args if a is not type(None))
        convert = _converter(inner)
        return lambda value: None if value is None else convert(value)
    if annotation is datetime:
        return datetime.fromisoformat
    if annotation is bool:
        return bool
    if annotation is bytes:
        return bytes
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation
    return _identity


_PLANS: dict[type, tuple[tuple[str, Convert], ...]] = {}


def _plan(cls: type) -> tuple[tuple[str, Convert], ...]:
    """Each field's name and converter, worked out once per record type."""
    plan = _PLANS.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls)
        plan = tuple((f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls))
        _PLANS[cls] = plan
    return plan


def record(cls: type[R], row: sqlite3.Row) -> R:
    """The record of type `cls` that this row stores (columns the record lacks are ignored)."""
    return cls(**{name: convert(row[name]) for name, convert in _plan(cls)})
