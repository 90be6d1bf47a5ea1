"""The HTML format: one self-contained page (inline CSS and SVG, no script, no request).

Charts are Vega-Lite specs rendered to static SVG by vl-convert-python when it is
installed; without it the page keeps every table (with bar cells) and says how to get
charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from slarules import __version__
from slarules._errors import UsageError

from ._charts import charts_available, charts_for, render_svg
from ._fmt import change, duration, percent, value
from ._result import TIMING_COLUMNS, Headline, ParetoRow, ReportResult

__all__ = ["HTML_ROW_LIMIT", "render_html"]

HTML_ROW_LIMIT = 500
_LOWER_IS_BETTER = ("breaches", "late_completions", "median", "p90", "complaint_rate")

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC','Noto Sans SC',
'WenQuanYi Zen Hei','Microsoft YaHei','PingFang SC',sans-serif;color:#1d2733;margin:0;
background:#f5f7fa;line-height:1.45}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:34px 0 10px;border-bottom:
2px solid #d8dee6;padding-bottom:4px}h3{font-size:15px;margin:20px 0 8px}
.meta{color:#556270;font-size:13px}.meta code{font-size:12px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px}
.card{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:10px 12px}
.card .k{font-size:12px;color:#556270}.card .v{font-size:24px;font-weight:600}
.card .c{font-size:12px}.good{color:#23813a}.bad{color:#b13a3a}.flat{color:#6b7785}
table{border-collapse:collapse;background:#fff;font-size:13px;margin:4px 0 10px}
th,td{border:1px solid #dde3ea;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef2f6;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.bar{position:relative;min-width:110px}.bar span{position:absolute;left:0;top:2px;bottom:2px;
background:#cfe0f1;border-radius:2px}.bar b{position:relative;font-weight:normal}
.chart{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:8px;margin:8px 0;
display:inline-block;max-width:100%;overflow-x:auto}
.note{background:#fff8e1;border:1px solid #f0d98c;border-radius:6px;padding:8px 12px;
font-size:13px}.top{color:#b13a3a;font-weight:600}dl dt{font-weight:600;margin-top:6px}
dl dd{margin:0 0 0 16px;font-size:13px}footer{color:#6b7785;font-size:12px;margin-top:40px}
"""


def _e(x: object) -> str:
    return escape(str(x), quote=True)


def _table(
    head: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int] | None = None
) -> str:
    numeric = numeric or set()
    out = ["<table><thead><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>")
        for i, cell in enumerate(row):
            cls = ' class="n"' if i in numeric else ""
            out.append(f"<td{cls}>{cell}</td>" if not cell.startswith("<td") else cell)
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _bar(share: float | None, text: str) -> str:
    width = 0.0 if share is None else max(0.0, min(1.0, share)) * 100
    return f'<td class="bar"><span style="width:{width:.1f}%"></span><b>{_e(text)}</b></td>'


def _card(h: Headline) -> str:
    name = f"{h.label} · {h.stage}" if h.stage else h.label
    d = h.change
    tone = "flat"
    if d:
        lower = h.key.split(":")[0] in _LOWER_IS_BETTER
        tone = "good" if (d < 0) == lower else "bad"
    prev = value(h, h.previous)
    return (
        f'<div class="card"><div class="k">{_e(name)}</div><div class="v">{_e(value(h, h.value))}'
        f'</div><div class="c {tone}">{_e(change(h))}</div><div class="k">previous {_e(prev)}'
        "</div></div>"
    )


def _pareto(rows: tuple[ParetoRow, ...]) -> str:
    return _table(
        ("reason", "count", "share", "cumulative"),
        [
            (
                (f'<span class="top">▲ top 3</span> {_e(r.reason)}' if r.top else _e(r.reason)),
                str(r.count),
                *(_bar(r.share, percent(r.share)),),
                percent(r.cumulative),
            )
            for r in rows
        ],
        {1, 3},
    )


def _chart(svgs: dict[str, str], name: str) -> str:
    svg = svgs.get(name)
    return f'<div class="chart" data-chart="{name}">{svg}</div>' if svg else ""


def _svgs(result: ReportResult, charts: bool | None) -> tuple[dict[str, str], str | None]:
    if charts is False:
        return {}, None
    if not charts_available():
        if charts:
            raise UsageError("charts need vl-convert-python; pip install 'slarules[report]'")
        return {}, (
            "Charts are not drawn: install the report extra with "
            "<code>pip install 'slarules[report]'</code> (vl-convert-python) and run again."
        )
    svgs = {}
    for name, spec in charts_for(result).items():
        svg = render_svg(spec)
        svgs[name] = svg[svg.find("<svg") :]  # drop any XML prolog: the SVG goes inline
    return svgs, None


def render_html(result: ReportResult, *, charts: bool | None = None) -> str:
    h = result.header
    svgs, missing = _svgs(result, charts)
    title = h.policy_title or h.policy_id
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>SLA review · {_e(title)} · {h.start} to {h.end}</title>",
        f"<style>{CSS}</style></head><body><main>",
        f"<h1>SLA review: {_e(title)}</h1>",
        '<p class="meta">',
        f"Policy <code>{_e(h.policy_id)}</code> version <code>{_e(h.policy_version)}</code> "
        f"<code>{_e(h.policy_hash[:23])}</code><br>",
        f"Range <b>{h.start} to {h.end}</b> by {_e(h.period)} · stages counted by "
        f"{_e(h.period_by)} date · compared with {h.previous_start} to {h.previous_end}<br>",
        f"As of <b>{_e(h.as_of.isoformat())}</b> · time zone {_e(h.timezone)}"
        + (f" · by {_e(', '.join(h.by))}" if h.by else "")
        + (" · closed stages only" if h.closed_only else "")
        + f" · risk threshold {h.risk:.0%}<br>",
        f"{h.tickets_counted:,} tickets and {h.stages_counted:,} decided stages counted "
        f"({h.tickets_read:,} tickets read, {h.tickets_rejected:,} rejected)</p>",
    ]
    if missing:
        parts.append(f'<p class="note" id="no-charts">{missing}</p>')
    parts.append('<h2>Headline</h2><div class="cards">')
    parts += [_card(hl) for hl in result.headline]
    parts.append("</div>")

    parts.append("<h2>On-time rate (准时率)</h2>")
    parts.append(_chart(svgs, "trend"))
    parts.append(_chart(svgs, "stages"))
    stages = [r.stage for r in result.on_time_by_stage]
    grid = {(r.priority, r.stage): r for r in result.on_time}
    rows = []
    for p in result.on_time_by_priority:
        cells = [
            _bar(
                grid[p.priority, s].on_time_rate,
                f"{percent(grid[p.priority, s].on_time_rate)} of {grid[p.priority, s].decided}",
            )
            for s in stages
        ]
        rows.append(
            (
                _e(p.priority),
                *cells,
                _bar(p.on_time_rate, f"{percent(p.on_time_rate)} of {p.decided}"),
            )
        )
    rows.append(
        (
            "<b>all</b>",
            *(
                _bar(r.on_time_rate, f"{percent(r.on_time_rate)} of {r.decided}")
                for r in result.on_time_by_stage
            ),
            _bar(result.headline[0].value, percent(result.headline[0].value)),
        )
    )
    parts.append("<h3>Per priority and stage (met / decided)</h3>")
    parts.append(_table(("priority", *stages, "all stages"), rows))
    periods = list(dict.fromkeys(t.period for t in result.trend))
    tg = {(t.period, t.priority): t for t in result.trend}
    prios = list(dict.fromkeys(t.priority for t in result.trend))
    parts.append("<h3>Trend per period</h3>")
    parts.append(
        _table(
            ("priority", *periods),
            [
                (
                    _e("all" if p == "*" else p),
                    *(
                        _bar(
                            tg[q, p].on_time_rate,
                            f"{percent(tg[q, p].on_time_rate)} of {tg[q, p].decided}",
                        )
                        if (q, p) in tg
                        else "–"
                        for q in periods
                    ),
                )
                for p in prios
            ],
        )
    )

    parts.append("<h2>Business time per stage</h2>")
    parts.append(
        _table(
            TIMING_COLUMNS,
            [
                (
                    _e(t.stage),
                    f"{t.count:,}",
                    duration(t.mean),
                    duration(t.median),
                    duration(t.p90),
                    duration(t.p95),
                    duration(t.max),
                    f"{t.late_count:,}",
                    duration(t.late_mean),
                    duration(t.late_max),
                )
                for t in result.timing
            ],
            set(range(1, 10)),
        )
    )

    if result.satisfaction is not None:
        parts.append("<h2>Satisfaction (满意度)</h2>")
        parts.append(_chart(svgs, "satisfaction"))
        total = sum(result.satisfaction.values())
        parts.append(
            _table(
                ("class", "tickets", "share"),
                [
                    (
                        _e(result.satisfaction_labels.get(k, k)),
                        str(n),
                        _bar(n / total if total else None, percent(n / total if total else None)),
                    )
                    for k, n in result.satisfaction.items()
                ],
                {1},
            )
        )
    if result.complaint_reasons:
        parts.append("<h2>Complaint reasons (投诉原因)</h2>")
        parts.append(_chart(svgs, "complaints"))
        parts.append(_pareto(result.complaint_reasons))
    if result.overdue_reasons:
        parts.append("<h2>Overdue reasons (超时原因)</h2>")
        parts.append(_chart(svgs, "overdue"))
        parts.append(_pareto(result.overdue_reasons))
    if result.breakdowns:
        parts.append(f"<h2>By {_e(', '.join(h.by))}</h2>")
        parts.append(
            _table(
                (
                    *h.by,
                    "decided stages",
                    "on-time rate",
                    "tickets",
                    "complaint rate",
                    "first-contact resolution",
                    "mean satisfaction",
                ),
                [
                    (
                        *(_e(v) for _, v in b.group),
                        f"{b.met + b.met_late + b.breached:,}",
                        _bar(b.on_time_rate, percent(b.on_time_rate)),
                        f"{b.tickets:,}",
                        percent(b.complaint_rate),
                        percent(b.first_contact_rate),
                        "–" if b.satisfaction_mean is None else f"{b.satisfaction_mean:.1f}",
                    )
                    for b in result.breakdowns
                ],
                {len(h.by), len(h.by) + 2, len(h.by) + 3, len(h.by) + 4, len(h.by) + 5},
            )
        )

    parts.append("<h2>Open risk at the report instant</h2>")
    parts.append(
        f"<p><b>{result.open_breached:,}</b> stages breached and still open; "
        f"<b>{result.at_risk:,}</b> open stages past {h.risk:.0%} of their limit.</p>"
    )
    if result.risk_stages:
        shown = result.risk_stages[:HTML_ROW_LIMIT]
        parts.append(
            _table(
                ("ticket", "priority", "stage", "status", "deadline", "used", "remaining"),
                [
                    (
                        _e(r.ticket),
                        _e(r.priority),
                        _e(r.stage),
                        _e(r.status),
                        _e(r.deadline.isoformat() if r.deadline else "–"),
                        percent(r.used),
                        ("−" + duration(-r.remaining))
                        if r.remaining is not None and r.remaining < 0
                        else duration(r.remaining),
                    )
                    for r in shown
                ],
                {5, 6},
            )
        )
        if len(result.risk_stages) < result.open_breached + result.at_risk or len(shown) < len(
            result.risk_stages
        ):
            parts.append(f'<p class="meta">The {len(shown)} most urgent are listed.</p>')

    parts.append("<h2>Appendix: late and breached stages</h2>")
    shown_late = result.late_stages[:HTML_ROW_LIMIT]
    parts.append(
        f"<p>{result.late_total:,} stages were met late or breached in the range"
        + (
            f"; the {len(shown_late)} latest are listed (the CSV stage rows have all)."
            if len(shown_late) < result.late_total
            else "."
        )
        + "</p>"
    )
    if shown_late:
        parts.append(
            _table(
                (
                    "ticket",
                    "priority",
                    "stage",
                    "status",
                    "deadline",
                    "stopped",
                    "late by",
                    "reason",
                ),
                [
                    (
                        _e(r.ticket),
                        _e(r.priority),
                        _e(r.stage),
                        _e(r.status),
                        _e(r.deadline.isoformat()),
                        _e(r.stopped_at.isoformat() if r.stopped_at else "open"),
                        duration(r.lateness),
                        _e(r.reason or "–"),
                    )
                    for r in shown_late
                ],
                {6},
            )
        )
    if result.notes:
        parts.append(
            "<h2>Notes</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in result.notes) + "</ul>"
        )
    parts.append("<h2>Definitions</h2><dl>")
    parts += [f"<dt>{_e(t)}</dt><dd>{_e(f)}</dd>" for t, f in result.definitions]
    parts.append("</dl>")
    parts.append(
        f"<footer>Made by slarules {__version__} from the policy and the tickets at "
        f"{_e(h.as_of.isoformat())}; the same inputs give the same report. This page "
        "loads nothing from anywhere.</footer></main></body></html>"
    )
    return "\n".join(p for p in parts if p)
