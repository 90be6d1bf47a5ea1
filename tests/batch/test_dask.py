"""``slarules.dask`` on a real ``distributed.LocalCluster`` (2 worker processes, 1 thread each)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

import dask  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402

import slarules.dask as sd  # noqa: E402
from slarules import Policy, TicketError, UsageError  # noqa: E402
from slarules.batch import (  # noqa: E402
    Record,
    evaluate_batch,
    evaluate_table,
    map_chunks,
    read_json,
    stages_schema,
)
from slarules.batch._cache import compile_count  # noqa: E402

from .helpers import AT, EXAMPLES, POLICY, ROOT, generated_tickets  # noqa: E402


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            worker_dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def tickets_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dask") / "tickets.parquet"
    pq.write_table(generated_tickets(2_000, seed=3), path, row_group_size=250)  # 8 row groups
    return path


def _sorted(table: pa.Table) -> list[dict[str, Any]]:
    return sorted(table.to_pylist(), key=lambda r: (r["ticket_id"], r["stage"]))


def _table(frame: Any, schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False).cast(schema)


def test_evaluate_on_a_cluster_equals_one_process(client: Any, tickets_path: Path) -> None:
    expected = evaluate_batch(POLICY, pq.read_table(tickets_path), AT)
    lazy = sd.evaluate(POLICY, tickets_path, AT)
    assert lazy.npartitions > 1  # one file, split at row groups
    got = _table(lazy.compute(), stages_schema())
    assert _sorted(got) == _sorted(expected.stages)
    actions = sd.due_actions(POLICY, str(tickets_path), AT).compute()
    assert len(actions) == expected.actions.num_rows
    compiled = client.run(compile_count)
    assert len(compiled) == 2
    assert all(count <= 1 for count in compiled.values()), compiled  # not once per partition


def test_dask_dataframe_input_and_collect(client: Any) -> None:
    table = generated_tickets(300, seed=3)
    rows = table.to_pylist()
    rows[5]["fields"]["level"] = "bogus"
    bad = pa.Table.from_pylist(rows, schema=table.schema)
    frame = bad.to_pandas(types_mapper=pd.ArrowDtype)  # object columns would become text
    ddf = dd.from_pandas(frame, npartitions=3)
    result = sd.evaluate(POLICY, ddf, AT, errors="collect")
    stages, errors = dask.compute(result.stages, result.errors)
    assert len(stages) == 299 * len(POLICY.stages)
    assert errors["ticket_id"].tolist() == ["AS-6"]
    assert "not an allowed value" in errors["error"].iloc[0]
    assert errors["error_where"].iloc[0] == "partition 0 row 6"
    assert list(stages.columns) == stages_schema().names
    text = dd.from_pandas(bad.to_pandas(), npartitions=1)  # dicts turned into text by dask
    with pytest.raises(TicketError, match="convert-string"):
        sd.evaluate(POLICY, text, AT).compute()
    with pytest.raises(TicketError, match="AS-6"):
        sd.evaluate(POLICY, ddf, AT).compute()


def test_a_parquet_file_is_read_in_the_tasks_that_evaluate_it(client: Any, tmp_path: Path) -> None:
    table = generated_tickets(600, seed=5)
    rows = table.to_pylist()
    rows[420]["fields"]["level"] = "bogus"
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path, row_group_size=200)
    result = sd.evaluate(POLICY, path, AT, errors="collect")
    assert result.stages.npartitions == 3  # one per row group
    stages, errors = dask.compute(result.stages, result.errors)
    assert len(stages) == 599 * len(POLICY.stages)
    assert errors["ticket_id"].tolist() == [rows[420]["id"]]
    assert errors["error_row"].tolist() == [420]  # the row in the file, not in its partition
    assert errors["error_where"].tolist() == [f"{path} row 421"]
    expected = evaluate_batch(POLICY, pq.read_table(path), AT, errors="collect")
    assert _sorted(_table(stages, stages_schema())) == _sorted(expected.stages)
    actions = sd.due_actions(POLICY, path, AT).compute()
    assert len(actions) == expected.actions.num_rows
    with pytest.raises(TicketError, match=f"{path} row 421"):
        sd.evaluate(POLICY, path, AT).compute()


def test_a_json_lines_file_is_read_in_the_tasks_that_evaluate_it(
    client: Any, tmp_path: Path
) -> None:
    lines = EXAMPLES.read_bytes().splitlines()
    path = tmp_path / "t.jsonl"
    path.write_bytes(b"\n".join([*lines[:2], b"{oops", *lines[2:]]) + b"\n")
    result = sd.evaluate(POLICY, path, AT, errors="collect")
    stages, errors = dask.compute(result.stages, result.errors)
    expected = evaluate_batch(POLICY, read_json(EXAMPLES), AT)
    assert _sorted(_table(stages, stages_schema())) == _sorted(expected.stages)
    assert errors["error_where"].tolist() == [f"{path}:3"]
    assert errors["error_row"].tolist() == [2]
    actions = sd.due_actions(POLICY, path, AT).compute()
    assert len(actions) == expected.actions.num_rows
    with pytest.raises(TicketError, match=f"{path}:3: not valid JSON"):
        sd.evaluate(POLICY, path, AT).compute()


@pytest.mark.parametrize("name", ["t.jsonl", "t.parquet", "t.txt"])
def test_a_file_that_cannot_be_read_is_a_usage_error(tmp_path: Path, name: str) -> None:
    missing = tmp_path / "missing.jsonl"
    with pytest.raises(UsageError, match="no such file"):
        sd.evaluate(POLICY, missing, AT)
    path = tmp_path / name
    path.write_text("not parquet\n")
    if name.endswith(".jsonl"):
        with pytest.raises(TicketError, match="not valid JSON"):
            sd.evaluate(POLICY, path, AT).compute()
        return
    with pytest.raises(UsageError, match=rf"{name}: cannot be read as Parquet \("):
        sd.evaluate(POLICY, path, AT)


def test_a_folder_of_parquet_files_is_read_by_dask(client: Any, tmp_path: Path) -> None:
    table = generated_tickets(400, seed=7)
    folder = tmp_path / "tickets"
    folder.mkdir()
    pq.write_table(table.slice(0, 250), folder / "part-0.parquet")
    pq.write_table(table.slice(250), folder / "part-1.parquet")
    got = sd.evaluate(POLICY, folder, AT).compute()
    assert _sorted(_table(got, stages_schema())) == _sorted(evaluate_table(POLICY, table, AT))


def test_naive_timestamps_in_a_parquet_file_are_explained(client: Any, tmp_path: Path) -> None:
    path = tmp_path / "naive.parquet"
    pq.write_table(pytest.importorskip("pyarrow.json").read_json(EXAMPLES), path)
    with pytest.raises(TicketError, match="timestamps without a time zone"):
        sd.evaluate(POLICY, path, AT).compute()


def priorities(policy: Policy, records: Iterable[Record]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in records:
        p = policy.evaluate(record.data, at=AT).priority
        counts[p] = counts.get(p, 0) + 1
    return counts


def merge(parts: Sequence[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for part in parts:
        for k, v in part.items():
            total[k] = total.get(k, 0) + v
    return total


def test_aggregate_matches_map_chunks(client: Any, tickets_path: Path) -> None:
    on_cluster = sd.aggregate(POLICY, tickets_path, priorities, merge)
    local = merge(list(map_chunks(POLICY, tickets_path, priorities, rows=500)))
    assert on_cluster == local
    assert sum(local.values()) == 2_000
    lazy = sd.aggregate(POLICY, tickets_path, priorities, merge, compute=False)
    assert lazy.compute() == local


def test_map_chunks_on_a_scheduler(client: Any, tickets_path: Path) -> None:
    address = client.scheduler.address
    fn = functools.partial(priorities)
    parts = list(map_chunks(POLICY, tickets_path, fn, scheduler=address, rows=500))
    assert merge(parts) == merge(list(map_chunks(POLICY, tickets_path, fn, rows=500)))


def test_mistakes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("slarules.batch._pool.CONNECT_TIMEOUT", "1s")
    with pytest.raises(UsageError, match=r"dask\.dataframe\.DataFrame or a Parquet path"):
        sd.evaluate(POLICY, [1, 2], AT)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="errors must be"):
        sd.evaluate(POLICY, "x.parquet", AT, errors="skip")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="cannot reach the Dask scheduler"):
        list(
            map_chunks(
                POLICY,
                ROOT / "examples" / "after-sales-tickets.jsonl",
                priorities,
                scheduler="tcp://127.0.0.1:9",
            )
        )


def test_the_recommended_dask_settings_name_real_configuration_keys() -> None:
    """docs/scale.md's settings for CPU-bound work: a misspelt key would do nothing."""
    import yaml

    text = (ROOT / "docs" / "scale.md").read_text(encoding="utf-8")
    section = text.split("### Dask settings for CPU-bound work", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]

    def keys(tree: dict[str, Any], prefix: str = "") -> list[str]:
        out = []
        for name, value in tree.items():
            path = f"{prefix}{name}"
            out += keys(value, f"{path}.") if isinstance(value, dict) else [path]
        return out

    settings = keys(yaml.safe_load(block))
    assert settings == [
        "distributed.worker.profile.enabled",
        "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_",
        "distributed.scheduler.worker-saturation",
    ]
    for key in settings:
        dask.config.get(key)  # raises KeyError for a key Dask does not know
    python = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert all(f'"{key}"' in python for key in settings)
