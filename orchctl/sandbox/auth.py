"""OAuth2 client credentials: the token endpoint and bearer checks.

Any failure, a missing scope included, is a 401 with an empty body (never 403).
GETs need ``orchestration:read``; POST/PUT/DELETE need ``orchestration:write``.
"""

from __future__ import annotations

import base64
import secrets
import threading
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


@dataclass(frozen=True)
class _Token:
    client_id: str
    scopes: frozenset[str]
    expires_at: float


class Auth:
    def __init__(self, clients: Iterable[Client], *, ttl: int = 3600) -> None:
        self.clients = {c.id: c for c in clients}
        self.ttl = ttl
        self._tokens: dict[str, _Token] = {}
        self._lock = threading.Lock()

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
        granted = frozenset(set(client.scopes) & requested if requested else client.scopes)
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = _Token(client.id, granted, time.time() + self.ttl)
        return Response.json(
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": self.ttl,
                "scope": " ".join(sorted(granted)),
            },
        )

    def check(self, request: Request) -> str:
        """The client id behind the request's bearer token; raises :class:`Unauthorized`."""
        header = request.header("authorization") or ""
        if not header.lower().startswith("bearer "):
            raise Unauthorized
        with self._lock:
            token = self._tokens.get(header[7:].strip())
        if token is None or token.expires_at < time.time():
            raise Unauthorized
        if (WRITE if request.is_write else READ) not in token.scopes:
            raise Unauthorized
        return token.client_id


def _oauth_error(status: int, code: str) -> Response:
    return Response.json(status, {"error": code})
