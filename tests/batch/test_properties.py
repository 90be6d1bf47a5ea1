"""Bulk evaluation equals ``policy.evaluate`` ticket by ticket, on generated tickets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")

from slarules import TicketError, load_policy  # noqa: E402
from slarules.batch import evaluate_batch  # noqa: E402
from slarules.batch._tables import result_tables  # noqa: E402
from slarules.testing import instants as when  # noqa: E402
from slarules.testing import tickets as generated  # noqa: E402
from tests.builders import BASE, make_policy  # noqa: E402

from .helpers import POLICY, ROOT, expected_action_rows, expected_stage_rows  # noqa: E402

ORIGIN = datetime(2025, 9, 28, tzinfo=UTC)
EVENTS = ["created", "first_response", "support_engaged", "solution_provided", "closed"]
STATUSES = ["open", "contacted_customer", "waiting_for_parts", "waiting_on_customer", "closed"]
ZONES = [UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30))]
STEPS = ["early-warning", "overdue"]

minutes = st.integers(min_value=0, max_value=60 * 24 * 14)


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    return (ORIGIN + timedelta(minutes=draw(minutes))).astimezone(draw(st.sampled_from(ZONES)))


@st.composite
def tickets(draw: st.DrawFn, index: int = 0) -> dict[str, Any]:
    tid = f"T-{index}-{draw(st.integers(0, 99))}"
    fields: dict[str, Any] = {}
    level = draw(st.sampled_from(["urgent", "important", "routine", "bogus", None]))
    if level is not None:
        fields["level"] = level
    if draw(st.booleans()):
        fields["customer_grade"] = draw(st.sampled_from(["vip", "normal"]))
    if draw(st.booleans()):
        fields["channel"] = draw(st.sampled_from(["phone", "chat", "email", "social"]))
    events: dict[str, datetime] = {}
    t = draw(instants())
    for name in EVENTS:
        if name != "created" and not draw(st.booleans()):
            continue
        events[name] = t
        t = t + timedelta(minutes=draw(st.integers(0, 60 * 30)))
    statuses = [
        {"at": draw(instants()), "status": draw(st.sampled_from(STATUSES))}
        for _ in range(draw(st.integers(0, 3)))
    ]
    done = sorted(
        {
            f"{tid}/{draw(st.sampled_from(EVENTS[1:]))}/{draw(st.sampled_from(STEPS))}"
            for _ in range(draw(st.integers(0, 3)))
        }
    )
    return {"id": tid, "fields": fields, "events": events, "statuses": statuses, "done": done}


def _json(ticket: dict[str, Any]) -> dict[str, Any]:
    """The ticket as JSON text would carry it: instants as ISO 8601 with their offset."""
    return {
        **ticket,
        "events": {k: v.isoformat() for k, v in ticket["events"].items()},
        "statuses": [{**s, "at": s["at"].isoformat()} for s in ticket["statuses"]],
    }


def _iso_table(batch: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist([_json(t) for t in batch])


def _timestamp_table(batch: list[dict[str, Any]]) -> pa.Table:
    ts = pa.timestamp("us", tz="UTC")
    schema = pa.schema(
        [
            ("id", pa.string()),
            (
                "fields",
                pa.struct([(n, pa.string()) for n in ("level", "customer_grade", "channel")]),
            ),
            ("events", pa.struct([(n, ts) for n in EVENTS])),
            ("statuses", pa.list_(pa.struct([("at", ts), ("status", pa.string())]))),
            ("done", pa.list_(pa.string())),
        ]
    )
    return pa.Table.from_pylist(batch, schema=schema)


def _single(batch: list[dict[str, Any]], at: datetime) -> tuple[list[dict[str, Any]], list[str]]:
    good, errors = [], []
    for ticket in batch:
        try:
            POLICY.evaluate(_json(ticket), at=at)
        except TicketError as exc:
            errors.append(str(exc))
        else:
            good.append(_json(ticket))
    return good, errors


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(tickets(), min_size=1, max_size=8),
    instants(),
    st.sampled_from(["iso", "timestamp"]),
)
def test_batch_equals_policy_evaluate(batch: list[dict[str, Any]], at: datetime, form: str) -> None:
    table = _iso_table(batch) if form == "iso" else _timestamp_table(batch)
    result = evaluate_batch(POLICY, table, at, errors="collect")
    good, errors = _single(batch, at)
    assert result.stages.to_pylist() == expected_stage_rows(POLICY, good, at)
    assert result.actions.to_pylist() == expected_action_rows(POLICY, good, at)
    assert result.errors.column("error").to_pylist() == errors


BUNDLED = sorted((ROOT / "policies").glob("*.yaml"))
BUNDLED = [p for p in BUNDLED if not p.name.endswith(".test.yaml")]


def _typed(ticket: dict[str, Any]) -> dict[str, Any]:
    """A generated ticket with its instants as aware datetimes (timestamp columns)."""
    return {
        **ticket,
        "events": {k: datetime.fromisoformat(v) for k, v in ticket.get("events", {}).items()},
        "statuses": [
            {**s, "at": datetime.fromisoformat(s["at"])} for s in ticket.get("statuses", [])
        ],
    }


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_bundled_policy_batch_equals_policy_evaluate(path: Path) -> None:
    """The engine's integer answer (evaluate_batch) and the public answer turned into
    tables (result_tables) both equal policy.evaluate, on every bundled policy."""
    policy = load_policy(path)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(generated(policy), min_size=1, max_size=6), when(policy))
    def check(batch: list[dict[str, Any]], at: datetime) -> None:
        expected_stages = expected_stage_rows(policy, batch, at)
        expected_actions = expected_action_rows(policy, batch, at)
        for rows in (batch, list(map(_typed, batch))):
            try:
                table = pa.Table.from_pylist(rows)
            except (OverflowError, pa.ArrowInvalid):  # a value Arrow cannot hold (2**63)
                assume(False)
            result = evaluate_batch(policy, table, at)
            assert result.stages.to_pylist() == expected_stages
            assert result.actions.to_pylist() == expected_actions
        public = result_tables([policy.evaluate(t, at=at) for t in batch], [])
        assert public.stages.to_pylist() == expected_stages
        assert public.actions.to_pylist() == expected_actions

    check()


def test_durations_beyond_float_precision_are_still_exact() -> None:
    """Working time beyond 2**53 µs (285 years, where float64 stops holding every µs): the
    seconds are still exactly timedelta.total_seconds()."""
    policy = make_policy(
        calendars={**BASE["calendars"], "always": {"hours": "24x7"}},
        stage_response={
            "start": "created",
            "stop": "responded",
            "calendar": "always",
            "target": {"urgent": "30m", "routine": "40000d"},
        },
    )
    at = datetime(9000, 1, 1, 0, 0, 0, 1, tzinfo=UTC)
    batch = [
        {"id": "A", "fields": {"level": "urgent"}, "events": {"created": "0001-01-01T00:00Z"}},
        {"id": "B", "fields": {"level": "routine"}, "events": {"created": "8900-01-01T00:00Z"}},
    ]
    result = evaluate_batch(policy, pa.Table.from_pylist(batch), at)
    assert result.stages.to_pylist() == expected_stage_rows(policy, batch, at)
    assert result.stages.column("elapsed_s")[0].as_py() * 1e6 > 2**53


def test_at_the_ends_of_time_the_batch_fails_as_policy_evaluate_does() -> None:
    """Tickets whose answer holds an instant no datetime can: the same message, per ticket."""
    from tests.engine.test_ends_of_time import POLICY as ENDS

    at = datetime(9999, 12, 31, 11, tzinfo=UTC)
    batch = [
        {"id": "far", "fields": {"level": "routine"}, "events": {"created": "9999-01-01T00:00Z"}},
        {"id": "near", "fields": {"level": "urgent"}, "events": {"created": "9999-12-31T10:50Z"}},
    ]
    with pytest.raises(TicketError, match="the deadline of stage 'response'") as info:
        ENDS.evaluate(batch[0], at=at)
    result = evaluate_batch(ENDS, pa.Table.from_pylist(batch), at, errors="collect")
    assert result.errors.column("error").to_pylist() == [str(info.value)]
    assert result.stages.to_pylist() == expected_stage_rows(ENDS, batch[1:], at)
