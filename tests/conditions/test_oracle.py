"""durable-rules and slarules decide identically on the core the two languages share."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slarules.conditions import Env, compile_condition

from .helpers import make_fields
from .oracle import Oracle

FIELDS = make_fields(
    {
        "level": {"enum": ["urgent", "important", "routine"]},
        "n": {"type": "integer"},
        "x": {"type": "number"},
        "flag": {"type": "boolean"},
        "s": {"type": "string"},
    }
)
LEVELS = ["urgent", "important", "routine"]
# durable-rules' own regex engine mis-decides some patterns posted as ``.*(p).*`` (for
# example ``[ab]c`` on "acb", ``ba?b`` on "bba", ``ab|ba`` on "abb", where RE2 and Python's
# ``re`` agree): the oracle uses patterns it decides correctly, checked below; ``matches``
# is checked in full against the reference interpreter (test_properties.py).
PATTERNS = ["a", "ab", "a+b", "b*c", "a|c", "a.c", "(ab)+", "c?a", "a*"]

small_int = st.integers(-3, 3)
number = st.one_of(small_int, st.sampled_from([-1.5, 0.5, 2.5]))

leaf = st.one_of(
    st.builds(lambda v: {"level": v}, st.sampled_from(LEVELS)),
    st.builds(lambda v: {"level": v}, st.lists(st.sampled_from(LEVELS), min_size=1, max_size=2)),
    st.builds(lambda v: {"level": {"ne": v}}, st.sampled_from(LEVELS)),
    st.builds(lambda v: {"flag": v}, st.booleans()),
    st.builds(lambda v: {"flag": {"ne": v}}, st.booleans()),
    st.builds(lambda v: {"n": v}, small_int),
    st.builds(lambda v: {"n": {"ne": v}}, small_int),
    st.builds(
        lambda f, op, v: {f: {op: v}},
        st.sampled_from(["n", "x"]),
        st.sampled_from(["lt", "lte", "gt", "gte"]),
        number,
    ),
    st.builds(lambda v: {"s": v}, st.sampled_from(["ab", "abc", ""])),
    st.builds(lambda p: {"s": {"matches": p}}, st.sampled_from(PATTERNS)),
    st.builds(lambda f: {f: {"exists": True}}, st.sampled_from(["level", "n", "x", "flag", "s"])),
)


def _junction(key: str) -> Any:
    return lambda parts: {key: parts}


condition = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.builds(_junction("all"), st.lists(inner, min_size=1, max_size=3)),
        st.builds(_junction("any"), st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda a, b: {**a, **b}, inner, inner),
    ),
    max_leaves=6,
)
missing = st.builds(
    lambda f: {f: {"exists": False}}, st.sampled_from(["level", "n", "x", "flag", "s"])
)
# ``exists: false`` only in a top-level conjunction (see oracle.py)
top = st.one_of(condition, st.builds(lambda a, b: {**a, **b}, condition, missing))

ticket = st.fixed_dictionaries(
    {},
    optional={
        "level": st.sampled_from(LEVELS),
        "n": small_int,
        "x": number,
        "flag": st.booleans(),
        "s": st.text(alphabet="abc ", max_size=6),
    },
)


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return Oracle()


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=top, tickets=st.lists(ticket, min_size=1, max_size=8))
def test_slarules_and_durable_rules_decide_identically(
    oracle: Oracle, raw: dict[str, Any], tickets: list[dict[str, Any]]
) -> None:
    condition = compile_condition(raw, FIELDS, scope="priority")
    ruleset = oracle.ruleset(raw)
    for fields in tickets:
        ours = condition(Env(FIELDS.validate(fields)))
        assert ours == oracle.decide(ruleset, fields), (raw, fields)


def test_oracle_sees_a_known_difference_in_regex_anchoring(oracle: Oracle) -> None:
    # documented difference: our ``matches`` searches; durable-rules' ``$mt`` matches fully
    from durable import engine

    hits: list[bool] = []
    oracle.host.set_rulesets(
        {
            "anchoring": {
                "r": {"all": [{"m": {"$mt": {"s": "ab"}}}], "run": lambda c: hits.append(True)}
            }
        }
    )
    with pytest.raises(engine.MessageNotHandledException):
        oracle.host.post("anchoring", {"s": "xaby", "sid": "anchoring"})
    assert compile_condition({"s": {"matches": "ab"}}, FIELDS, scope="priority")(
        Env(FIELDS.validate({"s": "xaby"}))
    )


def test_oracle_patterns_are_decided_by_durable_rules_as_by_python_re(oracle: Oracle) -> None:
    import itertools
    import re

    strings = ["", *("".join(p) for n in (1, 2, 3) for p in itertools.product("abc ", repeat=n))]
    for pattern in PATTERNS:
        ruleset = oracle.ruleset({"s": {"matches": pattern}})
        for text in strings:
            expected = re.search(pattern, text) is not None
            assert oracle.decide(ruleset, {"s": text}) is expected, (pattern, text)
