"""The ticket snapshot the engine evaluates: fields, event instants, status history, done keys."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from typing import Annotated, Any, NamedTuple, Self, cast

import pydantic
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
)

from slarules._errors import TicketError, UsageError, format_path
from slarules.calendar._localtime import to_us
from slarules.conditions._fields import ReadOnlyFields
from slarules.conditions._values import brief, shown

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
_AT = attrgetter("at")
_US = timedelta(microseconds=1)
_EXAMPLE = "2025-10-09T14:30:00+08:00"
_NUMBER_CHARS = frozenset("0123456789+-.eE_ ")
_NUMBER = (
    "{} is a number, not an instant; write ISO 8601 with an offset, e.g. "
    + _EXAMPLE
    + " (numbers are never read as seconds or milliseconds)"
)


def _offset_example(naive: datetime, zone: str | None) -> str:
    """How to write ``naive`` with an offset: the policy's own offset then, when known."""
    if zone is not None:
        from ._wallclock import zone as zone_info

        try:
            local = naive.replace(tzinfo=zone_info(zone))
            offset = local.isoformat()[len(naive.isoformat()) :]
        except (OverflowError, ValueError):
            offset = ""
        if offset:
            return (
                f"write its offset, e.g. {naive.isoformat()}{offset} ({zone}, the "
                "policy's time zone, then) or Z for UTC"
            )
    return (
        f"write the UTC offset it was recorded in, {naive.isoformat()}+HH:MM, "
        f"or {naive.isoformat()}Z for UTC"
    )


def _given(value: Any) -> Any:
    """A ticket's instant as given: an aware ``datetime`` or ISO 8601 text with an offset.

    Never a guess: a number, or text that is only a number, is refused rather than read
    as seconds or milliseconds since 1970 (as pydantic would read it).
    """
    if value.__class__ is str:
        if value[4:5] == "-":  # YYYY-...: pydantic parses it
            return value
    elif isinstance(value, datetime):
        return value
    if isinstance(value, str):
        if value and set(value) <= _NUMBER_CHARS:
            raise ValueError(_NUMBER.format(brief(value)))
        if value[4:5] != "-":
            raise ValueError(f"{brief(value)} is not an ISO 8601 instant such as {_EXAMPLE}")
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        raise ValueError(_NUMBER.format(brief(value)))
    raise ValueError(f"{shown(value)} is not an ISO 8601 instant such as {_EXAMPLE}")


def _in_utc(value: datetime) -> datetime:
    """The parsed instant in UTC; refused without an offset, or if no datetime can hold it
    in UTC (``0001-01-01T00:00:00+01:00``)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise _Naive(value)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        side = "before 0001-01-01" if value.year == 1 else "after 9999-12-31"
        raise ValueError(
            f"{value.isoformat()} falls {side} in UTC, beyond the years a datetime can hold; "
            "check the instant"
        ) from None


class _Naive(ValueError):
    """An instant without an offset: the message's hint depends on the policy's zone."""

    def __init__(self, naive: datetime) -> None:
        super().__init__(f"{naive.isoformat()} has no time zone; {_offset_example(naive, None)}")
        self.naive = naive


Instant = Annotated[datetime, BeforeValidator(_given), AfterValidator(_in_utc)]
"""A ticket's instant: checked as given (``_given``), parsed by pydantic, kept in UTC."""


class _ReadOnlyError(UsageError, TypeError):
    """A validated ticket was changed in place (a ``TypeError`` too, as for a tuple)."""


_READ_ONLY = (
    "a Ticket is immutable, so the engine's answers always match it; "
    "change it with ticket.replace(...), which validates the changes"
)


class _Snapshot(ReadOnlyFields):
    """A ticket's ``fields`` or ``events``: a ``dict`` that refuses changes."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise _ReadOnlyError(_READ_ONLY)

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse
    __ior__ = _refuse


class _Validated(BaseModel):
    """A ticket model whose validation errors are ``TicketError``s naming what to fix."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            raise _ticket_error(exc, data) from None

    # pydantic's own __init__ but for the error: nested models validate without calling it
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(
        cls,
        obj: Any,
        *,
        strict: bool | None = None,
        extra: Any = None,
        from_attributes: bool | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """Validate ``obj`` (a mapping in the JSON shape); a ``TicketError`` says what is wrong."""
        try:
            return super().model_validate(
                obj,
                strict=strict,
                extra=extra,
                from_attributes=from_attributes,
                context=context,
                by_alias=by_alias,
                by_name=by_name,
            )
        except pydantic.ValidationError as exc:
            raise _ticket_error(exc, obj) from None

    @classmethod
    def _checked(cls, obj: Any, zone: str | None) -> Self:
        """``model_validate(obj)``; the hint for an instant without an offset shows ``zone``'s."""
        try:
            return cls.__pydantic_validator__.validate_python(obj)  # type: ignore[no-any-return]
        except pydantic.ValidationError as exc:
            raise _ticket_error(exc, obj, zone) from None

    @classmethod
    def model_validate_json(
        cls,
        json_data: str | bytes | bytearray,
        *,
        strict: bool | None = None,
        extra: Any = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """Validate JSON text; a ``TicketError`` says what is wrong."""
        try:
            return super().model_validate_json(
                json_data,
                strict=strict,
                extra=extra,
                context=context,
                by_alias=by_alias,
                by_name=by_name,
            )
        except pydantic.ValidationError as exc:
            raise _ticket_error(exc, None) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise _ReadOnlyError(_READ_ONLY)

    def __delattr__(self, name: str) -> None:
        raise _ReadOnlyError(_READ_ONLY)


class StatusChange(_Validated):
    """The ticket entered ``status`` at ``at``."""

    at: Instant = Field(description="When the ticket entered the status.")
    status: str = Field(description="The status entered.", examples=["waiting_for_parts"])


_UNCHANGED: Any = object()


class Ticket(_Validated):
    """A ticket snapshot, validated: the shape the engine evaluates.

    ``events`` maps event names to instants; an event later than the evaluation instant is
    a scheduled one (a review meeting). ``statuses`` is the status history, kept in time
    order (changes at one instant keep the order given: the last one is in force).
    ``done`` holds the keys of actions the host has already applied. Every instant is
    timezone-aware and stored in UTC.

    Immutable: ``fields`` and ``events`` are read-only mappings, ``statuses`` and ``done``
    a tuple and a frozenset, and validation also reads the instants into the integer form
    the engine computes with. Change a ticket with ``ticket.replace(events=...)``, which
    validates the changes (``model_copy(update=...)`` does the same).
    """

    id: str = Field(description="The ticket's id.", examples=["T-1001"])
    fields: Mapping[str, Any] = Field(default_factory=_Snapshot, description="Ticket attributes.")
    events: Mapping[str, Instant] = Field(
        default_factory=_Snapshot, description="Event name to the instant it happened."
    )
    statuses: tuple[StatusChange, ...] = Field(
        default=(), description="Status changes, in time order."
    )
    done: frozenset[str] = Field(
        default=frozenset(), description="Keys of actions the host has already applied."
    )

    def __eq__(self, other: object) -> bool:
        # the fields, not the engine's cache of the instants
        if not isinstance(other, Ticket):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def model_post_init(self, context: Any, /) -> None:
        # read-only mappings (here rather than in two more validators: fewer Python calls),
        # and the engine's integer form of the instants, read once at validation
        values = self.__dict__
        values["fields"] = _Snapshot(values["fields"])
        values["events"] = _Snapshot(values["events"])
        # kept where pydantic keeps private attributes, without declaring one (pydantic's
        # machinery for them costs more Python calls than validating the instants)
        object.__setattr__(self, "__pydantic_private__", {"_instants": _read_instants(self)})

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            if value.bit_length() > 14_000:  # beyond the 4,300 digits str() converts
                raise ValueError(f"{brief(value)} is too long for a number; give the id as text")
            return str(value)
        return value

    @field_validator("statuses")
    @classmethod
    def _ordered(cls, value: tuple[StatusChange, ...]) -> tuple[StatusChange, ...]:
        return tuple(sorted(value, key=_AT))

    def replace(
        self,
        *,
        id: str = _UNCHANGED,
        fields: Mapping[str, Any] = _UNCHANGED,
        events: Mapping[str, datetime | str] = _UNCHANGED,
        statuses: Iterable[StatusChange | Mapping[str, Any]] = _UNCHANGED,
        done: Iterable[str] = _UNCHANGED,
    ) -> Self:
        """A copy with the parts given replaced, validated as a new ticket would be.

        Each part replaces the whole of that part: to add an event, pass
        ``events={**ticket.events, "first_response": "2025-10-09T14:50:00+08:00"}``. A bad
        change is a ``TicketError`` naming it (``events.first_response``).
        """
        given = {"id": id, "fields": fields, "events": events, "statuses": statuses, "done": done}
        return self._changed({k: v for k, v in given.items() if v is not _UNCHANGED})

    __replace__ = replace  # copy.replace(ticket, events=...) (Python 3.13)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with ``update``, validated as ``replace`` validates (unlike pydantic's)."""
        if update:
            return self._changed(update)
        return super().model_copy(deep=deep)

    def _changed(self, changes: Mapping[str, Any]) -> Self:
        data: dict[str, Any] = {
            "id": self.id,
            "fields": self.fields,
            "events": self.events,
            "statuses": self.statuses,
            "done": self.done,
        }
        data.update(changes)
        return self.model_validate(data)

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
    statuses: tuple[tuple[int, str], ...]  # (when, status) in time order, see in_force
    source: tuple[object, object]  # the events and statuses they were read from


def in_force(changes: tuple[tuple[int, str], ...]) -> tuple[tuple[int, str], ...]:
    """Status changes in time order, keeping of several at one instant only the last one
    given: the status the ticket is in from then on (``waiting`` then ``closed`` at 01:55
    is one change, to ``closed``). The engine reads statuses in this form, so a status that
    lasted no time pauses no clock and is no change to wait for."""
    last = dict(changes)  # per instant, in time order, the status given last
    return changes if len(last) == len(changes) else tuple(last.items())


def _read_instants(ticket: Ticket) -> Instants:
    events, statuses = ticket.events, ticket.statuses
    changes = tuple((to_us(s.at), s.status) for s in statuses)
    return Instants(
        {name: to_us(at) for name, at in events.items()},
        in_force(changes) if len(changes) > 1 else changes,
        (events, statuses),
    )


class Prepared:
    """A ticket a bulk reader has already checked, in the engine's form, without pydantic.

    For readers whose input types guarantee what validating a ``Ticket`` would (Arrow
    columns typed as timestamps with a zone, text ids): the id as text, instants as UTC
    microseconds, status changes sorted by time (stably: changes at one instant in the
    order given). ``evaluate`` answers exactly as for the equal ``Ticket``; ``events`` are
    made into datetimes only if a condition asks for them.
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
        changes = in_force(statuses) if len(statuses) > 1 else statuses
        self.instants = Instants(events, changes, (None, None))
        self.done = done

    @property
    def events(self) -> dict[str, datetime]:
        return {name: _EPOCH + _US * us for name, us in self.instants.events.items()}


TicketLike = Ticket | Prepared


def instants(ticket: TicketLike) -> Instants:
    """The ticket's instants in microseconds, as read at validation.

    Read again if the events or statuses are not the ones they were read from (a ticket
    made with pydantic's ``model_construct``, which does not validate).
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
    else:
        object.__setattr__(ticket, "__pydantic_private__", {"_instants": found})
    return found


def status_at(statuses: tuple[tuple[int, str], ...], at: int) -> str | None:
    """The status in force at ``at`` (``None`` before the first change)."""
    current = None
    for when, status in statuses:
        if when > at:
            break
        current = status
    return current


def _id_of(data: Any) -> str | None:
    """The id of a ticket that failed validation, when it has a usable one."""
    ticket_id = data.get("id") if isinstance(data, Mapping) else None
    if isinstance(ticket_id, str) and ticket_id:
        return ticket_id
    if isinstance(ticket_id, int) and not isinstance(ticket_id, bool):
        return brief(ticket_id)
    return None


def _ticket_error(exc: pydantic.ValidationError, data: Any, zone: str | None = None) -> TicketError:
    errors = exc.errors()
    first = errors[0]
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function")))
    where = format_path(loc) or "ticket"
    msg = first["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    cause = first.get("ctx", {}).get("error")
    if isinstance(cause, _Naive) and zone is not None:
        naive = cause.naive
        msg = f"{naive.isoformat()} has no time zone; {_offset_example(naive, zone)}"
    elif first["type"] == "missing":
        msg = "is required"
    elif first["type"] == "extra_forbidden":
        msg = "is not part of a ticket (expected id, fields, events, statuses, done)"
    elif first["type"].startswith("datetime"):
        msg = f"{brief(first.get('input'))} is not an ISO 8601 instant such as {_EXAMPLE}"
    elif "input" in first and first["type"] != "value_error":
        msg = f"{msg}, not {shown(first['input'])}"
    more = len(errors) - 1
    if more:
        msg += f" (and {more} more problem{'s' if more > 1 else ''})"
    field = str(loc[0]) if loc else None
    return TicketError(f"{where}: {msg}", ticket_id=_id_of(data), field=field)


def as_ticket(value: Ticket | Mapping[str, Any], zone: str | None = None) -> Ticket:
    """Validate a mapping in the JSON shape (or pass a ``Ticket`` through).

    ``zone``, the time zone of the policy that will evaluate it, makes the hint for an
    instant without an offset show that zone's offset.
    """
    if isinstance(value, Ticket):
        return value
    if not isinstance(value, Mapping):
        raise TicketError(
            f"a ticket must be a mapping or a slarules.Ticket, not {type(value).__name__}"
        )
    return Ticket._checked(value, zone)
