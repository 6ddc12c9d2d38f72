"""Exactly-once creates and deletes against the sandbox with faults, proved from its timeline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from sandbox_clients import sandbox_client

from orchctl.api import ApiError, OrchestrationClient, OutcomeUnknown, ServerError, TriggerSpec
from orchctl.apply.once import (
    ATTEMPTS,
    create_trigger_once,
    create_workflow_once,
    delete_trigger_once,
    delete_workflow_once,
)
from orchctl.sandbox import Faults, Sandbox, ScriptedFault

STAGES = [{"send": {"source": {"wallet": {"id": "w1"}}, "destination": {"wallet": {"id": "w2"}}}}]
OTHER_STAGES = [{"delay": {"duration": "1s"}}]


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(":memory:", seed=1, time_scale=0.001) as sandbox:
        yield sandbox


@pytest.fixture
def client(sb: Sandbox) -> Iterator[OrchestrationClient]:
    with sandbox_client(sb) as c:
        yield c


def creates(sb: Sandbox, kind: str) -> list[str]:
    return [e.object_id for e in sb.timeline() if e.action == "create" and e.kind == kind]


def script(sb: Sandbox, *faults: ScriptedFault) -> None:
    sb.set_faults(Faults(script=faults, retry_after=0))


def test_a_lost_workflow_create_is_adopted_not_repeated(
    sb: Sandbox, client: OrchestrationClient
) -> None:
    script(sb, ScriptedFault("lost", "POST", "/workflows"))
    workflow = create_workflow_once(client, "pay", STAGES, known_ids=())
    assert creates(sb, "workflow") == [workflow.id]


def test_the_timeline_marks_the_adopted_create_as_lost(
    sb: Sandbox, client: OrchestrationClient
) -> None:
    script(sb, ScriptedFault("lost", "POST", "/workflows"))
    create_workflow_once(client, "pay", STAGES, known_ids=())
    assert [e.outcome for e in sb.timeline()] == ["response_lost"]


@pytest.mark.parametrize("kind", ["reset", "502", "503"])
def test_a_create_that_did_not_happen_is_sent_again_once(
    sb: Sandbox, client: OrchestrationClient, kind: str
) -> None:
    script(sb, ScriptedFault(kind, "POST", "/workflows"))
    workflow = create_workflow_once(client, "pay", STAGES, known_ids=())
    assert creates(sb, "workflow") == [workflow.id]


def test_a_429_is_retried_by_the_client_and_creates_once(
    sb: Sandbox, client: OrchestrationClient
) -> None:
    script(
        sb, ScriptedFault("429", "POST", "/workflows"), ScriptedFault("429", "POST", "/workflows")
    )
    workflow = create_workflow_once(client, "pay", STAGES, known_ids=())
    assert creates(sb, "workflow") == [workflow.id]


def test_a_500_answer_is_definite_and_nothing_is_sent_again(
    sb: Sandbox, client: OrchestrationClient
) -> None:
    script(sb, ScriptedFault("500", "POST", "/workflows"))
    with pytest.raises(ServerError):
        create_workflow_once(client, "pay", STAGES, known_ids=())
    assert creates(sb, "workflow") == []


def test_a_copy_that_existed_before_is_not_adopted(
    sb: Sandbox, client: OrchestrationClient
) -> None:
    before = create_workflow_once(client, "pay", STAGES, known_ids=())
    script(sb, ScriptedFault("reset", "POST", "/workflows"))
    new = create_workflow_once(client, "pay", STAGES, known_ids={before.id})
    assert new.id != before.id


def test_a_new_copy_beside_an_old_one_is_adopted(sb: Sandbox, client: OrchestrationClient) -> None:
    before = create_workflow_once(client, "pay", STAGES, known_ids=())
    script(sb, ScriptedFault("lost", "POST", "/workflows"))
    new = create_workflow_once(client, "pay", STAGES, known_ids={before.id})
    assert creates(sb, "workflow") == [before.id, new.id]


def test_a_same_named_workflow_with_other_stages_is_not_adopted(
    sb: Sandbox, client: OrchestrationClient
) -> None:
    create_workflow_once(client, "pay", OTHER_STAGES, known_ids=())
    script(sb, ScriptedFault("reset", "POST", "/workflows"))
    new = create_workflow_once(client, "pay", STAGES, known_ids=())
    assert new.config.stages[0] == STAGES[0]


def test_after_the_last_unknown_outcome_nothing_more_is_sent(
    sb: Sandbox, client: OrchestrationClient
) -> None:
    script(sb, *[ScriptedFault("reset", "POST", "/workflows")] * (ATTEMPTS + 2))
    with pytest.raises(OutcomeUnknown, match=f"{ATTEMPTS} creates had no definite answer"):
        create_workflow_once(client, "pay", STAGES, known_ids=())
    assert sb.app.injector.describe()["injected"] == {"reset": ATTEMPTS}


def test_a_lost_trigger_create_is_adopted(sb: Sandbox, client: OrchestrationClient) -> None:
    workflow = create_workflow_once(client, "pay", STAGES, known_ids=())
    spec = TriggerSpec(event="SAVED_PAYMENT", workflow_id=workflow.id, name="t", filter="true")
    script(sb, ScriptedFault("lost", "POST", "/triggers"))
    trigger = create_trigger_once(client, spec, known_ids=())
    assert creates(sb, "trigger") == [trigger.id]


def test_a_trigger_for_another_workflow_is_not_adopted(
    sb: Sandbox, client: OrchestrationClient
) -> None:
    one = create_workflow_once(client, "one", STAGES, known_ids=())
    two = create_workflow_once(client, "two", STAGES, known_ids=())
    create_trigger_once(client, TriggerSpec(event="E", workflow_id=one.id, name="t"), known_ids=())
    script(sb, ScriptedFault("reset", "POST", "/triggers"))
    trigger = create_trigger_once(
        client, TriggerSpec(event="E", workflow_id=two.id, name="t"), known_ids=()
    )
    assert trigger.workflow_id == two.id


def test_deleting_a_deleted_trigger_is_done(sb: Sandbox, client: OrchestrationClient) -> None:
    workflow = create_workflow_once(client, "pay", STAGES, known_ids=())
    trigger = create_trigger_once(
        client, TriggerSpec(event="E", workflow_id=workflow.id, name="t"), known_ids=()
    )
    assert delete_trigger_once(client, trigger.id) is True
    delete_trigger_once(client, trigger.id)  # 404 on the service, 204 on older sandboxes
    assert [e.object_id for e in sb.timeline() if e.action == "delete"] == [trigger.id]


def test_a_lost_trigger_delete_is_done_once(sb: Sandbox, client: OrchestrationClient) -> None:
    workflow = create_workflow_once(client, "pay", STAGES, known_ids=())
    trigger = create_trigger_once(
        client, TriggerSpec(event="E", workflow_id=workflow.id, name="t"), known_ids=()
    )
    script(sb, ScriptedFault("lost", "DELETE", "/triggers/"))
    delete_trigger_once(client, trigger.id)
    deletes = [e for e in sb.timeline() if e.action == "delete"]
    assert [(e.object_id, e.outcome) for e in deletes] == [(trigger.id, "response_lost")]


def test_deleting_an_unknown_workflow_is_done(client: OrchestrationClient) -> None:
    assert delete_workflow_once(client, "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d") is False


def test_under_random_faults_every_object_is_created_exactly_once(sb: Sandbox) -> None:
    """20% of requests fail (500/502/503/429/reset/lost), 10 seeds x 30 workflows + 30
    triggers: every object that was asked for exists once, the timeline shows no second
    create of any name, and every failure is an error raised to the caller."""
    for seed in range(10):
        with Sandbox(":memory:", seed=seed, time_scale=0.001) as sandbox:
            sandbox.set_faults(Faults(rate=0.2, seed=seed, retry_after=0))
            with sandbox_client(sandbox) as c:
                done: dict[str, str] = {}
                for i in range(30):
                    name = f"w{i}"
                    try:
                        wf = create_workflow_once(c, name, [{"delay": {"duration": f"{i}s"}}], ())
                    except ApiError:
                        continue
                    done[name] = wf.id
                    spec = TriggerSpec(event="E", workflow_id=wf.id, name=f"t{i}")
                    try:
                        create_trigger_once(c, spec, ())
                    except ApiError:
                        continue
            named = Counter((e.kind, e.name) for e in sandbox.timeline() if e.action == "create")
            assert [k for k, n in named.items() if n > 1] == [], f"seed {seed}"
            assert len(done) >= 20, f"seed {seed}: only {len(done)} of 30 created"
