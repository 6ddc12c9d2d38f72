"""The environment lock against the in-process sandbox: names, messages, waiting, renewal,
the fence, expiry, break_lock, and reading the holder (concurrency: test_lock_concurrency)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sandbox_clients import sandbox_client

from orchctl.api import LiveState, OrchestrationClient, OutcomeUnknown, Workflow, WorkflowConfig
from orchctl.apply.lock import (
    LOCK_NAME,
    HolderInfo,
    LockHeld,
    LockLost,
    NoSuchLock,
    acquire,
    break_lock,
    claims_in,
    current_holder,
    is_lock_object,
    local_holder_info,
    lock_holders,
    lock_name,
    without_lock_objects,
)
from orchctl.sandbox import Faults, Sandbox, ScriptedFault

NAME_PATTERN = re.compile(r"^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$")  # definitions and namespaces
ALICE = HolderInfo("staging", "pay", "ci-7", "alice", 4242, "https://github.com/o/r/actions/runs/9")


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(":memory:", seed=2) as sandbox:
        yield sandbox


@pytest.fixture
def a(sb: Sandbox) -> Iterator[OrchestrationClient]:
    with sandbox_client(sb, "a") as c:
        yield c


@pytest.fixture
def b(sb: Sandbox) -> Iterator[OrchestrationClient]:
    with sandbox_client(sb, "b") as c:
        yield c


def lock_objects(client: OrchestrationClient) -> list[Workflow]:
    return [w for w in client.list_workflows() if is_lock_object(w)]


def wait_until(condition: object, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.02)
    raise AssertionError("condition not reached")


# ---------------------------------------------------------------- names


@pytest.mark.parametrize("namespace", [None, "pay", "a.b-c_d"])
def test_the_lock_name_is_never_a_definition_name(namespace: str | None) -> None:
    assert not NAME_PATTERN.match(lock_name(namespace))


@pytest.mark.parametrize("namespace", [None, "pay", "orchctl"])
def test_the_lock_name_is_never_a_namespace_member(namespace: str | None) -> None:
    assert "/" not in lock_name(namespace)


def test_lock_names_per_namespace() -> None:
    assert (lock_name(None), lock_name("pay")) == ("orchctl:lock", "orchctl:lock:pay")


def test_a_workflow_named_like_the_lock_without_its_record_is_not_a_lock_object() -> None:
    stray = Workflow("id", WorkflowConfig(({"delay": {"duration": "0s"}},), LOCK_NAME))
    assert not is_lock_object(stray)


# ---------------------------------------------------------------- acquire and release


def test_a_lease_is_held_and_its_objects_are_lock_objects(a: OrchestrationClient) -> None:
    with acquire(a, environment="staging", namespace="pay", timeout=0, info=ALICE) as lease:
        assert (lease.held, {w.name for w in lock_objects(a)}) == (True, {"orchctl:lock:pay"})


def test_release_deletes_every_lock_object(a: OrchestrationClient) -> None:
    with acquire(a, environment="staging", namespace="pay", timeout=0):
        pass
    assert lock_objects(a) == []


def test_a_second_apply_fails_with_one_line_naming_the_holder(
    a: OrchestrationClient, b: OrchestrationClient
) -> None:
    with (
        acquire(a, environment="staging", namespace="pay", timeout=0, info=ALICE) as lease,
        pytest.raises(LockHeld) as caught,
    ):
        acquire(b, environment="staging", namespace="pay", timeout=0)
    since = lease.holder.since
    assert since is not None
    assert str(caught.value) == (
        "environment staging is locked by alice@ci-7 (pid 4242, CI "
        "https://github.com/o/r/actions/runs/9) since "
        f"{since.strftime('%Y-%m-%d %H:%M:%S')} UTC (lock {lease.lock_id}) (hint: wait for it "
        "to finish, pass --lock-timeout to wait, or break it with "
        f"`orchctl unlock {lease.lock_id} --env staging` if that run is gone)"
    )


def test_the_refused_apply_leaves_nothing_on_the_stack(
    a: OrchestrationClient, b: OrchestrationClient
) -> None:
    with acquire(a, environment="staging", namespace="pay", timeout=0) as lease:
        with pytest.raises(LockHeld):
            acquire(b, environment="staging", namespace="pay", timeout=0)
        assert {h.lock_id for h in lock_holders(a, "pay")} == {lease.lock_id}


def test_another_namespace_has_its_own_lock(a: OrchestrationClient, b: OrchestrationClient) -> None:
    with (
        acquire(a, environment="staging", namespace="pay", timeout=0),
        acquire(b, environment="staging", namespace="cards", timeout=0) as other,
    ):
        assert other.held


def test_a_waiting_apply_gets_the_lock_when_it_is_released(
    a: OrchestrationClient, b: OrchestrationClient
) -> None:
    first = acquire(a, environment="staging", namespace="pay", timeout=0)
    timer = threading.Timer(0.3, first.release)
    timer.start()
    started = time.monotonic()
    with acquire(b, environment="staging", namespace="pay", timeout=10, poll=0.02) as second:
        waited = time.monotonic() - started
        assert second.held
    timer.join()
    assert 0.25 <= waited < 5


def test_check_passes_while_held(a: OrchestrationClient) -> None:
    with acquire(a, environment="staging", namespace=None, timeout=0) as lease:
        lease.check()


def test_check_fails_after_release(a: OrchestrationClient) -> None:
    lease = acquire(a, environment="staging", namespace=None, timeout=0)
    lease.release()
    with pytest.raises(LockLost, match="was released"):
        lease.check()


# ---------------------------------------------------------------- renewal, fence, expiry


def test_renewal_keeps_one_claim_and_the_newest_renewal(a: OrchestrationClient) -> None:
    with acquire(a, environment="staging", namespace=None, timeout=0, ttl=0.8) as lease:
        claim_ids = {w.id for w in lock_objects(a)}
        wait_until(lambda: lease.renewals_sent >= 4)
        lease.check()
        now = {w.id for w in lock_objects(a)}
    assert len(now) <= 3
    assert len(claim_ids & now) == 1  # the claim itself was never replaced


def test_a_holder_that_cannot_renew_stops_itself(sb: Sandbox, a: OrchestrationClient) -> None:
    lease = acquire(a, environment="staging", namespace=None, timeout=0, ttl=0.6)
    sb.set_faults(Faults(rate=1.0, kinds=("503",)))
    time.sleep(0.6)
    with pytest.raises(LockLost, match=r"no renewal for 0\.5 s"):
        lease.check()
    sb.set_faults(Faults())
    lease.release()


def test_a_renewal_stamped_after_the_ttl_gives_the_lock_up(a: OrchestrationClient) -> None:
    lease = acquire(a, environment="staging", namespace=None, timeout=0, ttl=0.6)
    sent = lease.renewals_sent
    with lease._mutex:  # the holder is paused: no renewal can be sent
        time.sleep(0.7)
    wait_until(lambda: lease.renewals_sent > sent)
    with pytest.raises(LockLost, match=r"stamped .* after the previous one"):
        lease.check()
    lease.release()


def test_an_abandoned_lock_expires_within_its_ttl(
    a: OrchestrationClient, b: OrchestrationClient
) -> None:
    dead = acquire(a, environment="staging", namespace=None, timeout=0, ttl=1.0)
    dead._stop.set()  # the holder dies: no renewal, no release
    started = time.monotonic()
    with acquire(b, environment="staging", namespace=None, timeout=5, ttl=1.0, poll=0.02):
        waited = time.monotonic() - started
    assert 0.5 <= waited <= 1.5


def test_objects_of_a_long_dead_holder_are_deleted_by_the_next_acquire(
    a: OrchestrationClient, b: OrchestrationClient
) -> None:
    dead = acquire(a, environment="staging", namespace=None, timeout=0, ttl=0.2)
    dead._stop.set()
    time.sleep(0.5)
    with acquire(b, environment="staging", namespace=None, timeout=0, ttl=5) as lease:
        assert {h.lock_id for h in lock_holders(b, None)} == {lease.lock_id}


# ---------------------------------------------------------------- break_lock


def test_a_broken_lock_is_noticed_by_its_holder(
    a: OrchestrationClient, b: OrchestrationClient
) -> None:
    lease = acquire(a, environment="staging", namespace=None, timeout=0, ttl=0.8)
    broken = break_lock(b, "staging", None, lease.lock_id)
    assert [h.lock_id for h in broken] == [lease.lock_id]
    wait_until(lambda: lease._lost is not None)
    with pytest.raises(LockLost, match="its claim was deleted"):
        lease.check()
    lease.release()


def test_after_a_break_another_apply_gets_the_lock_at_once(
    a: OrchestrationClient, b: OrchestrationClient
) -> None:
    lease = acquire(a, environment="staging", namespace=None, timeout=0)
    break_lock(b, "staging", None)
    with acquire(b, environment="staging", namespace=None, timeout=0) as other:
        assert other.held
    lease.release()


def test_breaking_an_unknown_lock_says_so(a: OrchestrationClient) -> None:
    with pytest.raises(NoSuchLock, match="environment staging has no lock 0123456789ab"):
        break_lock(a, "staging", None, "0123456789ab")


# ---------------------------------------------------------------- reading the holder


def test_current_holder_from_a_live_state(a: OrchestrationClient) -> None:
    with acquire(a, environment="staging", namespace="pay", timeout=0, info=ALICE) as lease:
        live = a.list_all()
        holder = current_holder(live, "staging", "pay")
    assert holder is not None
    assert (holder.lock_id, holder.info, holder.held) == (lease.lock_id, ALICE, True)


def test_current_holder_is_none_without_a_lock(a: OrchestrationClient) -> None:
    assert current_holder(a, "staging", None) is None


def test_an_expired_lock_has_no_current_holder(a: OrchestrationClient) -> None:
    with acquire(a, environment="staging", namespace=None, timeout=0, ttl=5):
        later = datetime.now(UTC) + timedelta(seconds=30)
        assert current_holder(a, "staging", None, now=later) is None


def test_without_lock_objects_keeps_everything_else(a: OrchestrationClient) -> None:
    a.create_workflow(WorkflowConfig(({"delay": {"duration": "1s"}},), "pay/x"))
    with acquire(a, environment="staging", namespace="pay", timeout=0):
        live = without_lock_objects(a.list_all())
    assert [w.name for w in live.workflows] == ["pay/x"]


def test_equal_created_at_is_ordered_by_id() -> None:
    at = datetime(2026, 12, 3, tzinfo=UTC)

    def obj(workflow_id: str, lock: str) -> Workflow:
        record = {"lock": lock, "role": "claim", "seq": "0", "ttl": "60"}
        stages = ({"delay": {"duration": "0s", "orchctl_lock": record}},)
        return Workflow(workflow_id, WorkflowConfig(stages, LOCK_NAME), created_at=at)

    claims = claims_in([obj("b-id", "second"), obj("a-id", "first")], None)
    assert [c.lock_id for c in claims] == ["first", "second"]


def test_lock_objects_of_a_live_state_are_found_without_a_client() -> None:
    assert current_holder(LiveState(), "staging", None) is None


# ---------------------------------------------------------------- who holds


def test_a_github_actions_run_is_named_by_its_url() -> None:
    env = {
        "GITHUB_RUN_ID": "77",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "o/r",
    }
    assert local_holder_info("prod", None, env).ci == "https://github.com/o/r/actions/runs/77"


def test_a_gitlab_job_is_named_by_its_url() -> None:
    env = {"CI_JOB_URL": "https://gitlab.com/o/r/-/jobs/5"}
    assert local_holder_info("prod", None, env).ci == "https://gitlab.com/o/r/-/jobs/5"


def test_outside_ci_there_is_no_run() -> None:
    assert local_holder_info("prod", None, {}).ci is None


def test_a_claim_without_any_answer_fails_and_leaves_nothing(
    sb: Sandbox, a: OrchestrationClient
) -> None:
    sb.set_faults(Faults(script=(ScriptedFault("reset", "POST", "/workflows"),) * 3))
    with pytest.raises(OutcomeUnknown):
        acquire(a, environment="staging", namespace=None, timeout=0)
    assert lock_objects(a) == []


def test_a_lost_claim_is_adopted_not_doubled(sb: Sandbox, a: OrchestrationClient) -> None:
    sb.set_faults(Faults(script=(ScriptedFault("lost", "POST", "/workflows"),)))
    with acquire(a, environment="staging", namespace=None, timeout=0) as lease:
        assert [h.lock_id for h in lock_holders(a, None)] == [lease.lock_id]


def test_verify_passes_while_held(a: OrchestrationClient) -> None:
    with acquire(a, environment="staging", namespace=None, timeout=0) as lease:
        lease.verify()


def test_verify_sees_another_holder_at_once(a: OrchestrationClient, b: OrchestrationClient) -> None:
    lease = acquire(a, environment="staging", namespace=None, timeout=0)
    break_lock(b, "staging", None, lease.lock_id)
    with acquire(b, environment="staging", namespace=None, timeout=0) as other:
        with pytest.raises(LockLost, match="no longer on the stack"):
            lease.verify()
        other.verify()
    lease.release()


def test_verify_sees_a_second_held_lock(a: OrchestrationClient, b: OrchestrationClient) -> None:
    record = {"lock": "intruder0000", "role": "renewal", "held": "true", "ttl": "60"}
    record.update(ALICE.to_json())
    with acquire(a, environment="staging", namespace=None, timeout=0) as lease:
        stage = {"delay": {"duration": "0s", "orchctl_lock": record}}
        b.create_workflow(WorkflowConfig((stage,), LOCK_NAME))
        with pytest.raises(LockLost, match="lock intruder0000 is held by alice@ci-7"):
            lease.verify()
