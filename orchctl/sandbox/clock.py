"""Timestamps the way Go's time.Time marshals them (RFC 3339, UTC, trimmed fraction)."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def fmt(moment: datetime) -> str:
    text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".")
    return text + "Z"


def now_str() -> str:
    return fmt(now())


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 timestamp; raises ValueError like Go's time.Parse would fail."""
    if "T" not in text and "t" not in text:
        raise ValueError(f'parsing time "{text}" as RFC3339: cannot parse')
    candidate = text.replace("z", "Z").replace("t", "T")
    if candidate.endswith("Z"):
        candidate = candidate[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError as exc:
        raise ValueError(f'parsing time "{text}" as RFC3339: {exc}') from None
    if moment.tzinfo is None:
        raise ValueError(f'parsing time "{text}" as RFC3339: missing time zone')
    return moment
