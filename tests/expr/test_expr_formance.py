"""Formance-style trigger filters and vars on realistic SAVED_PAYMENT / COMMITTED_TRANSACTIONS."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from orchctl.expr import ExprRuntimeError, compile_expr, filter_matches, stringify

SAVED_PAYMENT: dict[str, Any] = {
    "id": "eyJQcm92aWRlciI6IlNUUklQRSIsIlJlZmVyZW5jZSI6InB5XzNOeCJ9",
    "reference": "py_3NxLkT2eZvKYlo2C1a2b3c4d",
    "createdAt": "2024-05-14T09:21:43.123Z",
    "connectorID": "eyJQcm92aWRlciI6IlNUUklQRSJ9",
    "provider": "STRIPE",
    "type": "PAY-IN",
    "status": "SUCCEEDED",
    "scheme": "visa",
    "amount": 125000,
    "initialAmount": 125000,
    "asset": "USD/2",
    "sourceAccountID": None,
    "destinationAccountID": "eyJBY2NvdW50IjoiYWNjdF8xIn0",
    "links": [{"name": "destination_account", "uri": "https://example.test/accounts/acct_1"}],
    "rawData": {"object": "payment_intent", "livemode": False},
    "metadata": {"customer_id": "cus_42", "wallet": "wallet:cus_42", "tier": "gold"},
}

COMMITTED_TRANSACTIONS: dict[str, Any] = {
    "ledger": "main",
    "transactions": [
        {
            "id": 4021,
            "txid": 4021,
            "timestamp": "2024-05-14T09:22:01Z",
            "reference": "payin-py_3NxLkT2e",
            "postings": [
                {
                    "source": "world",
                    "destination": "users:cus_42:main",
                    "amount": 125000,
                    "asset": "USD/2",
                },
                {
                    "source": "users:cus_42:main",
                    "destination": "fees",
                    "amount": 250,
                    "asset": "USD/2",
                },
            ],
            "metadata": {"payment_id": "py_3NxLkT2e", "kind": "pay-in"},
        },
        {
            "id": 4022,
            "txid": 4022,
            "timestamp": "2024-05-14T09:22:05Z",
            "reference": None,
            "postings": [
                {
                    "source": "platform:float",
                    "destination": "bank:settlement",
                    "amount": 99.5,
                    "asset": "EUR/2",
                },
            ],
            "metadata": {},
        },
    ],
    "accountMetadata": {},
}


def evaluate(source: str, payload: dict[str, Any]) -> Any:
    return compile_expr(source).run({"event": payload})


@pytest.mark.parametrize(
    ("filter_", "payload", "matches"),
    [
        ('event.status == "SUCCEEDED" && event.type == "PAY-IN"', SAVED_PAYMENT, True),
        ('event.status == "SUCCEEDED" && event.type == "PAYOUT"', SAVED_PAYMENT, False),
        ('event.amount > 10000 and event.asset startsWith "USD"', SAVED_PAYMENT, True),
        ("event.amount >= 125000.0 and event.amount <= 125000", SAVED_PAYMENT, True),
        ('event.metadata.tier in ["gold", "platinum"]', SAVED_PAYMENT, True),
        ('(event.metadata.segment ?? "retail") == "retail"', SAVED_PAYMENT, True),
        ("event.metadata?.missing?.deep == nil", SAVED_PAYMENT, True),
        ('event.provider matches "^(STRIPE|ADYEN)$"', SAVED_PAYMENT, True),
        ("event.sourceAccountID != nil", SAVED_PAYMENT, False),
        (
            'any(event.transactions, {.postings[0].destination matches "^users:"})',
            COMMITTED_TRANSACTIONS,
            True,
        ),
        ("all(event.transactions, {len(.postings) > 0})", COMMITTED_TRANSACTIONS, True),
        ('any(event.transactions, .metadata.kind == "pay-in")', COMMITTED_TRANSACTIONS, True),
        (
            'event.ledger == "main" && none(event.transactions, any(.postings, .amount < 0))',
            COMMITTED_TRANSACTIONS,
            True,
        ),
        ("count(event.transactions, .reference != nil) == 1", COMMITTED_TRANSACTIONS, True),
        ("event.transactions[0].postings[0].amount", COMMITTED_TRANSACTIONS, False),
        ('"USD/2"', SAVED_PAYMENT, False),
    ],
)
def test_filters(filter_: str, payload: dict[str, Any], matches: bool) -> None:
    assert filter_matches(evaluate(filter_, payload)) is matches


@pytest.mark.parametrize(
    ("var", "payload", "text"),
    [
        ("event.amount", SAVED_PAYMENT, "125000"),
        ("event.amount / 100", SAVED_PAYMENT, "1250"),
        ("event.amount / 7", SAVED_PAYMENT, "17857.14285714286"),
        ("event.metadata.wallet", SAVED_PAYMENT, "wallet:cus_42"),
        ("event.metadata.unknown", SAVED_PAYMENT, "<nil>"),
        ("event.metadata", SAVED_PAYMENT, "map[customer_id:cus_42 tier:gold wallet:wallet:cus_42]"),
        ('split(event.asset, "/")[0]', SAVED_PAYMENT, "USD"),
        ('trimPrefix(event.metadata.wallet, "wallet:")', SAVED_PAYMENT, "cus_42"),
        ("event.transactions[0].txid", COMMITTED_TRANSACTIONS, "4021"),
        ("event.transactions[-1].postings[0].amount", COMMITTED_TRANSACTIONS, "99.5"),
        ("sum(event.transactions[0].postings, .amount)", COMMITTED_TRANSACTIONS, "125250"),
        ("map(event.transactions, .id)", COMMITTED_TRANSACTIONS, "[4021 4022]"),
        ('event.transactions[0].metadata.payment_id ?? ""', COMMITTED_TRANSACTIONS, "py_3NxLkT2e"),
        (
            'find(event.transactions[0].postings, .destination == "fees").amount',
            COMMITTED_TRANSACTIONS,
            "250",
        ),
        ("len(event.transactions)", COMMITTED_TRANSACTIONS, "2"),
        ("string(event.amount)", SAVED_PAYMENT, "125000"),
        ("event.amount * 100000000000000000", SAVED_PAYMENT, "1.25e+22"),
        ("date(event.createdAt).Format('2006-01-02')", SAVED_PAYMENT, "2024-05-14"),
    ],
)
def test_vars(var: str, payload: dict[str, Any], text: str) -> None:
    assert stringify(evaluate(var, payload)) == text


def test_filter_runtime_error_on_missing_nested_object() -> None:
    payload = copy.deepcopy(SAVED_PAYMENT)
    del payload["metadata"]
    with pytest.raises(ExprRuntimeError) as info:
        evaluate('event.metadata.tier == "gold"', payload)
    assert str(info.value) == (
        'cannot fetch tier from <nil> (1:16)\n | event.metadata.tier == "gold"\n | ...............^'
    )


def test_payload_is_not_mutated() -> None:
    payload = copy.deepcopy(COMMITTED_TRANSACTIONS)
    evaluate("sortBy(event.transactions, .id, 'desc')[0].id", payload)
    evaluate("map(event.transactions, .postings)", payload)
    assert payload == COMMITTED_TRANSACTIONS


def test_link_follows_related_resource() -> None:
    accounts = {"destination_account": {"id": "acct_1", "metadata": {"vip": "true"}}}
    result = compile_expr('link(event, "destination_account").metadata.vip == "true"').run(
        {"event": SAVED_PAYMENT}, link=lambda obj, rel: accounts[rel]
    )
    assert result is True
