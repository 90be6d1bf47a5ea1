"""A steady clock's closed forms agree with the general clock arithmetic (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from slarules.engine._clock import Clock, SteadyClock, build_clock, steady_clock
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
