"""Tickets as records with where they came from, evaluated one by one (no pyarrow needed)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from slarules._errors import TicketError, UsageError
from slarules.engine import Evaluation, as_ticket
from slarules.engine import evaluate as engine_evaluate
from slarules.engine._evaluate import Facts, instant_us
from slarules.engine._evaluate import facts as engine_facts
from slarules.engine._ticket import Prepared, TicketLike

if TYPE_CHECKING:
    from slarules._policy import Policy

__all__ = [
    "Bad",
    "ErrorMode",
    "Outcome",
    "Record",
    "evaluate_items",
    "evaluate_records",
    "evaluations_at",
    "facts_at",
    "paused_gc",
    "ticket_error",
]

ErrorMode = Literal["raise", "collect"]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Record:
    """One ticket of a bulk input: its position, where it came from, and its data.

    ``data`` is a mapping in the ticket JSON shape (or a ``Ticket``; inside this package
    also a ``Prepared`` ticket); ``problem`` says why
    the input could not be read as a ticket at all (a line that is not JSON), else ``None``.
    """

    row: int  # position in the whole input, from 0
    where: str  # "tickets.jsonl:12" or "tickets.parquet row 11"
    data: Any
    problem: str | None = None

    @property
    def ticket_id(self) -> str | None:
        data = self.data
        if isinstance(data, dict) and data.get("id") is not None:
            return str(data["id"])
        ticket_id = getattr(data, "id", None)
        return str(ticket_id) if ticket_id is not None else None


@dataclass(frozen=True, slots=True)
class Outcome:
    """A record with its evaluation, or the error that stopped it."""

    record: Record
    evaluation: Evaluation | None
    error: str | None


def _hinted(message: str, hint: str | None) -> str:
    return f"{message}; {hint}" if hint and "has no time zone" in message else message


_GC_LOCK = threading.Lock()
_GC_PAUSES = [0, False]  # blocks inside paused_gc now, and whether the collector was on


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for one slice of a batch, then restore it.

    A slice keeps a few thousand tickets and evaluations alive while it is turned into
    columns; with the collector on, those survivors make it scan every object of the
    process again and again (a quarter of the time on 1,000,000 tickets). The engine's
    values free themselves by reference counting; anything cyclic waits one slice. A
    collector the host turned off stays off.

    Use it around work that does not yield (``_typed.map_slices``): held across a
    generator's ``yield`` it would leave the collector off for whatever the process does
    meanwhile. Threads that pause it at once share one pause: the first to enter notes
    whether it was on, the last to leave puts it back.
    """
    with _GC_LOCK:
        if _GC_PAUSES[0] == 0:
            _GC_PAUSES[1] = gc.isenabled()
            gc.disable()
        _GC_PAUSES[0] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_PAUSES[0] -= 1
            if _GC_PAUSES[0] == 0 and _GC_PAUSES[1]:
                gc.enable()


def ticket_error(record: Record, exc: Exception, hint: str | None = None) -> TicketError:
    """The error for a bad ticket of a batch: where it is, then what is wrong."""
    if isinstance(exc, TicketError):
        err = TicketError(_hinted(f"{record.where}: {exc}", hint))
        err.ticket_id = exc.ticket_id or record.ticket_id
        err.field = exc.field
        return err
    err = TicketError(f"{record.where}: {type(exc).__name__}: {exc}")
    err.ticket_id = record.ticket_id
    return err


def _message(record: Record, exc: Exception, hint: str | None) -> str:
    if isinstance(exc, TicketError):
        return _hinted(str(exc), hint)
    tid = record.ticket_id
    prefix = f"ticket {tid!r}: " if tid is not None else ""
    return f"{prefix}{type(exc).__name__}: {exc}"


def evaluate_records(
    policy: Policy,
    records: Iterable[Record],
    at: datetime,
    *,
    errors: ErrorMode = "raise",
    hint: str | None = None,
) -> Iterator[Outcome]:
    """Evaluate each record with ``policy.evaluate``; the answers are exactly its answers.

    ``errors="raise"``: the first bad ticket raises ``TicketError`` naming it and where it
    is. ``errors="collect"``: a bad ticket yields an outcome with its error message instead
    (any exception the ticket provokes is collected, so one ticket never stops a batch; a
    ``UsageError``, a mistake of the caller's such as an ``at`` beyond what the policy can
    evaluate, is raised, since every ticket would fail alike). ``hint`` is added to messages
    about instants without a time zone.
    """
    for record in records:
        try:
            if record.problem is not None:
                raise TicketError(record.problem, ticket_id=record.ticket_id)
            data = record.data
            if type(data) is Prepared:
                ev = engine_evaluate(policy.compiled, data, at)
            else:
                ev = policy.evaluate(as_ticket(data), at=at)
        except TicketError as exc:
            if errors == "raise":
                raise ticket_error(record, exc, hint) from None
            yield Outcome(record, None, _message(record, exc, hint))
        except UsageError:
            raise
        except Exception as exc:
            if errors == "raise":
                raise
            yield Outcome(record, None, _message(record, exc, hint))
        else:
            yield Outcome(record, ev, None)


Bad = tuple[int, str | None, str, str]  # a ticket that failed: row, ticket id, where, message


def evaluate_items(
    policy: Policy,
    items: Iterable[Prepared | Record],
    answer: Callable[[TicketLike], T],
    *,
    errors: ErrorMode = "raise",
    hint: str | None = None,
    label: str = "row",
    first_row: int = 0,
) -> tuple[list[T], list[Bad]]:
    """``evaluate_records`` for a slice of a batch, without an ``Outcome`` per ticket.

    ``answer(ticket)`` evaluates one ticket: ``evaluations_at`` or ``facts_at``. A
    ``Prepared`` item (the ``i``-th is row ``first_row + i``, named ``"{label} {row+1}"``)
    goes straight to it, a ``Record`` through ``as_ticket`` first, as ``policy.evaluate``
    does; the answers, the exceptions raised and the messages collected are the same.
    """
    answers: list[T] = []
    bad: list[Bad] = []
    append = answers.append
    for i, item in enumerate(items):
        if type(item) is Prepared:
            try:
                append(answer(item))
                continue
            except UsageError:
                raise  # the caller's mistake (``at``), not the ticket's
            except Exception as exc:
                row = first_row + i
                record = Record(row, f"{label} {row + 1}", item)
                problem = exc
        else:
            record = cast("Record", item)
            try:
                if record.problem is not None:
                    raise TicketError(record.problem, ticket_id=record.ticket_id)
                append(answer(as_ticket(record.data)))
                continue
            except UsageError:
                raise
            except Exception as exc:
                problem = exc
        if errors == "raise":
            if isinstance(problem, TicketError):
                raise ticket_error(record, problem, hint) from None
            raise problem
        bad.append((record.row, record.ticket_id, record.where, _message(record, problem, hint)))
    return answers, bad


def evaluations_at(policy: Policy, at: datetime) -> Callable[[TicketLike], Evaluation]:
    """``evaluate_items``' answer: the ``Evaluation`` of each ticket at ``at``."""
    compiled = policy.compiled

    def answer(ticket: TicketLike) -> Evaluation:
        return engine_evaluate(compiled, ticket, at)

    return answer


def facts_at(policy: Policy, at: datetime) -> Callable[[TicketLike], Facts]:
    """``evaluate_items``' answer: each ticket's evaluation at ``at`` as the engine's
    integers (what the Arrow tables are made of)."""
    compiled = policy.compiled
    now = instant_us(at)

    def answer(ticket: TicketLike) -> Facts:
        return engine_facts(compiled, ticket, now)

    return answer
