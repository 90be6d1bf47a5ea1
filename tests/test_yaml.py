"""The safe YAML loader: YAML 1.2 scalars, source marks, limits and error translation."""

from __future__ import annotations

import math
import pickle
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slarules import _yaml
from slarules._errors import PolicyError, Problem
from slarules._yaml import Mark, SourceMap, load_yaml, load_yaml_documents
from tests.work import counting, steps_of

PURE_PYTHON_LOADER = _yaml._make_loader_class(yaml.SafeLoader)


@pytest.fixture(params=["libyaml", "pure-python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with libyaml's parser and again with PyYAML's pure-Python fallback."""
    if request.param == "pure-python":
        monkeypatch.setattr(_yaml, "_Loader", PURE_PYTHON_LOADER)
    elif not hasattr(yaml, "CSafeLoader"):  # pragma: no cover - PyYAML built without libyaml
        pytest.skip("PyYAML has no libyaml")
    return str(request.param)


def value_of(text: str) -> Any:
    data, _ = load_yaml(f"v: {text}\n")
    return data["v"]


def problem_of(text: str | bytes, **limits: int) -> Problem:
    with pytest.raises(PolicyError) as info:
        load_yaml(text, file="policy.yaml", **limits)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


# ------------------------------------------------------------------ YAML 1.1 traps


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("on", "on", id="on-stays-a-string"),
        pytest.param("off", "off", id="off-stays-a-string"),
        pytest.param("yes", "yes", id="yes-stays-a-string"),
        pytest.param("no", "no", id="no-stays-a-string"),
        pytest.param("y", "y", id="y-stays-a-string"),
        pytest.param("n", "n", id="n-stays-a-string"),
        pytest.param("On", "On", id="capitalised-On-stays-a-string"),
        pytest.param("NO", "NO", id="NO-country-code-stays-a-string"),
        pytest.param("09:00-18:00", "09:00-18:00", id="time-range-stays-a-string"),
        pytest.param("09:00", "09:00", id="clock-time-stays-a-string"),
        pytest.param("1:30", "1:30", id="no-sexagesimal-1:30-is-not-90"),
        pytest.param("190:20:30", "190:20:30", id="no-sexagesimal-three-parts"),
        pytest.param("1:30.5", "1:30.5", id="no-sexagesimal-float"),
        pytest.param("017", 17, id="leading-zero-is-decimal-not-octal"),
        pytest.param("0o17", 15, id="0o-is-octal"),
        pytest.param("0x1F", 31, id="0x-is-hex"),
        pytest.param("0b101", "0b101", id="no-binary-ints"),
        pytest.param("1_000", "1_000", id="no-underscores-in-ints"),
        pytest.param("1_000.5", "1_000.5", id="no-underscores-in-floats"),
        pytest.param("-12", -12, id="negative-int"),
        pytest.param("+12", 12, id="plus-signed-int"),
        pytest.param("0", 0, id="zero"),
        pytest.param("1.5", 1.5, id="float"),
        pytest.param("1e3", 1000.0, id="float-exponent-without-dot"),
        pytest.param("-2.5E-2", -0.025, id="float-signed-exponent"),
        pytest.param(".5", 0.5, id="float-leading-dot"),
        pytest.param("1.", 1.0, id="float-trailing-dot"),
        pytest.param(".inf", math.inf, id="inf"),
        pytest.param("-.Inf", -math.inf, id="negative-inf"),
        pytest.param("+.INF", math.inf, id="plus-INF"),
        pytest.param(".infinity", ".infinity", id="infinity-word-is-a-string"),
        pytest.param("true", True, id="true"),
        pytest.param("True", True, id="True"),
        pytest.param("TRUE", True, id="TRUE"),
        pytest.param("false", False, id="false"),
        pytest.param("False", False, id="False"),
        pytest.param("FALSE", False, id="FALSE"),
        pytest.param("tRUE", "tRUE", id="odd-case-true-is-a-string"),
        pytest.param("~", None, id="tilde-is-null"),
        pytest.param("null", None, id="null"),
        pytest.param("Null", None, id="Null"),
        pytest.param("NULL", None, id="NULL"),
        pytest.param("", None, id="empty-is-null"),
        pytest.param("nULL", "nULL", id="odd-case-null-is-a-string"),
        pytest.param("2h30m", "2h30m", id="duration-stays-a-string"),
        pytest.param("30m", "30m", id="minutes-stay-a-string"),
        pytest.param("PT4H", "PT4H", id="iso-duration-stays-a-string"),
        pytest.param("80%", "80%", id="percent-stays-a-string"),
        pytest.param("=", "=", id="yaml11-value-key-is-a-string"),
        pytest.param("<<", "<<", id="merge-sign-as-a-value-is-a-string"),
        pytest.param("5 business days", "5 business days", id="phrase-stays-a-string"),
        pytest.param("2025.1", 2025.1, id="dotted-version-is-a-float"),
        pytest.param("24x7", "24x7", id="24x7-stays-a-string"),
    ],
)
def test_plain_scalars_follow_yaml_1_2_core_schema(text: str, expected: Any) -> None:
    value = value_of(text)
    assert value == expected
    assert type(value) is type(expected)


def test_nan_is_a_float() -> None:
    for text in (".nan", ".NaN", ".NAN"):
        value = value_of(text)
        assert isinstance(value, float)
        assert math.isnan(value)


@pytest.mark.parametrize(
    "text",
    ["'on'", '"yes"', "'1:30'", "'017'", '"true"', "'~'", "''", "'2025-12-31'", '"12"', "'.inf'"],
)
def test_quoted_values_always_stay_strings(text: str) -> None:
    assert value_of(text) == text[1:-1]


def test_block_scalars_stay_strings() -> None:
    data, _ = load_yaml("a: |\n  true\nb: >\n  2025-12-31\n")
    assert data == {"a": "true\n", "b": "2025-12-31\n"}


def test_pyyaml_global_resolvers_are_untouched() -> None:
    assert yaml.safe_load("a: on") == {"a": True}
    assert yaml.safe_load("a: 1:30") == {"a": 90}


def test_keys_use_the_same_scalar_rules() -> None:
    data, _ = load_yaml("on: 1\nyes: 2\n2: 3\ntrue: 4\n~: 5\n1.5: 6\n09:00: 7\n")
    assert data == {"on": 1, "yes": 2, 2: 3, True: 4, None: 5, 1.5: 6, "09:00": 7}
    assert [type(k) for k in data] == [str, str, int, bool, type(None), float, str]


def test_loaded_data_is_plain_python() -> None:
    data, _ = load_yaml("a: {b: [1, {c: d}]}\n")
    assert type(data) is dict
    assert type(data["a"]["b"]) is list
    assert type(data["a"]["b"][1]) is dict


def test_mappings_keep_file_order() -> None:
    data, _ = load_yaml("z: 1\na: 2\nm: 3\n")
    assert list(data) == ["z", "a", "m"]


def test_integer_with_too_many_digits_is_a_problem_not_a_crash() -> None:
    problem = problem_of("a: " + "9" * 5000 + "\n")
    assert problem.code == "invalid-scalar"
    assert (problem.line, problem.column) == (1, 4)


# ------------------------------------------------------------------ dates and times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2025-12-31", date(2025, 12, 31), id="date"),
        pytest.param(
            "2025-10-09T14:30:00+08:00",
            datetime(2025, 10, 9, 14, 30, tzinfo=timezone(timedelta(hours=8))),
            id="datetime-with-offset-is-aware",
        ),
        pytest.param("2025-10-09T14:30:00Z", datetime(2025, 10, 9, 14, 30, tzinfo=UTC), id="Z"),
        pytest.param(
            "2025-10-09t14:30:00z", datetime(2025, 10, 9, 14, 30, tzinfo=UTC), id="lowercase-t-z"
        ),
        pytest.param(
            "2025-10-09T14:30:00-0530",
            datetime(2025, 10, 9, 14, 30, tzinfo=timezone(-timedelta(hours=5, minutes=30))),
            id="offset-without-colon",
        ),
        pytest.param(
            "2025-10-09T14:30+08",
            datetime(2025, 10, 9, 14, 30, tzinfo=timezone(timedelta(hours=8))),
            id="hours-only-offset-and-no-seconds",
        ),
        pytest.param("2025-10-09T14:30:00", datetime(2025, 10, 9, 14, 30), id="naive-stays-naive"),
        pytest.param(
            "2025-10-09T14:30:00.123456789",
            datetime(2025, 10, 9, 14, 30, 0, 123456),
            id="fraction-truncated-to-microseconds",
        ),
        pytest.param("2025-10-09 14:30:00", datetime(2025, 10, 9, 14, 30), id="space-separator"),
    ],
)
def test_iso_dates_and_datetimes_are_parsed(text: str, expected: Any) -> None:
    value = value_of(text)
    assert value == expected
    assert type(value) is type(expected)
    if isinstance(expected, datetime):
        assert value.tzinfo == expected.tzinfo


@pytest.mark.parametrize(
    "text", ["2025-1-5", "2025-12-31T", "2025-12-31T9:00", "25-12-31", "2025/12/31"]
)
def test_non_iso_dates_stay_strings(text: str) -> None:
    assert value_of(text) == text


@pytest.mark.parametrize(
    "text", ["2025-02-30", "2025-13-01", "2025-10-09T25:00:00", "2025-10-09T14:30:00+24:00"]
)
def test_impossible_dates_are_reported_where_written(text: str) -> None:
    problem = problem_of(f"a:\n  b: {text}\n")
    assert problem.code == "invalid-scalar"
    assert (problem.line, problem.column) == (2, 6)
    assert problem.path == ("a", "b")


def test_an_impossible_date_key_is_reported_with_its_mapping_path() -> None:
    problem = problem_of("days:\n  2025-02-30: []\n")
    assert problem.code == "invalid-scalar"
    assert problem.path == ("days",)
    assert (problem.line, problem.column) == (2, 3)


def test_dates_as_mapping_keys() -> None:
    data, marks = load_yaml("days:\n  2025-12-31: [09:00-12:00]\n  '2026-01-01': []\n")
    assert data == {"days": {date(2025, 12, 31): ["09:00-12:00"], "2026-01-01": []}}
    assert marks.key(("days", "2025-12-31")) == Mark(2, 3)
    assert marks.value(("days", "2025-12-31")) == Mark(2, 15)
    assert marks.value(("days", "2025-12-31", 0)) == Mark(2, 16)
    assert marks.key(("days", "2026-01-01")) == Mark(3, 3)


# ------------------------------------------------------------------ duplicate and merge keys


def test_duplicate_key_points_at_the_second_and_names_the_first_line() -> None:
    problem = problem_of("a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n")
    assert problem.code == "duplicate-key"
    assert problem.path == ("b", "c")
    assert (problem.file, problem.line, problem.column) == ("policy.yaml", 5, 3)
    assert problem.hint is not None
    assert "line 3" in problem.hint


def test_duplicate_keys_in_flow_mappings_and_lists() -> None:
    problem = problem_of("items:\n  - {x: 1, x: 2}\n")
    assert problem.code == "duplicate-key"
    assert problem.path == ("items", 0, "x")
    assert (problem.line, problem.column) == (2, 12)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("1: a\n'1': b\n", id="int-and-string-render-the-same"),
        pytest.param("1: a\ntrue: b\n", id="int-1-and-true-are-equal-in-python"),
        pytest.param("2025-12-31: a\n'2025-12-31': b\n", id="date-and-string"),
        pytest.param(".nan: a\n.nan: b\n", id="nan-twice"),
    ],
)
def test_keys_that_collide_once_loaded_are_duplicates(text: str) -> None:
    problem = problem_of(text)
    assert problem.code == "duplicate-key"
    assert problem.line == 2
    assert problem.hint is not None
    assert "line 1" in problem.hint


def test_every_duplicate_is_reported_in_file_order() -> None:
    with pytest.raises(PolicyError) as info:
        load_yaml("a: 1\na: 2\nb: {c: 1, c: 2}\n")
    assert [(p.code, p.line) for p in info.value.problems] == [
        ("duplicate-key", 2),
        ("duplicate-key", 3),
    ]


def test_merge_keys_are_refused() -> None:
    problem = problem_of("base: &b {x: 1}\nstage:\n  <<: *b\n  y: 2\n")
    assert problem.code == "merge-key-unsupported"
    assert (problem.line, problem.column) == (3, 3)
    assert problem.path == ("stage",)
    assert problem.hint is not None
    assert "*" in problem.hint


def test_a_quoted_merge_sign_is_an_ordinary_key() -> None:
    data, _ = load_yaml("'<<': 1\n")
    assert data == {"<<": 1}


# ------------------------------------------------------------------ tags


@pytest.mark.parametrize(
    "text",
    [
        "!!python/object/apply:os.system ['echo hacked']",
        "!!python/object:builtins.object {}",
        "!!python/name:os.system",
        "!!python/tuple [1, 2]",
        "!!binary aGVsbG8=",
        "!!set {a, b}",
        "!!omap [a: 1]",
        "!!timestamp 2025-12-31",
        "!custom value",
        "!<tag:example.com,2000:app/foo> bar",
    ],
)
def test_non_standard_tags_are_unsafe(text: str) -> None:
    problem = problem_of(f"a:\n  b: {text}\n")
    assert problem.code == "unsafe-tag"
    assert (problem.line, problem.column) == (2, 6)
    assert problem.path == ("a", "b")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!!str 1", "1"),
        ("!!str 2025-12-31", "2025-12-31"),
        ("!!str", ""),
        ("!!int '12'", 12),
        ("!!int 0x10", 16),
        ("!!float 1", 1.0),
        ("!!float '1.5'", 1.5),
        ("!!bool 'true'", True),
        ("!!null ''", None),
        ("!!null null", None),
        ("!!map {a: 1}", {"a": 1}),
        ("!!seq [1]", [1]),
        ("! 12", "12"),
        ("! [1]", [1]),
        ("!<tag:yaml.org,2002:str> 12", "12"),
    ],
)
def test_standard_tags_are_allowed(text: str, expected: Any) -> None:
    value = value_of(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("!!int abc", "invalid-scalar"),
        ("!!int 1.5", "invalid-scalar"),
        ("!!int 1_000", "invalid-scalar"),
        ("!!bool yes", "invalid-scalar"),
        ("!!float one", "invalid-scalar"),
        ("!!null nothing", "invalid-scalar"),
        ("!!map abc", "tag-mismatch"),
        ("!!str [a]", "tag-mismatch"),
        ("!!seq {a: 1}", "tag-mismatch"),
    ],
)
def test_standard_tags_must_fit_their_value(text: str, code: str) -> None:
    assert problem_of(f"a: {text}\n").code == code


# ------------------------------------------------------------------ aliases


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


# Work is counted in Python steps (tests/work.py), never timed. An alias adds at most
# STEPS_PER_ALIAS_NODE steps for each value it expands to, so a bomb costs what its text
# costs to parse plus a bounded expansion: it is refused once the expansion passes the limit.
STEPS_PER_ALIAS_NODE = 20
ALIAS_LIMIT = 10_000  # load_yaml's default max_alias_nodes


def _written_out(text: str) -> str:
    """The same text with every alias replaced by a plain value and no anchors."""
    return re.sub(r"&\w+ ", "", re.sub(r"\*\w+", "x", text))


def _assert_alias_work_is_bounded(text: str) -> Problem:
    load_yaml(_written_out(text))  # warm caches, so that both counts see the same code paths
    parsing = steps_of(lambda: load_yaml(_written_out(text)), budget=10_000_000)
    budget = parsing + STEPS_PER_ALIAS_NODE * ALIAS_LIMIT
    with counting(budget):
        problem = problem_of(text)
    assert problem.code == "too-many-aliases"
    return problem


def test_billion_laughs_is_refused_after_a_bounded_expansion(parser: str) -> None:
    # written out, the last line alone would be 9**9 values
    problem = _assert_alias_work_is_bounded(BILLION_LAUGHS)
    assert problem.line is not None
    assert problem.line <= 5


def test_a_wide_alias_bomb_is_refused_after_a_bounded_expansion(parser: str) -> None:
    text = "a: &a [" + ", ".join(["x"] * 1000) + "]\nb: [" + ", ".join(["*a"] * 1000) + "]\n"
    _assert_alias_work_is_bounded(text)  # written out: a million values


def test_alias_expansion_work_grows_with_the_limit_not_with_the_bomb() -> None:
    small = steps_of(lambda: load_yaml(BILLION_LAUGHS, max_alias_nodes=1_000), budget=10**7)
    large = steps_of(lambda: load_yaml(BILLION_LAUGHS, max_alias_nodes=100_000), budget=10**7)
    assert large - small <= STEPS_PER_ALIAS_NODE * (100_000 - 1_000)


def test_alias_limit_is_a_keyword_argument() -> None:
    text = "a: &a [1, 2, 3]\nb: *a\nc: *a\n"
    data, _ = load_yaml(text, max_alias_nodes=8)
    assert data["c"] == [1, 2, 3]
    assert problem_of(text, max_alias_nodes=7).code == "too-many-aliases"


def test_aliases_are_independent_copies_with_marks() -> None:
    data, marks = load_yaml("base: &b\n  notify: [lead]\nstage:\n  step: *b\n")
    assert data["stage"]["step"] == {"notify": ["lead"]}
    data["stage"]["step"]["notify"].append("boss")
    assert data["base"]["notify"] == ["lead"]
    # the alias itself is where it is used; its parts are where the anchor wrote them
    assert marks.value(("stage", "step")) == Mark(4, 9)
    assert marks.key(("stage", "step")) == Mark(4, 3)
    assert marks.key(("stage", "step", "notify")) == Mark(2, 3)
    assert marks.value(("stage", "step", "notify", 0)) == Mark(2, 12)


def test_scalar_aliases_work_as_keys_and_values() -> None:
    data, _ = load_yaml("a: &k name\n*k : 1\nc: *k\n")
    assert data == {"a": "name", "name": 1, "c": "name"}


def test_a_recursive_alias_is_refused() -> None:
    problem = problem_of("a: &a\n  b: *a\n")
    assert problem.code == "recursive-alias"
    assert (problem.line, problem.column) == (2, 6)


def test_an_undefined_alias_is_refused() -> None:
    problem = problem_of("a: 1\nb: *nowhere\n")
    assert problem.code == "undefined-alias"
    assert (problem.line, problem.column) == (2, 4)


def test_a_collection_alias_cannot_be_a_key() -> None:
    assert problem_of("a: &a [1]\n*a : 2\n").code == "unhashable-key"


@pytest.mark.parametrize("text", ["? [a, b]\n: c\n", "? {a: 1}\n: c\n", "{[a]: 1}\n"])
def test_complex_keys_are_refused(text: str) -> None:
    assert problem_of(text).code == "unhashable-key"


# ------------------------------------------------------------------ size and depth limits


def test_oversize_text_is_refused_before_parsing() -> None:
    problem = problem_of("a: [" + "1, " * 400_000 + "]\n")
    assert problem.code == "file-too-large"
    assert problem.file == "policy.yaml"


def test_size_limit_counts_utf8_bytes_and_is_a_keyword_argument() -> None:
    load_yaml(b"a: 12345", max_bytes=8)
    assert problem_of(b"a: 123456", max_bytes=8).code == "file-too-large"
    assert problem_of("a: ééé", max_bytes=8).code == "file-too-large"  # 9 bytes, 6 characters


DEEP: dict[str, Callable[[int], str]] = {
    "flow-lists": lambda n: "[" * n + "]" * n,
    "flow-mappings": lambda n: "{a: " * n + "1" + "}" * n,
    "block-mappings": lambda n: "".join(f"{' ' * i}k:\n" for i in range(n)),
    "block-lists": lambda n: "- " * n + "x\n",
}


@pytest.mark.parametrize(
    ("shape", "levels"),
    [
        ("flow-lists", 10_000),
        ("flow-mappings", 1000),
        ("block-mappings", 100),
        ("block-lists", 100),
    ],
)
def test_deep_nesting_is_refused_without_reading_further(
    shape: str, levels: int, parser: str
) -> None:
    # PyYAML's own parser looks up to 1024 characters ahead, which costs millions of steps
    # for '[' * 1024, but no more for a deeper input: the work stops at the limit.
    text, deeper = DEEP[shape](levels), DEEP[shape](levels * 10)
    problem_of(text)  # warm caches
    with counting(budget=30_000_000) as work:
        problem = problem_of(text)
    assert problem.code == "too-deep"
    assert problem.line is not None
    with counting(budget=work.steps + work.steps // 10):
        assert problem_of(deeper).code == "too-deep"


def test_depth_limit_is_exact_and_a_keyword_argument() -> None:
    data, _ = load_yaml("[[[1]]]", max_depth=3)
    assert data == [[[1]]]
    assert problem_of("[[[[1]]]]", max_depth=3).code == "too-deep"


def test_alias_expansion_counts_towards_depth() -> None:
    text = "a: &a [[[1]]]\nb: [[*a]]\n"
    load_yaml(text, max_depth=6)  # root mapping, two lists, then the three of *a
    assert problem_of(text, max_depth=5).code == "too-deep"


# ------------------------------------------------------------------ source marks

NESTED = """\
# a policy
id: demo
stages:
  closure:
    target: {urgent: 24h, routine: 5 business days}
    ladder:
      - at: 80%
        notify: [assignee, lead]
      - on: start
        notify:
          - director
"""


@pytest.mark.parametrize(
    ("path", "value", "key"),
    [
        ((), Mark(2, 1), Mark(2, 1)),
        (("id",), Mark(2, 5), Mark(2, 1)),
        (("stages",), Mark(4, 3), Mark(3, 1)),
        (("stages", "closure"), Mark(5, 5), Mark(4, 3)),
        (("stages", "closure", "target"), Mark(5, 13), Mark(5, 5)),
        (("stages", "closure", "target", "routine"), Mark(5, 36), Mark(5, 27)),
        (("stages", "closure", "ladder"), Mark(7, 7), Mark(6, 5)),
        (("stages", "closure", "ladder", 0), Mark(7, 9), Mark(7, 9)),
        (("stages", "closure", "ladder", 0, "at"), Mark(7, 13), Mark(7, 9)),
        (("stages", "closure", "ladder", 0, "notify", 1), Mark(8, 28), Mark(8, 28)),
        (("stages", "closure", "ladder", 1, "on"), Mark(9, 13), Mark(9, 9)),
        (("stages", "closure", "ladder", 1, "notify", 0), Mark(11, 13), Mark(11, 13)),
    ],
)
def test_marks_for_keys_and_values(path: tuple[str | int, ...], value: Mark, key: Mark) -> None:
    _, marks = load_yaml(NESTED, file="p.yaml")
    assert marks.file == "p.yaml"
    assert marks.value(path) == value
    assert marks.key(path) == key


def test_both_parsers_give_the_same_data_and_marks(monkeypatch: pytest.MonkeyPatch) -> None:
    text = NESTED + "aliases:\n  base: &b {x: [1, 2]}\n  copy: *b\n  2025-12-31: é\n"
    data, marks = load_yaml(text)
    monkeypatch.setattr(_yaml, "_Loader", PURE_PYTHON_LOADER)
    pure_data, pure_marks = load_yaml(text)
    assert pure_data == data
    assert pure_marks._values == marks._values
    assert pure_marks._keys == marks._keys


def test_unknown_paths_fall_back_to_the_nearest_ancestor() -> None:
    _, marks = load_yaml(NESTED)
    assert marks.value(("stages", "closure", "missing", "deeper")) == Mark(5, 5)
    assert marks.key(("stages", "closure", "missing")) == Mark(5, 5)
    assert marks.value(("nothing",)) == Mark(2, 1)


def test_empty_source_map() -> None:
    data, marks = load_yaml("", file="empty.yaml")
    assert data is None
    assert marks.value(("a",)) is None
    assert marks.locate(Problem("x", "m", path=("a",))) == Problem(
        "x", "m", path=("a",), file="empty.yaml"
    )


def test_comment_only_document_is_none() -> None:
    assert load_yaml("# nothing here\n")[0] is None


def test_columns_count_characters_not_bytes() -> None:
    _, marks = load_yaml("名前: 値\nlist: [é, ü]\n")
    assert marks.value(("名前",)) == Mark(1, 5)
    assert marks.value(("list", 1)) == Mark(2, 11)


def test_locate_uses_the_key_for_key_problems_and_the_value_otherwise() -> None:
    _, marks = load_yaml(NESTED, file="p.yaml")
    path = ("stages", "closure", "target")
    unknown = marks.locate(Problem("unknown-key", "no such key", path=path))
    assert (unknown.file, unknown.line, unknown.column) == ("p.yaml", 5, 5)
    bad = marks.locate(Problem("bad-value", "wrong", path=path))
    assert (bad.file, bad.line, bad.column) == ("p.yaml", 5, 13)
    assert str(bad).startswith("p.yaml:5:13: error[bad-value]")


def test_locate_keeps_a_location_already_known() -> None:
    _, marks = load_yaml(NESTED, file="p.yaml")
    known = Problem("x", "m", path=("id",), file="other.yaml", line=9, column=9)
    assert marks.locate(known) is known
    assert marks.locate(Problem("x", "m", line=9)).file == "p.yaml"


def test_non_string_keys_appear_in_paths_as_str() -> None:
    _, marks = load_yaml("2: a\ntrue: b\n~: c\n2025-12-31: d\n")
    assert marks.key(("2",)) == Mark(1, 1)
    assert marks.key(("True",)) == Mark(2, 1)
    assert marks.key(("None",)) == Mark(3, 1)
    assert marks.value(("2025-12-31",)) == Mark(4, 13)


def test_source_map_is_immutable_and_picklable() -> None:
    _, marks = load_yaml(NESTED, file="p.yaml")
    with pytest.raises(AttributeError):
        marks.file = "other"
    copy = pickle.loads(pickle.dumps(marks))
    assert copy.file == "p.yaml"
    assert copy.value(("stages", "closure", "ladder", 0, "at")) == Mark(7, 13)
    assert copy.key(("id",)) == Mark(2, 1)
    assert pickle.loads(pickle.dumps(Mark(1, 2))) == Mark(1, 2)
    assert "p.yaml" in repr(marks)


# ------------------------------------------------------------------ syntax errors


@pytest.mark.parametrize(
    ("text", "line", "column", "hint"),
    [
        pytest.param("a:\n\t- b\n", 2, 1, "tabs", id="tab-in-indentation"),
        pytest.param("a: 1\n\tb: 2\n", 2, 1, "tabs", id="tab-before-a-key"),
        pytest.param("a: @admin\n", 1, 4, "quotes", id="value-starting-with-at"),
        pytest.param("a: `cmd`\n", 1, 4, "quotes", id="value-starting-with-backtick"),
        pytest.param("a: 1\nb:2\nc: 3\n", 2, 1, "space after the colon", id="no-space-after-colon"),
        pytest.param("a: 1\nb\nc: 2\n", 2, 1, "indentation", id="key-without-colon"),
        pytest.param("a: b: c\n", 1, 5, "quotes", id="key-value-value"),
        pytest.param("a: 'x\n", 1, 4, "closing quote", id="unclosed-quote"),
        pytest.param("a: [1, 2\n", 1, 4, "not closed", id="unclosed-flow-list"),
        pytest.param("- a\nb: 1\n", 2, 1, "indentation", id="list-then-mapping"),
        pytest.param("a:\n  b: 1\n c: 2\n", 3, 2, "indentation", id="bad-dedent"),
    ],
)
def test_syntax_errors_have_line_column_and_hint(
    text: str, line: int, column: int, hint: str, parser: str
) -> None:
    problem = problem_of(text)
    assert problem.code == "yaml-syntax"
    assert (problem.file, problem.line, problem.column) == ("policy.yaml", line, column)
    assert problem.hint is not None
    assert hint in problem.hint


def test_control_characters_are_syntax_errors_with_position(parser: str) -> None:
    problem = problem_of("é: ok\nb: x\x07y\n")
    assert problem.code == "yaml-syntax"
    assert (problem.line, problem.column) == (2, 5)
    assert "U+0007" in problem.message


def test_problems_stop_after_a_hundred() -> None:
    text = "".join(f"k{i}: 1\nk{i}: 2\n" for i in range(200))
    with pytest.raises(PolicyError) as info:
        load_yaml(text)
    problems = info.value.problems
    assert len(problems) == 101
    assert {p.code for p in problems[:100]} == {"duplicate-key"}
    assert problems[-1].code == "too-many-problems"
    assert problems[-1].line == 200


def test_syntax_error_message_is_clean() -> None:
    problem = problem_of("a: b: c\n")
    assert "\n" not in problem.message
    assert problem.message.startswith("mapping values are not allowed")


def test_problems_found_before_a_syntax_error_are_kept() -> None:
    with pytest.raises(PolicyError) as info:
        load_yaml("a: 1\na: 2\nb: [\n")
    assert [p.code for p in info.value.problems] == ["duplicate-key", "yaml-syntax"]


# ------------------------------------------------------------------ encodings and streams


def test_non_utf8_bytes_are_located() -> None:
    problem = problem_of(b"a: ok\nb: caf\xe9\n")
    assert problem.code == "not-utf8"
    assert (problem.line, problem.column) == (2, 7)


def test_utf16_is_refused_with_a_hint() -> None:
    problem = problem_of("a: 1\n".encode("utf-16"))
    assert problem.code == "not-utf8"
    assert problem.hint is not None
    assert "UTF-16" in problem.hint


def test_lone_surrogates_in_text_are_not_utf8() -> None:
    assert problem_of("a: \ud800\n").code == "not-utf8"


@pytest.mark.parametrize("text", [b"\xef\xbb\xbfa: 1\n", "\ufeffa: 1\n"])
def test_a_bom_is_accepted_and_does_not_shift_columns(text: str | bytes) -> None:
    data, marks = load_yaml(text)
    assert data == {"a": 1}
    assert marks.key(("a",)) == Mark(1, 1)


def test_bytes_and_text_load_the_same() -> None:
    assert load_yaml(NESTED.encode())[0] == load_yaml(NESTED)[0]


def test_a_second_document_is_refused_by_load_yaml() -> None:
    problem = problem_of("a: 1\n---\nb: 2\n")
    assert problem.code == "multiple-documents"
    assert problem.line == 2


def test_load_yaml_documents_reads_every_document() -> None:
    docs = load_yaml_documents("a: 1\n---\nb: [x]\n...\n--- c\n", file="t.yaml")
    assert [data for data, _ in docs] == [{"a": 1}, {"b": ["x"]}, "c"]
    assert docs[1][1].value(("b", 0)) == Mark(3, 5)
    assert docs[1][1].file == "t.yaml"
    assert load_yaml_documents("") == []


def test_anchors_do_not_cross_documents() -> None:
    with pytest.raises(PolicyError) as info:
        load_yaml_documents("a: &x 1\n---\nb: *x\n")
    assert info.value.problems[0].code == "undefined-alias"


def test_an_explicit_document_start_is_fine() -> None:
    assert load_yaml("%YAML 1.2\n---\na: 1\n...\n")[0] == {"a": 1}


# ------------------------------------------------------------------ performance


def _many_stages(size: int) -> str:
    """Policy-like YAML of about ``size`` characters."""
    chunk = (
        "stage_{i}:\n  calendar: office\n  target: {{urgent: 30m, routine: 4h}}\n"
        "  hours: [09:00-12:00, 13:30-18:00]\n  days: {{2025-12-31: [09:00-12:00]}}\n"
        "  ladder:\n    - at: 80%\n      notify: [assignee, 'lead']\n    - on: start\n"
    )
    parts: list[str] = []
    length = 0
    while length < size:
        parts.append(chunk.format(i=len(parts)))
        length += len(parts[-1])
    return "".join(parts)


STEPS_PER_CHARACTER = 15  # about 9.3 today with libyaml (tests/work.py counts steps)


def test_loading_work_is_linear_in_the_size_up_to_one_mebibyte() -> None:
    quarter, whole = _many_stages(250_000), _many_stages(1_000_000)
    load_yaml(quarter)  # warm caches
    per_character = steps_of(lambda: load_yaml(quarter), budget=10**8) / len(quarter)
    assert per_character <= STEPS_PER_CHARACTER
    with counting(budget=int(1.05 * per_character * len(whole))):  # four times the text
        data, marks = load_yaml(whole)
    assert len(whole.encode()) <= 1 << 20  # the default size limit
    assert len(data) == whole.count("\nstage_") + 1
    assert marks.value((f"stage_{len(data) - 1}", "ladder", 1, "on")) is not None


# ------------------------------------------------------------------ robustness

YAML_TOKENS = [
    "a", "b", "key", ":", ": ", "- ", "-", "\n", "  ", " ", "[", "]", "{", "}", ", ", "? ",
    "&x ", "*x", "&y ", "*y", "!!str ", "!!int ", "!!map ", "!!python/object/apply:os.system ",
    "!x ", "! ", "'", '"', "\\", "#c", "---\n", "...\n", "<<: ", "2025-12-31", "2025-02-30",
    "2025-10-09T14:30:00Z", "09:00", "1:30", "on", "1e3", "0x1F", "017", ".nan", "~", "\t", "@",
    "`", "|\n", ">-\n", "%YAML 1.2\n", "%TAG ! tag:x,2000:\n", "\ufeff", "é", "\x00", "\r\n",
]  # fmt: skip


def assert_only_located_policy_errors(text: str | bytes) -> None:
    # a few hundred steps per character at most today; the budget stops a hang where it is
    try:
        with counting(budget=100_000 + 2_000 * len(text)):
            load_yaml(text, file="fuzz.yaml", max_alias_nodes=500, max_depth=20)
    except PolicyError as exc:
        for problem in exc.problems:
            assert problem.file == "fuzz.yaml"
            assert problem.line is not None
            assert problem.line >= 1
            assert problem.column is not None
            assert problem.column >= 1


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text())
def test_arbitrary_text_raises_only_policy_errors(text: str) -> None:
    assert_only_located_policy_errors(text)


@FUZZ
@given(st.binary())
def test_arbitrary_bytes_raise_only_policy_errors(data: bytes) -> None:
    assert_only_located_policy_errors(data)


@FUZZ
@given(st.lists(st.sampled_from(YAML_TOKENS), max_size=80).map("".join))
def test_yaml_like_text_raises_only_policy_errors(text: str) -> None:
    assert_only_located_policy_errors(text)


@FUZZ
@given(st.lists(st.sampled_from(YAML_TOKENS), max_size=80).map("".join))
def test_yaml_like_text_with_the_pure_python_parser(text: str) -> None:
    original = _yaml._Loader
    _yaml._Loader = PURE_PYTHON_LOADER
    try:
        assert_only_located_policy_errors(text)
    finally:
        _yaml._Loader = original


def test_source_map_type_is_exported() -> None:
    assert set(_yaml.__all__) == {"Mark", "SourceMap", "load_yaml", "load_yaml_documents"}
    assert isinstance(load_yaml("a: 1")[1], SourceMap)


# ------------------------------------------------ where a file too large crosses the limit


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        pytest.param(b"a: 1\nb: 2\nc: 3\n", 3, 1, id="bytes"),
        pytest.param("a: 1\nb: 2\nc: 3\n", 3, 1, id="text"),
        pytest.param("a: é\nb: éé\n", 2, 4, id="two-byte-characters"),
        pytest.param("x" * 20, 1, 11, id="one-line"),
        pytest.param("\n" * 20, 11, 1, id="blank-lines"),
    ],
)
def test_file_too_large_points_at_the_line_and_column_where_the_limit_is_crossed(
    text: str | bytes, line: int, column: int
) -> None:
    problem = problem_of(text, max_bytes=10)
    assert (problem.code, problem.line, problem.column) == ("file-too-large", line, column)
    assert str(problem).startswith(f"policy.yaml:{line}:{column}: error[file-too-large]")


def test_a_huge_file_too_large_is_located_from_its_first_mebibyte() -> None:
    problem = problem_of(b"a: 1\n" * 1_000_000)  # 5 MB
    assert (problem.line, problem.column) == (209_716, 2)  # 1 MiB = 209,715 lines and 1 byte
