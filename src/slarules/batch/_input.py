"""Reading ticket files: one reader, the same rules on every path.

Every verb of the command line that reads tickets (``evaluate``, ``explain``, ``timeline``,
``report``, ``diff``) goes through ``read_records``, and the chunks of JSON Lines that
``--workers``, ``--scheduler``, ``map_chunks`` and ``slarules.dask`` cut are read with
``line_records``, so one file reads alike whichever way it is evaluated
(docs/scale.md, *Reading ticket files*):

- Only regular files are read, or standard input (``-``). A FIFO, a device or a socket is
  refused by name before anything is read: opening a FIFO without a writer would wait
  forever, and ``/dev/zero`` never ends.
- The text is UTF-8. One byte-order mark at the very start of the input is skipped.
- ``.jsonl`` and ``.ndjson`` files are JSON Lines; ``.yaml``/``.yml`` files are YAML (one
  ticket or a list of them); Parquet files are read with pyarrow. Any other name, and
  standard input, is one JSON document (an array of tickets, or a ticket written over
  several lines) when its first character that is not white space is ``[``, or when it is
  ``{`` and the first line that is not blank is not a whole JSON value by itself; else
  JSON Lines.
- Lines end at ``\\n`` only; a ``\\r`` just before it is dropped (``\\r\\n``). A ``\\r``
  anywhere else is part of its line, so it cannot split one ticket into two.
- Each line that is not blank is one ticket. A line that cannot be read (not UTF-8, not
  JSON, nested deeper than the parser can follow, a number of over 4,300 digits, longer
  than ``MAX_LINE`` bytes) is a bad ticket named by its line number; the lines after it are
  read as usual and keep their numbers.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Callable, Iterator
from typing import IO, Any

from slarules._errors import PolicyError, UsageError

from ._records import Record

__all__ = [
    "BOM",
    "MAX_LINE",
    "TOO_LONG",
    "WHOLE_CHUNK",
    "YAML_SUFFIXES",
    "check_regular",
    "is_document",
    "line_records",
    "open_input",
    "parse_line",
    "read_records",
    "split_records",
]

BOM = b"\xef\xbb\xbf"
MAX_LINE = 16 << 20  # bytes of one JSON line: a ticket is a few kilobytes
YAML_SUFFIXES = (".yaml", ".yml")
YAML_MAX_BYTES = 1 << 20  # as for policies (load_yaml's limit)
_BLANK = b" \t\r\n"
TOO_LONG = f"the line is longer than {MAX_LINE >> 20} MiB (a ticket is a few kilobytes)"
_TOO_DEEP = "nested too deeply to read (a ticket nests a few levels)"

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "an unusual file"


def check_regular(path: str) -> None:
    """A ``UsageError`` naming ``path`` unless it is a regular file (nothing is opened)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        raise UsageError(_not_regular(path, mode))


def _not_regular(path: str, mode: int) -> str:
    return (
        f"{path}: is {_kind(mode)}, not a regular file; save the tickets to a file, "
        "or pass - and send them to standard input"
    )


def open_input(path: str) -> IO[bytes]:
    """``path`` opened to read bytes (``-``: standard input).

    A missing or unreadable path, a folder, a FIFO, a device or a socket is a
    ``UsageError`` naming it; a FIFO is opened without waiting for a writer, so that
    refusing it never blocks.
    """
    if path == "-":
        return sys.stdin.buffer
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a file of tickets") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UsageError(_not_regular(path, mode))
        if flags & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _number_message(exc: ValueError) -> str | None:
    """The message for a number Python refuses to read (over 4,300 digits), else None."""
    text = str(exc)
    if "integer string conversion" not in text:
        return None
    return f"not valid JSON (a number of more than {sys.get_int_max_str_digits()} digits)"


def parse_line(raw: bytes) -> tuple[Any, str | None]:
    """One line of JSON Lines (its ``\\n`` and a ``\\r`` before it may still be there) as
    ``(value, None)``, or ``(None, why it cannot be read)``."""
    if raw.endswith(b"\n"):
        raw = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not valid UTF-8 (byte 0x{raw[exc.start]:02X} at column {exc.start + 1})"
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg} at column {exc.colno})"
    except RecursionError:
        return None, _TOO_DEEP
    except ValueError as exc:
        message = _number_message(exc)
        if message is None:
            raise
        return None, message


WHOLE_CHUNK = 64 << 20  # a chunk up to this size is read at once and split (faster)


def split_records(data: bytes, name: str, first_line: int, at_start: bool) -> Iterator[Record]:
    """``line_records`` of lines already read, ``data`` (a whole chunk, ending at a line
    end or at the end of the input): split at once, which is faster than line by line."""
    pieces = data.split(b"\n")
    last = len(pieces) - 1  # the piece after the last line end: b"" or a line without one
    if pieces[-1] == b"":
        pieces.pop()
    loads = json.loads
    for i, raw in enumerate(pieces):
        number = first_line + i + 1
        if len(raw) > MAX_LINE:
            yield Record(number - 1, f"{name}:{number}", None, TOO_LONG)
            continue
        if at_start and i == 0 and raw.startswith(BOM):
            raw = raw[3:]
        if not raw.strip(_BLANK):
            continue
        try:
            value = loads(raw.decode())
        except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError too
            # why, in the words (and columns) of the line as line_records reads it
            _, problem = parse_line(raw if i == last else raw + b"\n")
            yield Record(number - 1, f"{name}:{number}", None, problem)
            continue
        yield Record(number - 1, f"{name}:{number}", value)


def line_records(
    stream: IO[bytes],
    name: str,
    *,
    first_line: int = 0,
    size: int | None = None,
    at_start: bool = True,
    lines: list[bytes] | None = None,
    on_read: Callable[[int], None] | None = None,
) -> Iterator[Record]:
    """The tickets of JSON Lines read from ``stream``, one record per line that is not blank.

    The first line read is line ``first_line + 1`` of the input (its record's ``row`` is
    ``first_line``, its ``where`` ``"{name}:{first_line + 1}"``); at most ``size`` bytes are
    read (None: to the end), and ``size`` must end at a line end. ``at_start``: the stream
    is at the start of the input, where a byte-order mark is skipped. ``lines`` are lines
    already read from the stream (they come first); ``on_read(n)`` is told of every ``n``
    bytes read, for progress bars.
    """
    if size is not None and size <= WHOLE_CHUNK and not lines and on_read is None:
        yield from split_records(stream.read(size), name, first_line, at_start)
        return
    line = first_line
    left = size
    pending = iter(lines or ())
    readline = stream.readline
    while left is None or left > 0:
        raw = next(pending, None)
        if raw is None:
            raw = readline(MAX_LINE + 1 if left is None else min(MAX_LINE + 1, left))
            if not raw:
                return
            if left is not None:
                left -= len(raw)
        if on_read is not None:
            on_read(len(raw))
        line += 1
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            while left is None or left > 0:  # skip the rest of the line, a bounded piece at a time
                more = readline(MAX_LINE if left is None else min(MAX_LINE, left))
                if not more:
                    break
                if left is not None:
                    left -= len(more)
                if on_read is not None:
                    on_read(len(more))
                if more.endswith(b"\n"):
                    break
            yield Record(line - 1, f"{name}:{line}", None, TOO_LONG)
            continue
        if at_start and line == first_line + 1 and raw.startswith(BOM):
            raw = raw[3:]
        if raw.strip(_BLANK):
            data, problem = parse_line(raw)
            yield Record(line - 1, f"{name}:{line}", data, problem)


def is_document(first: bytes) -> bool:
    """Whether an input whose first line that is not blank is ``first`` is one JSON
    document rather than JSON Lines (for names other than ``.jsonl``; see the module)."""
    start = first.lstrip(_BLANK)
    if start.startswith(b"["):
        return True
    if not start.startswith(b"{") or len(first) > MAX_LINE:
        return False
    _, problem = parse_line(first)
    return problem is not None


def _document(stream: IO[bytes], name: str, head: list[bytes]) -> Iterator[Record]:
    data = b"".join(head) + stream.read()
    if data.startswith(BOM):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise UsageError(
            f"{name}:{line}:{column}: not valid UTF-8 (byte 0x{data[exc.start]:02X}); "
            "save the file as UTF-8"
        ) from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise UsageError(f"{name}: {_TOO_DEEP}") from None
    except ValueError as exc:
        message = _number_message(exc)
        if message is None:
            raise
        raise UsageError(f"{name}: {message}") from None
    items = value if isinstance(value, list) else [value]
    for i, item in enumerate(items):
        yield Record(i, f"{name}:{i + 1}", item)


def _yaml(stream: IO[bytes], name: str) -> Iterator[Record]:
    from slarules._yaml import load_yaml

    text = stream.read(YAML_MAX_BYTES + 1)
    try:
        data, _ = load_yaml(text, file=name, max_bytes=YAML_MAX_BYTES)
    except PolicyError as exc:
        raise UsageError(str(exc.problems[0])) from None
    items = data if isinstance(data, list) else [data]
    for i, item in enumerate(items):
        yield Record(i, f"{name}:{i + 1}", item)


def _text_records(
    stream: IO[bytes], name: str, sniff: bool, on_read: Callable[[int], None] | None
) -> Iterator[Record]:
    head: list[bytes] = []
    if sniff:
        while True:  # the first line that is not blank decides
            raw = stream.readline(MAX_LINE + 1)
            if not raw:
                break
            head.append(raw)
            first = raw[3:] if len(head) == 1 and raw.startswith(BOM) else raw
            if first.strip(_BLANK):
                if is_document(first):
                    yield from _document(stream, name, head)
                    return
                break
    yield from line_records(stream, name, lines=head, on_read=on_read)


def read_records(path: str, on_read: Callable[[int], None] | None = None) -> Iterator[Record]:
    """Every ticket of the file ``path`` (``-``: standard input), as records that say where
    each came from, read as the module says. An input that cannot be read at all (missing,
    not a regular file, a JSON document or YAML file that does not parse) is a
    ``UsageError`` naming it; a bad line of JSON Lines is a record with its ``problem``.
    ``on_read(n)`` is told of the bytes of JSON Lines read, for progress bars."""
    from ._chunks import chunks_of, input_format, read_chunk

    name = "<stdin>" if path == "-" else path
    fmt = None if path == "-" else input_format(path)
    if fmt == "parquet":
        for chunk in chunks_of(path):
            yield from read_chunk(chunk)
        return
    stream = open_input(path)
    try:
        if path.lower().endswith(YAML_SUFFIXES):
            yield from _yaml(stream, name)
        else:
            yield from _text_records(stream, name, fmt is None, on_read)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
