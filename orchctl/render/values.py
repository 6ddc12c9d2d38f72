"""Values shown compactly, YAML flow style: ``{noop: {}}``, ``[1, 2]``, strings quoted."""

from __future__ import annotations

import json
import re
from typing import Any

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-/]*")


def flow(value: Any) -> str:
    """One line, never a JSON blob: mapping keys bare when they can be, strings quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return quote(str(value))


def quote(text: str) -> str:
    """A double-quoted string on one line (newlines and control characters escaped)."""
    return json.dumps(text, ensure_ascii=False)


def is_multiline(value: Any) -> bool:
    return isinstance(value, str) and "\n" in value.strip("\n")


def _key(key: Any) -> str:
    text = str(key)
    return text if _PLAIN_KEY.fullmatch(text) else quote(text)
