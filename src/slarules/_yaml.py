"""The one safe YAML loader: YAML 1.2 core-schema scalars, source marks, hard limits.

Policy files, policy test files and YAML tickets are all read here, so every YAML quirk
is decided once:

* Scalars follow the YAML 1.2 core schema, not PyYAML's YAML 1.1 defaults: ``on``,
  ``off``, ``yes``, ``no``, ``y``, ``n`` stay strings; ``09:00``, ``1:30`` and
  ``09:00-18:00`` stay strings (no base-60 numbers); ``017`` is 17, not octal; ``1_000``
  is a string. ``2025-12-31`` becomes a ``datetime.date`` and an ISO date-time becomes a
  ``datetime.datetime`` (aware when an offset or ``Z`` is written, naive otherwise). A
  quoted value is always a string.
* Only the standard tags ``!!str !!int !!float !!bool !!null !!map !!seq`` (and the
  non-specific ``!``) are allowed; anything else, Python tags above all, is ``unsafe-tag``.
* Duplicate keys are an error; merge keys (``<<``) are refused (``merge-key-unsupported``):
  an alias of a whole value (``key: *anchor``) is supported instead.
* Aliases are expanded into independent copies, and the number of nodes they produce is
  bounded (``too-many-aliases``), so an alias bomb fails fast. Files over ``max_bytes``
  (``file-too-large``) and nesting deeper than ``max_depth`` (``too-deep``) are refused.

Parsing uses libyaml's event stream when available (PyYAML's pure-Python parser otherwise)
and builds the data and its :class:`SourceMap` in one linear pass. Every error is a
:class:`~slarules.PolicyError` whose problems carry file, line and column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Final

import yaml

from ._errors import Path, PolicyError, Problem

__all__ = ["Mark", "SourceMap", "load_yaml", "load_yaml_documents"]

_T: Final = "tag:yaml.org,2002:"
_STR: Final = _T + "str"
_INT: Final = _T + "int"
_FLOAT: Final = _T + "float"
_BOOL: Final = _T + "bool"
_NULL: Final = _T + "null"
_TIMESTAMP: Final = _T + "timestamp"
_MAP: Final = _T + "map"
_SEQ: Final = _T + "seq"
_SCALAR_TAGS: Final = frozenset({_STR, _INT, _FLOAT, _BOOL, _NULL, "!"})

_DIGITS: Final = "0123456789"
_DATE = r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})"
_TIME = (
    r"(?:[Tt]| )(?P<h>[0-9]{2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]+))?)?"
    r"(?P<tz>[Zz]|[-+][0-9]{2}(?::?[0-9]{2})?)?"
)
_TIMESTAMP_RE: Final = re.compile(rf"{_DATE}(?:{_TIME})?\Z")
# (tag, full-match pattern, first characters): the YAML 1.2 core schema, plus ISO dates
_IMPLICIT: Final[list[tuple[str, str, str | list[str]]]] = [
    (_BOOL, r"true|True|TRUE|false|False|FALSE", "tTfF"),
    (_NULL, r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    (_INT, r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+" + _DIGITS),
    (
        _FLOAT,
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        "-+." + _DIGITS,
    ),
    (_TIMESTAMP, _TIMESTAMP_RE.pattern, _DIGITS),
]
_PATTERNS: Final = {tag: re.compile(rf"(?:{pattern})\Z") for tag, pattern, _ in _IMPLICIT}


def _make_loader_class(base: Any) -> Any:
    """A private Loader subclass with its own resolver table (PyYAML's stays untouched)."""
    loader: Any = type("_CoreSchemaLoader", (base,), {"yaml_implicit_resolvers": {}})
    for tag, _, first in _IMPLICIT:
        loader.add_implicit_resolver(tag, _PATTERNS[tag], list(first))
    return loader


# libyaml's parser when PyYAML was built with it (it is several times faster)
_Loader = _make_loader_class(getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader)


# --------------------------------------------------------------------------- marks


@dataclass(frozen=True, slots=True)
class Mark:
    """A position in a file; ``line`` and ``column`` are 1-based."""

    line: int
    column: int


_Pos = tuple[int, int]


class SourceMap:
    """Where each value of a loaded YAML document was written.

    Paths address values the way :class:`~slarules.Problem` paths do: a mapping key is
    the key itself when it is a ``str`` and ``str(key)`` otherwise (so the date key
    ``2025-12-31`` is ``"2025-12-31"`` and ``1`` is ``"1"``); a list index is an ``int``.
    The root value has the path ``()``. A value reached through an alias is located at the
    alias for the value itself, and inside the anchored node for its parts.

    Immutable and picklable.
    """

    __slots__ = ("_keys", "_values", "file")

    file: str
    _values: dict[Path, _Pos]
    _keys: dict[Path, _Pos]

    def __init__(
        self,
        file: str,
        values: dict[Path, _Pos] | None = None,
        keys: dict[Path, _Pos] | None = None,
    ) -> None:
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "_values", values if values is not None else {})
        object.__setattr__(self, "_keys", keys if keys is not None else {})

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("SourceMap is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (SourceMap, (self.file, self._values, self._keys))

    def __repr__(self) -> str:
        return f"SourceMap({self.file!r}, {len(self._values)} values)"

    def value(self, path: Path) -> Mark | None:
        """Where the value at ``path`` starts, else where its nearest located ancestor does."""
        values = self._values
        path = tuple(path)
        while path not in values:
            if not path:
                return None
            path = path[:-1]
        line, column = values[path]
        return Mark(line, column)

    def key(self, path: Path) -> Mark | None:
        """Where the key of the mapping entry at ``path`` starts; falls back to :meth:`value`."""
        pos = self._keys.get(tuple(path))
        if pos is None:
            return self.value(path)
        return Mark(*pos)

    def locate(self, problem: Problem) -> Problem:
        """``problem`` with file, line and column filled in from its path.

        Key problems (``unknown-key``, ``duplicate-key``) point at the key, all others at
        the value. A problem that already has a line keeps its location.
        """
        if problem.line is not None:
            return problem if problem.file is not None else replace(problem, file=self.file)
        if problem.code in ("unknown-key", "duplicate-key"):
            mark = self.key(problem.path)
        else:
            mark = self.value(problem.path)
        if mark is None:
            return replace(problem, file=problem.file or self.file)
        return replace(problem, file=problem.file or self.file, line=mark.line, column=mark.column)


# ------------------------------------------------------------------------ scalars


class _Invalid(Exception):
    """A scalar that cannot become the value its tag or its look asks for."""


def _timestamp(text: str) -> date | datetime:
    m = _TIMESTAMP_RE.match(text)
    if m is None:  # pragma: no cover - only called on text the resolver matched
        raise _Invalid(f"{text!r} is not an ISO date or date-time")
    try:
        year, month, day = int(m["y"]), int(m["mo"]), int(m["d"])
        if m["h"] is None:
            return date(year, month, day)
        micro = int((m["f"] + "000000")[:6]) if m["f"] else 0
        tz: timezone | None = None
        offset = m["tz"]
        if offset in ("Z", "z"):
            tz = UTC
        elif offset:
            minutes = int(offset[1:3]) * 60 + (int(offset[-2:]) if len(offset) > 3 else 0)
            tz = timezone(timedelta(minutes=-minutes if offset[0] == "-" else minutes))
        return datetime(
            year, month, day, int(m["h"]), int(m["mi"]), int(m["s"] or 0), micro, tzinfo=tz
        )
    except ValueError as exc:
        raise _Invalid(f"{text!r} looks like a date but is not a valid one ({exc})") from None


def _scalar(tag: str, text: str) -> Any:
    """Construct the value of a resolved (or explicitly tagged) scalar."""
    if tag == _STR or tag == "!":
        return text
    pattern = _PATTERNS.get(tag)
    if pattern is None:  # pragma: no cover - tags are checked before
        raise _Invalid(f"unknown tag {tag!r}")
    if not pattern.match(text) and not (tag == _FLOAT and _PATTERNS[_INT].match(text)):
        raise _Invalid(f"{text!r} is not a valid {_short(tag)} value")
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return text[0] in "tT"
    if tag == _INT:
        try:
            if text.startswith("0o"):
                return int(text[2:], 8)
            if text.startswith("0x"):
                return int(text[2:], 16)
            return int(text)
        except ValueError:  # more digits than int() accepts
            raise _Invalid(f"the integer {text[:20]}... has too many digits") from None
    if tag == _FLOAT:
        lowered = text.lower()
        if lowered.endswith(".inf"):
            return -math.inf if text[0] == "-" else math.inf
        if lowered == ".nan":
            return math.nan
        return float(text)
    return _timestamp(text)


def _short(tag: str) -> str:
    """``!!int`` for ``tag:yaml.org,2002:int``; other tags as written."""
    return "!!" + tag[len(_T) :] if tag.startswith(_T) else tag


# ------------------------------------------------------------------------ building

MAX_PROBLEMS: Final = 100
"""The most problems one file reports; then ``too-many-problems``."""
MAX_DEPTH: Final = 64
"""How deep mappings and lists may nest, aliases expanded (``too-deep``)."""


class _Fatal(Exception):
    """A problem after which building cannot go on."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Frame:
    """An open mapping or sequence."""

    __slots__ = (
        "anchor",
        "container",
        "height",
        "key",
        "key_path",
        "nodes_at_start",
        "path",
        "pos",
    )

    def __init__(
        self, container: Any, path: Path, pos: _Pos, anchor: str | None, nodes: int
    ) -> None:
        self.container = container
        self.path = path
        self.pos = pos
        self.anchor = anchor
        self.nodes_at_start = nodes
        self.height = 0  # the greatest height of a child so far
        self.key: Any = None
        self.key_path: Path | None = None  # set between a key and its value


# an anchored node: its value, its path, how many nodes it holds, how deep it is
_Anchor = tuple[Any, Path | None, int, int]


def _copy(
    value: Any, src: Path, dst: Path, values: dict[Path, _Pos], keys: dict[Path, _Pos]
) -> Any:
    """An independent copy of an anchored value, with its marks copied from src to dst."""
    if type(value) is dict:
        out: dict[Any, Any] = {}
        for k, v in value.items():
            pk = k if type(k) is str else str(k)
            s, d = (*src, pk), (*dst, pk)
            if s in values:
                values[d] = values[s]
            if s in keys:
                keys[d] = keys[s]
            out[k] = _copy(v, s, d, values, keys)
        return out
    if type(value) is list:
        items: list[Any] = []
        for i, v in enumerate(value):
            s, d = (*src, i), (*dst, i)
            if s in values:
                values[d] = values[s]
            items.append(_copy(v, s, d, values, keys))
        return items
    return value


class _Builder:
    """Turns a YAML event stream into plain data and source maps, in one pass."""

    def __init__(self, loader: Any, file: str, max_alias_nodes: int, max_depth: int) -> None:
        self.loader = loader
        self.file = file
        self.max_alias_nodes = max_alias_nodes
        self.max_depth = max_depth
        self.problems: list[Problem] = []
        self.nodes = 0
        self.alias_nodes = 0
        self.root: Any = None

    def problem(
        self,
        code: str,
        message: str,
        pos: _Pos,
        path: Path,
        hint: str | None = None,
        *,
        fatal: bool = False,
    ) -> None:
        found = Problem(code, message, hint, path, self.file, pos[0], pos[1])
        if fatal:
            raise _Fatal(found)
        self.problems.append(found)
        if len(self.problems) >= MAX_PROBLEMS:
            raise _Fatal(
                Problem(
                    "too-many-problems",
                    "too many problems; stopped here",
                    None,
                    (),
                    self.file,
                    pos[0],
                    pos[1],
                )
            )

    def stream(self, multi: bool) -> list[tuple[Any, SourceMap]]:
        get_event = self.loader.get_event
        get_event()  # StreamStartEvent
        docs: list[tuple[Any, SourceMap]] = []
        while True:
            event = get_event()
            if type(event) is yaml.StreamEndEvent:
                return docs
            if docs and not multi:
                mark = event.start_mark
                self.problem(
                    "multiple-documents",
                    "a second YAML document starts here; one document per file is expected",
                    (mark.line + 1, mark.column + 1),
                    (),
                    "remove the '---' line (and anything after it that belongs elsewhere)",
                    fatal=True,
                )
            docs.append(self.document())

    def document(self) -> tuple[Any, SourceMap]:
        get_event = self.loader.get_event
        resolve = self.loader.resolve
        values: dict[Path, _Pos] = {}
        keys: dict[Path, _Pos] = {}
        anchors: dict[str, _Anchor] = {}
        stack: list[_Frame] = []
        scalar_node = yaml.ScalarNode
        plain = (True, False)
        while True:
            event = get_event()
            kind = type(event)
            if kind is yaml.DocumentEndEvent:
                return self.root, SourceMap(self.file, values, keys)
            mark = event.start_mark
            pos = (mark.line + 1, mark.column + 1)
            path: Path | None
            if not stack:
                path = ()
            else:
                top = stack[-1]
                if type(top.container) is list:
                    path = (*top.path, len(top.container))
                else:
                    path = top.key_path  # None: this node is a key

            if kind is yaml.ScalarEvent:
                text: str = event.value
                tag: str | None = event.tag
                if tag is None:
                    tag = resolve(scalar_node, text, plain) if event.implicit[0] else _STR
                    if text == "<<" and path is None and event.implicit[0]:
                        self.problem(
                            "merge-key-unsupported",
                            "merge keys ('<<') are not supported",
                            pos,
                            stack[-1].path,
                            "write the keys out, or reuse a whole value with an alias (key: *name)",
                        )
                elif tag not in _SCALAR_TAGS:
                    self._bad_tag(
                        tag, "a scalar", pos, path if path is not None else stack[-1].path
                    )
                    tag = _STR
                try:
                    value = _scalar(tag, text)
                except _Invalid as exc:
                    where = path if path is not None else stack[-1].path  # a key: its mapping
                    self.problem("invalid-scalar", str(exc), pos, where)
                    value = text
                self.nodes += 1
                if event.anchor is not None:
                    anchors[event.anchor] = (value, path, 1, 0)
                if path is not None:
                    values[path] = pos
                self._attach(stack, value, pos, 0, keys)

            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                is_map = kind is yaml.MappingStartEvent
                if path is None:
                    self.problem(
                        "unhashable-key",
                        f"a {'mapping' if is_map else 'list'} cannot be a mapping key",
                        pos,
                        stack[-1].path,
                        "use a plain value as the key",
                        fatal=True,
                    )
                    return None, SourceMap(self.file)  # pragma: no cover - problem() raised
                if len(stack) >= self.max_depth:
                    self.problem(
                        "too-deep",
                        f"the YAML is nested more than {self.max_depth} levels deep",
                        pos,
                        path,
                        fatal=True,
                    )
                tag = event.tag
                if tag is not None and tag != "!" and tag != (_MAP if is_map else _SEQ):
                    self._bad_tag(tag, "a mapping" if is_map else "a list", pos, path)
                values[path] = pos
                stack.append(_Frame({} if is_map else [], path, pos, event.anchor, self.nodes))
                self.nodes += 1

            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                height = frame.height + 1
                if frame.anchor is not None:
                    size = self.nodes - frame.nodes_at_start
                    anchors[frame.anchor] = (frame.container, frame.path, size, height)
                self._attach(stack, frame.container, frame.pos, height, keys)

            elif kind is yaml.AliasEvent:
                self._alias(event.anchor, anchors, stack, path, pos, values, keys)

            else:  # pragma: no cover - the parser emits nothing else inside a document
                raise _Fatal(
                    Problem(
                        "yaml-syntax",
                        f"unexpected {kind.__name__}",
                        None,
                        (),
                        self.file,
                        pos[0],
                        pos[1],
                    )
                )

    def _alias(
        self,
        name: str,
        anchors: dict[str, _Anchor],
        stack: list[_Frame],
        path: Path | None,
        pos: _Pos,
        values: dict[Path, _Pos],
        keys: dict[Path, _Pos],
    ) -> None:
        where = path if path is not None else stack[-1].path
        if any(frame.anchor == name for frame in stack):
            self.problem(
                "recursive-alias",
                f"the alias *{name} refers to a node that contains it",
                pos,
                where,
                "an alias can only repeat a node that is complete",
                fatal=True,
            )
        anchor = anchors.get(name)
        if anchor is None:
            self.problem(
                "undefined-alias",
                f"the alias *{name} has no anchor &{name} before it",
                pos,
                where,
                f"define the value with '&{name}' before using '*{name}'",
                fatal=True,
            )
            return  # pragma: no cover - problem() raised
        value, src, size, height = anchor
        if path is None:
            if height:
                self.problem(
                    "unhashable-key",
                    f"the alias *{name} is a mapping or list and cannot be a mapping key",
                    pos,
                    where,
                    "use a plain value as the key",
                    fatal=True,
                )
            self._attach(stack, value, pos, 0, keys)
            return
        self.alias_nodes += size
        if self.alias_nodes > self.max_alias_nodes:
            self.problem(
                "too-many-aliases",
                f"aliases expand to more than {self.max_alias_nodes} values",
                pos,
                path,
                "this looks like an alias bomb; write the values out or use fewer aliases",
                fatal=True,
            )
        if len(stack) + height > self.max_depth:
            self.problem(
                "too-deep",
                f"expanding *{name} nests the YAML more than {self.max_depth} levels deep",
                pos,
                path,
                fatal=True,
            )
        values[path] = pos
        if height and src is not None:
            value = _copy(value, src, path, values, keys)
        self.nodes += size
        self._attach(stack, value, pos, height, keys)

    def _attach(
        self, stack: list[_Frame], value: Any, pos: _Pos, height: int, keys: dict[Path, _Pos]
    ) -> None:
        """Put a finished node into its parent: list item, mapping key or mapping value."""
        if not stack:
            self.root = value
            return
        top = stack[-1]
        if height > top.height:
            top.height = height
        container = top.container
        if type(container) is list:
            container.append(value)
        elif top.key_path is None:
            pk = value if type(value) is str else str(value)
            entry = (*top.path, pk)
            first = keys.get(entry)
            if first is None and value in container:
                twin = next(k for k in container if k == value)
                first = keys.get((*top.path, twin if type(twin) is str else str(twin)))
            if first is not None:
                self.problem(
                    "duplicate-key",
                    f"the key {pk!r} appears twice in this mapping",
                    pos,
                    entry,
                    f"it is first defined on line {first[0]}; keep one of them",
                )
            else:
                keys[entry] = pos
            top.key = value
            top.key_path = entry
        else:
            container[top.key] = value
            top.key_path = None

    def _bad_tag(self, tag: str, what: str, pos: _Pos, path: Path) -> None:
        if tag in _SCALAR_TAGS or tag in (_MAP, _SEQ):
            self.problem(
                "tag-mismatch",
                f"the tag {_short(tag)} cannot be used on {what}",
                pos,
                path,
                "remove the tag",
            )
        else:
            self.problem(
                "unsafe-tag",
                f"the tag {_short(tag)} is not allowed",
                pos,
                path,
                "policy YAML is plain data: remove the tag "
                "(only !!str, !!int, !!float, !!bool, !!null, !!map and !!seq are accepted)",
            )


# ------------------------------------------------------------------------ errors


def _line_of(source: str, line: int) -> str:
    """The text of 0-based ``line`` (empty when out of range)."""
    lines = source.split("\n", line + 1)
    return lines[line] if line < len(lines) else ""


_NO_SPACE_AFTER_COLON: Final = re.compile(r"^\s*(?:-\s+)?([^\s:#'\"{}\[\],][^:#]*?):([^\s:/])")


def _hint(problem: str, context: str, source: str, mark: Any, context_mark: Any) -> str | None:
    line = _line_of(source, mark.line) if mark is not None else ""
    char = line[mark.column : mark.column + 1] if mark is not None else ""
    if "tab" in problem or char == "\t":
        return "indent with spaces: YAML does not allow tabs in indentation"
    if char in ("@", "`"):
        return f"a plain value cannot start with '{char}'; put the value in quotes"
    if "could not find expected ':'" in problem:
        ctx = _line_of(source, context_mark.line) if context_mark is not None else line
        m = _NO_SPACE_AFTER_COLON.match(ctx) or _NO_SPACE_AFTER_COLON.match(line)
        if m:
            return f"put a space after the colon: '{m[1]}: {m[2]}...'"
        return "each mapping entry needs 'key: value'; check this line's indentation"
    if "mapping values are not allowed" in problem:
        return (
            "a plain value cannot contain ': '; put it in quotes (key: \"a: b\"), "
            "or check the indentation"
        )
    if "end of stream" in problem and "quoted" in context:
        return "a quoted value is never closed; add the closing quote"
    if "did not find expected '-' indicator" in problem:
        return "a list item and a mapping key share one indentation; check this line"
    if "expected ',' or" in problem:
        return "a [list] or {mapping} is not closed, or a value in it needs quotes"
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return "check the indentation of this line against the lines above"
    return None


def _at_end(source: str, mark: Any) -> bool:
    """Whether only blank text follows ``mark`` (the parser ran out of input)."""
    lines = source.split("\n")
    if mark.line >= len(lines):
        return True
    return (
        not lines[mark.line][mark.column :].strip() and not "".join(lines[mark.line + 1 :]).strip()
    )


def _syntax_problem(exc: yaml.YAMLError, source: str, file: str, byte_offsets: bool) -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or "invalid YAML").replace("allowed in this context", "allowed here")
        context = exc.context or ""
        if context == "while scanning for the next token":
            context = ""  # adds nothing to "found character ... that cannot start any token"
        cm = exc.context_mark
        where = mark
        if cm is not None and (
            "could not find expected ':'" in problem or (mark is not None and _at_end(source, mark))
        ):
            where = cm  # the key, quote or bracket left unfinished, not where the parser gave up
        message = problem
        if context and cm is not None and where is not cm:
            message += f" ({context} at line {cm.line + 1}, column {cm.column + 1})"
        elif context:
            message += f" ({context})"
        code = "too-deep" if "nesting depth" in problem else "yaml-syntax"
        hint = _hint(problem, context, source, mark, cm)
        line = where.line + 1 if where is not None else None
        column = where.column + 1 if where is not None else None
        return Problem(code, message, hint, (), file, line, column)
    if isinstance(exc, yaml.reader.ReaderError):
        char = exc.character
        code_point = char if isinstance(char, int) else ord(char) if char else 0
        offset = exc.position
        if byte_offsets:  # libyaml counts in the UTF-8 bytes, PyYAML's reader in characters
            offset = len(source.encode("utf-8")[:offset].decode("utf-8", "replace"))
        before = source[:offset]
        line = before.count("\n") + 1
        column = offset - (before.rfind("\n") + 1) + 1
        return Problem(
            "yaml-syntax",
            f"the character U+{code_point:04X} is not allowed in YAML",
            f'remove it, or write it as "\\u{code_point:04X}" inside a double-quoted string',
            (),
            file,
            line,
            column,
        )
    return Problem("yaml-syntax", str(exc) or "invalid YAML", None, (), file)  # pragma: no cover


# ------------------------------------------------------------------------ loading


def _not_utf8(file: str, data: bytes, start: int, hint: str | None = None) -> PolicyError:
    line = data.count(b"\n", 0, start) + 1
    column = len(data[data.rfind(b"\n", 0, start) + 1 : start].decode("utf-8", "replace")) + 1
    return PolicyError(
        [
            Problem(
                "not-utf8",
                f"the file is not valid UTF-8 (byte 0x{data[start]:02X} at offset {start})",
                hint or "save the file as UTF-8",
                (),
                file,
                line,
                column,
            )
        ],
        file=file,
    )


def _decode(text: str | bytes, file: str, max_bytes: int) -> str:
    """The text to parse: size checked, UTF-8 checked, without a byte-order mark."""
    if isinstance(text, str):
        too_large = len(text) > max_bytes
        if not too_large:
            try:
                too_large = len(text.encode("utf-8")) > max_bytes
            except UnicodeEncodeError as exc:
                data = text[: exc.start].encode("utf-8") + b"?"
                raise _not_utf8(file, data, len(data) - 1, "remove the lone surrogate") from None
        source = text
    else:
        data = bytes(text)
        too_large = len(data) > max_bytes
        if not too_large:
            if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise _not_utf8(file, data, 0, "the file looks like UTF-16; save it as UTF-8")
            try:
                source = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _not_utf8(file, data, exc.start) from None
    if too_large:
        head = (
            text[: max_bytes + 1].encode("utf-8", "surrogatepass")
            if isinstance(text, str)
            else bytes(text[: max_bytes + 1])
        )[:max_bytes]
        line_start = head.rfind(b"\n") + 1
        column = len(head[line_start:].decode("utf-8", "ignore")) + 1  # a cut character counts
        raise PolicyError(
            [
                Problem(
                    "file-too-large",
                    f"the YAML is larger than {max_bytes} bytes: the limit is crossed here",
                    "split it into smaller files, or raise max_bytes",
                    (),
                    file,
                    head.count(b"\n") + 1,
                    column,
                )
            ],
            file=file,
        )
    return source[1:] if source.startswith("\ufeff") else source


def _load(
    text: str | bytes, file: str, max_bytes: int, max_alias_nodes: int, max_depth: int, multi: bool
) -> list[tuple[Any, SourceMap]]:
    source = _decode(text, file, max_bytes)
    loader_class = _Loader
    builder = _Builder(None, file, max_alias_nodes, max_depth)
    try:
        builder.loader = loader = loader_class(source)  # PyYAML's reader checks characters here
        try:
            docs = builder.stream(multi)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        byte_offsets = not issubclass(loader_class, yaml.reader.Reader)
        problems = [*builder.problems, _syntax_problem(exc, source, file, byte_offsets)]
        raise PolicyError(problems, file=file) from None
    except _Fatal as exc:
        raise PolicyError([*builder.problems, exc.problem], file=file) from None
    if builder.problems:
        raise PolicyError(builder.problems, file=file)
    return docs


def load_yaml(
    text: str | bytes,
    *,
    file: str = "<string>",
    max_bytes: int = 1 << 20,
    max_alias_nodes: int = 10_000,
    max_depth: int = MAX_DEPTH,
) -> tuple[Any, SourceMap]:
    """Load one YAML document safely; return its plain data and where each value was written.

    The data is made of ``dict`` (in file order), ``list``, ``str``, ``int``, ``float``,
    ``bool``, ``None``, ``datetime.date`` and ``datetime.datetime``. An empty document is
    ``None``. Source-map paths use ``str(key)`` for non-string mapping keys and ``int``
    list indexes (see :class:`SourceMap`).

    Raises :class:`~slarules.PolicyError` for anything wrong, each problem located by file,
    line and column: ``yaml-syntax``, ``not-utf8``, ``file-too-large`` (over ``max_bytes``
    bytes of UTF-8), ``too-deep`` (over ``max_depth`` nested mappings and lists),
    ``too-many-aliases`` (aliases expanding to over ``max_alias_nodes`` values),
    ``recursive-alias``, ``undefined-alias``, ``duplicate-key``, ``merge-key-unsupported``,
    ``unsafe-tag``, ``tag-mismatch``, ``invalid-scalar`` (e.g. ``2025-02-30``),
    ``unhashable-key`` and ``multiple-documents``.
    """
    docs = _load(text, file, max_bytes, max_alias_nodes, max_depth, multi=False)
    return docs[0] if docs else (None, SourceMap(file))


def load_yaml_documents(
    text: str | bytes,
    *,
    file: str = "<string>",
    max_bytes: int = 1 << 20,
    max_alias_nodes: int = 10_000,
    max_depth: int = MAX_DEPTH,
) -> list[tuple[Any, SourceMap]]:
    """Load every document of a ``---``-separated stream, like :func:`load_yaml` does one.

    The limits apply to the whole stream; anchors do not cross document boundaries.
    """
    return _load(text, file, max_bytes, max_alias_nodes, max_depth, multi=True)
