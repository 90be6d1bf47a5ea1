"""The ticket snapshot the engine evaluates: fields, event instants, status history, done keys."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, cast

import pydantic
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from slarules._errors import TicketError, format_path
from slarules.calendar._localtime import to_us

__all__ = [
    "Instants",
    "Prepared",
    "StatusChange",
    "Ticket",
    "TicketLike",
    "as_ticket",
    "instants",
    "status_at",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


def _aware(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{what} {value.isoformat()} has no time zone; write an offset such as +08:00 or Z"
        )
    return value.astimezone(UTC)


class StatusChange(BaseModel):
    """The ticket entered ``status`` at ``at``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    at: datetime = Field(description="When the ticket entered the status.")
    status: str = Field(description="The status entered.", examples=["waiting_for_parts"])

    @field_validator("at")
    @classmethod
    def _aware_at(cls, value: datetime) -> datetime:
        return _aware(value, "status time")


class Ticket(BaseModel):
    """A ticket snapshot, validated: the shape the engine evaluates.

    ``events`` maps event names to instants; an event later than the evaluation instant is
    a scheduled one (a review meeting). ``statuses`` is the status history, kept in time
    order. ``done`` holds the keys of actions the host has already applied. Every instant
    is timezone-aware and stored in UTC.

    Immutable: validation also reads the instants into the integer form the engine computes
    with. Change a ticket with ``model_copy(update=...)`` (or validate a new one), never by
    changing its dicts in place.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="The ticket's id.", examples=["T-1001"])
    fields: dict[str, Any] = Field(default_factory=dict, description="Ticket attributes.")
    events: dict[str, datetime] = Field(
        default_factory=dict, description="Event name to the instant it happened."
    )
    statuses: tuple[StatusChange, ...] = Field(
        default=(), description="Status changes, in time order."
    )
    done: frozenset[str] = Field(
        default=frozenset(), description="Keys of actions the host has already applied."
    )
    _instants: Instants | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        # the fields, not the engine's cache of the instants (a copy may carry a stale one)
        if not isinstance(other, Ticket):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def model_post_init(self, context: Any, /) -> None:
        # the engine's integer form of the instants, read once at validation
        private = self.__pydantic_private__
        if private is not None:
            private["_instants"] = _read_instants(self)

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("events")
    @classmethod
    def _aware_events(cls, value: dict[str, datetime]) -> dict[str, datetime]:
        return {name: _aware(at, f"event {name!r} at") for name, at in value.items()}

    @field_validator("statuses")
    @classmethod
    def _ordered(cls, value: tuple[StatusChange, ...]) -> tuple[StatusChange, ...]:
        return tuple(sorted(value, key=lambda s: s.at))

    def status_at(self, at: datetime) -> str | None:
        """The status the ticket was in at ``at`` (``None`` before the first change)."""
        return status_at(instants(self).statuses, to_us(at, "at"))

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the design, with ISO 8601 instants."""
        return {
            "id": self.id,
            "fields": dict(self.fields),
            "events": {k: v.isoformat() for k, v in self.events.items()},
            "statuses": [{"at": s.at.isoformat(), "status": s.status} for s in self.statuses],
            "done": sorted(self.done),
        }


class Instants(NamedTuple):
    """A ticket's instants as integer UTC microseconds: the form the engine computes with."""

    events: dict[str, int]
    statuses: tuple[tuple[int, str], ...]  # (when, status), in time order
    source: tuple[object, object]  # the events and statuses they were read from


def _read_instants(ticket: Ticket) -> Instants:
    events, statuses = ticket.events, ticket.statuses
    return Instants(
        {name: to_us(at) for name, at in events.items()},
        tuple((to_us(s.at), s.status) for s in statuses),
        (events, statuses),
    )


class Prepared:
    """A ticket a bulk reader has already checked, in the engine's form, without pydantic.

    For readers whose input types guarantee what validating a ``Ticket`` would (Arrow
    columns typed as timestamps with a zone, text ids): the id as text, instants as UTC
    microseconds, status changes sorted by time. ``evaluate`` answers exactly as for the
    equal ``Ticket``; ``events`` are made into datetimes only if a condition asks for them.
    """

    __slots__ = ("done", "fields", "id", "instants")

    def __init__(
        self,
        id: str,
        fields: Mapping[str, Any],
        events: dict[str, int],
        statuses: tuple[tuple[int, str], ...],
        done: frozenset[str],
    ) -> None:
        self.id = id
        self.fields = fields
        self.instants = Instants(events, statuses, (None, None))
        self.done = done

    @property
    def events(self) -> dict[str, datetime]:
        return {name: _EPOCH + _US * us for name, us in self.instants.events.items()}


TicketLike = Ticket | Prepared


def instants(ticket: TicketLike) -> Instants:
    """The ticket's instants in microseconds, as read at validation.

    Read again if the events or statuses were replaced since (``model_copy(update=...)``
    does not validate).
    """
    if type(ticket) is Prepared:
        return ticket.instants
    ticket = cast(Ticket, ticket)
    private = ticket.__pydantic_private__
    found = private.get("_instants") if private is not None else None
    if found is not None:
        events, statuses = found.source
        if events is ticket.events and statuses is ticket.statuses:
            return found  # type: ignore[no-any-return]
    found = _read_instants(ticket)
    if private is not None:
        private["_instants"] = found
    return found


def status_at(statuses: tuple[tuple[int, str], ...], at: int) -> str | None:
    """The status in force at ``at`` (``None`` before the first change)."""
    current = None
    for when, status in statuses:
        if when > at:
            break
        current = status
    return current


def _ticket_error(exc: pydantic.ValidationError, data: Any) -> TicketError:
    ticket_id = data.get("id") if isinstance(data, Mapping) else None
    first = exc.errors()[0]
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function")))
    where = format_path(loc) or "ticket"
    msg = first["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if first["type"] == "missing":
        msg = "is required"
    elif first["type"] == "extra_forbidden":
        msg = "is not part of a ticket (expected id, fields, events, statuses, done)"
    elif first["type"].startswith("datetime"):
        msg = f"{first.get('input')!r} is not an ISO 8601 instant such as 2025-10-09T14:30:00+08:00"
    more = len(exc.errors()) - 1
    if more:
        msg += f" (and {more} more problem{'s' if more > 1 else ''})"
    field = str(loc[0]) if loc else None
    return TicketError(
        f"{where}: {msg}", ticket_id=str(ticket_id) if ticket_id else None, field=field
    )


def as_ticket(value: Ticket | Mapping[str, Any]) -> Ticket:
    """Validate a mapping in the JSON shape (or pass a ``Ticket`` through)."""
    if isinstance(value, Ticket):
        return value
    if not isinstance(value, Mapping):
        raise TicketError(
            f"a ticket must be a mapping or a slarules.Ticket, not {type(value).__name__}"
        )
    try:
        return Ticket.model_validate(value)
    except pydantic.ValidationError as exc:
        raise _ticket_error(exc, value) from None
