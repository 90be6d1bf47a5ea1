"""Reading ticket files into Arrow tables without losing time zones."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, cast

from slarules._errors import UsageError

from ._chunks import input_format
from ._deps import require

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["read_json", "read_tickets"]


def _as_text(typ: pa.DataType) -> pa.DataType:
    pa = require("pyarrow")
    if pa.types.is_timestamp(typ):
        return pa.string()
    if pa.types.is_struct(typ):
        return pa.struct([f.with_type(_as_text(f.type)) for f in typ])
    if pa.types.is_list(typ):
        return pa.list_(typ.value_field.with_type(_as_text(typ.value_type)))
    return typ


def read_json(path: str | os.PathLike[str]) -> pa.Table:
    """Read tickets from JSON Lines, keeping each instant's UTC offset.

    ``pyarrow.json.read_json`` turns ``"2025-10-09T14:30:00+08:00"`` into a timestamp
    *without* a time zone (and reads an offset-less time the same way), which slarules
    refuses. This reads the file with instants as text; the engine parses them.
    """
    pyarrow = require("pyarrow")
    pj = require("pyarrow.json")
    name = os.fspath(path)
    try:
        inferred = pj.read_json(name)
        fixed = pyarrow.schema([f.with_type(_as_text(f.type)) for f in inferred.schema])
        if fixed == inferred.schema:
            return cast("pa.Table", inferred)
        options = pj.ParseOptions(explicit_schema=fixed)
        table = cast("pa.Table", pj.read_json(name, parse_options=options))
    except FileNotFoundError:
        raise UsageError(f"{name}: no such file") from None
    except (pyarrow.ArrowInvalid, OSError) as exc:
        raise UsageError(f"{name}: cannot be read as JSON Lines ({exc})") from None
    return table


def read_tickets(path: str | os.PathLike[str]) -> pa.Table:
    """A Parquet file or JSON Lines file of tickets as one ``pyarrow.Table``."""
    name = os.fspath(path)
    if input_format(name) == "parquet":
        pyarrow = require("pyarrow")
        pq = require("pyarrow.parquet")
        try:
            table = cast("pa.Table", pq.read_table(name))
        except FileNotFoundError:
            raise UsageError(f"{name}: no such file") from None
        except (pyarrow.ArrowInvalid, OSError) as exc:
            raise UsageError(f"{name}: cannot be read as Parquet ({exc})") from None
        return table
    return read_json(name)
