"""A steady clock's closed forms agree with the general clock arithmetic (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from slarules.engine._clock import (
    Clock,
    ElapsedClock,
    SteadyClock,
    SteadyElapsedClock,
    build_clock,
    steady_clock,
)
from tests.builders import BASE, make_policy

POLICY = make_policy(calendars={**BASE["calendars"], "always": {"hours": "24x7"}})
CALENDARS = [POLICY.compiled.calendars["office"], POLICY.compiled.calendars["always"]]
START = 1_759_991_400_000_000  # 2025-10-09 14:30 Asia/Shanghai, days before National Day ends
HOUR = 3_600_000_000
instants = st.integers(START - 400 * HOUR, START + 400 * HOUR)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CALENDARS), instants, instants, st.integers(-HOUR, 100 * HOUR))
def test_a_steady_clock_works_and_reaches_as_the_general_clock(
    calendar: object, start: int, until: int, budget: int
) -> None:
    steady = steady_clock(calendar, start, None)  # type: ignore[arg-type]
    general = Clock(calendar, start, None, ((start, None),), ())  # type: ignore[arg-type]
    assert isinstance(steady, SteadyClock)
    assert steady == general
    assert steady.worked(until) == general.worked(until)
    assert steady.reach(budget) == general.reach(budget)
    assert steady.paused_at(until) is general.paused_at(until) is False
    assert steady.paused_time(until) == general.paused_time(until) == 0


def test_a_clock_that_never_pauses_is_steady() -> None:
    calendar = CALENDARS[0]
    statuses = ((START - HOUR, "open"), (START + HOUR, "open"))
    assert isinstance(
        build_clock(calendar, START, None, statuses, {"waiting"}.__contains__), SteadyClock
    )
    paused = build_clock(
        calendar, START, None, ((START + HOUR, "waiting"),), {"waiting"}.__contains__
    )
    assert not isinstance(paused, SteadyClock)
    assert paused.pauses == ((START + HOUR, None),)


segments = st.lists(st.integers(1, 50 * HOUR), min_size=1, max_size=6).map(
    lambda gaps: [START + sum(gaps[: i + 1]) for i in range(len(gaps))]
)


@settings(max_examples=300, deadline=None)
@given(segments, st.booleans(), instants, st.integers(-HOUR, 200 * HOUR))
def test_a_clock_on_an_always_open_calendar_counts_elapsed_time_as_the_calendar_does(
    edges: list[int], open_end: bool, until: int, budget: int
) -> None:
    always = CALENDARS[1]
    assert always.always_open
    assert not CALENDARS[0].always_open
    # alternate running and paused stretches from START through the edges
    bounds = [START, *edges]
    runs = [(a, b) for a, b in zip(bounds[::2], bounds[1::2], strict=False)]
    pauses = [(a, b) for a, b in zip(bounds[1::2], bounds[2::2], strict=False)]
    if open_end and len(bounds) % 2:
        runs.append((bounds[-1], None))  # running on after the last edge
    elif open_end:
        pauses.append((bounds[-1], None))  # paused for good
    fast = ElapsedClock(always, START, None, tuple(runs), tuple(pauses))  # type: ignore[arg-type]
    general = Clock(always, START, None, tuple(runs), tuple(pauses))  # type: ignore[arg-type]
    assert fast.worked(until) == general.worked(until)
    assert fast.reach(budget) == general.reach(budget)
    steady = steady_clock(always, START, None)
    assert isinstance(steady, SteadyElapsedClock)
    assert steady.worked(until) == Clock.worked(steady, until)
    assert steady.reach(budget) == Clock.reach(steady, budget)
