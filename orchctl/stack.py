"""Opening the selected environment's stack: the embedded sandbox or a real one.

An environment without a `url` (and without FORMANCE_STACK_API_ENDPOINT, or the variable
its `auth.endpoint_env` names) is served by the embedded sandbox, its state kept in
`.orchctl/sandbox-<environment>.db` under the project directory.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from orchctl.api import OrchestrationClient
from orchctl.api.config import DEFAULT_ENDPOINT_ENV
from orchctl.definitions.discovery import display_path
from orchctl.definitions.project import Environment


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


def uses_sandbox(env: Environment, environ: Mapping[str, str]) -> bool:
    auth = env.settings.get("auth") or {}
    endpoint_env = str(auth.get("endpoint_env", DEFAULT_ENDPOINT_ENV))
    return env.url is None and not environ.get(endpoint_env)


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
        with (
            Sandbox.local(root, env.name) as sandbox,
            OrchestrationClient.from_environment(
                env.settings,
                environ,
                parallelism=options.parallelism,
                transport=sandbox.transport(),
                warn=warn,
            ) as client,
        ):
            yield client, Target(env.name, None, display_path(path))
        return
    with OrchestrationClient.from_environment(
        env.settings,
        environ,
        ca_bundle=options.ca_bundle,
        insecure=options.insecure,
        parallelism=options.parallelism,
        warn=warn,
    ) as client:
        yield client, Target(env.name, client.config.url, None)
