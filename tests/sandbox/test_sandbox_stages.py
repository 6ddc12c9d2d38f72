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


def test_field_names_match_case_insensitively_like_go() -> None:
    check_stage({"send": {"Source": {"Account": {"AllowOverdraft": True}}}})
    with pytest.raises(StageError):
        check_stage({"send": {"Source": {"Account": {"AllowOverdraft": "yes"}}}})


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


def test_large_numeric_amount_goes_through_float64() -> None:
    stage = {
        "send": {
            "source": {"account": {"id": "a"}},
            "destination": {"account": {"id": "b"}},
            "amount": {"amount": 12345678901234567891, "asset": "USD"},
        }
    }
    resolved = resolve_stage(stage, {})
    assert resolved.input["amount"]["amount"] == int(float(12345678901234567891))
    assert resolved.input["amount"]["amount"] != 12345678901234567891


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
