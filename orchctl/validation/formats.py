"""Value formats the server parses at run time: Go durations and RFC 3339 timestamps."""

from __future__ import annotations

import re
from datetime import datetime

_UNITS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000}
_UNITS.update({"s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9})
_NUMBER = re.compile(r"([0-9]*)(?:\.([0-9]*))?")
_UNIT = re.compile(r"[^0-9.]*")
_MAX_NS = 2**63 - 1


def parse_go_duration(text: str) -> int:
    """Nanoseconds of a Go duration string (time.ParseDuration); ValueError with a reason."""
    s = text
    sign = 1
    if s and s[0] in "+-":
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise ValueError("empty duration")
    total = 0
    pos = 0
    while pos < len(s):
        number = _NUMBER.match(s, pos)
        assert number is not None  # the pattern matches the empty string
        whole, frac = number.group(1), number.group(2)
        if not whole and not frac:
            raise ValueError("a number is missing before the unit")
        unit_match = _UNIT.match(s, number.end())
        assert unit_match is not None
        unit = unit_match.group(0)
        if not unit:
            raise ValueError("missing unit")
        if unit not in _UNITS:
            raise ValueError(f"unknown unit {unit!r} (use ns, us, ms, s, m, h)")
        scale = _UNITS[unit]
        total += int(whole or "0") * scale
        if frac:
            total += int(frac) * scale // 10 ** len(frac)
        if total > _MAX_NS:
            raise ValueError("duration is too large")
        pos = unit_match.end()
    return sign * total


_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
)


def check_rfc3339(text: str) -> str | None:
    """None when `text` is an RFC 3339 timestamp as Go parses it; else the reason."""
    match = _RFC3339.match(text)
    if match is None:
        return "not an RFC 3339 timestamp"
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    try:
        datetime(year, month, day, hour, minute, 59 if second == 60 else second)
    except ValueError as exc:
        return f"not a valid date/time: {exc}"
    zone = match.group(8)
    if zone != "Z" and (int(zone[1:3]) > 23 or int(zone[4:6]) > 59):
        return "time zone offset out of range"
    return None
