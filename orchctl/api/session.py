"""One HTTP conversation with a stack: a single connection pool, a bound on calls in
flight, authentication, timeouts, retries, and the translation of every failure into
:mod:`orchctl.api.errors`. Operations live in :mod:`orchctl.api.client`."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any

import httpx

from orchctl.api import errors
from orchctl.api.auth import TOKEN_PATH, Authenticator, authenticator_for, credential_names
from orchctl.api.config import ClientConfig, Secret
from orchctl.api.retry import Kind, RetryPolicy, parse_retry_after, status_is_retryable
from orchctl.api.tls import ssl_context

log = logging.getLogger("orchctl.api")

# Failures where the request certainly did not reach the server: safe to repeat any call.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures after the request may have been sent: repeat reads, never a write.
_MAYBE_SENT = (
    httpx.ReadError,
    httpx.ReadTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
    httpx.RemoteProtocolError,
)


class Session:
    def __init__(
        self,
        config: ClientConfig,
        stack_url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.config = config
        self.stack_url = stack_url.rstrip("/")
        self.policy = RetryPolicy.from_settings(config.retries)
        self._sleep = sleep
        self._clock = clock
        self._rng = rng
        self._slots = threading.BoundedSemaphore(config.parallelism)
        self._count_lock = threading.Lock()
        self.requests_sent = 0
        t = config.timeouts
        pool = config.parallelism + 2  # +2: token fetch and layout probe never starve
        self._http = httpx.Client(
            transport=transport,
            verify=ssl_context(config.tls) if transport is None else True,
            limits=httpx.Limits(max_connections=pool, max_keepalive_connections=pool),
            timeout=httpx.Timeout(t.read, connect=t.connect),
            follow_redirects=False,
            headers={"User-Agent": "orchctl", "Accept": "application/json"},
        )
        self.auth: Authenticator = authenticator_for(
            config.credentials, self._fetch_token, clock=clock
        )

    def close(self) -> None:
        self._http.close()

    # ------------------------------------------------------------------ requests

    def request(
        self,
        method: str,
        path: str,
        *,
        kind: Kind,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        ok: Collection[int] = (200,),
        authenticated: bool = True,
        done_if: Callable[[httpx.Response], bool] | None = None,
    ) -> httpx.Response:
        """Send with retries; return a response whose status is in ``ok``.

        ``done_if``: for idempotent calls, an error answer that, after an attempt whose
        answer was lost, shows the earlier attempt worked (a delete's 404, an abort's
        "already completed"); it is returned as success.
        """
        url = self.stack_url + path
        start = self._clock()
        total_end = start + self.config.timeouts.total
        retry_end = start + self.policy.deadline
        attempt = 0  # attempts that count toward the limit
        refreshed = False
        maybe_applied = False
        last: BaseException | httpx.Response | None = None

        while True:
            remaining = total_end - self._clock()
            if remaining <= 0:
                raise self._timeout(method, path, attempt, last, total=True)
            auth_value: Secret | None = self.auth.authorization() if authenticated else None
            headers = {"Authorization": auth_value.reveal()} if auth_value is not None else {}
            t = self.config.timeouts
            timeout = httpx.Timeout(
                connect=min(t.connect, remaining),
                read=min(t.read, remaining),
                write=min(t.read, remaining),
                pool=remaining,
            )
            attempt += 1
            began = time.perf_counter()
            try:
                with self._slots:
                    with self._count_lock:
                        self.requests_sent += 1
                    response = self._http.request(
                        method,
                        url,
                        params=params,
                        json=json,
                        data=data,
                        headers=headers,
                        timeout=timeout,
                    )
            except httpx.TransportError as exc:
                log.debug(
                    "%s %s -> %s after %.0f ms (attempt %d)",
                    method,
                    path,
                    type(exc).__name__,
                    (time.perf_counter() - began) * 1000,
                    attempt,
                )
                last = exc
                not_sent = isinstance(exc, _NOT_SENT) and not _is_certificate_error(exc)
                maybe_sent = isinstance(exc, _MAYBE_SENT)
                if maybe_sent and kind is Kind.WRITE:
                    raise self._outcome_unknown(method, path, attempt, exc) from None
                if maybe_sent:
                    maybe_applied = True
                if (not_sent or maybe_sent) and self._pause(attempt, None, retry_end, total_end):
                    continue
                raise self._transport_error(method, path, attempt, exc) from None

            status = response.status_code
            log.debug(
                "%s %s -> %d in %.0f ms (attempt %d)",
                method,
                path,
                status,
                (time.perf_counter() - began) * 1000,
                attempt,
            )
            if status in ok:
                return response
            if maybe_applied and done_if is not None and done_if(response):
                return response
            if status == 401 and authenticated and not refreshed:
                refreshed = True
                if self.auth.refresh_after_401(auth_value):
                    attempt -= 1  # a token refresh is not a retry
                    continue
            if status == 500 and is_missing_row(error_fields(response)[1]):
                raise self.status_error(method, path, response, attempt)  # unknown id
            if kind is Kind.WRITE and status in (502, 503, 504):
                raise self._outcome_unknown(method, path, attempt, response)
            if status_is_retryable(status, kind):
                if kind is not Kind.READ and status != 429:
                    maybe_applied = True
                last = response
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                if self._pause(attempt, retry_after, retry_end, total_end):
                    continue
            raise self.status_error(method, path, response, attempt)

    def _pause(
        self, attempt: int, retry_after: float | None, retry_end: float, total_end: float
    ) -> bool:
        """Sleep before the next attempt if one is allowed; False when out of budget."""
        if attempt >= self.policy.attempts:
            return False
        delay = self.policy.delay(attempt - 1, retry_after, self._rng)
        now = self._clock()
        if now + delay > retry_end or now + delay >= total_end:
            return False
        log.info("retrying in %.2f s (attempt %d of %d)", delay, attempt + 1, self.policy.attempts)
        self._sleep(delay)
        return True

    # ------------------------------------------------------------------ tokens

    def _fetch_token(self, form: dict[str, str]) -> Any:
        try:
            response = self.request(
                "POST",
                TOKEN_PATH,
                kind=Kind.READ,  # asking for a token twice is harmless
                data=form,
                authenticated=False,
            )
        except errors.HttpError as exc:
            if exc.status in (400, 401, 403):
                names = credential_names(self.config.credentials)
                raise errors.AuthError(
                    f"the token endpoint refused the client credentials ({exc.status}"
                    f"{' ' + exc.error_code if exc.error_code else ''}); check {names}",
                    method="POST",
                    path=TOKEN_PATH,
                    status=exc.status,
                    error_code=exc.error_code,
                    error_message=exc.error_message,
                    attempts=exc.attempts,
                ) from None
            raise
        return decode_json(response, "POST", TOKEN_PATH)

    # ------------------------------------------------------------------ errors

    def status_error(
        self, method: str, path: str, response: httpx.Response, attempts: int
    ) -> errors.HttpError:
        status = response.status_code
        code, message = error_fields(response)
        req = f"{method} {path}"
        detail = f"{code}: {message}" if code and message else (message or code or "")
        fields: dict[str, Any] = {
            "method": method,
            "path": path,
            "status": status,
            "error_code": code,
            "error_message": message,
            "attempts": attempts,
        }
        if status == 401:
            return errors.AuthError(
                f"{req}: authentication failed — the server gives no detail; " + self.auth.advice(),
                **fields,
            )
        if status == 400:
            return errors.ValidationFailed(
                f"{req}: rejected as invalid (400{' ' + detail if detail else ''})", **fields
            )
        if status == 404 or (status == 500 and is_missing_row(message)):
            return errors.NotFound(
                f"{req}: not found ({status}{' ' + detail if detail else ''})", **fields
            )
        if status == 429:
            return errors.RateLimited(
                f"{req}: rate limited (429) after {attempts} attempt(s); "
                "wait and run again, or lower --parallelism",
                **fields,
            )
        if status >= 500:
            if status in (502, 503, 504):
                msg = (
                    f"{req}: the stack or its gateway is unavailable ({status}) after "
                    f"{attempts} attempt(s); try again later"
                )
            else:
                msg = f"{req}: server error ({status}{' ' + detail if detail else ''})"
            return errors.ServerError(msg, **fields)
        return errors.HttpError(
            f"{req}: unexpected status {status}{' ' + detail if detail else ''}", **fields
        )

    def _timeout(
        self,
        method: str,
        path: str,
        attempts: int,
        last: BaseException | httpx.Response | None,
        *,
        total: bool,
    ) -> errors.ApiError:
        t = self.config.timeouts
        what = f"the call's total time budget ({t.total:g} s)" if total else "a timeout"
        return errors.Timeout(
            f"{method} {path}: gave up after {what} and {attempts} attempt(s)"
            + (f"; last failure: {_describe(last)}" if last is not None else ""),
            method=method,
            path=path,
            status=last.status_code if isinstance(last, httpx.Response) else None,
            attempts=attempts,
            hint="raise timeouts.total in orchctl.yaml or check the stack",
        )

    def _transport_error(
        self, method: str, path: str, attempts: int, exc: httpx.TransportError
    ) -> errors.ApiError:
        t = self.config.timeouts
        req = f"{method} {path}"
        fields: dict[str, Any] = {"method": method, "path": path, "attempts": attempts}
        if isinstance(exc, httpx.ConnectTimeout):
            return errors.Timeout(
                f"{req}: could not connect within {t.connect:g} s ({attempts} attempt(s)); "
                "check the url and the network, or raise timeouts.connect",
                **fields,
            )
        if isinstance(exc, httpx.TimeoutException):
            return errors.Timeout(
                f"{req}: no answer within the read timeout ({t.read:g} s, {attempts} "
                "attempt(s)); raise timeouts.read or check the stack",
                **fields,
            )
        if _is_certificate_error(exc):
            return errors.TransportError(
                f"{req}: the server's TLS certificate is not trusted; pass --ca-bundle "
                "with your CA (or --insecure, only for testing)",
                **fields,
            )
        if isinstance(exc, httpx.ConnectError):
            host = httpx.URL(self.stack_url).host
            return errors.TransportError(
                f"{req}: cannot connect to {host} ({attempts} attempt(s)): {_describe(exc)}; "
                "check the url and the network",
                **fields,
            )
        return errors.TransportError(
            f"{req}: connection failed ({attempts} attempt(s)): {_describe(exc)}", **fields
        )

    def _outcome_unknown(
        self, method: str, path: str, attempts: int, cause: BaseException | httpx.Response
    ) -> errors.OutcomeUnknown:
        status = cause.status_code if isinstance(cause, httpx.Response) else None
        code, message = error_fields(cause) if isinstance(cause, httpx.Response) else (None, None)
        return errors.OutcomeUnknown(
            f"{method} {path}: no definite answer ({_describe(cause)}); the write may or may "
            "not have been applied — re-read the stack before sending it again",
            method=method,
            path=path,
            status=status,
            error_code=code,
            error_message=message,
            attempts=attempts,
        )


def error_fields(response: httpx.Response) -> tuple[str | None, str | None]:
    """``(errorCode, errorMessage)`` from Formance's error body (or OAuth2's
    ``error``/``error_description``); Nones when the body is empty or not JSON."""
    if not response.content:
        return None, None
    try:
        body = response.json()
    except ValueError:
        return None, None
    if not isinstance(body, Mapping):
        return None, None
    code = body.get("errorCode", body.get("error"))
    message = body.get("errorMessage", body.get("error_description"))
    return (
        code if isinstance(code, str) and code else None,
        _one_line(message) if isinstance(message, str) and message else None,
    )


def decode_json(response: httpx.Response, method: str, path: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise errors.UnexpectedResponse(
            f"{method} {path}: the server answered {response.status_code} with a body that "
            "is not JSON",
            method=method,
            path=path,
            status=response.status_code,
        ) from None


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _describe(cause: BaseException | httpx.Response | None) -> str:
    if isinstance(cause, httpx.Response):
        return f"status {cause.status_code}"
    if cause is None:
        return "unknown"
    text = str(cause)
    return f"{type(cause).__name__}: {_one_line(text, 160)}" if text else type(cause).__name__


def _is_certificate_error(exc: BaseException) -> bool:
    return "CERTIFICATE_VERIFY_FAILED" in str(exc)


def is_missing_row(message: str | None) -> bool:
    """The 500s the current service answers for an unknown id ("sql: no rows in result
    set", possibly wrapped; GetInstance's "Instance not found"); 404 once patched."""
    text = message or ""
    return "no rows in result set" in text or text == "Instance not found"
