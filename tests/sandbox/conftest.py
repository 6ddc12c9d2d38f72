"""Fixtures for the sandbox tests: an in-process sandbox, a client on it, helpers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sandbox_support import Api

from orchctl.sandbox import EMBEDDED_URL, Sandbox


@pytest.fixture
def profile() -> str:
    """The service imitated; tests where the profiles differ parametrize ``profile``."""
    return "current"


@pytest.fixture
def sandbox(profile: str) -> Iterator[Sandbox]:
    with Sandbox(seed=7, time_scale=0.001, profile=profile) as box:
        yield box


@pytest.fixture
def http(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(transport=sandbox.transport(), base_url=EMBEDDED_URL) as client:
        yield client


@pytest.fixture
def api(http: httpx.Client) -> Api:
    return Api(http)


@pytest.fixture
def expr() -> Any:
    module = pytest.importorskip("orchctl.expr")
    if not hasattr(module, "compile_expr"):
        pytest.skip("orchctl.expr is not there yet")
    return module
