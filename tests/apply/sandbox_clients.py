"""Clients on the sandbox for the apply tests, each writing under its own actor name so the
sandbox's timeline tells who wrote what (imported by name; no fixtures here)."""

from __future__ import annotations

import httpx

from orchctl.api import ClientConfig, OrchestrationClient, RetrySettings, Timeouts
from orchctl.sandbox import Sandbox

FAST_RETRIES = RetrySettings(attempts=6, deadline=30, base_delay=0.001, max_delay=0.01)


class ActorTransport(httpx.BaseTransport):
    """Adds ``X-Sandbox-Actor`` to every request, then hands it to ``inner``."""

    def __init__(self, inner: httpx.BaseTransport, actor: str) -> None:
        self.inner = inner
        self.actor = actor

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["X-Sandbox-Actor"] = self.actor
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def sandbox_client(
    sb: Sandbox,
    actor: str = "orchctl",
    *,
    retries: RetrySettings = FAST_RETRIES,
    parallelism: int = 4,
) -> OrchestrationClient:
    """An in-process client; retries sleep next to nothing."""
    config = ClientConfig(
        retries=retries, timeouts=Timeouts(connect=2, read=5, total=30), parallelism=parallelism
    )
    return OrchestrationClient(
        config,
        transport=ActorTransport(sb.transport(), actor),
        layout="bare",
        sleep=lambda s: None,
    )


def http_client(
    url: str, actor: str, *, retries: RetrySettings = FAST_RETRIES
) -> OrchestrationClient:
    """A client over 127.0.0.1 (``url`` from ``Sandbox.serve``)."""
    config = ClientConfig(url=url, retries=retries, timeouts=Timeouts(connect=2, read=5, total=30))
    return OrchestrationClient(
        config, transport=ActorTransport(httpx.HTTPTransport(), actor), layout="gateway"
    )
