"""Instants shown to people: local time of the policy's zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local(t: datetime | None, tz: str, *, short: bool = False) -> str:
    if t is None:
        return "-"
    value = t.astimezone(ZoneInfo(tz))
    return value.strftime("%m-%d %H:%M" if short else "%Y-%m-%d %H:%M")
