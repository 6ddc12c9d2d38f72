"""``link(event, rel)`` the way the service follows it (``internal/triggers/expression.go``).

The payload's ``links`` is a list of ``{"name", "uri"}``; the one link named ``rel`` is
fetched with GET at its ``uri`` and the answer's ``data`` is the value. The sandbox's GET
reads its link table (``PUT /_sandbox/links``), keyed by uri::

    {uri: {"status"?: 200, "body"?: {"data": {...}}}}

A uri missing from the table answers 404. The errors are the service's words:
``link '<rel>' not defined for object``, ``multiple link '<rel>' found for object``,
``unexpected status code when reading resource: <code>``. The expr engine wraps a function's
error; the service unwraps it (``errors.Unwrap`` in ``eval``), so :class:`LinkFollower`
remembers the bare message for :func:`orchctl.sandbox.expressions.evaluate` to report.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from orchctl.sandbox import bodies

NOT_FOUND_RESPONSE: dict[str, Any] = {"status": 404, "body": {"errorCode": "NOT_FOUND"}}


class LinkError(Exception):
    """``link(event, rel)`` failed; the message is the service's."""


def check_table(table: Any) -> dict[str, dict[str, Any]]:
    """Validate a link table; ValueError with a readable reason if malformed."""
    if not isinstance(table, dict):
        raise ValueError("the link table is an object {uri: {status?, body?}}")
    out: dict[str, dict[str, Any]] = {}
    for uri, response in table.items():
        if not isinstance(response, dict) or not set(response) <= {"status", "body"}:
            raise ValueError(f"link {uri!r}: expected {{status?, body?}}")
        status = response.get("status", 200)
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            raise ValueError(f"link {uri!r}: status must be an HTTP status code")
        out[str(uri)] = {"status": status, "body": response.get("body")}
    return out


def _links_of(obj: Any) -> list[tuple[str, str]]:
    """``json.Unmarshal`` of the object into ``struct{Links []api.Link}``."""
    if obj is None:
        return []
    if not isinstance(obj, dict):
        raise LinkError(
            f"json: cannot unmarshal {bodies.kind(obj)} into Go value of type triggers.object"
        )
    _, links = bodies.field(obj, "links")
    if links is None:
        return []
    if not isinstance(links, list):
        raise LinkError(
            f"json: cannot unmarshal {bodies.kind(links)} into Go struct field "
            "object.links of type []api.Link"
        )
    out: list[tuple[str, str]] = []
    for item in links:
        if item is None:
            out.append(("", ""))
            continue
        if not isinstance(item, dict):
            raise LinkError(
                f"json: cannot unmarshal {bodies.kind(item)} into Go struct field "
                "object.links of type api.Link"
            )
        values = []
        for key in ("name", "uri"):
            _, value = bodies.field(item, key)
            if value is not None and not isinstance(value, str):
                raise LinkError(
                    f"json: cannot unmarshal {bodies.kind(value)} into Go struct field "
                    f"Link.links.{key} of type string"
                )
            values.append(value or "")
        out.append((values[0], values[1]))
    return out


class LinkFollower:
    """The ``link`` function for one evaluation, reading ``table`` (uri -> response)."""

    def __init__(self, table: Mapping[str, Any], lock: threading.Lock | None = None) -> None:
        self._table = table
        self._lock = lock or threading.Lock()
        self.failure: str | None = None

    def __call__(self, obj: Any, rel: Any = None) -> Any:
        try:
            return self._follow(obj, rel)
        except LinkError as exc:
            self.failure = str(exc)
            raise

    def _follow(self, obj: Any, rel: Any) -> Any:
        links = _links_of(obj)
        if not isinstance(rel, str):
            raise LinkError("second parameter must be a string")
        uris = [uri for name, uri in links if name == rel]
        if not uris:
            raise LinkError(f"link '{rel}' not defined for object")
        if len(uris) > 1:
            raise LinkError(f"multiple link '{rel}' found for object")
        with self._lock:
            response = self._table.get(uris[0], NOT_FOUND_RESPONSE)
        if response["status"] >= 400:
            raise LinkError(f"unexpected status code when reading resource: {response['status']}")
        body = response.get("body")
        if body is None:
            return None
        if not isinstance(body, dict):
            raise LinkError(
                f"decoding response: json: cannot unmarshal {bodies.kind(body)} into Go value "
                "of type api.BaseResponse[map[string]interface {}]"
            )
        _, data = bodies.field(body, "data")
        if data is not None and not isinstance(data, dict):
            raise LinkError(
                f"decoding response: json: cannot unmarshal {bodies.kind(data)} into Go struct "
                "field BaseResponse[map[string]interface {}].data of type map[string]interface {}"
            )
        return data
