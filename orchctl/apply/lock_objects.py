"""The lock as it is kept on the stack: names, the record in each lock object, and who
holds the lock according to a listing. The protocol is in :mod:`orchctl.apply.lock`.

Every lock object is a WORKFLOW named ``orchctl:lock`` (``orchctl:lock:<namespace>``);
its one stage is ``{"delay": {"duration": "0s", "orchctl_lock": {...}}}``: the service keeps
unknown stage keys verbatim, and running it would move nothing. The record's values are
all strings: ``v`` (format), ``lock`` (lock id), ``role`` (claim | renewal), ``seq``,
``held``, ``ttl`` (seconds), ``prev`` (the previous object's createdAt), ``env``, ``ns``,
``host``, ``user``, ``pid``, ``ci``.
"""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from orchctl.api import LiveState, OrchestrationClient, Workflow
from orchctl.apply.reads import all_workflows

LOCK_NAME = "orchctl:lock"
MARK = "orchctl_lock"  # the stage key that holds the lock record
FORMAT = "1"
# Seconds. A holder that dies has renewed at most TTL ago; a waiting apply judges expiry on
# its own newest object's server time, refreshed every TTL/4: so it takes the lock at most
# TTL + TTL/4 + a poll (45 + 11.25 + 1 s) after the holder died, within DESIGN's 60 s.
DEFAULT_TTL = 45.0


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class HolderInfo:
    """Who is applying: written into every lock object."""

    environment: str
    namespace: str | None
    host: str
    user: str
    pid: int | None
    ci: str | None = None

    def to_json(self) -> dict[str, str]:
        return {
            "env": self.environment,
            "ns": self.namespace or "",
            "host": self.host,
            "user": self.user,
            "pid": "" if self.pid is None else str(self.pid),
            "ci": self.ci or "",
        }


@dataclass(frozen=True)
class Holder:
    """A lock id as seen on the stack: who, since when, last renewed when."""

    lock_id: str
    info: HolderInfo
    since: datetime | None  # the server's createdAt of the claim
    renewed: datetime | None  # the server's createdAt of the newest object
    ttl: float
    held: bool

    def describe(self) -> str:
        """``alice@ci-7 (pid 4242, CI https://github.com/o/r/actions/runs/1)``."""
        who = f"{self.info.user or 'unknown'}@{self.info.host or 'unknown'}"
        extra = []
        if self.info.pid is not None:
            extra.append(f"pid {self.info.pid}")
        if self.info.ci:
            extra.append(f"CI {self.info.ci}")
        return who + (f" ({', '.join(extra)})" if extra else "")

    def since_text(self) -> str:
        return _show_time(self.since)

    def expired(self, now: datetime) -> bool:
        return self.renewed is None or self.renewed + timedelta(seconds=self.ttl) < now


@dataclass(frozen=True)
class LockObject:
    """One lock workflow, parsed."""

    workflow: Workflow
    lock_id: str
    role: str  # "claim" | "renewal"
    seq: int
    held: bool
    ttl: float
    info: HolderInfo

    @property
    def created(self) -> datetime:
        return self.workflow.created_at or datetime.min.replace(tzinfo=UTC)

    @property
    def key(self) -> tuple[datetime, str]:
        return self.created, self.workflow.id


@dataclass(frozen=True)
class Claim:
    """Every visible object of one lock id."""

    lock_id: str
    objects: tuple[LockObject, ...]

    @property
    def key(self) -> tuple[datetime, str]:
        """(createdAt, id) of its claim (of its earliest object if the claim is gone)."""
        claims = [o for o in self.objects if o.role == "claim"] or list(self.objects)
        return min(o.key for o in claims)

    @property
    def newest(self) -> datetime:
        return max(o.created for o in self.objects)

    @property
    def ttl(self) -> float:
        return max(o.ttl for o in self.objects)

    @property
    def held(self) -> bool:
        return any(o.held for o in self.objects)

    def live(self, now: datetime) -> bool:
        return self.newest + timedelta(seconds=self.ttl) >= now

    @property
    def holder(self) -> Holder:
        newest = max(self.objects, key=lambda o: o.key)
        return Holder(
            lock_id=self.lock_id,
            info=newest.info,
            since=self.key[0],
            renewed=self.newest,
            ttl=self.ttl,
            held=self.held,
        )


# ---------------------------------------------------------------- names and objects


def lock_name(namespace: str | None) -> str:
    """The stack name of the lock objects of a namespace (or of no namespace)."""
    return f"{LOCK_NAME}:{namespace}" if namespace else LOCK_NAME


def is_lock_object(obj: Any) -> bool:
    """Whether a live object is a lock object (of any namespace): plan, drift and import
    must leave these alone."""
    return isinstance(obj, Workflow) and parse_lock_object(obj) is not None


def without_lock_objects(live: LiveState) -> LiveState:
    """The live state with every lock object taken out."""
    return replace(live, workflows=tuple(w for w in live.workflows if not is_lock_object(w)))


def parse_lock_object(workflow: Workflow) -> LockObject | None:
    name = workflow.name
    if name != LOCK_NAME and not name.startswith(LOCK_NAME + ":"):
        return None
    if len(workflow.config.stages) != 1:
        return None
    body = next(iter(workflow.config.stages[0].values()), None)
    record = body.get(MARK) if isinstance(body, Mapping) else None
    if not isinstance(record, Mapping) or not isinstance(record.get("lock"), str):
        return None
    try:
        pid_text = str(record.get("pid") or "")
        info = HolderInfo(
            environment=str(record.get("env", "")),
            namespace=str(record.get("ns") or "") or None,
            host=str(record.get("host", "")),
            user=str(record.get("user", "")),
            pid=int(pid_text) if pid_text.isdigit() else None,
            ci=str(record.get("ci") or "") or None,
        )
        return LockObject(
            workflow=workflow,
            lock_id=str(record["lock"]),
            role=str(record.get("role", "claim")),
            seq=int(str(record.get("seq", "0"))),
            held=str(record.get("held", "")) == "true",
            ttl=float(str(record.get("ttl", DEFAULT_TTL))),
            info=info,
        )
    except ValueError:
        return None


def stages_for(
    lock_id: str, role: str, seq: int, held: bool, ttl: float, prev: str, info: HolderInfo
) -> list[dict[str, Any]]:
    record = {
        "v": FORMAT,
        "lock": lock_id,
        "role": role,
        "seq": str(seq),
        "held": "true" if held else "false",
        "ttl": f"{ttl:g}",
        "prev": prev,
        **info.to_json(),
    }
    return [{"delay": {"duration": "0s", MARK: record}}]


def claims_in(workflows: Iterable[Workflow], namespace: str | None) -> list[Claim]:
    """The lock ids of a namespace among ``workflows``, in lock order."""
    name = lock_name(namespace)
    groups: dict[str, list[LockObject]] = {}
    for w in workflows:
        if w.name != name:
            continue
        parsed = parse_lock_object(w)
        if parsed is not None:
            groups.setdefault(parsed.lock_id, []).append(parsed)
    claims = [Claim(lock_id, tuple(objs)) for lock_id, objs in groups.items()]
    return sorted(claims, key=lambda c: c.key)


def local_holder_info(
    environment: str, namespace: str | None, environ: Mapping[str, str] | None = None
) -> HolderInfo:
    """This process: host, user, pid and the CI run when known (GitHub Actions, GitLab)."""
    env = os.environ if environ is None else environ
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    ci: str | None = None
    if env.get("GITHUB_RUN_ID"):
        server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        repo = env.get("GITHUB_REPOSITORY")
        ci = (
            f"{server}/{repo}/actions/runs/{env['GITHUB_RUN_ID']}"
            if repo
            else f"GitHub run {env['GITHUB_RUN_ID']}"
        )
    elif env.get("CI_JOB_URL"):
        ci = env["CI_JOB_URL"]
    return HolderInfo(environment, namespace, socket.gethostname(), user, os.getpid(), ci)


# ---------------------------------------------------------------- reading


def current_holder(
    source: OrchestrationClient | LiveState,
    environment: str,
    namespace: str | None,
    *,
    now: datetime | None = None,
) -> Holder | None:
    """Who holds (or is taking) the lock, from a client or a live state already read;
    None when nobody does. Read-only callers have no server time of their own, so expiry is
    judged on this machine's clock (or the newest object listed, when that is later)."""
    claims, current = _claims_and_now(source, namespace, now)
    live = [c for c in claims if c.live(current)]
    if not live:
        return None
    held = [c for c in live if c.held]
    return (held or live)[0].holder


def lock_holders(source: OrchestrationClient | LiveState, namespace: str | None) -> list[Holder]:
    """Every lock id on the stack for a namespace, live or expired, in lock order."""
    claims, _ = _claims_and_now(source, namespace, None)
    return [c.holder for c in claims]


def _claims_and_now(
    source: OrchestrationClient | LiveState, namespace: str | None, now: datetime | None
) -> tuple[list[Claim], datetime]:
    workflows = source.workflows if isinstance(source, LiveState) else all_workflows(source)
    current = now or datetime.now(UTC)
    newest = max((w.created_at for w in workflows if w.created_at is not None), default=None)
    if now is None and newest is not None and newest > current:
        current = newest
    return claims_in(workflows, namespace), current


def _show_time(moment: datetime | None) -> str:
    if moment is None:
        return "an unknown time"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
