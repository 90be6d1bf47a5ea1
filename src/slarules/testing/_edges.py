"""The edges of business calendars, where timing bugs live: found once per calendar and window.

They are found through a calendar's public methods only: every opening and close (so lunch
breaks too), every local midnight, the instants at which the zone's UTC offset changes
(DST), and the days that differ from their weekday's usual hours (holidays, make-up
workdays, half days), with the last close before and the first opening after each run of
them.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from slarules.calendar import Calendar

__all__ = ["Edges", "edges"]

_DAY = timedelta(days=1)


class Edges:
    """The edge instants of some calendars in a window, by kind (each list sorted, UTC)."""

    __slots__ = ("all", "offsets", "special")

    def __init__(
        self, every: list[datetime], special: list[datetime], offsets: list[datetime]
    ) -> None:
        self.all = every
        self.special = special
        self.offsets = offsets


def _local_midnight(day: date, zone: tzinfo) -> datetime:
    # the first instant of the local day (a zone may skip midnight: then the gap's end)
    naive = datetime.combine(day, time())
    for minutes in range(0, 181, 30):
        t = (naive + timedelta(minutes=minutes)).replace(tzinfo=zone)
        if t.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == t.replace(tzinfo=None):
            return t.astimezone(UTC)
    return naive.replace(tzinfo=zone).astimezone(UTC)  # pragma: no cover - no such zone


def _offset_changes(zone: tzinfo, lo: datetime, hi: datetime) -> list[datetime]:
    """The instants in ``[lo, hi]`` at which ``zone``'s UTC offset changes (to the second)."""
    found: list[datetime] = []
    step = timedelta(hours=12)
    t = lo
    while t < hi:
        nxt = min(t + step, hi)
        if t.astimezone(zone).utcoffset() != nxt.astimezone(zone).utcoffset():
            a, b = t, nxt
            while b - a > timedelta(seconds=1):
                mid = a + (b - a) / 2
                mid = mid.replace(microsecond=0)
                if mid.astimezone(zone).utcoffset() == a.astimezone(zone).utcoffset():
                    a = mid
                else:
                    b = mid
            found.append(b)
        t = nxt
    return found


def _day_shapes(
    cal: Calendar, first: date, last: date
) -> dict[date, tuple[tuple[time, time], ...]]:
    zone = cal.zone
    lo, hi = _local_midnight(first, zone), _local_midnight(last + _DAY, zone)
    shapes: dict[date, list[tuple[time, time]]] = {}
    for a, b in cal.open_intervals(lo, hi):
        la, lb = a.astimezone(zone), b.astimezone(zone)
        day = la.date()
        while day <= lb.date() and day <= last:  # an interval over midnight counts on both days
            shapes.setdefault(day, []).append((la.time(), lb.time()))
            day += _DAY
    return {d: tuple(v) for d, v in shapes.items()}


def _special_days(cal: Calendar, first: date, last: date) -> tuple[list[date], set[date]]:
    """Dates whose hours differ from their weekday's commonest hours (holidays, make-ups),
    and the dates that are closed."""
    shapes = _day_shapes(cal, first, last)
    usual: dict[int, Counter[tuple[tuple[time, time], ...]]] = {}
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    for day in days:
        usual.setdefault(day.weekday(), Counter())[shapes.get(day, ())] += 1
    common = {wd: c.most_common(1)[0][0] for wd, c in usual.items()}
    special = {d for d in days if shapes.get(d, ()) != common[d.weekday()]}
    lo, hi = _local_midnight(first, cal.zone), _local_midnight(last + _DAY, cal.zone)
    special.update(d for d, _ in cal.holidays_between(lo, hi))
    return sorted(special), {d for d in days if d not in shapes}


def _runs(special: list[date], closed: set[date]) -> list[list[date]]:
    """Runs of consecutive special days, stretched over the closed days around them (so a
    holiday week and its weekends are one run)."""
    runs: list[list[date]] = []
    for day in special:
        if runs and runs[-1][-1] >= day:
            continue
        run = [day]
        while run[0] - _DAY in closed:
            run.insert(0, run[0] - _DAY)
        while run[-1] + _DAY in closed or run[-1] + _DAY in special:
            run.append(run[-1] + _DAY)
        if runs and runs[-1][-1] + _DAY >= run[0]:
            runs[-1].extend(d for d in run if d > runs[-1][-1])
        else:
            runs.append(run)
    return runs


def _calendar_edges(cal: Calendar, lo: datetime, hi: datetime) -> Edges:
    zone = cal.zone
    first, last = lo.astimezone(zone).date(), hi.astimezone(zone).date()
    pad = timedelta(days=10)  # see the closes and openings just outside the window
    opens_closes: list[datetime] = []
    for a, b in cal.open_intervals(
        _local_midnight(first - pad, zone), _local_midnight(last + pad, zone)
    ):
        opens_closes += [a.astimezone(UTC), b.astimezone(UTC)]
    opens_closes.sort()
    midnights = [
        _local_midnight(first + timedelta(days=i), zone) for i in range((last - first).days + 2)
    ]
    special: list[datetime] = []
    runs = _runs(*_special_days(cal, first, last))
    for run in runs:
        start, end = _local_midnight(run[0], zone), _local_midnight(run[-1] + _DAY, zone)
        special += [start, end]
        i = bisect.bisect_left(opens_closes, start)
        if i > 0:
            special.append(opens_closes[i - 1])  # the last close before the run
        j = bisect.bisect_left(opens_closes, end)
        if j < len(opens_closes):
            special.append(opens_closes[j])  # the first opening (or close) after it
        for day in run:  # the run's own openings and closes (make-up days, half days)
            first_edge = bisect.bisect_left(opens_closes, _local_midnight(day, zone))
            last_edge = bisect.bisect_left(opens_closes, _local_midnight(day + _DAY, zone))
            special += opens_closes[first_edge:last_edge]
    offsets = _offset_changes(zone, lo, hi)
    every = sorted({*opens_closes, *midnights, *special, *offsets})
    return Edges(every, sorted(set(special)), offsets)


@lru_cache(maxsize=256)
def edges(cals: tuple[Calendar, ...], lo: datetime, hi: datetime) -> Edges:
    """The edges of ``cals`` in ``[lo, hi]`` (UTC midnights when there is no calendar)."""
    if not cals:
        utc = ZoneInfo("UTC")
        days = (hi.date() - lo.date()).days + 2
        mids = [_local_midnight(lo.date() + timedelta(days=i), utc) for i in range(days)]
        return Edges([m for m in mids if lo <= m <= hi], [], [])
    parts = [_calendar_edges(c, lo, hi) for c in cals]

    def keep(values: Iterable[datetime]) -> list[datetime]:
        return sorted({v for v in values if lo <= v <= hi})

    return Edges(
        keep(v for p in parts for v in p.all),
        keep(v for p in parts for v in p.special),
        keep(v for p in parts for v in p.offsets),
    )
