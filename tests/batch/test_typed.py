"""The typed fast path: Arrow columns straight to ``Prepared`` tickets, without pydantic.

Every test evaluates the same Arrow table twice: on the fast path, and with the fast path
turned off (each row as a dict validated as a ``Ticket``, the way JSON text columns go),
and wants the same stage rows, due actions and bad rows with the same messages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")
pj = pytest.importorskip("pyarrow.json")
pq = pytest.importorskip("pyarrow.parquet")

import slarules.batch._typed as typed_module  # noqa: E402
from slarules import TicketError  # noqa: E402
from slarules.batch import (  # noqa: E402
    BatchResult,
    chunks_of,
    evaluate_batch,
    evaluate_chunk,
    map_chunks,
    read_chunk,
    read_json,
    records_from_arrow,
)
from slarules.batch._typed import in_range, typed  # noqa: E402

from .helpers import (  # noqa: E402
    AT,
    EXAMPLES,
    POLICY,
    expected_action_rows,
    expected_stage_rows,
    generated_tickets,
)

EVENTS = ["created", "first_response", "support_engaged", "solution_provided", "closed"]
STATUSES = ["open", "waiting_for_parts", "waiting_on_customer", "closed"]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ORIGIN_US = (datetime(2025, 9, 28, tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)
LOWEST_US = (datetime.min.replace(tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)
HIGHEST_US = (datetime.max.replace(tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)
PER_US = {"s": 1_000_000, "ms": 1_000, "us": 1, "ns": -1_000}


@contextmanager
def _ordinary_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Turn the fast path off: every row as a dict validated as a ``Ticket``."""
    with monkeypatch.context() as m:
        m.setattr(typed_module, "typed", lambda schema: False)
        yield


def _outcome(run: Callable[[], BatchResult]) -> BatchResult | str:
    """The result, or what was raised (``errors="raise"`` raises what the engine raised)."""
    try:
        return run()
    except TicketError as exc:
        return f"TicketError({exc}, ticket_id={exc.ticket_id!r}, field={exc.field!r})"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


def _assert_same(a: BatchResult | str, b: BatchResult | str) -> None:
    if isinstance(a, str) or isinstance(b, str):
        assert a == b
        return
    assert a.stages.equals(b.stages)
    assert a.actions.equals(b.actions)
    assert a.errors.to_pylist() == b.errors.to_pylist()


def both_paths(table: pa.Table, at: datetime = AT) -> BatchResult:
    """The result of the fast path, checked equal to the ordinary path's (both modes)."""
    assert typed(table.schema)
    mp = pytest.MonkeyPatch()
    try:
        for errors in ("collect", "raise"):
            fast = _outcome(lambda: evaluate_batch(POLICY, table, at, errors=errors))  # noqa: B023
            with _ordinary_path(mp):
                slow = _outcome(lambda: evaluate_batch(POLICY, table, at, errors=errors))  # noqa: B023
            _assert_same(fast, slow)
    finally:
        mp.undo()
    return evaluate_batch(POLICY, table, at, errors="collect")


def test_which_tables_take_the_fast_path() -> None:
    assert typed(generated_tickets(3, seed=5).schema)
    assert not typed(read_json(EXAMPLES).schema)  # instants as ISO 8601 text
    assert not typed(pj.read_json(EXAMPLES).schema)  # timestamps without a time zone
    ts = pa.timestamp("us", tz="UTC")
    ok = pa.schema([("id", pa.int32()), ("events", pa.map_(pa.string(), ts))])
    assert typed(ok)
    for schema in [
        pa.schema([("ident", pa.string())]),
        pa.schema([("id", pa.float64())]),
        pa.schema([("id", pa.bool_())]),
        pa.schema([("id", pa.string()), ("fields", pa.string())]),  # JSON text
        pa.schema([("id", pa.string()), ("fields", pa.map_(pa.int64(), pa.string()))]),
        pa.schema([("id", pa.string()), ("events", pa.struct([("a", pa.string())]))]),
        pa.schema([("id", pa.string()), ("events", pa.struct([("a", ts), ("a", ts)]))]),
        pa.schema([("id", pa.string()), ("done", pa.list_(pa.int64()))]),
        pa.schema([("id", pa.string()), ("statuses", pa.list_(pa.struct([("at", ts)])))]),
        pa.schema(
            [
                ("id", pa.string()),
                (
                    "statuses",
                    pa.list_(pa.struct([("at", ts), ("status", pa.string()), ("by", pa.string())])),
                ),
            ]
        ),
        pa.schema([("id", pa.string()), ("id", pa.string())]),
    ]:
        assert not typed(schema), schema


def test_generated_tickets_equal_the_single_ticket_path() -> None:
    table = generated_tickets(300, seed=5)
    result = both_paths(table)
    tickets = [r.data for r in records_from_arrow(table)]
    assert result.stages.to_pylist() == expected_stage_rows(POLICY, tickets, AT)
    assert result.actions.to_pylist() == expected_action_rows(POLICY, tickets, AT)
    assert result.errors.num_rows == 0


def test_record_batches_and_empty_tables() -> None:
    table = generated_tickets(40, seed=5)
    expected = evaluate_batch(POLICY, table, AT)
    batch = table.combine_chunks().to_batches()[0]
    assert evaluate_batch(POLICY, batch, AT).stages.equals(expected.stages)
    assert both_paths(pa.Table.from_batches([batch])).stages.equals(expected.stages)
    empty = evaluate_batch(POLICY, table.slice(0, 0), AT)
    assert empty.stages.num_rows == 0
    assert empty.stages.schema == expected.stages.schema


def test_many_slices_and_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("slarules.batch._convert.SLICE_ROWS", 7)
    table = generated_tickets(50, seed=5)
    chunked = pa.concat_tables([table.slice(0, 20), table.slice(20, 30)])
    assert chunked.column("events").num_chunks == 2
    result = both_paths(chunked)
    assert result.stages.equals(evaluate_batch(POLICY, table, AT).stages)


def _ts(values: list[int | None], unit: str = "us", tz: str = "UTC") -> pa.Array:
    return pa.array(values, pa.int64()).cast(pa.timestamp(unit, tz=tz))


def test_bad_rows_have_the_ordinary_messages() -> None:
    ts = pa.timestamp("us", tz="UTC")
    created = _ts([ORIGIN_US] * 8)
    statuses = pa.array(
        [
            [{"at": ORIGIN_US + 5, "status": "open"}, {"at": None, "status": "closed"}],
            [{"at": ORIGIN_US, "status": None}],
            None,
            [None, {"at": ORIGIN_US + 60_000_000, "status": "waiting_for_parts"}],
            [],
            [],
            [],
            [],
        ],
        pa.list_(pa.struct([("at", ts), ("status", pa.string())])),
    )
    table = pa.table(
        {
            "id": pa.array([1, 2, 3, None, 5, 6, 7, 8], pa.int64()),
            "fields": pa.array(
                [{"level": "urgent"}] * 6 + [{"level": "bogus"}, None],
                pa.struct([("level", pa.string())]),
            ),
            "events": pa.StructArray.from_arrays(
                [created, _ts([None] * 5 + [HIGHEST_US + 1, None, None])],
                names=["created", "first_response"],
            ),
            "statuses": statuses,
            "done": pa.array([None, [], ["x"], None, ["a", None], None, None, ["8/x"]]),
        }
    )
    result = both_paths(table)
    errors = result.errors.to_pylist()
    assert [(e["row"], e["ticket_id"], e["where"]) for e in errors] == [
        (0, "1", "row 1"),
        (1, "2", "row 2"),
        (3, None, "row 4"),
        (4, "5", "row 5"),
        (5, "6", "row 6"),
        (6, "7", "row 7"),
        (7, "8", "row 8"),
    ]
    assert "statuses[1].at: is required" in errors[0]["error"]
    assert "statuses[0].status: is required" in errors[1]["error"]
    assert "id: is required" in errors[2]["error"]
    assert "done[1]" in errors[3]["error"]
    assert "out of range" in errors[4]["error"]
    assert "not an allowed value" in errors[5]["error"]
    assert "field 'level' is required" in errors[6]["error"]  # null fields: none given
    assert result.stages.column("ticket_id").unique().to_pylist() == ["3"]


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_timestamp_units_zones_and_the_edges_of_datetime(unit: str) -> None:
    factor = PER_US[unit]

    def units(us: int) -> int:
        return us // factor if factor > 0 else us * -factor

    values = [ORIGIN_US + 1_000_000 * k for k in range(4)]
    if unit != "ns":  # beyond what int64 nanoseconds can hold
        values += [LOWEST_US, HIGHEST_US, LOWEST_US - factor, HIGHEST_US + factor]
    n = len(values)
    table = pa.table(
        {
            "id": [f"U-{i}" for i in range(n)],
            "fields": pa.array([{"level": "urgent"}] * n),
            "events": pa.StructArray.from_arrays(
                [_ts([units(v) for v in values], unit, "Asia/Shanghai")], names=["created"]
            ),
        }
    )
    assert in_range(table) is (unit == "ns")
    both_paths(table)
    both_paths(table.slice(0, 4))


def test_maps_nulls_and_integer_ids() -> None:
    ts = pa.timestamp("ms", tz="Europe/Paris")
    ms = ORIGIN_US // 1000
    table = pa.table(
        {
            "id": pa.array([10, 11, 12, 13], pa.uint16()),
            "fields": pa.array(
                [
                    [("level", "urgent"), ("channel", None)],
                    [("level", "important")],
                    [("level", "routine")],
                    [("level", "routine"), ("level", "urgent")],  # a later key wins
                ],
                pa.map_(pa.string(), pa.string()),
            ),
            "events": pa.array(
                [
                    [("created", ms), ("first_response", None), ("created", ms + 60_000)],
                    [("created", ms)],
                    None,
                    [("created", ms), ("first_response", ms + 30 * 60_000)],
                ],
                pa.map_(pa.string(), ts),
            ),
            "statuses": pa.array([None, None, None, None], pa.list_(pa.null())),
            "done": pa.nulls(4),
        }
    )
    result = both_paths(table)
    assert result.errors.num_rows == 0
    assert result.stages.column("ticket_id").unique().to_pylist() == ["10", "11", "12", "13"]
    assert result.stages.column("priority").to_pylist()[::4] == [
        "urgent",
        "important",
        "routine",
        "urgent",
    ]


def test_status_changes_at_the_same_instant_keep_their_order() -> None:
    at = ORIGIN_US + 3_600_000_000
    changes = [
        {"at": at, "status": "waiting_for_parts"},
        {"at": at - 1, "status": "open"},
        {"at": at, "status": "open"},
        {"at": at, "status": "waiting_on_customer"},
    ]
    ts = pa.timestamp("us", tz="UTC")
    table = pa.Table.from_pylist(
        [
            {
                "id": "S-1",
                "fields": {"level": "routine"},
                "events": {"created": EPOCH + timedelta(microseconds=ORIGIN_US)},
                "statuses": [
                    {"at": EPOCH + timedelta(microseconds=c["at"]), "status": c["status"]}
                    for c in changes
                ],
            }
        ],
        schema=pa.schema(
            [
                ("id", pa.string()),
                ("fields", pa.struct([("level", pa.string())])),
                ("events", pa.struct([("created", ts)])),
                ("statuses", pa.list_(pa.struct([("at", ts), ("status", pa.string())]))),
            ]
        ),
    )
    for hours in (0.5, 1, 2, 30):
        both_paths(table, datetime.fromtimestamp(ORIGIN_US / 1e6 + hours * 3600, UTC))


def test_parquet_chunks_on_the_pool_take_the_fast_path(tmp_path: Path) -> None:
    table = generated_tickets(120, seed=5)
    bad = table.set_column(
        0, "id", pa.array([None if i in (5, 77) else f"AS-{i}" for i in range(120)])
    )
    path = tmp_path / "t.parquet"
    pq.write_table(bad, path, row_group_size=30)
    for output in ("arrow", "evaluations", "jsonl"):
        task = functools.partial(evaluate_chunk, at=AT, output=output)
        fast = list(map_chunks(POLICY, path, task, rows=30))
        # the same chunks read as plain records (dicts, validated as Tickets)
        slow = [task(POLICY, list(read_chunk(c))) for c in chunks_of(path, rows=30)]
        for f, s in zip(fast, slow, strict=True):
            assert f.count == s.count
            assert f.errors == s.errors
            assert f.lines == s.lines
            assert f.evaluations == s.evaluations
            assert (f.table is None) == (s.table is None)
            if f.table is not None:
                assert f.table.equals(s.table)
    errors = [e for r in fast for e in r.errors]
    assert [where for where, _ in errors] == [f"{path} row 6", f"{path} row 78"]


# --- generated typed tables, with rows a Ticket refuses --------------------------------

UNITS = st.sampled_from(["s", "ms", "us", "ns"])
ZONES = st.sampled_from(["UTC", "Asia/Shanghai", "America/New_York"])


@st.composite
def micros(draw: st.DrawFn) -> int:
    if draw(st.integers(0, 30)) == 0:
        return draw(st.sampled_from([LOWEST_US, HIGHEST_US, HIGHEST_US + 1, -(2**62), 2**62]))
    return ORIGIN_US + draw(st.integers(0, 60 * 24 * 10)) * 60_000_000


def _in_unit(us: int, unit: str) -> int | None:
    factor = PER_US[unit]
    v = us // factor if factor > 0 else us * -factor
    return v if -(2**63) <= v < 2**63 else None


@st.composite
def typed_tables(draw: st.DrawFn) -> pa.Table:
    n = draw(st.integers(1, 8))
    unit, zone = draw(UNITS), draw(ZONES)
    ts = pa.timestamp(unit, tz=zone)

    def instants(count: int, nulls: bool = True) -> pa.Array:
        values = [
            None if nulls and draw(st.integers(0, 3)) == 0 else _in_unit(draw(micros()), unit)
            for _ in range(count)
        ]
        return pa.array(values, pa.int64()).cast(ts)

    maybe_null = st.integers(0, 9).map(lambda k: k == 0)
    row_nulls = pa.array([draw(maybe_null) for _ in range(n)])

    if draw(st.booleans()):
        ids = pa.array(
            [None if draw(maybe_null) else f"T-{i}" for i in range(n)],
            draw(st.sampled_from([pa.string(), pa.large_string()])),
        )
    else:
        ids = pa.array([None if draw(maybe_null) else i for i in range(n)], pa.int64())
    levels = ["urgent", "important", "routine", "bogus", None]
    level = pa.array([draw(st.sampled_from(levels)) for _ in range(n)], pa.string())
    if draw(st.booleans()):
        fields = pa.StructArray.from_arrays(
            [level, pa.array([draw(st.sampled_from(["vip", None])) for _ in range(n)])],
            names=["level", "customer_grade"],
            mask=row_nulls,
        )
    else:
        fields = pa.array(
            [None if v is None else [("level", v)] for v in level.to_pylist()],
            pa.map_(pa.string(), pa.string()),
        )
    if draw(st.booleans()):
        names = draw(st.lists(st.sampled_from(EVENTS), min_size=1, max_size=5, unique=True))
        events = pa.StructArray.from_arrays(
            [instants(n, nulls=name != "created") for name in names], names=names, mask=row_nulls
        )
    else:
        counts = [draw(st.integers(0, 3)) for _ in range(n)]
        offsets = pa.array([sum(counts[:i]) for i in range(n + 1)], pa.int32())
        keys = pa.array([draw(st.sampled_from(EVENTS)) for _ in range(sum(counts))], pa.string())
        events = pa.MapArray.from_arrays(offsets, keys, instants(sum(counts)))
    counts = [draw(st.integers(0, 4)) for _ in range(n)]
    total = sum(counts)
    offsets = pa.array(
        [None if counts[i] and draw(maybe_null) else sum(counts[:i]) for i in range(n)] + [total],
        pa.int32(),
    )
    at = instants(total, nulls=draw(st.booleans()))
    entered = pa.array(
        [None if draw(maybe_null) else draw(st.sampled_from(STATUSES)) for _ in range(total)],
        pa.string(),
    )
    mask = pa.array([draw(maybe_null) for _ in range(total)], pa.bool_())
    if draw(st.booleans()):
        items = pa.StructArray.from_arrays([at, entered], names=["at", "status"], mask=mask)
    else:
        items = pa.StructArray.from_arrays([entered, at], names=["status", "at"], mask=mask)
    statuses = pa.ListArray.from_arrays(offsets, items)
    counts = [draw(st.integers(0, 2)) for _ in range(n)]
    keys = [
        None if draw(maybe_null) else f"T-{draw(st.integers(0, 9))}/first_response/early-warning"
        for _ in range(sum(counts))
    ]
    done = pa.ListArray.from_arrays(
        pa.array([sum(counts[:i]) for i in range(n + 1)], pa.int32()), pa.array(keys, pa.string())
    )
    return pa.table(
        {"id": ids, "fields": fields, "events": events, "statuses": statuses, "done": done}
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(typed_tables(), st.integers(0, 60 * 24 * 12))
def test_fast_path_equals_ordinary_path(table: pa.Table, minutes: int) -> None:
    at = EPOCH + timedelta(microseconds=ORIGIN_US + minutes * 60_000_000)
    both_paths(table, at)
