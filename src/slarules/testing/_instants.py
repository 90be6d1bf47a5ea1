"""``instants()``: aware instants biased towards the edges where timing bugs live
(see ``_edges``), and the checks of the arguments that name calendars and windows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from hypothesis import strategies as st

from slarules._errors import UsageError
from slarules.calendar import Calendar

from ._edges import edges

if TYPE_CHECKING:
    from slarules._policy import Policy

__all__ = [
    "DEFAULT_MAX",
    "DEFAULT_MIN",
    "calendars_of",
    "instants",
    "window",
]

DEFAULT_MIN = datetime(2025, 1, 1, tzinfo=UTC)
"""The default earliest instant: inside the years the bundled holiday data covers."""
DEFAULT_MAX = datetime(2026, 12, 31, tzinfo=UTC)
"""The default latest instant."""

_JITTER = (
    timedelta(0),
    timedelta(microseconds=-1),
    timedelta(microseconds=1),
    timedelta(minutes=-1),
    timedelta(minutes=1),
)


def calendars_of(value: object) -> tuple[Calendar, ...]:
    """The calendars a ``calendar=`` argument names: one, several, or a policy's."""
    if value is None:
        return ()
    if isinstance(value, Calendar):
        return (value,)
    compiled = getattr(value, "compiled", None)
    if compiled is not None:  # a Policy: every calendar it uses, business ones first
        cals = list(dict.fromkeys(compiled.calendars.values()))
        return tuple(sorted(cals, key=lambda c: c.spec.hours == "24x7"))
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        found = tuple(value)
        if all(isinstance(c, Calendar) for c in found):
            return found
    raise UsageError(
        f"calendar must be a slarules.Calendar, several of them or a Policy, not {value!r}"
    )


def window(min_value: datetime | None, max_value: datetime | None) -> tuple[datetime, datetime]:
    """Check a window of aware instants (defaults: 2025 and 2026) and return it in UTC."""
    lo = DEFAULT_MIN if min_value is None else min_value
    hi = DEFAULT_MAX if max_value is None else max_value
    for name, value in (("min_value", lo), ("max_value", hi)):
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise UsageError(f"{name} must be an aware datetime, not {value!r}")
    lo, hi = lo.astimezone(UTC), hi.astimezone(UTC)
    if lo > hi:
        raise UsageError(f"min_value {lo.isoformat()} is after max_value {hi.isoformat()}")
    return lo, hi


def _uniform(lo: datetime, hi: datetime) -> st.SearchStrategy[datetime]:
    seconds = int((hi - lo).total_seconds())
    return st.integers(min_value=0, max_value=seconds).map(lambda s: lo + timedelta(seconds=s))


def _near(points: Sequence[datetime], lo: datetime, hi: datetime) -> st.SearchStrategy[datetime]:
    # an index rather than sampled_from(points): the strategy's repr stays short
    index = st.integers(min_value=0, max_value=len(points) - 1)
    return st.tuples(index, st.sampled_from(_JITTER)).map(
        lambda pair: min(max(points[pair[0]] + pair[1], lo), hi)
    )


def instants(
    calendar: Calendar | Policy | Iterable[Calendar] | None = None,
    *,
    min_value: datetime | None = None,
    max_value: datetime | None = None,
) -> st.SearchStrategy[datetime]:
    """Aware instants in ``[min_value, max_value]``, biased towards the calendar's edges.

    Two draws in three or more land on (or a microsecond or a minute either side of) an
    edge: an opening or close (lunch breaks included), a local midnight, a change of the
    zone's UTC offset, or the first and last days of holidays, make-up workdays and other
    days whose hours differ from the usual. The rest are whole seconds spread evenly.
    ``calendar`` may be one ``Calendar``, several, or a ``Policy`` (all its calendars).
    Instants come in the (first) calendar's zone, or UTC. The window defaults to 2025-2026,
    the years the bundled holiday data covers; bounds must be aware datetimes.
    """
    cals = calendars_of(calendar)
    lo, hi = window(min_value, max_value)
    zone: tzinfo = cals[0].zone if cals else UTC
    # the edges are found now (a few milliseconds, cached), not during the first example
    return _instants(cals, lo, hi).map(lambda t: t.astimezone(zone))


def _instants(
    cals: tuple[Calendar, ...], lo: datetime, hi: datetime
) -> st.SearchStrategy[datetime]:
    found = edges(cals, lo, hi)
    branches = [_uniform(lo, hi)]
    for points in (found.all, found.special, found.offsets):
        if points:
            branches.append(_near(points, lo, hi))
    return st.one_of(branches)
