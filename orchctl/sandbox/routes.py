"""The route tables: Formance's paths (relative to the v1 or v2 root) and the sandbox's own.

``slash=True`` marks the chi ``r.Route(...)`` roots of the service's routers
(``internal/api/v2/router.go``), where ``/path/`` is served like ``/path``.
"""

from __future__ import annotations

from orchctl.sandbox import control, instances, triggers, workflows
from orchctl.sandbox.messages import Response
from orchctl.sandbox.routing import Ctx, Route, route

SERVER_VERSION = "v2.0.0-sandbox"


def server_info() -> dict[str, str]:
    return {"version": SERVER_VERSION}


def info(ctx: Ctx) -> Response:
    return Response.json(200, server_info())


V2_ONLY = ("v2",)
BOTH = ("v1", "v2")

API_ROUTES: list[Route] = [
    route("GET", "/_info", info, ("v1",)),
    route("GET", "/workflows", workflows.list_, slash=True),
    route("POST", "/workflows", workflows.create, slash=True),
    route("GET", "/workflows/{id}", workflows.get, slash=True),
    route("DELETE", "/workflows/{id}", workflows.delete, slash=True),
    route("POST", "/workflows/{id}/instances", instances.run, slash=True),
    route("GET", "/triggers", triggers.list_, slash=True),
    route("POST", "/triggers", triggers.create, slash=True),
    route("GET", "/triggers/{id}", triggers.read, slash=True),
    route("DELETE", "/triggers/{id}", triggers.delete, slash=True),
    route("POST", "/triggers/{id}/test", triggers.test, V2_ONLY),
    route("GET", "/triggers/{id}/occurrences", triggers.occurrences),
    route("GET", "/instances", instances.list_, slash=True),
    route("GET", "/instances/{id}", instances.get, slash=True),
    route("POST", "/instances/{id}/events", instances.send_event),
    route("PUT", "/instances/{id}/abort", instances.abort),
    route("GET", "/instances/{id}/history", instances.history),
    route("GET", "/instances/{id}/stages/{number}/history", instances.stage_history),
]

CONTROL_ROUTES: list[Route] = [
    route("GET", "/_sandbox/health", control.health),
    route("POST", "/_sandbox/events", control.events),
    route("GET", "/_sandbox/faults", control.get_faults),
    route("PUT", "/_sandbox/faults", control.put_faults),
    route("GET", "/_sandbox/timeline", control.timeline),
    route("GET", "/_sandbox/links", control.get_links),
    route("PUT", "/_sandbox/links", control.put_links),
    route("POST", "/_sandbox/bulk", control.bulk),
]
