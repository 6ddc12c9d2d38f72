"""Reading YAML files into plain data that remembers where every value came from.

PyYAML is used only to compose nodes (the C parser when available); values are built here,
so that we can (a) keep the line and column of every key and value, (b) refuse duplicate
keys, which PyYAML would silently resolve by keeping the last one, (c) bound alias expansion
("billion laughs") and nesting, and (d) keep YAML timestamps as the strings the user wrote.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES_PER_DOCUMENT = 100_000  # after alias expansion
MAX_DEPTH = 100

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_KNOWN_SCALARS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP}

# YAML 1.1 reads these as booleans; a classic surprise ("the Norway problem").
_YAML11_BOOLEAN_WORDS = {"y", "yes", "n", "no", "on", "off"}

PathT = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    """A place in a file: 1-based line and column."""

    line: int
    column: int


@dataclass
class Document:
    """One YAML document: its data and where each value (and mapping key) sits."""

    file: str
    index: int
    data: Any
    start: Mark
    values: dict[PathT, Mark] = field(default_factory=dict)
    keys: dict[PathT, Mark] = field(default_factory=dict)
    styles: dict[PathT, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    notes: list[tuple[PathT, str]] = field(default_factory=list)  # YAML 1.1 booleans as written

    def mark(self, path: PathT, *, key: bool = False) -> Mark:
        """The most precise known place for `path` (its key when `key`), else its nearest parent."""
        if key and path in self.keys:
            return self.keys[path]
        probe = path
        while probe:
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), self.start)


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
    lines = text.splitlines()
    loader = _Loader(text)
    index = 0
    try:
        while True:
            try:
                if not loader.check_node():
                    break
                node = loader.get_node()
            except yaml.MarkedYAMLError as exc:
                raise _yaml_error(exc, lines) from None
            except yaml.YAMLError as exc:  # unmarked: rare
                raise YamlFileError(f"invalid YAML: {exc}") from None
            if node is None:
                continue
            doc = Document(
                file=display,
                index=index,
                data=None,
                start=Mark(node.start_mark.line + 1, node.start_mark.column + 1),
                lines=lines,
            )
            index += 1
            doc.data = _Builder(doc).build(node)
            yield doc
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


class _Builder:
    """Turns composed nodes into plain data, recording marks, refusing what is unsafe."""

    _scalars = SafeConstructor()

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.count = 0
        self.active: set[int] = set()

    def build(self, node: Node) -> Any:
        return self._build(node, ())

    def _place(self, node: Node) -> Mark:
        return Mark(node.start_mark.line + 1, node.start_mark.column + 1)

    def _fail(self, node: Node, message: str, hint: str | None = None) -> YamlFileError:
        mark = self._place(node)
        return YamlFileError(message, mark.line, mark.column, hint)

    def _build(self, node: Node, path: PathT) -> Any:
        self.count += 1
        if self.count > MAX_NODES_PER_DOCUMENT:
            raise self._fail(
                node,
                f"document expands to more than {MAX_NODES_PER_DOCUMENT:,} values "
                "(aliases nested too deeply?)",
                "an alias bomb is refused; write the values out",
            )
        if len(path) > MAX_DEPTH:
            raise self._fail(node, f"values are nested more than {MAX_DEPTH} levels deep")
        self.doc.values.setdefault(path, self._place(node))
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if id(node) in self.active:
            raise self._fail(node, "recursive alias: a value contains itself")
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                if node.tag != _SEQ:
                    raise self._fail(node, f"unsupported YAML tag {node.tag}")
                return [self._build(item, (*path, i)) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
        finally:
            self.active.discard(id(node))
        raise self._fail(node, "unsupported YAML node")  # pragma: no cover

    def _scalar(self, node: ScalarNode, path: PathT) -> Any:
        tag = node.tag
        if tag == _STR:
            if node.style:
                self.doc.styles[path] = node.style
            return node.value
        if tag not in _KNOWN_SCALARS:
            raise self._fail(
                node,
                f"unsupported YAML tag {tag}",
                "only plain YAML values are allowed (strings, numbers, booleans, null)",
            )
        if tag == _TIMESTAMP:
            return node.value  # keep what was written: the API wants the RFC 3339 string
        if tag == _BOOL and node.value.lower() in _YAML11_BOOLEAN_WORDS:
            self.doc.notes.append((path, node.value))
        value = self._scalars.construct_object(node, deep=True)
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            raise self._fail(node, f"{node.value} is not a number JSON can carry")
        return value

    def _mapping(self, node: MappingNode, path: PathT) -> dict[str, Any]:
        if node.tag != _MAP:
            raise self._fail(node, f"unsupported YAML tag {node.tag}")
        result: dict[str, Any] = {}
        seen: dict[str, Mark] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            if not isinstance(key_node, ScalarNode):
                if _looks_like_param(key_node):
                    raise self._fail(
                        key_node,
                        "unquoted {{ ... }}: YAML reads it as a nested mapping",
                        'quote values that use parameters: "{{ params.NAME }}"',
                    )
                raise self._fail(key_node, "mapping keys must be plain strings")
            key = key_node.value if key_node.tag == _STR else str(self._scalar(key_node, path))
            mark = self._place(key_node)
            if key in seen:
                first = seen[key]
                raise YamlFileError(
                    f"duplicate key '{key}' (first defined at line {first.line}, "
                    f"column {first.column})",
                    mark.line,
                    mark.column,
                    "YAML parsers keep only one of them silently; remove one",
                )
            seen[key] = mark
            child = (*path, key)
            self.doc.keys[child] = mark
            result[key] = self._build(value_node, child)
        for merge in merges:
            sources = merge.value if isinstance(merge, SequenceNode) else [merge]
            for source in sources:
                if not isinstance(source, MappingNode):
                    raise self._fail(source, "a merge key (<<) needs a mapping or a list of them")
                merged = self._mapping(source, path)
                for key, value in merged.items():
                    result.setdefault(key, value)
        for key, mark in seen.items():  # explicit keys win over merged ones, marks included
            self.doc.keys[(*path, key)] = mark
        return result


def _looks_like_param(node: Node) -> bool:
    return (
        isinstance(node, MappingNode)
        and len(node.value) == 1
        and any(isinstance(k, ScalarNode) and k.value.startswith("params.") for k, _ in node.value)
    )
