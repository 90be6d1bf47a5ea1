"""Arrow tickets to records: columns in the ticket JSON shape, as ``pyarrow.json`` and Parquet
store it (``id``, ``fields``, ``events``, ``statuses``, ``done``).

Accepted column types: ``fields`` and ``events`` as a struct, a map or JSON text;
``statuses`` as a list of ``{at, status}`` structs or JSON text; ``done`` as a list of
strings or JSON text. Instants are timestamps with a time zone or ISO 8601 text with an
offset; a timestamp column without a time zone is refused for every ticket that has a value
in it, because nobody can tell which offset it meant. In Arrow a null is an absent value:
a null field, event or status list means the key is not there. Other columns are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from slarules._errors import UsageError

from ._deps import require
from ._records import Record

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "SLICE_ROWS",
    "TICKET_COLUMNS",
    "ArrowRecords",
    "check_tickets",
    "naive_columns",
    "records_from_arrow",
    "records_of",
    "row_label",
]

TICKET_COLUMNS = ("id", "fields", "events", "statuses", "done")

NAIVE_HINT = (
    "the Arrow input holds timestamps without a time zone ({column}), so their offsets "
    "are lost; store instants as timestamp[us, tz=UTC] or as ISO 8601 text with an offset "
    "(slarules.batch.read_json keeps the offsets that pyarrow.json.read_json drops)"
)


def _walk(typ: pa.DataType, path: str, out: list[str]) -> None:
    pa = require("pyarrow")
    if pa.types.is_timestamp(typ):
        if typ.tz is None:
            out.append(path)
    elif pa.types.is_struct(typ):
        for i in range(typ.num_fields):
            child = typ.field(i)
            _walk(child.type, f"{path}.{child.name}", out)
    elif pa.types.is_map(typ):
        _walk(typ.item_type, f"{path}[]", out)
    elif pa.types.is_list(typ) or pa.types.is_large_list(typ):
        _walk(typ.value_type, f"{path}[]", out)


def naive_columns(schema: pa.Schema) -> list[str]:
    """Paths of timestamp columns without a time zone in ``events`` and ``statuses``."""
    out: list[str] = []
    for name in ("events", "statuses"):
        if name in schema.names:
            _walk(schema.field(name).type, name, out)
    return out


_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_NAIVE = datetime(1970, 1, 1)
_PER_US = {"s": 1_000_000, "ms": 1_000, "us": 1, "ns": -1_000}


def _instants(array: pa.Array) -> list[Any]:
    """Timestamps as datetimes: UTC when the type has a time zone, naive when it has none.

    Much faster than ``to_pylist``, which looks the zone up for every value.
    """
    pa = require("pyarrow")
    typ = array.type
    ints: list[int | None] = array.cast(pa.int64()).to_pylist()
    epoch = _EPOCH_UTC if typ.tz is not None else _EPOCH_NAIVE
    factor = _PER_US[typ.unit]
    try:
        if factor > 0:
            return [None if v is None else epoch + timedelta(microseconds=v * factor) for v in ints]
        return [None if v is None else epoch + timedelta(microseconds=v // -factor) for v in ints]
    except OverflowError:
        return [_instant(v, epoch, factor, typ.unit) for v in ints]


def _instant(v: int | None, epoch: datetime, factor: int, unit: str) -> Any:
    if v is None:
        return None
    try:
        us = v * factor if factor > 0 else v // -factor
        return epoch + timedelta(microseconds=us)
    except OverflowError:
        return f"timestamp {v} ({unit} since 1970) out of range"


def _values(array: pa.Array) -> list[Any]:
    """An Arrow array as Python values (structs as dicts, lists as lists)."""
    pa = require("pyarrow")
    typ = array.type
    if pa.types.is_timestamp(typ):
        return _instants(array)
    if pa.types.is_struct(typ):
        names = [typ.field(i).name for i in range(typ.num_fields)]
        children = [_values(child) for child in array.flatten()]
        # A null member is an absent key (a struct has a slot for every key of any row).
        rows: list[Any] = [
            {k: v for k, v in zip(names, vals, strict=False) if v is not None}
            for vals in zip(*children, strict=False)
        ]
        if not names:
            rows = [{} for _ in range(len(array))]
        return _nulls(array, rows)
    if pa.types.is_map(typ):
        # as to_pylist gives them (lists of (key, value) pairs), but instants as _instants
        # reads them: one out of range is a message for its ticket, not an OverflowError
        offsets, base, end = _offsets(array)
        keys = _values(array.keys.slice(base, end - base))
        items = _values(array.items.slice(base, end - base))
        pairs = list(zip(keys, items, strict=True))
        return _nulls(array, [pairs[a - base : b - base] for a, b in pairwise(offsets)])
    if pa.types.is_list(typ) or pa.types.is_large_list(typ):
        offsets, base, end = _offsets(array)
        items = _values(array.values.slice(base, end - base))
        return _nulls(array, [items[a - base : b - base] for a, b in pairwise(offsets)])
    values: list[Any] = array.to_pylist()
    return values


def _offsets(array: pa.Array) -> tuple[list[int], int, int]:
    """A list or map column's offsets, and the first and last of them."""
    offsets: list[int] = array.offsets.to_pylist()
    return offsets, offsets[0], offsets[-1]


def _nulls(array: pa.Array, values: list[Any]) -> list[Any]:
    """``values``, one per row of ``array``, with ``None`` for its null rows."""
    if not array.null_count:
        return values
    valid = array.is_valid().to_pylist()
    return [v if ok else None for v, ok in zip(values, valid, strict=True)]


def _pylist(column: pa.ChunkedArray | pa.Array) -> list[Any]:
    pa = require("pyarrow")
    if isinstance(column, pa.ChunkedArray):
        out: list[Any] = []
        for chunk in column.chunks:
            out.extend(_values(chunk))
        return out
    return _values(column)


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if text.startswith(("{'", "[{'", "['")):
            return _Bad(
                f"not valid JSON ({exc.msg}); it looks like a Python value turned into text, "
                "as dask does to object columns (dataframe.convert-string): keep Arrow types "
                "with to_pandas(types_mapper=pandas.ArrowDtype)"
            )
        return _Bad(f"not valid JSON ({exc.msg})")


class _Bad:
    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _mapping(value: Any) -> Any:
    """A struct (dict), map (list of pairs) or JSON text, as a dict without null values."""
    if value is None:
        return None
    if isinstance(value, str):
        return _parse_json(value)
    if isinstance(value, list):
        return {k: v for k, v in value if v is not None}
    return value  # a struct: nulls are already left out


def _sequence(value: Any) -> Any:
    if isinstance(value, str):
        return _parse_json(value)
    return value


def _converter(column: str, typ: pa.DataType) -> Callable[[Any], Any]:
    pa = require("pyarrow")
    if column in ("fields", "events"):
        return _mapping
    if column == "statuses" and (pa.types.is_list(typ) or pa.types.is_large_list(typ)):
        return lambda v: v if v is None else [s for s in v if s is not None]
    return _sequence


def check_tickets(tickets: object) -> None:
    """Raise ``UsageError`` unless ``tickets`` is an Arrow table with an ``id`` column and
    one column of each ticket column name."""
    pa = require("pyarrow")
    if not isinstance(tickets, pa.Table | pa.RecordBatch):
        raise UsageError(
            f"tickets must be a pyarrow.Table or RecordBatch, not {type(tickets).__name__}"
        )
    names = tickets.schema.names
    if "id" not in names:
        raise UsageError(
            "the tickets table has no 'id' column; its columns must follow the ticket JSON "
            f"shape ({', '.join(TICKET_COLUMNS)}), it has: {', '.join(names) or 'none'}"
        )
    for name in TICKET_COLUMNS:
        if names.count(name) > 1:
            raise UsageError(
                f"the tickets table has {names.count(name)} columns named {name!r}; keep one "
                "(a join or a concatenation of tables may have added the others)"
            )


# Rows turned into Python objects at a time: enough to spread the fixed cost of each Arrow
# call thin, few enough to keep memory low (2,000 evaluations: about 7 MiB).
SLICE_ROWS = 2_000

Part = tuple["pa.Table | pa.RecordBatch", str, int]  # rows, "where" label, first row number


class ArrowRecords(Iterator[Record]):
    """The rows of Arrow tables as records in the ticket JSON shape, read lazily.

    An iterator of ``Record`` like any other. The evaluating functions of this package
    read its ``parts()`` instead, slice by slice, straight into the engine's form when the
    columns are typed (``_typed.slices``); use one or the other, once.
    """

    __slots__ = ("_parts", "_records")

    def __init__(self, parts: Iterable[Part]) -> None:
        self._parts = iter(parts)
        self._records: Iterator[Record] | None = None

    def __next__(self) -> Record:
        if self._records is None:
            self._records = (
                record
                for tickets, label, first in self._parts
                for offset in range(0, tickets.num_rows, SLICE_ROWS)
                for record in records_of(tickets.slice(offset, SLICE_ROWS), label, first + offset)
            )
        return next(self._records)

    def parts(self) -> Iterator[Part]:
        """The tables, each with how its rows are named and the number of its first row."""
        return self._parts


def records_from_arrow(
    tickets: pa.Table | pa.RecordBatch, *, source: str = "", first_row: int = 0
) -> ArrowRecords:
    """The rows of ``tickets`` as records in the ticket JSON shape.

    The columns are checked at once; the rows are converted ``SLICE_ROWS`` at a time as
    they are read, so few Python objects are alive at any moment: that keeps memory low
    and the garbage collector, which scans every live object, cheap.
    """
    check_tickets(tickets)
    return ArrowRecords([(tickets, row_label(source), first_row)])


def row_label(source: str) -> str:
    """How a row of ``source`` is named in messages: ``"tickets.parquet row"``."""
    return f"{source} row" if source else "row"


def records_of(
    piece: pa.Table | pa.RecordBatch,
    label: str,
    first_row: int,
    positions: list[int] | None = None,
) -> list[Record]:
    """The rows of ``piece`` (or the rows at ``positions`` of it) as records."""
    if positions is not None:
        piece = piece.take(positions)
    names = piece.schema.names
    present = [c for c in TICKET_COLUMNS if c in names]
    columns: dict[str, list[Any]] = {}
    for name in present:
        values = _pylist(piece.column(name))
        if name != "id":
            convert = _converter(name, piece.schema.field(name).type)
            values = [convert(v) for v in values]
        columns[name] = values
    rows = positions if positions is not None else range(piece.num_rows)
    return list(_rows(columns, present, rows, label, first_row))


def _rows(
    columns: dict[str, list[Any]],
    present: list[str],
    positions: Iterable[int],
    label: str,
    first_row: int,
) -> Iterator[Record]:
    for i, position in enumerate(positions):
        data: dict[str, Any] = {}
        problem = None
        for name in present:
            value = columns[name][i]
            if isinstance(value, _Bad):
                problem = f"{name}: {value.message}"
            elif value is not None:
                data[name] = value
        row = first_row + position
        yield Record(row, f"{label} {row + 1}", data, problem)
