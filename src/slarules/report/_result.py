"""What a report says: typed, immutable values that every format renders.

``ReportResult.to_dict()`` is the JSON format (schema: docs/report.md#json). Durations are
business seconds; rates are fractions in [0, 1] (``None`` when the denominator is 0).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

__all__ = [
    "TIMING_COLUMNS",
    "Breakdown",
    "Headline",
    "LateStage",
    "OnTimeRow",
    "ParetoRow",
    "ReportHeader",
    "ReportResult",
    "RiskStage",
    "SatisfactionRow",
    "TimingRow",
    "TrendRow",
]


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class ReportHeader:
    policy_id: str
    policy_version: str
    policy_hash: str
    policy_title: str | None
    as_of: datetime
    timezone: str
    period: str
    period_by: str
    start: date
    end: date
    previous_start: date
    previous_end: date
    periods: tuple[str, ...]
    by: tuple[str, ...]
    risk: float
    closed_only: bool
    tickets_read: int
    tickets_rejected: int
    tickets_counted: int
    stages_counted: int
    bin_seconds: int


@dataclass(frozen=True, slots=True)
class Headline:
    """One headline figure for the range, with the previous range's value."""

    key: str
    label: str
    unit: str  # "rate", "count", "seconds" or "score"
    value: float | None
    previous: float | None
    stage: str | None = None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


class _Decided:
    """Counts of decided stages and the on-time rate they give (one formula, one place)."""

    __slots__ = ()
    met: int
    met_late: int
    breached: int

    @property
    def decided(self) -> int:
        return self.met + self.met_late + self.breached

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.met, self.decided)


@dataclass(frozen=True, slots=True)
class OnTimeRow(_Decided):
    """Decided stages of one priority and stage (``"*"`` for all) and their on-time rate."""

    priority: str
    stage: str
    met: int
    met_late: int
    breached: int


@dataclass(frozen=True, slots=True)
class TrendRow(_Decided):
    """The on-time rate of one priority (``"*"`` for all) in one period."""

    period: str
    window: str  # "current" or "previous"
    priority: str
    met: int
    met_late: int
    breached: int


TIMING_COLUMNS = (
    "stage",
    "completed",
    "mean",
    "median",
    "p90",
    "p95",
    "max",
    "late",
    "late mean",
    "late max",
)
"""The columns every format shows for ``TimingRow``s, in order."""


@dataclass(frozen=True, slots=True)
class TimingRow:
    """Business time of completed stages (met and met late), and lateness of late ones."""

    stage: str
    count: int
    mean: float | None
    median: float | None
    p90: float | None
    p95: float | None
    max: float | None
    late_count: int
    late_mean: float | None
    late_max: float | None


@dataclass(frozen=True, slots=True)
class SatisfactionRow:
    period: str
    window: str
    klass: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class ParetoRow:
    reason: str
    count: int
    share: float
    cumulative: float
    top: bool  # among the top three


@dataclass(frozen=True, slots=True)
class Breakdown:
    """The range's figures for one value of the ``by`` fields."""

    group: tuple[tuple[str, str], ...]
    met: int
    met_late: int
    breached: int
    tickets: int
    complaints: int
    first_contact_yes: int
    first_contact_no: int
    satisfaction_n: int
    satisfaction_sum: float

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.met, self.met + self.met_late + self.breached)

    @property
    def complaint_rate(self) -> float | None:
        return rate(self.complaints, self.tickets)

    @property
    def first_contact_rate(self) -> float | None:
        return rate(self.first_contact_yes, self.first_contact_yes + self.first_contact_no)

    @property
    def satisfaction_mean(self) -> float | None:
        return self.satisfaction_sum / self.satisfaction_n if self.satisfaction_n else None


@dataclass(frozen=True, slots=True, order=True)
class LateStage:
    """A stage met late or breached in the range."""

    ticket: str
    priority: str
    stage: str
    status: str
    deadline: datetime
    stopped_at: datetime | None
    lateness: float  # business seconds past the target
    reason: str | None


@dataclass(frozen=True, slots=True)
class RiskStage:
    """An open stage at ``as_of``: breached, or past the risk share of its limit."""

    ticket: str
    priority: str
    stage: str
    status: str
    deadline: datetime | None
    used: float | None
    remaining: float | None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class ReportResult:
    """A whole report. Build it with ``build_report`` or ``ReportAccumulator.finish``."""

    header: ReportHeader
    headline: tuple[Headline, ...]
    on_time: tuple[OnTimeRow, ...]
    on_time_by_priority: tuple[OnTimeRow, ...]
    on_time_by_stage: tuple[OnTimeRow, ...]
    trend: tuple[TrendRow, ...]
    timing: tuple[TimingRow, ...]
    satisfaction: dict[str, int] | None
    satisfaction_labels: dict[str, str]
    satisfaction_trend: tuple[SatisfactionRow, ...]
    complaint_reasons: tuple[ParetoRow, ...] | None
    overdue_reasons: tuple[ParetoRow, ...] | None
    breakdowns: tuple[Breakdown, ...]
    open_breached: int
    at_risk: int
    risk_stages: tuple[RiskStage, ...]
    late_total: int
    late_stages: tuple[LateStage, ...]
    definitions: tuple[tuple[str, str], ...]
    notes: tuple[str, ...] = field(default=())

    def headline_value(self, key: str) -> Headline | None:
        return next((h for h in self.headline if h.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON format: plain data, instants and dates as ISO 8601."""

        def rows(items: tuple[Any, ...], *extra: str) -> list[dict[str, Any]]:
            out = []
            for item in items:
                d = asdict(item)
                for name in extra:
                    d[name] = getattr(item, name)
                out.append(_plain(d))
            return out

        breakdowns = []
        for b in self.breakdowns:
            d = asdict(b)
            d["group"] = dict(b.group)
            for name in ("on_time_rate", "complaint_rate", "first_contact_rate"):
                d[name] = getattr(b, name)
            d["satisfaction_mean"] = b.satisfaction_mean
            breakdowns.append(d)
        return {
            "header": _plain(asdict(self.header)),
            "headline": rows(self.headline, "change"),
            "on_time": rows(self.on_time, "decided", "on_time_rate"),
            "on_time_by_priority": rows(self.on_time_by_priority, "decided", "on_time_rate"),
            "on_time_by_stage": rows(self.on_time_by_stage, "decided", "on_time_rate"),
            "trend": rows(self.trend, "decided", "on_time_rate"),
            "timing": rows(self.timing),
            "satisfaction": dict(self.satisfaction) if self.satisfaction is not None else None,
            "satisfaction_labels": dict(self.satisfaction_labels),
            "satisfaction_trend": [
                {"period": r.period, "window": r.window, "class": r.klass, "count": r.count}
                for r in self.satisfaction_trend
            ],
            "complaint_reasons": (
                rows(self.complaint_reasons) if self.complaint_reasons is not None else None
            ),
            "overdue_reasons": (
                rows(self.overdue_reasons) if self.overdue_reasons is not None else None
            ),
            "breakdowns": breakdowns,
            "risk": {
                "open_breached": self.open_breached,
                "at_risk": self.at_risk,
                "stages": rows(self.risk_stages),
            },
            "late": {"total": self.late_total, "stages": rows(self.late_stages)},
            "definitions": [{"term": t, "formula": f} for t, f in self.definitions],
            "notes": list(self.notes),
        }
