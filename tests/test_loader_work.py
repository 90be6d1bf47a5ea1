"""Every check the loader makes is linear in the size of the file, or capped (issue 15).

No clock here: work is bounded by counting it (comparisons made, values walked), or by
input sizes for which the quadratic code this replaced ran for minutes (40,000 spaces in
one interval took 23 s; 200,000 would take ten minutes).
"""

from __future__ import annotations

import copy
import difflib
from typing import Any

import pytest

from slarules import Policy, PolicyError, Problem
from slarules._check import MAX_PRIORITIES, MAX_STAGES
from slarules._durations import parse_target, parse_threshold
from slarules._suggest import MAX_PAIRS, listing, suggest, suggestion_budget
from slarules.calendar._hours import parse_interval

from .builders import BASE

SPACES = " " * 200_000


def _problems(data: Any) -> tuple[Problem, ...]:
    with pytest.raises(PolicyError) as info:
        Policy.from_dict(data)
    return info.value.problems


@pytest.mark.parametrize(
    "text",
    [
        "09" + SPACES + "x",
        "09:00" + SPACES + "x",
        "09" + SPACES + "-" + SPACES + "x",
        SPACES + "09:00-" + SPACES,
        "-" * 200_000,
    ],
)
def test_a_long_run_of_spaces_in_an_interval_is_refused_in_linear_time(text: str) -> None:
    with pytest.raises(ValueError, match="is not"):
        parse_interval(text)


def test_spaces_around_the_dash_of_an_interval_are_still_allowed() -> None:
    assert parse_interval("09:00" + " " * 1000 + "–" + " " * 1000 + "18:00") == (540, 1080)


@pytest.mark.parametrize(
    "text",
    [
        "1" + SPACES + "x",
        "1" + SPACES + "before" + SPACES + "x y",
        "1 before " * 30_000 + "x y",
        "1" * 200_000 + "x",
        "1" * 200_000 + "!",
        "1 " * 100_000 + "x",
        "1 hour " * 50_000 + "x",
        "١" * 200_000 + "h",  # Arabic-Indic digits are digits to the patterns too
    ],
)
def test_long_targets_are_refused_in_linear_time(text: str) -> None:
    with pytest.raises(PolicyError):
        parse_target(text)


def test_a_long_target_before_an_event_parses() -> None:
    assert parse_target("2h" + " " * 100_000 + "before" + " " * 100_000 + "visit").event == "visit"


@pytest.mark.parametrize(
    "text", ["1" + SPACES + "before breach", "breach +" + SPACES + "1" * 200_000 + "x"]
)
def test_long_thresholds_are_refused_in_linear_time(text: str) -> None:
    with pytest.raises(PolicyError):
        parse_threshold(text)


# ------------------------------------------------------------------- did you mean


class _Comparisons:
    """Counts the word-choice pairs difflib is asked to compare."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.pairs = 0
        real = difflib.get_close_matches

        def counting(word: str, possibilities: Any, *args: Any, **kwargs: Any) -> Any:
            possibilities = list(possibilities)
            self.pairs += len(possibilities)
            return real(word, possibilities, *args, **kwargs)

        monkeypatch.setattr(difflib, "get_close_matches", counting)


def _misspelt_events(n: int) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["events"] = [f"event_{i:05d}_happened" for i in range(n)] + ["created", "responded"]
    data["stages"] = {
        f"s{i}": {"start": f"evnt_{i:05d}_hapened", "stop": "responded"} for i in range(n)
    }
    return data


def test_did_you_mean_work_for_a_whole_policy_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    comparisons = _Comparisons(monkeypatch)
    problems = _problems(_misspelt_events(MAX_STAGES))  # a million pairs without the cap
    assert len(problems) == MAX_STAGES
    assert all(p.code == "unknown-event" for p in problems)
    assert 0 < comparisons.pairs <= MAX_PAIRS
    # the first ones still get their suggestion; the rest the plain hint
    assert problems[0].hint == "did you mean 'event_00000_happened'?"
    assert problems[-1].hint == "add it to the policy's 'events' list"


def test_each_policy_gets_its_own_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(2):
        comparisons = _Comparisons(monkeypatch)
        problems = _problems(_misspelt_events(20))
        assert all((p.hint or "").startswith("did you mean") for p in problems)
        assert comparisons.pairs == 20 * 22


def test_a_suggestion_outside_a_budget_compares_at_most_max_pairs() -> None:
    with suggestion_budget(5):
        assert suggest("urgnt", ["urgent", "routine"]) == "urgent"
        assert suggest("urgnt", ["a", "b", "urgent", "routine"]) is None  # 4 > 3 left
        assert suggest("rutine", ["urgent", "routine"]) == "routine"  # 3 left, then 1
        assert suggest("rutine", ["urgent", "routine"]) is None
    assert suggest("urgnt", ["x"] * MAX_PAIRS + ["urgent"]) is None
    assert suggest("urgnt", (c for c in ["urgent"] * (MAX_PAIRS + 5))) is None


def test_long_words_are_not_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    comparisons = _Comparisons(monkeypatch)
    assert suggest("e" * 100_000, ["e" * 99_999 + "x"]) is None
    assert suggest("short", ["e" * 100_000, "shirt"]) == "shirt"
    assert comparisons.pairs == 1


def test_a_listing_in_a_hint_shows_ten_names_and_counts_the_rest() -> None:
    assert listing(["a", "b"]) == "a, b"
    assert listing([f"n{i}" for i in range(1500)]) == (
        "n0, n1, n2, n3, n4, n5, n6, n7, n8, n9, … (and 1,490 more)"
    )
    assert listing(iter(range(12)), limit=2) == "0, 1, … (and 10 more)"


def test_hints_over_long_lists_of_names_stay_short() -> None:
    data = copy.deepcopy(BASE)
    data["fields"]["level"] = {"enum": [f"value_{i}" for i in range(20_000)]}
    data["priorities"][0]["when"] = {"level": "nothing like it"}
    data["calendars"] = {f"calendar_{i}": {"hours": "24x7"} for i in range(5_000)}
    data["stages"]["response"]["calendar"] = "elsewhere"
    problems = _problems(data)
    assert {p.code for p in problems} == {"unknown-enum-value", "unknown-calendar"}
    assert all(len(p.hint or "") < 400 for p in problems), [p.hint for p in problems]


# ---------------------------------------------------------------- sizes of policies


def test_more_priorities_than_allowed_are_refused_before_any_per_stage_work() -> None:
    data = copy.deepcopy(BASE)
    data["fields"]["n"] = {"type": "integer"}
    data["priorities"] = [{"id": f"p{i}", "when": {"n": i}} for i in range(5_000)]
    data["priorities"].append({"id": "routine", "default": True})
    data["stages"] = {
        f"s{i}": {"start": "created", "stop": "responded", "target": "4h"} for i in range(999)
    }  # 5 million targets to compile without the limit
    (problem,) = _problems(data)
    assert problem.code == "too-many-priorities"
    assert problem.path == ("priorities", MAX_PRIORITIES)
    assert str(MAX_PRIORITIES) in problem.message


def test_more_stages_than_allowed_are_refused() -> None:
    data = copy.deepcopy(BASE)
    data["stages"] = {
        f"s{i}": {"start": "created", "stop": "responded"} for i in range(MAX_STAGES + 1)
    }
    (problem,) = _problems(data)
    assert (problem.code, problem.path) == ("too-many-stages", ("stages", f"s{MAX_STAGES}"))


def test_the_largest_allowed_policy_loads() -> None:
    data = copy.deepcopy(BASE)
    data["fields"]["n"] = {"type": "integer"}
    data["priorities"] = [{"id": f"p{i}", "when": {"n": i}} for i in range(MAX_PRIORITIES - 1)]
    data["priorities"].append({"id": "routine", "default": True})
    data["stages"] = {
        f"s{i}": {"start": "created", "stop": "responded", "target": "4h"}
        for i in range(MAX_STAGES)
    }
    policy = Policy.from_dict(data)
    assert len(policy.stages) == MAX_STAGES
    targets = {id(t) for s in policy.compiled.stages for t in s.targets.values()}
    assert len(targets) == MAX_STAGES  # one target per stage, shared by its priorities


def test_many_steps_with_one_trigger_get_numbered_ids_in_linear_time() -> None:
    data = copy.deepcopy(BASE)
    steps = [{"at": "80%", "notify": [f"role{i}"]} for i in range(30_000)]
    steps.insert(1, {"id": "at-80pct-3", "at": "90%", "notify": ["x"]})
    data["stages"]["response"]["ladder"] = steps
    (stage,) = Policy.from_dict(data).compiled.stages
    ids = [s.id for s in stage.steps]
    assert ids[:5] == ["at-80pct", "at-80pct-3", "at-80pct-2", "at-80pct-4", "at-80pct-5"]
    assert len(set(ids)) == len(ids) == 30_001


def test_many_shape_problems_are_each_reported_once_in_linear_time() -> None:
    data = copy.deepcopy(BASE)
    data["events"] = list(range(50_000))  # 50,000 wrong-type problems
    problems = _problems(data)
    assert len(problems) == 50_000
    assert problems[-1].path == ("events", 49_999)
