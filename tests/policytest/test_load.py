"""Loading a test file: its format, its defaults, and every mistake named at file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from slarules import PolicyError, UsageError
from slarules.policytest import DEFAULT_TICKET_ID, load_test_file, policy_path_for

from .conftest import WriteTest

GOOD = """\
tickets:
  u:
    fields: {level: urgent}
    events: {created: 2025-10-09T14:30:00+08:00}
cases:
  - name: urgent is due in 30 minutes
    ticket: u
    at: 2025-10-09T14:30:00+08:00
    expect:
      priority: urgent
      stages:
        response: {status: running, deadline: 2025-10-09T15:00:00+08:00}
  - name: inline ticket
    ticket:
      fields: {level: routine}
      events: {created: 2025-10-09T14:30:00+08:00}
    at: 2025-10-09T14:30:00+08:00
    expect: {priority: routine}
"""


def problems(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as info:
        load_test_file(path)
    return [str(p) for p in info.value.problems]


def test_a_test_file_tests_the_policy_beside_it_by_default(write_test: WriteTest) -> None:
    path = write_test(GOOD)
    loaded = load_test_file(path)
    assert loaded.path == str(path)
    assert loaded.policy.id == "mini"
    assert [(c.name, c.line) for c in loaded.cases] == [
        ("urgent is due in 30 minutes", 6),
        ("inline ticket", 13),
    ]


def test_policy_path_for_strips_the_test_suffix() -> None:
    assert policy_path_for(Path("p/a.test.yaml")) == Path("p/a.yaml")
    assert policy_path_for(Path("p/a.test.yml")) == Path("p/a.yml")


def test_named_tickets_take_their_name_as_id_and_inline_ones_a_default(
    write_test: WriteTest,
) -> None:
    loaded = load_test_file(write_test(GOOD))
    assert [c.ticket.id for c in loaded.cases] == ["u", DEFAULT_TICKET_ID]


def test_every_claim_remembers_its_line(write_test: WriteTest) -> None:
    case = load_test_file(write_test(GOOD)).cases[0]
    assert [(e.text, e.line) for e in case.expectations] == [
        ("priority", 10),
        ("stages.response.status", 12),
        ("stages.response.deadline", 12),
    ]


def test_a_policy_key_points_at_another_file(write_test: WriteTest, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "other.test.yaml"
    path.write_text("policy: ../mini.yaml\n" + GOOD, encoding="utf-8")
    assert load_test_file(path).policy.id == "mini"


def test_a_ticket_can_come_from_a_json_file(write_test: WriteTest, tmp_path: Path) -> None:
    (tmp_path / "t.json").write_text(
        '{"id": "J-1", "fields": {"level": "urgent"},'
        ' "events": {"created": "2025-10-09T14:30:00+08:00"}}',
        encoding="utf-8",
    )
    path = write_test(
        """\
        cases:
          - name: from a file
            ticket: {file: t.json}
            at: 2025-10-09T14:30:00+08:00
            expect: {priority: urgent}
        """
    )
    assert load_test_file(path).cases[0].ticket.id == "J-1"


def test_unknown_keys_are_rejected_with_did_you_mean(write_test: WriteTest) -> None:
    path = write_test(
        """\
        cases:
          - name: typo
            ticket: {fields: {level: urgent}, events: {created: 2025-10-09T14:30:00+08:00}}
            at: 2025-10-09T14:30:00+08:00
            expect:
              stages:
                response: {deadlin: 2025-10-09T15:00:00+08:00}
        """
    )
    assert problems(path) == [
        f"{path}:7:20: error[unknown-key]: 'deadlin' is not a known setting here; "
        "did you mean 'deadline'?"
    ]


def test_names_the_policy_does_not_have_are_errors_with_did_you_mean(
    write_test: WriteTest,
) -> None:
    path = write_test(
        """\
        cases:
          - name: typos
            ticket: {fields: {level: urgent}, events: {created: 2025-10-09T14:30:00+08:00}}
            at: 2025-10-09T14:30:00+08:00
            expect:
              priority: urgnt
              stages:
                respons: {status: running}
              actions:
                - {stage: response, step: warning}
        """
    )
    assert problems(path) == [
        f"{path}:6:17: error[unknown-priority]: the policy has no priority 'urgnt'; "
        "did you mean 'urgent'?",
        f"{path}:8:9: error[unknown-stage]: the policy has no stage 'respons'; "
        "did you mean 'response'?",
        f"{path}:10:35: error[unknown-step]: no ladder step 'warning' in stage 'response'; "
        "did you mean 'warn'?",
    ]


def test_a_case_that_expects_nothing_is_an_error(write_test: WriteTest) -> None:
    path = write_test(
        """\
        cases:
          - name: empty
            ticket: {fields: {level: urgent}, events: {created: 2025-10-09T14:30:00+08:00}}
            at: 2025-10-09T14:30:00+08:00
            expect: {}
        """
    )
    assert [p.split(": error")[1] for p in problems(path)] == [
        "[empty-expect]: this case expects nothing, so it could never fail; "
        "add priority, stages, breaches, actions, no_actions or next_evaluation_at"
    ]


def test_an_instant_without_an_offset_is_an_error(write_test: WriteTest) -> None:
    path = write_test(
        """\
        cases:
          - name: naive
            ticket: {fields: {level: urgent}, events: {created: 2025-10-09T14:30:00+08:00}}
            at: 2025-10-09T14:30:00
            expect: {priority: urgent}
        """
    )
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:4:9: error[bad-value]: 2025-10-09T14:30:00 has no UTC")


def test_a_bad_ticket_is_reported_at_the_ticket(write_test: WriteTest) -> None:
    path = write_test(
        """\
        cases:
          - name: bad ticket
            ticket:
              fields: {level: urgent}
              events: {created: yesterday}
            at: 2025-10-09T14:30:00+08:00
            expect: {priority: urgent}
        """
    )
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:4:7: error[bad-ticket]: ticket 'T-1': events.created")


def test_unknown_ticket_names_and_duplicate_case_names_are_errors(
    write_test: WriteTest,
) -> None:
    path = write_test(
        """\
        tickets:
          urgent: {fields: {level: urgent}, events: {created: 2025-10-09T14:30:00+08:00}}
        cases:
          - name: same
            ticket: urgnt
            at: 2025-10-09T14:30:00+08:00
            expect: {priority: urgent}
          - name: same
            ticket: urgent
            at: 2025-10-09T14:30:00+08:00
            expect: {priority: urgent}
        """
    )
    assert problems(path) == [
        f"{path}:5:13: error[unknown-ticket]: no ticket named 'urgnt' under `tickets:`; "
        "did you mean 'urgent'?",
        f"{path}:8:11: error[duplicate-case]: case name 'same' is used twice; "
        "give each case its own name",
    ]


def test_a_missing_policy_is_an_error_at_the_policy_key(write_test: WriteTest) -> None:
    path = write_test("policy: nowhere.yaml\n" + GOOD)
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:1:9: error[policy-not-found]: policy file ")


def test_an_invalid_policy_reports_the_policy_files_own_lines(
    write_test: WriteTest, tmp_path: Path
) -> None:
    (tmp_path / "mini.yaml").write_text("slarules: 1\nid: mini\n", encoding="utf-8")
    path = write_test(GOOD)
    assert all(p.startswith(str(tmp_path / "mini.yaml")) for p in problems(path))


def test_yaml_errors_have_lines(write_test: WriteTest) -> None:
    path = write_test("cases: [\n")
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:2:")


def test_a_test_file_must_be_a_mapping_with_cases(write_test: WriteTest) -> None:
    assert problems(write_test("- a\n"))[0].endswith("a test file is a mapping with `cases:`")
    (missing,) = problems(write_test("tickets: {}\n"))
    assert "'cases' is required here" in missing


def test_an_unreadable_test_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        load_test_file(tmp_path / "none.test.yaml")


# ----------------------------------------------------- every problem at once, in line order


def test_shape_problems_and_unknown_names_are_reported_together_in_line_order(
    write_test: WriteTest,
) -> None:
    path = write_test(
        """\
        cases:
          - name: a stage name misspelt
            ticket: {fields: {level: urgent}, events: {created: 2025-10-09T14:30:00+08:00}}
            at: 2025-10-09T14:30:00+08:00
            expect:
              stages:
                respons: {status: running}
          - name: a key misspelt
            ticket: {fields: {level: urgent}, events: {created: 2025-10-09T14:30:00+08:00}}
            at: 2025-10-09T14:30:00+08:00
            expect:
              priorty: urgent
          - name: a step misspelt, in a case with an unknown key of its own
            ticket: {fields: {level: urgent}, events: {created: 2025-10-09T14:30:00+08:00}}
            at: 2025-10-09T14:30:00+08:00
            expect:
              actions:
                - {stage: response, step: warning}
              breaches: [respnse]
            notes: this key does not exist
        """
    )
    found = [(p.split(": error[")[0], p.split("[")[1].split("]")[0]) for p in problems(path)]
    assert found == [
        (f"{path}:7:9", "unknown-stage"),
        (f"{path}:12:7", "unknown-key"),
        (f"{path}:18:35", "unknown-step"),
        (f"{path}:19:17", "unknown-stage"),
        (f"{path}:20:5", "unknown-key"),
    ]


def test_problems_are_in_line_order_whatever_order_the_keys_are_written_in(
    write_test: WriteTest,
) -> None:
    # `expect` before `at`: the shape check meets `at` first, the file has `expect` first
    path = write_test(
        """\
        cases:
          - name: keys in another order
            ticket: {fields: {level: urgent}, events: {created: 2025-10-09T14:30:00+08:00}}
            expect:
              stages: {response: {statu: running}}
            at: 2025-10-09T14:30:00
        """
    )
    lines = [int(p.split(":")[1]) for p in problems(path)]
    assert lines == [5, 6]


def test_a_case_missing_a_required_key_still_has_its_names_checked(
    write_test: WriteTest,
) -> None:
    path = write_test(
        """\
        cases:
          - name: no instant
            ticket: {fields: {level: urgent}, events: {created: 2025-10-09T14:30:00+08:00}}
            expect: {priority: urgnt}
        """
    )
    found = problems(path)
    assert [p.split("[")[1].split("]")[0] for p in found] == ["missing-key", "unknown-priority"]


def test_an_invalid_policy_is_reported_with_the_test_files_own_problems(
    write_test: WriteTest, tmp_path: Path
) -> None:
    (tmp_path / "mini.yaml").write_text("slarules: 1\nid: mini\n", encoding="utf-8")
    path = write_test(GOOD.replace("expect: {priority: routine}", "expect: {prio: routine}"))
    found = problems(path)
    assert found[0].startswith(f"{path}:18:")
    assert "'prio'" in found[0]
    assert found[1:]
    assert all(p.startswith(str(tmp_path / "mini.yaml")) for p in found[1:])


def test_a_naive_instant_is_hinted_with_the_policys_own_offset(
    write_test: WriteTest, tmp_path: Path
) -> None:
    from .conftest import POLICY

    berlin = POLICY.replace("timezone: Asia/Shanghai", "timezone: Europe/Berlin")
    (tmp_path / "mini.yaml").write_text(berlin.replace("{country: CN}", "{country: DE}"))
    path = write_test(
        """\
        cases:
          - name: summer and winter
            ticket: {fields: {level: urgent}, events: {created: 2025-10-09T14:30:00+02:00}}
            at: 2025-10-09T14:30:00
            expect:
              next_evaluation_at: 2025-11-09T14:30:00
        """
    )
    assert [p.split(": error[bad-value]: ")[1] for p in problems(path)] == [
        "2025-10-09T14:30:00 has no UTC offset; write it with one, "
        "e.g. 2025-10-09T14:30:00+02:00 (Europe/Berlin)",
        "2025-11-09T14:30:00 has no UTC offset; write it with one, "
        "e.g. 2025-11-09T14:30:00+01:00 (Europe/Berlin)",
    ]
