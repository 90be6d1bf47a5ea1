"""Engine behaviour the bundled policies need and do not get yet, as strict xfails.

Each test is the smallest reproduction found while writing the bundled policies and their
tests. When the engine is fixed the test starts passing, ``strict=True`` turns that into a
failure, and the marker must be removed.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.builders import make_policy, stage, t


@pytest.mark.xfail(
    strict=True,
    reason=(
        "`next mon 12:00` ignores the target's calendar: on the office calendar it lands on "
        "Monday 6 October 2025, a National Day holiday when nobody can hand anything in "
        "(seed 004 §3.2: suggestions are handed in on Mondays). Expected a deadline the "
        "office calendar is open at, e.g. its next open instant: Thursday 9 October 09:00."
    ),
)
def test_next_weekday_anchor_on_a_holiday_moves_to_the_calendars_next_open_time() -> None:
    policy = make_policy(
        stage_response=stage(
            start="created",
            stop="responded",
            target={"due": "next mon 12:00", "calendar": "office"},
        )
    )
    ticket = {
        "id": "S-1",
        "fields": {"level": "routine"},
        "events": {"created": t("2025-09-30T10:00")},
    }
    ev = policy.evaluate(ticket, at=t("2025-09-30T10:00"))
    deadline = ev.stages["response"].deadline
    assert isinstance(deadline, datetime)
    assert deadline.date() > t("2025-10-08T00:00").date()  # after the holiday
    assert policy.calendars["office"].is_open(deadline)
