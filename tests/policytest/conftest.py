"""Builders for policy test files: a small policy and a test file written beside it."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

POLICY = """\
slarules: 1
id: mini
version: "1"
timezone: Asia/Shanghai
calendars:
  office:
    hours: {mon-fri: [09:00-12:00, 13:30-18:00]}
    holidays: {country: CN}
fields:
  level: {enum: [urgent, routine], required: true}
priorities:
  - id: urgent
    when: {level: urgent}
  - id: routine
    default: true
stages:
  response:
    start: created
    stop: responded
    target: {urgent: 30m, routine: 4h}
    ladder:
      - at: 80%
        id: warn
        notify: [assignee]
      - at: breach
        id: overdue
        escalate: [supervisor]
"""

WriteTest = Callable[[str], Path]


@pytest.fixture
def write_test(tmp_path: Path) -> WriteTest:
    """Write ``mini.yaml`` and ``mini.test.yaml`` (with the given text) in a fresh folder."""
    (tmp_path / "mini.yaml").write_text(POLICY, encoding="utf-8")

    def write(text: str) -> Path:
        path = tmp_path / "mini.test.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write
