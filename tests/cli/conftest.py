"""Fixtures for the in-process CLI tests: a runner, and small policy and ticket files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from slarules.cli import cli

from .helpers import SMALL, Run, write_tickets


@pytest.fixture
def run() -> Run:
    """Run ``slarules ARGS...`` in-process; stdout and stderr are kept apart."""

    def invoke(*args: str | Path, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, [str(a) for a in args], input=input)

    return invoke


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture
def small_tickets(tmp_path: Path) -> Path:
    return write_tickets(
        tmp_path / "tickets.jsonl",
        [
            {
                "id": "T-1",
                "fields": {"level": "urgent"},
                "events": {"created": "2025-10-09T09:00:00+08:00"},
            },
            {
                "id": "T-2",
                "fields": {"level": "routine"},
                "events": {
                    "created": "2025-10-09T09:00:00+08:00",
                    "responded": "2025-10-09T10:00:00+08:00",
                },
            },
        ],
    )
