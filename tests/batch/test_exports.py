"""``slarules.batch`` and ``slarules.dask`` export exactly their documented names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import slarules.batch

DOC = (Path(__file__).resolve().parents[2] / "docs" / "scale.md").read_text()


def test_batch_all_is_sorted_and_importable() -> None:
    names = slarules.batch.__all__
    assert sorted(names, key=lambda n: (not n.isupper(), n)) == list(names)
    for name in names:
        assert getattr(slarules.batch, name) is not None


@pytest.mark.parametrize(
    "name",
    [
        "evaluate_table",
        "evaluate_batch",
        "read_json",
        "read_tickets",
        "stages_schema",
        "actions_schema",
        "errors_schema",
        "spark_ddl",
        "map_chunks",
        "PolicyRef",
        "cached_policy",
        "MissingDependencyError",
    ],
)
def test_the_main_names_are_documented(name: str) -> None:
    assert name in slarules.batch.__all__
    assert re.search(rf"\b{name}\b", DOC)


def test_dask_all() -> None:
    sd = pytest.importorskip("slarules.dask")
    assert sd.__all__ == ["DaskResult", "aggregate", "due_actions", "evaluate", "read_tickets"]
    for name in sd.__all__:
        assert re.search(rf"\b{name}\b", DOC)
