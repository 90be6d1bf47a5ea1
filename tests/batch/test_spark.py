"""The Spark recipe of docs/scale.md: ``mapInArrow`` over ``slarules.batch``.

Runs where pyspark and a Java runtime are installed; skipped otherwise.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime", allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402

from slarules.batch import (  # noqa: E402
    PolicyRef,
    cached_policy,
    evaluate_table,
    read_json,
    spark_ddl,
    stages_schema,
)

from .helpers import AT, EXAMPLES, POLICY  # noqa: E402


def _recipe(ref: PolicyRef) -> Any:
    """The function docs/scale.md gives to ``mapInArrow``."""

    def evaluate_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        policy = cached_policy(ref)  # compiled once per Python worker
        for batch in batches:
            yield from evaluate_table(policy, batch, AT).to_batches()

    return evaluate_batches


@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
def test_map_in_arrow_equals_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)  # workers run this interpreter
    source = tmp_path / "tickets.parquet"
    tickets = read_json(EXAMPLES)
    pq.write_table(tickets, source)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("slarules-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    try:
        frame = spark.read.parquet(str(source)).repartition(2)
        out = frame.mapInArrow(_recipe(PolicyRef.of(POLICY)), spark_ddl(stages_schema()))
        rows = out.toArrow() if hasattr(out, "toArrow") else None
        got = (
            rows.cast(stages_schema())
            if rows is not None
            else pa.Table.from_pylist([r.asDict() for r in out.collect()])
        )
    finally:
        spark.stop()
    expected = evaluate_table(POLICY, tickets, AT)
    key = [("ticket_id", "ascending"), ("stage", "ascending")]
    assert got.sort_by(key).to_pylist() == expected.sort_by(key).to_pylist()
