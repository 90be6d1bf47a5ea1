"""Every formula of the report, pinned on small hand-computed ticket sets (see conftest)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from slarules import Policy
from slarules.report import ReportResult

from .conftest import POLICY, SET, make_policy, report, tk

HOUR = 3600.0


def on_time(result: ReportResult, priority: str, stage: str) -> tuple[int, int, int]:
    row = next(r for r in result.on_time if (r.priority, r.stage) == (priority, stage))
    return row.met, row.met_late, row.breached


def test_on_time_counts_per_priority_and_stage(policy: Policy) -> None:
    r = report(policy, SET)
    assert on_time(r, "high", "response") == (2, 1, 0)  # T1, T6 met; T2 late
    assert on_time(r, "low", "response") == (0, 0, 1)  # T3 breached; T4, T5 running
    assert on_time(r, "high", "fix") == (1, 0, 2)  # T1 met; T2, T6 breached open
    assert on_time(r, "low", "fix") == (0, 0, 0)  # skipped
    assert on_time(r, "high", "review") == (0, 0, 0)  # pending
    h = r.headline_value("on_time_rate")
    assert h is not None
    assert h.value == pytest.approx(3 / 7)
    assert h.previous == pytest.approx(2 / 2)  # T8, both stages met in September
    assert h.change == pytest.approx(3 / 7 - 1)
    assert r.headline_value("breaches").value == 3  # type: ignore[union-attr]
    assert r.headline_value("late_completions").value == 1  # type: ignore[union-attr]
    assert r.header.stages_counted == 7
    by_priority = {row.priority: row.on_time_rate for row in r.on_time_by_priority}
    assert by_priority == {"high": pytest.approx(3 / 6), "low": 0.0}
    by_stage = {row.stage: row.on_time_rate for row in r.on_time_by_stage}
    assert by_stage == {"response": 0.5, "fix": pytest.approx(1 / 3), "review": None}


def test_closed_only_leaves_out_open_breaches(policy: Policy) -> None:
    r = report(policy, SET, closed_only=True)
    assert on_time(r, "high", "fix") == (1, 0, 0)
    assert on_time(r, "low", "response") == (0, 0, 0)
    assert r.headline_value("on_time_rate").value == pytest.approx(3 / 4)  # type: ignore[union-attr]


def test_period_by_created_moves_t6_to_september(policy: Policy) -> None:
    r = report(policy, SET, period_by="created")
    h = r.headline_value("on_time_rate")
    assert h is not None
    assert h.value == pytest.approx(2 / 5)  # T1 (2 met), T2 (late, breached), T3 (breached)
    assert h.previous == pytest.approx(3 / 4)  # T6 (met, breached), T8 (met, met)


def test_trend_has_previous_and_current_periods(policy: Policy) -> None:
    r = report(policy, SET)
    rows = {(t.period, t.priority): t for t in r.trend}
    assert (rows["2025-09", "high"].met, rows["2025-09", "high"].window) == (2, "previous")
    assert rows["2025-10", "*"].on_time_rate == pytest.approx(3 / 7)
    assert rows["2025-10", "low"].decided == 1


def test_timing_and_lateness(policy: Policy) -> None:
    r = report(policy, SET)
    t = next(t for t in r.timing if t.stage == "response")
    assert t.count == 3  # completed: 30m, 90m, 40m
    assert t.mean == pytest.approx((30 + 90 + 40) * 60 / 3)
    assert (t.median, t.p90, t.p95, t.max) == (2400, 5400, 5400, 5400)
    # late: T2 30m, T3 open since its deadline 10-20 14:00 until 11-01 00:00 (274 h)
    assert t.late_count == 2
    assert t.late_max == 274 * HOUR
    assert t.late_mean == pytest.approx((1800 + 274 * HOUR) / 2)
    median = r.headline_value("median:response")
    assert median is not None
    assert (median.value, median.previous) == (2400, 1200)


def test_open_risk(policy: Policy) -> None:
    r = report(policy, SET)
    assert r.open_breached == 3  # T3 response, T2 fix, T6 fix
    assert r.at_risk == 1  # T5 response at 87.5 %
    assert [(s.ticket, s.stage) for s in r.risk_stages][-1] == ("T5", "response")
    assert report(policy, SET, risk=0.5).at_risk == 2  # T4 at exactly 50 %


def test_late_appendix_and_overdue_reasons(policy: Policy) -> None:
    r = report(policy, SET)
    assert r.late_total == 4  # T2 response (late), T2 fix, T3 response, T6 fix
    assert [(s.ticket, s.stage) for s in r.late_stages] == [  # latest first
        ("T6", "fix"),  # open since 10-01 03:30
        ("T2", "fix"),  # open since 10-11 14:00
        ("T3", "response"),  # open since 10-20 14:00
        ("T2", "response"),  # met 30 minutes late
    ]
    t2 = next(s for s in r.late_stages if (s.ticket, s.stage) == ("T2", "response"))
    assert (t2.status, t2.lateness, t2.reason) == ("met_late", 1800, "parts")
    # one count per ticket, in the period of its first late decision
    reasons = {p.reason: p.count for p in r.overdue_reasons or ()}
    assert reasons == {"parts": 1, "staff": 1, "(not given)": 1}


SCORES = [69, 70, 89, 90, 100, 0]


def closed_set(scores: list[int], **fields: Any) -> list[dict[str, Any]]:
    return [
        tk(
            f"S{i}",
            "high",
            "10-05 10:00",
            responded="10-05 10:10",
            closed="10-05 11:00",
            score=s,
            **fields,
        )
        for i, s in enumerate(scores)
    ]


def test_satisfaction_class_boundaries(policy: Policy) -> None:
    r = report(policy, closed_set(SCORES))
    assert r.satisfaction == {"satisfied": 2, "basically_satisfied": 2, "dissatisfied": 2}
    assert r.satisfaction_labels["satisfied"] == "满意"
    mean = r.headline_value("satisfaction_mean")
    share = r.headline_value("satisfied_share")
    assert mean is not None
    assert share is not None
    assert mean.value == pytest.approx(sum(SCORES) / 6)
    assert share.value == pytest.approx(2 / 6)
    spec = make_policy()
    from slarules.report import report_spec

    sat = report_spec(spec).satisfaction  # type: ignore[union-attr]
    assert sat is not None
    assert [sat.classify(s) for s in (69, 70, 89, 90)] == [
        "dissatisfied",
        "basically_satisfied",
        "basically_satisfied",
        "satisfied",
    ]


def test_satisfied_share_uses_declared_classes() -> None:
    classes = make_policy().compiled  # noqa: F841 - policy compiles
    sat = {
        "field": "score",
        "classes": {"good": {"min": 70}, "bad": {"max": 69}},
        "satisfied": ["good"],
    }
    r = report(make_policy(satisfaction=sat), closed_set(SCORES))
    assert r.headline_value("satisfied_share").value == pytest.approx(4 / 6)  # type: ignore[union-attr]


def test_complaint_rate_first_contact_and_pareto(policy: Policy) -> None:
    tickets = closed_set([95] * 10)
    reasons = ["slow", "slow", "slow", "rude", "rude", "lost", "parts"]
    for t, why in zip(tickets, reasons, strict=False):
        t["fields"]["complaint"] = why
    for t in tickets[:4]:
        t["fields"]["fcr"] = True
    for t in tickets[4:6]:
        t["fields"]["fcr"] = False
    tickets.append(tk("OPEN", "high", "10-05 10:00", complaint="slow"))  # not closed: left out
    r = report(policy, tickets)
    assert r.headline_value("complaint_rate").value == pytest.approx(7 / 10)  # type: ignore[union-attr]
    assert r.headline_value("first_contact_rate").value == pytest.approx(4 / 6)  # type: ignore[union-attr]
    rows = r.complaint_reasons or ()
    assert [(p.reason, p.count, p.top) for p in rows] == [
        ("slow", 3, True),
        ("rude", 2, True),
        ("lost", 1, True),
        ("parts", 1, False),
    ]
    assert rows[1].cumulative == pytest.approx(5 / 7)
    assert rows[3].share == pytest.approx(1 / 7)
    # by created: the open ticket counts too
    r2 = report(policy, tickets, period_by="created")
    assert r2.headline_value("complaint_rate").value == pytest.approx(8 / 11)  # type: ignore[union-attr]


def test_breakdown_by_field(policy: Policy) -> None:
    tickets = [
        tk("P1", "high", "10-05 10:00", responded="10-05 10:10", channel="phone"),
        tk("P2", "high", "10-05 10:00", responded="10-05 12:10", channel="phone"),
        tk("C1", "high", "10-05 10:00", responded="10-05 10:10", channel="chat"),
        tk("N1", "high", "10-05 10:00", responded="10-05 10:10"),
    ]
    r = report(policy, tickets, by=["channel"])
    rates = {b.group: (b.met, b.met_late, b.breached) for b in r.breakdowns}
    # fix (4h) breached for all, since none is closed
    assert rates == {
        (("channel", "(not given)"),): (1, 0, 1),
        (("channel", "chat"),): (1, 0, 1),
        (("channel", "phone"),): (1, 1, 2),
    }


def test_missing_sections_are_noted_not_crashed() -> None:
    bare = make_policy(
        satisfaction=None, complaints=None, overdue_reason=None, first_contact_resolution=None
    )
    r = report(bare, SET)
    assert r.satisfaction is None
    assert r.complaint_reasons is None
    assert r.overdue_reasons is None
    assert any(n.startswith("Satisfaction left out") for n in r.notes)
    # declared but no data in the range
    r = report(make_policy(), SET[:1])
    assert r.satisfaction is None
    assert any("no ticket closed" in n for n in r.notes)


def test_same_inputs_same_report(policy: Policy) -> None:
    assert report(policy, SET).to_dict() == report(policy, list(reversed(SET))).to_dict()


def test_default_range_is_the_period_up_to_as_of(policy: Policy) -> None:
    r = report(policy, SET, start=None, end=None)
    assert (r.header.start, r.header.end) == (date(2025, 11, 1), date(2025, 11, 1))
    r = report(policy, SET, start=None, end=date(2025, 10, 31), period="week")
    # Monday to Friday is not a whole week: compared with the five days before
    assert (r.header.start, r.header.previous_start) == (date(2025, 10, 27), date(2025, 10, 22))
    r = report(policy, SET, start=date(2025, 10, 20), end=date(2025, 11, 2), period="week")
    assert (r.header.previous_start, r.header.previous_end) == (
        date(2025, 10, 6),
        date(2025, 10, 19),
    )


def test_a_stage_without_target_is_timed_but_not_decided() -> None:
    data = copy.deepcopy(POLICY)
    data["stages"]["fix"]["target"] = "none"
    policy = Policy.from_dict(data)
    r = report(policy, SET)
    assert on_time(r, "high", "fix") == (0, 0, 0)
    timing = next(t for t in r.timing if t.stage == "fix")
    assert (timing.count, timing.max) == (1, 2 * HOUR)  # T1: created 10:00, closed 12:00
    assert r.headline_value("on_time_rate").value == pytest.approx(2 / 4)  # type: ignore[union-attr]
