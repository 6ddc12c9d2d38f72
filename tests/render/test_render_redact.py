"""Redaction: a sensitive value never appears in any rendered plan."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from orchctl.api.models import LiveState, Trigger, Workflow, WorkflowConfig
from orchctl.plan.planner import (
    Desired,
    DesiredTrigger,
    DesiredWorkflow,
    PlanOptions,
    make_plan,
)
from orchctl.render.json import render_json
from orchctl.render.markdown import render_markdown
from orchctl.render.redact import MASK, identity, make_redactor
from orchctl.render.text import render_text

SECRET = "sk_live_51Hx9"
OLD_SECRET = "pk-old-secret-value"


def test_deep_replacement_keys_included() -> None:
    redact = make_redactor([SECRET])
    value = {
        "a": [f"Bearer {SECRET}", ("x", SECRET), 3, None, True],
        f"key-{SECRET}": {"b": f"{SECRET}{SECRET}"},
    }
    assert redact(value) == {
        "a": [f"Bearer {MASK}", ("x", MASK), 3, None, True],
        f"key-{MASK}": {"b": MASK + MASK},
    }


def test_no_secrets_is_identity() -> None:
    assert make_redactor([]) is identity
    assert make_redactor(["", "abc"]) is identity  # shorter than 4: ignored
    value = {"a": "abc"}
    assert make_redactor(["abc"])(value) is value


def test_longest_secret_first() -> None:
    redact = make_redactor(["abcd", "abcdefgh"])
    assert redact("xabcdefghx abcd") == f"x{MASK}x {MASK}"


def test_a_mask_cannot_spell_a_secret_again() -> None:
    assert make_redactor(["e)xx"])("e)xxxx") == MASK
    assert make_redactor(["sensitive"])("a sensitive value") == "a *** value"


@given(
    secrets=st.lists(st.text(min_size=4, max_size=8, alphabet="ab()esnitv*"), max_size=3),
    texts=st.lists(st.text(max_size=30, alphabet="ab()esnitv* "), max_size=4),
)
def test_no_secret_survives(secrets: list[str], texts: list[str]) -> None:
    redacted = make_redactor(secrets)({"k": texts, "t": tuple(texts)})
    for secret in secrets:
        assert secret not in json.dumps(redacted)


def test_secret_never_printed_by_any_renderer() -> None:
    live = LiveState(
        workflows=(
            Workflow(
                "w1",
                WorkflowConfig(
                    stages=({"send": {"source": {"account": {"id": OLD_SECRET}}}},), name="pay"
                ),
            ),
        ),
        triggers=(
            Trigger(
                "t1",
                "E",
                "w1",
                name="hook",
                filter=f'event.key == "{OLD_SECRET}"\n&& event.ok',
                vars={"token": f'"{OLD_SECRET}"'},
            ),
            Trigger("t2", "E", "w1", name="pruned", filter=f'event.k == "{SECRET}"'),
        ),
    )
    desired = Desired(
        workflows=(DesiredWorkflow("pay", [{"send": {"source": {"account": {"id": SECRET}}}}]),),
        triggers=(
            DesiredTrigger(
                "hook",
                "pay",
                "E",
                filter=f'event.key == "{SECRET}"\n&& event.ok',
                vars={"token": f'"{SECRET}"', SECRET: "event.id"},
            ),
        ),
    )
    plan = make_plan(desired, live, PlanOptions(namespace=None, prune=False))
    prunable = make_plan(
        desired,
        LiveState(
            workflows=tuple(
                Workflow(w.id, WorkflowConfig(w.config.stages, name=f"ns/{w.name}"))
                for w in live.workflows
            ),
            triggers=tuple(
                Trigger(t.id, t.event, t.workflow_id, name=f"ns/{t.name}", filter=t.filter)
                for t in live.triggers
            ),
        ),
        PlanOptions(namespace="ns", prune=True),
    )
    redact = make_redactor([SECRET, OLD_SECRET])
    for p in (plan, prunable):
        outputs = {
            "text": render_text(p, color=False, show_unmanaged=True, redact=redact),
            "json": render_json(p, redact=redact),
            "markdown": render_markdown(p, redact=redact),
        }
        unredacted = render_json(p) + render_text(p, color=False) + render_markdown(p)
        assert SECRET in unredacted  # the test would catch a leak
        assert OLD_SECRET in unredacted
        for name, out in outputs.items():
            assert SECRET not in out, name
            assert OLD_SECRET not in out, name
            assert MASK in out, name


def test_a_difference_only_in_a_secret_is_still_shown() -> None:
    live = LiveState(
        workflows=(Workflow("w1", WorkflowConfig(stages=({"noop": {}},), name="pay")),),
        triggers=(Trigger("t1", "E", "w1", name="hook", filter=f"a == '{OLD_SECRET}'\n&& b"),),
    )
    desired = Desired(
        workflows=(DesiredWorkflow("pay", [{"noop": {}}]),),
        triggers=(DesiredTrigger("hook", "pay", "E", filter=f"a == '{SECRET}'\n&& b"),),
    )
    redact = make_redactor([SECRET, OLD_SECRET])
    out = render_text(make_plan(desired, live, PlanOptions()), color=False, redact=redact)
    masked = f"\"a == '{MASK}'\\n&& b\""
    assert f"        ~ filter: {masked} -> {masked}\n" in out
