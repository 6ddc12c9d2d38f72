"""Every schema rule: a passing case and a failing case with the exact message."""

from __future__ import annotations

from pathlib import Path

import pytest
from validation_support import diagnose

HEADER = "kind: Workflow\nname: w\nstages:\n"


def workflow(stages: str) -> dict[str, str | bytes]:
    return {"w.yaml": HEADER + stages}


VALID_STAGES = {
    "send account to account": """
  - send:
      source: {account: {id: "users:${u}", ledger: main, throughAccount: "bridge:out", allowOverdraft: true}}
      destination: {account: {id: bank, ledger: other, throughAccount: "bridge:in", allowOverdraft: false}}
      amount: {amount: 100, asset: USD/2}
      metadata: {a: b}
      timestamp: "2026-01-31T09:00:00.5+02:00"
""",
    "send wallet by id and by name": """
  - send:
      source: {wallet: {id: "${w}", balance: main}}
      destination: {wallet: {name: savings}}
      amount: {amount: "${amount}", asset: EUR/2}
""",
    "send payment source without amount": """
  - send:
      source: {payment: {id: "${p}", ledger: l, holdingAccount: h, throughAccount: t, allowOverdraft: true}}
      destination: {account: {id: a}}
""",
    "send to a payment": """
  - send:
      source: {wallet: {id: w}}
      destination:
        payment: {psp: stripe, type: PAYOUT, sourceAccount: s, metadata: m, waitingValidation: true, connectorId: c}
      amount: {amount: "12345678901234567890", asset: USD/2}
""",
    "send to a payment with a templated type": """
  - send:
      source: {wallet: {id: w}}
      destination: {payment: {psp: "${psp}", type: "${type}"}}
      amount: {amount: "1", asset: USD/2}
""",
    "delay duration": "  - delay: {duration: 1h30m15.5s}\n",
    "delay until": '  - delay: {until: "2026-12-31T23:59:59Z"}\n',
    "delay until unquoted": "  - delay: {until: 2026-12-31T23:59:59Z}\n",
    "delay templated": '  - delay: {duration: "${wait}"}\n',
    "wait_event": "  - wait_event: {event: processed}\n",
    "update": '  - update: {account: {id: a, ledger: main, metadata: {k: "1"}}}\n',
    "noop empty": "  - noop: {}\n",
    "noop null": "  - noop:\n",
}


@pytest.mark.parametrize("stages", list(VALID_STAGES.values()), ids=list(VALID_STAGES))
def test_valid_stages(tmp_path: Path, stages: str) -> None:
    assert diagnose(tmp_path, workflow(stages)) == []


P = "w.yaml"
W = "Workflow 'w'"
INVALID_STAGES = [
    (
        "unknown stage type",
        "  - wait_events: {event: x}\n",
        f"{P}:4:5: {W}: stages[0].wait_events: unknown stage type 'wait_events' "
        "(did you mean `wait_event`?)",
    ),
    (
        "two stage types in one stage",
        "  - wait_event: {event: x}\n    noop: {}\n",
        f"{P}:4:5: {W}: stages[0]: exactly one of `send`, `delay`, `wait_event`, `update`, "
        "`noop` is required (found `wait_event` and `noop`)",
    ),
    (
        "empty stage",
        "  - {}\n",
        f"{P}:4:5: {W}: stages[0]: exactly one of `send`, `delay`, `wait_event`, `update`, "
        "`noop` is required (found none)",
    ),
    (
        "stage is not a mapping",
        "  - send\n",
        f"{P}:4:5: {W}: stages[0]: expected a mapping, got string 'send'",
    ),
    (
        "typo inside a stage",
        "  - wait_event: {evnt: x}\n",
        [
            f"{P}:4:17: {W}: stages[0].wait_event: missing required key 'event'",
            f"{P}:4:18: {W}: stages[0].wait_event.evnt: unknown key 'evnt' (did you mean `event`?)",
        ],
    ),
    (
        "send without destination",
        "  - send: {source: {wallet: {id: w}}, amount: {amount: 1, asset: A}}\n",
        f"{P}:4:11: {W}: stages[0].send: missing required key 'destination'",
    ),
    (
        "two sources",
        "  - send: {source: {wallet: {id: w}, account: {id: a}}, destination: {wallet: {id: x}}, "
        "amount: {amount: 1, asset: A}}\n",
        f"{P}:4:20: {W}: stages[0].send.source: exactly one of `account`, `wallet`, `payment` "
        "is required (found `account` and `wallet`)",
    ),
    (
        "no destination kind",
        "  - send: {source: {wallet: {id: w}}, destination: {}, amount: {amount: 1, asset: A}}\n",
        f"{P}:4:52: {W}: stages[0].send.destination: exactly one of `account`, `wallet`, "
        "`payment` is required (found none)",
    ),
    (
        "unknown source kind",
        "  - send: {source: {ledger: {id: w}}, destination: {wallet: {id: x}}, "
        "amount: {amount: 1, asset: A}}\n",
        f"{P}:4:21: {W}: stages[0].send.source.ledger: unknown key 'ledger' "
        "(expected one of: account, wallet, payment)",
    ),
    (
        "wallet with id and name",
        "  - send: {source: {wallet: {id: w, name: n}}, destination: {wallet: {id: x}}, "
        "amount: {amount: 1, asset: A}}\n",
        f"{P}:4:29: {W}: stages[0].send.source.wallet: exactly one of `id`, `name` is required "
        "(found `id` and `name`)",
    ),
    (
        "account without id",
        "  - send: {source: {account: {ledger: l}}, destination: {wallet: {id: x}}, "
        "amount: {amount: 1, asset: A}}\n",
        f"{P}:4:30: {W}: stages[0].send.source.account: missing required key 'id'",
    ),
    (
        "payment destination without psp",
        "  - send: {source: {wallet: {id: w}}, destination: {payment: {type: PAYOUT}}, "
        "amount: {amount: 1, asset: A}}\n",
        f"{P}:4:62: {W}: stages[0].send.destination.payment: missing required key 'psp'",
    ),
    (
        "payment type typo",
        "  - send: {source: {wallet: {id: w}}, destination: {payment: {psp: s, type: PAYOT}}, "
        "amount: {amount: 1, asset: A}}\n",
        f"{P}:4:77: {W}: stages[0].send.destination.payment.type: must be TRANSFER or PAYOUT "
        "(or a ${variable}) (got string 'PAYOT') (did you mean `PAYOUT`?)",
    ),
    (
        "variable in a boolean field",
        '  - send: {source: {account: {id: a, allowOverdraft: "${od}"}}, '
        "destination: {wallet: {id: x}}, amount: {amount: 1, asset: A}}\n",
        f"{P}:4:54: {W}: stages[0].send.source.account.allowOverdraft: '${{od}}' cannot be used "
        "here: this field must be a boolean (true or false), and variables are substituted only "
        "inside strings, at run time (the server rejects this workflow when it is created)",
    ),
    (
        "string boolean",
        "  - send: {source: {wallet: {id: w}}, destination: {payment: {psp: s, "
        'waitingValidation: "yes"}}, amount: {amount: 1, asset: A}}\n',
        f"{P}:4:90: {W}: stages[0].send.destination.payment.waitingValidation: expected a "
        "boolean (true or false), got string 'yes'",
    ),
    (
        "number where a string is expected",
        "  - send: {source: {account: {id: 42}}, destination: {wallet: {id: x}}, "
        "amount: {amount: 1, asset: A}}\n",
        f"{P}:4:35: {W}: stages[0].send.source.account.id: expected a string, got integer 42 "
        '(quote it: "42")',
    ),
    (
        "negative amount",
        "  - send: {source: {wallet: {id: w}}, destination: {wallet: {id: x}}, "
        "amount: {amount: -5, asset: A}}\n",
        f"{P}:4:88: {W}: stages[0].send.amount.amount: must be a non-negative integer, a string "
        "of digits, or a ${variable} (got integer -5)",
    ),
    (
        "amount with a decimal point",
        "  - send: {source: {wallet: {id: w}}, destination: {wallet: {id: x}}, "
        'amount: {amount: "1.50", asset: A}}\n',
        f"{P}:4:88: {W}: stages[0].send.amount.amount: must be a non-negative integer, a string "
        "of digits, or a ${variable} (got string '1.50')",
    ),
    (
        "amount without asset",
        "  - send: {source: {wallet: {id: w}}, destination: {wallet: {id: x}}, amount: {amount: 1}}\n",
        f"{P}:4:79: {W}: stages[0].send.amount: missing required key 'asset'",
    ),
    (
        "metadata value not a string",
        "  - send: {source: {wallet: {id: w}}, destination: {wallet: {id: x}}, "
        "amount: {amount: 1, asset: A}, metadata: {n: 1}}\n",
        f"{P}:4:116: {W}: stages[0].send.metadata.n: expected a string, got integer 1 "
        '(quote it: "1")',
    ),
    (
        "delay with both",
        '  - delay: {duration: 1s, until: "2026-01-01T00:00:00Z"}\n',
        f"{P}:4:12: {W}: stages[0].delay: exactly one of `duration`, `until` is required "
        "(found `duration` and `until`)",
    ),
    (
        "delay with neither",
        "  - delay: {}\n",
        f"{P}:4:12: {W}: stages[0].delay: exactly one of `duration`, `until` is required "
        "(found none)",
    ),
    (
        "wait_event with an empty event",
        '  - wait_event: {event: ""}\n',
        f"{P}:4:25: {W}: stages[0].wait_event.event: must not be empty",
    ),
    (
        "update without metadata",
        "  - update: {account: {id: a, ledger: l}}\n",
        f"{P}:4:23: {W}: stages[0].update.account: missing required key 'metadata'",
    ),
    (
        "noop with settings",
        "  - noop: {x: 1}\n",
        f"{P}:4:11: {W}: stages[0].noop: takes no settings: write `noop: {{}}` (got a mapping)",
    ),
]


@pytest.mark.parametrize(
    ("stages", "expected"),
    [(s, e) for _, s, e in INVALID_STAGES],
    ids=[n for n, _, _ in INVALID_STAGES],
)
def test_invalid_stages(tmp_path: Path, stages: str, expected: str | list[str]) -> None:
    want = expected if isinstance(expected, list) else [expected]
    assert diagnose(tmp_path, workflow(stages)) == want


WORKFLOW_DOCS = [
    (
        "name with capitals",
        "kind: Workflow\nname: Payin\nstages: [{noop: {}}]\n",
        "w.yaml:2:7: Workflow 'Payin': name: use lowercase letters, digits, '-', '_' and '.', "
        "starting and ending with a letter or digit (at most 100 characters) "
        "(got string 'Payin')",
    ),
    (
        "no stages",
        "kind: Workflow\nname: w\nstages: []\n",
        "w.yaml:3:9: Workflow 'w': stages: must not be empty",
    ),
    (
        "unknown top-level key",
        "kind: Workflow\nname: w\nstage: []\nstages: [{noop: {}}]\n",
        "w.yaml:3:1: Workflow 'w': stage: unknown key 'stage' (did you mean `stages`?)",
    ),
    (
        "missing name",
        "kind: Workflow\nstages: [{noop: {}}]\n",
        "w.yaml:1:1: Workflow: missing required key 'name'",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(t, e) for _, t, e in WORKFLOW_DOCS],
    ids=[n for n, _, _ in WORKFLOW_DOCS],
)
def test_workflow_documents(tmp_path: Path, text: str, expected: str) -> None:
    assert diagnose(tmp_path, {"w.yaml": text}) == [expected]


TRIGGER = "kind: Trigger\nname: t\nworkflow: w\nevent: SAVED_PAYMENT\n"
WF = {"w.yaml": "kind: Workflow\nname: w\nstages: [{noop: {}}]\n"}
TRIGGER_DOCS = [
    (
        "swap typo",
        TRIGGER + "swap: create_first\n",
        "t.yaml:5:7: Trigger 't': swap: must be one of delete-first, create-first "
        "(got string 'create_first') (did you mean `create-first`?)",
    ),
    (
        "var value not a string",
        TRIGGER + "vars: {x: 1}\n",
        "t.yaml:5:11: Trigger 't': vars.x: expected a string, got integer 1 (quote it: \"1\")",
    ),
    (
        "bad var name",
        TRIGGER + "vars: {'a b': event.id}\n",
        [
            "t.yaml:5:8: Trigger 't': vars['a b']: invalid name 'a b': a variable name cannot "
            "contain spaces, '{', '}' or '$'",
            "t.yaml:5:8: Trigger 't': vars['a b']: warning: var 'a b' is not used by workflow 'w'",
        ],
    ),
    (
        "test without expect",
        TRIGGER + "tests: [{name: n, event: {}}]\n",
        "t.yaml:5:9: Trigger 't': tests[0]: missing required key 'expect'",
    ),
    (
        "expected var not a string",
        TRIGGER + "vars: {x: event.id}\ntests: [{name: n, event: {}, expect: {vars: {x: 100}}}]\n",
        [
            "t.yaml:5:8: Trigger 't': vars.x: warning: var 'x' is not used by workflow 'w'",
            "t.yaml:6:49: Trigger 't': tests[0].expect.vars.x: expected a string, got integer "
            '100 (quote it: "100")',
        ],
    ),
    (
        "empty expect",
        TRIGGER + "tests: [{name: n, event: {}, expect: {}}]\n",
        "t.yaml:5:38: Trigger 't': tests[0].expect: must not be empty",
    ),
    (
        "missing event",
        "kind: Trigger\nname: t\nworkflow: w\n",
        "t.yaml:1:1: Trigger 't': missing required key 'event'",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in TRIGGER_DOCS], ids=[n for n, _, _ in TRIGGER_DOCS]
)
def test_trigger_documents(tmp_path: Path, text: str, expected: str | list[str]) -> None:
    want = expected if isinstance(expected, list) else [expected]
    assert diagnose(tmp_path, {**WF, "t.yaml": text}) == want


def test_valid_trigger_with_every_field(tmp_path: Path) -> None:
    files = {
        "w.yaml": "kind: Workflow\nname: w\nstages: [{wait_event: {event: '${x}'}}]\n",
        "t.yaml": TRIGGER
        + "description: d\nversion: v2\nswap: create-first\nvars: {x: event.id}\n"
        + "tests:\n  - name: n\n    event: {id: a}\n    links: {acc: {id: 1}}\n"
        + "    expect: {match: true, vars: {x: a}}\n",
    }
    assert diagnose(tmp_path, files) == []
