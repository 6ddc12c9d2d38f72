"""Stage decoding: create-time checks, run-time resolution, Go durations; upstream examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sandbox_support import Api

from orchctl.sandbox.stages import (
    StageError,
    check_stage,
    interpolate,
    parse_duration,
    resolve_stage,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30s", 30),
        ("1h30m", 5400),
        ("1.5h", 5400),
        ("100ms", 0.1),
        ("0", 0),
        ("-2m", -120),
        ("1h2m3s", 3723),
    ],
)
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "10", "1d", "h", "1h x", "1.2.3s"])
def test_bad_go_durations(text: str) -> None:
    with pytest.raises(StageError):
        parse_duration(text)


def test_interpolation_touches_string_values_only() -> None:
    value = {"${k}": ["${a}-${b}", 1, True, None, {"x": "${a}"}]}
    assert interpolate(value, {"a": "A", "k": "K"}) == {"${k}": ["A-", 1, True, None, {"x": "A"}]}


ENDS: dict[str, Any] = {"source": {"account": {"id": "a"}}, "destination": {"account": {"id": "b"}}}


def _send(**fields: Any) -> dict[str, Any]:
    return {"send": {**ENDS, **fields}}


@pytest.mark.parametrize(
    ("stage", "message"),
    [
        ({}, "empty specification"),
        ({"noop": {}, "delay": {}}, "a specification should have only one name"),
        ({"Send": {}}, "unable to resolve schema Send"),
        ({"send": {}}, "resolving field 'Source': expected map but was <nil>"),
        ({"send": {"source": {}}}, "resolving field 'Destination': expected map but was <nil>"),
        (
            {"send": {"source": {"account": 1}}},
            "resolving field 'Source': resolving field 'Account': expected map but was float64",
        ),
        (
            {"send": {"source": {"account": {"id": 1}}}},
            "resolving field 'Source': resolving field 'Account': resolving field 'ID': "
            "expected string but was float64",
        ),
        (
            {"send": {"source": {"wallet": {"name": ["w"]}}}},
            "resolving field 'Source': resolving field 'Wallet': resolving field 'Name': "
            "expected string but was []interface {}",
        ),
        (
            {"send": {"source": {"account": {"id": "a", "allowOverdraft": "yes"}}}},
            "resolving field 'Source': resolving field 'Account': resolving field "
            "'AllowOverdraft': unable to resolve field 'bool' to bool value",
        ),
        (
            {"send": {"source": {"account": {"id": "a", "allowOverdraft": "${x}"}}}},
            "resolving field 'Source': resolving field 'Account': resolving field "
            "'AllowOverdraft': unable to resolve field 'bool' to bool value",
        ),
        (
            {"send": {**ENDS, "destination": {"payment": {"psp": "s", "waitingValidation": 1}}}},
            "resolving field 'Destination': resolving field 'Payment': resolving field "
            "'WaitingValidation': expected uint or interpolated string but was float64",
        ),
        (
            _send(amount={"amount": "abc", "asset": "USD"}),
            "resolving field 'Amount': resolving field 'Amount': unable to parse 'abc' as big int",
        ),
        (
            _send(amount={"amount": "1.5", "asset": "USD"}),
            "resolving field 'Amount': resolving field 'Amount': unable to parse '1.5' as big int",
        ),
        (
            _send(amount={"amount": True}),
            "resolving field 'Amount': resolving field 'Amount': expected big int or "
            "interpolated string but was bool",
        ),
        (_send(amount=[]), "resolving field 'Amount': expected map but was []interface {}"),
        (
            _send(metadata={"k": 1}),
            "resolving field 'Metadata': expected string but was float64",
        ),
        (_send(metadata="x"), "resolving field 'Metadata': expecting map, got type: string"),
        (
            _send(timestamp="2026-01-01"),
            "resolving field 'Timestamp': expected date as rfc3339 format",
        ),
        (_send(timestamp=5), "resolving field 'Timestamp': expected string but was float64"),
        (
            {"delay": {"duration": "1d"}},
            "resolving field 'Duration': unable to resolve field 'Duration' to duration value",
        ),
        (
            {"delay": {"duration": 30}},
            "resolving field 'Duration': expected uint or interpolated string but was float64",
        ),
        (
            {"delay": {"until": "tomorrow"}},
            "resolving field 'Until': expected date as rfc3339 format",
        ),
        ({"wait_event": {"event": 1}}, "resolving field 'Event': expected string but was float64"),
        (
            {"update": {"account": {"id": "a", "metadata": "x"}}},
            "resolving field 'Account': resolving field 'Metadata': expecting map, got type: string",
        ),
    ],
)
def test_create_time_decoding_messages(stage: dict[str, Any], message: str) -> None:
    with pytest.raises(StageError) as info:
        check_stage(stage)
    assert str(info.value) == message


@pytest.mark.parametrize(
    "stage",
    [
        # keys match exactly: a differently cased key is unknown, ignored
        _send(Amount={"amount": "abc"}, amount={"Amount": "abc", "asset": "U"}),
        {"send": {"source": {"Account": {"id": 1}}, "destination": {}}},
        _send(source={"account": {"id": "a", "allowOverdraft": "TRUE"}}),
        _send(source={"account": {"id": "a", "allowOverdraft": "false"}}),
        _send(amount={"amount": "${n}", "asset": "USD"}),  # "" -> no amount (run time: required)
        _send(amount={"amount": "+5", "asset": "USD"}),
        _send(amount={"amount": 1.5, "asset": "USD"}),  # a number is truncated
        _send(metadata={"k": None}),
        _send(timestamp="2026-01-01T00:00:00.5+02:00"),
        _send(timestamp="${t}"),
        {"delay": {"duration": "1h30m"}},
        {"delay": {"duration": "${d}"}},
        {"delay": {}},  # one-of: run time
        {"noop": {"anything": [1]}},
        {"noop": None},
        {"wait_event": None},
    ],
)
def test_create_time_decoding_accepts(stage: dict[str, Any]) -> None:
    check_stage(stage)


def test_a_decoded_amount_is_truncated_and_a_bool_string_is_a_bool() -> None:
    stage = _send(
        source={"account": {"id": "a", "allowOverdraft": "True"}},
        amount={"amount": 7.9, "asset": "USD"},
    )
    resolved = resolve_stage(stage, {})
    assert resolved.input["amount"] == {"amount": 7, "asset": "USD"}
    assert resolved.input["source"]["account"]["allowOverdraft"] is True


def test_wallet_and_payment_defaults() -> None:
    stage = {
        "send": {
            "source": {"wallet": {"name": "w"}},
            "destination": {"payment": {"psp": "stripe"}},
            "amount": {"amount": 5, "asset": "USD"},
        }
    }
    resolved = resolve_stage(stage, {})
    assert resolved.input["source"] == {"wallet": {"name": "w", "balance": "main"}}
    assert resolved.input["destination"]["payment"] == {
        "psp": "stripe",
        "type": "TRANSFER",
        "metadata": "formanceAccountID",
        "waitingValidation": False,
    }
    assert [name for name, _ in resolved.activities] == ["DebitWallet", "CreateTransferInitiation"]


def test_amount_required_unless_source_is_a_payment() -> None:
    stage: dict[str, Any] = {
        "send": {"source": {"payment": {"id": "p"}}, "destination": {"wallet": {"id": "w"}}}
    }
    assert "amount" not in resolve_stage(stage, {}).input
    stage["send"]["source"] = {"account": {"id": "a"}}
    with pytest.raises(StageError, match="amount"):
        resolve_stage(stage, {})


@pytest.mark.parametrize(
    ("number", "decoded"),
    [
        (2**62 + 1, 2**62),  # through float64: the low bits are gone
        (12345678901234567891, -(2**63)),  # int64(float64) out of range (amd64)
        (-3.7, -3),
    ],
)
def test_numeric_amount_goes_through_float64_and_int64(number: float, decoded: int) -> None:
    resolved = resolve_stage(_send(amount={"amount": number, "asset": "USD"}), {})
    assert resolved.input["amount"]["amount"] == decoded


def test_string_amount_is_a_big_integer() -> None:
    resolved = resolve_stage(_send(amount={"amount": "12345678901234567891", "asset": "U"}), {})
    assert resolved.input["amount"]["amount"] == 12345678901234567891


def test_upstream_examples_are_accepted(api: Api, reference_dir: Path) -> None:
    import yaml

    examples = sorted((reference_dir / "upstream-examples").glob("*.yaml"))
    assert examples
    for path in examples:
        resp = api.request(
            "POST",
            "/workflows",
            content=path.read_bytes(),
            headers={"Content-Type": "text/vnd.yaml"},
        )
        assert resp.status_code == 201, (path.name, resp.text)
        assert resp.json()["data"]["config"]["stages"] == yaml.safe_load(path.read_text())["stages"]
