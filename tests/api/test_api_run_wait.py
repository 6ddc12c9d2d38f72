"""Waiting for a run polls the instance: a long run never turns into an unknown outcome."""

from __future__ import annotations

from orchctl.api import OrchestrationClient, WorkflowConfig
from orchctl.sandbox import Sandbox


def test_waiting_for_a_delayed_run_returns_it_terminated() -> None:
    with (
        Sandbox(time_scale=0.001) as sandbox,
        OrchestrationClient(transport=sandbox.transport()) as client,
    ):
        workflow = client.create_workflow(
            WorkflowConfig(stages=({"delay": {"duration": "60s"}},), name="slow")
        )
        instance = client.run_workflow(workflow.id, wait=True, poll_interval=0.01)
        assert instance.terminated
        assert instance.error in (None, "")


def test_a_run_that_outlasts_the_wait_keeps_its_id() -> None:
    with (
        Sandbox() as sandbox,
        OrchestrationClient(transport=sandbox.transport()) as client,
    ):
        workflow = client.create_workflow(
            WorkflowConfig(stages=({"wait_event": {"event": "go"}},), name="waits")
        )
        instance = client.run_workflow(workflow.id, wait=True, wait_timeout=0.2, poll_interval=0.05)
        assert not instance.terminated
        client.send_event(instance.id, "go")
        finished = client.get_instance(instance.id)
        for _ in range(100):
            if finished.terminated:
                break
            sandbox.wait_instance(instance.id, timeout=1)
            finished = client.get_instance(instance.id)
        assert finished.terminated
