"""Checking and converting single values: ticket values (at evaluation) and operands (at load)."""

from __future__ import annotations

import math
import reprlib
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import partial
from typing import Any

from slarules._suggest import did_you_mean, listing

from ._types import MAX_STRING_LENGTH, FieldType

__all__ = [
    "BadValue",
    "brief",
    "converter",
    "operand_value",
    "parse_datetime",
    "shown",
    "ticket_value",
]


class BadValue(Exception):
    """A value does not fit its type; ``message`` says why (internal, translated by callers)."""

    def __init__(self, message: str, hint: str | None = None, code: str = "bad-value") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code


class _Short(reprlib.Repr):
    """A bounded ``repr`` for messages: a few levels and characters of any value, however
    large or deeply nested (a ticket may hold anything)."""

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 128:  # also beyond what str() may convert (4,300 digits)
            return f"<an integer of about {int(x.bit_length() * 0.30103) + 1} digits>"
        return super().repr_int(x, level)


_short = _Short()
_short.maxstring = _short.maxother = 60


def brief(value: Any) -> str:
    """A bounded ``repr`` of ``value``, for messages."""
    return _short.repr(value)


def shown(value: Any) -> str:
    """``value`` as a message shows it: its type and a bounded ``repr``."""
    return f"{type(value).__name__} {_short.repr(value)}"


def parse_datetime(value: Any) -> datetime:
    """An aware ``datetime`` from an aware ``datetime`` or an ISO 8601 string with an offset."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        if len(value) > 64:
            raise BadValue("is too long to be a date-time")
        try:
            dt = datetime.fromisoformat(value)
        except ValueError:
            raise BadValue(
                f"{value!r} is not an ISO 8601 date-time",
                "write e.g. 2025-10-09T14:30:00+08:00",
            ) from None
    elif isinstance(value, date):
        raise BadValue(
            f"{value.isoformat()} is a date without a time",
            f"write a time and an offset, e.g. {value.isoformat()}T00:00:00+08:00",
        )
    else:
        raise BadValue(f"{shown(value)} is not a date-time")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise BadValue(
            f"{dt.isoformat()} has no time zone offset",
            "add an offset such as +08:00 or Z",
        )
    return dt


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_string(value: Any) -> str:
    if not isinstance(value, str):
        raise BadValue(f"{shown(value)} is not a string")
    if len(value) > MAX_STRING_LENGTH:
        raise BadValue(
            f"a string of {len(value)} characters is longer than the limit of "
            f"{MAX_STRING_LENGTH} characters"
        )
    return value


def ticket_value(ftype: FieldType, value: Any) -> Any:
    """Check one (non-null) ticket value against its type; return it converted.

    Integers given as integral floats become ``int``; datetimes become aware ``datetime``;
    lists become tuples. Raises ``BadValue``.
    """
    kind = ftype.kind
    if ftype.enum is not None:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise BadValue(f"{shown(value)} is not one of the allowed values")
        if value not in ftype.enum:
            raise BadValue(f"{brief(value)} is not an allowed value")
        if isinstance(value, str):
            _check_string(value)
        return value
    if kind == "string":
        return _check_string(value)
    if kind == "integer":
        if _is_int(value):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise BadValue(f"{shown(value)} is not an integer")
    if kind == "number":
        if _is_int(value):
            return value
        if isinstance(value, float) and math.isfinite(value):
            return value
        raise BadValue(f"{shown(value)} is not a finite number")
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        raise BadValue(f"{shown(value)} is not true or false")
    if kind == "datetime":
        return parse_datetime(value)
    if kind == "list":
        assert ftype.item is not None
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, list | tuple):
            raise BadValue(f"{shown(value)} is not a list")
        out = []
        for i, v in enumerate(value):
            if v is None:
                raise BadValue(f"element {i} is null")
            try:
                out.append(ticket_value(ftype.item, v))
            except BadValue as exc:
                raise BadValue(f"element {i}: {exc.message}") from None
        return tuple(out)
    raise BadValue("an object takes no default; give defaults to its properties instead")


def converter(ftype: FieldType) -> Callable[[Any], Any]:
    """``ticket_value`` for one type, with the common case first (validation runs per ticket)."""
    slow = partial(ticket_value, ftype)
    if ftype.enum is not None:
        allowed = frozenset(ftype.enum)

        def enum(value: Any) -> Any:
            try:
                if value.__class__ is not bool and value in allowed:
                    return value
            except TypeError:  # unhashable (a list, a mapping): not one of the values
                pass
            return slow(value)

        return enum
    kind = ftype.kind
    if kind == "string":

        def string(value: Any) -> Any:
            if value.__class__ is str and len(value) <= MAX_STRING_LENGTH:
                return value
            return slow(value)

        return string
    if kind == "boolean":

        def boolean(value: Any) -> Any:
            return value if value is True or value is False else slow(value)

        return boolean
    if kind == "integer":

        def integer(value: Any) -> Any:
            return value if value.__class__ is int else slow(value)

        return integer
    if kind == "list":
        assert ftype.item is not None
        item = converter(ftype.item)

        def list_(value: Any) -> Any:
            if value.__class__ is list or value.__class__ is tuple:
                try:
                    return tuple([item(v) for v in value])
                except BadValue:
                    pass
            return slow(value)  # says which element is wrong

        return list_
    return slow


def single_operand(ftype: FieldType, value: Any) -> None:
    """Refuse null, a list or a mapping where one value of ``ftype`` is compared with."""
    if value is None:
        raise BadValue(
            "null is not a value to compare with",
            "to test that a field is missing write {exists: false}",
            "operator-type-mismatch",
        )
    if isinstance(value, list | tuple | Mapping):
        raise BadValue(
            f"expected a single value ({ftype.describe()}), not a "
            f"{'mapping' if isinstance(value, Mapping) else 'list'}",
            "to allow several values write {in: [a, b]}" if isinstance(value, list) else None,
            "operator-type-mismatch",
        )


def operand_value(ftype: FieldType, value: Any) -> Any:
    """Check one operand written in a condition against the tested type; return it converted.

    Raises ``BadValue`` with a code (``unknown-enum-value``, ``operator-type-mismatch``).
    """
    single_operand(ftype, value)
    kind = ftype.kind
    if kind in ("string", "status"):
        if isinstance(value, str):
            return value
    elif kind == "integer" or kind == "number":
        if _is_int(value) or (isinstance(value, float) and math.isfinite(value)):
            return value
    elif kind == "boolean":
        if isinstance(value, bool):
            return value
    elif kind in ("datetime", "event"):
        try:
            return parse_datetime(value)
        except BadValue as exc:
            raise BadValue(exc.message, exc.hint, "operator-type-mismatch") from None
    elif ftype.enum is not None:
        if not isinstance(value, bool) and value in ftype.enum:
            return value
        hint = did_you_mean(str(value), ftype.enum)
        allowed = "allowed values are " + listing(ftype.enum, limit=20)
        raise BadValue(
            f"{value!r} is not one of the declared values",
            f"{hint} {allowed}" if hint else allowed,
            "unknown-enum-value",
        )
    raise BadValue(
        f"{type(value).__name__} {value!r} does not fit: expected {ftype.describe()}",
        None,
        "operator-type-mismatch",
    )
