"""Opening the selected environment's stack: the embedded sandbox or a real one.

- An environment with a `url` is a real stack. FORMANCE_STACK_API_ENDPOINT (or the
  variable its `auth.endpoint_env` names) overrides that url, with a warning when it
  differs.
- An environment without a `url` — `local`, or no orchctl.yaml at all — is the embedded
  sandbox, its state in `.orchctl/sandbox-<environment>.db`. The endpoint variable never
  redirects it: people export FORMANCE_STACK_API_ENDPOINT for other tools (Formance's
  Terraform provider reads it), and a sandbox environment must not silently become their
  production stack. Nor do exported credentials reach it (it has no token endpoint).
  An environment without a url that names `auth.endpoint_env`
  explicitly takes its url from that variable when it is set.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from orchctl.api import OrchestrationClient
from orchctl.api.auth import credential_names
from orchctl.api.config import DEFAULT_ENDPOINT_ENV, Credentials
from orchctl.definitions.discovery import display_path
from orchctl.definitions.project import Environment

log = logging.getLogger("orchctl.stack")


@dataclass(frozen=True)
class StackOptions:
    ca_bundle: str | None = None
    insecure: bool | None = None
    parallelism: int | None = None


@dataclass(frozen=True)
class Target:
    """What a command talks to, for headers: never includes credentials."""

    environment: str
    url: str | None
    sandbox_state: str | None

    def describe(self) -> str:
        if self.sandbox_state is not None:
            return f"environment {self.environment} (embedded sandbox, {self.sandbox_state})"
        return f"environment {self.environment} ({self.url})"


def _endpoint_env(env: Environment) -> str:
    auth = env.settings.get("auth") or {}
    return str(auth.get("endpoint_env", DEFAULT_ENDPOINT_ENV))


def uses_sandbox(env: Environment, environ: Mapping[str, str]) -> bool:
    if env.url is not None:
        return False
    explicit = "endpoint_env" in (env.settings.get("auth") or {})
    return not (explicit and environ.get(_endpoint_env(env)))


@contextmanager
def open_stack(
    root: str,
    env: Environment,
    options: StackOptions = StackOptions(),
    *,
    environ: Mapping[str, str] | None = None,
    warn: Callable[[str], None] | None = None,
) -> Iterator[tuple[OrchestrationClient, Target]]:
    environ = os.environ if environ is None else environ
    if uses_sandbox(env, environ):
        from orchctl.sandbox import Sandbox  # the sandbox is only loaded when used

        path = Sandbox.local_path(root, env.name)
        profile = str((env.settings.get("sandbox") or {}).get("profile", "current"))
        with (
            Sandbox.local(root, env.name, profile=profile) as sandbox,
            OrchestrationClient.from_environment(
                env.settings,
                {},  # neither the endpoint nor credentials: they are for real stacks
                parallelism=options.parallelism,
                transport=sandbox.transport(),
                warn=warn,
            ) as client,
        ):
            log.info(
                "environment %s: the embedded sandbox, state in %s (no authentication)",
                env.name,
                display_path(path),
            )
            yield client, Target(env.name, None, display_path(path))
        return
    override = environ.get(_endpoint_env(env))
    if override and env.url and override.rstrip("/") != env.url.rstrip("/") and warn:
        warn(
            f"{_endpoint_env(env)} overrides the url of environment {env.name}: "
            f"{override} instead of {env.url}"
        )
    with OrchestrationClient.from_environment(
        env.settings,
        environ,
        ca_bundle=options.ca_bundle,
        insecure=options.insecure,
        parallelism=options.parallelism,
        warn=warn,
    ) as client:
        source = f"{_endpoint_env(env)} (overrides orchctl.yaml)" if override else "orchctl.yaml"
        log.info(
            "environment %s: %s from %s; auth: %s",
            env.name,
            client.config.url,
            source if override or env.url else _endpoint_env(env),
            auth_mode(client.config.credentials),
        )
        yield client, Target(env.name, client.config.url, None)


def auth_mode(credentials: Credentials) -> str:
    """How orchctl authenticates, by variable NAMES (never values)."""
    if credentials.kind == "client_credentials":
        return f"OAuth2 client credentials from {credential_names(credentials)}"
    if credentials.kind == "token":
        return f"static bearer token from {credentials.token_env}"
    return f"none ({credential_names(credentials)} and {credentials.token_env} are not set)"
