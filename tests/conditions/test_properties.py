"""Property tests: compiled conditions decide as the naive reference reading of the docs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from slarules.conditions import TRUE, Env, first_match

from .helpers import FIELDS, PRIORITIES, cond
from .reference import decide

LEVELS = ["urgent", "important", "routine"]
WORDS = ["a", "ab", "b", "vip", ""]
TIMES = [
    "2025-10-09T10:00:00+08:00",
    "2025-10-09T03:00:00Z",
    "2025-10-09T12:00:00+08:00",
    "2025-10-10T00:00:00+00:00",
]
RANKS = {p: len(PRIORITIES) - i for i, p in enumerate(PRIORITIES)}

ints = st.integers(-2, 4)
nums = st.one_of(ints, st.sampled_from([-0.5, 1.5, 3.25]))
word = st.sampled_from(WORDS)
time = st.sampled_from(TIMES)


def _order(v: Any) -> Any:
    return datetime.fromisoformat(v) if isinstance(v, str) and "T" in v else v


def _ops(key: str, value: st.SearchStrategy[Any], ordered: bool) -> st.SearchStrategy[Any]:
    ops: list[st.SearchStrategy[Any]] = [
        value.map(lambda v: {key: v}),
        st.lists(value, min_size=1, max_size=3).map(lambda v: {key: v}),
        value.map(lambda v: {key: {"ne": v}}),
        st.lists(value, min_size=1, max_size=3).map(lambda v: {key: {"not_in": v}}),
        st.booleans().map(lambda v: {key: {"exists": v}}),
    ]
    if ordered:
        ops.append(
            st.tuples(st.sampled_from(["lt", "lte", "gt", "gte"]), value).map(
                lambda t: {key: {t[0]: t[1]}}
            )
        )
        ops.append(
            st.lists(value, min_size=2, max_size=2)
            .map(lambda v: sorted(v, key=_order))
            .map(lambda v: {key: {"between": v}})
        )
    return st.one_of(ops)


def _text(key: str) -> st.SearchStrategy[Any]:
    return st.one_of(
        _ops(key, word, ordered=False),
        st.tuples(st.sampled_from(["contains", "starts_with", "ends_with"]), word).map(
            lambda t: {key: {t[0]: t[1]}}
        ),
        st.sampled_from(["a", "^a", "b$", "a|v", "[ab]+"]).map(lambda p: {key: {"matches": p}}),
        st.booleans().map(lambda v: {key: {"empty": v}}),
    )


def _list(key: str, item: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        item.map(lambda v: {key: {"contains": v}}),
        st.tuples(
            st.sampled_from(["any_of", "all_of", "none_of"]), st.lists(item, min_size=1, max_size=2)
        ).map(lambda t: {key: {t[0]: t[1]}}),
        st.booleans().map(lambda v: {key: {"empty": v}}),
        st.booleans().map(lambda v: {key: {"exists": v}}),
    )


leaf = st.one_of(
    _ops("level", st.sampled_from(LEVELS), ordered=False),
    _ops("system_down", st.booleans(), ordered=False),
    _ops("acceptance_in_days", ints, ordered=True),
    _ops("score", nums, ordered=True),
    _ops("due", time, ordered=True),
    _ops("customer.grade", st.sampled_from(["key", "standard"]), ordered=False),
    _ops("fields.priority", ints, ordered=True),
    _text("subject"),
    _list("tags", word),
    _list("areas", st.sampled_from(["billing", "outage", "login"])),
    _ops("priority", st.sampled_from(list(PRIORITIES)), ordered=True),
    _ops("status", word, ordered=False),
    _ops("events.created", time, ordered=True),
)

condition = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda v: {"all": v}),
        st.lists(inner, min_size=1, max_size=3).map(lambda v: {"any": v}),
        inner.map(lambda v: {"not": v}),
        st.tuples(inner, inner).map(lambda t: {**t[0], **t[1]}),
    ),
    max_leaves=8,
)

ticket = st.fixed_dictionaries(
    {},
    optional={
        "level": st.sampled_from(LEVELS),
        "system_down": st.booleans(),
        "acceptance_in_days": ints,
        "score": nums,
        "due": time,
        "customer": st.fixed_dictionaries(
            {}, optional={"grade": st.sampled_from(["key", "standard"])}
        ),
        "priority": ints,
        "subject": st.text(alphabet="abv", max_size=4),
        "tags": st.lists(word, max_size=3),
        "areas": st.lists(st.sampled_from(["billing", "outage", "login"]), max_size=2),
    },
)
builtins = st.fixed_dictionaries(
    {},
    optional={
        "priority": st.sampled_from(list(PRIORITIES)),
        "status": word,
        "events": st.fixed_dictionaries({}, optional={"created": time}),
        "at": time,
    },
)


def _env(fields: dict[str, Any], b: dict[str, Any]) -> tuple[Env, dict[str, Any]]:
    events = {k: datetime.fromisoformat(v) for k, v in b.get("events", {}).items()}
    at = datetime.fromisoformat(b["at"]) if "at" in b else None
    validated = FIELDS.validate(fields)
    env = Env(validated, priority=b.get("priority"), status=b.get("status"), events=events, at=at)
    plain = {**b, "events": events, "at": at}
    return env, plain


@settings(max_examples=600, deadline=None)
@given(raw=condition, tickets=st.lists(st.tuples(ticket, builtins), min_size=1, max_size=6))
def test_compiled_conditions_decide_as_the_reference(
    raw: Any, tickets: list[tuple[dict[str, Any], dict[str, Any]]]
) -> None:
    c = cond(raw)
    for fields, b in tickets:
        env, plain = _env(fields, b)
        expected = decide(raw, env.fields, plain, RANKS)
        assert c(env) is expected, (raw, fields, b)
        path = c.explain(env)
        assert (path is not None) is expected
        if path is not None:
            assert _reachable(raw, path)


def _reachable(raw: Any, path: tuple[str | int, ...]) -> bool:
    node = raw
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
    return True


@settings(max_examples=200, deadline=None)
@given(
    raws=st.lists(condition, min_size=1, max_size=5),
    with_default=st.booleans(),
    tickets=st.lists(st.tuples(ticket, builtins), min_size=1, max_size=4),
)
def test_first_match_picks_the_first_condition_that_holds(
    raws: list[Any], with_default: bool, tickets: list[tuple[dict[str, Any], dict[str, Any]]]
) -> None:
    conditions = [cond(r) for r in raws] + ([TRUE] if with_default else [])
    choose = first_match(conditions)
    for fields, b in tickets:
        env, _ = _env(fields, b)
        expected = next((i for i, c in enumerate(conditions) if c(env)), -1)
        assert choose(env) == expected


@given(raw=condition)
@settings(max_examples=200, deadline=None)
def test_describe_always_gives_a_sentence(raw: Any) -> None:
    text = cond(raw).describe()
    assert text
    assert "{" not in text
