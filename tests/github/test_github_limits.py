"""A big plan stays under GitHub's 65,536 characters: head and tail kept, a note between."""

from __future__ import annotations

from pathlib import Path

import pytest
from github_double import MAX_BODY, State
from github_support import orchctl

from orchctl.api.models import LiveState
from orchctl.plan.planfile import save_plan
from orchctl.plan.planner import Desired, DesiredTrigger, DesiredWorkflow, PlanOptions, make_plan

pytestmark = pytest.mark.socket


def big_plan(path: Path, workflows: int) -> None:
    desired = Desired(
        workflows=tuple(
            DesiredWorkflow(f"workflow-{i:05d}", [{"noop": {}}, {"delay": {"duration": "1h"}}])
            for i in range(workflows)
        ),
        triggers=tuple(
            DesiredTrigger(
                f"trigger-{i:05d}",
                f"workflow-{i:05d}",
                "SAVED_PAYMENT",
                filter=f'event.status == "SUCCEEDED" && event.amount > {i}',
                vars={"paymentID": "event.id"},
            )
            for i in range(workflows)
        ),
    )
    plan = make_plan(desired, LiveState(), PlanOptions("production", "payments"))
    save_plan(str(path), plan, desired, target="environment production (https://stack.test)")


def test_a_2000_change_plan_is_cut_under_the_limit_keeping_head_and_tail(
    tmp_path: Path, github: State, capsys: pytest.CaptureFixture[str]
) -> None:
    big_plan(tmp_path / "plan.json", 1000)
    number = github.add_pull_request()
    code, _, err = orchctl(
        capsys, "github", "comment", str(tmp_path / "plan.json"), "--pr", str(number)
    )
    assert code == 0, err
    (comment,) = github.comments_on(number)
    body = str(comment["body"])
    assert len(body) <= MAX_BODY
    assert len(body) > MAX_BODY - 2_000  # the room is used, not wasted
    assert "**Plan: 2000 to create, 0 to replace, 0 to delete.**" in body
    assert "<b>workflow-00000</b>" in body  # the head
    assert "<b>trigger-00999</b>" in body  # and the tail
    notes = [line for line in body.split("\n") if "not shown here" in line]
    (note,) = notes
    shown = body.count("<details><summary><code>+</code>")
    assert note == (
        f"> {2000 - shown} changes are not shown here (GitHub's limit of 65,536 characters a "
        "comment); the full plan is in the job summary and in `orchctl show` of the saved plan."
    )
    assert body.count("<details>") == body.count("</details>")
    assert body.count("```") % 2 == 0
    # the summary has every change
    summary = (tmp_path / "step-summary.md").read_text()
    assert summary.count("<details><summary><code>+</code>") == 2000
    assert len(summary.encode()) <= 1024 * 1024


def test_an_unchanged_big_plan_is_not_written_again(
    tmp_path: Path, github: State, capsys: pytest.CaptureFixture[str]
) -> None:
    big_plan(tmp_path / "plan.json", 1000)
    number = github.add_pull_request()
    for _ in range(2):
        orchctl(capsys, "github", "comment", str(tmp_path / "plan.json"), "--pr", str(number))
    assert len(github.writes) == 1
