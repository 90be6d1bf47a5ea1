"""Shared builders and ISO-string helpers for the calendar tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slarules.calendar import Calendar

OFFICE: dict[str, Any] = {
    "timezone": "Asia/Shanghai",
    "hours": {"mon-fri": ["09:00-12:00", "13:30-18:00"]},
    "holidays": {"country": "CN"},
}


def make_calendar(**overrides: Any) -> Calendar:
    """The Shanghai office calendar of the design document, with keys replaced."""
    mapping = {**OFFICE, **overrides}
    return Calendar.from_dict({k: v for k, v in mapping.items() if v is not None})


def at(text: str, zone: str | None = None) -> datetime:
    """An aware datetime from ISO text; without an offset in the text, ``zone`` is used."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone or "UTC"))
    return value


def same_instant(a: datetime, b: datetime) -> bool:
    return a == b and a.utcoffset() is not None and b.utcoffset() is not None
