"""The one module that knows jsonschema: loading orchctl's schemas and wording their errors.

The schemas (``schemas/*.schema.json``, shipped inside the package) are the single source
of structural rules. jsonschema's own messages are written for schema authors; here each
error becomes a message for the person editing the YAML, with a hint where one helps.
Annotations the schemas carry for this purpose: ``x-message`` (the wording of a failed
pattern/anyOf), ``x-exactly-one-of`` (keys of which exactly one is required),
``x-key-kind`` (what the keys of a mapping are, e.g. "stage type").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orchctl.validation import fastschema
from orchctl.validation.hints import did_you_mean

if TYPE_CHECKING:  # jsonschema is imported only for a document that fails the fast check
    from jsonschema import Draft202012Validator, ValidationError
    from referencing import Registry

SCHEMA_BASE = "https://orchctl.dev/schemas/"
PathT = tuple[str | int, ...]


@dataclass(frozen=True)
class SchemaIssue:
    path: PathT
    message: str
    hint: str | None = None
    at_key: bool = False  # point at the key rather than the value


def schema_dir() -> Path:
    """Where the schemas are: inside the installed package, or the source checkout."""
    packaged = resources.files("orchctl").joinpath("schemas")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "schemas"


@cache
def _contents() -> tuple[tuple[str, dict[str, Any]], ...]:
    """Every shipped schema, by its `$id`."""
    found = []
    for path in sorted(schema_dir().glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        found.append((contents["$id"], contents))
    return tuple(found)


@cache
def _registry() -> Registry[Any]:
    from referencing import Registry, Resource

    return Registry().with_resources(
        (uri, Resource.from_contents(contents)) for uri, contents in _contents()
    )


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for ``schemas/<name>.schema.json``."""
    from jsonschema import Draft202012Validator

    registry = _registry()
    schema = registry.contents(f"{SCHEMA_BASE}{name}.schema.json")
    return Draft202012Validator(schema, registry=registry)


@cache
def _fast_checks() -> dict[str, fastschema.Check]:
    return fastschema.compile_checks(_contents()) or {}


def fast_check(name: str) -> fastschema.Check | None:
    """The compiled yes/no check of schema `name`, when it has one (see fastschema)."""
    return _fast_checks().get(f"{SCHEMA_BASE}{name}.schema.json")


def check(name: str, instance: Any) -> list[SchemaIssue]:
    """Every problem of `instance` against schema `name`, worded for people."""
    is_valid = fast_check(name)
    if is_valid is not None:
        try:
            if is_valid(instance):
                return []
        except (ValueError, OverflowError, TypeError):
            pass  # a value jsonschema-rs cannot take (an integer beyond 64 bits): ask jsonschema
    issues: list[SchemaIssue] = []
    for error in validator(name).iter_errors(instance):
        issues.extend(_translate(error))
    return issues


_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true or false)",
    "null": "nothing (null)",
}


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"string {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


def _expected(types: Any) -> str:
    names = [types] if isinstance(types, str) else list(types)
    return " or ".join(_TYPE_WORDS.get(t, t) for t in names)


def _translate(error: ValidationError) -> Iterator[SchemaIssue]:
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    path: PathT = tuple(error.absolute_path)
    instance = error.instance
    kind = error.validator
    one_of = schema.get("x-exactly-one-of")

    if "propertyNames" in error.relative_schema_path and isinstance(instance, str):
        message = schema.get("x-message")
        yield SchemaIssue(
            (*path, instance),
            f"invalid name {instance!r}" + (f": {message}" if message else ""),
            at_key=True,
        )
        return
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = list(schema.get("properties", {}))
        what = schema.get("x-key-kind", "key")
        for key in instance:
            if key not in known:
                yield SchemaIssue(
                    (*path, key),
                    f"unknown {what} '{key}'",
                    did_you_mean(key, known) or f"expected one of: {', '.join(known)}",
                    at_key=True,
                )
        return
    if (
        one_of
        and kind in ("oneOf", "minProperties", "maxProperties")
        and isinstance(instance, dict)
    ):
        present = [k for k in one_of if k in instance]
        listed = ", ".join(f"`{k}`" for k in one_of)
        found = "none" if not present else " and ".join(f"`{k}`" for k in present)
        yield SchemaIssue(path, f"exactly one of {listed} is required (found {found})")
        return
    if kind == "required" and isinstance(instance, dict):
        for key in _listed(error.validator_value):
            if key not in instance:
                yield SchemaIssue(path, f"missing required key '{key}'")
        return
    if kind == "type":
        expected = _expected(error.validator_value)
        if isinstance(instance, str) and "${" in instance:
            yield SchemaIssue(
                path,
                f"{instance!r} cannot be used here: this field must be {expected}, and "
                "variables are substituted only inside strings, at run time",
                "the server rejects this workflow when it is created",
            )
            return
        if instance is None:  # `workflow:` with nothing after it
            yield SchemaIssue(
                path,
                f"is empty: expected {expected}",
                "write {} for an empty mapping" if error.validator_value == "object" else None,
            )
            return
        hint = None
        if isinstance(instance, (int, float)) and not isinstance(instance, bool):
            if "string" in str(error.validator_value):
                hint = f'quote it: "{instance}"'
        elif isinstance(instance, bool) and "string" in str(error.validator_value):
            hint = f'quote it: "{str(instance).lower()}"'
        elif isinstance(instance, str) and error.validator_value == "array":
            hint = f"write a list: [{instance}]"
        yield SchemaIssue(path, f"expected {expected}, got {_kind_of(instance)}", hint)
        return
    if "x-message" in schema and kind in ("anyOf", "oneOf", "pattern", "enum"):
        hint = None
        if isinstance(instance, str) and "x-enum" in schema:
            hint = did_you_mean(instance, schema["x-enum"])
        yield SchemaIssue(path, f"{schema['x-message']} (got {_kind_of(instance)})", hint)
        return
    if kind in ("anyOf", "oneOf") and error.context:
        best = min(error.context, key=lambda e: (-len(e.absolute_path), e.validator == "type"))
        yield from _translate(best)
        return
    if kind == "enum":
        options = [str(o) for o in _listed(error.validator_value)]
        hint = did_you_mean(str(instance), options) if isinstance(instance, str) else None
        yield SchemaIssue(
            path, f"must be one of {', '.join(options)} (got {_kind_of(instance)})", hint
        )
        return
    if kind == "const":
        yield SchemaIssue(path, f"must be {error.validator_value!r}")
        return
    if kind == "minItems":
        count = error.validator_value
        yield SchemaIssue(
            path, "must not be empty" if count == 1 else f"needs at least {count} items"
        )
        return
    if kind == "minLength":
        yield SchemaIssue(path, "must not be empty")
        return
    if kind == "maxLength":
        yield SchemaIssue(path, f"is longer than {error.validator_value} characters")
        return
    if kind == "minProperties" and error.validator_value == 1:
        yield SchemaIssue(path, "must not be empty")
        return
    if kind == "maxProperties" and error.validator_value == 0:
        yield SchemaIssue(path, "takes no settings")
        return
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "more than",
            "exclusiveMaximum": "less than",
        }
        yield SchemaIssue(path, f"must be {words[kind]} {error.validator_value} (got {instance})")
        return
    yield SchemaIssue(path, error.message)
