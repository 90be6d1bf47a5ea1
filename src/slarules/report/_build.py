"""``build_report``: stream tickets through a ``ReportAccumulator`` and finish it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal

from slarules._errors import TicketError
from slarules._policy import Policy
from slarules.engine import Ticket

from ._accumulator import ReportAccumulator, StageRowSink
from ._options import PeriodBy, ReportOptions
from ._periods import PeriodKind
from ._result import ReportResult

__all__ = ["build_report"]


def build_report(
    policy: Policy,
    tickets: Iterable[Ticket | Mapping[str, Any]],
    *,
    as_of: datetime,
    start: date | None = None,
    end: date | None = None,
    period: PeriodKind = "month",
    period_by: PeriodBy = "decided",
    by: Sequence[str] | None = None,
    risk: float = 0.75,
    closed_only: bool = False,
    on_error: Literal["raise", "skip"] = "raise",
    stage_rows: StageRowSink | None = None,
    detail_limit: int = 10_000,
) -> ReportResult:
    """The SLA review of ``tickets`` under ``policy``, every ticket evaluated at ``as_of``.

    Same inputs, same report: nothing reads the clock. ``tickets`` is any iterable of ticket
    mappings or ``Ticket`` values and is consumed once, so a generator over a large file
    keeps memory bounded. ``on_error="skip"`` counts bad tickets (listed in the notes)
    instead of raising ``TicketError``. ``stage_rows`` receives one dict per ticket and
    stage, as it goes (the CSV stage rows). See docs/report.md for every figure's formula.
    """
    options = ReportOptions(
        as_of=as_of,
        start=start,
        end=end,
        period=period,
        period_by=period_by,
        by=tuple(by) if by is not None else None,
        risk=risk,
        closed_only=closed_only,
        detail_limit=detail_limit,
    )
    acc = ReportAccumulator(policy, options, stage_rows=stage_rows)
    for i, ticket in enumerate(tickets):
        try:
            acc.add_ticket(ticket)
        except TicketError as exc:
            if on_error == "raise":
                raise
            acc.reject(f"ticket #{i + 1}", str(exc))
    return acc.finish()
