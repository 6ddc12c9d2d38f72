"""Request bodies decoded the way Go's encoding/json (or the YAML path) decodes them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import yaml

from orchctl.sandbox.messages import Request

YAML_CONTENT_TYPE = "text/vnd.yaml"


class BodyError(Exception):
    """The body cannot be decoded."""


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat().replace("+00:00", "Z")
    return value


def decode(request: Request) -> Any:
    """YAML only with ``Content-Type: text/vnd.yaml`` exactly; JSON otherwise.

    Like ``json.NewDecoder(r.Body).Decode``, only the first JSON value is read and an empty
    body is an error (EOF).
    """
    if request.header("content-type") == YAML_CONTENT_TYPE:
        try:
            return _plain(yaml.safe_load(request.body.decode("utf-8")))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise BodyError(f"yaml: {exc}") from None
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("invalid character in body") from None
    stripped = text.lstrip()
    if not stripped:
        raise BodyError("EOF")
    try:
        value, _ = json.JSONDecoder().raw_decode(stripped)
    except json.JSONDecodeError as exc:
        raise BodyError(f"invalid character: {exc.msg}") from None
    return value


def field(obj: dict[str, Any], name: str) -> tuple[bool, Any]:
    """Go's field matching for struct decoding: exact key first, else case-insensitive."""
    if name in obj:
        return True, obj[name]
    for key, value in obj.items():
        if key.lower() == name.lower():
            return True, value
    return False, None


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
