"""Reading YAML files into plain data that remembers where every value came from.

PyYAML is used only to compose nodes (the C parser when available); values are built here,
so that we can (a) keep the line and column of every key and value, (b) refuse duplicate
keys, which PyYAML would silently resolve by keeping the last one, (c) bound alias expansion
("billion laughs") and nesting, and (d) keep YAML timestamps as the strings the user wrote.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES_PER_DOCUMENT = 100_000  # after alias expansion
MAX_DEPTH = 100

_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVED_UP_TO = 64  # characters: the plain scalars whose tag is remembered


class _Loader(_BaseLoader):  # type: ignore[misc]
    """The safe loader, with the tag of each plain scalar remembered by its text.

    The C composer asks the (pure Python) resolver for the tag of every scalar, and the
    resolver tries its regular expressions each time: four calls in ten of composing a
    definition file, for a handful of distinct words (keys, `main`, `USD/2`). A plain
    scalar's tag depends on its text alone (the safe loader has no path resolvers), and
    any other node's on its kind: both are what yaml's resolve() gives, remembered."""

    _plain: ClassVar[dict[str, str]] = {}

    def resolve(self, kind: Any, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if not implicit[0]:
                return str(self.DEFAULT_SCALAR_TAG)
            tag = self._plain.get(value)
            if tag is None:
                tag = str(super().resolve(kind, value, implicit))
                if len(value) <= _RESOLVED_UP_TO:
                    self._plain[value] = tag
            return tag
        return str(super().resolve(kind, value, implicit))


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

# YAML 1.1 reads these as booleans; a classic surprise ("the Norway problem").
_YAML11_BOOLEAN_WORDS = {"y", "yes", "n", "no", "on", "off"}

PathT = tuple[str | int, ...]

_intern = sys.intern
_INTERN_UP_TO = 40  # characters


@dataclass(frozen=True)
class Mark:
    """A place in a file: 1-based line and column."""

    line: int
    column: int


@dataclass
class Places:
    """Where each value (and mapping key) of one document sits, and how strings were quoted."""

    values: dict[PathT, Mark] = field(default_factory=dict)
    keys: dict[PathT, Mark] = field(default_factory=dict)
    styles: dict[PathT, str] = field(default_factory=dict)
    notes: list[tuple[PathT, str]] = field(default_factory=list)  # YAML 1.1 booleans as written


class Source:
    """One file's text, shared by its documents; places are found only when first asked for
    (a second, recording pass over the text: most documents never need theirs)."""

    __slots__ = ("_lines", "_places", "display", "text")

    def __init__(self, text: str, display: str) -> None:
        self.text = text
        self.display = display
        self._lines: list[str] | None = None
        self._places: list[Places] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    def places(self, index: int) -> Places:
        if self._places is None:
            found: list[Places] = []
            for node in _nodes(self.text, self.lines):
                places = Places()
                _Builder(places).build(node)
                found.append(places)
            self._places = found
        return self._places[index]


class Document:
    """One YAML document: its data, and where each value (and mapping key) sits."""

    __slots__ = ("_notes", "data", "file", "index", "source", "start", "templated")

    def __init__(
        self,
        source: Source,
        index: int,
        data: Any,
        start: Mark,
        notes: bool = False,
        templated: bool = True,
    ) -> None:
        self.source = source
        self.file = source.display
        self.index = index
        self.data = data
        self.start = start
        self._notes = notes
        # False only when no string value holds `{{`: parameters cannot change the data
        self.templated = templated

    def __repr__(self) -> str:
        return f"Document({self.file!r}, {self.index})"

    @property
    def has_notes(self) -> bool:
        """Whether a YAML 1.1 boolean word was seen (`notes` then says where)."""
        return self._notes

    @property
    def lines(self) -> list[str]:
        return self.source.lines

    @property
    def values(self) -> dict[PathT, Mark]:
        return self.source.places(self.index).values

    @property
    def keys(self) -> dict[PathT, Mark]:
        return self.source.places(self.index).keys

    @property
    def styles(self) -> dict[PathT, str]:
        return self.source.places(self.index).styles

    @property
    def notes(self) -> list[tuple[PathT, str]]:
        """YAML 1.1 booleans (`yes`, `off`, ...) as written, with their paths."""
        return self.source.places(self.index).notes if self._notes else []

    def mark(self, path: PathT, *, key: bool = False) -> Mark:
        """The most precise known place for `path` (its key when `key`), else its nearest parent."""
        places = self.source.places(self.index)
        if key and path in places.keys:
            return places.keys[path]
        probe = path
        while probe:
            if probe in places.values:
                return places.values[probe]
            probe = probe[:-1]
        return places.values.get((), self.start)


class YamlFileError(Exception):
    """A file that cannot be read as YAML definitions; carries a place and a hint."""

    def __init__(
        self, message: str, line: int = 1, column: int = 1, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint


def read_text(path: str, display: str) -> str:
    """Read a file as UTF-8, refusing oversized and non-UTF-8 files with a located error."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise YamlFileError("is a directory, not a file") from None
    except OSError as exc:
        raise YamlFileError(f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise YamlFileError(
            f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB",
            hint="definition files are small; is this the right file?",
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlFileError("file is UTF-16; orchctl reads UTF-8", hint="re-save it as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise YamlFileError(
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            line,
            column,
            hint="re-save it as UTF-8",
        ) from None
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        raise YamlFileError("file contains a NUL character; is it binary?", line, 1)
    return text


def parse_documents(text: str, display: str) -> Iterator[Document]:
    """Yield each non-empty document of a YAML stream; raises YamlFileError on bad YAML."""
    source = Source(text, display)
    for index, node in enumerate(_nodes(text, None)):
        values = _Values()
        data = values.build(node, 0)
        start = Mark(node.start_mark.line + 1, node.start_mark.column + 1)
        yield Document(source, index, data, start, values.notes, values.templated)


def _nodes(text: str, lines: list[str] | None) -> Iterator[Node]:
    """The composed root node of each non-empty document."""
    loader = _Loader(text)
    try:
        while True:
            try:
                if not loader.check_node():
                    break
                node = loader.get_node()
            except yaml.MarkedYAMLError as exc:
                raise _yaml_error(exc, text.splitlines() if lines is None else lines) from None
            except yaml.YAMLError as exc:  # unmarked: rare
                raise YamlFileError(f"invalid YAML: {exc}") from None
            if node is not None:
                yield node
    finally:
        loader.dispose()


def _yaml_error(exc: yaml.MarkedYAMLError, lines: list[str]) -> YamlFileError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    column = mark.column + 1 if mark else 1
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    message = f"invalid YAML: {problem}"
    if exc.context and exc.problem and exc.context_mark:
        message += f" ({exc.context} at line {exc.context_mark.line + 1})"
    return YamlFileError(message, line, column, _yaml_hint(exc, problem, line, lines))


# Parser problems that a line indented unlike its siblings produces.
_INDENTATION_PROBLEMS = (
    "did not find expected key",
    "did not find expected '-' indicator",
    "expected <block end>",
    "mapping values are not allowed here",
)
# `key: {{ params.x }}` or `- {{ params.x }}`: a value that starts with an unquoted `{{`.
_UNQUOTED_PARAM = re.compile(r"(?:^|:\s|-\s|\[|,)\s*\{\{")


def _yaml_hint(exc: yaml.MarkedYAMLError, problem: str, line: int, lines: list[str]) -> str | None:
    """A hint only where it follows from the error and the line it points at."""
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = len(source_line) - len(source_line.lstrip(" \t"))
    if "\t" in problem or "\t" in source_line[:indent]:
        return "YAML does not allow tabs for indentation; use spaces"
    context = exc.context_mark
    if (
        problem.startswith(_INDENTATION_PROBLEMS)
        and context is not None
        and context.line + 1 != line
        and indent != context.column
    ):
        return (
            f"line {line} is indented by {indent} spaces, the keys of the mapping at line "
            f"{context.line + 1} by {context.column}: line them up"
        )
    if _UNQUOTED_PARAM.search(source_line) and "params." in source_line:
        return 'quote values that use parameters: "{{ params.NAME }}"'
    return None


def _place(node: Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _fail(node: Node, message: str, hint: str | None = None) -> YamlFileError:
    mark = node.start_mark
    return YamlFileError(message, mark.line + 1, mark.column + 1, hint)


_SCALARS = SafeConstructor()
_CONSTRUCT = {tag: SafeConstructor.yaml_constructors[tag] for tag in (_INT, _FLOAT, _BOOL, _NULL)}


def _number_or_null(node: ScalarNode) -> Any:
    """An int, float, bool or null scalar (a tag of _CONSTRUCT), refusing NaN and infinities."""
    value = _CONSTRUCT[node.tag](_SCALARS, node)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise _fail(node, f"{node.value} is not a number JSON can carry")
    return value


def _too_many(node: Node) -> YamlFileError:
    return _fail(
        node,
        f"document expands to more than {MAX_NODES_PER_DOCUMENT:,} values "
        "(aliases nested too deeply?)",
        "an alias bomb is refused; write the values out",
    )


def _unsupported_scalar(node: Node) -> YamlFileError:
    return _fail(
        node,
        f"unsupported YAML tag {node.tag}",
        "only plain YAML values are allowed (strings, numbers, booleans, null)",
    )


class _Values:
    """The first pass: plain data, every limit and refusal of _Builder, no places.

    It visits the nodes in _Builder's order and fails exactly where _Builder fails, so that
    _Builder can record the places later, only for the documents that need them."""

    __slots__ = ("active", "count", "notes", "templated")

    def __init__(self) -> None:
        self.count = 0
        self.active: set[int] = set()
        self.notes = False  # a YAML 1.1 boolean word was seen
        self.templated = False  # a string value holds `{{` (a parameter, maybe)

    def build(self, node: Node, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES_PER_DOCUMENT:
            raise _too_many(node)
        if depth > MAX_DEPTH:
            raise _fail(node, f"values are nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if id(node) in self.active:
            raise _fail(node, "recursive alias: a value contains itself")
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                if node.tag != _SEQ:
                    raise _fail(node, f"unsupported YAML tag {node.tag}")
                depth += 1
                return [self.build(item, depth) for item in node.value]
            if isinstance(node, MappingNode):
                return self.mapping(node, depth)
        finally:
            self.active.discard(id(node))
        raise _fail(node, "unsupported YAML node")  # pragma: no cover

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == _STR:
            value: str = node.value
            if "{{" in value:
                self.templated = True
            # short strings recur across documents ("main", "${amount}", "USD/2"): one copy
            return _intern(value) if len(value) <= _INTERN_UP_TO else value
        if tag == _TIMESTAMP:  # kept as written (RFC 3339 strings)
            return node.value
        if tag not in _CONSTRUCT:
            raise _unsupported_scalar(node)
        if tag == _BOOL and node.value.lower() in _YAML11_BOOLEAN_WORDS:
            self.notes = True
        return _number_or_null(node)

    def mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        if node.tag != _MAP:
            raise _fail(node, f"unsupported YAML tag {node.tag}")
        result: dict[str, Any] = {}
        merges: list[Node] = []
        child = depth + 1
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            if not isinstance(key_node, ScalarNode):
                raise _bad_key(key_node)
            key = _intern(key_node.value if key_node.tag == _STR else str(self.scalar(key_node)))
            if key in result:
                raise _duplicate(key, _first_key(node, key), key_node)
            result[key] = self.build(value_node, child)
        for merge in merges:
            for source in merge.value if isinstance(merge, SequenceNode) else [merge]:
                if not isinstance(source, MappingNode):
                    raise _fail(source, "a merge key (<<) needs a mapping or a list of them")
                for key, value in self.mapping(source, depth).items():
                    result.setdefault(key, value)
        return result


def _first_key(node: MappingNode, key: str) -> Node:
    """The first key node of `node` spelling `key` (for the message about a second one)."""
    for key_node, _ in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE:
            continue
        if (key_node.value if key_node.tag == _STR else str(_scalar_key(key_node))) == key:
            return key_node
    raise AssertionError(key)  # pragma: no cover - `key` was seen in `node`


def _scalar_key(node: ScalarNode) -> Any:
    return node.value if node.tag == _TIMESTAMP else _number_or_null(node)


def _bad_key(key_node: Node) -> YamlFileError:
    if _looks_like_param(key_node):
        return _fail(
            key_node,
            "unquoted {{ ... }}: YAML reads it as a nested mapping",
            'quote values that use parameters: "{{ params.NAME }}"',
        )
    return _fail(key_node, "mapping keys must be plain strings")


def _duplicate(key: str, first: Node, again: Node) -> YamlFileError:
    was, mark = _place(first), _place(again)
    return YamlFileError(
        f"duplicate key '{key}' (first defined at line {was.line}, column {was.column})",
        mark.line,
        mark.column,
        "YAML parsers keep only one of them silently; remove one",
    )


class _Builder:
    """The recording pass: plain data again, and the place of every value and key."""

    def __init__(self, doc: Places) -> None:
        self.doc = doc
        self.count = 0
        self.active: set[int] = set()

    def build(self, node: Node) -> Any:
        return self._build(node, ())

    def _build(self, node: Node, path: PathT) -> Any:
        self.count += 1
        if self.count > MAX_NODES_PER_DOCUMENT:
            raise _too_many(node)
        if len(path) > MAX_DEPTH:
            raise _fail(node, f"values are nested more than {MAX_DEPTH} levels deep")
        self.doc.values.setdefault(path, _place(node))
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if id(node) in self.active:
            raise _fail(node, "recursive alias: a value contains itself")
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                if node.tag != _SEQ:
                    raise _fail(node, f"unsupported YAML tag {node.tag}")
                return [self._build(item, (*path, i)) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
        finally:
            self.active.discard(id(node))
        raise _fail(node, "unsupported YAML node")  # pragma: no cover

    def _scalar(self, node: ScalarNode, path: PathT) -> Any:
        tag = node.tag
        if tag == _STR:
            if node.style:
                self.doc.styles[path] = node.style
            return node.value
        if tag == _TIMESTAMP:
            return node.value  # keep what was written: the API wants the RFC 3339 string
        if tag not in _CONSTRUCT:
            raise _unsupported_scalar(node)
        if tag == _BOOL and node.value.lower() in _YAML11_BOOLEAN_WORDS:
            self.doc.notes.append((path, node.value))
        return _number_or_null(node)

    def _mapping(self, node: MappingNode, path: PathT) -> dict[str, Any]:
        if node.tag != _MAP:
            raise _fail(node, f"unsupported YAML tag {node.tag}")
        result: dict[str, Any] = {}
        seen: dict[str, Node] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            if not isinstance(key_node, ScalarNode):
                raise _bad_key(key_node)
            key = key_node.value if key_node.tag == _STR else str(self._scalar(key_node, path))
            if key in seen:
                raise _duplicate(key, seen[key], key_node)
            seen[key] = key_node
            child = (*path, key)
            self.doc.keys[child] = _place(key_node)
            result[key] = self._build(value_node, child)
        for merge in merges:
            sources = merge.value if isinstance(merge, SequenceNode) else [merge]
            for source in sources:
                if not isinstance(source, MappingNode):
                    raise _fail(source, "a merge key (<<) needs a mapping or a list of them")
                merged = self._mapping(source, path)
                for key, value in merged.items():
                    result.setdefault(key, value)
        for key, key_node in seen.items():  # explicit keys win over merged ones, marks too
            self.doc.keys[(*path, key)] = _place(key_node)
        return result


def _looks_like_param(node: Node) -> bool:
    return (
        isinstance(node, MappingNode)
        and len(node.value) == 1
        and any(isinstance(k, ScalarNode) and k.value.startswith("params.") for k, _ in node.value)
    )
