"""Helpers for the API client tests (imported by name; conftest.py only holds fixtures).

``Script`` is a tiny fake server for the pure pieces (retry decisions, cursor following):
it answers from a list of canned outcomes and records every request. Semantics are tested
against the sandbox (test_api_sandbox_*.py, test_api_socket_*.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

Outcome = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


@dataclass
class Script:
    """Answers request N with ``outcomes[N]`` (the last one repeats)."""

    outcomes: list[Outcome]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        outcome = self.outcomes[min(len(self.requests), len(self.outcomes)) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        if isinstance(outcome, httpx.Response):
            return outcome
        return outcome(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    @property
    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]


@dataclass
class FakeClock:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def err(status: int, code: str | None = None, message: str | None = None, **headers: str) -> Any:
    body = {"errorCode": code, "errorMessage": message} if code else None
    return (
        httpx.Response(status, json=body, headers=headers)
        if body
        else httpx.Response(status, headers=headers)
    )
