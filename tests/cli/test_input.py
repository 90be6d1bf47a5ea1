"""Ticket files read alike by every verb and every ``evaluate`` path (issue 15, items 8, 13)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from .helpers import Run

AT = "2025-10-09T16:00:00+08:00"
BOM = b"\xef\xbb\xbf"


def ticket(ticket_id: str) -> bytes:
    data = {"id": ticket_id, "fields": {"level": "urgent"}, "events": {}}
    return json.dumps(data).encode()


# name: (file content, the error lines expected on stderr (line number, message start))
CASES: dict[str, tuple[bytes, list[tuple[int, str]]]] = {
    "deep-nesting": (
        ticket("A") + b"\n" + b"[" * 100_000 + b"\n" + ticket("C") + b"\n",
        [(2, "nested too deeply to read")],
    ),
    "not-utf8": (
        ticket("A") + b'\n{"id": "\xff"}\n' + ticket("C") + b"\n",
        [(2, "not valid UTF-8 (byte 0xFF at column 9)")],
    ),
    "huge-number": (
        ticket("A") + b'\n{"id": ' + b"9" * 5000 + b"}\n" + ticket("C") + b"\n",
        [(2, "not valid JSON (a number of more than 4300 digits)")],
    ),
    "byte-order-mark": (BOM + ticket("A") + b"\n" + ticket("B") + b"\n" + ticket("C") + b"\n", []),
    "bad-first-line": (
        b'{"id": \n' + ticket("B") + b"\n" + ticket("C") + b"\n",
        [(1, "not valid JSON (Expecting value at column 8)")],
    ),
    "bare-cr": (
        ticket("A") + b"\n" + ticket("B").replace(b', "events"', b',\r "events"') + b"\n"
        b"{oops\n" + ticket("D") + b"\n",
        [(3, "not valid JSON")],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_plain_and_output_paths_read_json_lines_alike(
    run: Run, small: Path, tmp_path: Path, case: str
) -> None:
    data, errors = CASES[case]
    path = tmp_path / "t.jsonl"
    path.write_bytes(data)
    plain = run("evaluate", small, path, "--at", AT, "--format", "jsonl")
    out = tmp_path / "out.jsonl"
    written = run("evaluate", small, path, "--at", AT, "-o", out)
    expected = [f"{path}:{n}: error: {message}" for n, message in errors]
    for result in (plain, written):
        assert result.exit_code == (1 if errors else 0), result.output
        lines = result.stderr.splitlines()
        assert [line[: len(e)] for line, e in zip(lines, expected, strict=False)] == expected
        assert "Traceback" not in result.stderr
    assert out.read_text(encoding="utf-8") == plain.stdout
    assert len(plain.stdout.splitlines()) == 3 - len(errors) + (case == "bare-cr")
    assert plain.stderr.splitlines() == [
        line for line in written.stderr.splitlines() if not line.startswith("wrote ")
    ]


def test_workers_read_json_lines_as_one_process_does(run: Run, small: Path, tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(b"".join(CASES[c][0] for c in ("byte-order-mark", "not-utf8", "bare-cr")))
    plain = run("evaluate", small, path, "--at", AT, "--format", "jsonl")
    pooled = run("evaluate", small, path, "--at", AT, "--format", "jsonl", "--workers", "2")
    assert plain.exit_code == pooled.exit_code == 1
    assert pooled.stdout == plain.stdout
    assert pooled.stderr == plain.stderr


@pytest.mark.parametrize("verb", ["explain", "timeline"])
def test_one_ticket_verbs_read_a_byte_order_mark_and_crlf(
    run: Run, small: Path, tmp_path: Path, verb: str
) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(
        BOM + ticket("A").replace(b"{}", b'{"created": "2025-10-09T09:00:00Z"}') + b"\r\n"
    )
    result = run(verb, small, path, "--at" if verb == "explain" else "--until", AT)
    assert result.exit_code == 0, result.output


def test_report_and_diff_read_json_lines_as_evaluate_does(
    run: Run, small: Path, tmp_path: Path
) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(CASES["bare-cr"][0] + b'{"id": "\xff"}\n')
    expected = [f"{path}:3: error: not valid JSON", f"{path}:5: error: not valid UTF-8"]
    diff = run("diff", small, small, "--tickets", path, "--at", AT)
    report = run("report", small, path, "--as-of", AT)
    for result in (diff, report):
        assert result.exit_code == 1, result.output
        errors = [line for line in result.stderr.splitlines() if ": error: " in line]
        assert [e[: len(x)] for e, x in zip(errors, expected, strict=True)] == expected
    assert "3 tickets: 0 changed" in diff.stdout


def _write_in_background(fifo: Path, data: bytes) -> threading.Thread:
    """A writer for ``fifo`` that waits for a reader, writes ``data`` and closes."""

    def write() -> None:
        try:
            with open(fifo, "wb") as out:
                out.write(data)
        except BrokenPipeError:
            pass  # the reader refused the FIFO and closed it

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def _release(fifo: Path, writer: threading.Thread) -> None:
    """Let the writer's ``open`` return if nothing opened the FIFO for reading."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        writer.join()
    finally:
        os.close(fd)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="this OS has no FIFOs (os.mkfifo)")
@pytest.mark.parametrize("what", ["policy", "tickets"])
def test_a_fifo_is_refused_by_name_instead_of_read(
    run: Run, small: Path, small_tickets: Path, tmp_path: Path, what: str
) -> None:
    fifo = tmp_path / ("p.yaml" if what == "policy" else "t.jsonl")
    os.mkfifo(fifo)
    writer = _write_in_background(fifo, b"x" * 1000)
    try:
        args = (fifo, small_tickets) if what == "policy" else (small, fifo)
        result = run("evaluate", *args, "--at", AT)
    finally:
        _release(fifo, writer)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {fifo}: is ")
    assert "not a regular file" in result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="this OS has no /dev/zero")
@pytest.mark.parametrize("verb", ["evaluate", "validate", "report", "diff"])
def test_dev_zero_as_the_policy_is_refused_before_it_is_read(
    run: Run, small_tickets: Path, verb: str
) -> None:
    args = {
        "evaluate": ["evaluate", "/dev/zero", small_tickets, "--at", AT],
        "validate": ["validate", "/dev/zero"],
        "report": ["report", "/dev/zero", small_tickets, "--as-of", AT],
        "diff": ["diff", "/dev/zero", "/dev/zero", "--tickets", small_tickets, "--at", AT],
    }[verb]
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: /dev/zero: is not a regular file")


def test_a_policy_file_is_read_no_further_than_its_limit(tmp_path: Path) -> None:
    from slarules._policy import read_source

    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 5000)
    assert read_source(big, folder_hint="", limit=100) == b"#" * 101
