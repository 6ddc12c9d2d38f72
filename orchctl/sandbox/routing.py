"""Routing primitives the handlers are written against: :class:`Ctx`, :class:`Route`.

The App is handed its route tables (``routes.py``) by whoever builds it (``core.py``), so
``app -> routing <- handlers <- routes`` has no circle. Handlers see the app only through
:class:`Services`, the few attributes they use.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from orchctl.sandbox.clock import now_str
from orchctl.sandbox.faults import FaultInjector
from orchctl.sandbox.messages import Request, Response
from orchctl.sandbox.profile import Profile
from orchctl.sandbox.runner import Runner
from orchctl.sandbox.store import Store


class Services(Protocol):
    """What a handler may use of the app."""

    store: Store
    runner: Runner
    injector: FaultInjector
    profile: Profile
    links: dict[str, Any]
    links_lock: threading.Lock


@dataclass
class Ctx:
    app: Services
    request: Request
    params: dict[str, str]
    version: str  # "v1" | "v2"
    actor: str
    written: list[int] = field(default_factory=list)

    @property
    def profile(self) -> Profile:
        return self.app.profile

    def record(
        self, action: str, kind: str, object_id: str, name: str | None, detail: dict[str, Any]
    ) -> None:
        seq = self.app.store.append_timeline(
            at=now_str(),
            actor=self.actor,
            action=action,
            kind=kind,
            object_id=object_id,
            name=name,
            detail=detail,
        )
        self.written.append(seq)


Handler = Callable[[Ctx], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    versions: tuple[str, ...] = ("v1", "v2")


def route(
    method: str,
    template: str,
    handler: Handler,
    versions: tuple[str, ...] = ("v1", "v2"),
    *,
    slash: bool = False,
) -> Route:
    """A route. ``slash``: the path is a chi ``r.Route(...)`` root served by ``r.Get("/")``
    (and so on), where a trailing slash is served like the bare path."""
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    return Route(method, re.compile(f"^{regex}{'/?' if slash else ''}$"), handler, versions)
