"""Compile-once, evaluate-many throughput of orchctl's expr evaluator on Formance filters.

Each filter is compiled once and run many times on a realistic SAVED_PAYMENT or
COMMITTED_TRANSACTIONS payload, beside CPython's own ``eval`` of an equivalent Python
expression (compiled once with ``compile()``), measured in the same run.

Usage: python benchmarks/expr.py [--seconds 0.5]
"""

from __future__ import annotations

import argparse
import re
import sys
import timeit
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orchctl.expr import compile_expr, filter_matches

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
    "metadata": {"customer_id": "cus_42", "wallet": "wallet:cus_42", "tier": "gold"},
}

COMMITTED_TRANSACTIONS: dict[str, Any] = {
    "ledger": "main",
    "transactions": [
        {
            "id": 4020 + i,
            "txid": 4020 + i,
            "timestamp": "2024-05-14T09:22:01Z",
            "postings": [
                {
                    "source": "world",
                    "destination": f"{prefix}:cus_{i}:main",
                    "amount": 1000 * (i + 1),
                    "asset": "USD/2",
                },
                {
                    "source": f"{prefix}:cus_{i}:main",
                    "destination": "fees",
                    "amount": 25,
                    "asset": "USD/2",
                },
            ],
            "metadata": {"kind": "pay-in"},
        }
        for i, prefix in enumerate(["platform", "bank", "users"])
    ],
}

USERS = re.compile("^users:")

# (label, payload, expr-lang filter, equivalent Python expression)
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "status and type",
        SAVED_PAYMENT,
        'event.status == "SUCCEEDED" && event.type == "PAY-IN"',
        'event["status"] == "SUCCEEDED" and event["type"] == "PAY-IN"',
    ),
    (
        "amount and asset prefix",
        SAVED_PAYMENT,
        'event.amount > 10000 and event.asset startsWith "USD"',
        'event["amount"] > 10000 and event["asset"].startswith("USD")',
    ),
    (
        "metadata with ??",
        SAVED_PAYMENT,
        '(event.metadata.tier ?? "standard") in ["gold", "platinum"]',
        '(t if (t := event["metadata"].get("tier")) is not None else "standard") '
        'in ["gold", "platinum"]',
    ),
    (
        "any posting matches",
        COMMITTED_TRANSACTIONS,
        'any(event.transactions, {.postings[0].destination matches "^users:"})',
        'any(USERS.search(t["postings"][0]["destination"]) is not None '
        'for t in event["transactions"])',
    ),
    (
        "nested any over postings",
        COMMITTED_TRANSACTIONS,
        'event.ledger == "main" && any(event.transactions, '
        'any(.postings, .asset == "USD/2" && .amount >= 3000))',
        'event["ledger"] == "main" and any(any(p["asset"] == "USD/2" and p["amount"] >= 3000 '
        'for p in t["postings"]) for t in event["transactions"])',
    ),
]


def per_call(fn: Any, seconds: float) -> float:
    """Best-of-3 seconds per call, each run lasting about ``seconds``."""
    timer = timeit.Timer(fn)
    number, elapsed = timer.autorange()
    number = max(1, int(number * seconds / elapsed))
    return min(timer.repeat(repeat=3, number=number)) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.3, help="time per measurement")
    args = parser.parse_args()

    print(f"Python {sys.version.split()[0]}, {args.seconds:g}s per measurement\n")
    header = f"{'filter':28} {'orchctl expr':>14} {'CPython eval':>14} {'ratio':>8}"
    print(header)
    print("-" * len(header))
    ratios = []
    for label, payload, source, python_source in CASES:
        program = compile_expr(source)
        code = compile(python_source, f"<{label}>", "eval")
        env = {"event": payload}
        py_globals = {"USERS": USERS}
        py_locals = {"event": payload}
        expected = filter_matches(program.run(env))
        actual = bool(eval(code, py_globals, py_locals))
        if expected != actual:
            raise SystemExit(f"{label}: expr gives {expected}, Python gives {actual}")
        expr_time = per_call(lambda: program.run(env), args.seconds)  # noqa: B023
        py_time = per_call(lambda: eval(code, py_globals, py_locals), args.seconds)  # noqa: B023
        ratio = expr_time / py_time
        ratios.append(ratio)
        print(f"{label:28} {expr_time * 1e6:11.2f} µs {py_time * 1e6:11.2f} µs {ratio:7.1f}x")
    geo = 1.0
    for r in ratios:
        geo *= r
    geo **= 1 / len(ratios)
    print(f"\ngeometric mean: orchctl expr is {geo:.1f}x the time of CPython eval")


if __name__ == "__main__":
    main()
