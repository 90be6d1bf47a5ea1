"""The shape of a policy's optional ``report:`` section: where the business measures live.

Shape only (pydantic, frozen, unknown keys rejected). That the named fields exist and have
fitting types is checked when a report is built (``slarules.report``), with file:line.
This module imports nothing from the report package, so ``_model`` can assemble it.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["ComplaintsSpec", "ReportSpec", "SatisfactionClassSpec", "SatisfactionSpec"]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SatisfactionClassSpec(_Spec):
    """One class of satisfaction scores; ``min`` and ``max`` are inclusive, either may be open."""

    label: str | None = Field(
        None, description="How the class is shown in reports.", examples=["满意 (satisfied)"]
    )
    min: float | None = Field(None, description="The lowest score in the class.", examples=[90])
    max: float | None = Field(None, description="The highest score in the class.", examples=[100])

    @model_validator(mode="after")
    def _bounds(self) -> SatisfactionClassSpec:
        if self.min is None and self.max is None:
            raise ValueError("a class needs `min`, `max` or both; e.g. {min: 90, max: 100}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}; swap them")
        return self

    def contains(self, score: float) -> bool:
        return (self.min is None or score >= self.min) and (self.max is None or score <= self.max)


def _overlap(a: SatisfactionClassSpec, b: SatisfactionClassSpec) -> bool:
    lo_a = a.min if a.min is not None else float("-inf")
    hi_a = a.max if a.max is not None else float("inf")
    lo_b = b.min if b.min is not None else float("-inf")
    hi_b = b.max if b.max is not None else float("inf")
    return lo_a <= hi_b and lo_b <= hi_a


class SatisfactionSpec(_Spec):
    """The satisfaction score field and its classes, best class first."""

    field: str = Field(
        description="The score field (integer or number).", examples=["satisfaction_score"]
    )
    classes: dict[str, SatisfactionClassSpec] = Field(
        description="Score classes by id, best first. Classes must not overlap.",
        examples=[
            {
                "satisfied": {"label": "满意", "min": 90, "max": 100},
                "basically_satisfied": {"label": "基本满意", "min": 70, "max": 89},
                "dissatisfied": {"label": "不满意", "max": 69},
            }
        ],
    )
    satisfied: list[str] | None = Field(
        None,
        description="The classes that count as satisfied for 'share satisfied' (default: the "
        "first class).",
        examples=[["satisfied", "basically_satisfied"]],
    )

    @field_validator("classes")
    @classmethod
    def _classes(cls, value: dict[str, SatisfactionClassSpec]) -> dict[str, SatisfactionClassSpec]:
        if not value:
            raise ValueError("list at least one class; e.g. satisfied: {min: 90}")
        names = list(value)
        for name in names:
            if not _NAME.match(name):
                raise ValueError(
                    f"{name!r} is not a usable class id; use letters, digits, '_' and '-'"
                )
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if _overlap(value[a], value[b]):
                    raise ValueError(
                        f"classes {a!r} and {b!r} overlap; a score must fall in one class only"
                    )
        return value

    @model_validator(mode="after")
    def _known_satisfied(self) -> SatisfactionSpec:
        for name in self.satisfied or ():
            if name not in self.classes:
                raise ValueError(
                    f"{name!r} in `satisfied` is not a class; "
                    f"the classes are {', '.join(self.classes)}"
                )
        return self

    @property
    def satisfied_classes(self) -> tuple[str, ...]:
        return tuple(self.satisfied) if self.satisfied else (next(iter(self.classes)),)

    def classify(self, score: float) -> str | None:
        """The id of the class holding ``score``, or ``None`` when no class does."""
        for name, spec in self.classes.items():
            if spec.contains(score):
                return name
        return None


class ComplaintsSpec(_Spec):
    """Which tickets are complaints, and where their reason is."""

    when: Any = Field(
        description="A condition (same language as priorities and stages) that holds for "
        "complaints.",
        examples=[{"type": "complaint"}, {"complaint_reason": {"exists": True}}],
    )
    reason: str | None = Field(
        None, description="The field holding the complaint reason.", examples=["complaint_reason"]
    )


class ReportSpec(_Spec):
    """Where a policy's business measures live, for ``slarules report``."""

    satisfaction: SatisfactionSpec | None = Field(
        None,
        description="The satisfaction score field and its classes.",
        examples=[
            {
                "field": "satisfaction_score",
                "classes": {"satisfied": {"min": 90}, "dissatisfied": {"max": 69}},
            }
        ],
    )
    complaints: ComplaintsSpec | None = Field(
        None,
        description="Which tickets are complaints and their reason field.",
        examples=[{"when": {"type": "complaint"}, "reason": "complaint_reason"}],
    )
    overdue_reason: str | None = Field(
        None,
        description="The field holding why a ticket went overdue.",
        examples=["overdue_reason"],
    )
    first_contact_resolution: str | None = Field(
        None,
        description="A boolean field: true when the first contact resolved the ticket.",
        examples=["first_contact_resolved"],
    )
    closed_event: str | None = Field(
        None,
        description="The event that closes a ticket; ticket measures (satisfaction, complaints, "
        "first-contact resolution) count tickets by it. Default: the last stage's stop event.",
        examples=["closed"],
    )
    by: list[str] = Field(
        default_factory=list,
        description="Fields to break the report down by when no --by is given.",
        examples=[["channel"]],
    )
    headline: list[str] | None = Field(
        None,
        description="The stages whose median and 90th percentile business time the headline "
        "shows, in this order. Default: every stage with a target for some priority; stages "
        "only tracked (target none for every priority) are left out.",
        examples=[["first_response", "closure"]],
    )
