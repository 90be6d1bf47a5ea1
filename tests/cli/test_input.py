"""Ticket files read alike by every verb and every ``evaluate`` path (issue 15, items 8, 13)."""

from __future__ import annotations

import json
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
