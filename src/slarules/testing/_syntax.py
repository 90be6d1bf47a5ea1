"""``durations()`` and ``targets()``: expressions in the policy syntax, spelled every way the
policy language accepts them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from hypothesis import strategies as st

from slarules._errors import UsageError

__all__ = ["durations", "targets"]

_UNITS = (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
_WORDS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _parts(seconds: int, units: Sequence[tuple[str, int]]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for unit, size in units:
        if seconds >= size:
            out.append((seconds // size, unit))
            seconds %= size
    return out


def _compact(seconds: int) -> str:
    return "".join(f"{n}{u}" for n, u in _parts(seconds, _UNITS[1:])) or "0m"


def _iso(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    clock = "".join(f"{n}{u.upper()}" for n, u in _parts(rest, _UNITS[2:]))
    text = "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")
    return text if text != "P" else "PT0M"


def _wordy(seconds: int) -> str:
    parts = _parts(seconds, _UNITS[2:])
    if not parts:
        return "0 minutes"
    return " ".join(f"{n} {_WORDS[u] if n != 1 else _WORDS[u][:-1]}" for n, u in parts)


_SPELLINGS = (_compact, _iso, _wordy)


def durations(
    *, min_value: timedelta = timedelta(0), max_value: timedelta = timedelta(days=7)
) -> st.SearchStrategy[str]:
    """Durations in the policy syntax (``30m``, ``2h30m``, ``PT4H``, ``4 hours``), whole
    minutes mostly, between ``min_value`` and ``max_value``; they shrink to the shortest."""
    lo, hi = int(min_value.total_seconds()), int(max_value.total_seconds())
    if lo < 0 or hi < lo:
        raise UsageError(
            f"durations() needs 0 <= min_value <= max_value, not {min_value}, {max_value}"
        )
    minutes = st.integers(min_value=-(-lo // 60), max_value=hi // 60).map(lambda m: m * 60)
    seconds = st.integers(min_value=lo, max_value=hi)
    amount = minutes | seconds if -(-lo // 60) <= hi // 60 else seconds
    return st.tuples(amount, st.sampled_from(_SPELLINGS)).map(lambda p: p[1](p[0]))


def targets(
    *,
    events: Sequence[str] = (),
    calendars: Sequence[str] = (),
    max_days: int = 10,
) -> st.SearchStrategy[str | dict[str, Any]]:
    """Target expressions in the policy syntax: durations, ``N business days``, ``N days``,
    ``N weeks``, ``end of business day``, ``next mon 12:00``; with ``events``, also
    ``N business days before EVENT``; with ``calendars``, also ``{due: ..., calendar: ...}``.

    Each is valid as a stage's ``target`` (or one priority's entry of it) in a policy that
    declares those events and calendars.
    """
    days = st.integers(min_value=0, max_value=max_days)
    plain = st.one_of(
        durations(max_value=timedelta(days=max_days)),
        days.map(lambda n: f"{n} business day" + ("" if n == 1 else "s")),
        days.map(lambda n: f"{n} day" + ("" if n == 1 else "s")),
        days.map(lambda n: f"{n} calendar days"),
        st.integers(1, max(1, max_days // 7)).map(lambda n: f"{n} week" + ("" if n == 1 else "s")),
        st.just("end of business day"),
        st.builds(
            lambda d, h, m: f"next {d} {h:02d}:{m:02d}",
            st.sampled_from(_WEEKDAYS),
            st.integers(0, 23),
            st.sampled_from((0, 15, 30, 45)),
        ),
    )
    branches: list[st.SearchStrategy[Any]] = [plain]
    if events:
        amount = st.one_of(
            durations(max_value=timedelta(days=max_days)),
            days.map(lambda n: f"{n} business days"),
            days.map(lambda n: f"{n} days"),
        )
        branches.append(
            st.builds(lambda a, e: f"{a} before {e}", amount, st.sampled_from(list(events)))
        )
    expression: st.SearchStrategy[Any] = st.one_of(branches)
    if calendars:
        expression = expression | st.builds(
            lambda due, cal: {"due": due, "calendar": cal},
            expression,
            st.sampled_from(list(calendars)),
        )
    return expression
