"""What the documentation says the code does, checked against the code.

Each test pins one claim of docs/policy-reference.md, docs/decisions.md or docs/tutorial.md;
when the code or the text changes, one of them has to follow the other.
"""

from __future__ import annotations

import re
import shlex
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from slarules import Policy, StageStatus
from slarules.cli import cli

from .builders import make_policy, t

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"

# 2025-10-14 is a Tuesday in an ordinary week (no Chinese holiday or make-up day near it)
TUESDAY = "2025-10-14"
WEDNESDAY = "2025-10-15"
THURSDAY = "2025-10-16"


def _closure(target: str, calendar: str = "office") -> Policy:
    return make_policy(
        stages={
            "closure": {
                "start": "created",
                "stop": "closed",
                "calendar": calendar,
                "pause": {"status": ["waiting_on_customer"]},
                "target": target,
            }
        }
    )


def _deadline(policy: Policy, created: str, **extra: Any) -> datetime | None:
    ticket = {"id": "T-1", "fields": {"level": "routine"}, "events": {"created": t(created)}}
    ticket.update(extra)
    return policy.evaluate(ticket, at=t(created)).stages["closure"].deadline


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end >= 0 else len(text)]


# ------------------------------------------------------- N business days (policy reference)


def test_business_days_from_inside_working_hours_end_at_the_same_local_time() -> None:
    assert _deadline(_closure("2 business days"), f"{TUESDAY}T10:00") == t(f"{THURSDAY}T10:00")


def test_business_days_from_before_opening_end_at_the_close_of_the_last_working_day() -> None:
    # not Thursday 04:42: Tuesday and Wednesday are the two working days, whole
    deadline = _deadline(_closure("2 business days"), f"{TUESDAY}T04:42")
    assert deadline == t(f"{WEDNESDAY}T18:00")


def test_business_days_from_a_break_end_where_the_working_time_before_the_break_ends() -> None:
    assert _deadline(_closure("2 business days"), f"{TUESDAY}T12:30") == t(f"{THURSDAY}T12:00")


def test_calendar_days_on_office_hours_end_when_their_working_time_has_passed() -> None:
    assert _deadline(_closure("1 day"), f"{TUESDAY}T10:00") == t(f"{WEDNESDAY}T10:00")
    assert _deadline(_closure("1 day"), f"{TUESDAY}T04:42") == t(f"{TUESDAY}T18:00")
    assert _deadline(_closure("1 day", "24x7"), f"{TUESDAY}T04:42") == t(f"{WEDNESDAY}T04:42")


_BUSINESS_DAYS = {n: _closure(f"{n} business days") for n in (1, 2, 5)}
_MINUTE = timedelta(minutes=1)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(_BUSINESS_DAYS)),
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2025, 12, 20)),
)
def test_business_days_end_at_the_earliest_instant_with_their_working_time(
    days: int, local: datetime
) -> None:
    policy = _BUSINESS_DAYS[days]
    office = policy.calendars["office"]
    start = local.replace(second=0, microsecond=0, tzinfo=ZoneInfo("Asia/Shanghai"))
    origin = office.next_open(start)  # days count from the first working instant
    same_time = office.add_days(origin, days)  # the same local time, `days` working days on
    deadline = _deadline(policy, start.isoformat())
    assert deadline is not None
    budget = office.between(start, same_time)
    assert budget > timedelta(0)  # a whole working day at least, whenever the ticket came in
    assert start <= deadline <= same_time
    assert office.between(start, deadline) == budget  # all the working time ...
    assert office.between(start, deadline - _MINUTE) < budget  # ... and no earlier
    if office.between(same_time - _MINUTE, same_time):
        assert deadline == same_time  # inside working hours: the same local time
    else:
        assert not office.is_open(deadline)  # otherwise a close (a day's or a break's)


@pytest.mark.parametrize(
    ("created", "deadline"),
    [
        ("2025-10-12T04:00", "2025-10-14T18:00"),  # a Sunday night: Monday and Tuesday
        ("2025-10-12T10:00", "2025-10-14T18:00"),  # a Sunday morning: the same two days
        ("2025-10-11T10:00", "2025-10-14T10:00"),  # a make-up Saturday works: Mon, Tue on
        ("2025-01-01T13:30", "2025-01-03T18:00"),  # New Year's Day: the 2nd and the 3rd
    ],
)
def test_business_days_from_a_day_off_are_whole_working_days(created: str, deadline: str) -> None:
    assert _deadline(_closure("2 business days"), created) == t(deadline)


def test_calendar_days_from_a_day_off_count_from_the_next_opening() -> None:
    # Sunday 04:00 + 1 day had no working time at all: breached the moment it started
    assert _deadline(_closure("1 day"), "2025-10-12T04:00") == t("2025-10-13T18:00")


def test_the_policy_reference_no_longer_says_business_days_keep_the_local_time() -> None:
    text = (DOCS / "policy-reference.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `5 business days`"))
    assert "close of the last working day" in row
    assert "the same local time, that many" not in row
    decisions = (DOCS / "decisions.md").read_text(encoding="utf-8")
    bullet = decisions[decisions.index("- **`N days` are calendar days**") :]
    bullet = bullet[: bullet.index("\n- ")]
    assert "close of the last working day" in bullet
    assert "(same local time, the calendar's `add_days`)" not in " ".join(bullet.split())


# ------------------------------------------------- a stage that stopped while it was paused


def test_a_stage_stopped_while_paused_is_due_at_the_stop_plus_the_remaining_budget() -> None:
    policy = _closure("2 business days")
    ticket = {
        "id": "T-1",
        "fields": {"level": "routine"},
        # 3h30m of working time by the pause at 15:00 (10:00-12:00, 13:30-15:00)
        "events": {"created": t(f"{TUESDAY}T10:00"), "closed": t(f"{WEDNESDAY}T11:00")},
        "statuses": [{"at": t(f"{TUESDAY}T15:00"), "status": "waiting_on_customer"}],
    }
    paused = policy.evaluate(ticket, at=t(f"{WEDNESDAY}T10:00")).stages["closure"]
    assert paused.status is StageStatus.PAUSED
    assert paused.deadline is None

    stopped = policy.evaluate(ticket, at=t(f"{WEDNESDAY}T12:00")).stages["closure"]
    assert stopped.status is StageStatus.MET
    assert stopped.remaining is not None
    assert stopped.remaining.total_seconds() == (15 - 3.5) * 3600
    # 11h30m from Wednesday 11:00: 1h + 4h30m on Wednesday, 3h + 3h on Thursday
    assert stopped.deadline == t(f"{THURSDAY}T16:30")
    office = policy.calendars["office"]
    assert stopped.deadline == office.add(t(f"{WEDNESDAY}T11:00"), stopped.remaining)


def test_a_stage_breached_before_its_pause_keeps_the_deadline_it_passed() -> None:
    ticket = {
        "id": "T-1",
        "fields": {"level": "routine"},
        "events": {"created": t(f"{TUESDAY}T10:00"), "closed": t(f"{TUESDAY}T16:00")},
        "statuses": [{"at": t(f"{TUESDAY}T15:00"), "status": "waiting_on_customer"}],
    }
    stopped = _closure("1h").evaluate(ticket, at=t(f"{TUESDAY}T17:00")).stages["closure"]
    assert stopped.status is StageStatus.MET_LATE
    assert stopped.deadline == t(f"{TUESDAY}T11:00")


def test_a_fixed_deadline_is_shown_while_the_stage_is_paused() -> None:
    ticket = {
        "id": "T-1",
        "fields": {"level": "routine"},
        "events": {"created": t(f"{TUESDAY}T10:00")},
        "statuses": [{"at": t(f"{TUESDAY}T15:00"), "status": "waiting_on_customer"}],
    }
    policy = _closure("end of business day")
    paused = policy.evaluate(ticket, at=t(f"{TUESDAY}T16:00")).stages["closure"]
    assert paused.status is StageStatus.PAUSED
    assert paused.deadline == t(f"{TUESDAY}T18:00")


# ------------------------------------------------------------------------------ tutorial


def test_an_unquoted_version_is_kept_as_written_as_the_tutorial_says() -> None:
    policy = Policy.from_yaml(
        (ROOT / "policies" / "after-sales-response.yaml")
        .read_text(encoding="utf-8")
        .replace('version: "2025.1"', "version: 2025.10")
    )
    assert policy.version == "2025.10"
    tutorial = (DOCS / "tutorial.md").read_text(encoding="utf-8")
    assert "would otherwise read as the number 2025.1" not in tutorial
    assert "2025.10" in _section(tutorial, "## 2. Start the file")


def _console_commands(section: str) -> list[list[str]]:
    blocks = re.findall(r"```console\n(.*?)```", section, re.DOTALL)
    return [
        shlex.split(line[2:])[1:]
        for block in blocks
        for line in block.splitlines()
        if line.startswith("$ slarules ")
    ]


def test_the_tutorials_commands_run_on_the_files_it_names(monkeypatch: pytest.MonkeyPatch) -> None:
    tutorial = (DOCS / "tutorial.md").read_text(encoding="utf-8")
    commands = _console_commands(_section(tutorial, "## 9. Check it"))
    commands += _console_commands(_section(tutorial, "## 10. Try it on tickets"))
    assert len(commands) >= 4
    monkeypatch.chdir(ROOT)
    for args in commands:
        for arg in args:
            if "/" in arg and not arg.startswith("-"):
                assert (ROOT / arg).exists(), f"the tutorial names {arg}, which does not exist"
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, (args, result.output)


def test_the_tutorials_validation_output_is_what_validate_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    section = _section((DOCS / "tutorial.md").read_text(encoding="utf-8"), "## 9. Check it")
    (ok_block, error_block) = re.findall(r"```console\n(.*?)```", section, re.DOTALL)
    command, summary = ok_block.splitlines()
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, shlex.split(command[2:])[1:])
    # the count of warnings depends on today's date (holiday data that ends this year)
    assert result.output.splitlines()[0].split(" (")[0] == summary.split(" (")[0]

    (documented,) = error_block.splitlines()
    policy = Path("policies/after-sales-response.yaml")
    (tmp_path / "policies").mkdir()
    shutil.copy(ROOT / policy, tmp_path / policy)
    text = (tmp_path / policy).read_text(encoding="utf-8")
    (tmp_path / policy).write_text(text.replace("    target:", "    taget:", 1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(policy)])
    assert result.exit_code == 1
    assert documented in result.output.splitlines()


# ------------------------------------------------------------------------ policy tests


def test_the_failure_shown_in_policy_tests_md_is_what_slarules_test_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (DOCS / "policy-tests.md").read_text(encoding="utf-8")
    section = _section(text, "## What is an error, and what is a failure")
    (block,) = re.findall(r"```\n(FAIL .*?)```", section, re.DOTALL)
    expected = re.search(r"expected: (\S+)", block)
    actual = re.search(r"actual: +(\S+)", block)
    assert expected is not None
    assert actual is not None
    (tmp_path / "policies").mkdir()
    shutil.copy(ROOT / "policies" / "after-sales-response.yaml", tmp_path / "policies")
    tests = (ROOT / "policies" / "after-sales-response.test.yaml").read_text(encoding="utf-8")
    wrong = f"closure: {{deadline: {expected.group(1)}}}"
    changed = tests.replace(f"closure: {{deadline: {actual.group(1)}}}", wrong, 1)
    assert changed != tests
    (tmp_path / "policies" / "after-sales-response.test.yaml").write_text(changed)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["test", "policies/after-sales-response.test.yaml"])
    assert result.exit_code == 1
    assert result.output == block


def test_the_example_test_file_of_policy_tests_md_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (DOCS / "policy-tests.md").read_text(encoding="utf-8")
    example = re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)[0]
    shutil.copy(ROOT / "policies" / "after-sales-response.yaml", tmp_path)
    (tmp_path / "after-sales-response.test.yaml").write_text(example, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["test", "after-sales-response.test.yaml"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "2 tests, 2 passed, 0 failed"


def test_the_json_format_has_the_keys_policy_tests_md_lists() -> None:
    import json

    result = CliRunner().invoke(cli, ["test", str(ROOT / "policies"), "--format", "json"])
    data = json.loads(result.stdout)
    assert list(data) == ["ok", "tests", "passed", "failed", "files", "problems"]
    assert list(data["files"][0]) == ["file", "policy", "cases"]
    assert list(data["files"][0]["cases"][0]) == ["name", "line", "passed", "failures"]
    assert (
        result.stderr.splitlines()[-1]
        == f"{data['tests']} tests, {data['passed']} passed, 0 failed"
    )
