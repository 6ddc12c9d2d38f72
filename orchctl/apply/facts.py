"""What apply learned about a stack that planning must know: today, whether the server
keeps a trigger's `version` (DESIGN §4; SERVER_BEHAVIOR: "`version` exists only on 2025+
servers; an older server silently drops it").

apply learns it from a create: a trigger sent with `version` that comes back without it.
The fact is kept in `.orchctl/facts-<environment>.json` with the server's version from
`/_info` at that time; planning then leaves `version` out of the comparison (instead of
planning the same replacement on every run) and says so. When `/_info` reports another
server version, the fact is dropped and `version` is compared again.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from orchctl.api import ApiError, OrchestrationClient
from orchctl.definitions.discovery import STATE_DIR


@dataclass(frozen=True)
class StackFacts:
    trigger_versions: bool = True
    server_version: str | None = None
    learned_at: str | None = None


def facts_path(root: str, environment: str) -> str:
    return os.path.join(root, STATE_DIR, f"facts-{environment}.json")


def read_facts(root: str, environment: str) -> StackFacts:
    try:
        with open(facts_path(root, environment), encoding="utf-8") as fh:
            data = json.load(fh)
        return StackFacts(
            trigger_versions=bool(data.get("trigger_versions", True)),
            server_version=data.get("server_version"),
            learned_at=data.get("learned_at"),
        )
    except (OSError, ValueError, AttributeError):
        return StackFacts()


def server_version(client: OrchestrationClient) -> str | None:
    try:
        return client.server_info().version or None
    except ApiError:
        return None


def current_facts(client: OrchestrationClient, root: str, environment: str) -> StackFacts:
    """The facts, if they still describe the server (one `/_info` call, only when there are
    facts to check)."""
    facts = read_facts(root, environment)
    if facts.trigger_versions:
        return facts
    if server_version(client) != facts.server_version:
        forget(root, environment)
        return StackFacts()
    return facts


def learn_no_trigger_versions(client: OrchestrationClient, root: str, environment: str) -> None:
    path = facts_path(root, environment)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    document = {
        "trigger_versions": False,
        "server_version": server_version(client),
        "learned_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(document, fh, indent=2)
        fh.write("\n")


def forget(root: str, environment: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(facts_path(root, environment))
