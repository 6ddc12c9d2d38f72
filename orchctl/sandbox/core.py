"""The :class:`Sandbox`: a store, a runner and the API core, with the ways in."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import httpx

from orchctl.errors import environment_errors
from orchctl.sandbox.app import App
from orchctl.sandbox.auth import Auth, Client
from orchctl.sandbox.events import emit
from orchctl.sandbox.faults import FaultInjector, Faults, Latency
from orchctl.sandbox.messages import Request, Response
from orchctl.sandbox.records import TimelineEntry
from orchctl.sandbox.runner import Runner
from orchctl.sandbox.seeding import bulk_seed
from orchctl.sandbox.server import SandboxServer
from orchctl.sandbox.store import Store
from orchctl.sandbox.transport import AsyncSandboxTransport, SandboxTransport

STATE_DIR = ".orchctl"
EMBEDDED_URL = "http://sandbox.local"


class Sandbox:
    """A local Formance Orchestration API.

    ``path`` is ``":memory:"`` or a SQLite file (state survives a restart). ``auth`` lists
    OAuth2 clients (``Client`` or ``"ID:SECRET[:scopes]"``); None turns auth off.
    ``time_scale`` multiplies every delay (0.001 makes an hour 3.6 s).
    """

    def __init__(
        self,
        path: str = ":memory:",
        *,
        seed: int = 0,
        auth: Iterable[Client | str] | None = None,
        faults: Faults | None = None,
        latency: Latency | None = None,
        time_scale: float = 1.0,
        links: dict[str, Any] | None = None,
    ) -> None:
        self.store = Store(path, seed=seed)
        self.runner = Runner(self.store, time_scale=time_scale)
        clients = None
        if auth is not None:
            clients = [c if isinstance(c, Client) else Client.parse(c) for c in auth]
        self.app = App(
            self.store,
            self.runner,
            auth=Auth(clients) if clients is not None else None,
            injector=FaultInjector(faults or Faults(seed=seed), latency or Latency()),
            links=links,
        )
        self._servers: list[SandboxServer] = []
        self._closed = False

    @staticmethod
    def local_path(project_dir: str, environment: str = "local") -> str:
        """Where an environment's embedded sandbox keeps its state."""
        return os.path.join(project_dir, STATE_DIR, f"sandbox-{environment}.db")

    @classmethod
    def local(cls, project_dir: str, environment: str = "local", **options: Any) -> Sandbox:
        """The embedded sandbox of a project's environment: state in
        ``<project>/.orchctl/sandbox-<environment>.db``."""
        path = cls.local_path(project_dir, environment)
        state = os.path.dirname(path)
        with environment_errors("create the sandbox state folder", state):
            os.makedirs(state, exist_ok=True)
        return cls(path, **options)

    # -- ways in ---------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        return self.app.handle(request)

    def transport(self) -> SandboxTransport:
        return SandboxTransport(self.app)

    def async_transport(self) -> AsyncSandboxTransport:
        return AsyncSandboxTransport(self.app)

    def client(self, **options: Any) -> httpx.Client:
        """An httpx client on the in-process transport (base URL ``EMBEDDED_URL``)."""
        return httpx.Client(transport=self.transport(), base_url=EMBEDDED_URL, **options)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> SandboxServer:
        server = SandboxServer(self.app, host, port)
        self._servers.append(server)
        return server

    # -- knobs -----------------------------------------------------------------------------
    def set_faults(self, faults: Faults | None = None, latency: Latency | None = None) -> None:
        self.app.injector.configure(faults, latency)

    def set_links(self, links: dict[str, Any]) -> None:
        with self.app.links_lock:
            self.app.links = dict(links)

    def timeline(self, since: int = 0) -> list[TimelineEntry]:
        return self.store.timeline(since)

    def emit(
        self, event_type: str, payload: Any, version: str | None = None
    ) -> list[dict[str, Any]]:
        """Deliver an event: matching triggers fire (see ``POST /_sandbox/events``)."""
        return emit(self.app, event_type, payload, version)

    def bulk_seed(
        self, *, workflows: int = 0, triggers: int = 0, event: str = "SAVED_PAYMENT"
    ) -> tuple[list[str], list[str]]:
        return bulk_seed(self.store, workflows=workflows, triggers=triggers, event=event)

    def wait_instance(self, instance_id: str, timeout: float = 10.0) -> dict[str, Any]:
        from orchctl.sandbox.runner import public

        return public(self.runner.wait(instance_id, timeout))

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for server in self._servers:
            server.shutdown()
        self.runner.close()
        self.store.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
