"""From an accumulator's counts to a ``ReportResult``: sums, rates, percentiles, Pareto."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from ._definitions import definitions
from ._histogram import Histogram
from ._result import (
    Breakdown,
    Headline,
    OnTimeRow,
    ParetoRow,
    ReportHeader,
    ReportResult,
    SatisfactionRow,
    TimingRow,
    TrendRow,
    rate,
)

if TYPE_CHECKING:
    from ._accumulator import ReportAccumulator, StageCell, TicketCell

__all__ = ["finish", "pareto"]

K = TypeVar("K")
ALL = "*"


def pareto(counts: Counter[str]) -> tuple[ParetoRow, ...]:
    """Reasons by count (then name), with shares, cumulative shares and the top three marked."""
    total = sum(counts.values())
    rows: list[ParetoRow] = []
    cumulative = 0
    for i, (reason, n) in enumerate(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))):
        cumulative += n
        rows.append(ParetoRow(reason, n, n / total, cumulative / total, i < 3))
    return tuple(rows)


def _on_time(cells: Iterable[StageCell]) -> tuple[int, int, int]:
    met = late = breached = 0
    for c in cells:
        met += c.met
        late += c.met_late
        breached += c.breached
    return met, late, breached


def _group_by(
    items: Iterable[tuple[K, StageCell]],
) -> dict[K, list[StageCell]]:
    out: dict[K, list[StageCell]] = {}
    for key, cell in items:
        out.setdefault(key, []).append(cell)
    return out


def _hist(
    cells: Iterable[StageCell], pick: Callable[[StageCell], Histogram], bins: int
) -> Histogram:
    h = Histogram(bins)
    for c in cells:
        h.merge(pick(c))
    return h


def _tickets(cells: Iterable[TicketCell]) -> TicketCell:
    from ._accumulator import TicketCell

    total = TicketCell()
    for c in cells:
        total.merge(c)
    return total


def finish(acc: ReportAccumulator) -> ReportResult:
    opts, m, rng, policy = acc.options, acc.measures, acc.range, acc.policy
    bins = opts.bin_seconds
    stages = policy.stages
    priorities = policy.priorities
    notes: list[str] = []

    def stage_cells(window: str) -> list[tuple[tuple[str, str, str, tuple[str, ...]], StageCell]]:
        return [((k[1], k[2], k[3], k[4]), c) for k, c in acc.stage_cells.items() if k[0] == window]

    cur, prev = stage_cells("current"), stage_cells("previous")
    cur_t = [(k, c) for k, c in acc.ticket_cells.items() if k[0] == "current"]
    prev_t = [(k, c) for k, c in acc.ticket_cells.items() if k[0] == "previous"]
    tc, tp = _tickets(c for _, c in cur_t), _tickets(c for _, c in prev_t)

    # on-time tables
    by_ps = _group_by(((k[1], k[2]), c) for k, c in cur)
    on_time = tuple(
        OnTimeRow(p, s, *_on_time(by_ps.get((p, s), []))) for p in priorities for s in stages
    )
    by_p = _group_by((k[1], c) for k, c in cur)
    on_time_p = tuple(OnTimeRow(p, ALL, *_on_time(by_p.get(p, []))) for p in priorities)
    by_s = _group_by((k[2], c) for k, c in cur)
    on_time_s = tuple(OnTimeRow(ALL, s, *_on_time(by_s.get(s, []))) for s in stages)

    # trend per period, previous range first
    trend: list[TrendRow] = []
    for window, items in (("previous", prev), ("current", cur)):
        per = _group_by(((k[0], k[1]), c) for k, c in items)
        periods = sorted({k[0] for k, _ in items})
        if window == "current":
            periods = sorted(set(periods) | set(rng.periods()))
        for period in periods:
            for p in priorities:
                trend.append(TrendRow(period, window, p, *_on_time(per.get((period, p), []))))
            all_cells = [c for (pp, _), cs in per.items() if pp == period for c in cs]
            trend.append(TrendRow(period, window, ALL, *_on_time(all_cells)))

    # timing per stage
    timing = []
    for s in stages:
        cells = by_s.get(s, [])
        el = _hist(cells, lambda c: c.elapsed, bins)
        late = _hist(cells, lambda c: c.late, bins)
        timing.append(
            TimingRow(
                s,
                el.count,
                el.mean,
                el.percentile(50),
                el.percentile(90),
                el.percentile(95),
                el.maximum,
                late.count,
                late.mean,
                late.maximum,
            )
        )

    # headline: a previous value only where the previous range has data for the figure
    # (here: a decided stage), so that no card compares with a zero nobody measured
    met, late_n, breached = _on_time(c for _, c in cur)
    pmet, plate, pbreached = _on_time(c for _, c in prev)
    measured = pmet + plate + pbreached > 0
    headline = [
        Headline(
            "on_time_rate",
            "On-time rate",
            "rate",
            rate(met, met + late_n + breached),
            rate(pmet, pmet + plate + pbreached),
        ),
        Headline("breaches", "Breaches", "count", breached, pbreached if measured else None),
        Headline(
            "late_completions", "Late completions", "count", late_n, plate if measured else None
        ),
    ]
    prev_s = _group_by((k[2], c) for k, c in prev)
    for s in m.headline:
        now_h = _hist(by_s.get(s, []), lambda c: c.elapsed, bins)
        then_h = _hist(prev_s.get(s, []), lambda c: c.elapsed, bins)
        headline.append(
            Headline(
                f"median:{s}",
                "Median time",
                "seconds",
                now_h.percentile(50),
                then_h.percentile(50),
                stage=s,
            )
        )
        headline.append(
            Headline(
                f"p90:{s}",
                "90th percentile time",
                "seconds",
                now_h.percentile(90),
                then_h.percentile(90),
                stage=s,
            )
        )

    # ticket measures
    satisfaction: dict[str, int] | None = None
    labels: dict[str, str] = {}
    sat_trend: list[SatisfactionRow] = []
    complaint_reasons = overdue_reasons = None
    closed_word = (
        f"closed ({m.closed_event})"
        if opts.period_by == "decided"
        else f"created ({m.created_event})"
    )
    if m.complaint is not None:
        if tc.tickets:
            headline.append(
                Headline(
                    "complaint_rate",
                    "Complaint rate",
                    "rate",
                    rate(tc.complaints, tc.tickets),
                    rate(tp.complaints, tp.tickets),
                )
            )
            if m.complaint_reason is not None:
                complaint_reasons = pareto(tc.complaint_reasons)
        else:
            notes.append(f"Complaint rate left out: no ticket {closed_word} in the range.")
    else:
        notes.append("Complaint rate left out: the policy's report section declares no complaints.")
    if m.first_contact is not None:
        n_now = tc.first_contact_yes + tc.first_contact_no
        if n_now:
            headline.append(
                Headline(
                    "first_contact_rate",
                    "First-contact resolution",
                    "rate",
                    rate(tc.first_contact_yes, n_now),
                    rate(tp.first_contact_yes, tp.first_contact_yes + tp.first_contact_no),
                )
            )
        else:
            notes.append(
                f"First-contact resolution left out: no ticket {closed_word} in the "
                f"range has {m.first_contact!r}."
            )
    else:
        notes.append(
            "First-contact resolution left out: the policy's report section declares "
            "no first_contact_resolution field."
        )
    if m.satisfaction is not None:
        spec = m.satisfaction
        labels = {k: m.class_label(k) for k in spec.classes}
        if tc.score_n:
            satisfaction = {k: tc.scores.get(k, 0) for k in spec.classes}
            good = sum(satisfaction[k] for k in spec.satisfied_classes)
            pgood = sum(tp.scores.get(k, 0) for k in spec.satisfied_classes)
            headline.append(
                Headline(
                    "satisfaction_mean",
                    "Mean satisfaction",
                    "score",
                    tc.score_sum / tc.score_n,
                    tp.score_sum / tp.score_n if tp.score_n else None,
                )
            )
            headline.append(
                Headline(
                    "satisfied_share",
                    "Share satisfied",
                    "rate",
                    rate(good, tc.score_n),
                    rate(pgood, tp.score_n),
                )
            )
            if tc.scores.get(""):
                notes.append(
                    f"{tc.scores['']} satisfaction scores fall in no class; they count "
                    "in the mean but in no class."
                )
            sat: dict[tuple[str, str], Counter[str]] = {}
            for (window, period, _), c in acc.ticket_cells.items():
                sat.setdefault((window, period), Counter()).update(c.scores)
            for (window, period), counts in sorted(
                sat.items(), key=lambda kv: (kv[0][1], kv[0][0])
            ):
                for k in spec.classes:
                    sat_trend.append(
                        SatisfactionRow(period, window, k, labels[k], counts.get(k, 0))
                    )
        else:
            notes.append(
                f"Satisfaction left out: no ticket {closed_word} in the range has {spec.field!r}."
            )
    else:
        notes.append(
            "Satisfaction left out: the policy's report section declares no satisfaction field."
        )
    if m.overdue_reason is not None:
        reasons: Counter[str] = Counter()
        for (window, _, _), found in acc.overdue.items():
            if window == "current":
                reasons.update(found)
        if reasons:
            overdue_reasons = pareto(reasons)
        else:
            notes.append("Overdue reasons left out: no stage was late in the range.")
    else:
        notes.append(
            "Overdue reasons left out: the policy's report section declares no "
            "overdue_reason field."
        )

    # breakdowns
    breakdowns = []
    if m.by:
        groups = sorted({k[3] for k, _ in cur} | {k[2] for k, _ in cur_t})
        bg = _group_by((k[3], c) for k, c in cur)
        tg: dict[tuple[str, ...], list[TicketCell]] = {}
        for k2, c2 in cur_t:
            tg.setdefault(k2[2], []).append(c2)
        for g in groups:
            t = _tickets(tg.get(g, []))
            breakdowns.append(
                Breakdown(
                    tuple(zip(m.by, g, strict=True)),
                    *_on_time(bg.get(g, [])),
                    t.tickets,
                    t.complaints,
                    t.first_contact_yes,
                    t.first_contact_no,
                    t.score_n,
                    t.score_sum,
                )
            )

    if acc.tickets_rejected:
        notes.append(f"{acc.tickets_rejected} tickets could not be evaluated and are left out.")
        notes.extend(acc.rejected)
    if acc.late_total > len(acc.late_heap):
        notes.append(
            f"The appendix lists the {len(acc.late_heap)} latest of {acc.late_total} "
            "late stages; the CSV stage rows have them all."
        )

    header = ReportHeader(
        policy_id=policy.id,
        policy_version=policy.version,
        policy_hash=policy.content_hash,
        policy_title=policy.title,
        as_of=opts.as_of,
        timezone=policy.timezone,
        period=opts.period,
        period_by=opts.period_by,
        start=rng.start,
        end=rng.end,
        previous_start=rng.previous_start,
        previous_end=rng.previous_end,
        periods=tuple(rng.periods()),
        by=m.by,
        risk=opts.risk,
        closed_only=opts.closed_only,
        tickets_read=acc.tickets_read,
        tickets_rejected=acc.tickets_rejected,
        tickets_counted=acc.tickets_counted,
        stages_counted=met + late_n + breached,
        bin_seconds=bins,
    )
    late_rows = tuple(item[-1] for item in sorted(acc.late_heap, reverse=True))
    risk_rows = tuple(item[-1] for item in sorted(acc.risk_heap, reverse=True))
    return ReportResult(
        header=header,
        headline=tuple(headline),
        on_time=on_time,
        on_time_by_priority=on_time_p,
        on_time_by_stage=on_time_s,
        trend=tuple(trend),
        timing=tuple(timing),
        satisfaction=satisfaction,
        satisfaction_labels=labels,
        satisfaction_trend=tuple(sat_trend),
        complaint_reasons=complaint_reasons,
        overdue_reasons=overdue_reasons,
        breakdowns=tuple(breakdowns),
        open_breached=acc.open_breached,
        at_risk=acc.at_risk,
        risk_stages=risk_rows,
        late_total=acc.late_total,
        late_stages=late_rows,
        definitions=definitions(acc),
        notes=tuple(notes),
    )
