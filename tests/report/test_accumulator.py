"""Partial accumulators merge exactly; they pickle; histograms are exact to the bin width."""

from __future__ import annotations

import json
import pickle
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slarules import Evaluation, Policy, Ticket, UsageError
from slarules.report import Histogram, ReportAccumulator, ReportOptions

from .conftest import AS_OF, SET, make_policy

OPTIONS = ReportOptions(
    as_of=AS_OF, start=date(2025, 10, 1), end=date(2025, 10, 31), detail_limit=2
)


def whole(policy: Policy) -> ReportAccumulator:
    acc = ReportAccumulator(policy, OPTIONS)
    for t in SET:
        acc.add_ticket(t)
    return acc


def test_chunks_merge_into_the_whole(policy: Policy) -> None:
    parts = []
    for chunk in (SET[:2], SET[2:3], SET[3:]):
        acc = ReportAccumulator(policy, OPTIONS)
        for t in chunk:
            acc.add_ticket(t)
        parts.append(pickle.loads(pickle.dumps(acc)))  # as if back from a worker
    merged = parts[2].merge(parts[0]).merge(parts[1])
    assert merged.finish().to_dict() == whole(policy).finish().to_dict()


def test_capped_lists_keep_the_top_and_exact_counts(policy: Policy) -> None:
    r = whole(policy).finish()
    assert r.late_total == 4
    assert len(r.late_stages) == 2
    assert [s.ticket for s in r.late_stages] == ["T6", "T2"]
    assert any("lists the 2 latest of 4" in n for n in r.notes)


def test_merge_refuses_other_policies_or_options(policy: Policy) -> None:
    other = make_policy(overdue_reason=None)
    with pytest.raises(UsageError, match="different policies"):
        ReportAccumulator(policy, OPTIONS).merge(ReportAccumulator(other, OPTIONS))
    with pytest.raises(UsageError, match="different options"):
        ReportAccumulator(policy, OPTIONS).merge(
            ReportAccumulator(policy, ReportOptions(as_of=AS_OF))
        )


def test_options_are_checked() -> None:
    with pytest.raises(UsageError, match="no time zone"):
        ReportOptions(as_of=AS_OF.replace(tzinfo=None))
    with pytest.raises(UsageError, match="risk"):
        ReportOptions(as_of=AS_OF, risk=0)
    with pytest.raises(UsageError, match="starts"):
        ReportOptions(as_of=AS_OF, start=date(2025, 10, 2), end=date(2025, 10, 1))


def test_histogram_percentiles_are_nearest_rank_on_bins() -> None:
    h = Histogram(60)
    for minutes in (1, 2, 3, 4, 100):
        h.add(minutes * 60 + 59)  # the lower edge of each bin is reported
    assert (h.percentile(50), h.percentile(80), h.percentile(81), h.percentile(100)) == (
        180,
        240,
        6000,
        6000,
    )
    assert h.maximum == 6059
    assert h.mean == pytest.approx((110 * 60 + 5 * 59) / 5)
    assert Histogram().percentile(50) is None
    with pytest.raises(ValueError, match="cannot merge"):
        h.merge(Histogram(30))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 10**6), min_size=1, max_size=60),
    st.integers(0, 60),
    st.sampled_from([50, 90, 95]),
)
def test_histogram_merge_is_exact(values: list[int], cut: int, p: int) -> None:
    a, b, full = Histogram(), Histogram(), Histogram()
    for i, v in enumerate(values):
        (a if i < cut else b).add(v)
        full.add(v)
    merged = a.merged(b)
    assert (merged.bins, merged.count, merged.maximum) == (full.bins, full.count, full.maximum)
    exact = sorted(values)[max(1, -(-p * len(values) // 100)) - 1]
    got = merged.percentile(p)
    assert got is not None
    assert got <= exact < got + 60


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 10**13), min_size=1, max_size=60),  # µs, up to ~4 months
    st.integers(0, 60),
)
def test_histogram_sum_and_mean_do_not_depend_on_the_merge_order(
    micros: list[int], cut: int
) -> None:
    """Seconds with microseconds (as total_seconds() gives them) sum exactly, so partial
    histograms merged in any order have the very mean of the whole."""
    seconds = [us / 1_000_000 for us in micros]
    a, b, full = Histogram(), Histogram(), Histogram()
    for i, v in enumerate(seconds):
        (a if i < cut else b).add(v)
        full.add(v)
    for merged in (a.merged(b), b.merged(a)):
        assert merged.mean == full.mean == sum(micros) / (len(micros) * 1_000_000)
        assert merged.total == full.total


def test_evaluations_must_be_made_at_as_of(policy: Policy) -> None:
    from slarules.engine import as_ticket

    ticket = as_ticket(SET[0])
    ev = policy.evaluate(ticket, at=AS_OF.replace(hour=1))
    with pytest.raises(UsageError, match="not at the report's as_of"):
        ReportAccumulator(policy, OPTIONS).add(ev, ticket)


def test_bad_tickets_raise_or_are_counted(policy: Policy) -> None:
    from slarules import TicketError
    from slarules.report import build_report

    bad = {"id": "B", "fields": {"level": "nope"}, "events": {}}
    with pytest.raises(TicketError):
        build_report(policy, [bad], as_of=AS_OF)
    r = build_report(policy, [*SET, bad], as_of=AS_OF, on_error="skip")
    assert (r.header.tickets_read, r.header.tickets_rejected) == (len(SET), 1)
    assert r.notes[-1].startswith("ticket #8: ticket 'B': field 'level'")


SAMPLE = Path("examples/after-sales-month.jsonl").read_text(encoding="utf-8").splitlines()[:300]


@pytest.fixture(scope="module")
def evaluated() -> tuple[Policy, list[tuple[Evaluation, Ticket]]]:
    from slarules import load_policy

    policy = load_policy("policies/after-sales-response.yaml")
    tickets = [Ticket.model_validate(json.loads(line)) for line in SAMPLE]
    return policy, [(policy.evaluate(t, at=SAMPLE_OPTIONS.as_of), t) for t in tickets]


SAMPLE_OPTIONS = ReportOptions(
    as_of=datetime.fromisoformat("2025-09-20T00:00:00+08:00"),
    period="week",
    by=("channel",),
    detail_limit=7,
)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 300), max_size=6).map(sorted))
def test_any_split_merges_into_the_whole(
    evaluated: tuple[Policy, list[tuple[Evaluation, Ticket]]], cuts: list[int]
) -> None:
    policy, items = evaluated
    whole = ReportAccumulator(policy, SAMPLE_OPTIONS)
    for ev, t in items:
        whole.add(ev, t)
    parts = []
    for lo, hi in zip([0, *cuts], [*cuts, len(items)], strict=True):
        acc = ReportAccumulator(policy, SAMPLE_OPTIONS)
        for ev, t in items[lo:hi]:
            acc.add(ev, t)
        parts.append(acc)
    merged = parts[-1]
    for part in parts[:-1]:
        merged.merge(part)
    assert merged.finish().to_dict() == whole.finish().to_dict()
