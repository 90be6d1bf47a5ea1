"""Instants given as datetime subclasses (pendulum) or in any zone mean the same instant."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pendulum
import pytest

from slarules import Ticket, UsageError
from tests.builders import make_policy, stage

POLICY = make_policy(stage_resolution=stage(calendar="office", stop="resolved", target="4h"))


def test_pendulum_instants_evaluate_as_the_equal_datetimes() -> None:
    plain = Ticket(
        id="T", fields={"level": "urgent"}, events={"created": datetime(2025, 1, 6, 1, tzinfo=UTC)}
    )
    fancy = Ticket(
        id="T", fields={"level": "urgent"}, events={"created": pendulum.datetime(2025, 1, 6, 1)}
    )
    at = datetime(2025, 1, 6, 18, tzinfo=ZoneInfo("Asia/Shanghai"))
    at_pendulum = pendulum.datetime(2025, 1, 6, 18, tz="Asia/Shanghai")
    assert POLICY.evaluate(fancy, at=at_pendulum) == POLICY.evaluate(plain, at=at)


@pytest.mark.parametrize("bad", [datetime(2025, 1, 6), "2025-01-06T00:00:00Z", 1736121600])
def test_an_instant_that_is_not_an_aware_datetime_is_a_usage_error(bad: object) -> None:
    ticket = Ticket(id="T", fields={"level": "urgent"}, events={})
    with pytest.raises(UsageError, match="at"):
        POLICY.evaluate(ticket, at=bad)  # type: ignore[arg-type]
