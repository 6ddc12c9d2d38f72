"""The environment lock: a lease kept on the stack itself (DESIGN §5).

The Orchestration API has no lock, no compare-and-swap, no update and no unique names. What
it has: creates, deletes, a v1 workflow list that answers every row in one response, and
a server-assigned ``createdAt`` and id on every object. The lock is built from those.

Objects. Every lock object is a WORKFLOW named ``orchctl:lock`` (``orchctl:lock:<namespace>``
with a namespace): ``:`` is in no definition name or namespace (``[a-z0-9._-]``) and there
is no ``/``, so it is never a definition's stack name nor a namespace member. Its one stage
is a harmless ``delay`` of ``0s`` whose unknown key ``orchctl_lock`` (stored verbatim by the
service) holds the lock id, role, sequence number, TTL and the holder (host, user, pid, CI
run, environment). Nothing points at it; running it would move nothing. The key is the
namespace, not the environment's local name: two environments of orchctl.yaml aimed at one
stack and one namespace write the same objects, so they share one lock. An attempt owns one
random ``lock_id``; its objects are one CLAIM (kept until release) and RENEWALS (a new
object every ``ttl/4`` s; the previous renewal is then deleted).

Protocol (``acquire``):

1. Create a claim (exactly once: :mod:`orchctl.apply.once`).
2. Read every lock object with a listing that cannot miss a committed row
   (:func:`orchctl.apply.reads.all_workflows`: the v1 list in one answer; a v2 offset list
   can skip a row while others delete). Group by lock id. A lock id is LIVE while its newest
   object's ``createdAt`` + its TTL >= "now", where "now" is the server's ``createdAt`` of my
   own newest object (server time only, so client clocks do not matter; it lags the real
   server time, which only makes others look alive longer).
3. No other live lock id: I HOLD the lock (a renewal marked ``held`` says so to others).
4. Otherwise the order (claim ``createdAt``, then id: a total order every reader computes
   alike, equal ``createdAt`` included) decides who yields, never who wins: if a held or an
   earlier claim is live, I yield (an earlier unheld claim: withdraw my claim and claim
   again later; a held one: keep my place and wait); if only later unheld claims are live,
   I wait for them to withdraw (they see mine as earlier, or they hold).
5. Up to ``timeout`` (later claimants are waited for a short grace even with 0), then
   withdraw and raise :class:`LockHeld` naming the holder.

Why two holders are excluded. Winning needs a listing, taken after my claim committed,
that shows no other live claim. Take two holders A and B and say A's winning listing came
first. A's claim committed before A's listing, hence before B's; it is deleted only after A
stops writing. So B's listing, if A still held, showed A's claim, and B could only win by
judging it expired: A's newest renewal at least a TTL old in server time. A renews every
``ttl/4`` and fences itself: :meth:`Lease.check`, called before every write step, fails once
``ttl - margin`` has passed (monotonic clock) since A SENT its last successful renewal, and
the server stamped that renewal no earlier than the send. So A stopped before B could
start. The order by ``createdAt`` is not used to pick the winner, because ``createdAt`` is
stamped before the row commits: an earlier-stamped claim can become visible after a later
one was already listed, and "the earliest wins" would then crown both.

A renewal stamped more than a TTL after its predecessor means others may have seen the
lock expire: the holder then gives the lock up (LockLost) instead of reviving it. A holder
whose claim is gone (``orchctl unlock``) also loses it, at the next renewal. Expired lock
objects of others are deleted by the next acquirer once two TTLs old.

Residual risks: a holder paused (SIGSTOP, a VM freeze) after ``check()`` and before its
write lands, for longer than the margin, can write after its lease expired; clocks of
several server replicas that disagree by more than the margin; ``orchctl unlock`` of a lock
whose holder is alive (it notices within ``ttl/4`` and stops, but a write in flight lands);
and, on a service whose v1 list is paginated with 100+ workflows on the stack, a claim
missed by two consecutive identical v2 listings.
"""

from __future__ import annotations

import getpass
import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from orchctl.api import (
    ApiError,
    LiveState,
    NotFound,
    OrchestrationClient,
    Workflow,
)
from orchctl.apply.once import create_workflow_once, delete_workflow_once
from orchctl.apply.reads import all_workflows
from orchctl.errors import OrchctlError

log = logging.getLogger("orchctl.apply.lock")

LOCK_NAME = "orchctl:lock"
MARK = "orchctl_lock"  # the stage key that holds the lock record
FORMAT = "1"
DEFAULT_TTL = 60.0  # seconds: expired within 60 s of the last renewal, hence of death


class LockHeld(OrchctlError):
    """Another apply holds the environment's lock (or claimed it first)."""

    def __init__(self, holder: Holder, environment: str) -> None:
        since = holder.since_text()
        state = "locked" if holder.held else "being locked"
        super().__init__(
            f"environment {environment} is {state} by {holder.describe()} since {since} "
            f"(lock {holder.lock_id})",
            hint=(
                "wait for it to finish, pass --lock-timeout to wait, or break it with "
                f"`orchctl unlock {holder.lock_id}` if that run is gone"
            ),
        )
        self.holder = holder


class LockLost(OrchctlError):
    """This apply no longer holds the lock: stop writing."""


class NoSuchLock(OrchctlError):
    """``orchctl unlock LOCK-ID`` names a lock that is not on the stack."""


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


def _stages(
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


def break_lock(
    client: OrchestrationClient,
    environment: str,
    namespace: str | None,
    lock_id: str | None = None,
) -> list[Holder]:
    """Delete the objects of ``lock_id`` (every lock id when None); the broken holders.
    A holder that is still running notices at its next renewal and stops writing."""
    claims = claims_in(all_workflows(client), namespace)
    if lock_id is not None:
        claims = [c for c in claims if c.lock_id == lock_id]
        if not claims:
            raise NoSuchLock(
                f"environment {environment} has no lock {lock_id}",
                hint="`orchctl unlock` without an id shows the current lock",
            )
    for claim in claims:
        # renewals first, the claim last: while any object is left the lock id stays visible
        for obj in sorted(claim.objects, key=lambda o: o.role == "claim"):
            delete_workflow_once(client, obj.workflow.id)
    return [c.holder for c in claims]


# ---------------------------------------------------------------- the lease


class Lease:
    """A claim on the lock, then (once acquired) the lock itself. Use as a context manager;
    call :meth:`check` before every write step."""

    def __init__(
        self,
        client: OrchestrationClient,
        *,
        environment: str,
        namespace: str | None,
        info: HolderInfo,
        ttl: float,
        renew_every: float,
        margin: float,
        clock: Callable[[], float],
    ) -> None:
        self.client = client
        self.environment = environment
        self.namespace = namespace
        self.name = lock_name(namespace)
        self.lock_id = uuid.uuid4().hex[:12]
        self.info = info
        self.ttl = ttl
        self.renew_every = renew_every
        self.margin = margin
        self._clock = clock
        self._mutex = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._claim: Workflow | None = None
        self._renewals: list[Workflow] = []
        self._leftovers: list[str] = []  # ids whose delete failed; retried on release
        self._newest: datetime | None = None
        self._deadline = 0.0
        self._seq = 0
        self._held = False
        self._lost: str | None = None
        self._released = False
        self.renewals_sent = 0

    # -- what callers use -----------------------------------------------------------------
    @property
    def held(self) -> bool:
        return self._held and self._lost is None and not self._released

    @property
    def holder(self) -> Holder:
        return Holder(
            lock_id=self.lock_id,
            info=self.info,
            since=self._claim.created_at if self._claim else None,
            renewed=self._newest,
            ttl=self.ttl,
            held=self._held,
        )

    def check(self) -> None:
        """Raise :class:`LockLost` unless this lease is held and certainly unexpired.
        Never waits for the network (a renewal in flight does not block it)."""
        lost, deadline = self._lost, self._deadline
        if self._released:
            raise LockLost(f"the lock of environment {self.environment} was released")
        if lost is not None:
            raise LockLost(
                f"lost the lock of environment {self.environment}: {lost}; "
                "stopped before the next write"
            )
        if not self._held:
            raise LockLost(f"the lock of environment {self.environment} is not held")
        if self._clock() > deadline:
            raise LockLost(
                f"lost the lock of environment {self.environment}: no renewal for "
                f"{self.ttl - self.margin:g} s (the stack is not answering); stopped "
                "before the next write"
            )

    def release(self) -> None:
        """Stop renewing and delete this lease's objects (idempotent; never raises: a lock
        that cannot be deleted expires by itself)."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        with self._mutex:
            if self._released:
                return
            self._released = True
            self._held = False
            self._delete_mine()
            for workflow_id in self._leftovers:
                self._try_delete(workflow_id)

    def __enter__(self) -> Lease:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    # -- claim, renew, withdraw -----------------------------------------------------------
    def _write(self, role: str, held: bool) -> Workflow:
        """Create one object of this lock id; returns it (createdAt is the server's now)."""
        prev = self._newest.isoformat() if self._newest else ""
        stages = _stages(self.lock_id, role, self._seq, held, self.ttl, prev, self.info)
        self._seq += 1
        sent = self._clock()
        obj = create_workflow_once(self.client, self.name, stages, known_ids=())
        created = obj.created_at
        if created is None:
            raise LockLost("the stack answered a lock object without createdAt")
        if self._newest is not None and created - self._newest > timedelta(
            seconds=self.ttl - self.margin
        ):
            self._lost = (
                f"a renewal was stamped {(created - self._newest).total_seconds():.1f} s after "
                f"the previous one (TTL {self.ttl:g} s): others may have taken the lock"
            )
        self._newest = created
        self._deadline = sent + self.ttl - self.margin
        return obj

    def _claim_now(self) -> None:
        with self._mutex:
            self._lost = None
            self._newest = None
            self._claim = self._write("claim", held=False)
            self._renewals = []
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._renew_loop, name=f"orchctl-lock-{self.lock_id}", daemon=True
            )
            self._thread.start()

    def _become_holder(self) -> None:
        with self._mutex:
            self._held = True
            try:
                self._renew_once()  # a renewal marked held: others see who holds
            except ApiError as exc:  # only a label; the lock is held without it
                log.warning("lock %s: could not mark it held: %s", self.lock_id, exc)

    def _renew_once(self) -> None:
        with self._mutex:
            if self._claim is None or self._released or self._lost is not None:
                return
            obj = self._write("renewal", held=self._held)
            self.renewals_sent += 1
            old, self._renewals = self._renewals, [obj]
            for stale in old:
                self._try_delete(stale.id)
            claim_id = self._claim.id
        try:
            claim = self.client.get_workflow(claim_id)
            gone = claim.deleted
        except NotFound:
            gone = True
        if gone:
            with self._mutex:
                self._lost = self._lost or "its claim was deleted (orchctl unlock?)"

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.renew_every):
            try:
                self._renew_once()
            except ApiError as exc:  # the fence (check) stops writes if this persists
                log.warning("lock %s: renewal failed: %s", self.lock_id, exc)
            except LockLost as exc:
                with self._mutex:
                    self._lost = str(exc)

    def _withdraw(self) -> None:
        with self._mutex:
            self._delete_mine()
            self._claim = None
            self._renewals = []
            self._newest = None

    def _delete_mine(self) -> None:
        mine = [w.id for w in self._renewals] + ([self._claim.id] if self._claim else [])
        for workflow_id in mine:
            self._try_delete(workflow_id)
        self._renewals = []

    def _try_delete(self, workflow_id: str) -> None:
        try:
            delete_workflow_once(self.client, workflow_id)
        except ApiError as exc:
            log.warning("lock %s: could not delete %s: %s", self.lock_id, workflow_id, exc)
            if workflow_id not in self._leftovers:
                self._leftovers.append(workflow_id)
        else:
            if workflow_id in self._leftovers:
                self._leftovers.remove(workflow_id)

    def _server_now(self) -> datetime:
        assert self._newest is not None
        return self._newest

    def _key(self) -> tuple[datetime, str]:
        assert self._claim is not None
        assert self._claim.created_at is not None
        return self._claim.created_at, self._claim.id


def acquire(
    client: OrchestrationClient,
    *,
    environment: str,
    namespace: str | None,
    timeout: float,
    ttl: float = DEFAULT_TTL,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    info: HolderInfo | None = None,
    rng: Callable[[], float] = random.random,
    poll: float | None = None,
) -> Lease:
    """Take the lock of ``namespace`` on the stack, waiting up to ``timeout`` seconds;
    raises :class:`LockHeld` when someone else has it. See the module for the protocol.

    ``ttl`` (seconds) is this holder's lease: renewed every ``ttl/4``, fenced at ``ttl - ttl/6``;
    others judge it by the TTL written in its objects. ``poll``: pause between listings
    while waiting (default ``min(1, ttl/10)``)."""
    lease = Lease(
        client,
        environment=environment,
        namespace=namespace,
        info=info or local_holder_info(environment, namespace),
        ttl=ttl,
        renew_every=ttl / 4,
        margin=ttl / 6,
        clock=clock,
    )
    poll = min(1.0, ttl / 10) if poll is None else poll
    grace = max(timeout, min(5.0, ttl / 4))  # later claimants withdraw within a round trip
    start = clock()
    try:
        lease._claim_now()
        while True:
            claims = claims_in(all_workflows(client), namespace)
            with lease._mutex:
                if lease._lost is not None:  # the claim itself broke: start over
                    lease._withdraw()
                    lease._claim_now()
                    continue
                now, mine = lease._server_now(), lease._key()
            others = [c for c in claims if c.lock_id != lease.lock_id]
            _collect_garbage(client, others, now)
            live = [c for c in others if c.live(now)]
            if not live:
                lease._become_holder()
                log.info("lock %s held (%s)", lease.lock_id, lease.name)
                return lease
            held = [c for c in live if c.held]
            earlier = [c for c in live if c.key < mine]
            waited = clock() - start
            if held or earlier:
                blocker = (held or earlier)[0]
                if waited >= timeout:
                    raise LockHeld(blocker.holder, environment)
                if not held:  # an earlier claimant that does not hold yet: step back
                    lease._withdraw()
                    sleep(poll * (0.5 + rng()))
                    lease._claim_now()
                else:  # keep our place in the queue
                    sleep(poll)
                continue
            if waited >= grace:
                raise LockHeld(live[0].holder, environment)
            sleep(poll / 4)
    except BaseException:
        lease.release()
        raise


def _collect_garbage(client: OrchestrationClient, others: Sequence[Claim], now: datetime) -> None:
    """Delete the objects of lock ids expired for two TTLs (their holders are gone)."""
    for claim in others:
        if claim.newest + timedelta(seconds=2 * claim.ttl) < now:
            for obj in claim.objects:
                try:
                    delete_workflow_once(client, obj.workflow.id)
                except ApiError as exc:
                    log.info(
                        "could not delete the expired lock object %s: %s", obj.workflow.id, exc
                    )


def _show_time(moment: datetime | None) -> str:
    if moment is None:
        return "an unknown time"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
