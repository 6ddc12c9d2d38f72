"""The service's reflection mapper (``internal/schema/map.go``), over stage schemas.

A stage body (``map[string]any``) is mapped onto its Go struct field by field: the key is
the field's ``json`` tag, matched EXACTLY (no case folding; other keys are ignored);
strings are interpolated (``${name}``) and take the ``spec:"default:..."`` value when
empty; bools accept ``true``/``false`` and those strings (any case); an amount is a big
integer from a string (base 10) or a JSON number (truncated); a duration parses with Go's
``time.ParseDuration``, a timestamp as RFC 3339. A struct field needs a map (a missing
``source`` fails). Errors nest as the service's do (one line)::

    resolving field 'Source': resolving field 'Account': resolving field 'ID':
    expected string but was float64

:func:`decode` returns the body as decoded (JSON keys, defaults applied, unknown keys
dropped, absent pointers left out), for the run-time rules to read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from orchctl.sandbox.clock import parse_rfc3339


class MapError(Exception):
    """A stage body the mapper cannot map onto its Go type."""


@dataclass(frozen=True)
class F:
    """One struct field: JSON key, Go name, type, ``spec`` default. ``key=None`` marks an
    embedded struct (mapped from the same object)."""

    key: str | None
    go: str
    type: Any
    default: str = ""


@dataclass(frozen=True)
class Struct:
    fields: tuple[F, ...]


@dataclass(frozen=True)
class Ptr:
    elem: Any


_WALLET = Struct(
    (
        F(None, "WalletReference", Struct((F("id", "ID", "string"), F("name", "Name", "string")))),
        F("balance", "Balance", "string", "main"),
    )
)
_ACCOUNT = Struct(
    (
        F("id", "ID", "string"),
        F("ledger", "Ledger", "string", "default"),
        F("throughAccount", "ThroughAccount", "string", "world"),
        F("allowOverdraft", "AllowOverdraft", "bool", "false"),
    )
)
_PAYMENT_SOURCE = Struct(
    (
        F("id", "ID", "string"),
        F("ledger", "Ledger", "string"),
        F("holdingAccount", "HoldingAccount", "string"),
        F("throughAccount", "ThroughAccount", "string", "world"),
        F("allowOverdraft", "AllowOverdraft", "bool", "false"),
    )
)
_PAYMENT_DESTINATION = Struct(
    (
        F("psp", "PSP", "string"),
        F("type", "Type", "string", "TRANSFER"),
        F("sourceAccount", "SourceAccount", Ptr("string")),
        F("metadata", "Metadata", "string", "formanceAccountID"),
        F("waitingValidation", "WaitingValidation", "bool", "false"),
        F("connectorId", "ConnectorID", Ptr("string")),
    )
)


def _endpoint(payment: Struct) -> Struct:
    return Struct(
        (
            F("wallet", "Wallet", Ptr(_WALLET)),
            F("account", "Account", Ptr(_ACCOUNT)),
            F("payment", "Payment", Ptr(payment)),
        )
    )


SCHEMAS: dict[str, Struct] = {
    "send": Struct(
        (
            F("source", "Source", _endpoint(_PAYMENT_SOURCE)),
            F("destination", "Destination", _endpoint(_PAYMENT_DESTINATION)),
            F(
                "amount",
                "Amount",
                Ptr(Struct((F("amount", "Amount", Ptr("bigint")), F("asset", "Asset", "string")))),
            ),
            F("metadata", "Metadata", "stringmap"),
            F("timestamp", "Timestamp", Ptr("time")),
        )
    ),
    "delay": Struct((F("duration", "Duration", Ptr("duration")), F("until", "Until", Ptr("time")))),
    "wait_event": Struct((F("event", "Event", "string"),)),
    "update": Struct(
        (
            F(
                "account",
                "Account",
                Ptr(
                    Struct(
                        (
                            F("id", "ID", "string"),
                            F("ledger", "Ledger", "string", "main"),
                            F("metadata", "Metadata", "stringmap"),
                        )
                    )
                ),
            ),
        )
    ),
    "noop": Struct(()),
}

_PLACEHOLDER = re.compile(r"\$\{[^}]+\}")
_BIG_INT = re.compile(r"[+-]?[0-9]+")
_INT64_MIN = -(2**63)


def go_type(value: Any) -> str:
    """``fmt.Sprintf("%T", v)`` of a decoded JSON value."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "[]interface {}"
    return "map[string]interface {}"


class _Mapper:
    def __init__(self, variables: dict[str, str], duration: Callable[[str], object]) -> None:
        self.variables = variables
        self.duration = duration

    def interpolate(self, text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self.variables.get(m.group(0)[2:-1], ""), text)

    def struct(self, raw: dict[str, Any], spec: Struct) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in spec.fields:
            if f.key is None:
                out.update(self.struct(raw, f.type))
                continue
            try:
                value = self.field(raw.get(f.key), f.type, f.default)
            except MapError as exc:
                raise MapError(f"resolving field '{f.go}': {exc}") from None
            if value is not None:
                out[f.key] = value
        return out

    def field(self, raw: Any, kind: Any, default: str) -> Any:
        if isinstance(kind, Ptr):
            if raw is None:
                return None
            return self.field(raw, kind.elem, default)
        if isinstance(kind, Struct):
            if not isinstance(raw, dict):
                raise MapError(f"expected map but was {go_type(raw)}")
            return self.struct(raw, kind)
        return getattr(self, f"_{kind}")(raw, default)

    def _string(self, raw: Any, default: str) -> str:
        if raw is None:
            return default
        if not isinstance(raw, str):
            raise MapError(f"expected string but was {go_type(raw)}")
        return self.interpolate(raw) or default

    def _bool(self, raw: Any, default: str) -> bool:
        if isinstance(raw, bool):
            return raw
        if raw is None or isinstance(raw, str):
            text = (default if raw is None else self.interpolate(raw)).lower()
            if text not in ("true", "false"):
                raise MapError("unable to resolve field 'bool' to bool value")
            return text == "true"
        raise MapError(f"expected uint or interpolated string but was {go_type(raw)}")

    def _bigint(self, raw: Any, default: str) -> int | None:
        if isinstance(raw, str):
            text = self.interpolate(raw) or default
            if not text:
                return None
            if not _BIG_INT.fullmatch(text):
                raise MapError(f"unable to parse '{text}' as big int")
            return int(text)
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            number = float(raw)  # encoding/json decodes every number as a float64
            if not _INT64_MIN <= number < 2**63:
                return _INT64_MIN  # int64(f) out of range: amd64's CVTTSD2SI answer
            return int(number)  # int64(json): truncated toward zero
        raise MapError(f"expected big int or interpolated string but was {go_type(raw)}")

    def _duration(self, raw: Any, default: str) -> str | None:
        if not isinstance(raw, str):
            raise MapError(f"expected uint or interpolated string but was {go_type(raw)}")
        text = self.interpolate(raw) or default
        if not text:
            return None
        try:
            self.duration(text)
        except Exception:
            raise MapError("unable to resolve field 'Duration' to duration value") from None
        return text

    def _time(self, raw: Any, default: str) -> str | None:
        if not isinstance(raw, str):
            raise MapError(f"expected string but was {go_type(raw)}")
        text = self.interpolate(raw) or default
        if not text:
            return None
        try:
            parse_rfc3339(text)
        except ValueError:
            raise MapError("expected date as rfc3339 format") from None
        return text

    def _stringmap(self, raw: Any, default: str) -> dict[str, str] | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise MapError(f"expecting map, got type: {go_type(raw)}")
        return {str(k): self._string(v, "") for k, v in raw.items()}


def decode(
    kind: str,
    body: dict[str, Any] | None,
    variables: dict[str, str],
    duration: Callable[[str], object],
) -> dict[str, Any]:
    """``schema.Resolve``: map ``body`` onto the ``kind`` stage. ``duration`` is the Go
    duration parser (it raises on a bad duration). Raises :class:`MapError`."""
    schema = SCHEMAS.get(kind)
    if schema is None:
        raise MapError(f"unable to resolve schema {kind}")
    return _Mapper(variables, duration).struct(body or {}, schema)
