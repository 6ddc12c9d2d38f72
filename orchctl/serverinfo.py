"""What orchctl knows about a server version (reference/SERVER_BEHAVIOR.md).

The version string is all a stack tells about itself (``GET /_info``). What is known by
version is written here, each fact with where it comes from; anything not known is said
to be unknown rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Level = Literal["ok", "warning", "unknown"]

SANDBOX_SUFFIX = "-sandbox"
_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?")
FLOWS_V27 = (2, 7)  # formancehq/flows release/v2.7


@dataclass(frozen=True)
class Fact:
    topic: str
    level: Level
    text: str


def parse_version(version: str) -> tuple[int, int] | None:
    match = _VERSION.match(version.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def facts(version: str, *, versioned_triggers: int = 0) -> list[Fact]:
    """What orchctl knows of `version`; `versioned_triggers` counts live triggers that
    carry a `version` (proof that the server keeps it)."""
    if version.endswith(SANDBOX_SUFFIX):
        return [
            Fact("server", "ok", "orchctl's sandbox: it imitates SERVER_BEHAVIOR.md (Flows main)"),
            Fact("trigger version", "ok", "kept (as on 2025+ servers)"),
            Fact(
                "once per object",
                "ok",
                "a trigger runs at most once per payment or account, keyed by the trigger's "
                "id (as on Flows main)",
            ),
        ]
    parsed = parse_version(version)
    out = [_trigger_version(parsed, versioned_triggers), _once_per_object(parsed)]
    if parsed is None:
        out.insert(0, Fact("server", "unknown", f"version {version!r} is not one orchctl can read"))
    return out


def _trigger_version(parsed: tuple[int, int] | None, versioned: int) -> Fact:
    if versioned:
        return Fact(
            "trigger version",
            "ok",
            f"kept: {versioned} live trigger{'s' if versioned != 1 else ''} carry one",
        )
    if parsed is not None and parsed >= FLOWS_V27:
        return Fact("trigger version", "ok", "kept (Flows, 2025+)")
    return Fact(
        "trigger version",
        "unknown",
        "not known for this version: servers from 2025 on (formancehq/flows) keep a "
        "trigger's `version`, older ones drop it silently (a plan that adds one would "
        "replace the trigger again on every apply)",
    )


def _once_per_object(parsed: tuple[int, int] | None) -> Fact:
    topic = "once per object"
    if parsed is None:
        return Fact(topic, "unknown", "not known for this version")
    if parsed[:2] == FLOWS_V27:
        return Fact(
            topic,
            "warning",
            "Flows v2.7 keys SAVED_PAYMENT/SAVED_ACCOUNT runs by payment or account id "
            "alone, BEFORE any filter: the first save of a payment (usually PENDING) "
            "consumes it for every trigger, so a trigger filtering on a later status "
            "(SUCCEEDED) never fires for it (fixed after v2.7, flows #179)",
        )
    if parsed > FLOWS_V27:
        return Fact(
            topic,
            "ok",
            "a trigger runs at most once per payment or account (keyed by the trigger's "
            "id): a REPLACED trigger forgets what it processed, and a payment saved again "
            "after the swap starts the workflow a second time",
        )
    return Fact(topic, "unknown", "not documented for versions before Flows v2.7")
