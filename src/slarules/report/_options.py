"""The options of a report, checked once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from slarules._errors import UsageError

from ._histogram import BIN_SECONDS
from ._periods import PERIOD_KINDS, PeriodKind

__all__ = ["PeriodBy", "ReportOptions"]

PeriodBy = Literal["decided", "created"]


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """How to report: the instant, the dates, the period and the breakdowns.

    ``as_of`` is the instant every ticket is evaluated at (aware). ``start``/``end`` are
    inclusive dates in the policy's zone (see ``resolve_range`` for the defaults). ``by``
    ``None`` means the policy's ``report.by``. ``risk`` is the share of a limit past which
    an open stage is at risk. ``closed_only`` leaves out stages still open past their
    deadline. ``detail_limit`` caps the listed late and at-risk stages (counts stay exact).
    """

    as_of: datetime
    start: date | None = None
    end: date | None = None
    period: PeriodKind = "month"
    period_by: PeriodBy = "decided"
    by: tuple[str, ...] | None = None
    risk: float = 0.75
    closed_only: bool = False
    detail_limit: int = 10_000
    bin_seconds: int = BIN_SECONDS

    def __post_init__(self) -> None:
        if not isinstance(self.as_of, datetime):
            raise UsageError(f"as_of must be a datetime, not {type(self.as_of).__name__}")
        if self.as_of.tzinfo is None or self.as_of.utcoffset() is None:
            raise UsageError(
                f"as_of={self.as_of.isoformat()} has no time zone; pass an aware datetime"
            )
        if self.period not in PERIOD_KINDS:
            raise UsageError(f"period {self.period!r} is not one of {', '.join(PERIOD_KINDS)}")
        if self.period_by not in ("decided", "created"):
            raise UsageError(f"period_by {self.period_by!r} is not 'decided' or 'created'")
        if not 0 < self.risk <= 1:
            raise UsageError(f"risk {self.risk!r} must be a share of the limit in (0, 1]")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise UsageError(f"the range starts ({self.start}) after it ends ({self.end})")
        if self.detail_limit < 0 or self.bin_seconds < 1:
            raise UsageError("detail_limit must be >= 0 and bin_seconds >= 1")
