"""Loading policies: YAML 1.1 traps in a policy, files and folders, and robustness (Hypothesis).

Whatever text or data arrives, ``Policy.from_yaml`` and ``Policy.from_dict`` either return a
policy or raise ``PolicyError``; nothing else escapes and nothing hangs.
"""

from __future__ import annotations

import copy
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slarules import Policy, PolicyError, Problem, UsageError, load_policies, load_policy

from .builders import BASE
from .work import counting

POLICIES = Path(__file__).parent.parent / "policies"
SHANGHAI_TICKET_AT = datetime.fromisoformat("2025-10-09T10:00:00+08:00")

POLICY = """\
slarules: 1
id: traps
version: 2025.1
timezone: Asia/Shanghai
calendars:
  office:
    hours:
      mon-fri: [09:00-12:00, 13:30-18:00]
      sat: [22:00-06:00]
    holidays: {country: NO}
    days: {2025-12-31: [09:00-12:00]}
fields:
  answered: {enum: [yes, no, y, n, n/a]}
  switch: {enum: [on, off]}
priorities:
  - id: yes
    when: {answered: yes}
  - id: no
    default: true
stages:
  reply:
    start: created
    stop: replied
    calendar: office
    target: {yes: 1h, no: 2h}
    ladder:
      - on: start
        notify: [on]
      - on: stop
        when: {switch: off}
        notify: [supervisor]
"""


@pytest.fixture(scope="module")
def traps() -> Policy:
    return Policy.from_yaml(POLICY, file="traps.yaml")


# --------------------------------------------------------------- YAML 1.1 traps


def test_on_as_a_ladder_key_is_the_trigger_not_a_boolean(traps: Policy) -> None:
    steps = traps.compiled.stages[0].steps
    assert [s.id for s in steps] == ["on-start", "on-stop"]


def test_on_as_a_role_stays_the_word_on(traps: Policy) -> None:
    assert traps.compiled.stages[0].steps[0].to == ("on",)


def test_unquoted_times_stay_intervals_not_sexagesimal_numbers(traps: Policy) -> None:
    office = traps.calendars["office"]
    assert office.is_open(datetime.fromisoformat("2025-10-09T09:30:00+08:00"))
    assert not office.is_open(datetime.fromisoformat("2025-10-09T12:30:00+08:00"))


def test_an_unquoted_overnight_interval_runs_into_the_next_day(traps: Policy) -> None:
    office = traps.calendars["office"]
    # Saturday 2025-10-11 22:00 to Sunday 06:00
    assert office.is_open(datetime.fromisoformat("2025-10-12T05:00:00+08:00"))
    assert not office.is_open(datetime.fromisoformat("2025-10-12T07:00:00+08:00"))


def test_yes_and_no_stay_strings_as_enum_values_ids_and_condition_values(traps: Policy) -> None:
    assert traps.priorities == ("yes", "no")
    ev = traps.evaluate(
        {"id": "T", "fields": {"answered": "yes"}, "events": {"created": SHANGHAI_TICKET_AT}},
        at=SHANGHAI_TICKET_AT,
    )
    assert ev.priority == "yes"


def test_y_and_n_stay_strings_as_enum_values(traps: Policy) -> None:
    assert traps.compiled.fields.specs["answered"].enum == ("yes", "no", "y", "n", "n/a")


def test_on_and_off_stay_strings_as_enum_values(traps: Policy) -> None:
    ev = traps.evaluate(
        {
            "id": "T",
            "fields": {"answered": "no", "switch": "off"},
            "events": {"created": SHANGHAI_TICKET_AT},
        },
        at=SHANGHAI_TICKET_AT,
    )
    assert ev.priority == "no"


def test_country_no_is_norway_not_false(traps: Policy) -> None:
    office = traps.calendars["office"]
    # 17 May, Norway's Constitution Day, is a Saturday in 2025: use Ascension Day 29 May
    assert not office.is_open(datetime.fromisoformat("2025-05-29T10:00:00+02:00"))


def test_an_unquoted_numeric_version_is_kept_as_text(traps: Policy) -> None:
    assert traps.version == "2025.1"


def test_an_unquoted_version_keeps_its_trailing_zero() -> None:
    policy = Policy.from_yaml(POLICY.replace("version: 2025.1", "version: 2025.10"))
    assert policy.version == "2025.10"


def test_a_quoted_version_is_kept_exactly() -> None:
    policy = Policy.from_yaml(POLICY.replace("version: 2025.1", 'version: "2025.10"'))
    assert policy.version == "2025.10"


def test_unquoted_date_keys_are_date_specific_hours(traps: Policy) -> None:
    office = traps.calendars["office"]
    assert office.is_open(datetime.fromisoformat("2025-12-31T10:00:00+08:00"))
    assert not office.is_open(datetime.fromisoformat("2025-12-31T14:00:00+08:00"))


def test_boolean_enum_values_are_refused_with_a_hint() -> None:
    text = POLICY.replace("{enum: [on, off]}", "{enum: [true, false]}")
    with pytest.raises(PolicyError) as info:
        Policy.from_yaml(text, file="x.yaml")
    (problem,) = info.value.problems
    assert problem.code == "bad-value"
    assert problem.line == 14
    assert "type: boolean" in (problem.hint or "")


def test_a_merge_key_is_refused_at_its_line() -> None:
    text = POLICY.replace("      - on: stop\n", "      - <<: {on: stop}\n")
    with pytest.raises(PolicyError) as info:
        Policy.from_yaml(text, file="x.yaml")
    assert [(p.code, p.line) for p in info.value.problems] == [("merge-key-unsupported", 29)]


def test_aliases_reuse_a_whole_ladder() -> None:
    policy = load_policy(POLICIES / "after-sales-response.yaml")
    ladders = [tuple(s.id for s in stage.steps) for stage in policy.compiled.stages]
    assert len(set(ladders)) == 1


# --------------------------------------------------------------- files and folders


def test_load_policy_names_the_file_in_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(POLICY.replace("target: {yes: 1h, no: 2h}", "taget: {yes: 1h, no: 2h}"))
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert info.value.file == str(path)
    assert [p.file for p in info.value.problems] == [str(path)]


def test_load_policy_of_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        load_policy(tmp_path / "missing.yaml")


def test_load_policy_of_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="load_policies"):
        load_policy(tmp_path)


def test_load_policies_returns_every_bundled_policy_by_id() -> None:
    policies = load_policies(POLICIES)
    assert "after-sales-response" in policies
    assert all(p.id == key for key, p in policies.items())


def test_load_policies_skips_policy_test_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(POLICY)
    (tmp_path / "a.test.yaml").write_text("cases: []\n")
    assert list(load_policies(tmp_path)) == ["traps"]


def test_load_policies_reports_problems_of_every_file_together(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text(POLICY.replace("calendar: office", "calendar: ofice"))
    (tmp_path / "two.yaml").write_text(POLICY.replace("slarules: 1", "slarules: 2"))
    with pytest.raises(PolicyError) as info:
        load_policies(tmp_path)
    assert sorted((Path(p.file or "").name, p.code) for p in info.value.problems) == [
        ("one.yaml", "unknown-calendar"),
        ("two.yaml", "bad-value"),
    ]


def test_two_files_with_one_policy_id_are_a_duplicate_id(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(POLICY)
    (tmp_path / "b.yaml").write_text(POLICY)
    with pytest.raises(PolicyError) as info:
        load_policies(tmp_path)
    (problem,) = info.value.problems
    assert problem.code == "duplicate-id"
    assert problem.file == str(tmp_path / "b.yaml")
    assert (problem.line, problem.column) == (2, 5)  # at the id


def test_load_policies_of_a_file_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(POLICY)
    with pytest.raises(UsageError, match="not a folder"):
        load_policies(path)


def test_bytes_with_a_bom_load_like_text() -> None:
    policy = Policy.from_yaml(b"\xef\xbb\xbf" + POLICY.encode())
    assert policy.id == "traps"


def test_a_policy_from_a_mapping_equals_itself_and_has_no_source() -> None:
    policy = Policy.from_dict(copy.deepcopy(BASE))
    assert policy.source is None
    assert policy == Policy.from_dict(copy.deepcopy(BASE))


# --------------------------------------------------------------- robustness

_WORDS = [
    "slarules", "id", "version", "timezone", "calendars", "fields", "priorities", "stages",
    "hours", "holidays", "country", "workdays", "days", "target", "ladder", "at", "on",
    "every", "notify", "escalate", "via", "when", "default", "enum", "type", "start", "stop",
    "pause", "status", "due", "calendar", "any", "all", "not", "level", "urgent", "routine",
    "office", "24x7", "30m", "80%", "breach", "skip", "none", "09:00-18:00", "mon-fri", "CN",
    "Asia/Shanghai", "2025-12-31", "created", "responded",
]  # fmt: skip

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(_WORDS),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
)
_keys = st.one_of(st.sampled_from(_WORDS), st.text(max_size=8))
_data = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=20,
)
_PATHS: list[tuple[str | int, ...]] = [
    ("slarules",),
    ("timezone",),
    ("calendars",),
    ("calendars", "office"),
    ("calendars", "office", "hours"),
    ("calendars", "office", "hours", "mon-fri"),
    ("calendars", "office", "holidays"),
    ("fields",),
    ("fields", "level"),
    ("priorities",),
    ("priorities", 0),
    ("priorities", 0, "when"),
    ("priorities", 1, "default"),
    ("stages",),
    ("stages", "response"),
    ("stages", "response", "target"),
    ("stages", "response", "target", "urgent"),
    ("stages", "response", "ladder"),
]
_FAST = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# Loading a fuzzed input of a few hundred characters takes at most about 250,000 Python
# steps today (tests/work.py counts them); the budget stops a hang or a runaway where it
# happens, on any machine, instead of timing the load.
_STEPS_FIXED = 1_000_000
_STEPS_PER_CHARACTER = 2_000


def _only_policy_errors(build: Any, *args: Any) -> None:
    (source,) = args
    size = len(source) if isinstance(source, str | bytes) else len(repr(source))
    problems: tuple[Problem, ...] = ()
    with counting(budget=_STEPS_FIXED + _STEPS_PER_CHARACTER * size):
        try:
            build(source)
        except PolicyError as exc:
            problems = exc.problems
    assert all(p.code and p.message for p in problems)


@_FAST
@given(st.text(max_size=300))
def test_arbitrary_text_raises_only_policy_errors(text: str) -> None:
    _only_policy_errors(Policy.from_yaml, text)


@_FAST
@given(st.binary(max_size=200))
def test_arbitrary_bytes_raise_only_policy_errors(data: bytes) -> None:
    _only_policy_errors(Policy.from_yaml, data)


@_FAST
@given(_data)
def test_arbitrary_data_raises_only_policy_errors(data: Any) -> None:
    _only_policy_errors(Policy.from_dict, data)


@_FAST
@given(_data)
def test_arbitrary_yaml_documents_raise_only_policy_errors(data: Any) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    _only_policy_errors(Policy.from_yaml, text)


def _replace(data: Any, path: tuple[str | int, ...], value: Any) -> Any:
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


@_FAST
@given(st.sampled_from(_PATHS), _data)
def test_near_valid_policies_raise_only_policy_errors(
    path: tuple[str | int, ...], value: Any
) -> None:
    data = _replace(copy.deepcopy(BASE), path, value)
    _only_policy_errors(Policy.from_dict, data)
    _only_policy_errors(Policy.from_yaml, yaml.safe_dump(data, allow_unicode=True))


@_FAST
@given(st.sampled_from(_PATHS), st.sampled_from(_WORDS))
def test_near_valid_policies_with_policy_words_raise_only_policy_errors(
    path: tuple[str | int, ...], word: str
) -> None:
    _only_policy_errors(Policy.from_dict, _replace(copy.deepcopy(BASE), path, word))


# --------------------------------------------------------------- the documentation


def _yaml_blocks(path: Path) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", path.read_text(encoding="utf-8"), re.DOTALL)


def test_the_complete_example_of_the_policy_reference_loads_without_warnings() -> None:
    reference = Path(__file__).parent.parent / "docs" / "policy-reference.md"
    complete = next(
        b
        for b in _yaml_blocks(reference)
        if b.startswith("# yaml-language-server") and "slarules: 1" in b
    )
    policy = Policy.from_yaml(complete, file="policy-reference.md")
    assert policy.id == "after-sales-response"
    assert policy.warnings == ()


def test_every_target_in_the_policy_reference_table_parses() -> None:
    reference = Path(__file__).parent.parent / "docs" / "policy-reference.md"
    text = reference.read_text(encoding="utf-8")
    section = text[text.index("## Targets") : text.index("## Ladders")]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    written = [w for row in rows for w in re.findall(r"`([^`]+)`", row.split(" | ")[0])]
    assert len(written) > 15
    for target in written:
        data = copy.deepcopy(BASE)
        value: Any = target
        if target.startswith("{"):
            value = yaml.safe_load(target)
        data["events"] = ["created", "responded", "review_meeting", "visit"]
        data["stages"]["response"]["target"] = value
        Policy.from_dict(data)  # raises PolicyError if the documented spelling is wrong


# --------------------------------------------------------------- known gaps (strict xfails)


def test_shape_and_semantic_problems_are_reported_together() -> None:
    text = POLICY.replace("    target: {yes: 1h, no: 2h}", "    taget: {yes: 1h, no: 2h}")
    text = text.replace("    calendar: office", "    calendar: ofice")
    with pytest.raises(PolicyError) as info:
        Policy.from_yaml(text, file="x.yaml")
    assert sorted(p.code for p in info.value.problems) == ["unknown-calendar", "unknown-key"]


def test_a_bad_field_default_is_reported_once() -> None:
    text = POLICY.replace(
        "{enum: [yes, no, y, n, n/a]}", "{enum: [yes, no, y, n, n/a], default: maybe}"
    )
    assert text != POLICY
    with pytest.raises(PolicyError) as info:
        Policy.from_yaml(text, file="x.yaml")
    assert [p.code for p in info.value.problems] == ["bad-default"]


# ------------------------------------------------ mappings a host builds (Policy.from_dict)


def _with(**settings: Any) -> dict[str, Any]:
    """BASE with the office calendar's settings and the first ladder given."""
    data = copy.deepcopy(BASE)
    data["calendars"]["office"].update(settings.pop("office", {}))
    data["stages"]["response"].update(settings)
    return data


def _problem_of(data: Any) -> Problem:
    with pytest.raises(PolicyError) as info:
        Policy.from_dict(data)
    (problem,) = info.value.problems
    return problem


def test_date_keys_under_days_work_from_a_mapping_as_they_do_from_yaml() -> None:
    from slarules._yaml import load_yaml

    text = yaml.safe_dump(_with(office={"days": {date(2025, 12, 31): ["09:00-12:00"]}}))
    loaded, _ = load_yaml(text)
    assert list(loaded["calendars"]["office"]["days"]) == [date(2025, 12, 31)]
    from_dict = Policy.from_dict(loaded)
    from_yaml = Policy.from_yaml(text)
    afternoon = datetime.fromisoformat("2025-12-31T14:00:00+08:00")
    for policy in (from_dict, from_yaml):
        assert not policy.calendars["office"].is_open(afternoon)
    assert from_dict.spec == from_yaml.spec


def test_mixed_key_types_in_a_mapping_load() -> None:
    days = {date(2025, 12, 31): ["09:00-12:00"], "2025-12-30": []}
    policy = Policy.from_dict(_with(office={"days": days}))
    assert not policy.calendars["office"].is_open(
        datetime.fromisoformat("2025-12-30T10:00:00+08:00")
    )


def test_a_date_key_and_the_same_date_as_text_are_a_duplicate_key() -> None:
    days = {date(2025, 12, 31): ["09:00-12:00"], "2025-12-31": []}
    problem = _problem_of(_with(office={"days": days}))
    assert problem.code == "duplicate-key"
    assert problem.path == ("calendars", "office", "days", "2025-12-31")


def test_a_calendar_mapping_with_a_date_twice_is_refused_not_half_read() -> None:
    from slarules import Calendar, CalendarError

    days = {date(2025, 12, 31): ["09:00-12:00"], "2025-12-31": []}
    with pytest.raises(CalendarError) as info:
        Calendar.from_dict({"timezone": "UTC", "hours": "24x7", "days": days})
    (problem,) = info.value.problems
    assert (problem.code, problem.path) == ("duplicate-key", ("days",))
    assert problem.hint == "keep one of them"


def test_a_number_as_a_stage_name_is_a_wrong_type_naming_the_key() -> None:
    data = _with()
    data["stages"][5] = {"start": "created", "stop": "responded"}
    problem = _problem_of(data)
    assert (problem.code, problem.path) == ("wrong-type", ("stages", "5"))
    assert problem.hint == "quote it: '5'"


def test_a_number_as_a_policy_setting_is_an_unknown_key() -> None:
    data = _with()
    data[5] = "x"
    problem = _problem_of(data)
    assert (problem.code, problem.path) == ("unknown-key", ("5",))


def _nested(depth: int) -> dict[str, Any]:
    """A condition ``depth`` mappings deep: ``not`` around ``not`` around one test."""
    condition: dict[str, Any] = {"level": "urgent"}
    for _ in range(depth - 1):
        condition = {"not": condition}
    return condition


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


@pytest.mark.parametrize("depth", [900, 5000])
def test_deep_nesting_in_a_mapping_is_too_deep_as_in_yaml(depth: int) -> None:
    data = copy.deepcopy(BASE)
    condition: dict[str, Any] = {"level": "urgent"}
    for i in range(depth):
        condition = {"not": condition} if i % 2 else {"any": [condition]}
    data["priorities"][0]["when"] = condition
    problem = _problem_of(data)
    assert problem.code == "too-deep"
    assert problem.path[:3] == ("priorities", 0, "when")


def test_deep_free_data_in_a_mapping_is_too_deep() -> None:
    inner: dict[str, Any] = {}
    for _ in range(900):
        inner = {"a": inner}
    problem = _problem_of(_with(ladder=[{"on": "start", "notify": ["x"], "data": inner}]))
    assert problem.code == "too-deep"
    assert problem.path[:5] == ("stages", "response", "ladder", 0, "data")


def test_the_nesting_limit_is_the_same_for_a_mapping_and_for_yaml() -> None:
    from slarules._yaml import MAX_DEPTH

    for depth in (MAX_DEPTH, MAX_DEPTH + 1):
        data = copy.deepcopy(BASE)
        # the policy, the priorities list and the priority hold the condition
        data["priorities"][0]["when"] = _nested(depth - 3)
        assert _depth(data) == depth
        outcomes = []
        for build in (Policy.from_dict, lambda d: Policy.from_yaml(yaml.safe_dump(d))):
            try:
                build(data)
                outcomes.append("ok")
            except PolicyError as exc:
                outcomes.append(exc.problems[0].code)
        assert outcomes == (["ok", "ok"] if depth == MAX_DEPTH else ["too-deep", "too-deep"])


def test_a_mapping_that_contains_itself_is_a_circular_reference_naming_the_path() -> None:
    loop: dict[str, Any] = {}
    loop["again"] = loop
    problem = _problem_of(_with(ladder=[{"on": "start", "notify": ["x"], "data": loop}]))
    assert problem.code == "circular-reference"
    assert problem.path == ("stages", "response", "ladder", 0, "data", "again")


def test_a_list_that_contains_itself_is_a_circular_reference() -> None:
    loop: list[Any] = []
    loop.append(loop)
    data = copy.deepcopy(BASE)
    data["priorities"][0]["when"] = {"any": loop}
    problem = _problem_of(data)
    assert problem.code == "circular-reference"
    assert problem.path == ("priorities", 0, "when", "any", 0)


def test_a_value_shared_in_two_places_is_not_circular() -> None:
    shared = ["assignee"]
    policy = Policy.from_dict(
        _with(
            ladder=[
                {"at": "50%", "notify": shared},
                {"at": "breach", "notify": shared},
            ]
        )
    )
    assert policy.stages == ("response",)


def test_a_mapping_that_shares_values_into_a_bomb_stops_at_the_value_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from slarules import _plain

    monkeypatch.setattr(_plain, "MAX_VALUES", 1000)
    bomb: list[Any] = ["x"]
    for _ in range(40):  # 2**40 values when walked as a tree
        bomb = [bomb, bomb]
    walked = []
    real_count = _plain._Walk.count

    def counting(self: Any, path: Any) -> None:
        walked.append(1)
        real_count(self, path)

    monkeypatch.setattr(_plain._Walk, "count", counting)
    problem = _problem_of(_with(ladder=[{"on": "start", "notify": ["x"], "data": {"b": bomb}}]))
    assert problem.code == "too-many-values"
    assert len(walked) == 1001


def test_an_integer_too_long_to_print_is_an_invalid_scalar() -> None:
    data = copy.deepcopy(BASE)
    data["version"] = 10**5000
    problem = _problem_of(data)
    assert (problem.code, problem.path) == ("invalid-scalar", ("version",))


def test_a_mapping_with_the_same_mistake_at_many_paths_reports_each() -> None:
    data = copy.deepcopy(BASE)
    data["stages"]["response"]["ladder"] = [{"at": "soon", "notify": ["x"]}] * 3
    with pytest.raises(PolicyError) as info:
        Policy.from_dict(data)
    problems = info.value.problems
    assert [p.path for p in problems] == [
        ("stages", "response", "ladder", i, "at") for i in range(3)
    ]


# ------------------------------------------------ overnight intervals that look reversed


def _warnings_for(interval: str, where: str = "hours") -> list[str]:
    data = copy.deepcopy(BASE)
    if where == "hours":
        data["calendars"]["office"]["hours"] = {"mon": [interval]}
    else:
        data["calendars"]["office"]["days"] = {"2025-12-31": [interval]}
    data["stages"]["response"]["calendar"] = "office"
    return [p.code for p in Policy.from_dict(data).warnings]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# overnight shifts of at most 12 hours: they close at 00:01-11:59 the next day
_NIGHTS = st.integers(min_value=1, max_value=12 * 60 - 1).flatmap(
    lambda closes: st.tuples(st.integers(min_value=closes + 1, max_value=12 * 60), st.just(closes))
)
# day ranges shorter than 12 hours
_DAYS = st.integers(min_value=1, max_value=24 * 60 - 2).flatmap(
    lambda opens: st.tuples(
        st.just(opens),
        st.integers(min_value=opens + 1, max_value=min(opens + 12 * 60 - 1, 24 * 60 - 1)),
    )
)


@settings(max_examples=100, deadline=None)
@given(_NIGHTS)
def test_a_night_shift_of_at_most_12_hours_does_not_warn(night: tuple[int, int]) -> None:
    length, closes = night
    opens = closes - length + 24 * 60
    assert _warnings_for(f"{_hhmm(opens)}-{_hhmm(closes)}") == []


@settings(max_examples=100, deadline=None)
@given(_DAYS, st.sampled_from(["hours", "days"]))
def test_a_day_range_written_backwards_warns_when_its_night_reading_is_over_12_hours(
    day: tuple[int, int], where: str
) -> None:
    opens, closes = day
    # written the wrong way round, it reads as a night of 24 h minus the day's length
    assert _warnings_for(f"{_hhmm(closes)}-{_hhmm(opens)}", where) == ["reversed-interval"]


@pytest.mark.parametrize("interval", ["09:00-18:00", "22:00-06:00", "20:00-08:00", "18:00-00:00"])
def test_ordinary_hours_and_real_night_shifts_do_not_warn(interval: str) -> None:
    assert _warnings_for(interval) == []


# ------------------------------------- every problem at once: what does not depend on the rest


def _codes(data: Any) -> set[tuple[str, tuple[str | int, ...]]]:
    with pytest.raises(PolicyError) as info:
        Policy.from_dict(data)
    found = [(p.code, p.path) for p in info.value.problems]
    assert len(set(found)) == len(found)
    return set(found)


BAD_TARGET = ("bad-target", ("stages", "response", "target", "routine"))


def _broken(**changes: Any) -> dict[str, Any]:
    """BASE with a bad routine target, and the given top-level changes (None deletes)."""
    data = copy.deepcopy(BASE)
    data["stages"]["response"]["target"]["routine"] = "four hours soon"
    for key, value in changes.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    return data


@pytest.mark.parametrize("key", ["slarules", "id", "version", "timezone"])
def test_a_missing_top_level_key_does_not_hide_a_bad_target(key: str) -> None:
    assert _codes(_broken(**{key: None})) == {("missing-key", (key,)), BAD_TARGET}


def test_missing_stages_are_reported_alone_and_missing_priorities_hide_only_their_references() -> (
    None
):
    assert _codes(_broken(stages=None)) == {("missing-key", ("stages",))}
    # the targets name priorities that no longer exist: only that is not reported
    assert _codes(_broken(priorities=None)) == {("missing-key", ("priorities",)), BAD_TARGET}


def test_a_wrong_time_zone_does_not_hide_targets_or_steps() -> None:
    data = _broken(timezone="Asia/Beijing")
    data["stages"]["response"]["ladder"] = [{"at": "120%", "notify": ["x"]}]
    data["stages"]["response"]["calendar"] = "office"
    assert _codes(data) == {
        ("bad-threshold", ("stages", "response", "ladder", 0, "at")),
        BAD_TARGET,
        ("unknown-timezone", ("timezone",)),
    }


def test_a_broken_calendar_does_not_hide_the_stage_that_uses_it_nor_makes_it_unknown() -> None:
    data = _broken()
    data["calendars"]["office"]["hours"] = "24/7"
    data["stages"]["response"]["calendar"] = "office"
    assert _codes(data) == {("bad-value", ("calendars", "office", "hours")), BAD_TARGET}
    data["calendars"]["office"]["hours"] = {"mon-fri": ["09:00-14:00", "13:00-18:00"]}
    assert _codes(data) == {
        ("overlapping-hours", ("calendars", "office", "hours", "mon-fri")),
        BAD_TARGET,
    }


def test_a_target_on_an_unknown_calendar_is_still_parsed() -> None:
    data = _broken()
    data["stages"]["response"]["target"]["urgent"] = {"due": "soonish", "calendar": "ofice"}
    assert _codes(data) == {
        ("bad-target", ("stages", "response", "target", "urgent", "due")),
        BAD_TARGET,
        ("unknown-calendar", ("stages", "response", "target", "urgent", "calendar")),
    }


def test_a_priority_without_an_id_hides_only_what_names_priorities() -> None:
    data = _broken()
    del data["priorities"][0]["id"]
    data["stages"]["response"]["when"] = {"priority": "nonesuch"}
    assert _codes(data) == {("missing-key", ("priorities", 0, "id")), BAD_TARGET}


def test_a_broken_default_does_not_also_say_there_is_no_default() -> None:
    data = _broken()
    data["priorities"][1]["default"] = "yes"
    assert _codes(data) == {("wrong-type", ("priorities", 1, "default")), BAD_TARGET}


def test_a_broken_field_hides_the_tests_of_it_but_not_other_problems() -> None:
    data = _broken()
    data["fields"]["level"] = {"type": "strng"}
    assert _codes(data) == {("bad-value", ("fields", "level", "type")), BAD_TARGET}


def test_a_broken_step_hides_only_itself() -> None:
    data = _broken()
    data["stages"]["response"]["ladder"] = [
        {"at": ["80%"], "notify": ["x"]},
        {"at": "breach", "notify": ["x"], "escalate": ["y"]},
    ]
    assert _codes(data) == {
        ("bad-step", ("stages", "response", "ladder", 1)),
        BAD_TARGET,
        ("wrong-type", ("stages", "response", "ladder", 0, "at")),
    }


def test_a_stage_without_its_stop_does_not_hide_another_stages_target() -> None:
    data = _broken()
    data["stages"]["other"] = {"start": "created", "target": "4h"}
    assert _codes(data) == {BAD_TARGET, ("missing-key", ("stages", "other", "stop"))}


def test_checking_the_rest_leaves_the_callers_mapping_as_it_was() -> None:
    data = _broken(version=None, priorities="urgent first")
    before = copy.deepcopy(data)
    _codes(data)
    assert data == before
