"""``slarules test``: exact output lines, formats, JUnit XML and exit codes, in-process."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from slarules.cli import cli

from .conftest import WriteTest

CASES = """\
tickets:
  u:
    fields: {level: urgent}
    events: {created: 2025-10-09T14:30:00+08:00}
cases:
  - name: good
    ticket: u
    at: 2025-10-09T14:30:00+08:00
    expect: {priority: urgent}
  - name: bad deadline
    ticket: u
    at: 2025-10-09T14:30:00+08:00
    expect:
      stages:
        response: {deadline: 2025-10-09T15:30:00+08:00}
"""

POLICIES = Path(__file__).resolve().parents[2] / "policies"


def run(*args: str) -> tuple[int, list[str], list[str]]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout.splitlines(), result.stderr.splitlines()


def test_the_bundled_policies_pass_their_tests() -> None:
    code, out, _ = run("test", str(POLICIES))
    assert code == 0
    assert out[-1].endswith(" passed, 0 failed")
    assert all(line.startswith("ok   ") for line in out[:-1])


def test_text_shows_each_failure_with_its_line_and_ends_with_the_summary(
    write_test: WriteTest,
) -> None:
    path = write_test(CASES)
    code, out, _ = run("test", str(path))
    assert code == 1
    assert out == [
        f"FAIL {path} (2 tests, 1 failed)",
        f"  FAIL {path}:10  bad deadline",
        f"    {path}:15: stages.response.deadline",
        "      expected: 2025-10-09T15:30:00+08:00",
        "      actual:   2025-10-09T15:00:00+08:00",
        "2 tests, 1 passed, 1 failed",
    ]


def test_verbose_lists_passing_cases(write_test: WriteTest) -> None:
    path = write_test(CASES)
    _, out, _ = run("test", "-v", str(path))
    assert out[1] == f"  pass {path}:6  good"


def test_github_format_annotates_the_expectations_line(write_test: WriteTest) -> None:
    path = write_test(CASES)
    code, out, _ = run("test", "--format", "github", str(path))
    assert code == 1
    assert out == [
        f"::error file={path},line=15,title=slarules test%3A bad deadline::"
        "stages.response.deadline: expected 2025-10-09T15:30:00+08:00, "
        "got 2025-10-09T15:00:00+08:00",
        "2 tests, 1 passed, 1 failed",
    ]


def test_json_format_is_pure_json_with_the_summary_on_stderr(write_test: WriteTest) -> None:
    path = write_test(CASES)
    code, out, err = run("test", "--format", "json", str(path))
    assert code == 1
    data = json.loads("\n".join(out))
    assert (data["ok"], data["tests"], data["passed"], data["failed"]) == (False, 2, 1, 1)
    (file,) = data["files"]
    assert file["policy"] == "mini"
    assert file["cases"][1]["failures"] == [
        {
            "expectation": "stages.response.deadline",
            "expected": "2025-10-09T15:30:00+08:00",
            "actual": "2025-10-09T15:00:00+08:00",
            "line": 15,
        }
    ]
    assert err == ["2 tests, 1 passed, 1 failed"]


def test_junit_xml_has_a_suite_per_file_and_a_case_per_case(
    write_test: WriteTest, tmp_path: Path
) -> None:
    path = write_test(CASES)
    report = tmp_path / "junit.xml"
    run("test", "--junit-xml", str(report), str(path))
    root = ET.parse(report).getroot()
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "2", "1")
    cases = root.findall("testsuite/testcase")
    assert [(c.get("name"), c.get("classname"), c.get("line")) for c in cases] == [
        ("good", "mini", "6"),
        ("bad deadline", "mini", "10"),
    ]
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.text == (
        f"{path}:15: stages.response.deadline: expected 2025-10-09T15:30:00+08:00, "
        "got 2025-10-09T15:00:00+08:00"
    )


def test_a_malformed_test_file_is_reported_and_fails_while_others_run(
    write_test: WriteTest, tmp_path: Path
) -> None:
    write_test(CASES.replace("bad deadline", "good"))
    code, out, _ = run("test", str(tmp_path))
    assert code == 1
    assert out[0].startswith(f"{tmp_path / 'mini.test.yaml'}:10:11: error[duplicate-case]")
    assert out[-2:] == ["1 test file could not be loaded", "0 tests, 0 passed, 0 failed"]


def test_no_test_files_found_is_a_usage_error(tmp_path: Path) -> None:
    code, out, err = run("test", str(tmp_path))
    assert (code, out) == (2, [])
    assert err == [f"error: no test files (*.test.yaml) found in {tmp_path}"]


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("test", str(tmp_path / "nope"))
    assert code == 2
    assert err == [f"error: {tmp_path / 'nope'}: no such file or folder"]


def test_no_path_at_all_is_a_usage_error() -> None:
    code, _, _ = run("test")
    assert code == 2


def test_a_malformed_test_file_is_an_error_in_junit_and_a_problem_in_json(
    write_test: WriteTest, tmp_path: Path
) -> None:
    path = write_test(CASES.replace("bad deadline", "good"))
    report = tmp_path / "junit.xml"
    code, out, _ = run("test", "--format", "json", "--junit-xml", str(report), str(path))
    assert code == 1
    data = json.loads("\n".join(out))
    assert (data["ok"], data["tests"]) == (False, 0)
    assert [(p["line"], p["code"]) for p in data["problems"]] == [(10, "duplicate-case")]
    root = ET.parse(report).getroot()
    assert root.get("errors") == "1"
    error = root.find("testsuite/testcase/error")
    assert error is not None
    assert error.text is not None
    assert "duplicate-case" in error.text


def test_github_format_annotates_problems_of_malformed_files(write_test: WriteTest) -> None:
    path = write_test(CASES.replace("bad deadline", "good"))
    _, out, _ = run("test", "--format", "github", str(path))
    assert out[0].startswith(f"::error file={path},line=10,col=11,title=slarules duplicate-case::")
