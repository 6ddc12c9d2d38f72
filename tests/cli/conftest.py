"""Fixtures for the CLI tests."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["current", "patched"])
def profile(request: pytest.FixtureRequest) -> str:
    """The embedded sandbox's profile (orchctl.yaml ``sandbox: {profile: ...}``): the CLI
    must work on today's service and on the patched one."""
    value: str = request.param
    return value
