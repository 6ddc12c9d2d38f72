"""Secrets never reach a log line (any logger, DEBUG included) or an error."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from orchctl.api import (
    AuthError,
    ClientConfig,
    OrchestrationClient,
    client_config_from_environment,
)
from orchctl.sandbox import Sandbox

pytestmark = pytest.mark.socket

SECRET = "sekrit-0123456789abcdef"


@pytest.fixture
def server_url() -> Iterator[str]:
    with Sandbox(":memory:", auth=[f"cid:{SECRET}"]) as sb:
        server = sb.serve("127.0.0.1", 0)
        yield server.url
        server.shutdown()


def test_oauth_flow_logs_nothing_secret(server_url: str, caplog: pytest.LogCaptureFixture) -> None:
    env = {
        "FORMANCE_STACK_API_ENDPOINT": server_url,
        "FORMANCE_STACK_CLIENT_ID": "cid",
        "FORMANCE_STACK_CLIENT_SECRET": SECRET,
    }
    config = client_config_from_environment({}, env)
    with caplog.at_level(logging.DEBUG):
        with OrchestrationClient(config) as client:
            client.list_all()
            token = client._session.auth.authorization()  # the bearer actually used
        assert token is not None
        bearer = token.reveal().split()[1]
        wrong = client_config_from_environment(
            {}, {**env, "FORMANCE_STACK_CLIENT_SECRET": "x" + SECRET}
        )
        with OrchestrationClient(wrong) as client, pytest.raises(AuthError) as info:
            client.list_workflows()
    assert "HTTP Request" in caplog.text  # the loggers did run at DEBUG
    assert SECRET not in caplog.text
    assert bearer not in caplog.text
    assert SECRET not in str(info.value)
    assert SECRET not in repr(config)
    assert bearer not in repr(token)


def test_static_token_is_not_in_the_config_repr() -> None:
    config = client_config_from_environment({}, {"FORMANCE_STACK_TOKEN": SECRET})
    assert SECRET not in repr(config)
    assert SECRET not in str(config.credentials)
    assert isinstance(config, ClientConfig)
