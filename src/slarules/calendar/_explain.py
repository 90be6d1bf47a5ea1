"""What a calendar tells an explanation: openings, holidays, gaps in the holiday data.

A mixin of ``Calendar``; these answers are for people (``slarules explain``, validation
warnings), not for the deadline arithmetic.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

from slarules._errors import Problem

from ._days import DayPlan
from ._index import IntervalIndex, Snapshot
from ._localtime import from_us, to_us

__all__ = ["Explanations"]


class Explanations:
    """Openings, holidays and coverage between two instants."""

    __slots__ = ()

    _zone: ZoneInfo
    _plan: DayPlan
    _index: IntervalIndex

    def _covering(self, lo: int, hi: int) -> Snapshot:
        raise NotImplementedError

    def open_intervals(self, a: datetime, b: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The working intervals within ``[a, b)``, clipped to it, in order."""
        ua, ub = to_us(a, "a"), to_us(b, "b")
        if ub <= ua:
            return
        snap = self._covering(ua, ub)
        i = max(0, bisect_right(snap.starts, ua) - 1)
        while i < len(snap.starts) and snap.starts[i] < ub:
            start, end = max(snap.starts[i], ua), min(snap.ends[i], ub)
            if start < end:
                yield from_us(start, self._zone), from_us(end, self._zone)
            i += 1

    def holidays_between(self, a: datetime, b: datetime) -> list[tuple[date, str]]:
        """Holidays in effect on the local dates that ``[a, b)`` touches, with their names.

        Dates that ``workdays`` or ``days`` reopen are left out.
        """
        ua, ub = to_us(a, "a"), to_us(b, "b")
        if ub <= ua:
            return []
        first = from_us(ua, self._zone).date()
        last = from_us(ub - 1, self._zone).date()
        found: list[tuple[date, str]] = []
        for year in range(first.year, last.year + 1):
            for day in sorted(self._plan.holidays.year(year).closed):
                name = self._plan.holiday_name(day)
                if first <= day <= last and name is not None:
                    found.append((day, name))
        return found

    def coverage_warnings(self, a: datetime, b: datetime) -> tuple[str, ...]:
        """Sentences for the years touched by ``[a, b]`` whose holidays the installed
        ``holidays`` data does not know for this calendar's country (``()`` if all known)."""
        ua, ub = sorted((to_us(a, "a"), to_us(b, "b")))
        first, last = from_us(ua, self._zone).year, from_us(ub, self._zone).year
        source = self._plan.holidays
        missing = [y for y in range(first, last + 1) if not source.covered(y)]
        runs: list[range] = []
        for year in missing:
            if runs and runs[-1].stop == year:
                runs[-1] = range(runs[-1].start, year + 1)
            else:
                runs.append(range(year, year + 1))
        return tuple(source.coverage_sentence(run) for run in runs)

    @property
    def holiday_years(self) -> tuple[int, int] | None:
        """First and last year the installed ``holidays`` data covers for this calendar's
        country (``None`` without a country): for validation-time warnings."""
        source = self._plan.holidays
        return source.coverage if source.country is not None else None

    def coverage_problems(self, a: datetime, b: datetime) -> tuple[Problem, ...]:
        """``coverage_warnings`` as warning ``Problem``s (code ``holidays-not-covered``, path
        ``holidays.country``), for validators that know which instants matter."""
        return tuple(
            Problem(
                "holidays-not-covered",
                sentence,
                "upgrade the holidays package, or list the closed dates and workdays yourself",
                ("holidays", "country"),
                severity="warning",
            )
            for sentence in self.coverage_warnings(a, b)
        )
