"""Structure-aware fuzzing of tickets: whatever a ticket holds, only ``SlaRulesError``s escape.

Each example starts from a valid ticket of a bundled policy (``slarules.testing.tickets``)
and breaks some of it the way real data breaks: containers where a scalar belongs, huge
and non-finite numbers, numbers and numeric text for instants, times without an offset,
offsets such as +23:59 / -23:59 near the years 1 and 9999, deep nesting, unknown keys,
ids that are not text, a ticket that is not a mapping. It goes through
``policy.evaluate``, ``policy.explain``, ``policy.timeline``, ``Ticket`` validation and
``slarules.batch.evaluate_batch`` (``errors="raise"`` and ``"collect"``).

The example counts are modest by default (the ``ticket-fuzz`` profile); set
``SLARULES_FUZZ=deep`` for a long run (``ticket-fuzz-deep``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slarules import Policy, SlaRulesError, Ticket, UsageError, load_policy
from slarules.testing import tickets
from slarules.testing._tickets import declared_statuses

ROOT = Path(__file__).resolve().parents[2]
POLICIES = {
    p.stem: load_policy(p)
    for p in sorted((ROOT / "policies").glob("*.yaml"))
    if not p.name.endswith(".test.yaml")
}

settings.register_profile(
    "ticket-fuzz",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "ticket-fuzz-deep", parent=settings.get_profile("ticket-fuzz"), max_examples=2_000
)
FUZZ = settings.get_profile(
    "ticket-fuzz-deep" if os.environ.get("SLARULES_FUZZ") == "deep" else "ticket-fuzz"
)


def _nested(depth: int, leaf: Any, *, mapping: bool) -> Any:
    value = leaf
    for _ in range(depth):
        value = {"a": value} if mapping else [value]
    return value


DEEP = [_nested(3_000, "x", mapping=False), _nested(3_000, 1, mapping=True)]
HUGE = [2**63, -(2**63) - 1, 10**30, 10**5_000, -(10**5_000)]


def _huge(i: int) -> int:
    return HUGE[i]


def _deep(i: int) -> Any:
    return DEEP[i]


# drawn by index: Hypothesis shows a strategy's values, and these are too large to show
huge = st.integers(0, len(HUGE) - 1).map(_huge)
deep = st.integers(0, len(DEEP) - 1).map(_deep)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    huge,
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["", " ", "x" * 70_000, "urgent ", "URGENT", "\x00", "é"]),
    st.binary(max_size=4),
)
wild = st.one_of(
    st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.text(max_size=4), inner, max_size=3)
            | st.tuples(inner)
        ),
        max_leaves=8,
    ),
    deep,
)

OFFSETS = ["+23:59", "-23:59", "+00:00", "Z", "+14:00", "-12:00", "+05:45", ""]
ERAS = {  # where a ticket's instants and the evaluation instant lie
    "now": None,
    "year 1": "0001",
    "year 9999": "9999",
}


def _rewritten(text: str, year: str | None, offset: str) -> str:
    """An ISO instant moved to another year, with another offset (or none)."""
    if year is not None:
        text = year + text[4:]
    if text.endswith("Z"):
        text = text[:-1]
    elif text[-6:-5] in "+-" and text[-3:-2] == ":":
        text = text[:-6]
    return text + offset


@st.composite
def instants_like(draw: st.DrawFn, given: str, year: str | None) -> Any:
    """An instant where ``given`` was: itself, moved, or something that is not one."""
    kind = draw(st.integers(0, 9))
    if kind <= 3:
        return _rewritten(given, year, draw(st.sampled_from(OFFSETS[:4]))) if year else given
    if kind <= 5:
        return _rewritten(given, year, draw(st.sampled_from(OFFSETS)))
    if kind == 6:
        hours = draw(st.sampled_from([23, -23, 0, 14]))
        zone = timezone(timedelta(hours=hours, minutes=59 if hours >= 0 else -59))
        base = draw(st.sampled_from([datetime.min, datetime.max, datetime(2025, 10, 9)]))
        return base.replace(tzinfo=zone) if draw(st.booleans()) else base
    if kind == 7:
        return draw(
            st.sampled_from([1760000000, 1760000000000, 1760000000.5, "1760000000", "-1", "0"])
        )
    return draw(wild)


@st.composite
def broken_tickets(draw: st.DrawFn, policy: Policy) -> tuple[Any, datetime]:
    """A ticket of ``policy`` with some of it broken, and an instant to evaluate it at."""
    ticket: dict[str, Any] = draw(tickets(policy))
    year = ERAS[draw(st.sampled_from(sorted(ERAS)))]
    fields = dict(ticket["fields"])
    names = [*policy.compiled.fields.names, "unknown_field"]
    for name in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)):
        fields[name] = draw(wild)
    events = {name: draw(instants_like(given, year)) for name, given in ticket["events"].items()}
    if draw(st.booleans()):
        events[draw(st.sampled_from(["created", "closed", "no_such_event"]))] = draw(
            instants_like("2025-10-09T14:30:00+08:00", year)
        )
    statuses: Any = [
        {
            "at": draw(instants_like(change["at"], year)),
            "status": draw(st.one_of(st.just(change["status"]), wild)),
        }
        for change in ticket["statuses"]
    ]
    if draw(st.booleans()):
        pool = [*declared_statuses(policy), "closed"]
        statuses.append(
            draw(
                st.one_of(
                    st.fixed_dictionaries(
                        {
                            "at": instants_like("2025-10-09T15:00:00+08:00", year),
                            "status": st.sampled_from(pool),
                        }
                    ),
                    st.just({"at": "2025-10-09T15:00:00+08:00"}),
                    st.just({"at": "2025-10-09T15:00:00+08:00", "status": "x", "by": "me"}),
                    wild,
                )
            )
        )
    broken: Any = {
        "id": draw(st.one_of(st.just(ticket["id"]), st.integers(), huge, wild)),
        "fields": draw(st.one_of(st.just(fields), wild))
        if draw(st.integers(0, 5)) == 0
        else fields,
        "events": draw(st.one_of(st.just(events), wild))
        if draw(st.integers(0, 5)) == 0
        else events,
        "statuses": draw(st.one_of(st.just(statuses), wild))
        if draw(st.integers(0, 5)) == 0
        else statuses,
        "done": draw(st.one_of(st.just(ticket["done"]), st.lists(wild, max_size=2), wild)),
    }
    if draw(st.booleans()):
        broken[draw(st.sampled_from(["evnts", "priority", "", "status"]))] = draw(wild)
    for key in draw(st.lists(st.sampled_from(sorted(broken)), max_size=2, unique=True)):
        del broken[key]
    if draw(st.integers(0, 15)) == 0:
        broken = draw(wild)  # not a mapping at all
    # the instant: near the ticket's first event, in the same years
    first = min(
        (datetime.fromisoformat(v) for v in ticket["events"].values()),
        default=datetime(2025, 10, 9, tzinfo=UTC),
    ).astimezone(UTC)
    if year is not None:
        first = first.replace(year=int(year), day=min(first.day, 28))
    return broken, near(first, draw(st.integers(-24, 24 * 20)))


PYTHON_ERROR = re.compile(
    r"\b(Type|Value|Overflow|Key|Attribute|Recursion|Index|ZeroDivision|Assertion|Unicode\w*)"
    r"Error\b"
)


def only_slarules_errors(call: Callable[[], object]) -> None:
    """Run ``call``: an answer, or a ``SlaRulesError``, and nothing else."""
    with contextlib.suppress(SlaRulesError):
        call()


def near(at: datetime, hours: int) -> datetime:
    try:
        return at + timedelta(hours=hours)
    except OverflowError:
        return at


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_a_broken_ticket_gets_an_answer_or_a_slarules_error(name: str) -> None:
    policy = POLICIES[name]

    @FUZZ
    @given(broken_tickets(policy))
    def check(case: tuple[Any, datetime]) -> None:
        ticket, at = case
        only_slarules_errors(lambda: policy.evaluate(ticket, at=at))
        only_slarules_errors(lambda: policy.explain(ticket, at=at))
        only_slarules_errors(
            lambda: policy.timeline(ticket, since=near(at, -24), until=near(at, 24))
        )
        only_slarules_errors(lambda: Ticket.model_validate(ticket))
        if isinstance(ticket, dict) and all(isinstance(k, str) for k in ticket):
            only_slarules_errors(lambda: Ticket(**ticket))

    check()


def _table(ticket: Any) -> Any:
    """The ticket as a one-row Arrow table with JSON text columns, or ``None`` when it
    cannot be one (not a mapping, a value JSON cannot write, an id Arrow cannot hold)."""
    pa = pytest.importorskip("pyarrow")
    if not isinstance(ticket, dict) or "id" not in ticket:
        return None
    tid = ticket["id"]
    if (
        isinstance(tid, bool)
        or not isinstance(tid, str | int)
        or (isinstance(tid, int) and tid.bit_length() > 63)
    ):
        return None
    columns: dict[str, Any] = {"id": [tid]}
    for part in ("fields", "events", "statuses", "done"):
        if part in ticket:
            try:
                columns[part] = [json.dumps(ticket[part])]
            except (TypeError, ValueError, RecursionError):
                return None
    return pa.table(columns)


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_a_broken_ticket_in_a_batch_is_collected_or_raised_as_a_slarules_error(
    name: str,
) -> None:
    pytest.importorskip("pyarrow")
    from slarules.batch import evaluate_batch

    policy = POLICIES[name]

    @FUZZ
    @given(broken_tickets(policy))
    def check(case: tuple[Any, datetime]) -> None:
        ticket, at = case
        table = _table(ticket)
        if table is None:
            return
        only_slarules_errors(lambda: evaluate_batch(policy, table, at, errors="raise"))
        try:
            result = evaluate_batch(policy, table, at, errors="collect")
        except UsageError:
            return  # the caller's mistake (an at the policy cannot evaluate), raised alike
        for message in result.errors.column("error").to_pylist():
            assert not PYTHON_ERROR.search(message), message  # collected, but not ours

    check()
