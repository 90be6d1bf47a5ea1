"""The JSON format: ``ReportResult.to_dict()`` (schema: docs/report.md#json)."""

from __future__ import annotations

import json

from ._result import ReportResult

__all__ = ["render_json"]


def render_json(result: ReportResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
