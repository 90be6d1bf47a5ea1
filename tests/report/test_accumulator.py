"""Partial accumulators merge exactly; they pickle; histograms are exact to the bin width."""

from __future__ import annotations

import pickle
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slarules import Policy, UsageError
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
