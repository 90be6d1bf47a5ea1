"""The shape of one ``calendars:`` entry, as pydantic models (shape only, no semantics).

Dates are accepted as ``datetime.date`` (the YAML loader yields them for unquoted ISO dates,
also as mapping keys) and as ISO strings (JSON, Python callers).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
)
from pydantic_core import PydanticCustomError

from ._hours import parse_interval

__all__ = ["CalendarSpec", "HolidaysSpec", "IntervalText"]


def _check_interval(text: str) -> str:
    parse_interval(text)  # raises ValueError("message; hint")
    return text


IntervalText = Annotated[str, AfterValidator(_check_interval)]
"""``"HH:MM-HH:MM"``; validated element by element so errors point at the list index."""

_Intervals = list[IntervalText]


def _hours_kind(value: Any) -> str:
    # tags contain "[" so that _shape drops them from error paths
    return "hours[24x7]" if isinstance(value, str) else "hours[weekly]"


def _holidays_kind(value: Any) -> str:
    return "holidays[dates]" if isinstance(value, list | tuple) else "holidays[country]"


_Hours = Annotated[
    Annotated[Literal["24x7"], Tag("hours[24x7]")]
    | Annotated[dict[str, _Intervals], Tag("hours[weekly]")],
    Discriminator(_hours_kind),
]


class HolidaysSpec(BaseModel):
    """Public holidays of a country (and subdivision) from the ``holidays`` package."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    country: str = Field(
        description="ISO 3166-1 alpha-2 country code known to the `holidays` package.",
        json_schema_extra={"examples": ["CN", "US", "FR"]},
    )
    subdivision: str | None = Field(
        default=None,
        description="ISO 3166-2 subdivision code (state, province), when holidays differ.",
        json_schema_extra={"examples": ["CA", "BY"]},
    )
    dates: list[date] = Field(
        default_factory=list,
        description="Extra closed dates on top of the country's holidays.",
        json_schema_extra={"examples": [["2025-12-24"]]},
    )


_Holidays = Annotated[
    Annotated[list[date], Tag("holidays[dates]")]
    | Annotated[HolidaysSpec, Tag("holidays[country]")],
    Discriminator(_holidays_kind),
]


class CalendarSpec(BaseModel):
    """One business calendar: weekly hours, time zone, holidays, workdays, date overrides."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hours: _Hours = Field(
        description=(
            "Weekly opening hours: `24x7`, or a mapping from a day (`mon` … `sun`) or a range "
            "(`mon-fri`) to a list of `HH:MM-HH:MM` intervals. `24:00` may end an interval; "
            "an interval that ends before it starts runs overnight and belongs to the day it "
            "opens. Days not named are closed."
        ),
        json_schema_extra={
            "examples": [{"mon-fri": ["09:00-12:00", "13:30-18:00"]}, "24x7"],
        },
    )
    timezone: str | None = Field(
        default=None,
        description="IANA time zone; defaults to the policy's `timezone`.",
        json_schema_extra={"examples": ["Asia/Shanghai", "America/New_York"]},
    )
    holidays: _Holidays | None = Field(
        default=None,
        description=(
            "Closed dates: a list of dates, or a country (with optional subdivision and extra "
            "dates) whose public holidays and make-up workdays come from `holidays`."
        ),
        json_schema_extra={"examples": [{"country": "CN"}, ["2025-12-25", "2026-01-01"]]},
    )
    workdays: list[date] = Field(
        default_factory=list,
        description="Extra working dates; they work the regular weekday hours.",
        json_schema_extra={"examples": [["2025-12-27"]]},
    )
    days: dict[date, _Intervals] = Field(
        default_factory=dict,
        description="Hours for specific dates (half days); `[]` closes the date.",
        json_schema_extra={"examples": [{"2025-12-31": ["09:00-12:00"], "2025-12-26": []}]},
    )
    description: str | None = Field(
        default=None,
        description="What this calendar is, for people reading the policy.",
        json_schema_extra={"examples": ["Shanghai office hours"]},
    )

    @field_validator("days", mode="before")
    @classmethod
    def _one_key_per_date(cls, value: Any) -> Any:
        """``date(2025, 12, 31)`` and ``"2025-12-31"`` are one date: refuse both, never
        keep one silently (a mapping built in Python can hold both)."""
        if isinstance(value, dict):
            seen: set[str] = set()
            for key in value:
                text = str(key)
                if text in seen:
                    raise PydanticCustomError(
                        "duplicate-key",
                        "{message}",
                        {"message": f"the date {text} is given twice; keep one of them"},
                    )
                seen.add(text)
        return value
