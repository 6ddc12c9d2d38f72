"""Retry, deadline and error decisions, on a scripted fake server with fake time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from api_support import FakeClock, Script, err

from orchctl.api import (
    AuthError,
    NotFound,
    OrchestrationClient,
    OutcomeUnknown,
    RateLimited,
    RetrySettings,
    ServerError,
    Timeout,
    Timeouts,
    TransportError,
    ValidationFailed,
    WorkflowConfig,
)
from orchctl.api.errors import ApiError

WF = {"id": "w1", "config": {"name": "a", "stages": []}, "createdAt": "2026-01-01T00:00:00Z"}
OK_GET = httpx.Response(200, json={"data": WF})
OK_CREATE = httpx.Response(201, json={"data": WF})
Make = Callable[..., tuple[OrchestrationClient, Script]]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_reads_are_retried_on_transient_statuses(scripted: Make, status: int) -> None:
    client, script = scripted([err(status), err(status), OK_GET])
    assert client.get_workflow("w1").id == "w1"
    assert len(script.requests) == 3


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("reset"),
    ],
)
def test_reads_are_retried_on_connection_failures(scripted: Make, exc: Exception) -> None:
    client, script = scripted([exc, OK_GET])
    assert client.get_workflow("w1").id == "w1"
    assert len(script.requests) == 2


def test_attempts_are_bounded_and_the_error_says_so(scripted: Make, clock: FakeClock) -> None:
    client, script = scripted([err(503)], retries=RetrySettings(attempts=3, deadline=100))
    with pytest.raises(ServerError) as info:
        client.get_workflow("w1")
    assert len(script.requests) == 3
    e = info.value
    assert (e.method, e.path, e.status, e.attempts) == ("GET", "/v2/workflows/w1", 503, 3)
    assert "3 attempt(s)" in e.message
    assert "\n" not in str(e)
    # exponential backoff with full jitter (rng pinned to 1.0): 0.25, 0.5
    assert clock.sleeps == [0.25, 0.5]


def test_retry_after_is_honoured(scripted: Make, clock: FakeClock) -> None:
    client, _script = scripted([err(429, **{"Retry-After": "2"}), OK_GET])
    client.get_workflow("w1")
    assert clock.sleeps == [2.0]


def test_retry_after_beyond_the_deadline_gives_up_at_once(scripted: Make, clock: FakeClock) -> None:
    client, script = scripted(
        [err(429, **{"Retry-After": "120"}), OK_GET], retries=RetrySettings(deadline=10)
    )
    with pytest.raises(RateLimited) as info:
        client.get_workflow("w1")
    assert len(script.requests) == 1
    assert clock.sleeps == []
    assert "lower --parallelism" in info.value.message


def test_the_total_budget_bounds_a_call(scripted: Make, clock: FakeClock) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        clock.now += 4  # every attempt eats 4 s of the 10 s budget
        raise httpx.ReadTimeout("slow")

    client, script = scripted(
        [slow], timeouts=Timeouts(connect=1, read=4, total=10), retries=RetrySettings(10, 100)
    )
    with pytest.raises(Timeout):
        client.get_workflow("w1")
    assert len(script.requests) in (2, 3)
    timeouts = [r.extensions["timeout"] for r in script.requests]
    assert all(t["read"] <= 4 for t in timeouts)
    assert timeouts[-1]["read"] < 4  # capped by what is left of the total


def test_500_is_not_retried_for_writes(scripted: Make) -> None:
    client, script = scripted([err(500, "INTERNAL", "creating workflow: unknown stage"), OK_CREATE])
    with pytest.raises(ServerError) as info:
        client.create_workflow(WorkflowConfig(stages=({"bogus": {}},), name="a"))
    assert len(script.requests) == 1
    assert info.value.error_code == "INTERNAL"
    assert info.value.error_message == "creating workflow: unknown stage"


@pytest.mark.parametrize(
    "outcome",
    [
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("reset"),
        err(502),
        err(503),
        err(504),
    ],
)
def test_a_write_that_may_have_landed_is_outcome_unknown(scripted: Make, outcome: Any) -> None:
    client, script = scripted([outcome, OK_CREATE])
    with pytest.raises(OutcomeUnknown) as info:
        client.create_workflow(WorkflowConfig(stages=(), name="a"))
    assert len(script.requests) == 1  # never blindly retried
    assert info.value.method == "POST"
    assert "re-read" in info.value.message


@pytest.mark.parametrize("outcome", [httpx.ConnectError("refused"), err(429)])
def test_a_write_that_never_landed_is_retried(scripted: Make, outcome: Any) -> None:
    client, script = scripted([outcome, OK_CREATE])
    assert client.create_workflow(WorkflowConfig(stages=(), name="a")).id == "w1"
    assert len(script.requests) == 2


def test_delete_after_a_lost_answer_accepts_404_as_done(scripted: Make) -> None:
    client, script = scripted([httpx.ReadError("reset"), err(404, "NOT_FOUND", "not found")])
    client.delete_trigger("t1")
    assert script.paths == ["DELETE /v2/triggers/t1", "DELETE /v2/triggers/t1"]


def test_a_delete_answered_404_is_done(scripted: Make) -> None:
    client, script = scripted(
        [err(404, "NOT_FOUND", "sql: no rows in result set"), err(404, "NOT_FOUND", "x")]
    )
    client.delete_trigger("t1")
    client.delete_workflow("w1")
    assert script.paths == ["DELETE /v2/triggers/t1", "DELETE /v2/workflows/w1"]


def test_a_delete_answered_400_is_an_error(scripted: Make) -> None:
    client, _ = scripted([err(400, "VALIDATION", "bad id")])
    with pytest.raises(ValidationFailed):
        client.delete_workflow("not-a-uuid")


def test_no_rows_500_is_not_found_and_not_retried(scripted: Make) -> None:
    client, script = scripted([err(500, "INTERNAL", "sql: no rows in result set")])
    with pytest.raises(NotFound) as info:
        client.get_workflow("w1")
    assert len(script.requests) == 1
    assert info.value.status == 500


def test_400_carries_the_server_fields(scripted: Make) -> None:
    client, _ = scripted([err(400, "VALIDATION", "invalid\nsyntax")])
    with pytest.raises(ValidationFailed) as info:
        client.get_workflow("w1")
    e = info.value
    assert (e.status, e.error_code, e.error_message) == (400, "VALIDATION", "invalid syntax")
    assert str(e) == "GET /v2/workflows/w1: rejected as invalid (400 VALIDATION: invalid syntax)"


def test_401_says_what_to_check(scripted: Make) -> None:
    client, _ = scripted([httpx.Response(401)])
    with pytest.raises(AuthError) as info:
        client.get_workflow("w1")
    assert info.value.message == (
        "GET /v2/workflows/w1: authentication failed — the server gives no detail; the stack "
        "requires credentials and none are configured; set "
        "FORMANCE_STACK_CLIENT_ID/SECRET or FORMANCE_STACK_TOKEN"
    )


def test_certificate_errors_are_not_retried_and_point_at_ca_bundle(scripted: Make) -> None:
    client, script = scripted(
        [httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")]
    )
    with pytest.raises(TransportError) as info:
        client.get_workflow("w1")
    assert len(script.requests) == 1
    assert "--ca-bundle" in info.value.message


def test_nothing_from_httpx_escapes(scripted: Make) -> None:
    client, _ = scripted([httpx.UnsupportedProtocol("nope")])
    with pytest.raises(ApiError):
        client.get_workflow("w1")


def test_debug_log_has_requests_but_no_authorization(
    scripted: Make, caplog: pytest.LogCaptureFixture
) -> None:
    from orchctl.api import Credentials, Secret

    client, script = scripted(
        [err(503), OK_GET], credentials=Credentials(token=Secret("tok-SENSITIVE"))
    )
    with caplog.at_level(logging.DEBUG):
        client.get_workflow("w1")
    assert script.requests[0].headers["Authorization"] == "Bearer tok-SENSITIVE"
    assert "GET /v2/workflows/w1 -> 503" in caplog.text
    assert "SENSITIVE" not in caplog.text


def test_abort_after_a_lost_answer_accepts_already_completed(scripted: Make) -> None:
    done = err(500, "INTERNAL", "workflow execution already completed")
    client, script = scripted([httpx.ReadError("reset"), done])
    client.abort_instance("i1")
    assert script.paths == ["PUT /v2/instances/i1/abort"] * 2
    client2, _ = scripted([done])  # without a lost answer, it is an error
    with pytest.raises(ServerError):
        client2.abort_instance("i1")
