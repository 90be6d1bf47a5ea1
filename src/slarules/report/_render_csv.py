"""The CSV format: a tidy summary (period, grouping keys, metric, value) and stage rows.

Files start with a UTF-8 byte-order mark so that Excel reads Chinese text correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO, Any

from ._result import ReportResult

__all__ = ["BOM", "STAGE_COLUMNS", "StageRowWriter", "render_summary_csv", "summary_rows"]

BOM = "\ufeff"
SUMMARY_COLUMNS = ("window", "period", "priority", "stage", "group", "metric", "value")
STAGE_COLUMNS = (
    "ticket",
    "priority",
    "stage",
    "status",
    "window",
    "period",
    "started_at",
    "deadline",
    "stopped_at",
    "elapsed_seconds",
    "late_seconds",
    "used",
)


def summary_rows(result: ReportResult) -> Iterator[tuple[Any, ...]]:
    """(window, period, priority, stage, group, metric, value); ``*`` means all."""
    h = result.header
    rng = f"{h.start.isoformat()}/{h.end.isoformat()}"
    for hl in result.headline:
        yield ("current", rng, "*", hl.stage or "*", "", hl.key.split(":")[0], hl.value)
        yield (
            "previous",
            f"{h.previous_start}/{h.previous_end}",
            "*",
            hl.stage or "*",
            "",
            hl.key.split(":")[0],
            hl.previous,
        )
    for rows in (result.on_time, result.on_time_by_priority, result.on_time_by_stage):
        for r in rows:
            for metric in ("met", "met_late", "breached", "decided", "on_time_rate"):
                yield ("current", rng, r.priority, r.stage, "", metric, getattr(r, metric))
    for t in result.trend:
        for metric in ("met", "met_late", "breached", "on_time_rate"):
            yield (t.window, t.period, t.priority, "*", "", metric, getattr(t, metric))
    for tm in result.timing:
        for metric in (
            "count",
            "mean",
            "median",
            "p90",
            "p95",
            "max",
            "late_count",
            "late_mean",
            "late_max",
        ):
            name = metric if metric.endswith("count") else f"{metric}_seconds"
            yield ("current", rng, "*", tm.stage, "", name, getattr(tm, metric))
    for s in result.satisfaction_trend:
        yield (s.window, s.period, "*", "*", "", f"satisfaction:{s.klass}", s.count)
    for label, pareto in (
        ("complaint_reason", result.complaint_reasons),
        ("overdue_reason", result.overdue_reasons),
    ):
        for p in pareto or ():
            yield ("current", rng, "*", "*", "", f"{label}:{p.reason}", p.count)
    for b in result.breakdowns:
        group = ";".join(f"{k}={v}" for k, v in b.group)
        for metric in (
            "met",
            "met_late",
            "breached",
            "on_time_rate",
            "tickets",
            "complaints",
            "complaint_rate",
            "first_contact_rate",
            "satisfaction_mean",
        ):
            yield ("current", rng, "*", "*", group, metric, getattr(b, metric))
    yield ("current", "", "*", "*", "", "open_breached", result.open_breached)
    yield ("current", "", "*", "*", "", "at_risk", result.at_risk)


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}" if abs(v) < 1e6 else f"{v:.0f}"
    return v


def render_summary_csv(result: ReportResult) -> str:
    out = io.StringIO()
    out.write(BOM)
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(SUMMARY_COLUMNS)
    for row in summary_rows(result):
        w.writerow([_cell(v) for v in row])
    return out.getvalue()


class StageRowWriter:
    """Writes one CSV row per ticket and stage as tickets stream (``stage_rows=``)."""

    def __init__(self, stream: IO[str], by: tuple[str, ...] = ()) -> None:
        stream.write(BOM)
        self._writer = csv.writer(stream, lineterminator="\r\n")
        self._columns = (*STAGE_COLUMNS, *by)
        self._writer.writerow(self._columns)
        self.rows = 0

    def __call__(self, row: dict[str, Any]) -> None:
        self._writer.writerow([_cell(row.get(c)) for c in self._columns])
        self.rows += 1
