"""The ticket of a case: a name under ``tickets:``, an inline snapshot, or ``{file: PATH}``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from slarules._errors import PolicyError, TicketError
from slarules._suggest import did_you_mean
from slarules._yaml import load_yaml
from slarules.engine import Ticket, as_ticket

from ._collect import Collector

__all__ = ["DEFAULT_TICKET_ID", "case_ticket", "make_ticket"]

DEFAULT_TICKET_ID = "T-1"


def _ticket_from_file(path: Path, out: Collector, at: tuple[str | int, ...]) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        out.add("ticket-file", f"ticket file {str(path)!r} cannot be read ({exc.strerror})", at)
        return None
    if path.suffix in (".yaml", ".yml"):
        try:
            data, _ = load_yaml(raw, file=str(path))
        except PolicyError as exc:
            out.problems.extend(exc.problems)
            return None
        return data
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        out.add("ticket-file", f"ticket file {str(path)!r} is not valid JSON ({exc})", at)
        return None


def make_ticket(
    data: Any, default_id: str, out: Collector, at: tuple[str | int, ...]
) -> Ticket | None:
    if isinstance(data, Mapping) and "id" not in data:
        data = {"id": default_id, **data}
    try:
        return as_ticket(data)
    except TicketError as exc:
        out.add("bad-ticket", str(exc), at, "a ticket has id, fields, events, statuses and done")
        return None


def case_ticket(
    written: Any,
    named: Mapping[Any, Any],
    shared: Mapping[str, Ticket],
    path: Path,
    out: Collector,
    base: tuple[str | int, ...],
) -> Ticket | None:
    """The ticket of a case from its ``ticket:`` value as written (``None`` when it is bad).

    ``named`` is the ``tickets:`` mapping as written, ``shared`` the tickets made from it.
    A value of the wrong shape is left to the shape check.
    """
    where = (*base, "ticket")
    if isinstance(written, str):
        if written in shared:
            return shared[written]
        if written not in named:  # a known name with a bad ticket is reported once
            out.add(
                "unknown-ticket",
                f"no ticket named {written!r} under `tickets:`",
                where,
                did_you_mean(written, [str(n) for n in named])
                or "write the ticket inline, or {file: PATH}",
            )
        return None
    if not isinstance(written, Mapping):
        return None
    if set(written) == {"file"}:
        if not isinstance(written["file"], str):
            out.add("wrong-type", "`file:` takes a path", (*where, "file"))
            return None
        data = _ticket_from_file(path.parent / written["file"], out, where)
        return None if data is None else make_ticket(data, DEFAULT_TICKET_ID, out, where)
    return make_ticket(written, DEFAULT_TICKET_ID, out, where)
