"""Fused and/or over simple top-level tests decide exactly as the tests one by one."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import cond, env

CASES = [
    ("acceptance_in_days", {"eq": 2}),
    ("acceptance_in_days", {"ne": 2}),
    ("acceptance_in_days", {"in": [1, 2]}),
    ("acceptance_in_days", {"lt": 2}),
    ("acceptance_in_days", {"lte": 2}),
    ("acceptance_in_days", {"gt": 2}),
    ("acceptance_in_days", {"gte": 2}),
    ("score", {"lte": 2.5}),
    ("score", {"gt": -1}),
    ("level", {"eq": "urgent"}),
    ("level", {"ne": "urgent"}),
    ("subject", {"in": ["a", "b"]}),
    ("due", {"lt": "2025-10-09T10:00:00+08:00"}),
]
VALUES: dict[str, list[Any]] = {
    "acceptance_in_days": [None, 1, 2, 3],
    "score": [None, -1, 2.5, 3],
    "level": [None, "urgent", "routine"],
    "subject": [None, "a", "c"],
    "due": [None, "2025-10-09T01:00:00Z", "2025-10-09T02:00:00Z", "2025-10-09T03:00:00Z"],
}


@pytest.mark.parametrize(("field", "test"), CASES)
@pytest.mark.parametrize("junction", ["any", "all"])
@pytest.mark.parametrize("width", [2, 3, 4])
def test_fused_junction_decides_as_its_parts(
    field: str, test: dict[str, Any], junction: str, width: int
) -> None:
    single = cond({field: test})
    # the same test at every position, padded with tests that do not decide: false for
    # ``any``, true for ``all`` (system_down defaults to false)
    neutral: dict[str, Any] = {"system_down": junction == "any"}
    for position in range(width):
        parts = [neutral] * width
        parts[position] = {field: test}
        fused = cond({junction: parts})
        for value in VALUES[field]:
            e = env({} if value is None else {field: value})
            assert fused(e) is single(e), (parts, value)
