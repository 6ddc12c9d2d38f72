"""TLS: verification on by default, --ca-bundle, --insecure (with a warning every run),
and a loud warning for plain http off loopback."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from orchctl.api import (
    ClientConfig,
    ConfigurationError,
    OrchestrationClient,
    RetrySettings,
    TlsSettings,
    TransportError,
    client_config_from_environment,
)

pytestmark = pytest.mark.socket


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"cursor": {"pageSize": 100, "hasMore": False, "data": []}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    command = [
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
    ]
    subprocess.run(
        [*command, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_url(certificate: tuple[Path, Path]) -> Iterator[str]:
    cert, key = certificate
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def make(url: str, tls: TlsSettings, warnings: list[str]) -> OrchestrationClient:
    config = ClientConfig(url=url, tls=tls, retries=RetrySettings(3, 5, 0.01, 0.01))
    return OrchestrationClient(config, layout="bare", warn=warnings.append)


def test_verification_is_on_by_default(tls_url: str) -> None:
    warnings: list[str] = []
    with make(tls_url, TlsSettings(), warnings) as client:
        with pytest.raises(TransportError) as info:
            client.list_workflows()
        assert client.requests_sent == 1  # an untrusted certificate is not retried
    assert "--ca-bundle" in info.value.message
    assert warnings == []


def test_ca_bundle_makes_a_private_ca_trusted(tls_url: str, certificate: tuple[Path, Path]) -> None:
    warnings: list[str] = []
    with make(tls_url, TlsSettings(ca_bundle=str(certificate[0])), warnings) as client:
        assert client.list_workflows() == []
    assert warnings == []


def test_insecure_works_and_warns_on_every_run(tls_url: str) -> None:
    warnings: list[str] = []
    for _ in range(2):
        with make(tls_url, TlsSettings(insecure=True), warnings) as client:
            assert client.list_workflows() == []
    assert len(warnings) == 2
    assert all("verification is DISABLED for 127.0.0.1" in w for w in warnings)


def test_missing_ca_bundle_is_a_configuration_error(tmp_path: Path) -> None:
    config = ClientConfig(url="https://127.0.0.1:1", tls=TlsSettings(ca_bundle=str(tmp_path / "x")))
    with pytest.raises(ConfigurationError):
        OrchestrationClient(config)


def test_plain_http_off_loopback_warns_loudly_before_any_request() -> None:
    warnings: list[str] = []
    config = client_config_from_environment({"url": "http://stack.example.com"}, {})
    client = OrchestrationClient(config, warn=warnings.append)
    client.close()
    assert client.requests_sent == 0
    assert warnings == [
        "PLAIN HTTP to non-loopback host stack.example.com: credentials and tokens travel "
        "unencrypted; use https"
    ]
