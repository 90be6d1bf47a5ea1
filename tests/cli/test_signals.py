"""Real ``slarules`` processes stopped by Ctrl-C (SIGINT) and SIGTERM, and what they leave
(issue 15, items 12 and 16): exit 130 or 143 with one line on stderr, no output file that
looks complete, and no process left in their process group, whichever way they end.

Each run starts in a session of its own, so its process group holds only it and what it
starts. The signal is sent at a point the test observes (a first chunk in the temporary
output file, a first bad ticket reported on stderr), never after a fixed delay; the
process then still has most of its input to read.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .helpers import REFERENCE, ROOT

psutil = pytest.importorskip("psutil")

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or not hasattr(os, "killpg"),
    reason="process groups and POSIX signals are needed",
)

SLARULES = str(Path(sys.executable).with_name("slarules"))
AT = "2025-11-15T00:00:00+08:00"
# a whole JSON value on the first line: standard input is read as JSON Lines, line by line
BAD = b'{"id": "X", "fields": {"level": "bogus"}}'
TICKETS = 40_000  # four chunks of 10,000 lines: a signal after the first leaves three to do


def _tickets(path: Path, count: int) -> Path:
    """The example tickets again and again, with ids of their own."""
    base = [json.loads(line) for line in (ROOT / "examples" / "after-sales-tickets.jsonl").open()]
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps({**base[i % len(base)], "id": f"T-{i}"}) + "\n")
    return path


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _tickets(tmp_path_factory.mktemp("signals") / "many.jsonl", TICKETS)


@pytest.fixture(scope="module")
def three_chunks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Just enough for two workers: chunks of 10,000, 10,000 and 1 lines."""
    return _tickets(tmp_path_factory.mktemp("signals") / "three.jsonl", 20_001)


def _group(pgid: int) -> list[str]:
    """The processes (zombies included) still in the process group ``pgid``."""
    found = []
    for process in psutil.process_iter(["pid", "status", "cmdline"]):
        try:
            if os.getpgid(process.pid) == pgid:
                found.append(f"{process.pid} {process.info['status']} {process.info['cmdline']}")
        except (ProcessLookupError, PermissionError):
            continue
    return found


def _temporary(output: Path) -> list[Path]:
    return sorted(output.parent.glob(f".{output.name}.*.part"))


def _start(*args: str | Path, stdin: int | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [SLARULES, *(str(a) for a in args)],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _when(ready: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    """Wait until ``ready()`` (polled) while ``process`` runs; fail if it ended first."""
    import time

    while not ready():
        assert process.poll() is None, process.communicate()
        time.sleep(0.01)


def _first_chunk_written(output: Path) -> Callable[[], bool]:
    return lambda: any(p.stat().st_size > 0 for p in _temporary(output) if p.exists())


def _finish(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    _, err = process.communicate()
    return process.returncode, err.decode()


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("out.parquet", []),
        ("out.jsonl", []),
        ("out.jsonl", ["--workers", "2"]),
        ("out.parquet", ["--workers", "2"]),
    ],
)
@pytest.mark.parametrize("how", ["group", "process"])
def test_ctrl_c_during_evaluate_output_exits_130_and_leaves_nothing(
    many: Path, tmp_path: Path, name: str, options: list[str], how: str
) -> None:
    """``group``: a terminal's Ctrl-C, to every process of the group; ``process``: a
    SIGINT to the command alone, whose workers it must then stop itself."""
    output = tmp_path / name
    process = _start("evaluate", REFERENCE, many, "--at", AT, "-o", output, *options)
    _when(_first_chunk_written(output), process)
    if how == "group":
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGINT)
    code, err = _finish(process)
    assert code == 130
    assert err == "error: interrupted\n"
    assert not output.exists()
    assert _temporary(output) == []
    assert _group(process.pid) == []


def test_ctrl_c_keeps_an_older_output_file_as_it_was(many: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    output.write_text("yesterday's run\n")
    process = _start("evaluate", REFERENCE, many, "--at", AT, "-o", output)
    _when(_first_chunk_written(output), process)
    os.killpg(process.pid, signal.SIGINT)
    assert _finish(process)[0] == 130
    assert output.read_text() == "yesterday's run\n"


def test_sigterm_ends_a_run_with_workers_as_ctrl_c_does(many: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.parquet"
    process = _start("evaluate", REFERENCE, many, "--at", AT, "-o", output, "--workers", "2")
    _when(_first_chunk_written(output), process)
    process.terminate()
    code, err = _finish(process)
    assert code == 143
    assert err == "error: terminated\n"
    assert not output.exists()
    assert _temporary(output) == []
    assert _group(process.pid) == []


@pytest.mark.parametrize("fmt", ["table", "jsonl"])
def test_ctrl_c_while_printing_to_stdout_exits_130_in_one_line(fmt: str) -> None:
    """Tickets on a pipe kept open: the command has reported the bad first one, and waits
    for more input when the signal comes."""
    read, write = os.pipe()
    process = _start("evaluate", REFERENCE, "-", "--at", AT, "--format", fmt, stdin=read)
    os.close(read)
    os.write(write, BAD + b"\n")
    assert process.stderr is not None
    assert process.stderr.readline().startswith(b"<stdin>:1: error: ticket 'X': ")
    os.killpg(process.pid, signal.SIGINT)
    code, err = _finish(process)
    os.close(write)
    assert code == 130
    assert err == "error: interrupted\n"


@pytest.mark.parametrize("output", ["review.md", "review.csv"])
def test_ctrl_c_during_report_output_leaves_no_file(tmp_path: Path, output: str) -> None:
    read, write = os.pipe()
    target = tmp_path / output
    process = _start("report", REFERENCE, "-", "--as-of", AT, "-o", target, stdin=read)
    os.close(read)
    month = (ROOT / "examples" / "after-sales-month.jsonl").read_bytes()
    os.write(write, BAD + b"\n" + month[: month.index(b"\n", 30_000) + 1])
    assert process.stderr is not None
    assert process.stderr.readline().startswith(b"<stdin>:1: error: ticket 'X': ")
    stages = tmp_path / "review-stages.csv"
    if output.endswith(".csv"):
        _when(_first_chunk_written(stages), process)
    os.killpg(process.pid, signal.SIGINT)
    code, err = _finish(process)
    os.close(write)
    assert code == 130
    assert err == "error: interrupted\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _ends(tmp_path: Path) -> Iterator[tuple[str, list[str | Path], int]]:
    yield "normally", ["--at", AT, "-o", tmp_path / "a.jsonl"], 0
    yield "normally, to stdout", ["--at", AT, "--format", "jsonl"], 0
    # the calendars cover the years 3 to 9996: the first chunk of a worker fails
    yield "on an error", ["--at", "9998-01-01T00:00:00Z", "-o", tmp_path / "b.parquet"], 2


@pytest.mark.parametrize("end", ["normally", "normally, to stdout", "on an error"])
def test_no_worker_outlives_evaluate(three_chunks: Path, tmp_path: Path, end: str) -> None:
    args, code = next((a, c) for name, a, c in _ends(tmp_path) if name == end)
    process = _start("evaluate", REFERENCE, three_chunks, *args, "--workers", "2")
    returncode, err = _finish(process)
    assert returncode == code, err
    assert "Traceback" not in err
    assert _group(process.pid) == []


def test_no_worker_outlives_report(three_chunks: Path) -> None:
    process = _start("report", REFERENCE, three_chunks, "--as-of", AT, "--workers", "2")
    assert _finish(process)[0] == 0
    assert _group(process.pid) == []
