"""``tickets(policy)``: valid ticket snapshots for a policy, in the JSON shape of the design."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from slarules._errors import UsageError
from slarules._policy import Policy
from slarules.conditions._values import BadValue, ticket_value

from ._instants import calendars_of, instants, window
from ._shape import EventGraph, action_keys, event_graph
from ._values import object_values

__all__ = ["declared_statuses", "tickets"]

_GAPS = tuple(
    timedelta(minutes=m) for m in (0, 1, 10, 30, 60, 120, 240, 480, 1440, 3 * 1440, 7 * 1440)
)
_NUDGE = (timedelta(0), timedelta(microseconds=-1), timedelta(microseconds=1))
_STATUS_NUDGE = (timedelta(0), timedelta(microseconds=1), timedelta(minutes=5), timedelta(hours=1))


def declared_statuses(policy: Policy) -> tuple[str, ...]:
    """The policy's ``statuses:`` list, else its pause statuses and ``open``."""
    declared = policy.statuses
    pausing = sorted({s for stage in policy.compiled.stages for s in stage.pause_statuses})
    if declared is not None:
        return tuple(dict.fromkeys([*declared, *pausing]))
    return ("open", *pausing)


def _check_fields(policy: Policy, fields: Mapping[str, Any]) -> None:
    compiled = policy.compiled.fields
    for name, value in fields.items():
        if isinstance(value, st.SearchStrategy):
            continue
        ftype = compiled.type_of(name)
        if ftype is None or value is None or ftype.kind == "object":
            continue
        try:
            ticket_value(ftype, value)
        except BadValue as exc:
            raise UsageError(
                f"fields={{{name!r}: {value!r}}}: {exc.message}; "
                f"{name!r} accepts {ftype.describe()}"
            ) from None


def _needed(graph: EventGraph, require: Collection[str], forbid: Collection[str]) -> set[str]:
    unknown = sorted((set(require) | set(forbid)) - set(graph.order))
    if unknown:
        raise UsageError(
            f"{', '.join(map(repr, unknown))}: not an event of this policy; "
            f"its events are {', '.join(graph.order)}"
        )
    needed: set[str] = set()
    todo = list(require)
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        todo.extend(graph.before[name])
    clash = sorted(needed & set(forbid))
    if clash:
        raise UsageError(
            f"{', '.join(map(repr, clash))} must happen for the required events "
            "(a stage's stop needs its start), but is forbidden"
        )
    return needed


def tickets(
    policy: Policy,
    *,
    at: datetime | None = None,
    fields: Mapping[str, Any] | None = None,
    require_events: Collection[str] = (),
    forbid_events: Collection[str] = (),
    statuses: Sequence[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    span: timedelta = timedelta(days=14),
    done: bool = True,
    ticket_id: str = "T-1",
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid tickets for ``policy``, as mappings in the ticket JSON shape.

    Fields respect the declarations (types, enums, required ones always, optional ones
    sometimes, nested objects, lists); ``fields=`` pins some (a value, or a strategy).
    Events come in an order the stages can meet: a stage's stop never before its start,
    and an event only when the starts before it happened. The first stage's start (a
    ticket's ``created``) always happens unless forbidden; ``require_events`` and
    ``forbid_events`` say which others must or must not. Stops are drawn near the stage's
    deadline as often as not. Status changes use ``statuses`` (default: the policy's
    ``statuses:`` list and its pause statuses; ``()`` for none). ``done`` holds a few keys
    of the policy's actions (``done=False``: none).

    The first event falls in ``[since, until]`` (default 2025-2026), biased to the edges of
    the policy's calendars; every other event and status change within ``span`` after it.
    With ``at``, the ticket is a snapshot at ``at``: nothing has happened after it, except
    events that targets count back from (a scheduled review meeting).

    The tickets shrink to few fields, few events, no status changes and nothing done, with
    instants written in the policy's zone.
    """
    if not isinstance(policy, Policy):
        raise UsageError(f"tickets() takes a slarules.Policy, not {type(policy).__name__}")
    pinned = dict(fields or {})
    _check_fields(policy, pinned)
    graph = event_graph(policy.compiled)
    needed = _needed(graph, require_events, forbid_events)
    if at is not None:
        at = window(at, at)[0]
        lo, hi = at - span, at
        if since is not None or until is not None:
            lo, hi = window(since if since is not None else lo, until if until is not None else hi)
    else:
        lo, hi = window(since, until)
    if span < timedelta(0):
        raise UsageError(f"span must not be negative, not {span}")
    pool = declared_statuses(policy) if statuses is None else tuple(statuses)
    keys = action_keys(policy.compiled, ticket_id) if done else ()
    return _Tickets(
        policy, graph, pinned, needed, set(forbid_events), pool, lo, hi, at, span, keys, ticket_id
    ).strategy()


class _Tickets:
    """The parts of one ``tickets()`` strategy, drawn in order: fields, events, statuses."""

    def __init__(
        self,
        policy: Policy,
        graph: EventGraph,
        pinned: dict[str, Any],
        needed: set[str],
        forbid: set[str],
        pool: tuple[str, ...],
        lo: datetime,
        hi: datetime,
        at: datetime | None,
        span: timedelta,
        keys: tuple[str, ...],
        ticket_id: str,
    ) -> None:
        self.policy, self.graph, self.needed, self.forbid = policy, graph, needed, forbid
        self.pool, self.at, self.span, self.keys, self.ticket_id = pool, at, span, keys, ticket_id
        self.zone = ZoneInfo(policy.timezone)
        self.fields = object_values(policy.compiled.fields.specs, pinned)
        self.first = instants(calendars_of(policy), min_value=lo, max_value=hi)
        self.order = list(policy.compiled.fields.specs)

    def strategy(self) -> st.SearchStrategy[dict[str, Any]]:
        return st.composite(lambda draw: self.draw(draw))()

    def draw(self, draw: st.DrawFn) -> dict[str, Any]:
        fields = draw(self.fields)
        fields = {k: fields[k] for k in sorted(fields, key=self._field_rank)}
        events = self.events(draw, fields)
        changes = self.statuses(draw, events)
        done = (
            draw(st.lists(st.sampled_from(self.keys), unique=True, max_size=3)) if self.keys else []
        )
        iso = self._iso
        return {
            "id": self.ticket_id,
            "fields": fields,
            "events": {name: iso(t) for name, t in sorted(events.items(), key=lambda kv: kv[1])},
            "statuses": [{"at": iso(t), "status": s} for t, s in changes],
            "done": sorted(done),
        }

    def _field_rank(self, name: str) -> int:
        return self.order.index(name) if name in self.order else len(self.order)

    def _iso(self, t: datetime) -> str:
        return t.astimezone(self.zone).isoformat()

    # -- events ---------------------------------------------------------------------------

    def events(self, draw: st.DrawFn, fields: dict[str, Any]) -> dict[str, datetime]:
        graph = self.graph
        placed: dict[str, datetime] = {}
        origin: datetime | None = None
        for name in graph.order:
            if name in self.forbid:
                continue
            preds = graph.before[name]
            optional = name != graph.root and name not in self.needed
            if optional and (not preds <= placed.keys() or not draw(st.booleans())):
                continue
            if origin is None:
                origin = draw(self.first).astimezone(UTC)
                if name == graph.root or not preds:
                    placed[name] = origin
                    continue
            base = max([origin, *(placed[p] for p in preds if p in placed)])
            t = self.when(draw, name, base, origin, fields, placed)
            if self.at is not None and t > self.at and name not in graph.scheduled:
                if name not in self.needed:
                    continue
                t = max(base, self.at)
            placed[name] = t
        return placed

    def when(
        self,
        draw: st.DrawFn,
        name: str,
        base: datetime,
        origin: datetime,
        fields: dict[str, Any],
        placed: dict[str, datetime],
    ) -> datetime:
        """When ``name`` happens, at or after ``base``: a round gap, any gap within the
        span, or next to the deadline of a stage it stops."""
        limit = max(origin + self.span, base)
        deadlines = self.deadlines(name, base, fields, placed)
        choices = [
            st.sampled_from(_GAPS).map(lambda g: base + g),
            st.integers(0, int((limit - base).total_seconds())).map(
                lambda s: base + timedelta(seconds=s)
            ),
        ]
        if deadlines:
            choices.append(
                st.tuples(st.sampled_from(deadlines), st.sampled_from(_NUDGE)).map(
                    lambda p: max(p[0] + p[1], base)
                )
            )
        return min(draw(st.one_of(choices)), limit)

    def deadlines(
        self, name: str, base: datetime, fields: dict[str, Any], placed: dict[str, datetime]
    ) -> list[datetime]:
        stages = [s.name for s in self.policy.compiled.stages if s.stop == name]
        if not stages:
            return []
        partial = {"id": self.ticket_id, "fields": fields, "events": dict(placed)}
        ev = self.policy.evaluate(partial, at=base)
        found = {ev.stages[s].deadline for s in stages}
        return sorted(d.astimezone(UTC) for d in found if d is not None and d >= base)

    # -- statuses -------------------------------------------------------------------------

    def statuses(self, draw: st.DrawFn, events: dict[str, datetime]) -> list[tuple[datetime, str]]:
        if not self.pool or not events:
            return []
        count = draw(st.integers(min_value=0, max_value=4))
        if not count:
            return []
        origin = min(events.values())
        hi = max(origin + self.span, *events.values())
        if self.at is not None:
            hi = min(hi, self.at)
        lo = origin - timedelta(hours=1)
        anchors = sorted(events.values())
        when = st.one_of(
            st.tuples(st.sampled_from(anchors), st.sampled_from(_STATUS_NUDGE)).map(
                lambda p: p[0] + p[1]
            ),
            st.integers(0, max(0, int((hi - lo).total_seconds()))).map(
                lambda s: lo + timedelta(seconds=s)
            ),
        )
        times = draw(
            st.lists(when.map(lambda t: min(t, hi)), min_size=1, max_size=count, unique=True)
        )
        names = draw(st.lists(st.sampled_from(self.pool), min_size=len(times), max_size=len(times)))
        return sorted(zip(times, names, strict=True))
