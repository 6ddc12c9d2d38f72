"""Stage rules the schemas cannot express; the server checks these only when a run starts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orchctl.definitions.model import Workflow
from orchctl.diagnostics import Diagnostic
from orchctl.validation.formats import check_rfc3339, parse_go_duration
from orchctl.validation.locate import Problem, reporter

PathT = tuple[str | int, ...]
FLOAT64_EXACT = 2**53


def check_stages(workflow: Workflow) -> Iterator[Diagnostic]:
    doc = workflow.origin.document

    problem = reporter(doc, "Workflow", workflow.name)

    for index, stage in enumerate(workflow.stages):
        if not isinstance(stage, dict) or len(stage) != 1:
            continue
        ((stage_type, body),) = stage.items()
        base: PathT = ("stages", index, stage_type)
        if not isinstance(body, dict):
            continue
        if stage_type == "send":
            yield from _send(body, base, problem)
        elif stage_type == "delay":
            yield from _delay(body, base, problem)
        elif stage_type == "update":
            account = body.get("account")
            if isinstance(account, dict) and "ledger" not in account:
                yield problem(
                    (*base, "account"),
                    "update-ledger",
                    'no `ledger`: `update` defaults to "main", while `send` defaults to "default"',
                    "name the ledger explicitly",
                    warning=True,
                )


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _templated(value: Any) -> bool:
    return isinstance(value, str) and "${" in value


def _send(body: dict[str, Any], base: PathT, problem: Problem) -> Iterator[Diagnostic]:
    source = _mapping(body.get("source"))
    destination = _mapping(body.get("destination"))
    if "amount" not in body and "payment" not in source:
        yield problem(
            base,
            "send-amount",
            "missing `amount`: it is required unless the source is a payment",
            "add amount: {amount: ..., asset: ...}",
        )
    if "payment" in source and "payment" in destination:
        yield problem(
            (*base, "destination", "payment"),
            "send-payment-to-payment",
            "a payment cannot be sent to a payment: the server rejects it when the stage runs",
        )
    amount = body.get("amount")
    if isinstance(amount, dict):
        value = amount.get("amount")
        if isinstance(value, int) and not isinstance(value, bool) and value > FLOAT64_EXACT:
            yield problem(
                (*base, "amount", "amount"),
                "send-amount-precision",
                f"{value} is larger than 2^53: the server decodes numbers through float64 and "
                f"would use {int(float(value))}",
                f'quote it: "{value}"',
            )
    for side_name, side in (("source", source), ("destination", destination)):
        for kind in ("account", "payment"):
            target = side.get(kind)
            if not isinstance(target, dict) or target.get("allowOverdraft") is not True:
                continue
            through = target.get("throughAccount")
            if through in (None, "world"):
                yield problem(
                    (*base, side_name, kind, "allowOverdraft"),
                    "send-overdraft",
                    'allowOverdraft has no effect without a `throughAccount` other than "world"',
                    warning=True,
                )
    timestamp = body.get("timestamp")
    if isinstance(timestamp, str) and not _templated(timestamp):
        reason = check_rfc3339(timestamp)
        if reason:
            yield problem(
                (*base, "timestamp"),
                "timestamp",
                f"{timestamp!r} is {reason}",
                "write it like 2026-01-31T09:00:00Z",
            )


def _delay(body: dict[str, Any], base: PathT, problem: Problem) -> Iterator[Diagnostic]:
    duration = body.get("duration")
    if isinstance(duration, str) and not _templated(duration):
        try:
            nanos = parse_go_duration(duration)
        except ValueError as exc:
            yield problem(
                (*base, "duration"),
                "duration",
                f"{duration!r} is not a Go duration: {exc}",
                "write it like 30s, 15m, 1h30m or 72h; Go durations have no days",
            )
        else:
            if nanos <= 0:
                yield problem(
                    (*base, "duration"),
                    "duration",
                    f"{duration!r} does not delay anything",
                    warning=True,
                )
    until = body.get("until")
    if isinstance(until, str) and not _templated(until):
        reason = check_rfc3339(until)
        if reason:
            yield problem(
                (*base, "until"),
                "timestamp",
                f"{until!r} is {reason}",
                "write it like 2026-01-31T09:00:00Z",
            )
