"""Ticket field declarations (``fields:``) and the validation of a ticket's fields against them.

``FieldSpec`` is the shape of one declaration, as written in YAML. ``FieldSet.compile`` checks
the declarations as a whole (names, defaults) and builds, once per policy, a validator for each
field; ``FieldSet.validate`` runs them over one ticket and returns a read-only mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator

from slarules._errors import Path, PolicyError, Problem, TicketError

from ._types import FieldType, TypeName
from ._values import BadValue, converter, ticket_value

__all__ = ["FieldSet", "FieldSpec", "ReadOnlyFields"]

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
_EMPTY: Mapping[str, Any] = MappingProxyType({})


class FieldSpec(BaseModel):
    """One declared ticket attribute: its type (or allowed values), default and whether required."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["string", "integer", "number", "boolean", "datetime", "list", "object"] | None = (
        Field(
            default=None,
            description=(
                "The value's type. Omit it when `enum` is given (a string enum). `datetime` values "
                "are ISO 8601 strings with an offset; `list` needs `items`; `object` needs "
                "`properties`."
            ),
            examples=["string", "integer", "boolean", "datetime", "list"],
        )
    )
    enum: tuple[str | int, ...] | None = Field(
        default=None,
        description="The only values allowed, in order (strings, or integers).",
        examples=[["urgent", "important", "routine"], ["vip", "normal"]],
    )
    items: FieldSpec | None = Field(
        default=None,
        description="For `type: list`: the declaration every element must satisfy.",
        examples=[{"type": "string"}, {"enum": ["billing", "outage"]}],
    )
    properties: dict[str, FieldSpec] | None = Field(
        default=None,
        description="For `type: object`: the declared attributes of the nested object.",
        examples=[{"grade": {"enum": ["vip", "normal"]}}],
    )
    default: Any = Field(
        default=None,
        description="The value used when a ticket does not give this field (or gives null).",
        examples=["normal", False, 0],
    )
    required: StrictBool = Field(
        default=False,
        description="Whether every ticket must give this field (a ticket without it is refused).",
        examples=[True],
    )
    description: str | None = Field(
        default=None,
        description="What the field means, for people reading the policy.",
        examples=["How badly the customer is affected"],
    )

    @field_validator("enum", mode="before")
    @classmethod
    def _no_booleans(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            for v in value:
                if isinstance(v, bool):
                    raise ValueError(f"enum value {v!r} is a boolean; use `type: boolean` instead")
        return value

    @field_validator("enum")
    @classmethod
    def _enum_values(cls, value: tuple[str | int, ...] | None) -> tuple[str | int, ...] | None:
        if value is None:
            return value
        if not value:
            raise ValueError("an enum needs at least one value; list the allowed values")
        seen: set[str | int] = set()
        for v in value:
            if v in seen:
                raise ValueError(f"enum value {v!r} is listed twice; list each value once")
            seen.add(v)
        kinds = {type(v) for v in value}
        if len(kinds) > 1:
            raise ValueError("an enum mixes strings and integers; use one kind of value")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        if self.type is None and self.enum is None:
            raise ValueError(
                "a field needs a `type` or an `enum`; "
                "e.g. {type: string}, {type: integer} or {enum: [a, b]}"
            )
        if self.enum is not None and self.type not in (None, "string", "integer"):
            raise ValueError(
                f"`enum` cannot be combined with `type: {self.type}`; "
                "an enum holds strings or integers"
            )
        if self.enum is not None and self.type is not None:
            want = str if self.type == "string" else int
            if not all(isinstance(v, want) for v in self.enum):
                raise ValueError(f"enum values do not match `type: {self.type}`; fix the values")
        if (self.type == "list") != (self.items is not None):
            raise ValueError(
                "`items` goes with `type: list`, and a list needs `items`; "
                "e.g. {type: list, items: {type: string}}"
            )
        if (self.type == "object") != (self.properties is not None):
            raise ValueError(
                "`properties` goes with `type: object`, and an object needs `properties`; "
                "e.g. {type: object, properties: {grade: {enum: [vip, normal]}}}"
            )
        if self.required and self.default is not None:
            raise ValueError(
                "a required field cannot have a default; remove `required` or `default`"
            )
        if self.items is not None and self.items.type in ("list", "object"):
            raise ValueError(
                "list items must be scalars (string, integer, number, boolean, datetime or enum); "
                "nested lists and lists of objects are not supported"
            )
        return self

    def field_type(self) -> FieldType:
        """The compiled type of this declaration (without its default)."""
        if self.enum is not None:
            return FieldType("enum", enum=self.enum)
        name: TypeName = self.type or "string"
        if name == "list":
            assert self.items is not None
            return FieldType("list", item=self.items.field_type())
        if name == "object":
            assert self.properties is not None
            props = {k: v.field_type() for k, v in self.properties.items()}
            return FieldType("object", properties=MappingProxyType(props))
        return FieldType(name)


class ReadOnlyFields(dict[str, Any]):
    """The validated fields of a ticket: a ``dict`` that refuses changes.

    A ``dict`` subclass rather than a ``MappingProxyType`` because conditions read it on the
    hot path, and ``dict.get`` is the fastest lookup Python has.
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("validated ticket fields are read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse
    __ior__ = _refuse

    def __reduce__(self) -> Any:
        return (type(self), (dict(self),))


@dataclass(frozen=True, slots=True)
class _Slot:
    """One compiled field declaration."""

    name: str
    type: FieldType
    default: Any
    required: bool
    children: tuple[_Slot, ...] | None  # for objects: the properties
    convert: Callable[[Any], Any]


class FieldSet:
    """The compiled ``fields:`` section: validates tickets and resolves field paths."""

    __slots__ = ("_paths", "_slots", "_types", "specs")

    def __init__(self, specs: Mapping[str, FieldSpec], slots: tuple[_Slot, ...]) -> None:
        self.specs: Mapping[str, FieldSpec] = MappingProxyType(dict(specs))
        self._slots = slots
        types: dict[str, FieldType] = {}
        _index(slots, "", types)
        self._types: Mapping[str, FieldType] = MappingProxyType(types)
        self._paths = tuple(types)

    @classmethod
    def compile(cls, specs: Mapping[str, FieldSpec]) -> FieldSet:
        """Check the declarations and build their validators.

        Raises ``PolicyError`` with key paths relative to the ``fields:`` section.
        """
        fields, problems = cls.compile_partial(specs)
        if problems:
            raise PolicyError(problems)
        return fields

    @classmethod
    def compile_partial(cls, specs: Mapping[str, FieldSpec]) -> tuple[FieldSet, list[Problem]]:
        """Like ``compile``, but return the problems beside the fields that could be built,
        so conditions on a field with (say) a bad default are still checked, and only the
        default is reported."""
        problems: list[Problem] = []
        slots = _compile_slots(specs, (), problems)
        return cls(specs, slots), problems

    @property
    def names(self) -> tuple[str, ...]:
        """The declared top-level field names, in declaration order."""
        return tuple(s.name for s in self._slots)

    @property
    def paths(self) -> tuple[str, ...]:
        """Every reachable dotted path (``customer``, ``customer.grade``), in declaration order."""
        return self._paths

    def type_of(self, path: str) -> FieldType | None:
        """The type of a dotted field path, or ``None`` when it is not declared."""
        return self._types.get(path)

    def allowed(self, path: str) -> str:
        """A human description of the values a field path accepts (for messages)."""
        t = self._types[path]
        return t.describe()

    def validate(
        self, data: Mapping[str, Any] | None, *, ticket_id: str | None = None
    ) -> Mapping[str, Any]:
        """Check a ticket's fields, apply defaults and convert datetimes.

        Returns a read-only mapping. Undeclared extra fields are kept as given and ignored.
        A ``None`` value counts as absent. Raises ``TicketError`` naming the field and what
        it accepts.
        """
        if data is None:
            data = _EMPTY
        elif not isinstance(data, Mapping):
            raise TicketError(
                f"fields must be a mapping, not {type(data).__name__}", ticket_id=ticket_id
            )
        return _validate_object(self._slots, data, "", ticket_id)

    def __repr__(self) -> str:
        return f"FieldSet({', '.join(self.names)})"


def _index(slots: tuple[_Slot, ...], prefix: str, out: dict[str, FieldType]) -> None:
    for slot in slots:
        path = prefix + slot.name
        out[path] = slot.type
        if slot.children is not None:
            _index(slot.children, path + ".", out)


def _compile_slots(
    specs: Mapping[str, FieldSpec], prefix: Path, problems: list[Problem]
) -> tuple[_Slot, ...]:
    slots: list[_Slot] = []
    for name, spec in specs.items():
        path = (*prefix, name)
        if not isinstance(name, str) or not name or not set(name) <= _NAME_CHARS:
            problems.append(
                Problem(
                    "bad-field-name",
                    f"{name!r} is not a usable field name",
                    "use letters, digits, '_' and '-' (dots separate nested fields)",
                    path,
                )
            )
            continue
        ftype = spec.field_type()
        children = None
        if spec.properties is not None:
            children = _compile_slots(spec.properties, (*path, "properties"), problems)
        default = None
        if spec.default is not None:
            try:
                default = ticket_value(ftype, spec.default)
            except BadValue as exc:
                problems.append(
                    Problem(
                        "bad-default",
                        f"the default of {name!r} is invalid: {exc.message}",
                        f"{name!r} accepts {ftype.describe()}",
                        (*path, "default"),
                    )
                )
        slots.append(_Slot(name, ftype, default, spec.required, children, converter(ftype)))
    return tuple(slots)


def _validate_object(
    slots: tuple[_Slot, ...], data: Mapping[str, Any], prefix: str, ticket_id: str | None
) -> Mapping[str, Any]:
    out = dict(data)
    for slot in slots:
        name = slot.name
        value = data.get(name)
        if value is None:
            if slot.required:
                path = prefix + name
                raise TicketError(
                    f"field {path!r} is required ({slot.type.describe()})",
                    ticket_id=ticket_id,
                    field=path,
                )
            if slot.default is not None:
                out[name] = slot.default
            elif name in out:
                del out[name]  # an explicit null: absent
            continue
        if slot.children is not None:
            if not isinstance(value, Mapping):
                path = prefix + name
                raise TicketError(
                    f"field {path!r} must be an object, not {type(value).__name__}",
                    ticket_id=ticket_id,
                    field=path,
                )
            out[name] = _validate_object(slot.children, value, prefix + name + ".", ticket_id)
            continue
        try:
            out[name] = slot.convert(value)
        except BadValue as exc:
            path = prefix + name
            raise TicketError(
                f"field {path!r}: {exc.message}; it accepts {slot.type.describe()}",
                ticket_id=ticket_id,
                field=path,
            ) from None
    return ReadOnlyFields(out)


FieldSpec.model_rebuild()
