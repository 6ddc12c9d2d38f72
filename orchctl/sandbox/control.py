"""Sandbox-only endpoints, outside the Formance paths (no auth, no faults, no latency).

* ``GET  /_sandbox/health`` -> ``{"ok": true}``
* ``POST /_sandbox/events`` ``{"type", "payload", "version"?}`` -> ``{"data": [occurrence],
  "filterErrors": [{"triggerID", "error"}], "alreadyProcessed": [{"triggerID", "objectID"}]}``
* ``GET|PUT /_sandbox/faults`` ``{"rate", "kinds", "retryAfter", "seed", "script",
  "latency": {"fixedMs", "jitterMs"}}``
* ``GET  /_sandbox/timeline?since=SEQ`` -> ``{"data": [entry]}``
* ``GET|PUT /_sandbox/links`` ``{uri: {"status"?, "body"?}}``: what ``link()``'s GET answers
* ``POST /_sandbox/bulk`` ``{"workflows": N, "triggers": N, "event"?}`` -> the ids
"""

from __future__ import annotations

from typing import Any

from orchctl.sandbox import bodies
from orchctl.sandbox.errors import validation
from orchctl.sandbox.events import deliver
from orchctl.sandbox.faults import Faults, Latency, ScriptedFault
from orchctl.sandbox.links import check_table
from orchctl.sandbox.messages import Response
from orchctl.sandbox.routing import Ctx
from orchctl.sandbox.seeding import bulk_seed


def _object(ctx: Ctx) -> dict[str, Any]:
    try:
        body = bodies.decode(ctx.request)
    except bodies.BodyError as exc:
        raise validation(str(exc)) from None
    if not isinstance(body, dict):
        raise validation("expected a JSON object")
    return body


def health(ctx: Ctx) -> Response:
    return Response.json(200, {"ok": True})


def events(ctx: Ctx) -> Response:
    body = _object(ctx)
    event_type = body.get("type")
    if not isinstance(event_type, str) or not event_type:
        raise validation("type is required")
    version = body.get("version")
    if version is not None and not isinstance(version, str):
        raise validation("version must be a string")
    delivery = deliver(ctx.app, event_type, body.get("payload"), version)
    return Response.json(200, delivery.to_json())


def get_faults(ctx: Ctx) -> Response:
    return Response.json(200, ctx.app.injector.describe())


def faults_from_json(body: dict[str, Any], current: Faults) -> Faults:
    script = tuple(
        ScriptedFault(str(s["kind"]), s.get("method"), s.get("pathContains"))
        for s in body.get("script", [])
    )
    return Faults(
        rate=float(body.get("rate", current.rate)),
        kinds=tuple(body.get("kinds", current.kinds)),
        retry_after=int(body.get("retryAfter", current.retry_after)),
        seed=int(body.get("seed", current.seed)),
        script=script,
    )


def put_faults(ctx: Ctx) -> Response:
    body = _object(ctx)
    injector = ctx.app.injector
    try:
        faults = faults_from_json(body, injector.faults)
        latency = None
        if isinstance(body.get("latency"), dict):
            lat = body["latency"]
            latency = Latency(float(lat.get("fixedMs", 0)), float(lat.get("jitterMs", 0)))
    except (ValueError, KeyError, TypeError) as exc:
        raise validation(str(exc)) from None
    injector.configure(faults, latency)
    return Response.json(200, injector.describe())


def timeline(ctx: Ctx) -> Response:
    try:
        since = int(ctx.request.param("since") or 0)
    except ValueError:
        raise validation("since must be an integer") from None
    entries = ctx.app.store.timeline(since)
    return Response.json(200, {"data": [e.to_json() for e in entries]})


def get_links(ctx: Ctx) -> Response:
    with ctx.app.links_lock:
        return Response.json(200, dict(ctx.app.links))


def put_links(ctx: Ctx) -> Response:
    try:
        table = check_table(_object(ctx))
    except ValueError as exc:
        raise validation(str(exc)) from None
    with ctx.app.links_lock:
        ctx.app.links.clear()
        ctx.app.links.update(table)
    return Response.json(200, table)


def bulk(ctx: Ctx) -> Response:
    body = _object(ctx)
    try:
        workflow_ids, trigger_ids = bulk_seed(
            ctx.app.store,
            workflows=int(body.get("workflows", 0)),
            triggers=int(body.get("triggers", 0)),
            event=str(body.get("event", "SAVED_PAYMENT")),
        )
    except (ValueError, TypeError) as exc:
        raise validation(str(exc)) from None
    return Response.json(200, {"data": {"workflows": workflow_ids, "triggers": trigger_ids}})
