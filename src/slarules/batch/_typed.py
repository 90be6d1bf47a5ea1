"""Typed Arrow columns straight to the engine's ticket form, without pydantic or datetimes.

When the columns carry types that already guarantee what validating a ``Ticket`` checks
(an id as text or an integer, instants as timestamps with a time zone, statuses as
``{at, status}`` structs, done keys as text), each row becomes an
``slarules.engine._ticket.Prepared``: instants as integer UTC microseconds read per column,
status changes sorted by time (a stable sort by instant, as ``Ticket`` sorts them), an
integer id as text. ``evaluate`` answers exactly as for the equal ``Ticket``.

A row a ``Ticket`` would refuse (a null id, a status change without its instant, a null
done key, an instant outside the years 1 to 9999) is not judged here: it is read the
ordinary way (``records_of``) and validated with pydantic, so its message is the one it
always had. Tables of other column types (JSON text, timestamps without a time zone, ...)
take the ordinary way entirely.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import islice, pairwise
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar, cast

from slarules.engine._ticket import Prepared

from . import _convert as convert
from ._convert import (
    TICKET_COLUMNS,
    ArrowRecords,
    _mapping,
    _offsets,
    _pylist,
    _values,
    records_of,
)
from ._deps import require
from ._records import Record, paused_gc

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["Item", "Read", "in_range", "items_of", "map_slices", "reader", "typed"]

T = TypeVar("T")
Item = Prepared | Record  # a ticket in the engine's form, or a row read the ordinary way

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
# The instants a datetime can hold: a Ticket refuses the others.
_LOWEST = (datetime.min.replace(tzinfo=UTC) - _EPOCH) // _US
_HIGHEST = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // _US
_PER_US = {"s": 1_000_000, "ms": 1_000, "us": 1}
_WHEN = itemgetter(0)
_NONE: frozenset[str] = frozenset()


def _text(typ: pa.DataType) -> bool:
    pa = require("pyarrow")
    return bool(pa.types.is_string(typ) or pa.types.is_large_string(typ))


def _listed(typ: pa.DataType) -> bool:
    pa = require("pyarrow")
    return bool(pa.types.is_list(typ) or pa.types.is_large_list(typ))


def _aware(typ: pa.DataType) -> bool:
    pa = require("pyarrow")
    return bool(pa.types.is_timestamp(typ) and typ.tz is not None)


def _unique(names: list[str]) -> bool:
    return len(set(names)) == len(names)


def _typed_column(name: str, typ: pa.DataType) -> bool:
    pa = require("pyarrow")
    if name == "id":
        return _text(typ) or bool(pa.types.is_integer(typ))
    if pa.types.is_null(typ):
        return True  # every value absent
    if name == "fields":
        # any struct; a map only with text keys (a Ticket's fields have text names)
        return bool(pa.types.is_struct(typ)) or (pa.types.is_map(typ) and _text(typ.key_type))
    if name == "events":
        if pa.types.is_struct(typ):
            kids = [typ.field(i) for i in range(typ.num_fields)]
            return _unique([k.name for k in kids]) and all(
                _aware(k.type) or pa.types.is_null(k.type) for k in kids
            )
        return bool(pa.types.is_map(typ)) and _text(typ.key_type) and _aware(typ.item_type)
    if not _listed(typ):
        return False
    item = typ.value_type
    if pa.types.is_null(item):
        return True  # only null items, which are left out
    if name == "statuses":
        if not pa.types.is_struct(item) or item.num_fields != 2:
            return False
        parts = {item.field(i).name: item.field(i).type for i in range(2)}
        return set(parts) == {"at", "status"} and _aware(parts["at"]) and _text(parts["status"])
    return _text(item)  # done


def typed(schema: pa.Schema) -> bool:
    """Whether every ticket column of ``schema`` can be read straight into ``Prepared``."""
    names = schema.names
    if any(names.count(c) > 1 for c in TICKET_COLUMNS) or "id" not in names:
        return False
    return all(_typed_column(c, schema.field(c).type) for c in TICKET_COLUMNS if c in names)


def _array(piece: pa.Table | pa.RecordBatch, name: str) -> pa.Array:
    pa = require("pyarrow")
    column = piece.column(name)
    if isinstance(column, pa.ChunkedArray):
        if column.num_chunks == 1:
            return column.chunk(0)
        return column.combine_chunks()
    return column


def _micros(
    array: pa.Array, bad: set[int], rows: list[int] | None = None, check: bool = True
) -> list[Any]:
    """Timestamps as integer UTC microseconds (``None`` for nulls). With ``check``, the
    position of any instant a datetime cannot hold goes into ``bad`` (as ``rows[position]``
    if given)."""
    pa = require("pyarrow")
    pc = require("pyarrow.compute")
    unit = array.type.unit
    ints = array.cast(pa.int64())
    values: list[Any] = ints.to_pylist()
    if unit == "ns":
        values = [None if v is None else v // 1_000 for v in values]
    elif unit != "us":
        factor = _PER_US[unit]
        values = [None if v is None else v * factor for v in values]
    if not check or unit == "ns" or array.null_count == len(array):
        return values  # nanoseconds since 1970 always fit
    low, high = pc.min_max(ints).values()
    factor = _PER_US[unit]
    if low.as_py() * factor >= _LOWEST and high.as_py() * factor <= _HIGHEST:
        return values
    for i, v in enumerate(values):
        if v is not None and not _LOWEST <= v <= _HIGHEST:
            bad.add(rows[i] if rows is not None else i)
    return values


def _ids(array: pa.Array, bad: set[int]) -> list[Any]:
    pa = require("pyarrow")
    ids: list[Any] = array.to_pylist()
    if pa.types.is_integer(array.type):
        ids = [None if v is None else str(v) for v in ids]
    if array.null_count:
        bad.update(i for i, v in enumerate(ids) if v is None)
    return ids


def _dicts(names: list[str], columns: list[list[Any]], n: int) -> list[dict[str, Any]]:
    """Per row, ``{name: value}`` of the columns' values that are not null (a later
    column of the same name wins), built column by column: faster than row by row."""
    if not names:
        return [{} for _ in range(n)]
    name, first = names[0], columns[0]
    rows: list[dict[str, Any]] = [{} if v is None else {name: v} for v in first]
    for name, column in zip(names[1:], columns[1:], strict=True):
        for row, v in zip(rows, column, strict=True):
            if v is not None:
                row[name] = v
    return rows


def _fields(array: pa.Array, n: int) -> list[dict[str, Any]]:
    # the values converted the ordinary way: a Ticket takes any values as they are
    pa = require("pyarrow")
    typ = array.type
    if pa.types.is_struct(typ):
        names = [typ.field(i).name for i in range(typ.num_fields)]
        return _dicts(names, [_values(child) for child in array.flatten()], n)
    return [_mapping(v) or {} for v in _pylist(array)]


def _owners(offsets: list[int]) -> list[int]:
    """For each list item, the row it belongs to."""
    out: list[int] = []
    for row, (a, b) in enumerate(pairwise(offsets)):
        out.extend([row] * (b - a))
    return out


def _events(array: pa.Array, n: int, bad: set[int], check: bool) -> list[dict[str, int]]:
    pa = require("pyarrow")
    if pa.types.is_null(array.type):
        return [{} for _ in range(n)]
    if pa.types.is_struct(array.type):
        typ = array.type
        names: list[str] = []
        columns: list[list[Any]] = []
        for field, child in zip(typ, array.flatten(), strict=True):  # parent nulls applied
            if not pa.types.is_null(field.type):
                names.append(field.name)
                columns.append(_micros(child, bad, None, check))
        return _dicts(names, columns, n)
    # a map: per row, a list of (name, instant) pairs; a later pair wins, as in a dict
    offsets, base, end = _offsets(array)
    keys: list[str] = array.keys.slice(base, end - base).to_pylist()
    owners = _owners(offsets)
    when = _micros(array.items.slice(base, end - base), bad, owners, check)
    valid = array.is_valid().to_pylist() if array.null_count else None
    out: list[dict[str, int]] = []
    for row, (a, b) in enumerate(pairwise(offsets)):
        if valid is not None and not valid[row]:
            out.append({})
            continue
        out.append({keys[j]: when[j] for j in range(a - base, b - base) if when[j] is not None})
    return out


def _list_parts(array: pa.Array) -> tuple[list[int], int, pa.Array] | None:
    """A list column's offsets, the first of them, and the items its rows hold (``None``
    when no row holds any)."""
    pa = require("pyarrow")
    if pa.types.is_null(array.type) or pa.types.is_null(array.type.value_type):
        return None
    offsets, base, end = _offsets(array)
    if end == base:
        return None
    return offsets, base, array.values.slice(base, end - base)


def _statuses(
    array: pa.Array, n: int, bad: set[int], check: bool
) -> list[tuple[tuple[int, str], ...]]:
    empty: list[tuple[tuple[int, str], ...]] = [()] * n
    parts = _list_parts(array)
    if parts is None:
        return empty
    offsets, base, items = parts
    owners = _owners(offsets)
    children = dict(zip([f.name for f in items.type], items.flatten(), strict=True))
    when = _micros(children["at"], bad, owners, check)
    status: list[Any] = children["status"].to_pylist()
    present = items.is_valid().to_pylist() if items.null_count else None
    valid = array.is_valid().to_pylist() if array.null_count else None
    out = empty[:]
    for row in dict.fromkeys(owners):  # the rows with status changes, in order
        if valid is not None and not valid[row]:
            continue
        a, b = offsets[row], offsets[row + 1]
        changes: list[tuple[int, str]] = []
        for j in range(a - base, b - base):
            if present is not None and not present[j]:
                continue  # a null status change is absent
            at, entered = when[j], status[j]
            if at is None or entered is None:
                bad.add(row)  # a Ticket says which of the two is required
                break
            changes.append((at, entered))
        out[row] = tuple(sorted(changes, key=_WHEN)) if len(changes) > 1 else tuple(changes)
    return out


def _done(array: pa.Array, n: int, bad: set[int]) -> list[frozenset[str]]:
    empty = [_NONE] * n
    parts = _list_parts(array)
    if parts is None:
        return empty
    offsets, base, keys = parts
    values: list[Any] = keys.to_pylist()
    valid = array.is_valid().to_pylist() if array.null_count else None
    if keys.null_count:
        owners = _owners(offsets)
        bad.update(owners[j] for j, v in enumerate(values) if v is None)
    out = empty
    for row, (a, b) in enumerate(pairwise(offsets)):
        if a != b and (valid is None or valid[row]):
            out[row] = frozenset(values[a - base : b - base])
    return out


def items_of(
    piece: pa.Table | pa.RecordBatch, label: str, first_row: int, *, check: bool = True
) -> list[Item]:
    """The rows of ``piece`` (a typed table, see ``typed``) as ``Prepared`` tickets, or as
    ordinary records for rows a ``Ticket`` would refuse (to get the same message).

    ``check=False`` skips looking for instants a datetime cannot hold (``in_range`` found
    none in the whole table)."""
    n = piece.num_rows
    if n == 0:
        return []
    names = piece.schema.names
    bad: set[int] = set()
    ids = _ids(_array(piece, "id"), bad)
    fields = _fields(_array(piece, "fields"), n) if "fields" in names else None
    events = _events(_array(piece, "events"), n, bad, check) if "events" in names else None
    statuses = _statuses(_array(piece, "statuses"), n, bad, check) if "statuses" in names else None
    done = _done(_array(piece, "done"), n, bad) if "done" in names else None
    items: list[Item] = [
        Prepared(
            ids[i],
            fields[i] if fields is not None else {},
            events[i] if events is not None else {},
            statuses[i] if statuses is not None else (),
            done[i] if done is not None else _NONE,
        )
        for i in range(n)
    ]
    if bad:
        positions = sorted(bad)
        for position, record in zip(
            positions, records_of(piece, label, first_row, positions), strict=True
        ):
            items[position] = record
    return items


def _instant_arrays(tickets: pa.Table | pa.RecordBatch) -> Iterator[pa.Array]:
    """Every timestamp array of the events and statuses of a typed table (values under a
    null parent included: this only looks for instants out of range, and may over-find)."""
    pa = require("pyarrow")
    for name in ("events", "statuses"):
        if name not in tickets.schema.names:
            continue
        column = tickets.column(name)
        chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
        for chunk in chunks:
            typ = chunk.type
            if pa.types.is_null(typ):
                continue
            if name == "events" and pa.types.is_struct(typ):
                for i in range(typ.num_fields):
                    if pa.types.is_timestamp(typ.field(i).type):
                        yield chunk.field(i)
            elif name == "events":
                yield chunk.items
            elif pa.types.is_struct(typ.value_type):
                yield chunk.values.field("at")


def in_range(tickets: pa.Table | pa.RecordBatch) -> bool:
    """Whether every instant of a typed table is one a datetime can hold (years 1 to 9999),
    found with one pass per column instead of one per slice."""
    pa = require("pyarrow")
    pc = require("pyarrow.compute")
    for array in _instant_arrays(tickets):
        unit = array.type.unit
        if unit == "ns" or array.null_count == len(array):
            continue  # nanoseconds since 1970 always fit
        low, high = pc.min_max(array.cast(pa.int64())).values()
        factor = _PER_US[unit]
        if low.as_py() * factor < _LOWEST or high.as_py() * factor > _HIGHEST:
            return False
    return True


Read = Callable[["pa.Table | pa.RecordBatch", str, int], list[Item]]


def reader(tickets: pa.Table | pa.RecordBatch) -> Read:
    """How to read slices of ``tickets``: ``read(piece, label, first_row)`` gives the
    tickets of the slice ``piece`` as ``Prepared`` tickets when the columns are typed,
    else as records in the ticket JSON shape, validated later as ``policy.evaluate`` does."""
    if not typed(tickets.schema):
        return cast("Read", records_of)
    return partial(items_of, check=not in_range(tickets))


def map_slices(records: Iterable[Record], work: Callable[[list[Item], str, int], T]) -> Iterator[T]:
    """``work(items, label, first_row)`` for the tickets of ``records``, ``SLICE_ROWS`` at a
    time, each result handed on as it is made.

    Records read from Arrow (``ArrowRecords``) are read a slice at a time, as ``Prepared``
    tickets when the columns are typed (``reader``); other records are taken as they are.
    The cyclic garbage collector is paused while a slice is read and worked on
    (``paused_gc``), so it never scans the slice's tickets and answers, and runs again
    before the result is yielded: the consumer, and whatever else the process does while
    this generator waits, never run with it paused.
    """
    size = convert.SLICE_ROWS
    if isinstance(records, ArrowRecords):
        for tickets, label, first in records.parts():
            read = reader(tickets)
            for offset in range(0, tickets.num_rows, size):
                start = first + offset
                with paused_gc():
                    result = work(read(tickets.slice(offset, size), label, start), label, start)
                yield result
        return
    todo = iter(records)
    while True:
        with paused_gc():
            batch: list[Item] = list(islice(todo, size))
            if not batch:
                return
            result = work(batch, "row", 0)
        yield result
