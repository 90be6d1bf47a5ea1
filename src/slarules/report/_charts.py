"""Chart specifications as plain Vega-Lite JSON (dicts), built from a ``ReportResult``.

Data is inlined (``data.values``), so a spec loads nothing. ``render_svg`` turns a spec into
static SVG with vl-convert-python (the ``slarules[report]`` extra), imported only there.
"""

from __future__ import annotations

import json
from typing import Any

from ._result import ParetoRow, ReportResult

__all__ = [
    "FONT",
    "charts_available",
    "charts_for",
    "on_time_by_stage_chart",
    "on_time_trend_chart",
    "pareto_chart",
    "render_svg",
    "satisfaction_chart",
]

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier, never fetched
FONT = (
    "'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Zen Hei', 'WenQuanYi Micro Hei', "
    "'Microsoft YaHei', 'PingFang SC', 'Source Han Sans SC', sans-serif"
)
PALETTE = ["#1f5f9e", "#e07b00", "#3a9a47", "#b13a3a", "#7a4ea3", "#8c6d31"]
Spec = dict[str, Any]


def _base(title: str, width: int = 560, height: int = 240) -> Spec:
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "width": width,
        "height": height,
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "axis": {"labelFontSize": 11, "titleFontSize": 11, "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 11, "titleFontSize": 11, "labelLimit": 260},
            "range": {"category": PALETTE},
        },
    }


def _label(priority: str) -> str:
    return "all priorities" if priority == "*" else priority


def on_time_trend_chart(result: ReportResult) -> Spec:
    """On-time rate per priority over the periods (previous range included)."""
    values = [
        {
            "period": t.period,
            "priority": _label(t.priority),
            "rate": t.on_time_rate,
            "decided": t.decided,
        }
        for t in result.trend
        if t.on_time_rate is not None
    ]
    periods = list(dict.fromkeys(t.period for t in result.trend))
    spec = _base("On-time rate per priority (准时率)")
    spec.update(
        data={"values": values},
        mark={"type": "line", "point": True, "strokeWidth": 2},
        encoding={
            "x": {
                "field": "period",
                "type": "ordinal",
                "sort": periods,
                "title": None,
                "axis": {"labelAngle": 0},
            },
            "y": {
                "field": "rate",
                "type": "quantitative",
                "title": "on-time rate",
                "axis": {"format": ".0%"},
                "scale": {"zero": False, "domainMax": 1},
            },
            "color": {
                "field": "priority",
                "type": "nominal",
                "title": "priority",
                "sort": [_label(p.priority) for p in result.on_time_by_priority]
                + ["all priorities"],
            },
            "strokeDash": {
                "condition": {"test": "datum.priority === 'all priorities'", "value": [4, 3]},
                "value": [1, 0],
            },
        },
    )
    return spec


def on_time_by_stage_chart(result: ReportResult) -> Spec:
    """On-time rate per stage, one bar per priority."""
    values = [
        {"stage": r.stage, "priority": r.priority, "rate": r.on_time_rate, "decided": r.decided}
        for r in result.on_time
        if r.on_time_rate is not None
    ]
    stages = [r.stage for r in result.on_time_by_stage]
    priorities = [r.priority for r in result.on_time_by_priority]
    spec = _base("On-time rate per stage and priority (各环节准时率)")
    spec.update(
        data={"values": values},
        mark={"type": "bar"},
        encoding={
            "x": {
                "field": "stage",
                "type": "nominal",
                "sort": stages,
                "title": None,
                "axis": {"labelAngle": 0},
            },
            "xOffset": {"field": "priority", "sort": priorities},
            "y": {
                "field": "rate",
                "type": "quantitative",
                "title": "on-time rate",
                "axis": {"format": ".0%"},
                "scale": {"domain": [0, 1]},
            },
            "color": {"field": "priority", "type": "nominal", "sort": priorities},
        },
    )
    return spec


def satisfaction_chart(result: ReportResult) -> Spec:
    """Tickets per satisfaction class and period, stacked, best class on top."""
    labels = result.satisfaction_labels
    order = list(labels)
    values = [
        {
            "period": s.period,
            "class": labels.get(s.klass, s.klass),
            "rank": order.index(s.klass),
            "count": s.count,
        }
        for s in result.satisfaction_trend
    ]
    spec = _base("Satisfaction classes per period (满意度)", width=420)
    spec.update(
        data={"values": values},
        mark={"type": "bar"},
        encoding={
            "x": {"field": "period", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}},
            "y": {
                "field": "count",
                "type": "quantitative",
                "stack": "normalize",
                "title": "share of scored tickets",
                "axis": {"format": ".0%"},
            },
            "color": {
                "field": "class",
                "type": "nominal",
                "title": "class",
                "sort": [labels[k] for k in order],
                "scale": {"range": ["#3a9a47", "#e0b000", "#b13a3a", *PALETTE]},
            },
            "order": {"field": "rank", "type": "quantitative", "sort": "descending"},
        },
    )
    return spec


def pareto_chart(title: str, rows: tuple[ParetoRow, ...]) -> Spec:
    """Reasons by count with the cumulative share as a line; the top three highlighted."""
    values = [
        {
            "reason": r.reason,
            "count": r.count,
            "cumulative": r.cumulative,
            "top": "top 3" if r.top else "other",
        }
        for r in rows
    ]
    order = [r.reason for r in rows]
    x = {
        "field": "reason",
        "type": "nominal",
        "sort": order,
        "title": None,
        "axis": {"labelAngle": -30, "labelLimit": 220},
    }
    spec = _base(title, height=220)
    spec.update(
        data={"values": values},
        layer=[
            {
                "mark": {"type": "bar"},
                "encoding": {
                    "x": x,
                    "y": {"field": "count", "type": "quantitative", "title": "tickets"},
                    "color": {
                        "field": "top",
                        "type": "nominal",
                        "title": None,
                        "scale": {"domain": ["top 3", "other"], "range": ["#b13a3a", "#9fb4c8"]},
                    },
                },
            },
            {
                "mark": {"type": "line", "point": True, "color": "#333333"},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "cumulative",
                        "type": "quantitative",
                        "title": "cumulative share",
                        "axis": {"format": ".0%"},
                        "scale": {"domain": [0, 1]},
                    },
                },
            },
        ],
        resolve={"scale": {"y": "independent"}},
    )
    return spec


def charts_for(result: ReportResult) -> dict[str, Spec]:
    """Every chart the report has data for, by name."""
    out: dict[str, Spec] = {}
    if any(t.on_time_rate is not None for t in result.trend):
        out["trend"] = on_time_trend_chart(result)
    if any(r.on_time_rate is not None for r in result.on_time):
        out["stages"] = on_time_by_stage_chart(result)
    if result.satisfaction is not None and result.satisfaction_trend:
        out["satisfaction"] = satisfaction_chart(result)
    if result.complaint_reasons:
        out["complaints"] = pareto_chart("Complaint reasons (投诉原因)", result.complaint_reasons)
    if result.overdue_reasons:
        out["overdue"] = pareto_chart("Overdue reasons (超时原因)", result.overdue_reasons)
    return out


def charts_available() -> bool:
    try:
        import vl_convert  # noqa: F401
    except ImportError:
        return False
    return True


def render_svg(spec: Spec) -> str:
    """Static SVG for a Vega-Lite spec (needs vl-convert-python; loads nothing)."""
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(json.dumps(spec), allowed_base_urls=[])
    return svg
