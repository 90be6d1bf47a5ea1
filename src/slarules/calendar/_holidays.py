"""Closed dates and make-up workdays: explicit lists and the ``holidays`` package.

``HolidaySource.year(y)`` answers, for one year, which dates are holidays (with names) and
which weekend dates are make-up workdays. ``covered(y)`` says whether the installed
``holidays`` data knows that year for the country (see ``_announced_through``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

import holidays as holidays_pkg

from slarules._errors import Problem
from slarules._suggest import did_you_mean

__all__ = ["HolidaySource", "YearHolidays", "make_source"]

_REFERENCE = "CN"  # a country whose yearly announcements the package always carries


@dataclass(frozen=True, slots=True)
class YearHolidays:
    """One year's closed dates (with names) and make-up workdays."""

    closed: dict[date, str]
    workdays: frozenset[date]


@dataclass(eq=False)
class HolidaySource:
    """Holidays of a country (optional) plus explicit dates; caches each year it computes."""

    country: str | None = None
    subdivision: str | None = None
    extra: frozenset[date] = frozenset()
    country_name: str | None = None
    _cache: dict[int, YearHolidays] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def year(self, year: int) -> YearHolidays:
        """Holidays and make-up workdays of one calendar year (computed once)."""
        found = self._cache.get(year)
        if found is not None:
            return found
        closed: dict[date, str] = {d: "holiday" for d in self.extra if d.year == year}
        workdays: frozenset[date] = frozenset()
        if self.country is not None and _within(year, _data_years(self.country)):
            data = _country(self.country, self.subdivision, year)
            closed.update(
                (d, str(name)) for d, name in data.items() if d.year == year and d not in self.extra
            )
            workdays = frozenset(d for d in data.weekend_workdays if d.year == year)
        result = YearHolidays(closed, workdays)
        with self._lock:
            return self._cache.setdefault(year, result)

    @property
    def has_make_up_days(self) -> bool:
        """Whether the country ever moves days off to make-up workdays (China does)."""
        return self.country is not None and bool(_substituted_years(self.country))

    @property
    def coverage(self) -> tuple[int, int]:
        """First and last year the installed data covers for the country."""
        assert self.country is not None
        return _coverage(self.country)

    @property
    def data_years(self) -> tuple[int, int] | None:
        """First and last year for which the ``holidays`` package has any holidays of the
        country (``None`` without a country); outside them it has none."""
        if self.country is None:
            return None
        return _data_years(self.country)

    def covered(self, year: int) -> bool:
        """Whether the installed data knows this year's holidays (always, without a country)."""
        if self.country is None:
            return True
        first, last = _coverage(self.country)
        return first <= year <= last

    def coverage_sentence(self, years: range) -> str:
        """Why ``years`` (a run of uncovered years) are not covered, in one sentence."""
        assert self.country is not None
        first, last = _coverage(self.country)
        name = self.country_name or self.country
        version = str(getattr(holidays_pkg, "__version__", "?"))
        span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
        verb = "is" if len(years) == 1 else "are"
        if years[0] < first:
            return (
                f"the installed holidays data ({version}) has no {name} holidays before "
                f"{first}: {span} {verb} treated as having none"
            )
        return (
            f"the installed holidays data ({version}) knows {name} holidays and make-up "
            f"workdays only through {last}: {span} {verb} treated as having only the "
            "holidays that follow fixed rules, without the days off and make-up workdays "
            "announced each year; upgrade holidays or list the dates in the policy"
        )


def _within(year: int, years: tuple[int, int]) -> bool:
    return years[0] <= year <= years[1]  # outside them the package has nothing (no call)


def _country(country: str, subdivision: str | None, year: int) -> Any:
    return holidays_pkg.country_holidays(country, subdiv=subdivision, years=year)


@cache
def _substituted_years(country: str) -> frozenset[int]:
    """Years in which the package moves days off (and so has make-up workdays)."""
    instance = holidays_pkg.country_holidays(country)
    years: set[int] = set()
    for name in dir(instance):
        table = getattr(instance, name, None) if name.startswith("special_") else None
        if not isinstance(table, dict):
            continue
        for year, rows in table.items():
            entries = rows if rows and isinstance(rows[0], tuple) else (rows,)
            if isinstance(year, int) and any(len(row) >= 4 for row in entries):
                years.add(year)
    return frozenset(years)


@cache
def _data_years(country: str) -> tuple[int, int]:
    instance = holidays_pkg.country_holidays(country)
    return int(instance.start_year), int(instance.end_year)


@cache
def _coverage(country: str) -> tuple[int, int]:
    """First and last year the installed data covers for ``country``.

    Every country is bounded by its class's ``start_year``/``end_year``. A country whose days
    off are announced each year (it moved days in at least 3 of the 5 years ending with its
    latest move, and that move is recent, i.e. within two years of China's latest, the
    reference for how new the installed data is) is covered only through its latest
    announced year: the package cannot know later announcements.
    """
    instance = holidays_pkg.country_holidays(country)
    first, last = int(instance.start_year), int(instance.end_year)
    moved = _substituted_years(country)
    if moved:
        latest = max(moved)
        recent = sum(1 for y in range(latest - 4, latest + 1) if y in moved) >= 3
        reference = max(_substituted_years(_REFERENCE) or {latest})
        if recent and latest >= reference - 2:
            last = min(last, latest)
    return first, last


def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for module, (class_name, *codes) in _registry().items():
        del module
        for code in codes:
            if isinstance(code, str) and len(code) == 2:
                names[class_name.lower()] = code
    return names


def _registry() -> dict[str, tuple[str, ...]]:
    try:
        from holidays.registry import COUNTRIES
    except ImportError:  # pragma: no cover - older holidays
        return {}
    return {k: tuple(v) for k, v in COUNTRIES.items()}


def _knows_subdivision(code: str, subdivision: str) -> bool:
    """Codes and the aliases the package accepts (``holidays`` raises for anything else)."""
    try:
        holidays_pkg.country_holidays(code, subdiv=subdivision, years=())
    except NotImplementedError:
        return False
    return True


def make_source(
    country: str | None,
    subdivision: str | None,
    extra: Iterable[date],
) -> tuple[HolidaySource, list[Problem]]:
    """Check the country and subdivision; problems use paths under ``holidays``."""
    extras = frozenset(extra)
    if country is None:
        return HolidaySource(extra=extras), []
    supported: dict[str, list[str]] = holidays_pkg.list_supported_countries()
    code = country.strip().upper()
    if code not in supported:
        hint = did_you_mean(country, [c for c in supported if len(c) == 2])
        by_name = _country_names().get(country.replace(" ", "").lower())
        if by_name is not None:
            hint = f"use the ISO code: did you mean {by_name!r}?"
        return HolidaySource(extra=extras), [
            Problem(
                "unknown-country",
                f"{country!r} is not a country the holidays package knows",
                hint or "use an ISO 3166-1 alpha-2 code such as CN, US or FR",
                ("holidays", "country"),
            )
        ]
    subdivisions = supported[code]
    if subdivision is not None and not _knows_subdivision(code, subdivision):
        known = [str(s) for s in subdivisions]
        return HolidaySource(extra=extras), [
            Problem(
                "unknown-country",
                f"{subdivision!r} is not a subdivision of {code} the holidays package knows",
                did_you_mean(subdivision, known)
                or (f"known: {', '.join(known)}" if known else f"{code} has no subdivisions"),
                ("holidays", "subdivision"),
            )
        ]
    class_name = type(holidays_pkg.country_holidays(code)).__mro__[1].__name__
    name = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name)
    return HolidaySource(code, subdivision, extras, country_name=name), []
