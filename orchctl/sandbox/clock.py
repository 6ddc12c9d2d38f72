"""Timestamps the way Go's time.Time marshals them (RFC 3339, UTC, trimmed fraction)."""

from __future__ import annotations

from datetime import UTC, datetime

from orchctl.expr import gotime


def now() -> datetime:
    return datetime.now(UTC)


def fmt(moment: datetime) -> str:
    text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".")
    return text + "Z"


def now_str() -> str:
    return fmt(now())


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 timestamp as Go's time.Parse does; ValueError with Go's message."""
    return gotime.to_datetime(gotime.parse_rfc3339(text))
