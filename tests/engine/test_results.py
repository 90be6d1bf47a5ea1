"""The engine's fast constructors build exactly what the public classes would."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

import pytest

from slarules import Evaluation, PriorityChoice, StageResult, StageStatus
from slarules.engine._evaluation import evaluation, stage_result


def distinct_values(cls: type) -> list[Any]:
    """A different value for every field, so a field set into the wrong slot shows."""
    base = datetime(2025, 1, 1, tzinfo=UTC)
    return [
        base + timedelta(hours=i) if "datetime" in str(f.type) else f"{f.name}-{i}"
        for i, f in enumerate(fields(cls))
    ]


def test_stage_result_sets_every_field_in_order() -> None:
    values = distinct_values(StageResult)
    values[1] = StageStatus.RUNNING
    built = stage_result(*values)
    assert built == StageResult(*values)
    assert [getattr(built, f.name) for f in fields(StageResult)] == values


def test_evaluation_sets_every_field_in_order() -> None:
    values = distinct_values(Evaluation)
    names = [f.name for f in fields(Evaluation)]
    values[names.index("priority_choice")] = PriorityChoice("p", True, (), None, "why")
    values[names.index("stages")] = MappingProxyType({})
    built = evaluation(*values)
    assert built == Evaluation(*values)
    assert [getattr(built, name) for name in names] == values


def test_built_values_stay_immutable() -> None:
    built = stage_result(*distinct_values(StageResult))
    with pytest.raises(AttributeError):
        built.name = "other"  # type: ignore[misc]
