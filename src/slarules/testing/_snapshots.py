"""``snapshots(policy)``: a ticket and an instant near it, where its answers change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from slarules._errors import UsageError
from slarules._policy import Policy

from ._instants import instants
from ._tickets import tickets

__all__ = ["snapshots"]

_JITTER = (
    timedelta(0),
    timedelta(microseconds=-1),
    timedelta(microseconds=1),
    timedelta(minutes=1),
)


def snapshots(policy: Policy, **options: Any) -> st.SearchStrategy[tuple[dict[str, Any], datetime]]:
    """Pairs ``(ticket, at)``: a ticket from ``tickets(policy, **options)`` and an instant
    near it, where its answers change: on (or a microsecond or a minute either side of) one
    of its events, status changes, stage deadlines or next evaluation, or anywhere from an
    hour before its first event to ``span`` after its last.

    Events later than ``at`` are, to the engine, scheduled ones that have not happened yet.
    """
    if "at" in options:
        raise UsageError("snapshots() draws the instant itself; use tickets(at=...) to fix it")
    span: timedelta = options.get("span", timedelta(days=14))
    zone = ZoneInfo(policy.timezone)
    base = tickets(policy, **options)

    @st.composite
    def pairs(draw: st.DrawFn) -> tuple[dict[str, Any], datetime]:
        ticket = draw(base)
        moments = [datetime.fromisoformat(v) for v in ticket["events"].values()]
        moments += [datetime.fromisoformat(s["at"]) for s in ticket["statuses"]]
        if not moments:
            return ticket, draw(instants(policy))
        first, last = min(moments), max(moments)
        ev = policy.evaluate(ticket, at=last)
        found = [*moments, *(s.deadline for s in ev.stages.values()), ev.next_evaluation_at]
        marks = sorted({t.astimezone(UTC) for t in found if t is not None})
        lo = first - timedelta(hours=1)
        seconds = int((last + span - lo).total_seconds())
        at = draw(
            st.one_of(
                st.tuples(st.sampled_from(marks), st.sampled_from(_JITTER)).map(
                    lambda p: p[0] + p[1]
                ),
                st.integers(0, seconds).map(lambda s: lo + timedelta(seconds=s)),
            )
        )
        return ticket, at.astimezone(zone)

    return pairs()
