"""The real HTTP server on 127.0.0.1 (and the ``orchctl sandbox`` command)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from sandbox_support import NOOP

from orchctl.cli.main import run
from orchctl.cli.sandbox import _is_loopback
from orchctl.sandbox import Faults, Sandbox, SandboxServer, ScriptedFault

pytestmark = pytest.mark.socket


@pytest.fixture
def served(sandbox: Sandbox) -> Iterator[SandboxServer]:
    server = sandbox.serve("127.0.0.1", 0)
    yield server
    server.shutdown()


def test_serves_both_address_forms_with_keep_alive(served: SandboxServer) -> None:
    assert served.url.startswith("http://127.0.0.1:")
    with httpx.Client(base_url=served.url) as http:
        created = http.post("/api/orchestration/v2/workflows", json={"name": "s", "stages": NOOP})
        assert created.status_code == 201
        workflow_id = created.json()["data"]["id"]
        assert http.get(f"/v2/workflows/{workflow_id}").status_code == 200
        assert http.get("/api/orchestration/workflows").json()["data"][0]["id"] == workflow_id
        assert http.get("/_info").status_code == 200
        assert http.delete(f"/workflows/{workflow_id}").status_code == 204
        assert http.get("/v2/_info").status_code == 404


def test_yaml_over_the_wire(served: SandboxServer) -> None:
    with httpx.Client(base_url=served.url) as http:
        resp = http.post(
            "/v2/workflows",
            content=b"stages:\n  - noop: {}\n",
            headers={"Content-Type": "text/vnd.yaml"},
        )
        assert resp.status_code == 201


def test_reset_and_lost_drop_the_connection(sandbox: Sandbox, served: SandboxServer) -> None:
    sandbox.set_faults(
        Faults(script=(ScriptedFault("reset", "POST"), ScriptedFault("lost", "POST")))
    )
    with httpx.Client(base_url=served.url) as http:
        with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
            http.post("/v2/workflows", json={"name": "never", "stages": NOOP})
        with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
            http.post("/v2/workflows", json={"name": "ghost", "stages": NOOP})
        names = [w["config"]["name"] for w in http.get("/workflows").json()["data"]]
    assert names == ["ghost"]
    assert [e.outcome for e in sandbox.timeline()] == ["response_lost"]


def test_shutdown_with_an_idle_keep_alive_connection(sandbox: Sandbox) -> None:
    server = sandbox.serve("127.0.0.1", 0)
    http = httpx.Client(base_url=server.url)
    try:
        assert http.get("/_info").status_code == 200
        server.shutdown()
    finally:
        http.close()


def test_loopback_detection() -> None:
    assert _is_loopback("127.0.0.1")
    assert _is_loopback("::1")
    assert _is_loopback("localhost")
    assert not _is_loopback("0.0.0.0")
    assert not _is_loopback("10.1.2.3")


def test_cli_port_in_use_is_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = run(["sandbox", "--host", "127.0.0.1", "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"orchctl: error: cannot listen on 127.0.0.1:{port}")
    assert len(err.strip().splitlines()) == 1


def test_cli_bad_auth_client_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sandbox", "--auth-client", "nosecret"]) == 1
    assert "ID:SECRET" in capsys.readouterr().err


def test_cli_subprocess_serves_and_stops_on_sigint_and_sigterm() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        proc = subprocess.Popen(
            [sys.executable, "-m", "orchctl", "sandbox", "--port", "0", "--time-scale", "0.01"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            match = re.fullmatch(r"Sandbox listening on (http://127\.0\.0\.1:\d+)\n", line)
            assert match, line
            with httpx.Client(base_url=match.group(1)) as http:
                assert http.get("/api/orchestration/_info").status_code == 200
            proc.send_signal(sig)
            _, err = proc.communicate(timeout=10)
            assert proc.returncode == 0, err
            assert "Traceback" not in err
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()


def test_cli_profile_patched_serves_the_patched_service() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "orchctl", "sandbox", "--port", "0", "--profile", "patched"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.fullmatch(r"Sandbox listening on (http://127\.0\.0\.1:\d+)\n", line)
        assert match, line
        with httpx.Client(base_url=match.group(1)) as http:
            created = http.post("/v2/workflows", json={"stages": [{"noop": {}}]})
            workflow_id = created.json()["data"]["id"]
            assert http.delete(f"/v2/workflows/{workflow_id}").status_code == 204
            assert http.delete(f"/v2/workflows/{workflow_id}").status_code == 404
            assert http.get(f"/v2/workflows/{workflow_id}").status_code == 404
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
        assert proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_cli_unknown_profile_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sandbox", "--profile", "nightly"]) != 0
    assert "'nightly' is not one of 'current', 'patched'" in capsys.readouterr().err


def test_chunked_request_body(served: SandboxServer) -> None:
    def body() -> Iterator[bytes]:
        yield b'{"name": "chunked", '
        yield b'"stages": [{"noop": {}}]}'

    with httpx.Client(base_url=served.url) as http:
        resp = http.post(
            "/v2/workflows", content=body(), headers={"Content-Type": "application/json"}
        )
        assert resp.status_code == 201, resp.text
        assert resp.json()["data"]["config"]["name"] == "chunked"


def test_a_trailing_slash_is_served_like_the_bare_path(served: SandboxServer) -> None:
    with httpx.Client(base_url=served.url) as http:
        created = http.post("/api/orchestration/v2/workflows/", json={"stages": NOOP})
        assert created.status_code == 201, created.text
        workflow_id = created.json()["data"]["id"]
        for prefix in ("/api/orchestration/v2", "/v2", "/api/orchestration", ""):
            one = http.get(f"{prefix}/workflows/{workflow_id}/")
            assert one.status_code == 200, prefix
            assert one.json()["data"]["id"] == workflow_id
            assert http.get(f"{prefix}/workflows/").status_code == 200
            assert http.get(f"{prefix}/triggers/").status_code == 200
            assert http.get(f"{prefix}/instances/").status_code == 200
        run_ = http.post(f"/v2/workflows/{workflow_id}/instances/?wait=true", json={})
        assert run_.status_code == 201
        # leaves of the chi routers (r.Get("/history"), ...) and the root's /_info are exact
        instance_id = run_.json()["data"]["id"]
        assert http.get(f"/v2/instances/{instance_id}/history/").status_code == 404
        assert http.get("/_info/").status_code == 404
        assert http.delete(f"/v2/workflows/{workflow_id}/").status_code == 204


def test_info_needs_no_token_over_a_socket() -> None:
    with Sandbox(auth=["cid:secret"]) as box:
        server = box.serve("127.0.0.1", 0)
        with httpx.Client(base_url=server.url) as http:
            assert http.get("/api/orchestration/_info").status_code == 200
            assert http.get("/_info").json() == {"version": "v2.0.0-sandbox"}
            assert http.get("/api/orchestration/v2/workflows").status_code == 401
            assert http.get("/v2/_info").status_code == 404
