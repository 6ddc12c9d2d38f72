"""The fast yes/no of schema validation: jsonschema-rs, compiled once per schema.

Nearly every document a user validates is valid, and proving it with the pure-Python
jsonschema costs about half a millisecond a document (mostly `$ref` resolution, again for
every document); jsonschema-rs answers the same question in about a microsecond. It only
says whether a document is valid: a document it rejects goes to jsonschema, which finds
the errors and whose errors `schemas` words for people, so every message stays the same.

That split is sound only if jsonschema-rs never accepts what jsonschema rejects. Where the
two regex dialects differ the rewrite below gives each pattern Python's meaning, and a
pattern using a construct whose meaning differs and that is not rewritten (`\\w`, `\\b`,
`\\S` inside a class, ...) makes its schema skip the fast path altogether (a test keeps the
shipped schemas on it). Where jsonschema-rs is merely stricter (`$` matching only at the
very end, not before a final newline) the document is sent to jsonschema, whose answer
stands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urljoin

# Python's `\s` in a str pattern: exactly the characters for which str.isspace() is true
# (tests/validation/test_fastschema.py checks this against the running interpreter).
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
# Escapes whose meaning differs between Python's re and the Rust regex engines and that
# are not rewritten here.
_UNSAFE_ESCAPES = frozenset("wWbBAZ")

Check = Callable[[Any], bool]


class UnsafePattern(ValueError):
    """A pattern whose meaning may differ under jsonschema-rs."""


def python_pattern(pattern: str) -> str:
    """`pattern` with Python's meaning of `\\s` and `\\S` spelled out as character classes."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escaped = pattern[i + 1]
            if escaped == "s":
                out.append(PY_WHITESPACE if in_class else f"[{PY_WHITESPACE}]")
            elif escaped == "S" and not in_class:
                out.append(f"[^{PY_WHITESPACE}]")
            elif escaped in _UNSAFE_ESCAPES or escaped == "S":
                raise UnsafePattern(f"\\{escaped} in {pattern!r}")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            if pattern.startswith("^", i + 1):  # a leading ] or ^] is a literal
                out.append("^")
                i += 1
            if pattern.startswith("]", i + 1):
                out.append("]")
                i += 1
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        elif char == "[" and in_class and pattern.startswith("[:", i):
            raise UnsafePattern(f"POSIX class in {pattern!r}")
        else:
            out.append(char)
        i += 1
    return "".join(out)


def with_python_patterns(schema: Any) -> Any:
    """A copy of `schema` whose `pattern`s and `patternProperties` keys mean what they mean
    to Python's re; raises UnsafePattern for a pattern that cannot be made to."""
    if isinstance(schema, list):
        return [with_python_patterns(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "pattern" and isinstance(value, str):
            out[key] = python_pattern(value)
        elif key == "patternProperties" and isinstance(value, dict):
            out[key] = {python_pattern(k): with_python_patterns(v) for k, v in value.items()}
        elif key in ("enum", "const", "examples", "default"):
            out[key] = value  # values, not schemas
        else:
            out[key] = with_python_patterns(value)
    return out


def compile_checks(
    resources: Iterable[tuple[str, dict[str, Any]]],
) -> dict[str, Check] | None:
    """For each schema id, a function telling whether an instance is valid; None when
    jsonschema-rs is not installed. A schema that cannot be given Python's pattern meaning
    (or referring to one that cannot) is left out: it always goes to jsonschema."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - it is a dependency; be robust without it
        return None
    translated: dict[str, Any] = {}
    unsafe: set[str] = set()
    for uri, contents in resources:
        try:
            translated[uri] = with_python_patterns(contents)
        except UnsafePattern:
            unsafe.add(uri)
            translated[uri] = contents
    registry = jsonschema_rs.Registry(list(translated.items()))
    checks: dict[str, Check] = {}
    for uri, contents in translated.items():
        if uri in unsafe or unsafe & _referenced(uri, translated):
            continue
        compiled = jsonschema_rs.validator_for(
            contents, registry=registry, validate_formats=False, base_uri=uri
        )
        checks[uri] = compiled.is_valid
    return checks


def _referenced(uri: str, by_uri: dict[str, Any]) -> set[str]:
    """Every schema id reachable from schema `uri` by `$ref` (each file one resource)."""
    seen: set[str] = set()
    todo: list[tuple[str, Any]] = [(uri, by_uri.get(uri))]
    while todo:
        base, node = todo.pop()
        if isinstance(node, list):
            todo.extend((base, item) for item in node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    target = urljoin(base, value).split("#", 1)[0]
                    if target not in seen:
                        seen.add(target)
                        todo.append((target, by_uri.get(target)))
                elif key not in ("enum", "const", "examples", "default"):
                    todo.append((base, value))
    return seen
