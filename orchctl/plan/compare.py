"""Semantic comparison of definitions with live objects; the one module that knows deepdiff.

Equality is decided on a canonical form (key order ignored, 100 == 100.0, an empty filter
equals no filter, vars as strings) so that planning 10,000 objects stays cheap; deepdiff
runs only for objects that differ, to say where.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from orchctl.diagnostics import format_path
from orchctl.plan.model import FieldChange


def canonical(value: Any) -> Any:
    """Integral floats become ints, recursively: the server decodes numbers as float64."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return value


def encode(body: Any) -> str:
    """Compact, key-sorted JSON of a value that is already canonical (the bodies below)."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# A float in compact JSON: digits then `.` or an exponent, right after `:`, `,` or `[`.
# (Inside a string it may match too: that only sends the value the long way.)
_FLOAT_TOKEN = re.compile(r"[:,\[]-?\d+[.eE]")


def canonical_json(value: Any) -> str:
    """`encode(canonical(value))` for JSON data (string keys): encoded as it is when that
    holds no float, the common case, which spares walking it in Python."""
    text = encode(value)
    if _FLOAT_TOKEN.search(text) is None and not (isinstance(value, float)):
        return text
    return encode(canonical(value))


def digest(value: Any) -> str:
    """A short digest of any JSON value, compared semantically."""
    return body_digest(canonical(value))


def body_digest(body: Any) -> str:
    """A short digest of an already canonical body."""
    return hashlib.sha256(encode(body).encode()).hexdigest()[:16]


def workflow_body(stages: Any) -> dict[str, Any]:
    """What is compared of a workflow: its stages (the server keeps only name and stages)."""
    return {"stages": canonical(list(stages or []))}


def trigger_body(
    event: str, filter_: str | None, variables: Any, version: str | None
) -> dict[str, Any]:
    """What is compared of a trigger, besides the workflow it starts."""
    body: dict[str, Any] = {"event": event}
    if filter_:
        body["filter"] = filter_
    if variables:
        body["vars"] = {str(k): str(v) for k, v in dict(variables).items()}
    if version:
        body["version"] = version
    return body


def same(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether two bodies made by `workflow_body`/`trigger_body` (canonical) are equal."""
    return encode(before) == encode(after)


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[FieldChange, ...]:
    """Where two bodies differ, path by path (stage order matters; key order does not)."""
    from deepdiff import DeepDiff  # 70 ms to import: only plans that change something do

    tree = DeepDiff(
        canonical(before),
        canonical(after),
        ignore_order=False,
        ignore_numeric_type_changes=True,
        view="tree",
    )
    changes: list[FieldChange] = []
    for report, items in tree.items():
        for level in items:
            path = format_path(level.path(output_format="list"))
            if report in ("dictionary_item_added", "iterable_item_added"):
                changes.append(FieldChange(path, "added", after=level.t2))
            elif report in ("dictionary_item_removed", "iterable_item_removed"):
                changes.append(FieldChange(path, "removed", before=level.t1))
            else:
                changes.append(FieldChange(path, "changed", before=level.t1, after=level.t2))
    return tuple(sorted(changes, key=lambda c: _path_key(c.path)))


def _path_key(path: str) -> list[Any]:
    key: list[Any] = []
    for part in path.replace("]", "").replace("[", ".").split("."):
        key.append((0, int(part), "") if part.isdigit() else (1, 0, part))
    return key
