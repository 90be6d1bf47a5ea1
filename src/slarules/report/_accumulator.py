"""``ReportAccumulator``: counts and histograms of evaluated tickets, mergeable across chunks.

Feed it evaluations (``add``) or raw tickets (``add_ticket``), possibly in several
accumulators on different workers; ``merge`` them; ``finish`` computes the report. The
state is counts, sums, fixed-width histograms and two capped top-N lists, so memory does
not grow with the number of tickets, and merged partial results equal the whole exactly.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from slarules._errors import UsageError
from slarules._policy import Policy
from slarules.calendar._localtime import to_us
from slarules.conditions import Env
from slarules.engine import Evaluation, StageStatus, Ticket, as_ticket
from slarules.engine._ticket import TicketLike, instants, status_at

from ._histogram import Histogram
from ._measures import Measures, field_value, measures_for
from ._options import ReportOptions
from ._periods import Range, resolve_range
from ._result import LateStage, ReportResult, RiskStage

__all__ = ["GroupKey", "ReportAccumulator", "StageCell", "TicketCell"]

GroupKey = tuple[str, ...]
StageKey = tuple[str, str, str, str, GroupKey]  # window, period, priority, stage, group
TicketKey = tuple[str, str, GroupKey]  # window, period, group
StageRowSink = Callable[[dict[str, Any]], None]

_DECIDED = (StageStatus.MET, StageStatus.MET_LATE, StageStatus.BREACHED)
_OPEN = (StageStatus.RUNNING, StageStatus.PAUSED)
MISSING = "(not given)"
_NO_EVENTS: Mapping[str, datetime] = MappingProxyType({})


@dataclass(slots=True)
class StageCell:
    """Decided stages of one (window, period, priority, stage, group)."""

    met: int = 0
    met_late: int = 0
    breached: int = 0
    elapsed: Histogram = field(default_factory=Histogram)  # completed stages
    late: Histogram = field(default_factory=Histogram)  # lateness of late stages

    def merge(self, other: StageCell) -> None:
        self.met += other.met
        self.met_late += other.met_late
        self.breached += other.breached
        self.elapsed.merge(other.elapsed)
        self.late.merge(other.late)


@dataclass(slots=True)
class TicketCell:
    """Ticket measures of one (window, period, group)."""

    tickets: int = 0
    complaints: int = 0
    complaint_reasons: Counter[str] = field(default_factory=Counter)
    first_contact_yes: int = 0
    first_contact_no: int = 0
    scores: Counter[str] = field(default_factory=Counter)  # by class ("" : no class)
    score_n: int = 0
    score_sum: float = 0.0

    def merge(self, other: TicketCell) -> None:
        self.tickets += other.tickets
        self.complaints += other.complaints
        self.complaint_reasons.update(other.complaint_reasons)
        self.first_contact_yes += other.first_contact_yes
        self.first_contact_no += other.first_contact_no
        self.scores.update(other.scores)
        self.score_n += other.score_n
        self.score_sum += other.score_sum


def _merge_into(mine: dict[Any, Any], theirs: Mapping[Any, Any], make: Callable[[], Any]) -> None:
    for key, cell in theirs.items():
        target = mine.get(key)
        if target is None:
            target = mine[key] = make()
        target.merge(cell)


def _push(heap: list[Any], item: Any, limit: int) -> None:
    if limit <= 0:
        return
    if len(heap) < limit:
        heapq.heappush(heap, item)
    elif item > heap[0]:
        heapq.heapreplace(heap, item)


class ReportAccumulator:
    """The mergeable state of a report over one policy and one set of options.

    ``acc = ReportAccumulator(policy, ReportOptions(as_of=...))``; then ``acc.add(ev,
    ticket)`` for evaluations at ``options.as_of`` (or ``acc.add_ticket(mapping)``);
    ``acc.merge(other)`` for accumulators of other chunks; ``acc.finish()``. It pickles
    (the policy pickles as its source), so partial accumulators can come back from workers.
    """

    def __init__(
        self,
        policy: Policy,
        options: ReportOptions,
        *,
        stage_rows: StageRowSink | None = None,
    ) -> None:
        self.policy = policy
        self.options = options
        self.stage_rows = stage_rows
        self.stage_cells: dict[StageKey, StageCell] = {}
        self.ticket_cells: dict[TicketKey, TicketCell] = {}
        self.overdue: dict[TicketKey, Counter[str]] = {}
        self.statuses: Counter[str] = Counter()
        self.tickets_read = 0
        self.tickets_counted = 0
        self.rejected: list[str] = []
        self.tickets_rejected = 0
        self.open_breached = 0
        self.at_risk = 0
        self.late_total = 0
        self.late_heap: list[tuple[float, str, str, LateStage]] = []
        self.risk_heap: list[tuple[int, float, str, str, RiskStage]] = []
        self._setup()

    def _setup(self) -> None:
        self.measures: Measures = measures_for(self.policy, self.options.by)
        self.zone = ZoneInfo(self.policy.timezone)
        try:
            self.range: Range = resolve_range(
                self.options.as_of,
                self.zone,
                self.options.period,
                self.options.start,
                self.options.end,
            )
        except ValueError as exc:
            raise UsageError(str(exc)) from None

    # -- pickling: the compiled measures are rebuilt from the policy -------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for name in ("measures", "zone", "range", "stage_rows"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.stage_rows = None
        self._setup()

    # -- adding ------------------------------------------------------------------------------

    def add_ticket(self, data: Ticket | Mapping[str, Any]) -> Evaluation:
        """Evaluate ``data`` at ``as_of`` and add it. Raises ``TicketError`` for a bad one."""
        ticket = as_ticket(data)
        ev = self.policy.evaluate(ticket, at=self.options.as_of)
        self.add(ev, ticket)
        return ev

    def reject(self, where: str, message: str) -> None:
        """Count a ticket that could not be evaluated (the first 20 are listed in notes)."""
        self.tickets_rejected += 1
        if len(self.rejected) < 20:
            self.rejected.append(f"{where}: {message}")

    def _group(self, fields: Mapping[str, Any]) -> GroupKey:
        out = []
        for name in self.measures.by:
            value = field_value(fields, name)
            out.append(MISSING if value is None else str(value))
        return tuple(out)

    def add(self, ev: Evaluation, ticket: TicketLike) -> None:
        """Add one ticket's evaluation (made at ``options.as_of``)."""
        opts, m = self.options, self.measures
        as_of = opts.as_of
        if ev.at != as_of:
            raise UsageError(
                f"the evaluation of {ev.ticket_id!r} was made at {ev.at.isoformat()}, "
                f"not at the report's as_of {as_of.isoformat()}"
            )
        self.tickets_read += 1
        fields: Mapping[str, Any] = (
            self.policy.compiled.fields.validate(ticket.fields, ticket_id=ticket.id)
            if m.needs_fields
            else MappingProxyType({})
        )
        group = self._group(fields)
        created = ticket.events.get(m.created_event)
        if created is None:
            starts = [r.started_at for r in ev.stages.values() if r.started_at is not None]
            created = min(starts) if starts else None
        counted = False
        first_late: datetime | None = None
        reason = field_value(fields, m.overdue_reason) if m.overdue_reason else None
        for name, r in ev.stages.items():
            status = r.status
            self.statuses[status.value] += 1
            if status is StageStatus.BREACHED or (
                status in _OPEN and r.used is not None and r.used >= opts.risk
            ):
                self._risk(ev, name, r)
            window = period = None
            decided_at = None
            if status in _DECIDED and not (status is StageStatus.BREACHED and opts.closed_only):
                decided_at = r.deadline if status is StageStatus.BREACHED else r.stopped_at
                when = decided_at if opts.period_by == "decided" else created
                if when is not None and decided_at is not None:
                    place = self.range.locate(when)
                    if place is not None:
                        window, period = place
            late = None
            if window is not None and period is not None and decided_at is not None:
                key = (window, period, ev.priority, name, group)
                cell = self.stage_cells.get(key)
                if cell is None:
                    cell = self.stage_cells[key] = StageCell(
                        elapsed=Histogram(opts.bin_seconds), late=Histogram(opts.bin_seconds)
                    )
                if status is StageStatus.MET:
                    if r.deadline is not None:  # a stage without a target is only tracked
                        cell.met += 1
                else:
                    if status is StageStatus.MET_LATE:
                        cell.met_late += 1
                    else:
                        cell.breached += 1
                    late = _lateness(r.remaining, r.deadline, r.stopped_at or as_of)
                    cell.late.add(late)
                    if first_late is None or decided_at < first_late:
                        first_late = decided_at
                    if window == "current":
                        self.late_total += 1
                        row = LateStage(
                            ev.ticket_id,
                            ev.priority,
                            name,
                            status.value,
                            decided_at if status is StageStatus.BREACHED else r.deadline,  # type: ignore[arg-type]
                            r.stopped_at,
                            late,
                            None if reason is None else str(reason),
                        )
                        _push(self.late_heap, (late, ev.ticket_id, name, row), opts.detail_limit)
                if status is not StageStatus.BREACHED and r.elapsed is not None:
                    cell.elapsed.add(r.elapsed.total_seconds())
                if window == "current":
                    counted = True
            if self.stage_rows is not None:
                self.stage_rows(_stage_row(ev, name, r, window, period, late, fields, m.by))
        counted = self._ticket_measures(ev, ticket, fields, group, created) or counted
        if first_late is not None and m.overdue_reason is not None:
            when = first_late if opts.period_by == "decided" else created
            place = self.range.locate(when) if when is not None else None
            if place is not None:
                key2 = (place[0], place[1], group)
                text = MISSING if reason is None else str(reason)
                self.overdue.setdefault(key2, Counter())[text] += 1
        if counted:
            self.tickets_counted += 1

    def _ticket_measures(
        self,
        ev: Evaluation,
        ticket: TicketLike,
        fields: Mapping[str, Any],
        group: GroupKey,
        created: datetime | None,
    ) -> bool:
        m, as_of = self.measures, self.options.as_of
        if self.options.period_by == "decided":
            when = ticket.events.get(m.closed_event)
            if when is not None and when > as_of:
                when = None
        else:
            when = created
        place = self.range.locate(when) if when is not None else None
        if place is None:
            return False
        window = place[0]
        key = (window, place[1], group)
        cell = self.ticket_cells.get(key)
        if cell is None:
            cell = self.ticket_cells[key] = TicketCell()
        cell.tickets += 1
        if m.complaint is not None:
            cond = m.complaint
            events = (
                MappingProxyType({k: v for k, v in ticket.events.items() if v <= as_of})
                if cond.events_used
                else _NO_EVENTS
            )
            status = None
            if cond.uses_status:
                status = status_at(instants(ticket).statuses, to_us(as_of))
            env = Env(fields=fields, priority=ev.priority, status=status, events=events, at=as_of)
            if m.complaint(env):
                cell.complaints += 1
                if m.complaint_reason is not None:
                    reason = field_value(fields, m.complaint_reason)
                    cell.complaint_reasons[MISSING if reason is None else str(reason)] += 1
        if m.first_contact is not None:
            flag = field_value(fields, m.first_contact)
            if flag is True:
                cell.first_contact_yes += 1
            elif flag is False:
                cell.first_contact_no += 1
        if m.satisfaction is not None:
            score = field_value(fields, m.satisfaction.field)
            if isinstance(score, int | float) and not isinstance(score, bool):
                klass = m.satisfaction.classify(float(score))
                cell.scores[klass or ""] += 1
                cell.score_n += 1
                cell.score_sum += float(score)
        return window == "current"

    def _risk(self, ev: Evaluation, name: str, r: Any) -> None:
        breached = r.status is StageStatus.BREACHED
        if breached:
            self.open_breached += 1
        else:
            self.at_risk += 1
        row = RiskStage(
            ev.ticket_id,
            ev.priority,
            name,
            r.status.value,
            r.deadline,
            r.used,
            r.remaining.total_seconds() if r.remaining is not None else None,
        )
        used = r.used if r.used is not None else (1.0 if breached else 0.0)
        item = (1 if breached else 0, used, ev.ticket_id, name, row)
        _push(self.risk_heap, item, self.options.detail_limit)

    # -- merging and finishing -----------------------------------------------------------------

    def merge(self, other: ReportAccumulator) -> ReportAccumulator:
        """Add ``other``'s state (same policy and options) to this one; returns ``self``."""
        if other.policy.content_hash != self.policy.content_hash:
            raise UsageError("cannot merge reports of different policies")
        if other.options != self.options:
            raise UsageError("cannot merge reports made with different options")
        bins = self.options.bin_seconds
        _merge_into(
            self.stage_cells,
            other.stage_cells,
            lambda: StageCell(elapsed=Histogram(bins), late=Histogram(bins)),
        )
        _merge_into(self.ticket_cells, other.ticket_cells, TicketCell)
        for key, counts in other.overdue.items():
            self.overdue.setdefault(key, Counter()).update(counts)
        self.statuses.update(other.statuses)
        self.tickets_read += other.tickets_read
        self.tickets_counted += other.tickets_counted
        self.tickets_rejected += other.tickets_rejected
        self.rejected = (self.rejected + other.rejected)[:20]
        self.open_breached += other.open_breached
        self.at_risk += other.at_risk
        self.late_total += other.late_total
        for late in other.late_heap:
            _push(self.late_heap, late, self.options.detail_limit)
        for risk in other.risk_heap:
            _push(self.risk_heap, risk, self.options.detail_limit)
        return self

    def finish(self) -> ReportResult:
        """Compute the report from the state (the state is not changed)."""
        from ._finish import finish

        return finish(self)


def _lateness(remaining: Any, deadline: datetime | None, end: datetime) -> float:
    if remaining is not None:
        return max(0.0, -float(remaining.total_seconds()))
    if deadline is not None:  # pragma: no cover - a late stage always has remaining
        return max(0.0, (end - deadline).total_seconds())
    return 0.0  # pragma: no cover


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def _stage_row(
    ev: Evaluation,
    name: str,
    r: Any,
    window: str | None,
    period: str | None,
    late: float | None,
    fields: Mapping[str, Any],
    by: tuple[str, ...],
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "ticket": ev.ticket_id,
        "priority": ev.priority,
        "stage": name,
        "status": r.status.value,
        "window": window or "",
        "period": period or "",
        "started_at": _iso(r.started_at),
        "deadline": _iso(r.deadline),
        "stopped_at": _iso(r.stopped_at),
        "elapsed_seconds": r.elapsed.total_seconds() if r.elapsed is not None else "",
        "late_seconds": late if late is not None else "",
        "used": round(r.used, 6) if r.used is not None else "",
    }
    for f in by:
        value = field_value(fields, f)
        row[f] = "" if value is None else value
    return row
