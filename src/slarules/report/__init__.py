"""The monthly SLA review: on-time rates, timing, satisfaction, complaints, open risk.

    >>> from slarules.report import build_report, render
    >>> result = build_report(policy, tickets, as_of=instant)      # a ReportResult
    >>> html = render(result, "html")                              # or "md", "json", "csv"

For chunked or distributed data, build one ``ReportAccumulator`` per chunk, ``merge``
them and ``finish``. Importing this package needs neither click, pyarrow nor
vl-convert; those are imported only where used. See docs/report.md.
"""

from __future__ import annotations

from ._accumulator import ReportAccumulator
from ._build import build_report
from ._histogram import Histogram
from ._measures import Measures, measures_for, report_spec
from ._options import ReportOptions
from ._render import FORMATS, render
from ._result import (
    Breakdown,
    Headline,
    LateStage,
    OnTimeRow,
    ParetoRow,
    ReportHeader,
    ReportResult,
    RiskStage,
    SatisfactionRow,
    TimingRow,
    TrendRow,
)

__all__ = [
    "FORMATS",
    "Breakdown",
    "Headline",
    "Histogram",
    "LateStage",
    "Measures",
    "OnTimeRow",
    "ParetoRow",
    "ReportAccumulator",
    "ReportHeader",
    "ReportOptions",
    "ReportResult",
    "RiskStage",
    "SatisfactionRow",
    "TimingRow",
    "TrendRow",
    "build_report",
    "measures_for",
    "render",
    "report_spec",
]
