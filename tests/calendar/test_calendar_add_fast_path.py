"""``Calendar.add`` has a flat fast path (inlined conversions and search over the published
snapshot); it must give exactly what the general path gives, in every input form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slarules.calendar import Calendar
from slarules.calendar._localtime import from_us, to_us

_US = timedelta(microseconds=1)

CALENDARS = [
    Calendar.from_dict(
        {
            "timezone": "Asia/Shanghai",
            "hours": {"mon-fri": ["09:00-12:00", "13:30-18:00"]},
            "holidays": {"country": "CN"},
        }
    ),
    Calendar.from_dict(
        {
            "timezone": "America/New_York",
            "hours": {"mon-fri": ["08:00-12:00", "12:30-17:00"], "sun": ["00:30-03:30"]},
            "holidays": {"country": "US"},
        }
    ),
    Calendar.from_dict(
        {
            "timezone": "Europe/Paris",
            "hours": {"mon-thu": ["22:00-02:30"], "sat": ["01:00-04:00", "10:00-24:00"]},
            "holidays": {"country": "FR"},
        }
    ),
]  # 24x7 calendars take plain arithmetic instead: test_calendar_properties covers them


class _Sub(datetime):
    """A datetime subclass whose aware difference is always taken in UTC, as pandas'
    ``Timestamp`` does (``datetime`` subtracts wall times when both share a tzinfo)."""

    def __sub__(self, other):  # type: ignore[no-untyped-def, override]
        if isinstance(other, datetime) and self.tzinfo is not None and other.tzinfo is not None:
            a = datetime(
                *self.timetuple()[:6], self.microsecond, tzinfo=self.tzinfo, fold=self.fold
            )
            return a.astimezone(UTC) - other.astimezone(UTC)
        return super().__sub__(other)


def _general(cal: Calendar, t: datetime, delta: timedelta) -> datetime:
    """``add`` through the general path: ``_add_us`` and ``Direction.shift``."""
    amount = delta // _US
    if not amount:
        return t.astimezone(cal.zone)
    return from_us(cal._add_us(to_us(t), amount), cal.zone)


def _identical(a: datetime, b: datetime) -> bool:
    """The same instant, written the same way: type, zone object, wall time and UTC offset.

    (``==`` alone compares wall times when both share a tzinfo, whatever their fold.)
    """
    return (
        type(a) is type(b)
        and a.tzinfo is b.tzinfo
        and a.replace(tzinfo=None) == b.replace(tzinfo=None)
        and a.utcoffset() == b.utcoffset()
    )


# DST changes in New York and Paris, 2023-2025 (both ways): walls near them are skipped or
# repeated, so the fold and the offset of the input matter
_CHANGES = [
    datetime(2023, 3, 12, 2),
    datetime(2023, 3, 26, 2),
    datetime(2023, 10, 29, 2),
    datetime(2023, 11, 5, 1),
    datetime(2024, 3, 10, 2),
    datetime(2024, 3, 31, 2),
    datetime(2024, 10, 27, 2),
    datetime(2024, 11, 3, 1),
    datetime(2025, 3, 9, 2),
    datetime(2025, 3, 30, 2),
    datetime(2025, 10, 26, 2),
    datetime(2025, 11, 2, 1),
]
_MINUTE = 60 * 10**6
# wall times in 2023-2026, read in the calendar's own zone: any microsecond, whole half
# hours (so that answers land exactly on openings and closes), or near a DST change
walls = st.one_of(
    st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2026, 12, 31)),
    st.builds(
        lambda day, half_hours: datetime(2023, 1, 1) + timedelta(days=day, minutes=30 * half_hours),
        st.integers(0, 4 * 365),
        st.integers(0, 47),
    ),
    st.builds(
        lambda change, minutes: change + timedelta(minutes=minutes),
        st.sampled_from(_CHANGES),
        st.integers(-180, 180),
    ),
)
amounts = st.one_of(
    st.integers(-40 * 3600 * 10**6, 40 * 3600 * 10**6),  # within the compiled years
    st.integers(-200, 200).map(lambda n: n * 30 * _MINUTE),  # whole half hours
    st.integers(-2 * 10**14, 2 * 10**14),  # far: grows the index
    st.just(0),
)
forms = st.sampled_from(["own", "own-fold", "utc", "offset", "other-instance", "subclass"])


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(CALENDARS), walls, amounts, forms)
def test_add_fast_path_agrees_with_the_general_path(
    cal: Calendar, wall: datetime, amount: int, form: str
) -> None:
    t = wall.replace(tzinfo=cal.zone)
    if form == "own-fold":
        t = t.replace(fold=1)
    elif form == "utc":
        t = t.astimezone(UTC)
    elif form == "offset":
        t = t.astimezone(timezone(timedelta(hours=-3, minutes=-30)))
    elif form == "other-instance":
        t = t.replace(tzinfo=ZoneInfo.no_cache(cal.timezone))
    elif form == "subclass":
        t = _Sub(*t.timetuple()[:6], t.microsecond, tzinfo=cal.zone, fold=t.fold)
    delta = timedelta(microseconds=amount)
    expected = _general(cal, t, delta)
    assert _identical(cal.add(t, delta), expected)
    assert _identical(cal.add(t, delta), expected)  # the second time on a warm snapshot
    assert _identical(cal.subtract(t, -delta), expected)


def test_add_takes_the_fast_path_inside_the_compiled_years(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cal = CALENDARS[0]
    start = datetime(2023, 9, 27, 16, 0, tzinfo=cal.zone)
    expected = datetime(2023, 10, 8, 12, 0, tzinfo=cal.zone)  # National Day, make-up Sunday
    assert cal.add(start, timedelta(hours=20)) == expected  # compiles 2022-2024

    def refuse(*args: object) -> datetime:
        raise AssertionError("the fast path was not taken")

    monkeypatch.setattr(Calendar, "_add_slow", refuse)
    assert cal.add(start, timedelta(hours=20)) == expected
    assert cal.add(start.astimezone(UTC), timedelta(hours=20)) == expected
    assert cal.subtract(expected, timedelta(hours=20)) == start
    assert cal.add(start, timedelta(hours=2, microseconds=7)) == datetime(
        2023, 9, 28, 9, 0, 0, 7, tzinfo=cal.zone
    )
    assert cal.add(start, timedelta(0)) == start


# their own copies: every example past an edge grows the index by a year
EDGE_CALENDARS = [Calendar.from_dict(cal.spec.model_dump()) for cal in CALENDARS]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(EDGE_CALENDARS), walls, st.integers(-2, 2), st.booleans())
def test_add_fast_path_at_the_edges_of_the_snapshot(
    cal: Calendar, wall: datetime, extra: int, forward: bool
) -> None:
    # amounts that run out just before, at or just after the snapshot's first opening or
    # last close: the fast path must answer exactly or hand over to the general path
    t = wall.replace(tzinfo=cal.zone)
    us = to_us(t)
    snap = cal._index.around(us)
    worked = snap.worked(us)
    amount = snap.cumend[-1] - worked + extra if forward else -(worked + extra)
    delta = timedelta(microseconds=amount)
    assert _identical(cal.add(t, delta), _general(cal, t, delta))


# open across the DST changes, so that the two readings of a repeated wall time (fold 0
# and 1, an hour apart) give different answers
FOLD_CALENDARS = [
    CALENDARS[1],  # New York, Sundays 00:30-03:30
    Calendar.from_dict(
        {"timezone": "Europe/Paris", "hours": {"sun": ["00:00-05:00"], "mon-fri": ["09:00-17:00"]}}
    ),
]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(FOLD_CALENDARS),
    st.sampled_from(_CHANGES),
    st.integers(-120, 120),
    st.sampled_from([0, 1]),
    st.integers(-8 * 60, 8 * 60),
)
def test_add_fast_path_reads_repeated_and_skipped_wall_times_as_the_general_path(
    cal: Calendar, change: datetime, minutes: int, fold: int, amount_minutes: int
) -> None:
    t = (change + timedelta(minutes=minutes)).replace(tzinfo=cal.zone, fold=fold)
    delta = timedelta(minutes=amount_minutes)
    cal.add(t, timedelta(hours=1))  # the snapshot covers t: the next calls take the fast path
    assert _identical(cal.add(t, delta), _general(cal, t, delta))


def test_add_outside_the_compiled_years_is_left_to_the_general_path() -> None:
    cal = Calendar.from_dict(CALENDARS[0].spec.model_dump())
    cal.add(datetime(2023, 6, 1, tzinfo=cal.zone), timedelta(hours=1))  # compiles 2022-2024
    later = datetime(2026, 6, 1, 12, 0, tzinfo=cal.zone)  # a Monday, after the snapshot
    assert cal.subtract(later, timedelta(hours=1)) == datetime(2026, 6, 1, 11, tzinfo=cal.zone)
    earlier = datetime(2020, 6, 1, 12, 0, tzinfo=cal.zone)  # a Monday, before it
    assert cal.add(earlier, timedelta(hours=1)) == datetime(2020, 6, 1, 14, 30, tzinfo=cal.zone)


def test_add_before_the_first_opening_of_the_snapshot() -> None:
    # one working day in all the years: an instant before it has no interval at or before it
    cal = Calendar.from_dict(
        {"timezone": "Europe/Paris", "hours": {"mon": []}, "days": {"2024-06-03": ["09:00-17:00"]}}
    )
    t = datetime(2024, 3, 1, tzinfo=cal.zone)
    for _ in range(2):  # cold, then on the published snapshot
        assert cal.add(t, timedelta(hours=1)) == datetime(2024, 6, 3, 10, tzinfo=cal.zone)
        assert cal.add(t, timedelta(0)) == t


def test_add_takes_pandas_timestamps_and_timedeltas_as_the_general_path() -> None:
    # subclasses with their own arithmetic (nanoseconds, UTC differences) stay off the
    # fast path, which relies on datetime's and timedelta's own
    pd = pytest.importorskip("pandas")
    cal = CALENDARS[0]
    cal.add(datetime(2023, 9, 27, tzinfo=cal.zone), timedelta(hours=1))
    starts = [
        datetime(2023, 9, 27, 16, tzinfo=cal.zone),
        pd.Timestamp("2023-09-27 16:00:00.000000999", tz="Asia/Shanghai"),
        pd.Timestamp("2023-09-27 10:59:59.999999001", tz="Europe/Paris"),
    ]
    for start in starts:
        for delta in (pd.Timedelta("20h 999ns"), timedelta(hours=-20), pd.Timedelta("-3h")):
            assert _identical(cal.add(start, delta), _general(cal, start, delta))


def test_the_snapshot_timedeltas_mirror_its_integers_exactly() -> None:
    for cal in CALENDARS:
        cal.add(datetime(2024, 6, 1, tzinfo=UTC), timedelta(hours=1))
        snap = cal._index.snapshot
        assert snap is not None
        pairs = [
            ([snap.safe_lo, snap.safe_hi], [snap.td_safe_lo, snap.td_safe_hi]),
            (snap.starts, snap.td_starts),
            (snap.ends, snap.td_ends),
            (snap.base, snap.td_base),
            (snap.cum, snap.td_cum),
            (snap.cumend, snap.td_cumend),
        ]
        for ints, deltas in pairs:
            assert deltas == [timedelta(microseconds=us) for us in ints]
