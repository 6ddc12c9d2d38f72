"""The shadow-trigger test gate against the sandbox: the timeline shows each shadow created
then deleted; failing tests and disagreements with the offline evaluator are reported."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sandbox_clients import ActorTransport, sandbox_client

from orchctl.api import (
    ClientConfig,
    FilterResult,
    OrchestrationClient,
    TriggerSpec,
    TriggerTestResult,
    VariableResult,
    WorkflowConfig,
)
from orchctl.apply.shadow import (
    SHADOW_EVENT_PREFIX,
    find_leftover_shadows,
    is_shadow,
    remove_leftovers,
    render_shadow,
    run_shadow_tests,
    temporary_workflow,
)
from orchctl.definitions.loader import load_project
from orchctl.sandbox import Faults, Sandbox, ScriptedFault
from orchctl.sandbox.records import TimelineEntry
from orchctl.triggertests.judge import observed_on_stack
from orchctl.triggertests.runner import TestCase
from orchctl.triggertests.runner import TriggerSpec as Definition

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PAYIN = {"id": "p1", "status": "SUCCEEDED", "amount": 100, "metadata": {"walletID": "w1"}}
CREDIT = Definition(
    name="credit",
    filter='event.status == "SUCCEEDED"',
    vars={"walletID": "event.metadata.walletID", "amount": "string(event.amount)"},
    tests=(
        TestCase("credits", PAYIN, expect_match=True, expect_vars={"walletID": "w1"}),
        TestCase("ignores a failure", dict(PAYIN, status="FAILED"), expect_match=False),
    ),
)


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(":memory:", seed=4) as sandbox:
        yield sandbox


@pytest.fixture
def client(sb: Sandbox) -> Iterator[OrchestrationClient]:
    with sandbox_client(sb) as c:
        yield c


@pytest.fixture
def workflow_id(client: OrchestrationClient) -> str:
    return client.create_workflow(WorkflowConfig(({"delay": {"duration": "1s"}},), "ns/w")).id


def body(definition: Definition, name: str = "ns/credit") -> TriggerSpec:
    return TriggerSpec(
        event="SAVED_PAYMENT",
        workflow_id="unused",
        name=name,
        filter=definition.filter,
        vars=definition.vars,
        version="v1",
    )


def link_table(uri: str, data: dict[str, str]) -> dict[str, object]:
    """The sandbox's link table: ``{uri: {"body": {"data": ...}}}`` since issue 9 made it
    an HTTP answer (orchctl/sandbox/links.py), ``{uri: data}`` before."""
    if importlib.util.find_spec("orchctl.sandbox.links") is not None:
        return {uri: {"status": 200, "body": {"data": data}}}
    return {uri: data}


def trigger_writes(sb: Sandbox) -> list[TimelineEntry]:
    return [e for e in sb.timeline() if e.kind == "trigger"]


def test_passing_tests_pass_on_the_stack(client: OrchestrationClient, workflow_id: str) -> None:
    report = run_shadow_tests(client, CREDIT, body(CREDIT), workflow_id)
    assert [(r.test, r.passed) for r in report.results] == [
        ("credits", True),
        ("ignores a failure", True),
    ]


def test_the_timeline_shows_the_shadow_created_then_deleted(
    sb: Sandbox, client: OrchestrationClient, workflow_id: str
) -> None:
    report = run_shadow_tests(client, CREDIT, body(CREDIT), workflow_id)
    assert report.shadow_id is not None
    assert [(e.action, e.object_id) for e in trigger_writes(sb)] == [
        ("create", report.shadow_id),
        ("delete", report.shadow_id),
    ]


def test_the_shadow_is_recognisable_and_private(
    sb: Sandbox, client: OrchestrationClient, workflow_id: str
) -> None:
    report = run_shadow_tests(client, CREDIT, body(CREDIT), workflow_id)
    created = trigger_writes(sb)[0]
    assert (created.name or "").startswith(SHADOW_EVENT_PREFIX)
    assert (created.name or "").endswith(":ns/credit")
    assert report.deleted


def test_no_shadow_is_left_on_the_stack(client: OrchestrationClient, workflow_id: str) -> None:
    run_shadow_tests(client, CREDIT, body(CREDIT), workflow_id)
    assert client.list_triggers() == []


def test_a_trigger_without_tests_creates_no_shadow(
    sb: Sandbox, client: OrchestrationClient, workflow_id: str
) -> None:
    bare = Definition(name="credit", filter="true")
    report = run_shadow_tests(client, bare, body(bare), workflow_id)
    assert (report.results, trigger_writes(sb)) == ([], [])


def test_a_failing_test_reports_expected_and_actual(
    client: OrchestrationClient, workflow_id: str
) -> None:
    wrong = Definition(
        name="credit",
        filter=CREDIT.filter,
        vars=CREDIT.vars,
        tests=(TestCase("amount", PAYIN, expect_vars={"amount": "1000"}),),
    )
    report = run_shadow_tests(client, wrong, body(wrong), workflow_id)
    assert render_shadow(report) == [
        "FAIL credit \u203a amount",
        '     vars.amount: expected "1000", got "100"',
        "0 passed, 1 failed on the stack",
    ]


def test_a_loaded_test_is_located_in_its_file(
    tmp_path: Path, client: OrchestrationClient, workflow_id: str
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".orchctl"))
    project = load_project(str(root))
    trigger = next(t for t in project.triggers if t.name == "credit-wallet-on-payin")
    spec = TriggerSpec("SAVED_PAYMENT", "x", "payments/credit-wallet-on-payin", trigger.filter, {})
    report = run_shadow_tests(client, trigger, spec, workflow_id)
    failed = report.failed[0]  # the vars are not on this body: expecting them fails
    assert failed.location is not None
    assert failed.location.startswith(str(root / "triggers" / "credit-wallet-on-payin.yaml"))


def test_a_disagreement_with_the_offline_evaluator_is_loud(
    sb: Sandbox, client: OrchestrationClient, workflow_id: str
) -> None:
    """The offline evaluator resolves link() from the test's `links`; the stack follows the
    event's link itself and finds other data."""
    event = {"links": [{"name": "account", "uri": "http://ledger/a", "href": "http://ledger/a"}]}
    sb.set_links(link_table("http://ledger/a", {"id": "a2"}))
    linked = Definition(
        name="credit",
        vars={"account": 'link(event, "account").id'},
        tests=(
            TestCase(
                "follows the link",
                event,
                links={"account": {"id": "a1"}},
                expect_vars={"account": "a1"},
            ),
        ),
    )
    report = run_shadow_tests(client, linked, body(linked), workflow_id)
    assert render_shadow(report) == [
        "FAIL credit \u203a follows the link",
        '     vars.account: expected "a1", got "a2"',
        'DISAGREE credit \u203a follows the link: vars.account: the stack gives "a2", '
        'orchctl\'s evaluator gives "a1"',
        "0 passed, 1 failed on the stack",
        "The stack and orchctl's evaluator disagree on 1 case: what `orchctl test` says "
        "offline is not what this stack does; please report it with the test above",
    ]


def test_a_lost_shadow_create_is_adopted_and_deleted(
    sb: Sandbox, client: OrchestrationClient, workflow_id: str
) -> None:
    sb.set_faults(Faults(script=(ScriptedFault("lost", "POST", "/triggers"),)))
    report = run_shadow_tests(client, CREDIT, body(CREDIT), workflow_id)
    assert [e.action for e in trigger_writes(sb)] == ["create", "delete"]
    assert report.ok


class InterruptingTransport(httpx.BaseTransport):
    """Like a Ctrl-C while a test event is being sent."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/test"):
            raise KeyboardInterrupt
        return self.inner.handle_request(request)


def test_ctrl_c_during_the_tests_still_deletes_the_shadow(sb: Sandbox, workflow_id: str) -> None:
    transport = InterruptingTransport(ActorTransport(sb.transport(), "apply"))
    with (
        OrchestrationClient(ClientConfig(), transport=transport, layout="bare") as client,
        pytest.raises(KeyboardInterrupt),
    ):
        run_shadow_tests(client, CREDIT, body(CREDIT), workflow_id)
    assert [e.action for e in trigger_writes(sb)] == ["create", "delete"]


# ---------------------------------------------------------------- the stack's answer


def test_a_var_the_stack_answers_without_value_is_the_empty_string() -> None:
    answer = TriggerTestResult(FilterResult(True), {"x": VariableResult(None)})
    assert observed_on_stack(answer).vars == {"x": ""}


def test_a_filter_error_on_the_stack_is_no_match() -> None:
    answer = TriggerTestResult(FilterResult(False, "boom\nmore"), None)
    observed = observed_on_stack(answer)
    assert (observed.matched, observed.filter_brief) == (False, "boom")


# ---------------------------------------------------------------- recovery


def test_leftover_shadows_of_this_namespace_are_found_and_removed(
    client: OrchestrationClient, workflow_id: str
) -> None:
    ours = client.create_trigger(
        TriggerSpec(SHADOW_EVENT_PREFIX + "aa", workflow_id, SHADOW_EVENT_PREFIX + "aa:ns/credit")
    )
    client.create_trigger(
        TriggerSpec(SHADOW_EVENT_PREFIX + "bb", workflow_id, SHADOW_EVENT_PREFIX + "bb:other/x")
    )
    client.create_trigger(TriggerSpec("SAVED_PAYMENT", workflow_id, "ns/credit"))
    leftovers = find_leftover_shadows(client.list_all(), "ns")
    assert [t.id for t in leftovers.triggers] == [ours.id]
    remove_leftovers(client, leftovers)
    assert sorted(t.name for t in client.list_triggers()) == [
        "ns/credit",
        SHADOW_EVENT_PREFIX + "bb:other/x",
    ]


def test_a_shadow_is_recognised_by_its_event_alone(client: OrchestrationClient) -> None:
    wf = client.create_workflow(WorkflowConfig(({"delay": {"duration": "1s"}},), "w"))
    trigger = client.create_trigger(TriggerSpec(SHADOW_EVENT_PREFIX + "cc", wf.id, ""))
    assert is_shadow(trigger)


def test_a_temporary_workflow_is_deleted_on_exit(sb: Sandbox, client: OrchestrationClient) -> None:
    with temporary_workflow(client, "ns/w") as wf:
        report = run_shadow_tests(client, CREDIT, body(CREDIT), wf.id)
        assert is_shadow(wf)
    assert report.ok
    assert [(e.kind, e.action) for e in sb.timeline()] == [
        ("workflow", "create"),
        ("trigger", "create"),
        ("trigger", "delete"),
        ("workflow", "delete"),
    ]
