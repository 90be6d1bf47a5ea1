"""How figures are written for people: rates as percentages, business time as 1h 05m."""

from __future__ import annotations

from ._result import Headline

__all__ = ["change", "duration", "percent", "value"]


def percent(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x * 100:.{digits}f}%"


def duration(seconds: float | None) -> str:
    """``45m``, ``2h 05m``, ``3d 4h``; whole minutes (bins are a minute wide)."""
    if seconds is None:
        return "–"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, mins = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h {mins:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


def value(h: Headline, x: float | None) -> str:
    if x is None:
        return "–"
    if h.unit == "rate":
        return percent(x)
    if h.unit == "seconds":
        return duration(x)
    if h.unit == "score":
        return f"{x:.1f}"
    return f"{int(x):,}"


def change(h: Headline) -> str:
    """The change against the previous range, in the figure's unit (rates in points)."""
    d = h.change
    if d is None:
        return "no previous data" if h.previous is None else "–"
    sign = "+" if d > 0 else "−" if d < 0 else "±"
    if h.unit == "rate":
        return f"{sign}{abs(d) * 100:.1f} pts"
    if h.unit == "seconds":
        return f"{sign}{duration(abs(d))}"
    if h.unit == "score":
        return f"{sign}{abs(d):.1f}"
    return f"{sign}{int(abs(d)):,}"
