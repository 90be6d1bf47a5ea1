"""Running cases: what passes, what fails, and what a failure says."""

from __future__ import annotations

from pathlib import Path

import pytest

from slarules import Policy, PolicyError, UsageError
from slarules.policytest import (
    Failure,
    find_test_files,
    load_test_file,
    run_case,
    run_file,
    run_paths,
)

from .conftest import POLICY, WriteTest

HEAD = """\
tickets:
  u:
    fields: {level: urgent}
    events: {created: 2025-10-09T14:30:00+08:00}
cases:
"""


def one_case(write_test: WriteTest, body: str) -> list[Failure]:
    loaded = load_test_file(write_test(HEAD + body))
    (case,) = loaded.cases
    return list(run_case(loaded, case).failures)


def test_a_case_whose_claims_hold_passes(write_test: WriteTest) -> None:
    loaded = load_test_file(
        write_test(
            HEAD
            + """\
  - name: all good
    ticket: u
    at: 2025-10-09T14:54:00+08:00
    expect:
      priority: urgent
      stages:
        response: {status: running, deadline: 2025-10-09T15:00:00+08:00, elapsed: 24m,
                   remaining: 6m, started_at: 2025-10-09T14:30:00+08:00, stopped_at: null}
      breaches: []
      actions:
        - {kind: notify, stage: response, step: warn, to: assignee, key: u/response/warn,
           due_at: 2025-10-09T14:54:00+08:00, count: 1}
      no_actions:
        - {kind: escalate}
      next_evaluation_at: 2025-10-09T15:00:00+08:00
"""
        )
    )
    (result,) = run_file(loaded)
    assert result.passed
    assert (result.name, result.line, result.failures) == ("all good", 6, ())


def test_a_wrong_deadline_shows_expected_actual_and_line(write_test: WriteTest) -> None:
    failures = one_case(
        write_test,
        """\
  - name: wrong
    ticket: u
    at: 2025-10-09T14:30:00+08:00
    expect:
      stages:
        response: {deadline: 2025-10-09T15:30:00+08:00}
""",
    )
    assert failures == [
        Failure(
            "stages.response.deadline",
            "2025-10-09T15:30:00+08:00",
            "2025-10-09T15:00:00+08:00",
            11,
        )
    ]


def test_actual_instants_are_shown_in_the_offset_the_test_wrote(write_test: WriteTest) -> None:
    (failure,) = one_case(
        write_test,
        """\
  - name: utc
    ticket: u
    at: 2025-10-09T14:30:00+08:00
    expect:
      next_evaluation_at: 2025-10-09T07:00:00Z
""",
    )
    assert (failure.expected, failure.actual) == (
        "2025-10-09T07:00:00+00:00",
        "2025-10-09T06:54:00+00:00",
    )


def test_the_same_instant_in_another_offset_passes(write_test: WriteTest) -> None:
    assert (
        one_case(
            write_test,
            """\
  - name: utc
    ticket: u
    at: 2025-10-09T14:30:00+08:00
    expect:
      stages: {response: {deadline: 2025-10-09T07:00:00Z}}
""",
        )
        == []
    )


def test_an_action_matcher_that_matches_nothing_fails(write_test: WriteTest) -> None:
    (failure,) = one_case(
        write_test,
        """\
  - name: nothing due yet
    ticket: u
    at: 2025-10-09T14:30:00+08:00
    expect:
      actions:
        - {stage: response}
""",
    )
    assert str(failure) == (
        "actions[0]: expected at least 1 matching {stage: response}, "
        "got 0 matching; due: no actions due"
    )
    assert failure.line == 11


def test_count_requires_exactly_that_many_matches(write_test: WriteTest) -> None:
    (failure,) = one_case(
        write_test,
        """\
  - name: two due
    ticket: u
    at: 2025-10-09T15:00:00+08:00
    expect:
      actions:
        - {stage: response, count: 1}
""",
    )
    assert failure.expected == "1 matching {stage: response, count: 1}"
    assert failure.actual.startswith("2 matching; due: notify response to assignee at ")


def test_no_actions_all_fails_on_any_due_action(write_test: WriteTest) -> None:
    (failure,) = one_case(
        write_test,
        """\
  - name: quiet
    ticket: u
    at: 2025-10-09T15:00:00+08:00
    expect:
      no_actions: all
""",
    )
    assert failure.expectation == "no_actions[0]"
    assert failure.expected == "no actions due"
    assert "u/response/warn" in failure.actual
    assert "u/response/overdue" in failure.actual


def test_to_and_via_match_when_the_action_includes_every_role_listed(
    write_test: WriteTest,
) -> None:
    failures = one_case(
        write_test,
        """\
  - name: roles
    ticket: u
    at: 2025-10-09T15:00:00+08:00
    expect:
      actions:
        - {to: [assignee, supervisor], count: 0}
        - {to: [supervisor], kind: escalate, count: 1}
""",
    )
    assert failures == []


def test_wrong_priority_status_and_breaches_all_fail_at_once(write_test: WriteTest) -> None:
    failures = one_case(
        write_test,
        """\
  - name: many wrong
    ticket: u
    at: 2025-10-09T15:10:00+08:00
    expect:
      priority: routine
      stages: {response: {status: running, remaining: 5m}}
      breaches: []
""",
    )
    assert [(f.expectation, f.expected, f.actual) for f in failures] == [
        ("priority", "routine", "urgent"),
        ("stages.response.status", "running", "breached"),
        ("stages.response.remaining", "5m", "-10m"),
        ("breaches", "[]", "[response]"),
    ]


def test_a_ticket_the_policy_refuses_is_a_failure_of_the_case(write_test: WriteTest) -> None:
    (failure,) = one_case(
        write_test,
        """\
  - name: bad level
    ticket: {fields: {level: critical}, events: {created: 2025-10-09T14:30:00+08:00}}
    at: 2025-10-09T14:30:00+08:00
    expect: {priority: urgent}
""",
    )
    assert failure.expectation == "ticket"
    assert "critical" in failure.actual
    assert failure.line == 6


def test_run_case_can_run_against_another_policy(write_test: WriteTest) -> None:
    loaded = load_test_file(
        write_test(
            HEAD
            + """\
  - name: 30 minutes
    ticket: u
    at: 2025-10-09T14:30:00+08:00
    expect:
      stages: {response: {deadline: 2025-10-09T15:00:00+08:00}}
"""
        )
    )
    mutant = Policy.from_yaml(POLICY.replace("urgent: 30m", "urgent: 31m"))
    assert run_case(loaded, loaded.cases[0]).passed
    assert not run_case(loaded, loaded.cases[0], policy=mutant).passed


def test_run_paths_finds_test_files_under_folders_and_counts(
    write_test: WriteTest, tmp_path: Path
) -> None:
    write_test(
        HEAD
        + """\
  - {name: a, ticket: u, at: 2025-10-09T14:30:00+08:00, expect: {priority: urgent}}
  - {name: b, ticket: u, at: 2025-10-09T14:30:00+08:00, expect: {priority: routine}}
"""
    )
    result = run_paths([tmp_path])
    assert [f.path for f in result.files] == [str(tmp_path / "mini.test.yaml")]
    assert (result.total, result.passed, result.failed, result.ok) == (2, 1, 1, False)
    assert result.summary() == "2 tests, 1 passed, 1 failed"


def test_run_paths_without_test_files_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no test files"):
        run_paths([tmp_path])
    with pytest.raises(UsageError, match="no such file or folder"):
        run_paths([tmp_path / "missing"])


def test_run_paths_raises_for_a_malformed_test_file(write_test: WriteTest, tmp_path: Path) -> None:
    write_test("cases: []\n")
    with pytest.raises(PolicyError) as info:
        run_paths([tmp_path])
    assert info.value.problems[0].file == str(tmp_path / "mini.test.yaml")


def test_a_policy_file_named_stands_for_the_test_file_beside_it(
    write_test: WriteTest, tmp_path: Path
) -> None:
    write_test(
        HEAD
        + "  - {name: a, ticket: u, at: 2025-10-09T14:30:00+08:00, expect: {priority: urgent}}\n"
    )
    assert find_test_files([tmp_path / "mini.yaml", tmp_path / "mini.test.yaml"]) == [
        tmp_path / "mini.test.yaml"
    ]
