"""Fault and latency injection, seeded so a run can be replayed.

Kinds: ``500``, ``502``, ``503``, ``429`` (with Retry-After), ``reset`` (the connection is
dropped before anything happens) and ``lost`` (the write is committed, then the connection is
dropped: the client sees a failure). ``lost`` on a read is a plain ``reset``.
Besides the random rate, a script of one-shot faults can target a method and path.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

KINDS = ("500", "502", "503", "429", "reset", "lost")


@dataclass(frozen=True)
class ScriptedFault:
    kind: str
    method: str | None = None
    path_contains: str | None = None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and (
            self.path_contains is None or self.path_contains in path
        )


@dataclass(frozen=True)
class Faults:
    rate: float = 0.0
    kinds: tuple[str, ...] = KINDS
    retry_after: int = 1
    seed: int = 0
    script: tuple[ScriptedFault, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("fault rate must be between 0 and 1")
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}; known: {list(KINDS)}")
        for item in self.script:
            if item.kind not in KINDS:
                raise ValueError(f"unknown fault kind {item.kind!r}")


@dataclass(frozen=True)
class Latency:
    fixed_ms: float = 0.0
    jitter_ms: float = 0.0


@dataclass
class FaultInjector:
    faults: Faults = field(default_factory=Faults)
    latency: Latency = field(default_factory=Latency)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(self.faults.seed)
        self._script = list(self.faults.script)
        self.injected: dict[str, int] = {}

    def configure(self, faults: Faults | None = None, latency: Latency | None = None) -> None:
        with self._lock:
            if faults is not None:
                self.faults = faults
                self._rng = random.Random(faults.seed)
                self._script = list(faults.script)
            if latency is not None:
                self.latency = latency

    def sleep(self) -> None:
        with self._lock:
            lat = self.latency
            jitter = self._rng.uniform(0, lat.jitter_ms) if lat.jitter_ms else 0.0
        delay = (lat.fixed_ms + jitter) / 1000.0
        if delay > 0:
            time.sleep(delay)

    def decide(self, method: str, path: str, is_write: bool) -> str | None:
        with self._lock:
            kind: str | None = None
            for i, item in enumerate(self._script):
                if item.matches(method, path):
                    kind = self._script.pop(i).kind
                    break
            rate, kinds = self.faults.rate, self.faults.kinds
            if kind is None and rate > 0 and kinds and self._rng.random() < rate:
                kind = self._rng.choice(kinds)
            if kind == "lost" and not is_write:
                kind = "reset"
            if kind is not None:
                self.injected[kind] = self.injected.get(kind, 0) + 1
            return kind

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {
                "rate": self.faults.rate,
                "kinds": list(self.faults.kinds),
                "retryAfter": self.faults.retry_after,
                "seed": self.faults.seed,
                "script": [
                    {"kind": s.kind, "method": s.method, "pathContains": s.path_contains}
                    for s in self._script
                ],
                "latency": {"fixedMs": self.latency.fixed_ms, "jitterMs": self.latency.jitter_ms},
                "injected": dict(self.injected),
            }
