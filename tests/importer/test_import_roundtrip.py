"""Property: for any generated stack, `orchctl import --all` writes definitions that
`orchctl validate` accepts and `orchctl plan` finds in sync (no change). Unrepresentable
objects mixed in (duplicates, empty names, dangling triggers, names outside the namespace)
are refused and leave the rest unaffected."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchctl.api import OrchestrationClient, TriggerSpec, WorkflowConfig
from orchctl.cli.main import run
from orchctl.plan.identity import Namer
from orchctl.sandbox import Sandbox

NAMES = st.from_regex(r"\A[a-z0-9]([a-z0-9._-]{0,8}[a-z0-9])?\Z")
# Printable text without `${`/`{{` (their own rules are tested elsewhere) and without
# control characters (the loader refuses them).
TEXT = st.one_of(
    st.sampled_from(
        [
            "on",
            "yes",
            "No",
            "1e3",
            "0x1F",
            "0o17",
            "null",
            "~",
            "2024-01-01",
            "12:30",
            "2024-01-01T00:00:00Z",
            "a: b",
            "#x",
            "'",
            '"',
            "é",
            " lead",
            "trail ",
            "-",
            "*",
            "&a",
            "!tag",
            "%",
            "@",
            "`",
            "[x]",
            "{y}",
            "two\nlines",
            "",
            "true",
            ".inf",
        ]
    ),
    st.text(
        st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="${}\ufeff"),
        max_size=12,
    ),
)
VARS = ["amount", "walletID", "who"]
EXPRESSIONS = {"amount": "string(event.amount)", "walletID": "event.metadata.walletID",
               "who": "event.id"}  # fmt: skip
FILTERS = [None, 'event.status == "SUCCEEDED"', "event.amount > 10 && event.type in ['A', 'B']"]
EVENTS = ["SAVED_PAYMENT", "COMMITTED_TRANSACTIONS", "SAVED_ACCOUNT", "CUSTOM_EVENT"]


@st.composite
def stages(draw: st.DrawFn) -> list[dict[str, Any]]:
    def one() -> dict[str, Any]:
        kind = draw(st.sampled_from(["noop", "wait", "delay", "update", "send"]))
        if kind == "noop":
            return {"noop": {}}
        if kind == "wait":
            return {"wait_event": {"event": draw(TEXT.filter(bool))}}
        if kind == "delay":
            return {"delay": {"duration": draw(st.sampled_from(["30s", "1h30m", "72h"]))}}
        metadata = draw(st.dictionaries(TEXT.filter(bool), TEXT, max_size=3))
        if kind == "update":
            account = {"id": "users:${who}", "ledger": "main", "metadata": metadata or {"k": "v"}}
            return {"update": {"account": account}}
        amount = draw(st.one_of(st.integers(0, 2**53), st.just("${amount}")))
        return {
            "send": {
                "source": {"account": {"id": "world"}},
                "destination": {"wallet": {"id": "${walletID}"}},
                "amount": {"amount": amount, "asset": "USD/2"},
                "metadata": metadata,
            }
        }

    return [one() for _ in range(draw(st.integers(1, 3)))]


@dataclass
class Scenario:
    profile: str
    namespace: str | None
    workflows: dict[str, list[dict[str, Any]]]
    triggers: dict[str, tuple[str, str, str | None]]  # name -> (workflow, event, filter)
    noise: list[str] = field(default_factory=list)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    namespace = draw(st.sampled_from([None, "payments"]))
    names = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
    workflows = {name: draw(stages()) for name in names}
    trigger_names = draw(st.lists(NAMES, max_size=4, unique=True))
    triggers = {
        name: (draw(st.sampled_from(names)), draw(st.sampled_from(EVENTS)), draw(st.sampled_from(FILTERS)))
        for name in trigger_names
    }  # fmt: skip
    noise = draw(
        st.lists(st.sampled_from(["duplicate", "empty", "dangling", "outside"]), unique=True)
    )
    profile = draw(st.sampled_from(["current", "patched"]))
    return Scenario(profile, namespace, workflows, triggers, noise)


def used_vars(stage_list: list[dict[str, Any]]) -> dict[str, str]:
    text = repr(stage_list)
    return {v: EXPRESSIONS[v] for v in VARS if "${" + v + "}" in text}


def seed(root: str, scenario: Scenario) -> None:
    namer = Namer(scenario.namespace)
    with (
        Sandbox.local(root, profile=scenario.profile) as sandbox,
        OrchestrationClient(transport=sandbox.transport()) as client,
    ):
        ids = {}
        for name, stage_list in scenario.workflows.items():
            config = WorkflowConfig(stages=tuple(stage_list), name=namer.stack_name(name))
            ids[name] = client.create_workflow(config).id
        for name, (workflow, event, filter_) in scenario.triggers.items():
            client.create_trigger(
                TriggerSpec(
                    event=event,
                    workflow_id=ids[workflow],
                    name=namer.stack_name(name),
                    filter=filter_,
                    vars=used_vars(scenario.workflows[workflow]),
                )
            )
        noop = WorkflowConfig(stages=({"noop": {}},), name=namer.stack_name("zz-noise-duplicate"))
        if "duplicate" in scenario.noise:
            client.create_workflow(noop)
            client.create_workflow(noop)
        if "empty" in scenario.noise:
            client.create_workflow(WorkflowConfig(stages=({"noop": {}},), name=""))
        if "dangling" in scenario.noise:
            gone = client.create_workflow(
                WorkflowConfig(stages=({"noop": {}},), name=namer.stack_name("zz-noise-gone"))
            )
            client.create_trigger(
                TriggerSpec("SAVED_PAYMENT", gone.id, name=namer.stack_name("zz-noise-dangling"))
            )
            client.delete_workflow(gone.id)
        if "outside" in scenario.noise and scenario.namespace:
            client.create_workflow(WorkflowConfig(stages=({"noop": {}},), name="other/job"))


def cli(*args: str) -> int:
    return run(list(args))


@settings(
    max_examples=int(os.environ.get("ORCHCTL_IMPORT_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_import_then_validate_and_plan_finds_no_change(
    scenario: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as root:
        config: dict[str, Any] = {"namespace": scenario.namespace} if scenario.namespace else {}
        config["environments"] = {"local": {"sandbox": {"profile": scenario.profile}}}
        Path(root, "orchctl.yaml").write_text(yaml.safe_dump(config))
        seed(root, scenario)
        refusals = {"duplicate", "dangling"} | ({"empty"} if not scenario.namespace else set())
        expected = 1 if refusals & set(scenario.noise) else 0
        code = cli("-C", root, "import", "--all")
        _, err = capsys.readouterr()
        assert code == expected, err
        imported = {p.stem for p in Path(root, "workflows").glob("*.yaml")}
        assert imported == set(scenario.workflows)  # noise never becomes a definition
        assert {p.stem for p in Path(root, "triggers").glob("*.yaml")} == set(scenario.triggers)
        assert cli("-C", root, "validate") == 0, capsys.readouterr()
        capsys.readouterr()
        assert cli("-C", root, "plan", "--detailed-exitcode") == 0, capsys.readouterr()
        capsys.readouterr()
