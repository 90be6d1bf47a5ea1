"""Every file in tests/policies/broken/ is one realistic mistake and says what it must produce.

Line 1 of each file is ``# expect: CODE LINE[, CODE LINE ...]`` (exactly these errors, no
others) or ``# warn: CODE LINE[, ...]`` (the policy loads, with exactly these warnings).
Line 2 says, for people, what the author did wrong.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import slarules
from slarules import Policy, PolicyError, Problem, load_policy

BROKEN = Path(__file__).parent / "policies" / "broken"
ERRORS_MD = Path(__file__).parent.parent / "docs" / "errors.md"
FILES = sorted(BROKEN.glob("*.yaml"))
_HEADER = re.compile(r"^# (expect|warn): (.+)$")

# Files whose expectation states the right behaviour but the code in another package does
# not deliver it yet (strict: the test fails once it is fixed, so the entry gets removed).
KNOWN_BUGS: dict[str, str] = {}


def _expectation(path: Path) -> tuple[str, list[tuple[str, int]]]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = _HEADER.match(first)
    assert match, f"{path.name}: line 1 must be '# expect: CODE LINE' or '# warn: CODE LINE'"
    pairs: list[tuple[str, int]] = []
    for item in match.group(2).split(","):
        code, line = item.split()
        pairs.append((code, int(line)))
    return match.group(1), sorted(pairs)


def _found(problems: tuple[Problem, ...]) -> list[tuple[str, int | None]]:
    return sorted((p.code, p.line) for p in problems)


def _params() -> list[object]:
    out: list[object] = []
    for path in FILES:
        marks = []
        if path.name in KNOWN_BUGS:
            marks.append(pytest.mark.xfail(reason=KNOWN_BUGS[path.name], strict=True))
        out.append(pytest.param(path, id=path.stem, marks=marks))
    return out


def test_there_are_at_least_thirty_broken_policies() -> None:
    errors = [p for p in FILES if _expectation(p)[0] == "expect"]
    assert len(errors) >= 30


def test_every_known_bug_names_an_existing_file() -> None:
    assert set(KNOWN_BUGS) <= {p.name for p in FILES}


@pytest.mark.parametrize("path", _params())
def test_broken_policy_reports_exactly_the_expected_problems(path: Path) -> None:
    kind, expected = _expectation(path)
    if kind == "expect":
        with pytest.raises(PolicyError) as info:
            load_policy(path)
        problems = tuple(p for p in info.value.problems if p.severity == "error")
    else:
        problems = load_policy(path).warnings
        assert all(p.severity == "warning" for p in problems)
    assert _found(problems) == expected
    for problem in problems:
        # every problem says where, what and (for the author) what to do
        assert problem.file == str(path)
        assert problem.line is not None
        assert problem.column is not None
        assert problem.message
        assert problem.hint or problem.code == "invalid-scalar"
        assert str(problem).startswith(f"{path}:{problem.line}:{problem.column}: ")


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in FILES])
def test_broken_policy_says_which_mistake_it_holds(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("# mistake: ")
    assert len(lines[1]) > len("# mistake: ") + 10


def test_problems_come_in_file_order() -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(BROKEN / "priority-id-twice.yaml")
    lines = [p.line or 0 for p in info.value.problems]
    assert lines == sorted(lines)


def test_the_error_message_lists_every_problem_one_per_line() -> None:
    path = BROKEN / "priority-id-twice.yaml"
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    text = str(info.value)
    assert text.splitlines() == [str(p) for p in info.value.problems]
    assert f"{path}:26:9: error[duplicate-id]: priority 'urgent' is defined twice" in text


@pytest.mark.parametrize(
    ("name", "line"),
    [
        (
            "stage-key-misspelt.yaml",
            "36:5: error[unknown-key]: 'taget' is not a stage setting; did you mean 'target'?",
        ),
        (
            "calendar-key-misspelt.yaml",
            "13:5: error[unknown-key]: 'holiday' is not a calendar setting; "
            "did you mean 'holidays'?",
        ),
        (
            "step-key-misspelt.yaml",
            "39:9: error[unknown-key]: 'notfy' is not a ladder step setting; "
            "did you mean 'notify'?",
        ),
        (
            "top-level-key-misspelt.yaml",
            "9:1: error[unknown-key]: 'calenders' is not a policy setting; "
            "did you mean 'calendars'?",
        ),
        (
            "stage-calendar-misspelt.yaml",
            "35:15: error[unknown-calendar]: calendar 'alway' is not defined; "
            "did you mean 'always'?",
        ),
        (
            "calendar-timezone-with-space.yaml",
            "14:35: error[unknown-timezone]: 'America/New York' is not an IANA time zone; "
            "did you mean 'America/New_York'?",
        ),
        (
            "hours-24-slash-7.yaml",
            "14:19: error[bad-value]: '24/7' is not allowed for 'hours'; did you mean '24x7'?",
        ),
        (
            "condition-value-misspelt.yaml",
            "25:19: error[unknown-enum-value]: 'urgnt' is not one of the declared values; "
            "did you mean 'urgent'?",
        ),
        (
            "target-priority-misspelt.yaml",
            "36:50: error[unknown-priority]: 'rutine' is not a priority of this policy; "
            "did you mean 'routine'?",
        ),
        (
            "threshold-without-percent.yaml",
            "38:13: error[bad-threshold]: 80 has no unit; did you mean '80%'?",
        ),
        (
            "target-fractional-hours.yaml",
            "36:38: error[bad-target]: '1.5h' is not a target; write 1h30m",
        ),
        (
            "threshold-fractional-hours.yaml",
            "40:13: error[bad-threshold]: 'breach + 1.5h' is not a ladder threshold; "
            "write breach + 1h30m",
        ),
        (
            "target-too-long.yaml",
            "48:64: error[bad-target]: '99999999999999999999h' is too long; "
            "the longest allowed is 999999999 days",
        ),
        (
            "overnight-into-next-day.yaml",
            "12:16: error[overlapping-hours]: 17:00-10:00 (read as overnight, to 10:00 the next "
            "day) and 09:00-12:00 overlap",
        ),
        (
            "every-too-often.yaml",
            "53:16: error[bad-recurrence]: 'PT0.001S' is more often than once a minute; "
            "the shortest interval is 1m",
        ),
    ],
)
def test_messages_name_the_section_and_suggest_the_fix(name: str, line: str) -> None:
    path = BROKEN / name
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert any(str(p).startswith(f"{path}:{line}") for p in info.value.problems), [
        str(p) for p in info.value.problems
    ]


def test_a_reversed_looking_overnight_interval_warns_with_both_readings() -> None:
    path = BROKEN / "warn-reversed-interval.yaml"
    (warning,) = load_policy(path).warnings
    assert str(warning) == (
        f"{path}:12:17: warning[reversed-interval]: '18:00-09:00' is read as an overnight "
        "shift of 15h, from 18:00 to 09:00 the next day; if 09:00-18:00 was meant, write "
        "that; if the night shift is meant, split it at midnight (18:00-24:00, and "
        "00:00-09:00 on the next day)"
    )


def test_the_same_mistakes_from_a_mapping_carry_key_paths_instead_of_lines() -> None:
    from slarules._yaml import load_yaml

    path = BROKEN / "stage-key-misspelt.yaml"
    data, _ = load_yaml(path.read_bytes(), file=str(path))
    with pytest.raises(PolicyError) as info:
        Policy.from_dict(data)
    (problem,) = info.value.problems
    assert problem.path == ("stages", "first_response", "taget")
    assert problem.line is None
    assert str(problem).startswith("stages.first_response.taget: error[unknown-key]")


def test_every_expected_code_is_documented_in_errors_md() -> None:
    documented = set(re.findall(r"`([a-z]+(?:-[a-z0-9]+)+)`", ERRORS_MD.read_text()))
    expected = {code for path in FILES for code, _ in _expectation(path)[1]}
    assert expected - documented == set()


def test_every_code_the_policy_pipeline_can_raise_is_documented_in_errors_md() -> None:
    """A registry check: the codes written in the loader, checks and compilers."""
    src = Path(slarules.__file__).parent
    files = [
        *(src / name for name in ("_check.py", "_shape.py", "_durations.py", "_compile.py")),
        *(src / name for name in ("_yaml.py", "_policy.py", "_model.py", "_plain.py")),
        *sorted((src / "calendar").glob("*.py")),
        *sorted((src / "conditions").glob("*.py")),
    ]
    pattern = re.compile(
        r"(?:Problem\(|PolicyError\.single\(|PydanticCustomError\(|\.problem\()\s*"
        r'"([a-z]+(?:-[a-z0-9]+)+)"'
    )
    codes = {code for path in files for code in pattern.findall(path.read_text())}
    documented = set(re.findall(r"`([a-z]+(?:-[a-z0-9]+)+)`", ERRORS_MD.read_text()))
    assert len(codes) > 30
    assert codes - documented == set()
