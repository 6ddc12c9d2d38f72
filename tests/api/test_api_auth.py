"""Credentials against the sandbox's OAuth2 token endpoint."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from api_support import FakeClock

from orchctl.api import (
    AuthError,
    ClientConfig,
    Credentials,
    OrchestrationClient,
    Secret,
    WorkflowConfig,
    client_config_from_environment,
)
from orchctl.sandbox import EMBEDDED_URL, Sandbox

SECRET = "s3cr3t-DO-NOT-PRINT"


@dataclass
class Counting(httpx.BaseTransport):
    inner: httpx.BaseTransport
    paths: list[str] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        self.bodies.append(request.read())
        return self.inner.handle_request(request)

    @property
    def token_requests(self) -> int:
        return self.paths.count("/api/auth/oauth/token")


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(
        ":memory:",
        auth=[f"cid:{SECRET}", f"reader:{SECRET}:orchestration:read"],
        time_scale=0.001,
    ) as sb:
        yield sb


def make(
    sb: Sandbox, *, client_id: str = "cid", secret: str = SECRET, clock: FakeClock | None = None
) -> tuple[OrchestrationClient, Counting]:
    transport = Counting(sb.transport())
    creds = Credentials(client_id=client_id, client_secret=Secret(secret))
    client = OrchestrationClient(
        ClientConfig(credentials=creds),
        transport=transport,
        base_url=EMBEDDED_URL,
        layout="gateway",
        **({"clock": clock, "sleep": clock.sleep} if clock else {}),  # type: ignore[arg-type]
    )
    return client, transport


def test_token_is_fetched_once_and_cached(sandbox: Sandbox) -> None:
    client, transport = make(sandbox)
    with client:
        for _ in range(3):
            client.list_workflows()
    assert transport.token_requests == 1
    assert transport.paths.count("/api/orchestration/v2/workflows") == 3


def test_token_is_refreshed_shortly_before_it_expires(sandbox: Sandbox) -> None:
    clock = FakeClock()
    client, transport = make(sandbox, clock=clock)
    with client:
        client.list_workflows()
        clock.now += 3600 - 31  # sandbox tokens last 3600 s; margin is 30 s
        client.list_workflows()
        assert transport.token_requests == 1
        clock.now += 2
        client.list_workflows()
        assert transport.token_requests == 2


def test_an_expired_token_is_refreshed_once_on_401(sandbox: Sandbox) -> None:
    assert sandbox.app.auth is not None
    sandbox.app.auth.ttl = 1  # short-lived tokens (whole seconds)
    clock = FakeClock()  # the client's clock stands still: it believes its token is fresh
    client, transport = make(sandbox, clock=clock)
    with client:
        client.list_workflows()
        time.sleep(1.05)
        client.list_workflows()
    assert transport.token_requests == 2
    workflows_calls = transport.paths.count("/api/orchestration/v2/workflows")
    assert workflows_calls == 3  # ok, 401, ok after refresh


def test_wrong_secret_is_an_auth_error_that_names_variables_not_values(sandbox: Sandbox) -> None:
    client, transport = make(sandbox, secret="wrong-" + SECRET)
    with client, pytest.raises(AuthError) as info:
        client.list_workflows()
    e = info.value
    assert e.status == 401
    assert e.error_code == "invalid_client"
    assert e.path == "/api/auth/oauth/token"
    assert "FORMANCE_STACK_CLIENT_ID/SECRET" in str(e)
    assert SECRET not in str(e)
    assert SECRET not in repr(e.__dict__)
    assert transport.token_requests == 1  # a refused credential is not retried


def test_missing_write_scope_refreshes_once_then_explains(sandbox: Sandbox) -> None:
    client, transport = make(sandbox, client_id="reader")
    with client:
        assert client.list_workflows() == []
        with pytest.raises(AuthError) as info:
            client.create_workflow(WorkflowConfig(stages=({"noop": {}},), name="x"))
    assert info.value.message == (
        "POST /api/orchestration/v2/workflows: authentication failed — the server gives no "
        "detail; check FORMANCE_STACK_CLIENT_ID/SECRET and the orchestration:read/write scopes"
    )
    assert transport.token_requests == 2
    assert transport.paths.count("/api/orchestration/v2/workflows") == 3


def test_scopes_are_requested(sandbox: Sandbox) -> None:
    entry = {"auth": {"scopes": ["orchestration:read"]}}
    env = {"FORMANCE_STACK_CLIENT_ID": "cid", "FORMANCE_STACK_CLIENT_SECRET": SECRET}
    transport = Counting(sandbox.transport())
    config = client_config_from_environment(entry, env)
    with OrchestrationClient(config, transport=transport, base_url=EMBEDDED_URL) as client:
        client.list_workflows()
        with pytest.raises(AuthError):  # we asked for read only
            client.create_workflow(WorkflowConfig(stages=(), name="x"))
    token_body = transport.bodies[transport.paths.index("/api/auth/oauth/token")]
    assert b"scope=orchestration%3Aread" in token_body


def test_static_token(sandbox: Sandbox) -> None:
    http = sandbox.client()
    token = http.post(
        "/api/auth/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "cid", "client_secret": SECRET},
    ).json()["access_token"]
    http.close()
    good = ClientConfig(credentials=Credentials(token=Secret(token)))
    bad = ClientConfig(credentials=Credentials(token=Secret("nope-TOKEN")))
    with OrchestrationClient(good, transport=sandbox.transport(), base_url=EMBEDDED_URL) as c:
        assert c.list_workflows() == []
    bad_client = OrchestrationClient(bad, transport=sandbox.transport(), base_url=EMBEDDED_URL)
    with bad_client, pytest.raises(AuthError) as info:
        bad_client.list_workflows()
    assert "FORMANCE_STACK_TOKEN" in str(info.value)
    assert "nope-TOKEN" not in str(info.value)


def test_no_credentials_on_a_secured_stack(sandbox: Sandbox) -> None:
    client = OrchestrationClient(transport=sandbox.transport(), base_url=EMBEDDED_URL)
    with client:
        assert client.server_info().version  # /_info needs no token, as on the real router
        with pytest.raises(AuthError) as info:
            client.list_workflows()
    assert "none are configured" in str(info.value)
