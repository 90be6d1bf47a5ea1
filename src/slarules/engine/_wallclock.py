"""Wall-clock anchors in a calendar's time zone: 'N calendar days later', 'next Monday 12:00'.

These ignore business hours: they move along the local calendar and clock.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = ["add_local_days", "next_weekday_at", "zone"]


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _localize(naive: datetime, tz: ZoneInfo) -> datetime:
    """A local wall time as an instant; a time skipped by DST moves forward past the gap."""
    local = naive.replace(tzinfo=tz)
    roundtrip = local.astimezone(ZoneInfo("UTC")).astimezone(tz)
    if roundtrip.replace(tzinfo=None) != naive:  # inside a spring-forward gap
        return local.replace(fold=1).astimezone(ZoneInfo("UTC")).astimezone(tz)
    return local


def add_local_days(t: datetime, days: int, timezone: str) -> datetime:
    """The same local time of day, ``days`` calendar days later (earlier when negative)."""
    tz = zone(timezone)
    local = t.astimezone(tz)
    return _localize(local.replace(tzinfo=None) + timedelta(days=days), tz)


def next_weekday_at(t: datetime, weekday: int, at: time, timezone: str) -> datetime:
    """The first local ``weekday`` at ``at`` strictly after ``t`` (Monday is 0)."""
    tz = zone(timezone)
    local = t.astimezone(tz)
    ahead = (weekday - local.weekday()) % 7
    candidate = _localize(datetime.combine(local.date() + timedelta(days=ahead), at), tz)
    if candidate <= t:
        candidate = _localize(datetime.combine(local.date() + timedelta(days=ahead + 7), at), tz)
    return candidate
