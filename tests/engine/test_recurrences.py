"""Repeating steps (``every``): catch-up is bounded, occurrences are counted, not walked.

The reference is the definition the engine had: walk every occurrence from the first, in
time order; an occurrence is due when it falls due by the instant, is not done, falls
outside a pause and its condition holds; the first later one that fires is the next
evaluation. The engine now returns only the due ones among the latest ``MAX_CATCH_UP``,
and must find them, and the next one, without walking the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slarules import Policy
from slarules._compiled import CompiledStep
from slarules._durations import EveryInterval
from slarules.calendar import Calendar
from slarules.calendar._localtime import to_us
from slarules.conditions import Env
from slarules.engine._evaluate import _change_instants, _envs, instants, run
from slarules.engine._ladder import MAX_CATCH_UP, recurring, step_calendar
from slarules.engine._stages import StageState
from slarules.engine._ticket import Ticket
from tests.builders import BASE, make_policy, t

_US = timedelta(microseconds=1)


def _walk(step: CompiledStep, state: StageState) -> Iterator[tuple[int, int, bool]]:
    """Every occurrence from the first, as the engine walked them: (n, due, paused)."""
    clock = state.planned or state.clock
    assert clock is not None
    cal: Calendar = step_calendar(step, clock.calendar)
    trigger = step.trigger
    interval = trigger.interval // _US if isinstance(trigger, EveryInterval) else 0
    n, due = 0, clock.start
    while True:
        n += 1
        if interval:
            due = cal._add_us(clock.start, interval * n)
        else:
            due = cal._end_of_day_us(due + 1 if n > 1 else due)
        if clock.stop is not None and due >= clock.stop:
            return
        if clock.pauses and clock.pauses[-1][1] is None and due >= clock.pauses[-1][0]:
            return
        yield n, due, clock.paused_at(due)


def _reference(
    step: CompiledStep,
    state: StageState,
    now: int,
    key_prefix: str,
    done: frozenset[str],
    env_at: Callable[[int], Env],
    settled: int,
) -> tuple[list[tuple[int, int]], int | None, int]:
    """What the walk made of it: the due occurrences, the next one, and how many occurrences
    (paused or not) fell due by ``now``."""
    due: list[tuple[int, int]] = []
    count = 0
    for n, when, _ in _walk(step, state):
        if when > now:
            break
        count = n
    for n, when, paused in _walk(step, state):
        if paused or f"{key_prefix}/{n}" in done:
            continue
        if step.when is not None and not step.when(env_at(when)):
            if when > settled:
                return due, None, count
            continue
        if when > now:
            return due, when, count
        due.append((n, when))
    return due, None, count


_CALENDARS = {
    **BASE["calendars"],
    "always": {"hours": "24x7"},
    "nights": {
        "timezone": "Europe/Paris",
        "hours": {"mon-thu": ["22:00-02:30"], "sat": ["10:00-24:00"]},
        "holidays": {"country": "FR"},
    },
}
_EVERY = ["20m", "1h", "3h", "8h", "end of business day"]


@st.composite
def _cases(draw: st.DrawFn) -> tuple[Policy, dict[str, Any], datetime]:
    every = draw(st.sampled_from(_EVERY))
    step: dict[str, Any] = {"id": "repeat", "every": every, "notify": ["x"]}
    when = draw(st.sampled_from([None, {"status": "open"}, {"not": {"status": "waiting"}}]))
    if when is not None:
        step["when"] = when
    if draw(st.booleans()):
        step["calendar"] = draw(st.sampled_from(sorted(_CALENDARS)))
    target = draw(st.sampled_from(["none", "8h", {"due": "2h", "calendar": "nights"}]))
    policy = make_policy(
        calendars=_CALENDARS,
        stage_response={
            "start": "created",
            "stop": "responded",
            "calendar": draw(st.sampled_from(sorted(_CALENDARS))),
            "pause": {"status": ["waiting"]},
            "target": target,
            "ladder": [step],
        },
    )
    created = t("2025-09-25T00:00") + timedelta(minutes=draw(st.integers(0, 60 * 24 * 30)))
    span = timedelta(minutes=draw(st.integers(0, 60 * 24 * 150)))
    events = {"created": created.isoformat()}
    if draw(st.integers(0, 3)) == 0:
        events["responded"] = (created + span * draw(st.floats(0, 1.5))).isoformat()
    statuses = sorted(
        (
            created + timedelta(minutes=draw(st.integers(-600, 60 * 24 * 180))),
            draw(st.sampled_from(["open", "waiting", "other"])),
        )
        for _ in range(draw(st.integers(0, 6)))
    )
    done = [f"T-1/response/repeat/{n}" for n in draw(st.lists(st.integers(1, 3000), max_size=8))]
    tk = {
        "id": "T-1",
        "fields": {"level": "urgent"},
        "events": events,
        "statuses": [{"at": w.isoformat(), "status": s} for w, s in statuses],
        "done": done,
    }
    return policy, tk, created + span


@settings(max_examples=200, deadline=None)
@given(_cases())
def test_the_occurrences_counted_are_the_latest_of_those_walked(
    case: tuple[Policy, dict[str, Any], datetime],
) -> None:
    policy, tk, at = case
    ticket = Ticket.model_validate(tk)
    now = to_us(at)
    _, states = run(policy.compiled, ticket, at)
    state = states[0]
    if state.clock is None:
        return
    step = state.stage.steps[0]
    inst = instants(ticket)
    fields = policy.compiled.fields.validate(ticket.fields, ticket_id="T-1")
    env_at = _envs(ticket, fields, "urgent", inst, now)[0]
    changes = sorted(_change_instants(inst))
    prefix = "T-1" + step.key_suffix
    found, later = recurring(step, state, now, prefix, ticket.done, env_at, changes)
    due, upcoming, count = _reference(
        step, state, now, prefix, ticket.done, env_at, max(changes, default=now)
    )
    assert [occurrence for occurrence, _ in found] == [
        (n, when) for n, when in due if n > count - MAX_CATCH_UP
    ]
    assert [key for _, key in found] == [f"{prefix}/{n}" for (n, _), _ in found]
    assert later == upcoming


# -- bounded work, counted ------------------------------------------------------------------


class _Counter:
    """Counts the calendar calls the engine makes (business-time arithmetic)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        for name in ("_add_us", "_between_us", "_end_of_day_us", "_closes_us", "_nth_close_us"):
            original = getattr(Calendar, name)
            monkeypatch.setattr(Calendar, name, self._counted(original))

    def _counted(self, original: Callable[..., int]) -> Callable[..., int]:
        def counted(*args: Any) -> int:
            self.calls += 1
            return original(*args)

        return counted


def _every_policy(every: str, calendar: str, **step: Any) -> Policy:
    return make_policy(
        calendars={
            "always": {"hours": "24x7"},
            "week": {"timezone": "UTC", "hours": {"mon-fri": ["09:00-17:00"]}},
            "office": BASE["calendars"]["office"],
        },
        stage_response={
            "start": "created",
            "stop": "responded",
            "calendar": calendar,
            "target": "none",
            "ladder": [{"id": "report", "every": every, "notify": ["x"], **step}],
        },
    )


def _ticket(created: str, **extra: Any) -> dict[str, Any]:
    return {"id": "T-1", "fields": {"level": "urgent"}, "events": {"created": created}, **extra}


def test_an_hourly_report_over_five_thousand_years_returns_the_latest_hundred(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policy = _every_policy("1h", "always")
    counter = _Counter(monkeypatch)
    at = datetime(7025, 1, 1, tzinfo=UTC)
    ev = policy.evaluate(_ticket("2025-01-01T00:00:00+00:00"), at=at)
    hours = int((at - datetime(2025, 1, 1, tzinfo=UTC)) / timedelta(hours=1))
    assert len(ev.actions) == MAX_CATCH_UP
    assert ev.actions[-1].key == f"T-1/response/report/{hours}"
    assert ev.actions[0].key == f"T-1/response/report/{hours - MAX_CATCH_UP + 1}"
    assert ev.actions[-1].due_at == at
    assert ev.next_evaluation_at == at + timedelta(hours=1)
    assert counter.calls < 3 * MAX_CATCH_UP


def _weekdays(first: datetime, last: datetime) -> int:
    """Monday-to-Friday dates in ``[first, last)`` (by date), arithmetically."""
    a, b = first.date().toordinal(), last.date().toordinal()
    weeks, rest = divmod(b - a, 7)
    return weeks * 5 + sum(1 for d in range(a, a + rest) if (d - 1) % 7 < 5)


def test_a_close_of_day_report_over_eight_thousand_years_is_counted_not_walked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policy = _every_policy("end of business day", "week")
    counter = _Counter(monkeypatch)
    created = _monday(datetime(25, 3, 3, 8, tzinfo=UTC))  # a typo for 2025
    at = _monday(datetime(8025, 3, 3, 12, tzinfo=UTC))
    ev = policy.evaluate(_ticket(created.isoformat()), at=at)
    closes = _weekdays(created, at)  # every weekday from the first Monday to the day before
    assert len(ev.actions) == MAX_CATCH_UP
    assert ev.actions[-1].key == f"T-1/response/report/{closes}"
    assert ev.actions[-1].due_at == (at - timedelta(days=3)).replace(hour=17)  # the Friday
    assert ev.next_evaluation_at == at.replace(hour=17)
    assert counter.calls < 3 * MAX_CATCH_UP


def _monday(t: datetime) -> datetime:
    return t + timedelta(days=-t.weekday() % 7)


def test_a_ticket_created_in_the_year_25_on_the_office_calendar_is_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policy = _every_policy("end of business day", "office")
    counter = _Counter(monkeypatch)
    at = t("2025-10-10T10:00")
    ev = policy.evaluate(_ticket("0025-10-09T10:00:00+08:00"), at=at)
    assert len(ev.actions) == MAX_CATCH_UP
    assert ev.actions[-1].due_at == t("2025-10-09T18:00")
    assert ev.next_evaluation_at == t("2025-10-10T18:00")
    assert counter.calls < 3 * MAX_CATCH_UP


def test_a_condition_that_holds_only_after_a_planned_change_is_jumped_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Occurrences while the condition fails are skipped to the ticket's next change."""
    policy = _every_policy("1h", "always", when={"status": "open"})
    counter = _Counter(monkeypatch)
    tk = _ticket(
        "2025-01-01T00:00:00+00:00",
        statuses=[
            {"at": "2025-01-01T00:00:00+00:00", "status": "new"},
            {"at": "2525-01-01T00:30:00+00:00", "status": "open"},  # planned, far ahead
        ],
    )
    ev = policy.evaluate(tk, at=datetime(2025, 6, 1, tzinfo=UTC))
    assert ev.actions == ()
    assert ev.next_evaluation_at == datetime(2525, 1, 1, 1, tzinfo=UTC)
    assert counter.calls < 20


def test_occurrences_inside_a_long_pause_are_jumped_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policy = make_policy(
        calendars={"always": {"hours": "24x7"}},
        stage_response={
            "start": "created",
            "stop": "responded",
            "calendar": "always",
            "pause": {"status": ["waiting"]},
            "target": "none",
            "ladder": [{"id": "report", "every": "1h", "notify": ["x"]}],
        },
    )
    counter = _Counter(monkeypatch)
    tk = _ticket(
        "2025-01-01T00:00:00+00:00",
        statuses=[
            {"at": "2025-01-01T05:30:00+00:00", "status": "waiting"},
            {"at": "3025-01-01T00:30:00+00:00", "status": "open"},
        ],
    )
    at = datetime(3025, 1, 1, 3, tzinfo=UTC)
    ev = policy.evaluate(tk, at=at)
    assert [a.due_at for a in ev.actions][-3:] == [
        datetime(3025, 1, 1, 1, tzinfo=UTC),
        datetime(3025, 1, 1, 2, tzinfo=UTC),
        datetime(3025, 1, 1, 3, tzinfo=UTC),
    ]
    assert len(ev.actions) == 3  # the five before the pause are long out of the latest 100
    assert counter.calls < 3 * MAX_CATCH_UP


def test_the_invariant_that_actions_are_kept_allows_for_the_catch_up_limit() -> None:
    from slarules.testing import assert_actions_are_kept

    policy = _every_policy("1h", "always")
    tk = _ticket("2025-01-01T00:00:00+00:00")
    at = datetime(2025, 1, 5, 10, tzinfo=UTC)  # 106 hourly reports due: the latest 100 kept
    ev = policy.evaluate(tk, at=at)
    assert ev.actions[0].key == "T-1/response/report/7"
    # three hours on, reports 7 to 9 are left behind by the limit: not a lost action
    assert_actions_are_kept(policy, tk, at, later=at + timedelta(hours=3))
