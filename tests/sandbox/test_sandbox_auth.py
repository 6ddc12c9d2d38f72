"""OAuth2 client credentials: tokens, scopes, 401 with an empty body."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from orchctl.sandbox import EMBEDDED_URL, Client, Sandbox

TOKEN = "/api/auth/oauth/token"


@pytest.fixture
def secured() -> Iterator[httpx.Client]:
    clients = [Client("rw", "s1"), Client.parse("ro:s2:orchestration:read")]
    with (
        Sandbox(auth=clients) as box,
        httpx.Client(transport=box.transport(), base_url=EMBEDDED_URL) as http,
    ):
        yield http


def _token(http: httpx.Client, client_id: str, secret: str, scope: str | None = None) -> str:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    if scope:
        form["scope"] = scope
    resp = http.post(TOKEN, data=form)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] > 0
    token: str = body["access_token"]
    return token


def test_no_token_is_401_empty_body(secured: httpx.Client) -> None:
    for method, path in [
        ("GET", "/api/orchestration/v2/workflows"),
        ("GET", "/api/orchestration/v2/workflows/"),
        ("POST", "/v2/workflows"),
    ]:
        resp = secured.request(method, path)
        assert resp.status_code == 401
        assert resp.content == b""


def test_info_needs_no_token(secured: httpx.Client) -> None:
    # /_info is on the service's root router, outside the auth middleware
    for path in ("/api/orchestration/_info", "/_info"):
        resp = secured.get(path)
        assert resp.status_code == 200, path
        assert resp.json() == {"version": "v2.0.0-sandbox"}
    assert secured.get("/_info", headers={"Authorization": "Bearer nope"}).status_code == 200
    assert secured.get("/v2/_info").status_code == 404  # not served, token or not


def test_bad_token_is_401(secured: httpx.Client) -> None:
    resp = secured.get("/v2/workflows", headers={"Authorization": "Bearer nope"})
    assert resp.status_code == 401
    assert resp.content == b""


def test_bad_client_secret_is_rejected(secured: httpx.Client) -> None:
    form = {"grant_type": "client_credentials", "client_id": "rw", "client_secret": "wrong"}
    assert secured.post(TOKEN, data=form).status_code == 401


def test_read_scope_cannot_write(secured: httpx.Client) -> None:
    headers = {"Authorization": f"Bearer {_token(secured, 'ro', 's2')}"}
    assert secured.get("/v2/workflows", headers=headers).status_code == 200
    resp = secured.post("/v2/workflows", json={"stages": []}, headers=headers)
    assert resp.status_code == 401
    assert resp.content == b""


def test_write_scope_needed_for_test_trigger(secured: httpx.Client) -> None:
    headers = {"Authorization": f"Bearer {_token(secured, 'ro', 's2')}"}
    resp = secured.post(
        "/v2/triggers/00000000-0000-4000-8000-000000000000/test", json={}, headers=headers
    )
    assert resp.status_code == 401


def test_requested_scopes_narrow_the_token(secured: httpx.Client) -> None:
    token = _token(secured, "rw", "s1", scope="orchestration:read")
    headers = {"Authorization": f"Bearer {token}"}
    assert secured.get("/v2/workflows", headers=headers).status_code == 200
    assert secured.post("/v2/workflows", json={"stages": []}, headers=headers).status_code == 401
    full = {"Authorization": f"Bearer {_token(secured, 'rw', 's1')}"}
    assert secured.post("/v2/workflows", json={"stages": []}, headers=full).status_code == 201


def test_basic_auth_on_token_endpoint(secured: httpx.Client) -> None:
    resp = secured.post(TOKEN, data={"grant_type": "client_credentials"}, auth=("rw", "s1"))
    assert resp.status_code == 200


def test_sandbox_endpoints_need_no_token(secured: httpx.Client) -> None:
    assert secured.get("/_sandbox/health").status_code == 200


def test_client_spec_parsing() -> None:
    assert Client.parse("a:b") == Client("a", "b")
    assert Client.parse("a:b:orchestration:read,orchestration:write").scopes == (
        "orchestration:read",
        "orchestration:write",
    )
    with pytest.raises(ValueError):
        Client.parse("nosecret")


def test_tokens_are_signed_and_survive_a_restart(secured: httpx.Client) -> None:
    token = _token(secured, "rw", "s1")
    forged = token[:-2] + ("00" if not token.endswith("00") else "11")
    assert (
        secured.get("/v2/workflows", headers={"Authorization": f"Bearer {forged}"}).status_code
        == 401
    )
    with Sandbox(auth=["rw:s1"]) as other, other.client() as http:
        assert (
            http.get("/v2/workflows", headers={"Authorization": f"Bearer {token}"}).status_code
            == 200
        )
    with Sandbox(auth=["rw:changed"]) as other, other.client() as http:
        assert (
            http.get("/v2/workflows", headers={"Authorization": f"Bearer {token}"}).status_code
            == 401
        )
