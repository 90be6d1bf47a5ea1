"""The `report:` section: shape errors with file:line, field checks when a report is built."""

from __future__ import annotations

from pathlib import Path

import pytest

from slarules import Policy, PolicyError, UsageError
from slarules.report import measures_for

HEAD = """slarules: 1
id: p
version: "1"
timezone: Asia/Shanghai
fields:
  score: {type: integer}
  why: {type: string}
  fcr: {type: boolean}
priorities:
  - id: normal
    default: true
stages:
  response: {start: created, stop: responded, target: 1h}
"""


def load(report: str) -> Policy:
    return Policy.from_yaml(HEAD + report, file="p.yaml")


def problems(report: str) -> list[str]:
    with pytest.raises(PolicyError) as info:
        measures_for(load(report))
    return [str(p) for p in info.value.problems]


def shape_problems(report: str) -> list[str]:
    with pytest.raises(PolicyError) as info:
        load(report)
    return [str(p) for p in info.value.problems]


def test_a_full_section_loads() -> None:
    m = measures_for(
        load(
            "report:\n"
            "  satisfaction:\n"
            "    field: score\n"
            "    classes: {good: {min: 90}, ok: {min: 70, max: 89}, bad: {max: 69}}\n"
            "  complaints: {when: {why: {exists: true}}, reason: why}\n"
            "  overdue_reason: why\n"
            "  first_contact_resolution: fcr\n"
        )
    )
    assert m.satisfaction is not None
    assert m.complaint is not None
    assert (m.created_event, m.closed_event) == ("created", "responded")


def test_overlapping_classes_point_at_the_line() -> None:
    found = shape_problems(
        "report:\n  satisfaction:\n    field: score\n"
        "    classes: {good: {min: 80}, ok: {min: 70, max: 89}}\n"
    )
    assert len(found) == 1
    assert found[0].startswith("p.yaml:17:")
    assert "classes 'good' and 'ok' overlap" in found[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("    classes: {a: {}}\n", "a class needs `min`, `max` or both"),
        ("    classes: {a: {min: 9, max: 1}}\n", "min 9 is above max 1"),
        ("    classes: {a: {min: 1}}\n    satisfied: [b]\n", "'b' in `satisfied` is not a class"),
        ("    classes: {}\n", "list at least one class"),
        ("    classes: {a: {min: 1, mx: 2}}\n", "did you mean 'max'?"),
    ],
)
def test_shape_errors(text: str, message: str) -> None:
    found = shape_problems("report:\n  satisfaction:\n    field: score\n" + text)
    assert any(message in f for f in found), found


def test_unknown_and_mistyped_fields_are_reported_with_lines() -> None:
    found = problems(
        "report:\n"
        "  satisfaction: {field: scor, classes: {a: {min: 1}}}\n"
        "  overdue_reason: fcr\n"
        "  first_contact_resolution: why\n"
        "  complaints: {when: {nope: 1}}\n"
        "  by: [chanel]\n"
    )
    text = "\n".join(found)
    assert "p.yaml:15:" in text
    assert "field 'scor' is not declared; did you mean 'score'?" in text
    assert "p.yaml:16:" in text
    assert "field 'fcr' is true or false, not a string or enum" in text
    assert "p.yaml:17:" in text
    assert "not a boolean field" in text
    assert "p.yaml:18:" in text
    assert "p.yaml:19:" in text
    assert "'chanel'" in text


def test_unknown_by_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--by 'scor' is not a declared field; did you mean"):
        measures_for(load(""), by=("scor",))


def test_closed_event_must_be_declared_when_events_are() -> None:
    with pytest.raises(PolicyError, match="event 'closd' is not declared") as info:
        Policy.from_yaml(
            HEAD.replace("fields:", "events: [created, responded]\nfields:")
            + "report: {closed_event: closd}\n",
            file="p.yaml",
        )
    assert info.value.problems[0].line is not None


def test_bundled_policies_have_valid_report_sections() -> None:
    from slarules import load_policy

    after = measures_for(load_policy("policies/after-sales-response.yaml"))
    assert after.satisfaction is not None
    assert list(after.satisfaction.classes) == ["satisfied", "basically_satisfied", "dissatisfied"]
    assert after.first_contact == "first_contact_resolved"
    service = measures_for(load_policy("policies/service-response.yaml"))
    assert service.complaint is not None
    assert service.closed_event == "resolved"


def test_a_report_field_that_is_not_declared_is_an_error_when_the_policy_loads() -> None:
    text = Path("policies/after-sales-response.yaml").read_text(encoding="utf-8")
    broken = text.replace("field: satisfaction_score", "field: satisfaction_scor")
    assert broken != text
    with pytest.raises(PolicyError) as info:
        Policy.from_yaml(broken, file="after-sales-response.yaml")
    problem = info.value.problems[0]
    assert problem.code == "unknown-field"
    assert problem.hint == "did you mean 'satisfaction_score'?"
    assert problem.line is not None


def test_the_report_section_of_docs_report_md_loads_on_the_bundled_policy() -> None:
    import re

    from slarules.report import measures_for as measures

    doc = Path("docs/report.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", doc, re.DOTALL) if "report:" in b)
    section = block[block.index("report:") :]
    text = Path("policies/after-sales-response.yaml").read_text(encoding="utf-8")
    policy = Policy.from_yaml(text[: text.index("\nreport:") + 1] + section)
    m = measures(policy)
    assert m.headline == ("first_response", "closure")
    assert m.by == ("channel",)
