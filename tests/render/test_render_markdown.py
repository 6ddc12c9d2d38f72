"""The markdown plan: summary first, collapsible diffs, escaped content, a hard size limit."""

from __future__ import annotations

import re
from textwrap import dedent

import pytest

from orchctl.api.models import LiveState, Trigger, Workflow, WorkflowConfig
from orchctl.plan.model import Plan
from orchctl.plan.planner import (
    Desired,
    DesiredTrigger,
    DesiredWorkflow,
    PlanOptions,
    make_plan,
)
from orchctl.render.markdown import render_markdown

FENCE_OPEN = re.compile(r"^(`{3,})diff$")


def expected(block: str) -> str:
    return dedent(block).strip("\n")


def fenced_blocks(markdown: str) -> list[tuple[str, list[str]]]:
    """(fence, body lines) of every diff block; fails if one is never closed."""
    blocks: list[tuple[str, list[str]]] = []
    lines = markdown.split("\n")
    i = 0
    while i < len(lines):
        opened = FENCE_OPEN.match(lines[i])
        if opened:
            marks = opened.group(1)
            end = lines.index(marks, i + 1)  # ValueError: never closed
            blocks.append((marks, lines[i + 1 : end]))
            i = end
        i += 1
    return blocks


def outside_fences(markdown: str) -> str:
    text = markdown
    for marks, body in fenced_blocks(markdown):
        text = text.replace("\n".join([f"{marks}diff", *body, marks]), "")
    return text


def many_creates(count: int) -> Plan:
    desired = Desired(
        workflows=tuple(
            DesiredWorkflow(f"workflow-{i:05d}", [{"noop": {}}, {"delay": {"duration": "1h"}}])
            for i in range(count)
        )
    )
    return make_plan(desired, LiveState(), PlanOptions("production", "payments"))


def test_every_action(pruning_plan: Plan) -> None:
    assert render_markdown(pruning_plan) == expected(
        """
        ### orchctl plan — environment <code>production</code>, namespace <code>payments</code>

        **Plan: 1 to create, 3 to replace, 2 to delete.**

        | to create | to replace | to delete | unchanged |
        |---:|---:|---:|---:|
        | 1 | 3 | 2 | 2 |

        > [!WARNING]
        > **Blocked: this plan cannot be applied (--force overrides):**
        > - Trigger <b>legacy-hook</b> (<code>tr-legacy</code>): starts workflow 'payments/payin-to-wallet' (wf-payin), which applying the repository deletes (replaced or pruned): the trigger would be left dangling, still firing

        > [!WARNING]
        > **Dangling triggers (their workflow is gone; they still fire):**
        > - Trigger <b>ghost</b> (<code>tr-ghost</code>): its workflow wf-gone is missing or deleted; it still fires

        <details><summary>Findings: 2 unmanaged</summary>

        **Unmanaged (never touched):**
        - Workflow <b>other-team/reporting</b> (<code>wf-other</code>): not managed by orchctl
        - Trigger <b>other-team/report</b> (<code>tr-report</code>): not managed by orchctl

        </details>

        <details><summary><code>+</code> Workflow <b>month-end-interest</b> — create</summary>

        ```diff
        + stages[0]: {noop: {}}
        ```

        </details>

        <details><summary><code>+/-</code> Workflow <b>payin-to-wallet</b> — replace: create before destroy</summary>

        - reason: stages&#91;0&#93;.send.amount.asset changed, stages&#91;2&#93; added

        ```diff
        - stages[0].send.amount.asset: "USD/2"
        + stages[0].send.amount.asset: "EUR/2"
        + stages[2]: {noop: {}}
        ```

        </details>

        <details><summary><code>x</code> Workflow <b>refunds</b> <code>wf-refunds-2</code> — remove duplicate: extra live copy (keeping wf-refunds)</summary>

        </details>

        <details><summary><code>-/+</code> Trigger <b>credit-wallet-on-payin</b> — replace, delete-first</summary>

        - reason: workflow payin-to-wallet replaced
        - **risk:** events between the delete and the create are NOT caught (a gap of two back-to-back calls); &#96;swap: create-first&#96; overlaps instead, for idempotent workflows
        - **risk:** once-per-object memory lost: payments saved again after the swap that still match start workflow payin-to-wallet a second time (the service remembers processed payments per trigger id, and the replacement has a new one)

        </details>

        <details><summary><code>+/-</code> Trigger <b>flag-high-value-transactions</b> — replace, create-first</summary>

        - reason: filter changed
        - **risk:** for a moment both triggers fire: matching events start the workflow twice
        - **risk:** once-per-object memory lost: payments saved again after the swap that still match start workflow refunds a second time (the service remembers processed payments per trigger id, and the replacement has a new one)

        ```diff
          filter:
        -   event.amount > 10000
        +   event.amount > 50000
            && event.status == "SUCCEEDED"
        ```

        </details>

        <details><summary><code>-</code> Trigger <b>old-thing</b> — delete: not in the repository (prune)</summary>

        ```diff
        - event: "SAVED_PAYMENT"
        ```

        </details>
        """
    )


def test_no_changes(empty_plan: Plan) -> None:
    assert render_markdown(empty_plan) == expected(
        """
        ### orchctl plan — environment <code>staging</code>, namespace <code>payments</code>

        **No changes.** The stack matches the repository.
        """
    )


def test_ten_thousand_changes_fit_github_limit() -> None:
    out = render_markdown(many_creates(10_000), full_plan_hint="the artifact `plan.json`")
    assert len(out) <= 65_536
    assert out.startswith("### orchctl plan")
    assert "**Plan: 10000 to create, 0 to replace, 0 to delete.**" in out
    shown = out.count("<details><summary>")
    assert 100 < shown < 10_000
    assert out.count("</details>") == shown
    assert out.endswith(
        f"… {10_000 - shown} more changes not shown; the full plan is in the artifact `plan.json`."
    )
    assert "workflow-00000" in out
    assert f"workflow-{shown - 1:05d}</b>" in out
    assert f"workflow-{shown:05d}</b>" not in out
    fenced_blocks(out)  # every block closed


@pytest.mark.parametrize("limit", [0, 1, 40, 200, 450, 800, 1_500, 3_000, 10_000])
def test_never_over_the_limit(pruning_plan: Plan, limit: int) -> None:
    full = render_markdown(pruning_plan)
    out = render_markdown(pruning_plan, limit=limit)
    assert len(out) <= limit
    if limit >= len(full):
        assert out == full


def test_sections_are_dropped_whole_with_a_note(pruning_plan: Plan) -> None:
    full = render_markdown(pruning_plan)
    limit = full.index("<details><summary><code>x</code>") + 70
    out = render_markdown(pruning_plan, limit=limit)
    assert out.endswith("… 4 more changes not shown; the full plan is in the job log.")
    assert out.count("<details><summary>") == out.count("</details>") == 3


def test_one_change_left_is_singular() -> None:
    plan = many_creates(2)
    full = render_markdown(plan)
    out = render_markdown(plan, limit=len(full) - 1)
    assert out.endswith("… 1 more change not shown; the full plan is in the job log.")


def test_user_content_cannot_break_the_layout() -> None:
    evil = "x|<b>y</b>`z`@team#1"
    live = LiveState(
        workflows=(Workflow("w<1>", WorkflowConfig(stages=({"noop": {}},), name=evil)),),
        triggers=(Trigger("t1", "E", "w<1>", name="t", filter="a\n```\n</details>\n</summary>"),),
    )
    desired = Desired(
        workflows=(DesiredWorkflow(evil, [{"send": {"x": "`````"}}]),),
        triggers=(DesiredTrigger("t", evil, "E", filter="a\n```\n<script>\n</summary>"),),
    )
    out = render_markdown(make_plan(desired, live, PlanOptions()))
    prose = outside_fences(out)
    assert "<b>y</b>" not in prose
    assert "<script>" not in prose
    assert "`z`" not in prose
    assert "@team" not in prose
    assert "x&#124;&#60;b&#62;y&#60;/b&#62;&#96;z&#96;&#64;team&#35;1" in prose
    assert prose.count("<summary>") == prose.count("</summary>") == 2
    assert prose.count("<details>") == prose.count("</details>") == 2
    blocks = fenced_blocks(out)
    assert [marks for marks, _ in blocks] == ["``````", "````"]
    assert blocks[0][1] == ["- stages[0]: {noop: {}}", '+ stages[0]: {send: {x: "`````"}}']
    assert blocks[1][1] == [
        "  filter:",
        "    ```",
        "-   </details>",
        "+   <script>",
        "    </summary>",
    ]


def test_table_rows_survive_pipes_in_names() -> None:
    plan = make_plan(
        Desired(workflows=(DesiredWorkflow("a|b", [{"noop": {}}]),)),
        LiveState(),
        PlanOptions(environment="prod|eu"),
    )
    out = render_markdown(plan)
    assert out.startswith("### orchctl plan — environment <code>prod&#124;eu</code>\n")
    assert "| 1 | 0 | 0 | 0 |" in out
    assert "<b>a&#124;b</b>" in out


def test_long_diffs_are_capped_per_change() -> None:
    stages = [{"noop": {}} for _ in range(300)]
    plan = make_plan(Desired(workflows=(DesiredWorkflow("a", stages),)), LiveState(), PlanOptions())
    ((_, body),) = fenced_blocks(render_markdown(plan))
    assert len(body) == 201
    assert body[-1] == "… 100 more lines"
