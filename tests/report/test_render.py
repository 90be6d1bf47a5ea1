"""The four formats: JSON schema keys, tidy CSV with a BOM, Markdown, self-contained HTML."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest

from slarules import Policy
from slarules.report import ReportResult, render
from slarules.report import _charts as charts

from .conftest import SET, report, tk

EXTERNAL = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.fixture
def result(policy: Policy) -> ReportResult:
    extra = [
        tk(
            "S1",
            "high",
            "10-05 10:00",
            responded="10-05 10:10",
            closed="10-05 11:00",
            score=95,
            complaint="太慢 (slow)",
            fcr=True,
        ),
        tk("S2", "low", "10-06 10:00", responded="10-06 10:10", closed="10-06 11:00", score=60),
    ]
    return report(policy, SET + extra, by=["channel"])


def test_json_has_the_documented_shape(result: ReportResult) -> None:
    data = json.loads(render(result, "json"))
    row = next(r for r in data["on_time"] if r["priority"] == "high" and r["stage"] == "response")
    assert {k: row[k] for k in ("met", "met_late", "breached", "on_time_rate")} == {
        "met": 3,
        "met_late": 1,
        "breached": 0,
        "on_time_rate": 0.75,
    }
    assert data["satisfaction"] == {"satisfied": 1, "basically_satisfied": 0, "dissatisfied": 1}
    assert data["header"]["policy_id"] == "report-test"
    assert data["header"]["as_of"] == "2025-11-01T00:00:00+08:00"
    assert data["complaint_reasons"][0]["reason"] == "太慢 (slow)"
    assert {"headline", "trend", "timing", "risk", "late", "definitions", "notes"} <= set(data)


def test_csv_summary_is_tidy_and_opens_in_excel(result: ReportResult) -> None:
    text = render(result, "csv")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["window", "period", "priority", "stage", "group", "metric", "value"]
    assert all(len(r) == 7 for r in rows)
    assert [
        "current",
        "2025-10-01/2025-10-31",
        "high",
        "response",
        "",
        "on_time_rate",
        "0.75",
    ] in rows


def test_markdown_has_every_section(result: ReportResult) -> None:
    md = render(result, "md")
    for heading in (
        "Headline",
        "On-time rate per priority and stage",
        "Trend",
        "Business time per stage",
        "Satisfaction",
        "Complaint reasons",
        "By channel",
        "Open risk",
        "Definitions",
    ):
        assert f"### {heading}" in md
    assert "| **top 3** 太慢 (slow) | 1 |" in md


def test_html_without_charts_keeps_tables_and_says_how(
    result: ReportResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("slarules.report._render_html.charts_available", lambda: False)
    html = render(result, "html")
    assert "pip install 'slarules[report]'" in html
    assert "<svg" not in html
    assert 'class="bar"' in html
    assert not EXTERNAL.search(html)


def test_html_with_charts_is_self_contained(result: ReportResult) -> None:
    pytest.importorskip("vl_convert", reason="charts need vl-convert-python")
    html = render(result, "html")
    assert html.count('<div class="chart"') == 5
    assert "投诉原因" in html
    assert "满意" in html
    assert "<script" not in html
    assert not EXTERNAL.search(html)
    assert "default-src 'none'" in html  # the page may load nothing


def test_chart_specs_are_plain_vega_lite(result: ReportResult) -> None:
    specs = charts.charts_for(result)
    assert set(specs) == {"trend", "stages", "satisfaction", "complaints", "overdue"}
    for spec in specs.values():
        text = json.dumps(spec, ensure_ascii=False)
        assert '"url"' not in text
        assert spec["data"]["values"]
        assert spec["$schema"].endswith("vega-lite/v5.json")


def test_unknown_format_is_a_usage_error(result: ReportResult) -> None:
    from slarules import UsageError

    with pytest.raises(UsageError, match="unknown format"):
        render(result, "pdf")


def test_the_library_imports_without_optional_packages() -> None:
    code = (
        "import sys, slarules.report as r; "
        "bad = [m for m in ('vl_convert', 'pyarrow', 'click', 'rich') if m in sys.modules]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
