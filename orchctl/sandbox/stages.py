"""Stage decoding the way the service does it.

* :func:`check_stage` runs at create time: each stage is mapped onto its Go type with no
  variables by the service's reflection mapper (:mod:`.mapper`), so an unknown type, an
  empty stage, two keys, a wrong type, a bad duration, timestamp or amount fails (the
  service answers 500 "creating workflow: ..."). Unknown keys are ignored (kept verbatim).
* :func:`resolve_stage` runs at run time: the same mapper with the run's variables
  (interpolation, defaults), then the required / one-of rules, giving the errors a real
  run would record (in the sandbox's words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from orchctl.expr import gotime
from orchctl.sandbox.clock import parse_rfc3339
from orchctl.sandbox.mapper import MapError, decode, go_type

STAGE_TYPES = ("send", "delay", "wait_event", "update", "noop")

PLACEHOLDER = re.compile(r"\$\{[^}]+\}")


class StageError(Exception):
    """A stage the service cannot decode or run."""


def check_stage(stage: Any) -> None:
    """Create-time check of one stage (``Config.Validate``: no variables). Raises
    :class:`StageError` with the service's message."""
    if not isinstance(stage, dict):
        raise StageError(f"expected map but was {go_type(stage)}")
    if not stage:
        raise StageError("empty specification")
    if len(stage) > 1:
        raise StageError("a specification should have only one name")
    ((kind, body),) = stage.items()
    decoded(kind, body, {})


def decoded(kind: str, body: Any, variables: dict[str, str]) -> dict[str, Any]:
    """The stage body as the service's mapper decodes it (see :mod:`.mapper`)."""
    try:
        return decode(kind, body if isinstance(body, dict) else None, variables, parse_duration)
    except MapError as exc:
        raise StageError(str(exc)) from None


# -- run time ---------------------------------------------------------------------------------


def interpolate(value: Any, variables: dict[str, str]) -> Any:
    """Substitute ``${name}`` in string values (never in keys); unknown names become ""."""
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda m: variables.get(m.group(0)[2:-1], ""), value)
    if isinstance(value, list):
        return [interpolate(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: interpolate(v, variables) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class ResolvedStage:
    kind: str
    input: dict[str, Any]  # the resolved stage body (defaults applied), for the history
    activities: tuple[tuple[str, dict[str, Any]], ...] = ()
    delay_seconds: float | None = None  # for delay: the duration (until is relative to now)
    until: str | None = None
    event: str | None = None


def _get(obj: Any, field: str) -> Any:
    return obj.get(field) if isinstance(obj, dict) else None


def _str(obj: Any, field: str, default: str = "") -> str:
    value = _get(obj, field)
    return value if isinstance(value, str) and value != "" else default


def _bool(obj: Any, field: str) -> bool:
    return _get(obj, field) is True


def parse_duration(text: str) -> float:
    """Go's time.ParseDuration, in seconds."""
    try:
        return gotime.parse_duration(text).ns / 1e9
    except gotime.TimeError as exc:
        raise StageError(str(exc)) from None


def _amount(monetary: Any) -> tuple[int, str]:
    """The decoded ``shared.Monetary`` (the mapper made ``amount`` a big integer)."""
    if not isinstance(monetary, dict):
        raise StageError("amount is required")
    value = _get(monetary, "amount")
    asset = _str(monetary, "asset")
    if not isinstance(value, int):
        raise StageError("amount.amount is required")
    if not asset:
        raise StageError("amount.asset is required")
    return value, asset


def _one_of(obj: Any, where: str) -> tuple[str, dict[str, Any]]:
    if not isinstance(obj, dict):
        raise StageError(f"{where} is required")
    set_ = [(k, _get(obj, k)) for k in ("account", "wallet", "payment")]
    chosen = [(k, v) for k, v in set_ if isinstance(v, dict)]
    if len(chosen) != 1:
        raise StageError(f"{where}: exactly one of account, wallet or payment must be set")
    return chosen[0]


def _resolve_send(body: dict[str, Any]) -> ResolvedStage:
    src_kind, src = _one_of(_get(body, "source"), "source")
    dst_kind, dst = _one_of(_get(body, "destination"), "destination")
    if src_kind == "payment" and dst_kind == "payment":
        raise StageError("send from a payment to a payment is not supported")
    resolved: dict[str, Any] = {}
    src_json: dict[str, Any]
    if src_kind == "account":
        src_json = _account(src, "source")
    elif src_kind == "wallet":
        src_json = _wallet(src, "source")
    else:
        src_json = {k: _str(src, k) for k in ("id", "ledger", "holdingAccount") if _str(src, k)}
        src_json["throughAccount"] = _str(src, "throughAccount", "world")
        src_json["allowOverdraft"] = _bool(src, "allowOverdraft")
        if not src_json.get("id"):
            raise StageError("source.payment.id is required")
    dst_json: dict[str, Any]
    if dst_kind == "account":
        dst_json = _account(dst, "destination")
    elif dst_kind == "wallet":
        dst_json = _wallet(dst, "destination")
    else:
        dst_json = {
            "psp": _str(dst, "psp"),
            "type": _str(dst, "type", "TRANSFER"),
            "metadata": _str(dst, "metadata", "formanceAccountID"),
            "waitingValidation": _bool(dst, "waitingValidation"),
        }
        for key in ("sourceAccount", "connectorId"):
            if _str(dst, key):
                dst_json[key] = _str(dst, key)
        if not dst_json["psp"]:
            raise StageError("destination.payment.psp is required")
        if dst_json["type"] not in ("TRANSFER", "PAYOUT"):
            raise StageError(f"destination.payment.type: unknown type '{dst_json['type']}'")
    resolved["source"] = {src_kind: src_json}
    resolved["destination"] = {dst_kind: dst_json}
    amount: tuple[int, str] | None = None
    if _get(body, "amount") is not None or src_kind != "payment":
        amount = _amount(_get(body, "amount"))
        resolved["amount"] = {"amount": amount[0], "asset": amount[1]}
    metadata = _get(body, "metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    if metadata:
        resolved["metadata"] = metadata
    timestamp = _str(body, "timestamp")
    if timestamp:
        try:
            parse_rfc3339(timestamp)
        except ValueError as exc:
            raise StageError(str(exc)) from None
        resolved["timestamp"] = timestamp
    return ResolvedStage(
        "send",
        resolved,
        _send_activities(src_kind, src_json, dst_kind, dst_json, amount, metadata, timestamp),
    )


def _account_name(kind: str, obj: dict[str, Any]) -> str:
    if kind == "account":
        return str(obj["id"])
    if kind == "payment":
        return str(obj.get("holdingAccount") or f"payment:{obj.get('id', '')}")
    return f"wallets:{obj.get('id') or obj.get('name')}:{obj['balance']}"


def _send_activities(
    src_kind: str,
    src: dict[str, Any],
    dst_kind: str,
    dst: dict[str, Any],
    amount: tuple[int, str] | None,
    metadata: dict[str, Any],
    timestamp: str,
) -> tuple[tuple[str, dict[str, Any]], ...]:
    value, asset = amount if amount else (0, "")
    monetary = {"amount": value, "asset": asset}
    out: list[tuple[str, dict[str, Any]]] = []
    if src_kind == "payment":
        out.append(("GetPayment", {"id": src["id"]}))
    if src_kind == "wallet":
        data: dict[str, Any] = {
            "amount": monetary,
            "metadata": metadata,
            "balances": [src["balance"]],
        }
        if dst_kind == "account":
            data["destination"] = {"type": "ACCOUNT", "identifier": dst["id"]}
        out.append(("DebitWallet", {"id": src.get("id", ""), "data": data}))
    if dst_kind == "wallet":
        sources = []
        if src_kind == "account":
            sources.append({"type": "ACCOUNT", "identifier": src["id"]})
        out.append(
            (
                "CreditWallet",
                {
                    "id": dst.get("id", ""),
                    "data": {
                        "amount": monetary,
                        "metadata": metadata,
                        "sources": sources,
                        "balance": dst["balance"],
                    },
                },
            )
        )
    if dst_kind == "payment":
        out.append(
            (
                "CreateTransferInitiation",
                {
                    "provider": dst["psp"],
                    "amount": value,
                    "asset": asset,
                    "destination": dst.get("sourceAccount", ""),
                    "type": dst["type"],
                    "waitingValidation": dst["waitingValidation"],
                    "metadata": metadata,
                },
            )
        )
    if dst_kind == "account" and src_kind in ("account", "payment"):
        ledger = src.get("ledger") or dst["ledger"]
        tx: dict[str, Any] = {
            "metadata": metadata,
            "postings": [
                {
                    "source": _account_name(src_kind, src),
                    "destination": dst["id"],
                    "amount": value,
                    "asset": asset,
                }
            ],
        }
        if timestamp:
            tx["timestamp"] = timestamp
        out.append(("CreateTransaction", {"ledger": ledger, "data": tx}))
    return tuple(out)


def resolve_stage(stage: dict[str, Any], variables: dict[str, str]) -> ResolvedStage:
    """Run-time decoding of one (create-time valid) stage. Raises :class:`StageError`."""
    check_stage(stage)
    ((kind, raw),) = stage.items()
    body = decoded(kind, raw, variables)
    if kind == "noop":
        return ResolvedStage("noop", {})
    if kind == "send":
        return _resolve_send(body)
    if kind == "delay":
        duration, until = _str(body, "duration"), _str(body, "until")
        if bool(duration) == bool(until):
            raise StageError("delay: exactly one of duration or until must be set")
        if duration:
            return ResolvedStage("delay", {"duration": duration}, (), parse_duration(duration))
        try:
            parse_rfc3339(until)
        except ValueError as exc:
            raise StageError(str(exc)) from None
        return ResolvedStage("delay", {"until": until}, (), None, until)
    if kind == "wait_event":
        event = _str(body, "event")
        if not event:
            raise StageError("wait_event: event is required")
        return ResolvedStage("wait_event", {"event": event}, (), event=event)
    account = _get(body, "account")
    if not isinstance(account, dict):
        raise StageError("update: account is required")
    metadata = _get(account, "metadata")
    resolved = {
        "id": _str(account, "id"),
        "ledger": _str(account, "ledger", "main"),
        "metadata": metadata if isinstance(metadata, dict) else None,
    }
    if not resolved["id"]:
        raise StageError("update.account.id is required")
    if resolved["metadata"] is None:
        raise StageError("update.account.metadata is required")
    return ResolvedStage("update", {"account": resolved}, (("AddAccountMetadata", dict(resolved)),))


def _account(obj: dict[str, Any], side: str) -> dict[str, Any]:
    """A ledger account endpoint of `send`, with the run-time defaults applied."""
    resolved = {
        "id": _str(obj, "id"),
        "ledger": _str(obj, "ledger", "default"),
        "throughAccount": _str(obj, "throughAccount", "world"),
        "allowOverdraft": _bool(obj, "allowOverdraft"),
    }
    if not resolved["id"]:
        raise StageError(f"{side}.account.id is required")
    return resolved


def _wallet(obj: dict[str, Any], side: str) -> dict[str, Any]:
    """A wallet endpoint of `send` (by id or name), with the default balance."""
    resolved: dict[str, Any] = {k: _str(obj, k) for k in ("id", "name") if _str(obj, k)}
    resolved["balance"] = _str(obj, "balance", "main")
    if not (resolved.get("id") or resolved.get("name")):
        raise StageError(f"{side}.wallet: id or name is required")
    return resolved
