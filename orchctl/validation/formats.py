"""Value formats the server parses at run time: Go durations and RFC 3339 timestamps.

Whether a value is valid is Go's answer (orchctl.expr.gotime, the one Go time module); this
module only words the reason for a diagnostic.
"""

from __future__ import annotations

from orchctl.expr import gotime

_REASONS = {
    "overflow": "duration is too large",
    "missing-unit": "missing unit",
}


def parse_go_duration(text: str) -> int:
    """Nanoseconds of a Go duration string (time.ParseDuration); ValueError with a reason."""
    try:
        return gotime.parse_duration(text).ns
    except gotime.DurationError as exc:
        if exc.reason == "unknown-unit":
            raise ValueError(f"unknown unit {exc.unit!r} (use ns, us, ms, s, m, h)") from None
        if exc.reason in _REASONS:
            raise ValueError(_REASONS[exc.reason]) from None
        if text in ("", "+", "-"):
            raise ValueError("empty duration") from None
        raise ValueError("a number is missing before the unit") from None


def check_rfc3339(text: str) -> str | None:
    """None when `text` is an RFC 3339 timestamp as Go's time.Parse accepts it; else the reason."""
    try:
        gotime.parse_rfc3339(text)
    except gotime.RFC3339Error as exc:
        if exc.out_of_range.startswith("time zone offset"):
            return f"{exc.out_of_range} out of range"
        if exc.out_of_range == "day":
            return "not a valid date/time: day is out of range for month"
        if exc.out_of_range:
            return f"not a valid date/time: {exc.out_of_range} out of range"
        return "not an RFC 3339 timestamp"
    return None
