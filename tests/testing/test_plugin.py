"""The pytest plugin: ``pytest`` in a folder of policies runs their ``*.test.yaml`` cases,
one test per case, through the code ``slarules test`` runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from slarules.policytest import run_paths
from tests.testing.helpers import ROOT

pytest_plugins = ["pytester"]

POLICY = """\
slarules: 1
id: tiny
version: "1"
timezone: Asia/Shanghai
fields:
  level: {enum: [urgent, routine], required: true}
events: [created, responded]
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
"""

TESTS = """\
tickets:
  urgent:
    fields: {level: urgent}
    events: {created: 2025-10-09T14:30:00+08:00}
cases:
  - name: urgent tickets answer within 30 minutes
    ticket: urgent
    at: 2025-10-09T14:30:00+08:00
    expect:
      priority: urgent
      stages:
        response: {status: running, deadline: 2025-10-09T15:00:00+08:00}

  - name: routine tickets answer within 4 hours
    ticket:
      fields: {level: routine}
      events: {created: 2025-10-09T14:30:00+08:00}
    at: 2025-10-09T14:30:00+08:00
    expect:
      stages:
        response: {deadline: DEADLINE}
"""


def write(pytester: pytest.Pytester, deadline: str = "2025-10-09T18:30:00+08:00") -> Path:
    pytester.makefile(".yaml", tiny=POLICY)
    path = pytester.path / "tiny.test.yaml"
    path.write_text(TESTS.replace("DEADLINE", deadline), encoding="utf-8")
    return path


def test_a_folder_of_policies_and_test_files_runs_every_case(pytester: pytest.Pytester) -> None:
    write(pytester)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "tiny.test.yaml::urgent tickets answer within 30 minutes PASSED*",
            "tiny.test.yaml::routine tickets answer within 4 hours PASSED*",
        ]
    )


def test_each_case_is_located_at_its_line_and_named_after_it(pytester: pytest.Pytester) -> None:
    write(pytester)
    items, _ = pytester.inline_genitems()
    assert [(i.name, i.location[1]) for i in items] == [
        ("urgent tickets answer within 30 minutes", 5),  # line 6, counted from 0
        ("routine tickets answer within 4 hours", 13),
    ]
    assert all(i.location[0] == "tiny.test.yaml" for i in items)


def test_a_failing_case_reports_each_expectation_with_its_line(pytester: pytest.Pytester) -> None:
    write(pytester, deadline="2025-10-09T18:00:00+08:00")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "tiny.test.yaml:14: routine tickets answer within 4 hours",
            "  tiny.test.yaml:21: stages.response.deadline",
            "    expected: 2025-10-09T18:00:00+08:00",
            "    actual:   2025-10-09T18:30:00+08:00",
            "FAILED tiny.test.yaml::routine tickets answer within 4 hours*",
        ]
    )


def test_a_malformed_test_file_is_a_collection_error_naming_the_place(
    pytester: pytest.Pytester,
) -> None:
    write(pytester)
    path = pytester.path / "tiny.test.yaml"
    path.write_text(path.read_text("utf-8").replace("ticket: urgent", "ticket: nobody"), "utf-8")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ERROR collecting tiny.test.yaml*", "*tiny.test.yaml:*nobody*"])


def test_collection_can_be_turned_off_in_the_configuration(pytester: pytest.Pytester) -> None:
    write(pytester)
    pytester.makeini("[pytest]\nslarules_policy_tests = false\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_the_plugin_can_be_disabled_by_name(pytester: pytest.Pytester) -> None:
    write(pytester)
    result = pytester.runpytest("-p", "no:slarules")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_python_tests_beside_the_policies_still_run(pytester: pytest.Pytester) -> None:
    write(pytester)
    pytester.makepyfile(test_host="def test_host():\n    assert True\n")
    pytester.runpytest().assert_outcomes(passed=3)


def test_the_bundled_policies_give_the_same_outcomes_as_slarules_test(
    pytester: pytest.Pytester,
) -> None:
    for path in (ROOT / "policies").iterdir():
        shutil.copy(path, pytester.path / path.name)
    expected = run_paths([pytester.path])
    assert expected.total > 0
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=expected.passed, failed=expected.failed)


def test_our_own_test_paths_hold_no_policy_test_files() -> None:
    """So the repository's own ``pytest`` run never collects policies/*.test.yaml."""
    assert not list((ROOT / "tests").rglob("*.test.y*ml"))


def test_other_tools_test_yaml_files_are_left_alone(pytester: pytest.Pytester) -> None:
    pytester.makefile(".test.yaml", build="steps:\n  - run: make\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_a_test_file_naming_its_policy_elsewhere_is_collected(pytester: pytest.Pytester) -> None:
    write(pytester)
    (pytester.path / "cases").mkdir()
    text = (pytester.path / "tiny.test.yaml").read_text("utf-8")
    (pytester.path / "cases" / "more.test.yaml").write_text(
        "policy: ../tiny.yaml\n" + text, "utf-8"
    )
    pytester.runpytest("cases").assert_outcomes(passed=2)
