"""A Mermaid picture of the plan for reviewers: triggers -> the workflows they start.

Only what the plan touches: every created, replaced or deleted workflow and trigger, plus
the unchanged workflow a touched trigger starts (for context). GitHub renders a
```` ```mermaid ```` block in comments and job summaries. Node ids are generated (`w0`,
`t0`), never taken from names; labels are entity-encoded, so no name can break out of its
node or the code block. Past `MAX_NODES` the graph would not help: a line says so instead.
A pruned trigger has no edge: the plan does not record its workflow by name.
"""

from __future__ import annotations

import re

from orchctl.plan.model import Action, Plan

MAX_NODES = 50
_PLAIN = re.compile(r"[A-Za-z0-9 ._-]")
_STYLES = (
    "classDef create fill:#dafbe1,stroke:#1a7f37,color:#1f2328",
    "classDef replace fill:#fff8c5,stroke:#9a6700,color:#1f2328",
    "classDef delete fill:#ffebe9,stroke:#cf222e,color:#1f2328,stroke-dasharray:4 3",
    "classDef unchanged fill:#f6f8fa,stroke:#8c959f,color:#57606a",
)
LEGEND = (
    "Triggers (rounded) start workflows (square): green created, yellow replaced, "
    "red deleted, grey unchanged; x: an extra live copy removed."
)


def _style(actions: list[Action]) -> str:
    if any(a.is_replace for a in actions):
        return "replace"
    if Action.CREATE in actions:
        return "create"
    if Action.DELETE in actions or (
        Action.REMOVE_DUPLICATE in actions and Action.NOOP not in actions
    ):
        return "delete"
    return "unchanged"  # a kept object whose extra copy goes is still there


def label(text: str) -> str:
    """Mermaid's `#NNN;` entities for everything but letters, digits, space, `.`, `_`, `-`."""
    return "".join(c if _PLAIN.fullmatch(c) else f"#{ord(c)};" for c in text)


def mermaid_lines(plan: Plan) -> list[str]:
    """Markdown lines: the fenced graph and its legend, a line saying it is omitted, or
    nothing when the plan changes nothing."""
    touched = [c for c in plan.changes if c.action.changes]
    if not touched:
        return []
    nodes: dict[tuple[str, str], list[Action]] = {}
    edges: dict[str, str] = {}  # trigger name -> workflow name
    for change in touched:
        nodes.setdefault((change.kind, change.name), []).append(change.action)
        if change.kind == "Trigger" and change.workflow:
            edges[change.name] = change.workflow
            nodes.setdefault(("Workflow", change.workflow), [])
    for change in plan.changes:  # context workflows keep their own (no-op) action
        context: tuple[str, str] = (change.kind, change.name)
        if change.kind == "Workflow" and context in nodes and change.action is Action.NOOP:
            nodes[context].append(change.action)
    if len(nodes) > MAX_NODES:
        return [
            f"_The graph is omitted: the plan touches {len(nodes)} workflows and triggers "
            f"(more than {MAX_NODES})._",
            "",
        ]
    ids: dict[tuple[str, str], str] = {}
    lines = ["```mermaid", "flowchart LR"]
    for kind, prefix, open_, close in (
        ("Workflow", "w", '["', '"]'),
        ("Trigger", "t", '(["', '"])'),
    ):
        for index, (key, actions) in enumerate(
            sorted((k, a) for k, a in nodes.items() if k[0] == kind)
        ):
            ids[key] = f"{prefix}{index}"
            symbols = " ".join(dict.fromkeys(a.value for a in actions if a.changes))
            text = f"{symbols} {key[1]}" if symbols else key[1]
            lines.append(f"  {ids[key]}{open_}{label(text)}{close}:::{_style(actions)}")
    for trigger, workflow in sorted(edges.items()):
        arrow = "-.->" if _style(nodes[("Trigger", trigger)]) == "delete" else "-->"
        lines.append(f"  {ids[('Trigger', trigger)]} {arrow} {ids[('Workflow', workflow)]}")
    lines += [f"  {style}" for style in _STYLES]
    lines += ["```", "", f"<sub>{LEGEND}</sub>", ""]
    return lines
