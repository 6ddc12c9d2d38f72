"""Client settings, built from one ``environments.<name>`` entry of orchctl.yaml + the
process environment (credentials only ever come from the environment)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from orchctl.api.errors import ConfigurationError

ApiVersion = Literal["v1", "v2"]

DEFAULT_CLIENT_ID_ENV = "FORMANCE_STACK_CLIENT_ID"
DEFAULT_CLIENT_SECRET_ENV = "FORMANCE_STACK_CLIENT_SECRET"
DEFAULT_TOKEN_ENV = "FORMANCE_STACK_TOKEN"
DEFAULT_ENDPOINT_ENV = "FORMANCE_STACK_API_ENDPOINT"
DEFAULT_PARALLELISM = 8


class Secret:
    """A string that never shows itself: ``repr`` and ``str`` are ``'***'``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "'***'"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled")


@dataclass(frozen=True)
class Timeouts:
    """Seconds. ``connect`` and ``read`` bound each attempt; ``total`` bounds one call,
    every attempt and backoff pause included."""

    connect: float = 5.0
    read: float = 30.0
    total: float = 120.0


@dataclass(frozen=True)
class RetrySettings:
    """``attempts`` counts the first try; no retry starts after ``deadline`` seconds."""

    attempts: int = 5
    deadline: float = 60.0
    base_delay: float = 0.25
    max_delay: float = 8.0


@dataclass(frozen=True)
class TlsSettings:
    ca_bundle: str | None = None
    insecure: bool = False


@dataclass(frozen=True)
class Credentials:
    """Where the bearer token comes from. ``*_env`` are the variable NAMES, for messages."""

    client_id: str | None = None
    client_secret: Secret | None = None
    token: Secret | None = None
    scopes: tuple[str, ...] = ()
    client_id_env: str = DEFAULT_CLIENT_ID_ENV
    client_secret_env: str = DEFAULT_CLIENT_SECRET_ENV
    token_env: str = DEFAULT_TOKEN_ENV

    @property
    def kind(self) -> Literal["client_credentials", "token", "none"]:
        if self.client_id and self.client_secret is not None:
            return "client_credentials"
        if self.token is not None:
            return "token"
        return "none"


@dataclass(frozen=True)
class ClientConfig:
    """Everything the client needs. ``url`` None means the embedded sandbox (the caller
    passes its transport and a base URL)."""

    url: str | None = None
    api_version: ApiVersion = "v2"
    parallelism: int = DEFAULT_PARALLELISM
    timeouts: Timeouts = field(default_factory=Timeouts)
    retries: RetrySettings = field(default_factory=RetrySettings)
    tls: TlsSettings = field(default_factory=TlsSettings)
    credentials: Credentials = field(default_factory=Credentials)

    def security_warnings(self) -> list[str]:
        """Warnings to show on every run: disabled TLS checks, plain http off loopback."""
        out: list[str] = []
        if self.url is None:
            return out
        parts = urlsplit(self.url)
        if self.tls.insecure and parts.scheme == "https":
            out.append(
                f"TLS certificate verification is DISABLED for {parts.hostname} (--insecure): "
                "anyone on the path can read and change the traffic, credentials included"
            )
        if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
            out.append(
                f"PLAIN HTTP to non-loopback host {parts.hostname}: credentials and tokens "
                "travel unencrypted; use https"
            )
        return out


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def client_config_from_environment(
    env_entry: Mapping[str, Any],
    environ: Mapping[str, str],
    *,
    ca_bundle: str | None = None,
    insecure: bool | None = None,
    parallelism: int | None = None,
) -> ClientConfig:
    """Build a :class:`ClientConfig` from an orchctl.yaml environment entry (already
    schema-validated, plain dict) and ``os.environ``. Keyword arguments are CLI flags and
    win over the file."""
    auth = _mapping(env_entry.get("auth"), "auth")
    endpoint_env = str(auth.get("endpoint_env", DEFAULT_ENDPOINT_ENV))
    url = environ.get(endpoint_env) or env_entry.get("url")
    if url is not None:
        url = str(url).strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigurationError(
                f"invalid stack URL {url!r}: expected http(s)://host[:port][/path]",
                hint=f"check `url` in orchctl.yaml or ${endpoint_env}",
            )
        url = url.rstrip("/")

    version = str(env_entry.get("api_version", "v2"))
    if version not in ("v1", "v2"):
        raise ConfigurationError(f"api_version must be v1 or v2, not {version!r}")

    par = parallelism if parallelism is not None else env_entry.get("parallelism")
    par_value = DEFAULT_PARALLELISM if par is None else int(par)
    if par_value < 1:
        raise ConfigurationError(f"parallelism must be at least 1, not {par_value}")

    t = _mapping(env_entry.get("timeouts"), "timeouts")
    d = Timeouts()
    timeouts = Timeouts(
        connect=float(t.get("connect", d.connect)),
        read=float(t.get("read", d.read)),
        total=float(t.get("total", d.total)),
    )
    r = _mapping(env_entry.get("retries"), "retries")
    dr = RetrySettings()
    retries = RetrySettings(
        attempts=max(1, int(r.get("attempts", dr.attempts))),
        deadline=float(r.get("deadline", dr.deadline)),
        base_delay=float(r.get("base_delay", dr.base_delay)),
        max_delay=float(r.get("max_delay", dr.max_delay)),
    )
    tls_entry = _mapping(env_entry.get("tls"), "tls")
    tls = TlsSettings(
        ca_bundle=ca_bundle if ca_bundle is not None else tls_entry.get("ca_bundle"),
        insecure=bool(insecure if insecure is not None else tls_entry.get("insecure", False)),
    )

    id_env = str(auth.get("client_id_env", DEFAULT_CLIENT_ID_ENV))
    secret_env = str(auth.get("client_secret_env", DEFAULT_CLIENT_SECRET_ENV))
    token_env = str(auth.get("token_env", DEFAULT_TOKEN_ENV))
    client_id = environ.get(id_env) or None
    secret = environ.get(secret_env) or None
    token = environ.get(token_env) or None
    if (client_id is None) != (secret is None):
        missing = secret_env if secret is None else id_env
        raise ConfigurationError(
            f"incomplete client credentials: ${missing} is not set",
            hint=f"set both ${id_env} and ${secret_env}, or ${token_env}",
        )
    scopes = auth.get("scopes") or ()
    credentials = Credentials(
        client_id=client_id,
        client_secret=Secret(secret) if secret is not None else None,
        token=Secret(token) if token is not None else None,
        scopes=tuple(str(s) for s in scopes),
        client_id_env=id_env,
        client_secret_env=secret_env,
        token_env=token_env,
    )
    return ClientConfig(
        url=url,
        api_version=version,  # type: ignore[arg-type]  # checked above
        parallelism=par_value,
        timeouts=timeouts,
        retries=retries,
        tls=tls,
        credentials=credentials,
    )


def _mapping(value: Any, name: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigurationError(f"`{name}` must be a mapping")
    return value
