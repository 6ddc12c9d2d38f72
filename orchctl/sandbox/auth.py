"""OAuth2 client credentials: the token endpoint and bearer checks.

Any failure, a missing scope included, is a 401 with an empty body (never 403).
Tokens are stateless (claims signed with the client's secret), so like the real stack's
JWTs they stay valid across a restart and across sandboxes that share the client.
GETs need ``orchestration:read``; POST/PUT/DELETE need ``orchestration:write``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from orchctl.sandbox.errors import Unauthorized
from orchctl.sandbox.messages import Request, Response

READ = "orchestration:read"
WRITE = "orchestration:write"
TOKEN_PATH = "/api/auth/oauth/token"


@dataclass(frozen=True)
class Client:
    id: str
    secret: str
    scopes: tuple[str, ...] = (READ, WRITE)

    @classmethod
    def parse(cls, spec: str) -> Client:
        """``ID:SECRET[:scope,scope...]`` (scopes separated by commas or spaces)."""
        parts = spec.split(":", 2)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise ValueError(f"client must be ID:SECRET[:scopes], got {spec!r}")
        if len(parts) == 2:
            return cls(parts[0], parts[1])
        scopes = tuple(s for s in parts[2].replace(",", " ").split() if s)
        return cls(parts[0], parts[1], scopes)


class Auth:
    def __init__(self, clients: Iterable[Client], *, ttl: int = 3600) -> None:
        self.clients = {c.id: c for c in clients}
        self.ttl = ttl

    def token_endpoint(self, request: Request) -> Response:
        if request.method != "POST":
            return Response.empty(405)
        form = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        basic = request.header("authorization") or ""
        if basic.lower().startswith("basic "):
            try:
                client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
            except ValueError:
                return _oauth_error(401, "invalid_client")
        if form.get("grant_type") != "client_credentials":
            return _oauth_error(400, "unsupported_grant_type")
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.secret, secret):
            return _oauth_error(401, "invalid_client")
        requested = set(form.get("scope", "").split())
        granted = sorted(set(client.scopes) & requested if requested else set(client.scopes))
        claims = {"sub": client.id, "scope": granted, "exp": int(time.time()) + self.ttl}
        return Response.json(
            200,
            {
                "access_token": self._sign(client, claims),
                "token_type": "Bearer",
                "expires_in": self.ttl,
                "scope": " ".join(granted),
            },
        )

    @staticmethod
    def _sign(client: Client, claims: dict[str, object]) -> str:
        payload = base64.urlsafe_b64encode(json.dumps(claims, sort_keys=True).encode()).decode()
        mac = hmac.new(client.secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
        return f"{payload}.{mac}"

    def check(self, request: Request) -> str:
        """The client id behind the request's bearer token; raises :class:`Unauthorized`."""
        header = request.header("authorization") or ""
        if not header.lower().startswith("bearer "):
            raise Unauthorized
        payload, _, mac = header[7:].strip().partition(".")
        try:
            claims = json.loads(base64.urlsafe_b64decode(payload.encode()))
            client = self.clients[claims["sub"]]
            scopes, expires = set(claims["scope"]), float(claims["exp"])
        except (ValueError, KeyError, TypeError):
            raise Unauthorized from None
        expected = hmac.new(client.secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, mac) or expires < time.time():
            raise Unauthorized
        if (WRITE if request.is_write else READ) not in scopes:
            raise Unauthorized
        return client.id


def _oauth_error(status: int, code: str) -> Response:
    return Response.json(status, {"error": code})
