"""The headline: which stages get cards, and one rule for "previous" on every card.

A tracking-only stage (``target: none``) has no deadline: it gets no headline cards unless
the policy's ``report: {headline: [...]}`` asks for them, and it never counts as at risk. A
card has a previous value only when the previous range has data for it; otherwise every
format says so the same way (``no previous data`` in HTML and Markdown, ``null`` in JSON,
an empty cell in CSV), instead of comparing with a zero nobody measured.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from typing import Any

import pytest

from slarules import Policy, PolicyError
from slarules.report import ReportResult, render

from .conftest import POLICY, SET, report, tk

FORMATS = ("html", "md", "json", "csv")


def tracking_policy(**report_section: Any) -> Policy:
    """The test policy with ``fix`` tracked only (no deadline for any priority)."""
    data = copy.deepcopy(POLICY)
    data["stages"]["fix"]["target"] = "none"
    data["report"].update(report_section)
    return Policy.from_dict(data)


def card_stages(result: ReportResult) -> list[str | None]:
    return [h.stage for h in result.headline if h.stage is not None]


def rendered_headline(result: ReportResult, fmt: str) -> str:
    """The headline part of one format's output."""
    text = render(result, fmt, charts=False) if fmt == "html" else render(result, fmt)
    if fmt == "html":
        return text[text.index('<div class="cards">') : text.index("<h2>On-time rate")]
    if fmt == "md":
        return text[text.index("### Headline") : text.index("### On-time rate")]
    if fmt == "json":
        return json.dumps(json.loads(text)["headline"], ensure_ascii=False)
    rows = list(csv.reader(io.StringIO(text[1:])))
    return "\n".join(",".join(r) for r in rows if r[5] in ("median", "p90"))


# ----------------------------------------------------------- tracking-only stages


def test_a_tracking_only_stage_gets_no_headline_cards() -> None:
    r = report(tracking_policy(), SET)
    assert card_stages(r) == ["response", "response", "review", "review"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_shows_headline_cards_of_a_tracking_only_stage(fmt: str) -> None:
    headline = rendered_headline(report(tracking_policy(), SET), fmt)
    assert "response" in headline
    assert "fix" not in headline


def test_the_definitions_say_which_stages_the_headline_shows_and_why() -> None:
    default = dict(report(tracking_policy(), SET).definitions)["Headline stages"]
    assert default.startswith("Median and 90th percentile business time of response, review:")
    assert "stages only tracked (target none) are left out" in default
    chosen = dict(report(tracking_policy(headline=["fix"]), SET).definitions)["Headline stages"]
    assert chosen == (
        "Median and 90th percentile business time of fix (the policy's report.headline)."
    )


def test_its_business_time_is_still_reported_per_stage() -> None:
    r = report(tracking_policy(), SET)
    assert next(t for t in r.timing if t.stage == "fix").count == 1


def test_the_policy_chooses_the_headline_stages_and_their_order() -> None:
    r = report(tracking_policy(headline=["fix", "response"]), SET)
    assert card_stages(r) == ["fix", "fix", "response", "response"]
    assert [h.key for h in r.headline if h.stage][:2] == ["median:fix", "p90:fix"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_shows_the_chosen_headline_stages(fmt: str) -> None:
    headline = rendered_headline(report(tracking_policy(headline=["fix"]), SET), fmt)
    assert "fix" in headline
    assert "response" not in headline


def test_an_empty_headline_list_shows_no_stage_cards() -> None:
    r = report(tracking_policy(headline=[]), SET)
    assert card_stages(r) == []
    assert r.headline_value("on_time_rate") is not None


def test_a_headline_stage_that_does_not_exist_is_a_located_policy_error() -> None:
    text = (
        "slarules: 1\nid: p\nversion: '1'\ntimezone: Asia/Shanghai\n"
        "priorities:\n  - id: normal\n    default: true\n"
        "stages:\n  response: {start: created, stop: responded, target: 1h}\n"
        "report:\n  headline: [response, respons, response]\n"
    )
    with pytest.raises(PolicyError) as info:
        Policy.from_yaml(text, file="p.yaml")
    found = [(p.code, p.line, p.column, p.hint) for p in info.value.problems]
    assert found == [
        ("unknown-stage", 11, 24, "did you mean 'response'?"),
        ("duplicate-id", 11, 33, "list each stage once"),
    ]


def test_a_stage_tracked_for_some_priorities_keeps_its_cards() -> None:
    data = copy.deepcopy(POLICY)
    data["stages"]["response"]["target"] = {"high": "1h", "low": "none"}
    r = report(Policy.from_dict(data), SET)
    assert "response" in card_stages(r)


def test_a_tracking_only_stage_is_never_at_risk() -> None:
    # T9's fix stage has run a whole month with no deadline; its response stage is at risk
    tickets = [*SET, tk("T9", "high", "10-01 10:00", responded="10-01 10:50")]
    without = report(tracking_policy(), SET, risk=0.01)
    r = report(tracking_policy(), tickets, risk=0.01)
    assert all(s.stage != "fix" for s in r.risk_stages)
    assert (r.at_risk, r.open_breached) == (without.at_risk, without.open_breached)
    for fmt in ("html", "md"):
        text = render(r, fmt, charts=False) if fmt == "html" else render(r, fmt)
        risk = text[text.index("Open risk") :]
        assert "fix" not in risk[: risk.index("ppendix") if "ppendix" in risk else None]


# ------------------------------------------------------------ the previous range


OCTOBER_ONLY = [t for t in SET if t["id"] not in ("T6", "T8")]  # nothing decided in September


def test_counts_have_no_previous_value_when_the_previous_range_has_no_data() -> None:
    r = report(tracking_policy(), OCTOBER_ONLY)
    for key in ("on_time_rate", "breaches", "late_completions", "median:response"):
        card = r.headline_value(key)
        assert card is not None
        assert card.value is not None
        assert (key, card.previous, card.change) == (key, None, None)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_says_the_same_of_a_previous_range_without_data(fmt: str) -> None:
    r = report(tracking_policy(), OCTOBER_ONLY)
    text = render(r, fmt, charts=False) if fmt == "html" else render(r, fmt)
    if fmt == "json":
        cards = {h["key"]: h for h in json.loads(text)["headline"]}
        assert cards["breaches"]["previous"] is None
        assert cards["breaches"]["change"] is None
        assert cards["on_time_rate"]["previous"] is None
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(text[1:])))
        previous = {r[5]: r[6] for r in rows if r[0] == "previous" and r[3] == "*"}
        assert previous["breaches"] == previous["on_time_rate"] == ""
    else:
        headline = rendered_headline(r, fmt)
        assert headline.count("no previous data") == len(r.headline)
        assert "+1" not in headline


def test_a_previous_range_with_data_and_no_breaches_compares_with_zero() -> None:
    september = tk("T7", "high", "09-10 10:00", responded="09-10 10:10", closed="09-10 11:00")
    r = report(tracking_policy(), [*OCTOBER_ONLY, september])
    breaches = r.headline_value("breaches")
    assert breaches is not None
    assert (breaches.previous, breaches.change) == (0, breaches.value)
