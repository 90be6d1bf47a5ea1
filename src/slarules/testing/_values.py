"""Ticket field values that respect a ``fields:`` declaration, in the JSON shape of a ticket."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from slarules.conditions import FieldSpec

__all__ = ["datetimes_text", "field_values", "object_values", "scalar_values", "text"]

_WORDS = "abcdefghijklmnopqrstuvwxyz"
text = st.text(alphabet=_WORDS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-", max_size=12)
"""Short readable strings (they shrink to ``""``)."""

_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
_OFFSETS = [timedelta(hours=h) for h in (8, 0, -5, 1, 5.5)]


def datetimes_text() -> st.SearchStrategy[str]:
    def build(seconds: int, offset: timedelta) -> str:
        return (_EPOCH + timedelta(seconds=seconds)).astimezone(timezone(offset)).isoformat()

    return st.builds(
        build, st.integers(min_value=0, max_value=2 * 366 * 86400), st.sampled_from(_OFFSETS)
    )


def scalar_values(spec: FieldSpec) -> st.SearchStrategy[Any]:
    """Values of a scalar declaration: enum members, strings, numbers, booleans, datetimes."""
    if spec.enum is not None:
        return st.sampled_from(spec.enum)
    kind = spec.type or "string"
    if kind == "string":
        return text
    if kind == "integer":
        return st.integers(min_value=-1000, max_value=1000) | st.integers()
    if kind == "number":
        return st.integers(min_value=-1000, max_value=1000) | st.floats(
            allow_nan=False, allow_infinity=False
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "datetime":
        return datetimes_text()
    raise AssertionError(f"not a scalar declaration: {spec!r}")  # pragma: no cover


def field_values(spec: FieldSpec) -> st.SearchStrategy[Any]:
    """Values of any declaration (lists hold up to four items; objects their properties)."""
    if spec.type == "list":
        assert spec.items is not None
        return st.lists(scalar_values(spec.items), max_size=4)
    if spec.type == "object":
        assert spec.properties is not None
        return object_values(spec.properties, {})
    return scalar_values(spec)


def object_values(
    specs: Mapping[str, FieldSpec], pinned: Mapping[str, Any]
) -> st.SearchStrategy[dict[str, Any]]:
    """A mapping for the declarations ``specs``: required ones always, others sometimes
    (absent ones shrink away first), ``pinned`` ones as given (a value or a strategy)."""
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, spec in specs.items():
        if name in pinned:
            continue
        (required if spec.required else optional)[name] = field_values(spec)
    for name, value in pinned.items():
        required[name] = value if isinstance(value, st.SearchStrategy) else st.just(value)
    return st.fixed_dictionaries(required, optional=optional)
