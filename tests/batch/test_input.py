"""The one ticket reader: every path (the verbs, the chunks of ``--workers``) reads a file alike."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slarules import UsageError
from slarules.batch import Record, chunks_of, read_chunk
from slarules.batch import _input as reader
from slarules.batch._input import read_records

GOOD = {
    "id": "A-1",
    "fields": {"level": "urgent"},
    "events": {"created": "2025-10-09T14:30:00+08:00"},
}


def line(ticket_id: str) -> bytes:
    return json.dumps({**GOOD, "id": ticket_id}).encode()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def chunked(path: Path, rows: int = 2) -> list[Record]:
    return [r for c in chunks_of(path, rows=rows) for r in read_chunk(c)]


def both(path: Path) -> list[Record]:
    """The records as the verbs read them, checked equal to the records of the chunks."""
    plain = list(read_records(str(path)))
    assert chunked(path) == plain
    assert chunked(path, rows=1) == plain
    return plain


def ids(records: list[Record]) -> list[Any]:
    return [r.data["id"] if r.problem is None else r.problem for r in records]


def test_a_line_nested_too_deeply_is_one_bad_ticket(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", line("A-1") + b"\n" + b"[" * 100_000 + b"\n" + line("A-3"))
    records = both(path)
    assert [r.where for r in records] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert records[1].problem == "nested too deeply to read (a ticket nests a few levels)"
    assert records[2].data["id"] == "A-3"


def test_a_byte_that_is_not_utf8_is_one_bad_ticket_named_with_its_column(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", line("A-1") + b'\n{"id": "\xff"}\n' + line("A-3") + b"\n")
    assert ids(both(path)) == ["A-1", "not valid UTF-8 (byte 0xFF at column 9)", "A-3"]


def test_a_number_of_5000_digits_is_one_bad_ticket(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", b'{"id": ' + b"9" * 5000 + b"}\n" + line("A-2") + b"\n")
    records = both(path)
    assert records[0].problem == "not valid JSON (a number of more than 4300 digits)"
    assert records[1].data["id"] == "A-2"


def test_a_byte_order_mark_at_the_start_is_skipped_on_every_path(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", reader.BOM + line("A-1") + b"\n" + line("A-2") + b"\n")
    assert ids(both(path)) == ["A-1", "A-2"]
    other = write(tmp_path / "t.json", reader.BOM + line("A-1") + b"\n" + line("A-2") + b"\n")
    assert ids(list(read_records(str(other)))) == ["A-1", "A-2"]
    array = write(tmp_path / "a.json", reader.BOM + b"[" + line("A-1") + b"]")
    assert ids(list(read_records(str(array)))) == ["A-1"]


def test_a_byte_order_mark_inside_the_file_is_not_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", line("A-1") + b"\n" + reader.BOM + line("A-2") + b"\n")
    records = both(path)
    assert records[1].problem is not None
    assert records[1].problem.startswith("not valid JSON (Unexpected UTF-8 BOM")


def test_a_bare_carriage_return_does_not_split_a_line(tmp_path: Path) -> None:
    split = line("A-2").replace(b', "events"', b',\r "events"')
    path = write(tmp_path / "t.jsonl", line("A-1") + b"\n" + split + b"\n" + line("A-3") + b"\n")
    records = both(path)
    assert ids(records) == ["A-1", "A-2", "A-3"]
    assert [r.where for r in records] == [f"{path}:{n}" for n in (1, 2, 3)]


def test_a_carriage_return_inside_a_string_is_one_bad_line(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", b'{"id": "A\r1"}\n' + line("A-2") + b"\n")
    records = both(path)
    assert records[0].problem == "not valid JSON (Invalid control character at at column 10)"
    assert records[1].where == f"{path}:2"


def test_crlf_line_ends_are_read_as_line_ends(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", line("A-1") + b"\r\n\r\n" + line("A-3") + b"\r\n")
    records = both(path)
    assert ids(records) == ["A-1", "A-3"]
    assert [r.where for r in records] == [f"{path}:1", f"{path}:3"]


def test_a_malformed_first_line_of_json_lines_is_one_bad_ticket(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", b'{"id": \n' + line("A-2") + b"\n")
    assert ids(both(path)) == ["not valid JSON (Expecting value at column 8)", "A-2"]


def test_documents_are_read_whole_when_the_name_says_nothing(tmp_path: Path) -> None:
    pretty = json.dumps(GOOD, indent=2).encode()
    assert ids(list(read_records(str(write(tmp_path / "t.json", pretty))))) == ["A-1"]
    array = json.dumps([GOOD, {**GOOD, "id": "A-2"}], indent=2).encode()
    records = list(read_records(str(write(tmp_path / "a.json", array))))
    assert [(r.where, r.data["id"]) for r in records] == [
        (f"{tmp_path / 'a.json'}:1", "A-1"),
        (f"{tmp_path / 'a.json'}:2", "A-2"),
    ]
    lines = write(tmp_path / "lines.json", line("A-1") + b"\n" + line("A-2") + b"\n")
    assert ids(list(read_records(str(lines)))) == ["A-1", "A-2"]


def test_a_json_lines_file_is_never_read_as_one_document(tmp_path: Path) -> None:
    pretty = json.dumps(GOOD, indent=2).encode()
    records = list(read_records(str(write(tmp_path / "t.jsonl", pretty))))
    assert len(records) == pretty.count(b"\n") + 1
    assert all(r.problem is not None for r in records)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'[{"id": 1},\n {"id": }]', ":2:9: not valid JSON (Expecting value)"),
        (b'[{"id": "\xff"}]', ":1:10: not valid UTF-8 (byte 0xFF); save the file as UTF-8"),
        (b"[" * 100_000, ": nested too deeply to read (a ticket nests a few levels)"),
        (b"[" + b"9" * 5000 + b"]", ": not valid JSON (a number of more than 4300 digits)"),
    ],
)
def test_a_document_that_cannot_be_read_is_a_usage_error(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = write(tmp_path / "t.json", data)
    with pytest.raises(UsageError) as caught:
        list(read_records(str(path)))
    assert str(caught.value) == f"{path}{message}"


def test_a_line_longer_than_the_limit_is_one_bad_ticket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "MAX_LINE", 100)
    monkeypatch.setattr(reader, "TOO_LONG", "too long")
    long = b'{"id": "' + b"x" * 350 + b'"}'
    short = write(tmp_path / "s.jsonl", b'{"id": 1}\n' + long + b"\n\n" + b'{"id": 4}')
    records = both(short)
    assert [(r.where, r.problem) for r in records] == [
        (f"{short}:1", None),
        (f"{short}:2", "too long"),
        (f"{short}:4", None),
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="this OS has no FIFOs (os.mkfifo)")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "t.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match=r"t.jsonl: is a FIFO \(named pipe\), not a regular file"):
        list(read_records(str(fifo)))
    with pytest.raises(UsageError, match="is a FIFO"):
        chunks_of(fifo)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="this OS has no /dev/zero")
def test_a_device_is_refused_before_anything_is_read() -> None:
    with pytest.raises(UsageError, match="/dev/zero: is a character device, not a regular"):
        list(read_records("/dev/zero"))


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        list(read_records(str(tmp_path)))


LINES = st.lists(
    st.one_of(
        st.builds(lambda i: line(f"T-{i}"), st.integers(0, 99)),
        st.sampled_from(
            [b"", b"   ", b"{oops", b'{"id": "\xff"}', b"[1, 2]", b'"text"', b"\r", b'{"id": \r']
        ),
        st.binary(max_size=12),
    ),
    max_size=12,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=LINES,
    ends=st.lists(st.sampled_from([b"\n", b"\r\n"]), min_size=12, max_size=12),
    bom=st.booleans(),
    last_end=st.booleans(),
    rows=st.integers(1, 5),
)
def test_every_path_reads_any_bytes_alike(
    tmp_path: Path,
    lines: list[bytes],
    ends: list[bytes],
    bom: bool,
    last_end: bool,
    rows: int,
) -> None:
    """The verbs' reader and the chunks of any size give the same records, line numbers
    counted on ``\\n`` alone, whatever the bytes."""
    data = b"".join(text + end for text, end in zip(lines, ends, strict=False))
    if lines and not last_end:
        data = data[: -len(ends[len(lines) - 1])]
    if bom:
        data = reader.BOM + data
    path = write(tmp_path / "t.jsonl", data)
    plain = list(read_records(str(path)))
    assert chunked(path, rows=rows) == plain
    counted = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    assert all(int(r.where.rsplit(":", 1)[1]) <= max(1, counted) for r in plain)
    assert [r.row + 1 for r in plain] == [int(r.where.rsplit(":", 1)[1]) for r in plain]


def test_standard_input_is_read_by_the_same_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    data = reader.BOM + line("A-1") + b"\r\n" + b'{"id": "\xff"}\n'
    fake = io.TextIOWrapper(io.BytesIO(data))
    monkeypatch.setattr(sys, "stdin", fake)
    records = list(read_records("-"))
    assert [(r.where, r.problem) for r in records] == [
        ("<stdin>:1", None),
        ("<stdin>:2", "not valid UTF-8 (byte 0xFF at column 9)"),
    ]
