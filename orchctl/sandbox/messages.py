"""The framework-free request and response the sandbox core works with."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    @classmethod
    def build(
        cls,
        method: str,
        target: str,
        headers: dict[str, str] | list[tuple[str, str]] | None = None,
        body: bytes = b"",
    ) -> Request:
        path, _, raw_query = target.partition("?")
        items = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
        return cls(
            method=method.upper(),
            path=path,
            query=tuple(parse_qsl(raw_query, keep_blank_values=True)),
            headers=tuple((k.lower(), v) for k, v in items),
            body=body,
        )

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key == lowered:
                return value
        return None

    def param(self, name: str) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return None

    @property
    def is_write(self) -> bool:
        return self.method in {"POST", "PUT", "DELETE", "PATCH"}


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    # Set by fault injection: drop the connection instead of answering.
    reset: bool = False

    @classmethod
    def json(cls, status: int, payload: Any, headers: tuple[tuple[str, str], ...] = ()) -> Response:
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
        return cls(status, body, (("Content-Type", "application/json"), *headers))

    @classmethod
    def empty(cls, status: int, headers: tuple[tuple[str, str], ...] = ()) -> Response:
        return cls(status, b"", headers)

    @classmethod
    def text(cls, status: int, text: str) -> Response:
        return cls(status, text.encode(), (("Content-Type", "text/plain; charset=utf-8"),))

    def json_body(self) -> Any:
        return json.loads(self.body)
