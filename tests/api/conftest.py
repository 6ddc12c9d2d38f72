"""Fixtures for the API client tests; the helpers live in api_support.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from api_support import FakeClock, Outcome, Script

from orchctl.api import ClientConfig, OrchestrationClient, RetrySettings, Timeouts


@pytest.fixture(params=["current", "patched"])
def profile(request: pytest.FixtureRequest) -> str:
    """The sandbox profile: the client must work on today's service and the patched one."""
    value: str = request.param
    return value


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def scripted(clock: FakeClock) -> Iterator[Callable[..., tuple[OrchestrationClient, Script]]]:
    """``scripted(outcomes, **config)`` -> a bare-layout client on a Script, fake time."""
    made: list[OrchestrationClient] = []

    def make(outcomes: list[Outcome], **overrides: Any) -> tuple[OrchestrationClient, Script]:
        script = Script(list(outcomes))
        config = ClientConfig(
            url="https://stack.example",
            retries=overrides.pop("retries", RetrySettings(attempts=4, deadline=30)),
            timeouts=overrides.pop("timeouts", Timeouts(connect=1, read=2, total=60)),
            **overrides,
        )
        client = OrchestrationClient(
            config,
            transport=script.transport(),
            layout="bare",
            sleep=clock.sleep,
            clock=clock,
            rng=lambda: 1.0,
        )
        made.append(client)
        return client, script

    yield make
    for c in made:
        c.close()
