"""``slarules.batch.evaluate_table`` / ``evaluate_batch``: schemas, inputs, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pj = pytest.importorskip("pyarrow.json")
pq = pytest.importorskip("pyarrow.parquet")

import slarules  # noqa: E402
from slarules import TicketError, UsageError  # noqa: E402
from slarules.batch import (  # noqa: E402
    actions_schema,
    errors_schema,
    evaluate_batch,
    evaluate_table,
    read_json,
    read_tickets,
    stages_schema,
)

from .helpers import (  # noqa: E402
    AT,
    EXAMPLES,
    POLICY,
    example_tickets,
    expected_action_rows,
    expected_stage_rows,
)

TS = pa.timestamp("us", tz="UTC")


def test_stage_schema_is_fixed() -> None:
    assert stages_schema().names == [
        "ticket_id",
        "priority",
        "stage",
        "status",
        "target",
        "calendar",
        "started_at",
        "deadline",
        "stopped_at",
        "elapsed_s",
        "remaining_s",
        "used",
        "paused_s",
        "next_evaluation_at",
    ]
    assert stages_schema().field("deadline").type == TS
    assert stages_schema().field("elapsed_s").type == pa.float64()
    assert actions_schema().field("to").type == pa.list_(pa.string())
    assert errors_schema().names == ["row", "ticket_id", "where", "error"]


def test_examples_equal_single_ticket_path() -> None:
    table = read_json(EXAMPLES)
    out = evaluate_table(POLICY, table, AT)
    assert out.schema == stages_schema()
    assert out.num_rows == 5 * len(POLICY.stages)
    assert out.to_pylist() == expected_stage_rows(POLICY, example_tickets(), AT)


def test_actions_and_no_errors() -> None:
    result = evaluate_batch(POLICY, read_json(EXAMPLES), AT)
    assert result.actions.schema == actions_schema()
    assert result.actions.to_pylist() == expected_action_rows(POLICY, example_tickets(), AT)
    assert result.actions.num_rows > 0
    assert result.errors.num_rows == 0
    assert result.errors.schema == errors_schema()


def test_record_batch_and_parquet_round_trip(tmp_path: Path) -> None:
    table = read_json(EXAMPLES)
    expected = evaluate_table(POLICY, table, AT)
    batch = table.to_batches()[0]
    assert evaluate_table(POLICY, batch, AT).equals(expected)
    path = tmp_path / "t.parquet"
    pq.write_table(table, path)
    assert evaluate_table(POLICY, read_tickets(path), AT).equals(expected)


def test_timestamps_with_time_zone_are_taken() -> None:
    tickets = example_tickets()
    dumped = [slarules.Ticket.model_validate(t).model_dump() for t in tickets]
    aware = pa.Table.from_pylist(
        [{**d, "statuses": list(d["statuses"]), "done": sorted(d["done"])} for d in dumped]
    )
    assert pa.types.is_timestamp(aware.schema.field("events").type.field("created").type)
    assert aware.schema.field("events").type.field("created").type.tz is not None
    out = evaluate_table(POLICY, aware, AT)
    assert out.to_pylist() == expected_stage_rows(POLICY, tickets, AT)


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_every_timestamp_unit(unit: str) -> None:
    ticket = {"id": "U-1", "fields": {"level": "urgent"}}
    created = "2025-10-10T09:00:00+08:00"
    table = pa.table(
        {
            "id": ["U-1"],
            "fields": pa.array([{"level": "urgent"}]),
            "events": pa.array(
                [{"created": pa.scalar(0).as_py()}],
                pa.struct([("created", pa.timestamp(unit, tz="Asia/Shanghai"))]),
            ),
        }
    )
    table = table.set_column(
        2,
        "events",
        pa.StructArray.from_arrays(
            [pa.array([created]).cast(pa.timestamp(unit, tz="UTC"))], names=["created"]
        ),
    )
    ticket["events"] = {"created": created}
    assert evaluate_table(POLICY, table, AT).to_pylist() == expected_stage_rows(
        POLICY, [ticket], AT
    )


def test_naive_timestamps_are_refused_naming_the_ticket() -> None:
    naive = pj.read_json(EXAMPLES)  # pyarrow infers timestamps without a time zone
    with pytest.raises(TicketError) as info:
        evaluate_table(POLICY, naive, AT)
    message = str(info.value)
    assert "'AS-1001'" in message
    assert "row 1" in message
    assert "no time zone" in message
    assert "slarules.batch.read_json" in message
    assert info.value.ticket_id == "AS-1001"


def test_collect_keeps_bad_rows_and_evaluates_the_rest() -> None:
    tickets = example_tickets()
    tickets[1]["fields"]["level"] = "bogus"
    tickets[3]["events"]["created"] = "2025-10-10T08:00:00"  # no offset
    lines = "\n".join(json.dumps(t) for t in tickets)
    table = pj.read_json(
        pa.BufferReader(lines.encode()),
        parse_options=pj.ParseOptions(explicit_schema=read_json(EXAMPLES).schema),
    )
    result = evaluate_batch(POLICY, table, AT, errors="collect")
    good = [t for i, t in enumerate(tickets) if i not in (1, 3)]
    assert result.stages.to_pylist() == expected_stage_rows(POLICY, good, AT)
    bad = result.errors.to_pylist()
    assert [(b["row"], b["ticket_id"], b["where"]) for b in bad] == [
        (1, "AS-1002", "row 2"),
        (3, "AS-1004", "row 4"),
    ]
    assert "not an allowed value" in bad[0]["error"]
    assert "no time zone" in bad[1]["error"]
    with pytest.raises(TicketError, match=r"row 2: ticket 'AS-1002'"):
        evaluate_batch(POLICY, table, AT)


def test_json_text_columns_and_maps() -> None:
    tickets = example_tickets()
    table = pa.table(
        {
            "id": [t["id"] for t in tickets],
            "fields": pa.array(
                [list(t["fields"].items()) for t in tickets], pa.map_(pa.string(), pa.string())
            ),
            "events": [json.dumps(t["events"]) for t in tickets],
            "statuses": [json.dumps(t.get("statuses", [])) for t in tickets],
            "done": [json.dumps(t.get("done", [])) for t in tickets],
            "extra": list(range(len(tickets))),  # other columns are ignored
        }
    )
    assert evaluate_table(POLICY, table, AT).to_pylist() == expected_stage_rows(POLICY, tickets, AT)


def test_bad_json_text_is_a_ticket_error() -> None:
    table = pa.table({"id": ["X-1"], "fields": ['{"level": "urgent"'], "events": ["{}"]})
    result = evaluate_batch(POLICY, table, AT, errors="collect")
    assert result.errors.column("error").to_pylist() == [
        "ticket 'X-1': fields: not valid JSON (Expecting ',' delimiter)"
    ]


def test_integer_ids_and_nulls() -> None:
    table = pa.table(
        {
            "id": pa.array([7, 8], pa.int64()),
            "fields": pa.array([{"level": "routine", "customer_grade": None}, {"level": "urgent"}]),
            "events": pa.array([{"created": "2025-10-10T09:00:00+08:00"}, None]),
            "statuses": pa.array([None, []], pa.list_(pa.struct([("at", pa.string())]))),
            "done": pa.array([None, ["8/x"]]),
        }
    )
    rows = evaluate_table(POLICY, table, AT).to_pylist()
    expected = expected_stage_rows(
        POLICY,
        [
            {
                "id": 7,
                "fields": {"level": "routine"},
                "events": {"created": "2025-10-10T09:00:00+08:00"},
            },
            {"id": "8", "fields": {"level": "urgent"}, "done": ["8/x"]},
        ],
        AT,
    )
    assert rows == expected


def test_table_level_mistakes_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="no 'id' column"):
        evaluate_table(POLICY, pa.table({"ident": ["a"]}), AT)
    with pytest.raises(UsageError, match=r"pyarrow\.Table or RecordBatch"):
        evaluate_table(POLICY, [{"id": "a"}], AT)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="errors must be"):
        evaluate_batch(POLICY, read_json(EXAMPLES), AT, errors="ignore")  # type: ignore[arg-type]
    from datetime import datetime

    with pytest.raises(UsageError, match="no time zone"):
        evaluate_table(POLICY, read_json(EXAMPLES), datetime(2025, 10, 10))


@pytest.mark.parametrize("column", ["id", "fields", "events"])
@pytest.mark.parametrize("errors", ["raise", "collect"])
def test_a_duplicated_ticket_column_is_a_usage_error(column: str, errors: str) -> None:
    table = read_json(EXAMPLES)
    twice = table.append_column(column, table.column(column))
    with pytest.raises(UsageError, match=f"the tickets table has 2 columns named '{column}'"):
        evaluate_batch(POLICY, twice, AT, errors=errors)  # type: ignore[arg-type]


def test_a_duplicated_column_that_is_not_a_ticket_column_is_ignored() -> None:
    table = read_json(EXAMPLES)
    extra = table.append_column("note", pa.array(["a"] * len(table))).append_column(
        "note", pa.array(["b"] * len(table))
    )
    assert evaluate_table(POLICY, extra, AT).equals(evaluate_table(POLICY, table, AT))


def test_empty_table() -> None:
    empty = read_json(EXAMPLES).slice(0, 0)
    result = evaluate_batch(POLICY, empty, AT)
    assert result.stages.num_rows == 0
    assert result.stages.schema == stages_schema()


def test_read_errors_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        read_json(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    with pytest.raises(UsageError, match="cannot be read as JSON Lines"):
        read_json(bad)
    notparquet = tmp_path / "bad.parquet"
    notparquet.write_text("nope")
    with pytest.raises(UsageError, match="cannot be read as Parquet"):
        read_tickets(notparquet)


def test_large_tables_are_evaluated_in_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("slarules.batch._convert.SLICE_ROWS", 2)
    tickets = example_tickets()
    tickets[3]["fields"]["level"] = "bogus"
    table = pa.Table.from_pylist(tickets)
    result = evaluate_batch(POLICY, table, AT, errors="collect")
    good = [t for i, t in enumerate(tickets) if i != 3]
    assert result.stages.to_pylist() == expected_stage_rows(POLICY, good, AT)
    assert result.actions.to_pylist() == expected_action_rows(POLICY, good, AT)
    assert result.errors.column("row").to_pylist() == [3]
    assert result.errors.column("where").to_pylist() == ["row 4"]


def test_the_collector_is_restored() -> None:
    import gc

    from slarules.batch._records import paused_gc

    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    evaluate_table(POLICY, read_json(EXAMPLES), AT)
    assert gc.isenabled()
    gc.disable()
    try:
        evaluate_table(POLICY, read_json(EXAMPLES), AT)
        assert not gc.isenabled()  # a collector the host turned off stays off
    finally:
        gc.enable()


def test_stage_rows_read_the_engine_states_in_their_field_order() -> None:
    """The batch transposes the engine's StageState tuples by position."""
    from slarules.batch._tables import STATE_FIELDS
    from slarules.engine._stages import StageState

    assert list(StageState._fields[: len(STATE_FIELDS)]) == STATE_FIELDS


def test_the_collector_runs_whenever_a_slice_is_handed_on() -> None:
    """Paused while a slice is read and evaluated, never across a ``yield``."""
    import gc

    from slarules.batch._convert import records_from_arrow
    from slarules.batch._typed import map_slices

    seen: list[bool] = []

    def work(items: list[object], label: str, first: int) -> int:
        seen.append(gc.isenabled())
        return len(items)

    table = read_json(EXAMPLES)
    for records in (records_from_arrow(table), iter(list(records_from_arrow(table)))):
        for count in map_slices(records, work):
            assert count == len(table)
            assert gc.isenabled()
    assert seen == [False, False]
    assert gc.isenabled()


def test_threads_that_pause_the_collector_together_leave_it_as_it_was() -> None:
    import gc
    import threading

    from slarules.batch._records import paused_gc

    inside = threading.Barrier(2)
    first_left = threading.Event()
    states: list[bool] = []

    def first() -> None:
        with paused_gc():
            inside.wait()
        states.append(gc.isenabled())  # the other thread is still inside
        first_left.set()

    def second() -> None:
        with paused_gc():
            inside.wait()
            first_left.wait()
            states.append(gc.isenabled())

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert states == [False, False]  # off until the last one leaves
    assert gc.isenabled()
