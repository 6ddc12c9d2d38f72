"""Go's answers for time.ParseDuration and time.Parse(time.RFC3339, ...): one table.

tests/expr/test_expr_gotime.py checks every Python parser against it; tests/oracle checks the
table itself against Go's `time` when `go` is present. A value is nanoseconds (durations) or
(unix seconds, nanoseconds) (timestamps); a string is Go's error message.
"""

from __future__ import annotations

H = 3600 * 10**9
S = 10**9


def _dur_err(text: str) -> str:
    return f'time: invalid duration "{text}"'


DURATIONS: list[tuple[str, int | str]] = [
    ("0", 0),
    ("-0", 0),
    ("+0", 0),
    ("5s", 5 * S),
    ("1h30m", 5400 * S),
    ("1.5h", 5400 * S),
    (".5s", S // 2),
    ("5.s", 5 * S),
    ("-1m", -60 * S),
    ("+2h", 7200 * S),
    ("1h2m3s4ms5us6ns", 3723 * S + 4_005_006),
    ("3µs", 3000),
    ("3μs", 3000),
    ("0.1ns", 0),
    ("1.0000000000000000000000001s", S),
    ("0.3333333333333333333h", 1_200_000_000_000),
    ("2562047h47m16.854775807s", 2**63 - 1),
    ("9223372036854775807ns", 2**63 - 1),
    ("-9223372036854775808ns", -(2**63)),
    ("-2562047h47m16.854775808s", -(2**63)),
    ("9223372036854775808ns", _dur_err("9223372036854775808ns")),
    ("9223372036854775809ns", _dur_err("9223372036854775809ns")),
    ("-9223372036854775809ns", _dur_err("-9223372036854775809ns")),
    ("3000000h", _dur_err("3000000h")),
    ("2562048h", _dur_err("2562048h")),
    ("99999999999999999999ns", _dur_err("99999999999999999999ns")),
    ("2562047h48m", _dur_err("2562047h48m")),
    ("", _dur_err("")),
    ("-", _dur_err("-")),
    ("s", _dur_err("s")),
    (".s", _dur_err(".s")),
    ("1..5s", 'time: missing unit in duration "1..5s"'),
    (" 1s", _dur_err(" 1s")),
    ("1s ", 'time: unknown unit "s " in duration "1s "'),
    ("5", 'time: missing unit in duration "5"'),
    ("1h5", 'time: missing unit in duration "1h5"'),
    ("3d", 'time: unknown unit "d" in duration "3d"'),
    ("1 h", 'time: unknown unit " h" in duration "1 h"'),
    ("1H", 'time: unknown unit "H" in duration "1H"'),
    ("1µ", 'time: unknown unit "\\xc2\\xb5" in duration "1\\xc2\\xb5"'),
    ('1"s', 'time: unknown unit "\\"s" in duration "1\\"s"'),
    ("1s\n", 'time: unknown unit "s\\x0a" in duration "1s\\x0a"'),
    ("--1s", _dur_err("--1s")),
    ("+-1s", _dur_err("+-1s")),
]


def _ts_err(text: str, rest: str, elem: str) -> str:
    return (
        f'parsing time "{text}" as "2006-01-02T15:04:05Z07:00": cannot parse "{rest}" as "{elem}"'
    )


def _ts_range(text: str, what: str) -> str:
    return f'parsing time "{text}": {what} out of range'


TIMESTAMPS: list[tuple[str, tuple[int, int] | str]] = [
    ("2026-01-01T00:00:00Z", (1767225600, 0)),
    ("2026-01-31T09:00:00.123456789+02:00", (1769842800, 123456789)),
    ("2024-02-29T00:00:00-05:30", (1709184600, 0)),
    ("2026-01-01T00:00:00.5Z", (1767225600, 500_000_000)),
    ("2026-01-01T00:00:00,5Z", (1767225600, 500_000_000)),
    ("2026-01-01T00:00:00.1234567891Z", (1767225600, 123456789)),
    ("2026-01-01T1:00:00Z", (1767229200, 0)),
    ("2026-01-01T00:00:00+24:00", (1767139200, 0)),
    ("2026-01-01T00:00:00-00:60", (1767229200, 0)),
    ("0000-01-01T00:00:00Z", (-62167219200, 0)),
    ("9999-12-31T23:59:59Z", (253402300799, 0)),
    ("1970-01-01T00:00:00Z", (0, 0)),
    ("20260101T000000Z", _ts_err("20260101T000000Z", "0101T000000Z", "-")),
    ("2026-01-01t00:00:00Z", _ts_err("2026-01-01t00:00:00Z", "t00:00:00Z", "T")),
    ("2026-01-01T00:00:00z", _ts_err("2026-01-01T00:00:00z", "z", "Z07:00")),
    ("2026-01-01 00:00:00Z", _ts_err("2026-01-01 00:00:00Z", " 00:00:00Z", "T")),
    ("2026-01-01T00:00:00", _ts_err("2026-01-01T00:00:00", "", "Z07:00")),
    ("2026-01-01", _ts_err("2026-01-01", "", "T")),
    ("26-01-01T00:00:00Z", _ts_err("26-01-01T00:00:00Z", "26-01-01T00:00:00Z", "2006")),
    ("2026-1-01T00:00:00Z", _ts_err("2026-1-01T00:00:00Z", "1-01T00:00:00Z", "01")),
    ("2026-01-01T00:00:00+0100", _ts_err("2026-01-01T00:00:00+0100", "+0100", "Z07:00")),
    ("2026-01-01T00:00:00+01", _ts_err("2026-01-01T00:00:00+01", "+01", "Z07:00")),
    ("2026-01-01T00:00:00 01:00", _ts_err("2026-01-01T00:00:00 01:00", " 01:00", "Z07:00")),
    ("2026-01-01T00:00:60Z", _ts_range("2026-01-01T00:00:60Z", "second")),
    ("2026-01-01T24:00:00Z", _ts_range("2026-01-01T24:00:00Z", "hour")),
    ("2026-01-01T00:60:00Z", _ts_range("2026-01-01T00:60:00Z", "minute")),
    ("2026-13-01T00:00:00Z", _ts_range("2026-13-01T00:00:00Z", "month")),
    ("2026-00-01T00:00:00Z", _ts_range("2026-00-01T00:00:00Z", "month")),
    ("2025-02-29T00:00:00Z", _ts_range("2025-02-29T00:00:00Z", "day")),
    ("2026-01-00T00:00:00Z", _ts_range("2026-01-00T00:00:00Z", "day")),
    ("2026-01-32T00:00:00Z", _ts_range("2026-01-32T00:00:00Z", "day")),
    ("2026-01-01T00:00:00+25:00", _ts_range("2026-01-01T00:00:00+25:00", "time zone offset hour")),
    (
        "2026-01-01T00:00:00+01:61",
        _ts_range("2026-01-01T00:00:00+01:61", "time zone offset minute"),
    ),
    ("2026-01-01T00:00:00Zjunk", 'parsing time "2026-01-01T00:00:00Zjunk": extra text: "junk"'),
    ("2026-01-01T00:00:00.Z", _ts_err("2026-01-01T00:00:00.Z", ".Z", "Z07:00")),
    (
        "2026-01-01T00:00:00Zé",
        'parsing time "2026-01-01T00:00:00Z\\xc3\\xa9": extra text: "\\xc3\\xa9"',
    ),
    ("", _ts_err("", "", "2006")),
]
