"""Bearer tokens for the Orchestration API.

- :class:`ClientCredentials`: OAuth2 client credentials against
  ``{stack}/api/auth/oauth/token``; the token is cached until shortly before it expires and
  refreshed once when the server answers 401.
- :class:`StaticToken`: ``FORMANCE_STACK_TOKEN`` as is.
- :class:`NoAuth`: the sandbox and unsecured stacks.

The Authorization value never reaches a log line, a repr or an exception message.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from orchctl.api.config import Credentials, Secret

TOKEN_PATH = "/api/auth/oauth/token"

# fetch(form) -> decoded JSON body of a 2xx token response; raises ApiError otherwise.
TokenFetcher = Callable[[dict[str, str]], Any]


class Authenticator(Protocol):
    def authorization(self) -> Secret | None:
        """The Authorization header value for the next request (may fetch a token)."""
        ...

    def refresh_after_401(self, used: Secret | None) -> bool:
        """The server refused ``used``. True when a new value is worth one more try."""
        ...

    def advice(self) -> str:
        """What to check when authentication fails (variable names, never values)."""
        ...


class NoAuth:
    def __init__(self, credentials: Credentials | None = None) -> None:
        self._credentials = credentials or Credentials()

    def authorization(self) -> Secret | None:
        return None

    def refresh_after_401(self, used: Secret | None) -> bool:
        return False

    def advice(self) -> str:
        c = self._credentials
        return (
            "the stack requires credentials and none are configured; set "
            f"{credential_names(c)} or {c.token_env}"
        )


class StaticToken:
    def __init__(self, token: Secret, credentials: Credentials) -> None:
        self._value = Secret("Bearer " + token.reveal())
        self._credentials = credentials

    def authorization(self) -> Secret | None:
        return self._value

    def refresh_after_401(self, used: Secret | None) -> bool:
        return False

    def advice(self) -> str:
        return (
            f"check {self._credentials.token_env} (expired or revoked?) and the "
            "orchestration:read/write scopes"
        )


class ClientCredentials:
    """OAuth2 client-credentials grant with a thread-safe token cache."""

    def __init__(
        self,
        credentials: Credentials,
        fetch: TokenFetcher,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_margin: float = 30.0,
    ) -> None:
        if not credentials.client_id or credentials.client_secret is None:
            raise ValueError("client credentials need a client id and a secret")
        self._credentials = credentials
        self._fetch = fetch
        self._clock = clock
        self._max_margin = max_margin
        self._lock = threading.Lock()
        self._value: Secret | None = None
        self._refresh_at: float | None = None
        self.fetch_count = 0

    def authorization(self) -> Secret | None:
        with self._lock:
            if self._value is None or (
                self._refresh_at is not None and self._clock() >= self._refresh_at
            ):
                self._obtain()
            return self._value

    def refresh_after_401(self, used: Secret | None) -> bool:
        with self._lock:
            if used is not None and self._value == used:
                self._value = None  # another thread may already have replaced it
        return True

    def advice(self) -> str:
        return (
            f"check {credential_names(self._credentials)} and the orchestration:read/write scopes"
        )

    def _obtain(self) -> None:
        c = self._credentials
        assert c.client_id is not None
        assert c.client_secret is not None
        form = {
            "grant_type": "client_credentials",
            "client_id": c.client_id,
            "client_secret": c.client_secret.reveal(),
        }
        if c.scopes:
            form["scope"] = " ".join(c.scopes)
        requested = self._clock()
        body = self._fetch(form)
        self.fetch_count += 1
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            from orchctl.api.errors import UnexpectedResponse

            raise UnexpectedResponse(
                "the token endpoint answered without an access_token",
                method="POST",
                path=TOKEN_PATH,
            )
        expires_in = body.get("expires_in")
        self._value = Secret("Bearer " + token)
        if isinstance(expires_in, int | float) and expires_in > 0:
            margin = min(self._max_margin, float(expires_in) / 10)
            self._refresh_at = requested + float(expires_in) - margin
        else:
            self._refresh_at = None


def credential_names(c: Credentials) -> str:
    """``FORMANCE_STACK_CLIENT_ID/SECRET`` (or both names in full when they differ more)."""
    id_head, _, _ = c.client_id_env.rpartition("_")
    secret_head, _, secret_tail = c.client_secret_env.rpartition("_")
    if id_head and id_head == secret_head:
        return f"{c.client_id_env}/{secret_tail}"
    return f"{c.client_id_env}/{c.client_secret_env}"


def authenticator_for(
    credentials: Credentials, fetch: TokenFetcher, *, clock: Callable[[], float] = time.monotonic
) -> Authenticator:
    if credentials.kind == "client_credentials":
        return ClientCredentials(credentials, fetch, clock=clock)
    if credentials.kind == "token":
        assert credentials.token is not None
        return StaticToken(credentials.token, credentials)
    return NoAuth(credentials)
