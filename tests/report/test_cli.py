"""`slarules report` in-process: formats, outputs, and every user error exits 2 with `error:`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from slarules.cli import cli

POLICY = "policies/after-sales-response.yaml"
TICKETS = "examples/after-sales-month.jsonl"
OCT = ["--as-of", "2025-11-01T00:00:00+08:00", "--from", "2025-10-01", "--to", "2025-10-31"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["report", *args])
    return result.exit_code, result.stdout, result.stderr


def test_markdown_to_stdout_by_default() -> None:
    code, out, _ = run(POLICY, TICKETS, *OCT)
    assert code == 0
    assert out.startswith("## SLA review: After-sales response time management")
    assert "2025-10-01 to 2025-10-31 by month" in out


def test_json_is_reproducible_and_date_as_of_is_local_midnight() -> None:
    code, out, _ = run(POLICY, TICKETS, *OCT, "--format", "json")
    assert code == 0
    again = run(
        POLICY,
        TICKETS,
        "--as-of",
        "2025-11-01",
        "--from",
        "2025-10-01",
        "--to",
        "2025-10-31",
        "--format",
        "json",
    )[1]
    assert out == again
    data = json.loads(out)
    assert data["header"]["tickets_read"] == 1522
    assert {r["priority"] for r in data["on_time"]} == {"urgent", "important", "routine"}


def test_html_file_and_csv_folder(tmp_path: Path) -> None:
    page = tmp_path / "r" / "report.html"
    code, _, err = run(POLICY, TICKETS, *OCT, "-o", str(page), "--no-charts")
    assert code == 0
    assert f"wrote {page}" in err
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, _, err = run(POLICY, TICKETS, *OCT, "--format", "csv", "-o", str(tmp_path / "csv"))
    assert code == 0
    stages = (tmp_path / "csv" / "stages.csv").read_text(encoding="utf-8-sig").splitlines()
    assert stages[0].endswith(",used,channel")
    assert len(stages) == 1 + 1522 * 4
    code, _, _ = run(POLICY, TICKETS, *OCT, "-o", str(tmp_path / "x.csv"))
    assert code == 0
    assert (tmp_path / "x-stages.csv").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "yesterday"], "error: --as-of 'yesterday' is not an ISO 8601 instant"),
        (["--as-of", "2025-11-01T00:00"], "error: --as-of '2025-11-01T00:00' has no UTC offset"),
        (
            ["--as-of", "2025-11-01", "--by", "chanel"],
            "error: --by 'chanel' is not a declared field; did you mean 'channel'?",
        ),
        (["--as-of", "2025-11-01", "--from", "10/01"], "error: --from '10/01' is not a date"),
        (
            ["--as-of", "2025-11-01", "--from", "2025-10-05", "--to", "2025-10-01"],
            "error: the range starts (2025-10-05) after it ends (2025-10-01)",
        ),
        (["--as-of", "2025-11-01", "--risk", "1.5"], "error: risk 1.5 must be a share"),
    ],
)
def test_user_errors_exit_2(args: list[str], message: str) -> None:
    code, _, err = run(POLICY, TICKETS, *args)
    assert code == 2
    assert err.startswith(message), err
    assert "Traceback" not in err


def test_unreadable_tickets_exit_2(tmp_path: Path) -> None:
    code, _, err = run(POLICY, str(tmp_path / "none.jsonl"), "--as-of", "2025-11-01")
    assert (code, err.splitlines()[0]) == (
        2,
        f"error: {tmp_path / 'none.jsonl'}: cannot be read (No such file or directory)",
    )
    code, _, err = run(POLICY, str(tmp_path / "none.parquet"), "--as-of", "2025-11-01")
    assert code == 2
    assert "no such file" in err


def test_bad_tickets_are_reported_and_left_out(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    good = Path(TICKETS).read_text(encoding="utf-8").splitlines()[0]
    path.write_text(
        good + "\n{not json\n" + '{"id": "X", "fields": {"level": "nope"}}\n', encoding="utf-8"
    )
    code, out, err = run(POLICY, str(path), "--as-of", "2025-11-01", "--format", "json")
    assert code == 1
    assert f"{path}:2: error:" in err
    assert f"{path}:3: error:" in err
    data = json.loads(out)
    assert data["header"]["tickets_rejected"] == 2
    assert data["header"]["tickets_read"] == 1


def test_invalid_report_section_exits_1(tmp_path: Path) -> None:
    text = (
        Path(POLICY)
        .read_text(encoding="utf-8")
        .replace("overdue_reason: overdue_reason", "overdue_reason: overdue_reasn")
    )
    policy = tmp_path / "p.yaml"
    policy.write_text(text, encoding="utf-8")
    code, _, err = run(str(policy), TICKETS, "--as-of", "2025-11-01")
    assert code == 1
    assert "error[unknown-field]: field 'overdue_reasn' is not declared" in err
    assert err.startswith(f"{policy}:")


def test_parquet_input(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="Parquet needs pyarrow")
    import pyarrow.parquet as pq

    rows = [json.loads(line) for line in Path(TICKETS).read_text(encoding="utf-8").splitlines()]
    table = pa.table(
        {
            "id": [r["id"] for r in rows],
            "fields": [json.dumps(r["fields"], ensure_ascii=False) for r in rows],
            "events": [json.dumps(r["events"]) for r in rows],
            "statuses": [json.dumps(r.get("statuses", [])) for r in rows],
        }
    )
    path = tmp_path / "t.parquet"
    pq.write_table(table, path)
    from_parquet = run(POLICY, str(path), *OCT, "--format", "json")
    from_jsonl = run(POLICY, TICKETS, *OCT, "--format", "json")
    assert from_parquet[0] == 0
    assert json.loads(from_parquet[1])["on_time"] == json.loads(from_jsonl[1])["on_time"]


def test_two_workers_give_the_same_report_as_one_process() -> None:
    code, one, _ = run(POLICY, TICKETS, *OCT, "--format", "json")
    assert code == 0
    code, two, _ = run(POLICY, TICKETS, *OCT, "--format", "json", "--workers", "2")
    assert code == 0
    assert json.loads(two) == json.loads(one)


def test_workers_report_bad_tickets_by_line(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    good = Path(TICKETS).read_text(encoding="utf-8").splitlines()[0]
    path.write_text(good + "\n{not json\n", encoding="utf-8")
    code, out, err = run(POLICY, str(path), *OCT, "--format", "json", "--workers", "2")
    assert code == 1
    assert f"{path}:2: error:" in err
    assert json.loads(out)["header"]["tickets_rejected"] == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
        (["--workers", "2", "--format", "csv", "-o", "out.csv"], "one process"),
    ],
)
def test_parallel_options_that_do_not_fit_exit_2(extra: list[str], message: str) -> None:
    code, _, err = run(POLICY, TICKETS, *OCT, *extra)
    assert code == 2
    assert message in err


def test_workers_need_a_file_they_can_split() -> None:
    code, _, err = run(POLICY, "examples/after-sales-tickets.jsonl.yaml", *OCT, "--workers", "2")
    assert code == 2
    assert "split a .jsonl or .parquet file" in err


def test_workers_over_typed_parquet_give_the_same_report(tmp_path: Path) -> None:
    """Typed columns (timestamps with a zone) go straight into the engine's ticket form in
    the workers; the report is the one a single process makes from JSON Lines, and a row a
    Ticket refuses is rejected with its row."""
    pytest.importorskip("pyarrow", reason="Parquet needs pyarrow")
    import pyarrow as pa
    import pyarrow.parquet as pq

    from slarules.batch._typed import typed

    rows = [json.loads(line) for line in Path(TICKETS).read_text(encoding="utf-8").splitlines()]
    for row in rows:  # instants as timestamps with their zone, as Parquet writers store them
        row["events"] = {k: datetime.fromisoformat(v) for k, v in row["events"].items()}
        row["statuses"] = [
            {**s, "at": datetime.fromisoformat(s["at"])} for s in row.get("statuses", [])
        ]
    table = pa.Table.from_pylist(rows)
    assert typed(table.schema)
    ids = table.column("id").to_pylist()
    bad = table.set_column(0, "id", pa.array([None, *ids[1:]], pa.string()))
    path = tmp_path / "t.parquet"
    pq.write_table(table, path, row_group_size=max(1, table.num_rows // 4))
    code, one, _ = run(POLICY, TICKETS, *OCT, "--format", "json")
    assert code == 0
    code, two, _ = run(POLICY, str(path), *OCT, "--format", "json", "--workers", "2")
    assert code == 0
    assert json.loads(two) == json.loads(one)
    code, alone, _ = run(POLICY, str(path), *OCT, "--format", "json")  # one process, typed
    assert code == 0
    assert json.loads(alone) == json.loads(one)
    pq.write_table(bad, path, row_group_size=max(1, table.num_rows // 4))
    for workers in ("1", "2"):
        code, out, err = run(POLICY, str(path), *OCT, "--format", "json", "--workers", workers)
        assert code == 1
        assert err.startswith(f"{path} row 1: error: ")
        assert json.loads(out)["header"]["tickets_rejected"] == 1


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_file_that_is_not_parquet_exits_2(tmp_path: Path, workers: str) -> None:
    pytest.importorskip("pyarrow", reason="Parquet needs pyarrow")
    path = tmp_path / "t.parquet"
    path.write_text("not parquet\n", encoding="utf-8")
    code, _, err = run(POLICY, str(path), *OCT, "--workers", workers)
    assert code == 2
    assert err.startswith(f"error: {path}: cannot be read as Parquet (")
