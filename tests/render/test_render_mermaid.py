"""The Mermaid graph of the markdown plan: what it shows, safe ids and labels, the limit."""

from __future__ import annotations

import re

from orchctl.plan.model import Action, Change, Plan
from orchctl.render.markdown import render_markdown
from orchctl.render.mermaid import MAX_NODES, label, mermaid_lines

NODE = re.compile(r'^  ([wt]\d+)(\["|\(\[")([^"]*)("\]|"\]\)):::(create|replace|delete|unchanged)$')


def plan(*changes: Change) -> Plan:
    return Plan("production", "payments", changes)


def test_a_trigger_replaced_with_its_workflow_and_an_untouched_one() -> None:
    lines = mermaid_lines(
        plan(
            Change("Workflow", "payin", Action.REPLACE_CREATE_FIRST),
            Change("Workflow", "refunds", Action.NOOP),
            Change("Workflow", "quiet", Action.NOOP),
            Change("Trigger", "on-payin", Action.REPLACE_DELETE_FIRST, workflow="payin"),
            Change("Trigger", "on-refund", Action.CREATE, workflow="refunds"),
            Change("Trigger", "old", Action.DELETE),
        )
    )
    assert lines[:11] == [
        "```mermaid",
        "flowchart LR",
        '  w0["#43;#47;- payin"]:::replace',
        '  w1["refunds"]:::unchanged',
        '  t0(["- old"]):::delete',
        '  t1(["-#47;#43; on-payin"]):::replace',
        '  t2(["#43; on-refund"]):::create',
        "  t1 --> w0",
        "  t2 --> w1",
        "  classDef create fill:#dafbe1,stroke:#1a7f37,color:#1f2328",
        "  classDef replace fill:#fff8c5,stroke:#9a6700,color:#1f2328",
    ]
    assert "quiet" not in "\n".join(lines)  # untouched and unreferenced: not shown


def test_hostile_names_stay_inside_their_labels() -> None:
    hostile = 'x"]):::create\n  evil --> w0 ```\n<img src=x onerror=alert(1)> @team #1'
    lines = mermaid_lines(
        plan(
            Change("Workflow", hostile, Action.CREATE),
            Change("Trigger", hostile + "-t", Action.CREATE, workflow=hostile),
        )
    )
    block = lines[: lines.index("```", 1) + 1]
    assert block.count("```mermaid") == 1
    nodes = [line for line in block if line.startswith(("  w", "  t")) and ":::" in line]
    assert len(nodes) == 2
    for line in nodes:
        match = NODE.match(line)
        assert match, line
        assert re.fullmatch(r"([A-Za-z0-9 ._-]|#\d+;)*", match.group(3))
    assert "  t0 --> w0" in block


def test_label_entities() -> None:
    assert label('a"b') == "a#34;b"
    assert label("se\u00f1al") == "se#241;al"
    assert label("ok-name_1.2") == "ok-name_1.2"


def test_past_the_limit_a_line_says_the_graph_is_omitted() -> None:
    changes = tuple(Change("Workflow", f"w{i}", Action.CREATE) for i in range(MAX_NODES + 1))
    assert mermaid_lines(plan(*changes)) == [
        "_The graph is omitted: the plan touches 51 workflows and triggers (more than 50)._",
        "",
    ]
    at_limit = tuple(Change("Workflow", f"w{i}", Action.CREATE) for i in range(MAX_NODES))
    assert mermaid_lines(plan(*at_limit))[0] == "```mermaid"


def test_no_graph_without_changes() -> None:
    quiet = plan(Change("Workflow", "payin", Action.NOOP))
    assert mermaid_lines(quiet) == []
    assert "mermaid" not in render_markdown(quiet)


def test_the_markdown_plan_carries_the_graph_after_the_counts() -> None:
    text = render_markdown(plan(Change("Workflow", "payin", Action.CREATE)))
    lines = text.split("\n")
    table_end = lines.index("|---:|---:|---:|---:|") + 2
    assert lines[table_end : table_end + 3] == ["", "```mermaid", "flowchart LR"]
