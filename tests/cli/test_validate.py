"""``slarules validate PATH...``: exact lines, formats, exit codes (0 ok, 1 problems, 2 usage)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slarules import PolicyError, load_policies, load_policy

from .helpers import BROKEN, ROOT, SMALL, Run

TAGET = BROKEN / "stage-key-misspelt.yaml"
TAGET_LINE = (
    f"{TAGET}:36:5: error[unknown-key]: 'taget' is not a stage setting; did you mean 'target'?"
)


def test_a_valid_policy_exits_0_with_a_summary(run: Run, small: Path) -> None:
    result = run("validate", small)
    assert result.exit_code == 0
    assert result.stdout == "1 policy checked: 1 valid, 0 invalid (0 errors, 0 warnings)\n"


def test_a_broken_policy_exits_1_with_file_line_column_code_message_and_hint(run: Run) -> None:
    result = run("validate", TAGET)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        TAGET_LINE,
        "1 policy checked: 0 valid, 1 invalid (1 error, 0 warnings)",
    ]


def test_every_problem_in_a_file_is_printed_at_once(run: Run) -> None:
    path = BROKEN / "priority-id-twice.yaml"
    result = run("validate", path)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(": ")[1] for line in lines[:-1]] == [
        "error[duplicate-id]",
        "error[unknown-priority]",
        "error[unknown-priority]",
    ]
    assert lines[-1] == "1 policy checked: 0 valid, 1 invalid (3 errors, 0 warnings)"


def test_warnings_alone_exit_0_and_are_printed(run: Run) -> None:
    path = BROKEN / "warn-empty-pause.yaml"
    result = run("validate", path)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith(f"{path}:47:12: warning[empty-pause]: ")
    assert result.stdout.endswith("(0 errors, 1 warning)\n")


def test_strict_turns_warnings_into_a_failure(run: Run) -> None:
    result = run("validate", "--strict", BROKEN / "warn-empty-pause.yaml")
    assert result.exit_code == 1


def test_a_folder_is_searched_for_policies(run: Run) -> None:
    result = run("validate", BROKEN)
    files = sorted(BROKEN.glob("*.yaml"))
    warned = [p for p in files if p.read_text().startswith("# warn:")]
    # the loadable files share a few ids; as in load_policies, only the first of each is valid
    valid = len({load_policy(p).id for p in warned})
    assert 1 <= valid < len(warned)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1].startswith(
        f"{len(files)} policies checked: {valid} valid, {len(files) - valid} invalid"
    )
    assert result.stdout.count("error[duplicate-id]: policy id") == len(warned) - valid


def test_two_policies_with_one_id_in_a_folder_are_refused_as_load_policies_refuses_them(
    run: Run, tmp_path: Path
) -> None:
    (tmp_path / "a.yaml").write_text(SMALL)
    (tmp_path / "b.yaml").write_text(SMALL)
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    b = tmp_path / "b.yaml"
    assert result.stdout.splitlines() == [
        f"{b}:2:5: error[duplicate-id]: policy id 'small' is also used by {tmp_path / 'a.yaml'}; "
        "give each policy its own id",
        "2 policies checked: 1 valid, 1 invalid (1 error, 0 warnings)",
    ]
    with pytest.raises(PolicyError) as info:
        load_policies(tmp_path)
    assert [str(p) for p in info.value.problems] == [result.stdout.splitlines()[0]]


def test_policies_named_one_by_one_may_share_an_id(run: Run, tmp_path: Path) -> None:
    # a host loads such files one by one (load_policy), as diff compares two versions
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "small.yaml").write_text(SMALL)
    (tmp_path / "new.yaml").write_text(SMALL)
    result = run("validate", tmp_path / "old" / "small.yaml", tmp_path / "new.yaml")
    assert result.exit_code == 0
    assert result.stdout.endswith("2 policies checked: 2 valid, 0 invalid (0 errors, 0 warnings)\n")


def test_two_folders_are_each_checked_for_their_own_ids(run: Run, tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "small.yaml").write_text(SMALL)
    assert run("validate", tmp_path / "one", tmp_path / "two").exit_code == 0
    assert run("validate", tmp_path).exit_code == 1


def test_policy_test_files_in_a_folder_are_not_validated_as_policies(
    run: Run, tmp_path: Path
) -> None:
    (tmp_path / "small.yaml").write_text(SMALL)
    (tmp_path / "small.test.yaml").write_text("not: a policy\n")
    result = run("validate", tmp_path)
    assert result.exit_code == 0
    assert result.stdout.startswith("1 policy checked")


def test_several_paths_are_reported_in_order(run: Run, small: Path) -> None:
    result = run("validate", small, TAGET)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        TAGET_LINE,
        "2 policies checked: 1 valid, 1 invalid (1 error, 0 warnings)",
    ]


def test_the_bundled_policies_validate(run: Run) -> None:
    result = run("validate", ROOT / "policies")
    assert result.exit_code == 0, result.output
    assert "0 invalid (0 errors" in result.stdout


def test_json_format_lists_files_and_problems(run: Run, small: Path) -> None:
    result = run("validate", "--format", "json", small, TAGET)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert (report["errors"], report["warnings"]) == (1, 0)
    assert [f["file"] for f in report["files"]] == [str(small), str(TAGET)]
    assert report["files"][0]["problems"] == []
    assert report["files"][1]["problems"] == [
        {
            "file": str(TAGET),
            "line": 36,
            "column": 5,
            "severity": "error",
            "code": "unknown-key",
            "message": "'taget' is not a stage setting",
            "hint": "did you mean 'target'?",
            "path": ["stages", "first_response", "taget"],
        }
    ]


def test_json_format_of_a_clean_policy_is_ok(run: Run, small: Path) -> None:
    result = run("validate", "--format", "json", small)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["ok"] is True


def test_github_format_prints_workflow_annotations(run: Run) -> None:
    result = run("validate", "--format", "github", TAGET)
    assert result.exit_code == 1
    assert result.stdout == (
        f"::error file={TAGET},line=36,col=5,title=slarules unknown-key::"
        "'taget' is not a stage setting; did you mean 'target'?\n"
    )


def test_github_format_prints_warnings_as_warnings(run: Run) -> None:
    result = run("validate", "--format", "github", BROKEN / "threshold-over-100.yaml")
    assert result.stdout.startswith("::error ")
    result = run("validate", "--format", "github", BROKEN / "warn-empty-pause.yaml")
    assert result.stdout.startswith("::warning ")
    assert "title=slarules empty-pause" in result.stdout


def test_github_format_escapes_percent_signs(run: Run) -> None:
    result = run("validate", "--format", "github", BROKEN / "threshold-over-100.yaml")
    assert "'120%25' is outside 0%25 to 100%25" in result.stdout


def test_a_missing_path_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = run("validate", missing)
    assert result.exit_code == 2
    assert result.stderr == f"error: {missing}: no such file or folder\n"
    assert result.stdout == ""


def test_a_folder_without_policies_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    result = run("validate", tmp_path)
    assert result.exit_code == 2
    assert "no policy files" in result.stderr


def test_no_path_is_a_usage_error(run: Run) -> None:
    result = run("validate")
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr


def test_an_unknown_format_is_a_usage_error(run: Run, small: Path) -> None:
    result = run("validate", "--format", "xml", small)
    assert result.exit_code == 2
    assert "'xml' is not one of" in result.stderr


def test_a_file_that_is_not_utf8_is_a_problem_of_that_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(SMALL.replace('"1"', '"caf\xe9"').encode("latin-1"))
    result = run("validate", path)
    assert result.exit_code == 1
    assert f"{path}:3:" in result.stdout
    assert "error[not-utf8]" in result.stdout


def test_a_file_that_is_not_a_mapping_is_a_problem_of_that_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- slarules: 1\n")
    result = run("validate", path)
    assert result.exit_code == 1
    assert result.stdout.startswith(
        f"{path}:1:1: error[wrong-type]: a policy is a mapping of settings, not a list; "
    )


def test_an_empty_file_is_a_problem_of_that_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("")
    result = run("validate", path)
    assert result.exit_code == 1
    assert "error[wrong-type]: the policy is empty" in result.stdout


def test_an_empty_file_is_reported_at_line_1(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("")
    assert run("validate", path).stdout.startswith(f"{path}:1:1: error[")


def test_version_option(run: Run) -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == "slarules, version 0.1.0\n"


def test_help_names_the_exit_codes(run: Run) -> None:
    result = run("validate", "--help")
    assert result.exit_code == 0
    assert "0 all valid, 1 problems found, 2 usage error" in result.stdout


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("target-too-long.yaml", "bad-target"),
        ("every-too-often.yaml", "bad-recurrence"),
        ("condition-priority-as-list.yaml", "operator-type-mismatch"),
        ("priority-default-yes.yaml", "wrong-type"),
        ("version-missing-and-later-mistakes.yaml", "bad-threshold"),
    ],
)
def test_what_crashed_or_hid_problems_is_reported_without_a_traceback(
    run: Run, name: str, code: str
) -> None:
    result = run("validate", BROKEN / name)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"error[{code}]" in result.stdout
    assert "Traceback" not in result.output


def test_a_huge_number_in_every_kind_of_duration_is_an_error_naming_the_limit(
    run: Run, tmp_path: Path
) -> None:
    huge = "99999999999999999999"
    text = SMALL.replace(
        "target: {urgent: 1h, routine: 4h}",
        f"target: {{urgent: {huge}h, routine: {huge} business days}}",
    )
    text = text.replace("      - at: breach", f"      - at: breach + {huge}h")
    path = tmp_path / "huge.yaml"
    path.write_text(text)
    result = run("validate", path)
    assert result.exit_code == 1
    assert result.stdout.count("the longest allowed is 999999999 days") == 3, result.stdout
