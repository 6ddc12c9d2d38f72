"""Listings that must not miss a row (orchctl.apply.reads)."""

from __future__ import annotations

import pytest
from sandbox_clients import sandbox_client

from orchctl.api import Workflow, WorkflowConfig
from orchctl.apply.reads import PAGE, all_triggers, all_workflows, stable_read
from orchctl.sandbox import Sandbox


@pytest.mark.parametrize("count", [0, 3, PAGE - 1, PAGE, PAGE + 1, 250])
def test_every_workflow_is_read(count: int) -> None:
    with Sandbox(":memory:", seed=count) as sb, sandbox_client(sb) as client:
        ids, _ = sb.bulk_seed(workflows=count)
        assert sorted(w.id for w in all_workflows(client)) == sorted(ids)


def test_every_trigger_is_read() -> None:
    with Sandbox(":memory:", seed=5) as sb, sandbox_client(sb) as client:
        _, ids = sb.bulk_seed(workflows=1, triggers=130)
        assert sorted(t.id for t in all_triggers(client)) == sorted(ids)


def test_deleted_workflows_are_not_read() -> None:
    with Sandbox(":memory:") as sb, sandbox_client(sb) as client:
        gone = client.create_workflow(WorkflowConfig(({"delay": {"duration": "1s"}},), "a"))
        client.delete_workflow(gone.id)
        assert all_workflows(client) == []


def workflow(workflow_id: str) -> Workflow:
    return Workflow(workflow_id, WorkflowConfig((), "w"))


def test_a_stable_read_keeps_every_row_any_listing_saw() -> None:
    listings = iter([[workflow("a")], [workflow("b")], [workflow("b")]])
    assert [w.id for w in stable_read(lambda: next(listings))] == ["a", "b"]


def test_a_stable_read_stops_when_two_listings_agree() -> None:
    calls: list[int] = []

    def read() -> list[Workflow]:
        calls.append(1)
        return [workflow("a")]

    stable_read(read)
    assert len(calls) == 2
