"""``slarules evaluate`` in bulk: Parquet in and out, --output, --workers, --scheduler."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from slarules.cli import cli

from .helpers import AT, EXAMPLES, POLICY, POLICY_PATH, example_tickets, expected_stage_rows

AT_TEXT = AT.isoformat()


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["evaluate", *(str(a) for a in args)])


@pytest.fixture
def tickets(tmp_path: Path) -> Path:
    """The examples, with a line that is not JSON and a ticket with an unknown level."""
    rows = example_tickets()
    rows[2]["fields"]["level"] = "bogus"
    lines = [json.dumps(r) for r in rows]
    lines.insert(1, "{not json")
    path = tmp_path / "tickets.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_jsonl_is_the_same_with_workers(tickets: Path) -> None:
    plain = run(POLICY_PATH, tickets, "--at", AT_TEXT, "--format", "jsonl")
    pooled = run(POLICY_PATH, tickets, "--at", AT_TEXT, "--format", "jsonl", "--workers", "2")
    assert plain.exit_code == pooled.exit_code == 1
    assert pooled.stdout == plain.stdout
    assert len(pooled.stdout.splitlines()) == 4
    assert pooled.stderr == plain.stderr
    assert f"{tickets}:2: error: not valid JSON" in pooled.stderr
    assert f"{tickets}:4: error: ticket 'AS-1003': field 'level'" in pooled.stderr
    assert pooled.stderr.endswith("2 tickets could not be evaluated\n")


def test_table_with_workers(tickets: Path) -> None:
    plain = run(POLICY_PATH, EXAMPLES, "--at", AT_TEXT)
    pooled = run(POLICY_PATH, EXAMPLES, "--at", AT_TEXT, "--workers", "2")
    assert pooled.exit_code == 0, pooled.output
    assert pooled.stdout == plain.stdout


def test_output_jsonl(tickets: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run(POLICY_PATH, tickets, "--at", AT_TEXT, "--output", out)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "wrote 4 evaluations to" in result.stderr
    plain = run(POLICY_PATH, tickets, "--at", AT_TEXT, "--format", "jsonl")
    assert out.read_text() == plain.stdout


def test_parquet_in_and_out(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    from slarules.batch import read_json

    source = tmp_path / "tickets.parquet"
    pq.write_table(read_json(EXAMPLES), source, row_group_size=2)
    out = tmp_path / "out.parquet"
    result = run(POLICY_PATH, source, "--at", AT_TEXT, "-o", out, "--workers", "2")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote 5 evaluations to {out}\n"
    rows = pq.read_table(out).to_pylist()
    assert rows == expected_stage_rows(POLICY, example_tickets(), AT)
    table = run(POLICY_PATH, source, "--at", AT_TEXT)  # Parquet in, table out
    assert table.exit_code == 0
    assert table.stdout == run(POLICY_PATH, EXAMPLES, "--at", AT_TEXT).stdout


def test_parquet_output_uses_dictionaries_only_for_repeated_names(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "out.parquet"
    assert run(POLICY_PATH, EXAMPLES, "--at", AT_TEXT, "-o", out).exit_code == 0
    group = pq.ParquetFile(out).metadata.row_group(0)
    encodings = {
        group.column(i).path_in_schema: group.column(i).encodings for i in range(group.num_columns)
    }
    assert "RLE_DICTIONARY" in encodings["stage"]
    assert "RLE_DICTIONARY" in encodings["status"]
    assert "RLE_DICTIONARY" not in encodings["ticket_id"]
    assert "RLE_DICTIONARY" not in encodings["deadline"]


@pytest.mark.parametrize("options", [["-o", "out.parquet"], ["--workers", "2"]])
def test_a_file_that_is_not_parquet_exits_2(tmp_path: Path, options: list[str]) -> None:
    pytest.importorskip("pyarrow.parquet")
    source = tmp_path / "tickets.parquet"
    source.write_text("not parquet\n")
    options = [str(tmp_path / o) if o.endswith(".parquet") else o for o in options]
    result = run(POLICY_PATH, source, "--at", AT_TEXT, *options)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {source}: cannot be read as Parquet (")


def test_naive_parquet_tickets_are_reported(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    pj = pytest.importorskip("pyarrow.json")
    source = tmp_path / "naive.parquet"
    pq.write_table(pj.read_json(EXAMPLES), source)
    result = run(POLICY_PATH, source, "--at", AT_TEXT, "--format", "jsonl")
    assert result.exit_code == 1
    assert f"{source} row 1: error: ticket 'AS-1001': events" in result.stderr
    assert "no time zone" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--output", "x.csv"], "--output x.csv: write a .parquet or .jsonl file"),
        (["--format", "jsonl", "-o", "x.jsonl"], "use --format or --output, not both"),
        (["--workers", "2", "--scheduler", "tcp://h:1"], "use --workers or --scheduler"),
    ],
)
def test_usage_mistakes(args: list[str], message: str) -> None:
    result = run(POLICY_PATH, EXAMPLES, "--at", AT_TEXT, *args)
    assert result.exit_code == 2
    assert f"error: {message}" in result.stderr


def test_workers_need_a_splittable_file(tmp_path: Path) -> None:
    array = tmp_path / "tickets.json"
    array.write_text(json.dumps(example_tickets()))
    result = run(POLICY_PATH, array, "--at", AT_TEXT, "--workers", "2")
    assert result.exit_code == 2
    assert "--workers and --scheduler read JSON Lines (.jsonl) or Parquet files" in result.stderr
    result = CliRunner().invoke(
        cli, ["evaluate", str(POLICY_PATH), "-", "--workers", "2"], input=array.read_text()
    )
    assert result.exit_code == 2
    assert "need a file, not - (stdin)" in result.stderr
    ok = run(POLICY_PATH, array, "--at", AT_TEXT, "-o", tmp_path / "o.jsonl")  # no workers: fine
    assert ok.exit_code == 0, ok.output


def test_progress_in_bulk(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run(POLICY_PATH, EXAMPLES, "--at", AT_TEXT, "-o", out, "--progress")
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(f"wrote 5 evaluations to {out}\n")
    assert len(out.read_text().splitlines()) == 5
