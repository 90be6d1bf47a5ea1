"""The Markdown format, for pull requests and chat: the same sections as the HTML page."""

from __future__ import annotations

from collections.abc import Sequence

from ._fmt import change, duration, percent, value
from ._result import TIMING_COLUMNS, ParetoRow, ReportResult

__all__ = ["render_md"]


def _table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    def cell(x: object) -> str:
        return str(x).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def _pareto(title: str, rows: tuple[ParetoRow, ...]) -> list[str]:
    body = [
        (
            ("**top 3** " if r.top else "") + r.reason,
            r.count,
            percent(r.share),
            percent(r.cumulative),
        )
        for r in rows
    ]
    return [f"### {title}", "", *_table(("reason", "count", "share", "cumulative"), body)]


def render_md(result: ReportResult) -> str:
    h = result.header
    title = h.policy_title or h.policy_id
    lines = [
        f"## SLA review: {title}",
        "",
        f"Policy `{h.policy_id}` version `{h.policy_version}` (`{h.policy_hash[:19]}`) · "
        f"{h.start} to {h.end} by {h.period} (stages by {h.period_by} date) · "
        f"as of {h.as_of.isoformat()} · {h.timezone}"
        + (f" · by {', '.join(h.by)}" if h.by else "")
        + (" · closed only" if h.closed_only else ""),
        "",
        f"{h.tickets_counted:,} tickets and {h.stages_counted:,} decided stages counted "
        f"({h.tickets_read:,} read, {h.tickets_rejected:,} rejected); compared with "
        f"{h.previous_start} to {h.previous_end}.",
        "",
        "### Headline",
        "",
    ]
    lines += _table(
        ("figure", "value", "previous", "change"),
        [
            (
                (f"{hl.label} ({hl.stage})" if hl.stage else hl.label),
                value(hl, hl.value),
                value(hl, hl.previous),
                change(hl),
            )
            for hl in result.headline
        ],
    )
    lines += ["### On-time rate per priority and stage", ""]
    stages = [r.stage for r in result.on_time_by_stage]
    grid = {(r.priority, r.stage): r for r in result.on_time}
    body = []
    for p in result.on_time_by_priority:
        body.append(
            (
                p.priority,
                *(
                    f"{percent(grid[p.priority, s].on_time_rate)} ({grid[p.priority, s].decided})"
                    for s in stages
                ),
                f"{percent(p.on_time_rate)} ({p.decided})",
            )
        )
    body.append(
        (
            "all",
            *(f"{percent(r.on_time_rate)} ({r.decided})" for r in result.on_time_by_stage),
            percent(result.headline[0].value),
        )
    )
    lines += _table(("priority", *stages, "all stages"), body)
    lines += ["### Trend", ""]
    periods = list(dict.fromkeys(t.period for t in result.trend))
    prios = list(dict.fromkeys(t.priority for t in result.trend))
    tg = {(t.period, t.priority): t for t in result.trend}
    lines += _table(
        ("priority", *periods),
        [
            (p, *(percent(tg[q, p].on_time_rate) if (q, p) in tg else "–" for q in periods))
            for p in prios
        ],
    )
    lines += ["### Business time per stage", ""]
    lines += _table(
        TIMING_COLUMNS,
        [
            (
                t.stage,
                t.count,
                duration(t.mean),
                duration(t.median),
                duration(t.p90),
                duration(t.p95),
                duration(t.max),
                t.late_count,
                duration(t.late_mean),
                duration(t.late_max),
            )
            for t in result.timing
        ],
    )
    if result.satisfaction is not None:
        total = sum(result.satisfaction.values())
        lines += ["### Satisfaction", ""]
        lines += _table(
            ("class", "tickets", "share"),
            [
                (result.satisfaction_labels.get(k, k), n, percent(n / total if total else None))
                for k, n in result.satisfaction.items()
            ],
        )
    if result.complaint_reasons:
        lines += _pareto("Complaint reasons", result.complaint_reasons)
    if result.overdue_reasons:
        lines += _pareto("Overdue reasons", result.overdue_reasons)
    if result.breakdowns:
        lines += [f"### By {', '.join(h.by)}", ""]
        lines += _table(
            (
                *h.by,
                "decided",
                "on-time",
                "tickets",
                "complaint rate",
                "first contact",
                "satisfaction",
            ),
            [
                (
                    *(v for _, v in b.group),
                    b.met + b.met_late + b.breached,
                    percent(b.on_time_rate),
                    b.tickets,
                    percent(b.complaint_rate),
                    percent(b.first_contact_rate),
                    "–" if b.satisfaction_mean is None else f"{b.satisfaction_mean:.1f}",
                )
                for b in result.breakdowns
            ],
        )
    lines += [
        "### Open risk",
        "",
        f"{result.open_breached:,} stages breached and still open; {result.at_risk:,} open "
        f"stages past {h.risk:.0%} of their limit.",
        "",
    ]
    if result.notes:
        lines += ["### Notes", "", *(f"- {n}" for n in result.notes), ""]
    lines += ["### Definitions", "", *(f"- **{t}**: {f}" for t, f in result.definitions), ""]
    return "\n".join(lines)
