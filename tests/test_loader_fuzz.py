"""Structure-aware fuzzing of the loader (issue 15, "keep it so").

Each example starts from a bundled policy and mutates it where a policy author, a host
program or an attacker might: huge numbers, containers where scalars belong and scalars
where containers belong, deep nesting, odd keys, unicode, extreme times and offsets, long
runs of one character, many copies of one part. The mutated policy goes through
``Policy.from_dict``, ``Policy.from_yaml`` (as YAML text) and ``load_yaml``; only
``SlaRulesError`` may escape, every problem says where and what, and the work is bounded:
the Python calls made while loading are counted (``sys.setprofile``) and must stay linear
in the size of the input.

The default profile runs a modest number of examples so the suite stays fast; set
``SLARULES_LOADER_FUZZ=long`` for a long run (thousands of examples).
"""

from __future__ import annotations

import copy
import math
import os
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slarules import Policy, PolicyError, SlaRulesError
from slarules._policy import is_policy_file
from slarules._yaml import load_yaml

ROOT = Path(__file__).parent.parent
BUNDLED = {
    p.stem: load_yaml(p.read_bytes(), file=str(p))[0]
    for p in sorted((ROOT / "policies").glob("*.yaml"))
    if is_policy_file(p)
}

_CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile(
    "slarules-loader-fuzz", max_examples=25, deadline=None, suppress_health_check=_CHECKS
)
settings.register_profile(
    "slarules-loader-fuzz-long", max_examples=3000, deadline=None, suppress_health_check=_CHECKS
)
FUZZ = settings.get_profile(
    "slarules-loader-fuzz-long"
    if os.environ.get("SLARULES_LOADER_FUZZ") == "long"
    else "slarules-loader-fuzz"
)

# Python calls allowed per byte of input (the bundled policies need about 1.4), and a floor
CALLS_PER_BYTE = 40
CALLS_FLOOR = 50_000

# --------------------------------------------------------------------------- odd values

_OFFSETS = [timezone(timedelta(hours=h, minutes=m)) for h, m in ((23, 59), (-23, -59), (0, 0))]
_NUMBERS = st.sampled_from(
    [0, -1, 1, 2**63, -(2**63), 10**20, 10**4000, 1.5, -0.0, math.inf, -math.inf, math.nan]
)
_DURATION_WORDS = st.sampled_from(
    [
        "99999999999999999999h",
        "9" * 5000 + "h",
        "999999999d",
        "1000000000 business days",
        "P99999999999999999999W",
        "PT0.000001S",
        "PT0.001S",
        "1.5h",
        "0.5 business days",
        "breach + 99999999999999999999h",
        "99999999999999999999h before breach",
        "1" + " " * 20_000 + "x",
        "1" * 20_000 + "!",
        "09" + " " * 20_000 + "x",
        "1 before " * 2_000 + "x y",
        "24:00-24:00",
        "23:59-00:00",
        "00:00-24:00",
        "17:00-08:00",
        "25:00-26:00",
        "09:00–18:00",
        "next fri 23:59",
        "end of business day",
        "80%",
        "0%",
        "1e308%",
        "skip",
        "none",
    ]
)
_TEXTS = st.one_of(
    _DURATION_WORDS,
    st.text(max_size=20),
    st.sampled_from(["", " ", "yes", "on", "true", "~", "null", "<<", "-", "–", "ü", "日本語"]),
    st.sampled_from(["\u202e", "\ufeff", "\U0001f600", "a\nb", "\t", "x" * 5000]),
)
_INSTANTS = st.one_of(
    st.sampled_from([date(1, 1, 1), date(9999, 12, 31), date(2025, 2, 28)]),
    st.builds(
        datetime.combine,
        st.sampled_from([date(1, 1, 1), date(9999, 12, 31), date(2025, 10, 9)]),
        st.sampled_from([datetime.min.time(), datetime.max.time()]),
        st.sampled_from(_OFFSETS),
    ),
)
_SCALARS = st.one_of(_NUMBERS, _TEXTS, _INSTANTS, st.booleans(), st.none())
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
_KEYS = st.one_of(
    st.sampled_from(["taget", "hours", "when", "every", "at", "days", "", "<<", "默认"]),
    st.sampled_from([5, -1, 1.5, True, None, date(2025, 12, 31)]),
    st.text(max_size=10),
)


def _deep(value: Any, depth: int, kind: str) -> Any:
    for _ in range(depth):
        value = {"not": value} if kind == "not" else [value] if kind == "list" else {"a": value}
    return value


# ---------------------------------------------------------------------- mutations


def _paths(data: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(data, dict):
        for k, v in data.items():
            out.extend(_paths(v, (*here, k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.extend(_paths(v, (*here, i)))
    return out


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


class Mutated:
    """A mutated policy; it prints as what was done to it (the data may be 1,000 levels
    deep, more than a printer's recursion allows)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.steps: list[str] = []
        self.data: Any = None

    def __repr__(self) -> str:
        return f"Mutated({self.name}: {'; '.join(self.steps)})"


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, int) or value.bit_length() < 200 else "10**N"
    return text if len(text) < 80 else text[:60] + f"... ({len(text)} chars)"


@st.composite
def mutated(draw: st.DrawFn) -> Mutated:
    """A bundled policy with one to four mutations at random places."""
    name = draw(st.sampled_from(sorted(BUNDLED)))
    out = Mutated(name)
    out.data = _mutate(draw, copy.deepcopy(BUNDLED[name]), out.steps)
    return out


def _mutate(draw: st.DrawFn, data: Any, steps: list[str]) -> Any:
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        parent = _at(data, path[:-1]) if path else None
        last = path[-1] if path else None
        action = draw(
            st.sampled_from(
                ["scalar", "value", "delete", "key", "deep", "wrap", "unwrap", "copies"]
            )
        )
        steps.append(f"{action} at {_short(path)}")
        if not path:
            if action in ("scalar", "value"):
                data = draw(_VALUES)
                steps[-1] += f": {_short(data)}"
                return data
            continue
        if action == "scalar":
            parent[last] = draw(_SCALARS)
            steps[-1] += f": {_short(parent[last])}"
        elif action == "value":
            parent[last] = draw(_VALUES)
            steps[-1] += f": {_short(parent[last])}"
        elif action == "delete":
            del parent[last]
        elif action == "key" and isinstance(parent, dict):
            key, value = draw(_KEYS), draw(_VALUES)
            parent[key] = value
            steps[-1] += f": {_short(key)}: {_short(value)}"
        elif action == "deep":
            depth = draw(st.sampled_from([10, 63, 64, 65, 200, 1000]))
            kind = draw(st.sampled_from(["not", "list", "a"]))
            parent[last] = _deep(parent[last], depth, kind)
            steps[-1] += f": {depth} x {kind}"
            return data  # deeper than copy.deepcopy and a walk of paths can go
        elif action == "wrap":  # a scalar where a container belongs, or the reverse
            value = parent[last]
            parent[last] = [value] if not isinstance(value, list) else {"x": value}
        elif action == "unwrap":
            value = parent[last]
            if isinstance(value, dict) and value:
                parent[last] = next(iter(value.values()))
            elif isinstance(value, list) and value:
                parent[last] = value[0]
        elif action == "copies" and isinstance(parent, dict):  # many of one part
            n = draw(st.sampled_from([50, 500, 1500]))
            steps[-1] += f": {n}"
            for i in range(n):
                parent[f"{last}_{i}" if isinstance(last, str) else i] = copy.deepcopy(parent[last])
        elif action == "copies" and isinstance(parent, list):
            parent.extend(
                copy.deepcopy(parent[last]) for _ in range(draw(st.sampled_from([50, 500])))
            )
    return data


# ------------------------------------------------------------------------ checking


def _calls(fn: Callable[[], object]) -> tuple[int, BaseException | None]:
    """The Python (and C) functions ``fn`` calls, and what it raised."""
    count = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    raised: BaseException | None = None
    sys.setprofile(profile)
    try:
        fn()
    except BaseException as exc:  # judged below, outside the profile
        raised = exc
    finally:
        sys.setprofile(None)
    return count, raised


def _only_slarules_errors(fn: Callable[[], object], size: int, *, located: bool) -> None:
    calls, raised = _calls(fn)
    if raised is not None:
        assert isinstance(raised, SlaRulesError), repr(raised)
    if isinstance(raised, PolicyError):
        for problem in raised.problems:
            assert problem.code
            assert problem.message
            if located:
                assert (problem.line or 0) >= 1, problem
                assert (problem.column or 0) >= 1, problem
    assert calls <= CALLS_FLOOR + CALLS_PER_BYTE * size, (calls, size)


def _size(data: Any) -> int:
    """About how many characters ``data`` takes written out (without printing huge ints;
    iteratively, as the data may be nested deeper than Python's recursion limit)."""
    size, todo = 0, [data]
    while todo:
        value = todo.pop()
        size += 2
        if isinstance(value, dict):
            todo.extend(value.keys())
            todo.extend(value.values())
        elif isinstance(value, list):
            todo.extend(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            size += value.bit_length() // 3 + 1
        else:
            size += len(str(value))
    return size


def _yaml_text(data: Any) -> str | None:
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, RecursionError, ValueError):  # not representable as YAML
        return None


def test_the_fuzzer_starts_from_every_bundled_policy() -> None:
    assert len(BUNDLED) == 4
    for data in BUNDLED.values():
        Policy.from_dict(data)  # each loads unchanged


@FUZZ
@given(mutated())
def test_a_mutated_mapping_raises_only_slarules_errors_in_bounded_work(policy: Mutated) -> None:
    data = policy.data
    _only_slarules_errors(lambda: Policy.from_dict(data), _size(data), located=False)


@FUZZ
@given(mutated())
def test_a_mutated_policy_file_raises_only_located_policy_errors_in_bounded_work(
    policy: Mutated,
) -> None:
    text = _yaml_text(policy.data)
    if text is None:
        return
    _only_slarules_errors(lambda: Policy.from_yaml(text, file="fuzz.yaml"), len(text), located=True)
    _only_slarules_errors(lambda: load_yaml(text, file="fuzz.yaml"), len(text), located=True)


@FUZZ
@given(mutated(), st.integers(0, 2000), st.sampled_from(["\x00", "\t", "{", "'", ": ", "&a *a"]))
def test_a_mutated_policy_file_cut_or_spliced_raises_only_located_policy_errors(
    policy: Mutated, at: int, splice: str
) -> None:
    text = _yaml_text(policy.data)
    if text is None:
        return
    text = text[:at] + splice + text[at:]
    _only_slarules_errors(lambda: Policy.from_yaml(text, file="fuzz.yaml"), len(text), located=True)
