"""A local Formance Orchestration API (v1 and v2), faithful to the real service's quirks.

It is orchctl's embedded default backend and the double every test and benchmark talks to.
See ``docs/sandbox.md`` for the details.

Public API::

    from orchctl.sandbox import Sandbox, Faults, Latency, ScriptedFault, Client

    with Sandbox(":memory:", seed=0, time_scale=0.001, profile="current") as sb:  # or "patched"
        http = httpx.Client(transport=sb.transport(), base_url="http://sandbox.local")
        server = sb.serve("127.0.0.1", 0)         # real HTTP; server.url, server.shutdown()
        sb.bulk_seed(workflows=10_000, triggers=10_000)
        sb.set_faults(Faults(rate=0.1, seed=1), Latency(fixed_ms=5, jitter_ms=5))
        sb.emit("SAVED_PAYMENT", {"id": "p1"})     # triggers fire, instances start
        sb.timeline()                             # every write: who, what, when

Addresses: every operation at ``/api/orchestration/...`` (gateway) and bare (``/...`` for v1,
``/v2/...`` for v2); ``/_info`` at both forms (``/v2/_info`` is not served, as on the real
router); ``POST /api/auth/oauth/token`` when auth is on.

Sandbox-only endpoints (no auth, no faults, no latency):

* ``GET  /_sandbox/health``
* ``POST /_sandbox/events``   ``{"type": T, "payload": {...}, "version"?: V}``: deliver an event
  (answers the occurrences, and the triggers skipped: filter errors, already processed)
* ``GET|PUT /_sandbox/faults`` ``{"rate", "kinds", "retryAfter", "seed", "script":
  [{"kind", "method"?, "pathContains"?}], "latency": {"fixedMs", "jitterMs"}}``
* ``GET  /_sandbox/timeline?since=SEQ``: the writes, with ``outcome`` ok | response_lost
* ``GET|PUT /_sandbox/links``  ``{uri: {"status"?, "body"?}}``: what ``link(event, rel)`` GETs
* ``POST /_sandbox/bulk``     ``{"workflows": N, "triggers": N, "event"?: T}``

Not a workflow engine: ``send`` and ``update`` stages are recorded in the history with their
resolved inputs, but no ledger, wallet or payment is touched.
"""

from __future__ import annotations

from orchctl.sandbox.auth import Client
from orchctl.sandbox.core import EMBEDDED_URL, Sandbox
from orchctl.sandbox.events import Delivery
from orchctl.sandbox.faults import KINDS as FAULT_KINDS
from orchctl.sandbox.faults import Faults, Latency, ScriptedFault
from orchctl.sandbox.messages import Request, Response
from orchctl.sandbox.profile import PROFILES, Profile
from orchctl.sandbox.records import TimelineEntry
from orchctl.sandbox.server import SandboxServer

__all__ = [
    "EMBEDDED_URL",
    "FAULT_KINDS",
    "PROFILES",
    "Client",
    "Delivery",
    "Faults",
    "Latency",
    "Profile",
    "Request",
    "Response",
    "Sandbox",
    "SandboxServer",
    "ScriptedFault",
    "TimelineEntry",
]
