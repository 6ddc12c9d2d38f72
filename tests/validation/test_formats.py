"""Go durations (time.ParseDuration) and RFC 3339 timestamps (time.RFC3339)."""

from __future__ import annotations

import pytest

from orchctl.validation.formats import check_rfc3339, parse_go_duration

S = 10**9


@pytest.mark.parametrize(
    ("text", "nanos"),
    [
        ("0", 0),
        ("5s", 5 * S),
        ("30s", 30 * S),
        ("1h30m", 5400 * S),
        ("1.5h", 5400 * S),
        (".5s", S // 2),
        ("5.s", 5 * S),
        ("-1m", -60 * S),
        ("+2h", 7200 * S),
        ("1h2m3s4ms5us6ns", 3723 * S + 4_005_006),
        ("3µs", 3000),
        ("72h", 72 * 3600 * S),
        ("-9223372036854775808ns", -(2**63)),
    ],
)
def test_go_durations(text: str, nanos: int) -> None:
    assert parse_go_duration(text) == nanos


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty duration"),
        ("3d", "unknown unit 'd' (use ns, us, ms, s, m, h)"),
        ("5", "missing unit"),
        ("1h5", "missing unit"),
        (".s", "a number is missing before the unit"),
        ("1 h", "unknown unit ' h' (use ns, us, ms, s, m, h)"),
        ("s", "a number is missing before the unit"),
        ("3000000h", "duration is too large"),
        ("9223372036854775808ns", "duration is too large"),
        ("1..5s", "missing unit"),
    ],
)
def test_invalid_go_durations(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=f"^{reason.replace('(', '.').replace(')', '.')}$"):
        parse_go_duration(text)


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-31T09:00:00Z",
        "2026-01-31T09:00:00.123456789+02:00",
        "2024-02-29T00:00:00-05:30",
        # Go's time.Parse(time.RFC3339) takes these too (its general layout parser).
        "2026-01-31T9:00:00Z",
        "2026-01-31T09:00:00,5Z",
        "2026-01-31T09:00:00+24:00",
    ],
)
def test_rfc3339_valid(text: str) -> None:
    assert check_rfc3339(text) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-01-31", "not an RFC 3339 timestamp"),
        ("2026-01-31 09:00:00Z", "not an RFC 3339 timestamp"),
        ("2026-01-31T09:00:00", "not an RFC 3339 timestamp"),
        ("2026-01-31t09:00:00z", "not an RFC 3339 timestamp"),
        ("20260101T000000Z", "not an RFC 3339 timestamp"),
        ("2026-01-31T09:00:00Z ", "not an RFC 3339 timestamp"),
        ("2025-02-29T00:00:00Z", "not a valid date/time: day is out of range for month"),
        ("2026-01-31T24:00:00Z", "not a valid date/time: hour out of range"),
        ("2016-12-31T23:59:60Z", "not a valid date/time: second out of range"),
        ("2026-01-31T09:00:00+25:00", "time zone offset hour out of range"),
        ("2026-01-31T09:00:00+01:61", "time zone offset minute out of range"),
    ],
)
def test_rfc3339_invalid(text: str, reason: str) -> None:
    assert check_rfc3339(text) == reason
