"""Checks beyond the schemas: names, references, stage rules, variables, trigger tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from validation_support import diagnose

SEND = (
    "  - send:\n"
    '      source: {wallet: {id: "${walletID}"}}\n'
    '      destination: {account: {id: "users:${userID}", ledger: "${ledger}"}}\n'
    '      amount: {amount: "${amount}", asset: USD/2}\n'
)


def wf(name: str = "pay", stages: str = SEND) -> str:
    return f"kind: Workflow\nname: {name}\nstages:\n{stages}"


def trig(name: str = "t", workflow: str = "pay", extra: str = "") -> str:
    return f"kind: Trigger\nname: {name}\nworkflow: {workflow}\nevent: SAVED_PAYMENT\n{extra}"


FULL_VARS = "vars:\n  walletID: event.a\n  userID: event.b\n  ledger: event.c\n  amount: event.d\n"


def test_full_coverage_is_clean(tmp_path: Path) -> None:
    assert diagnose(tmp_path, {"w.yaml": wf(), "t.yaml": trig(extra=FULL_VARS)}) == []


def test_duplicate_names_per_kind(tmp_path: Path) -> None:
    files = {
        "a.yaml": wf(stages="  - noop: {}\n"),
        "b.yaml": wf(stages="  - noop: {}\n"),
        # a trigger may share a workflow's name: names are unique per kind
        "c.yaml": trig(name="pay", extra=FULL_VARS.replace("  walletID: event.a\n", ""))
        .replace("vars:\n", "")
        .replace("  userID: event.b\n  ledger: event.c\n  amount: event.d\n", ""),
    }
    assert diagnose(tmp_path, files) == [
        "b.yaml:2:7: Workflow 'pay': name: another Workflow is named 'pay' (a.yaml:2:7) "
        "(names are unique per kind)"
    ]


def test_unknown_workflow_with_hint(tmp_path: Path) -> None:
    files = {"w.yaml": wf(stages="  - noop: {}\n"), "t.yaml": trig(workflow="payy")}
    assert diagnose(tmp_path, files) == [
        "t.yaml:3:11: Trigger 't': workflow: no Workflow named 'payy' in this repository "
        "(did you mean `pay`?)"
    ]


def test_missing_and_unused_vars(tmp_path: Path) -> None:
    extra = "vars:\n  walletId: event.a\n  userID: event.b\n  ledger: event.c\n  amount: event.d\n"
    files = {"w.yaml": wf(), "t.yaml": trig(extra=extra)}
    assert diagnose(tmp_path, files) == [
        "t.yaml:5:1: Trigger 't': vars: workflow 'pay' uses ${walletID} (w.yaml:5:29), which "
        'this trigger does not provide: at run time it becomes "" and the field\'s default '
        "applies (did you mean `walletId`?)",
        "t.yaml:6:3: Trigger 't': vars.walletId: warning: var 'walletId' is not used by "
        "workflow 'pay' (did you mean `walletID`?)",
    ]


def test_trigger_without_vars_for_a_workflow_that_needs_them(tmp_path: Path) -> None:
    files = {"w.yaml": wf(stages="  - wait_event: {event: '${e}'}\n"), "t.yaml": trig()}
    assert diagnose(tmp_path, files) == [
        "t.yaml:3:11: Trigger 't': workflow: workflow 'pay' uses ${e} (w.yaml:4:25), which this "
        'trigger does not provide: at run time it becomes "" and the field\'s default applies '
        "(add `e: <expression>` to vars)"
    ]


def test_unknown_event_type_is_a_warning_with_hint(tmp_path: Path) -> None:
    files = {
        "w.yaml": wf(stages="  - noop: {}\n"),
        "t.yaml": trig().replace("SAVED_PAYMENT", "SAVED_PAYMNT"),
    }
    assert diagnose(tmp_path, files) == [
        "t.yaml:4:8: Trigger 't': event: warning: 'SAVED_PAYMNT' is not an event type a Formance "
        "stack emits (the server does not check, so this trigger would never fire) "
        "(did you mean `SAVED_PAYMENT`?)"
    ]


def test_empty_filter_is_a_warning(tmp_path: Path) -> None:
    files = {"w.yaml": wf(stages="  - noop: {}\n"), "t.yaml": trig(extra='filter: ""\n')}
    assert diagnose(tmp_path, files) == [
        "t.yaml:5:9: Trigger 't': filter: warning: empty filter: live matching skips it but the "
        "test endpoint evaluates it (remove `filter` to match every event of this type)"
    ]


def test_test_expectations_name_declared_vars(tmp_path: Path) -> None:
    extra = (
        "vars: {x: event.id}\n"
        "tests:\n"
        "  - name: a\n    event: {id: 1}\n    expect: {match: true, vars: {x: '1', y: '2'}}\n"
        "  - name: a\n    event: {id: 1}\n    expect: {match: false, vars: {x: '1'}}\n"
    )
    files = {"w.yaml": wf(stages="  - wait_event: {event: '${x}'}\n"), "t.yaml": trig(extra=extra)}
    assert diagnose(tmp_path, files) == [
        "t.yaml:9:42: Trigger 't': tests[0].expect.vars.y: expects var 'y', which the trigger "
        "does not declare (declared: x)",
        "t.yaml:10:11: Trigger 't': tests[1].name: another test is named 'a'",
        "t.yaml:12:28: Trigger 't': tests[1].expect.vars: vars are only evaluated when the "
        "filter matches; with `match: false` there are none to check",
    ]


STAGE_RULES = [
    (
        "amount required unless the source is a payment",
        "  - send: {source: {wallet: {id: w}}, destination: {wallet: {id: x}}}\n",
        [
            "w.yaml:4:11: Workflow 'pay': stages[0].send: missing `amount`: it is required unless "
            "the source is a payment (add amount: {amount: ..., asset: ...})"
        ],
    ),
    (
        "payment to payment",
        "  - send: {source: {payment: {id: p}}, destination: {payment: {psp: s}}}\n",
        [
            "w.yaml:4:63: Workflow 'pay': stages[0].send.destination.payment: a payment cannot be "
            "sent to a payment: the server rejects it when the stage runs"
        ],
    ),
    (
        "amount beyond float64 precision",
        "  - send: {source: {wallet: {id: w}}, destination: {wallet: {id: x}}, "
        "amount: {amount: 9007199254740993, asset: A}}\n",
        [
            "w.yaml:4:88: Workflow 'pay': stages[0].send.amount.amount: 9007199254740993 is larger "
            "than 2^53: the server decodes numbers through float64 and would use 9007199254740992 "
            '(quote it: "9007199254740993")'
        ],
    ),
    (
        "allowOverdraft without throughAccount",
        "  - send: {source: {account: {id: a, allowOverdraft: true}}, "
        "destination: {wallet: {id: x}}, amount: {amount: 1, asset: A}}\n",
        [
            "w.yaml:4:54: Workflow 'pay': stages[0].send.source.account.allowOverdraft: warning: "
            'allowOverdraft has no effect without a `throughAccount` other than "world"'
        ],
    ),
    (
        "timestamp not RFC 3339",
        "  - send: {source: {wallet: {id: w}}, destination: {wallet: {id: x}}, "
        "amount: {amount: 1, asset: A}, timestamp: '2026-01-01 10:00'}\n",
        [
            "w.yaml:4:113: Workflow 'pay': stages[0].send.timestamp: '2026-01-01 10:00' is not an "
            "RFC 3339 timestamp (write it like 2026-01-31T09:00:00Z)"
        ],
    ),
    (
        "Go duration with days",
        "  - delay: {duration: 3d}\n",
        [
            "w.yaml:4:23: Workflow 'pay': stages[0].delay.duration: '3d' is not a Go duration: "
            "unknown unit 'd' (use ns, us, ms, s, m, h) (write it like 30s, 15m, 1h30m or 72h; "
            "Go durations have no days)"
        ],
    ),
    (
        "zero duration",
        "  - delay: {duration: 0s}\n",
        [
            "w.yaml:4:23: Workflow 'pay': stages[0].delay.duration: warning: '0s' does not delay "
            "anything"
        ],
    ),
    (
        "until with an impossible date",
        "  - delay: {until: '2026-02-30T10:00:00Z'}\n",
        [
            "w.yaml:4:20: Workflow 'pay': stages[0].delay.until: '2026-02-30T10:00:00Z' is not a "
            "valid date/time: day is out of range for month (write it like 2026-01-31T09:00:00Z)"
        ],
    ),
    (
        "update without ledger",
        "  - update: {account: {id: a, metadata: {k: v}}}\n",
        [
            "w.yaml:4:23: Workflow 'pay': stages[0].update.account: warning: no `ledger`: `update` "
            'defaults to "main", while `send` defaults to "default" (name the ledger explicitly)'
        ],
    ),
    (
        "variable name with spaces",
        "  - wait_event: {event: '${ e }'}\n",
        [
            "w.yaml:4:25: Workflow 'pay': stages[0].wait_event.event: ${ e } looks up a variable "
            "named ' e ', spaces included (write ${e})"
        ],
    ),
    (
        "variable in a map key",
        "  - update: {account: {id: a, ledger: l, metadata: {'${k}': v}}}\n",
        [
            "w.yaml:4:53: Workflow 'pay': stages[0].update.account.metadata['${k}']: warning: map "
            "keys are not interpolated: this ${...} stays as written"
        ],
    ),
    (
        "unterminated variable",
        "  - wait_event: {event: '${e'}\n",
        [
            "w.yaml:4:25: Workflow 'pay': stages[0].wait_event.event: warning: `${` without a "
            "closing `}`: the server leaves it as written"
        ],
    ),
]


@pytest.mark.parametrize(
    ("stages", "expected"), [(s, e) for _, s, e in STAGE_RULES], ids=[n for n, _, _ in STAGE_RULES]
)
def test_stage_rules(tmp_path: Path, stages: str, expected: list[str]) -> None:
    assert diagnose(tmp_path, {"w.yaml": wf(stages=stages)}) == expected


def test_an_unreadable_file_does_not_cause_false_reference_errors(tmp_path: Path) -> None:
    files = {
        "w.yaml": "kind: Workflow\n\tname: pay\nstages: [{noop: {}}]\n",  # a tab: unreadable
        "t.yaml": trig(),
    }
    assert diagnose(tmp_path, files) == [
        "w.yaml:2:1: invalid YAML: found a tab character that violates indentation (while "
        "scanning a plain scalar at line 1) (YAML does not allow tabs for indentation; use "
        "spaces)"
    ]
