"""The framework-free core: ``App.handle(Request) -> Response``.

Order of work for an API request: latency, fault injection, authentication, routing.
Sandbox-only endpoints (``/_sandbox/...``) skip all three; ``/_info`` sits on the root
router, outside the auth middleware, and needs no token. The App is handed its route
tables (see ``routes.py``), so it imports no handler.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from orchctl.sandbox.auth import TOKEN_PATH, Auth
from orchctl.sandbox.errors import ApiError, Unauthorized, internal
from orchctl.sandbox.faults import FaultInjector
from orchctl.sandbox.messages import Request, Response
from orchctl.sandbox.profile import CURRENT, Profile
from orchctl.sandbox.routing import Ctx, Route
from orchctl.sandbox.runner import Runner
from orchctl.sandbox.store import Store

GATEWAY_PREFIX = "/api/orchestration"
INFO_PATH = "/_info"


class App:
    def __init__(
        self,
        store: Store,
        runner: Runner,
        *,
        api_routes: Sequence[Route],
        control_routes: Sequence[Route],
        auth: Auth | None = None,
        injector: FaultInjector | None = None,
        links: dict[str, Any] | None = None,
        profile: Profile = CURRENT,
    ) -> None:
        self.store = store
        self.runner = runner
        self.auth = auth
        self.injector = injector or FaultInjector()
        self.profile = profile
        self.links: dict[str, Any] = dict(links or {})
        self.links_lock = threading.Lock()
        self.api_routes = list(api_routes)
        self.control_routes = list(control_routes)

    def handle(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/_sandbox/") or path == "/_sandbox":
            return self._dispatch(self.control_routes, request, path, "v2", "sandbox")
        if path == TOKEN_PATH:
            if self.auth is None:
                return Response.text(404, "404 page not found\n")
            return self.auth.token_endpoint(request)
        self.injector.sleep()
        fault = self.injector.decide(request.method, path, request.is_write)
        if fault in ("500", "502", "503", "429"):
            return _fault_response(fault, self.injector.faults.retry_after)
        if fault == "reset":
            return Response(0, reset=True)
        if path.startswith(GATEWAY_PREFIX + "/") or path == GATEWAY_PREFIX:
            path = path[len(GATEWAY_PREFIX) :] or "/"
        version = "v1"
        if path.startswith("/v2/"):
            version, path = "v2", path[3:]
            if path.rstrip("/") == INFO_PATH:  # listed in the spec, not served by the router
                return Response.text(404, "404 page not found\n")
        actor = request.header("x-sandbox-actor") or "anonymous"
        if self.auth is not None and not (version == "v1" and path == INFO_PATH):
            try:
                actor = self.auth.check(request)
            except Unauthorized:
                return Response.empty(401)
        ctx_written: list[int] = []
        response = self._dispatch(self.api_routes, request, path, version, actor, ctx_written)
        if fault == "lost":
            self.store.mark_timeline(ctx_written, "response_lost")
            return Response(0, reset=True)
        return response

    def _dispatch(
        self,
        routes: list[Route],
        request: Request,
        path: str,
        version: str,
        actor: str,
        written: list[int] | None = None,
    ) -> Response:
        allowed = False
        for candidate in routes:
            if version not in candidate.versions:
                continue
            match = candidate.pattern.match(path)
            if match is None:
                continue
            if candidate.method != request.method:
                allowed = True
                continue
            ctx = Ctx(self, request, match.groupdict(), version, actor)
            if written is not None:
                ctx.written = written
            try:
                return candidate.handler(ctx)
            except ApiError as exc:
                return exc.response()
            except Exception as exc:  # the server answers 500, as Go would
                return internal(f"{type(exc).__name__}: {exc}").response()
        if allowed:
            return Response.empty(405)
        return Response.text(404, "404 page not found\n")


def _fault_response(kind: str, retry_after: int) -> Response:
    if kind == "429":
        return Response(
            429,
            b"Too Many Requests\n",
            (("Content-Type", "text/plain; charset=utf-8"), ("Retry-After", str(retry_after))),
        )
    if kind == "500":
        return internal("injected fault").response()
    reason = {"502": "Bad Gateway", "503": "Service Unavailable"}[kind]
    return Response.text(int(kind), f"{reason}\n")
