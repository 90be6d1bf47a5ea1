"""Engine behaviour found while writing the bundled policies (formerly strict xfails).

Each test is the smallest reproduction found while writing the bundled policies and their
tests. When the engine is fixed the test starts passing, ``strict=True`` turns that into a
failure, and the marker must be removed.
"""

from __future__ import annotations

from datetime import datetime

from tests.builders import make_policy, stage, t


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
    # Monday 6 October is National Day: the next working day at the same time
    assert deadline == t("2025-10-09T12:00")
