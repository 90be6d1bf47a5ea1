"""The Ray Data recipe of docs/scale.md: ``map_batches(batch_format="pyarrow")`` over
``slarules.batch``.

Runs where Ray is installed (it is not a dependency of slarules); skipped otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
ray = pytest.importorskip("ray")

from slarules.batch import PolicyRef, cached_policy, evaluate_table, read_json  # noqa: E402

from .helpers import AT, EXAMPLES, POLICY  # noqa: E402


def _recipe(ref: PolicyRef) -> Callable[[Any], Any]:
    """The function docs/scale.md gives to ``map_batches``."""

    def evaluate(batch: Any) -> Any:  # a pyarrow.Table
        return evaluate_table(cached_policy(ref), batch, AT)

    return evaluate


def test_map_batches_equals_one_process(tmp_path: Path) -> None:
    source = tmp_path / "tickets"
    source.mkdir()
    tickets = read_json(EXAMPLES)
    half = tickets.num_rows // 2
    pq.write_table(tickets.slice(0, half), source / "part-0.parquet")  # two files: two tasks
    pq.write_table(tickets.slice(half), source / "part-1.parquet")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        ds = ray.data.read_parquet(str(source))
        out = ds.map_batches(_recipe(PolicyRef.of(POLICY)), batch_format="pyarrow")
        got = pa.Table.from_pylist(out.take_all())
    finally:
        ray.shutdown()
    expected = evaluate_table(POLICY, tickets, AT)
    key = [("ticket_id", "ascending"), ("stage", "ascending")]
    assert got.sort_by(key).to_pylist() == expected.sort_by(key).to_pylist()
