"""The formulas a report used, in words, printed in every format's Definitions section."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._accumulator import ReportAccumulator

__all__ = ["definitions"]


def definitions(acc: ReportAccumulator) -> tuple[tuple[str, str], ...]:
    opts, m = acc.options, acc.measures
    belongs = (
        "the period in which it was decided: when it stopped (met, met late) or when its "
        "deadline passed (breached)"
        if opts.period_by == "decided"
        else f"the period in which its ticket was created (event {m.created_event!r})"
    )
    open_rule = (
        "Stages still open past their deadline are left out (--closed-only)."
        if opts.closed_only
        else f"Breached includes stages still open past their deadline at {opts.as_of.isoformat()}."
    )
    ticket_rule = (
        f"a ticket counts in the period of its {m.closed_event!r} event (tickets not yet "
        "closed at the report instant are not counted)"
        if opts.period_by == "decided"
        else f"a ticket counts in the period of its {m.created_event!r} event"
    )
    out: list[tuple[str, str]] = [
        (
            "Unit",
            "One stage of one ticket, evaluated with the policy at the report instant "
            f"{opts.as_of.isoformat()}.",
        ),
        (
            "Decided stage",
            "A stage that is met, met late or breached; pending, running, paused "
            "and skipped stages are not decided and are left out, and so are stages "
            "without a target (tracked only: their time counts in business time). "
            f"{open_rule}",
        ),
        (
            "Period",
            f"A stage belongs to {belongs}; days are in the policy's time zone "
            f"({acc.policy.timezone}).",
        ),
        ("On-time rate", "met / (met + met_late + breached)."),
        ("Breaches", "The number of decided stages that are breached."),
        ("Late completions", "The number of stages met late (stopped after the deadline)."),
        (
            "Business time",
            "The working time a stage's clock ran (its calendar's open hours, "
            "pauses excluded), of stages that stopped (met or met late). "
            f"Percentiles are nearest-rank on {opts.bin_seconds}-second bins, "
            "reported as the bin's lower edge.",
        ),
        (
            "Lateness",
            "Business time past the target, of stages met late or breached (a "
            "breached stage up to the report instant).",
        ),
        (
            "Previous",
            "The range of the same length just before: as many whole periods when the "
            "range is whole periods, else as many days. A figure has a previous value only "
            "when the previous range has data for it (a decided stage for the on-time rate, "
            "breaches and late completions; a completed stage for business time; a counted "
            "ticket for ticket measures); otherwise it says 'no previous data'.",
        ),
        (
            "Headline stages",
            _headline_rule(m.headline, m.spec is not None and m.spec.headline is not None),
        ),
        (
            "Open risk",
            f"Open stages at the report instant: breached, or running or paused with "
            f"used >= {opts.risk:g} of their limit.",
        ),
    ]
    if m.complaint is not None:
        out.append(
            (
                "Complaint rate",
                f"complaints / tickets; {ticket_rule}. A complaint is a "
                f"ticket for which {m.complaint.describe()}.",
            )
        )
    if m.first_contact is not None:
        out.append(
            (
                "First-contact resolution",
                f"tickets with {m.first_contact} = true / tickets "
                f"with {m.first_contact} true or false; {ticket_rule}.",
            )
        )
    if m.satisfaction is not None:
        spec = m.satisfaction
        classes = "; ".join(
            f"{m.class_label(k)}: "
            + (f"{c.min:g}" if c.min is not None else "")
            + "–"
            + (f"{c.max:g}" if c.max is not None else "")
            for k, c in spec.classes.items()
        )
        out.append(
            (
                "Satisfaction",
                f"Mean of {spec.field} over tickets that have it; {ticket_rule}. "
                f"Classes (inclusive): {classes}. Share satisfied = tickets in "
                f"{', '.join(spec.satisfied_classes)} / tickets with a score.",
            )
        )
    if m.overdue_reason is not None:
        out.append(
            (
                "Overdue reasons",
                f"Each ticket with a late or breached stage counts once, "
                f"with its {m.overdue_reason}, in the period of its first late decision.",
            )
        )
    return tuple(out)


def _headline_rule(stages: tuple[str, ...], chosen: bool) -> str:
    names = ", ".join(stages) if stages else "no stage"
    if chosen:
        return (
            f"Median and 90th percentile business time of {names} (the policy's report.headline)."
        )
    return (
        f"Median and 90th percentile business time of {names}: every stage with a target; "
        "stages only tracked (target none) are left out."
    )
