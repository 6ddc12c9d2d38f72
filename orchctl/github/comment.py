"""The sticky pull-request comment: one per environment, updated in place.

The body is the markdown plan with, on top, orchctl's marker and a callout of every trigger
that is deleted or replaced (events may be missed or handled twice). It stays under
GitHub's 65,536 characters by dropping change sections from the middle; the full plan
goes to the job summary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from orchctl.github.client import Comment, GitHubClient
from orchctl.github.fit import fit_sections
from orchctl.github.markers import carries, marker
from orchctl.plan.model import Action, Change, Plan
from orchctl.plan.planfile import SavedPlan
from orchctl.render import describe
from orchctl.render.escape import escape
from orchctl.render.markdown import render_markdown
from orchctl.render.redact import identity

GITHUB_LIMIT = 65_536
UNLIMITED = 1 << 40


@dataclass(frozen=True)
class Outcome:
    action: Literal["created", "updated", "unchanged"]
    comment: Comment
    others: tuple[int, ...] = ()  # further comments that carry the marker (left alone)


def plan_marker(plan: Plan) -> str:
    return marker("plan", plan.environment, plan.namespace)


def comment_body(saved: SavedPlan, *, run_url: str | None = None, limit: int = GITHUB_LIMIT) -> str:
    plan = saved.plan
    full = render_markdown(plan, limit=UNLIMITED)
    title, _, rest = full.partition("\n")
    top = "\n".join([plan_marker(plan), title, *_callout(plan.changes)])
    footer = (
        f"\n\n<sub>orchctl {escape(saved.orchctl_version)} · "
        f"{escape(saved.target)} · the full plan is in the job summary</sub>"
    )
    where = f"[the job summary]({run_url})" if run_url else "the job summary"

    def note(left_out: int) -> str:
        noun = "change is" if left_out == 1 else "changes are"
        return (
            f"> [!NOTE]\n> {left_out} {noun} not shown here (GitHub's limit of "
            f"{GITHUB_LIMIT:,} characters a comment); the full plan is in {where} and in "
            "`orchctl show` of the saved plan."
        )

    room = limit - len(top) - len(footer) - 1
    fitted = fit_sections(rest, room, note)
    if fitted is None:  # a head alone over the limit: the renderer's own cut
        fitted = render_markdown(plan, limit=max(room, 0)).partition("\n")[2]
    return f"{top}\n{fitted}{footer}"


def _callout(changes: Iterable[Change]) -> list[str]:
    risky = [
        c
        for c in changes
        if c.kind == "Trigger"
        and (c.action.is_replace or c.action in (Action.DELETE, Action.REMOVE_DUPLICATE))
    ]
    if not risky:
        return []
    deleted = sum(1 for c in risky if not c.action.is_replace)
    replaced = len(risky) - deleted
    counts = ", ".join(
        part
        for part in (
            f"{deleted} deleted" if deleted else "",
            f"{replaced} replaced" if replaced else "",
        )
        if part
    )
    noun = "Trigger" if len(risky) == 1 else "Triggers"
    lines = [
        "",
        "> [!CAUTION]",
        f"> **{noun}: {counts}.** Events may be missed, or start a workflow twice.",
    ]
    shown = risky[:20]
    for change in shown:
        what = escape(describe.description(change, identity))
        risks = describe.risks(change)
        symbol, name = escape(change.action.value), escape(change.name)
        line = f"> - <code>{symbol}</code> <b>{name}</b> — {what}"
        if risks:
            line += ": " + "; ".join(escape(r) for r in risks)
        lines.append(line)
    if len(risky) > len(shown):
        lines.append(f"> - … and {len(risky) - len(shown)} more (see below)")
    return lines


def upsert_comment(client: GitHubClient, number: int, mark: str, body: str) -> Outcome:
    """Update the comment that carries `mark` (the oldest, if several), create it when
    there is none; write nothing when its body is already `body`."""
    ours = [c for c in client.issue_comments(number) if carries(c.body, mark)]
    if not ours:
        return Outcome("created", client.create_comment(number, body))
    current, others = ours[0], tuple(c.id for c in ours[1:])
    if _same(current.body, body):
        return Outcome("unchanged", current, others)
    return Outcome("updated", client.update_comment(current.id, body), others)


def _same(stored: str, body: str) -> bool:
    """GitHub keeps a body as sent, but a browser edit turns newlines into CRLF."""
    return stored.replace("\r\n", "\n").rstrip() == body.replace("\r\n", "\n").rstrip()


def summary_markdown(saved: SavedPlan, limit: int) -> str:
    return render_markdown(
        saved.plan, limit=limit, full_plan_hint="the saved plan (`orchctl show PLANFILE`)"
    )
