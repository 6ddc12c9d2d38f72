"""Errors raised by the Orchestration API client.

Every failure that leaves :mod:`orchctl.api` is one of these; nothing from httpx escapes.
Each carries the request it belongs to (``method``, ``path``), what the server said when it
said anything (``status``, ``error_code``, ``error_message``: the ``errorCode`` /
``errorMessage`` of Formance's error body), and a one-line ``message`` a person can act on.
No secret (client secret, token, Authorization header) is ever put in an error.

::

    OrchctlError                      (orchctl.errors: one line for the user, exit code 1)
    └── ApiError                      any failure talking to the Orchestration API
        ├── ConfigurationError        credentials / URL / TLS settings that cannot work
        ├── Unsupported               a v2-only operation called with api_version v1
        ├── TransportError            no usable HTTP response (connect, TLS, reset, timeout)
        │   └── Timeout               a connect/read timeout or the call's total deadline
        ├── OutcomeUnknown            a write may have reached the server; its effect is
        │                             unknown. Never retried: re-read (by name) and decide.
        ├── UnexpectedResponse        a 2xx answer the client cannot parse
        └── HttpError                 the server answered with an error status
            ├── ValidationFailed      400 (errorCode VALIDATION)
            ├── AuthError             401 (any auth failure, missing scope included), or
            │                         the OAuth2 token endpoint refusing the credentials
            ├── NotFound              404, and the server's 500 "no rows in result set"
            ├── RateLimited           429 still returned after the last attempt
            └── ServerError           5xx
"""

from __future__ import annotations

from orchctl.errors import OrchctlError


class ApiError(OrchctlError):
    """Any failure of a call to the Orchestration API."""

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        error_code: str | None = None,
        error_message: str | None = None,
        attempts: int = 0,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.method = method
        self.path = path
        self.status = status
        self.error_code = error_code
        self.error_message = error_message
        self.attempts = attempts

    @property
    def request(self) -> str:
        """``"GET /v2/workflows"``, or ``""`` when the error belongs to no request."""
        if self.method and self.path:
            return f"{self.method} {self.path}"
        return ""


class ConfigurationError(ApiError):
    """The client cannot be built or authenticate with the settings it was given."""


class Unsupported(ApiError):
    """The operation does not exist in the selected API version (v2-only on v1)."""


class TransportError(ApiError):
    """No usable HTTP response: connection refused or reset, TLS failure, timeout."""


class Timeout(TransportError):
    """A connect or read timeout, or the call's total deadline, ran out."""


class OutcomeUnknown(ApiError):
    """A write (POST) may have reached the server, but no answer says whether it applied.

    The client never retries it blindly: the caller re-reads (e.g. lists by name) and
    decides whether to send it again.
    """


class UnexpectedResponse(ApiError):
    """A success status with a body the client cannot understand."""


class HttpError(ApiError):
    """The server answered with an error status."""


class ValidationFailed(HttpError):
    """400: the server rejected the request as invalid."""


class AuthError(HttpError):
    """401 (the server gives no detail), or the token endpoint refused the credentials."""


class NotFound(HttpError):
    """404, or the real server's 500 ``sql: no rows in result set`` for an unknown id."""


class RateLimited(HttpError):
    """429 after the last permitted attempt (or a Retry-After beyond the deadline)."""


class ServerError(HttpError):
    """5xx from the server or a gateway in front of it."""
