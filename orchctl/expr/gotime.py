"""Go ``time`` values for expr's date/now/duration/timezone builtins (layouts, methods)."""

from __future__ import annotations

import datetime as _dt
import time as _time
import zoneinfo
from typing import Any

from orchctl.expr.goquote import time_quote as _quote

NS_PER_SECOND = 1_000_000_000
_UNITS = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,
    "\u03bcs": 1_000,
    "ms": 1_000_000,
    "s": NS_PER_SECOND,
    "m": 60 * NS_PER_SECOND,
    "h": 3600 * NS_PER_SECOND,
}
_INT64_MAX = (1 << 63) - 1
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


class TimeError(ValueError):
    """A Go time function returned an error (message is Go's)."""


class GoMonth(int):
    def go_string(self) -> str:
        return MONTHS[int(self) - 1] if 1 <= int(self) <= 12 else f"%!Month({int(self)})"


class GoWeekday(int):
    def go_string(self) -> str:
        return WEEKDAYS[int(self)] if 0 <= int(self) <= 6 else f"%!Weekday({int(self)})"


def _frac(value: int, prec: int) -> tuple[str, int]:
    digits = ""
    printed = False
    for _ in range(prec):
        digit = value % 10
        printed = printed or digit != 0
        if printed:
            digits = str(digit) + digits
        value //= 10
    return ("." + digits if printed else ""), value


class GoDuration:
    """time.Duration: an int64 count of nanoseconds."""

    __slots__ = ("ns",)

    def __init__(self, ns: int) -> None:
        self.ns = ns

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GoDuration) and other.ns == self.ns

    def __hash__(self) -> int:
        return hash(("dur", self.ns))

    def __repr__(self) -> str:
        return f"GoDuration({self.go_string()})"

    def go_string(self) -> str:
        u = abs(self.ns)
        neg = self.ns < 0
        if u == 0:
            return "0s"
        if u < NS_PER_SECOND:
            if u < 1_000:
                prec, unit = 0, "ns"
            elif u < 1_000_000:
                prec, unit = 3, "\u00b5s"
            else:
                prec, unit = 6, "ms"
            frac, u = _frac(u, prec)
            text = f"{u}{frac}{unit}"
        else:
            frac, u = _frac(u, 9)
            text = f"{u % 60}{frac}s"
            u //= 60
            if u > 0:
                text = f"{u % 60}m" + text
                u //= 60
                if u > 0:
                    text = f"{u}h" + text
        return "-" + text if neg else text

    def method(self, name: str) -> Any:
        ns = self.ns
        table: dict[str, Any] = {
            "Hours": lambda: ns / (3600 * NS_PER_SECOND),
            "Minutes": lambda: ns / (60 * NS_PER_SECOND),
            "Seconds": lambda: ns / NS_PER_SECOND,
            "Milliseconds": lambda: int(ns / 1_000_000),
            "Microseconds": lambda: int(ns / 1_000),
            "Nanoseconds": lambda: ns,
            "String": self.go_string,
            "Abs": lambda: GoDuration(abs(ns)),
            "Truncate": lambda m: GoDuration(ns if m.ns <= 0 else ns - int(ns % m.ns)),
            "Round": lambda m: GoDuration(_round_duration(ns, m.ns)),
        }
        return table.get(name)


def _round_duration(ns: int, m: int) -> int:
    if m <= 0:
        return ns
    r = abs(ns) % m
    if ns < 0:
        r = -r
        return ns - r - m if r + r < -m or r + r == -m else ns - r
    return ns - r + m if r + r >= m else ns - r


class DurationError(TimeError):
    """time.ParseDuration failed; ``reason`` says how (the message is Go's)."""

    def __init__(self, message: str, reason: str, unit: str = "") -> None:
        super().__init__(message)
        #: "invalid" (no number, or bad syntax), "overflow", "missing-unit", "unknown-unit"
        self.reason = reason
        self.unit = unit


_U64 = (1 << 64) - 1
_HALF = 1 << 63  # 1<<63, as Go's uint64 arithmetic in ParseDuration writes it


def _leading_int(s: str) -> tuple[int, str] | None:
    x = 0
    i = 0
    while i < len(s) and "0" <= s[i] <= "9":
        if x > _HALF // 10:
            return None
        x = x * 10 + ord(s[i]) - 48
        if x > _HALF:
            return None
        i += 1
    return x, s[i:]


def _leading_fraction(s: str) -> tuple[int, float, str]:
    x = 0
    scale = 1.0
    overflow = False
    i = 0
    while i < len(s) and "0" <= s[i] <= "9":
        if not overflow:
            if x > (_HALF - 1) // 10:
                overflow = True
            else:
                y = x * 10 + ord(s[i]) - 48
                if y > _HALF:
                    overflow = True
                else:
                    x = y
                    scale *= 10
        i += 1
    return x, scale, s[i:]


def parse_duration(text: str) -> GoDuration:
    """time.ParseDuration, ported line by line (uint64 arithmetic, float64 fractions)."""
    orig = text
    s = text
    d = 0
    neg = False

    def invalid(reason: str = "invalid") -> DurationError:
        return DurationError(f"time: invalid duration {_quote(orig)}", reason)

    if s and s[0] in "-+":
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return GoDuration(0)
    if s == "":
        raise invalid()
    while s:
        if not (s[0] == "." or "0" <= s[0] <= "9"):
            raise invalid()
        before = len(s)
        leading = _leading_int(s)
        if leading is None:
            raise invalid("overflow")
        v, s = leading
        pre = before != len(s)
        f, scale, post = 0, 1.0, False
        if s and s[0] == ".":
            s = s[1:]
            before = len(s)
            f, scale, s = _leading_fraction(s)
            post = before != len(s)
        if not pre and not post:
            raise invalid()
        i = 0
        while i < len(s) and not (s[i] == "." or "0" <= s[i] <= "9"):
            i += 1
        if i == 0:
            raise DurationError(f"time: missing unit in duration {_quote(orig)}", "missing-unit")
        name, s = s[:i], s[i:]
        unit = _UNITS.get(name)
        if unit is None:
            raise DurationError(
                f"time: unknown unit {_quote(name)} in duration {_quote(orig)}",
                "unknown-unit",
                name,
            )
        if v > _HALF // unit:
            raise invalid("overflow")
        v *= unit
        if f > 0:
            v += int(float(f) * (float(unit) / scale))
            if v > _HALF:
                raise invalid("overflow")
        d = (d + v) & _U64  # Go's uint64 addition wraps
        if d > _HALF:
            raise invalid("overflow")
    if neg:
        return GoDuration(-d if d <= _HALF else _U64 + 1 - d)
    if d > _HALF - 1:
        raise invalid("overflow")
    return GoDuration(d)


class GoLocation:
    """*time.Location."""

    __slots__ = ("name", "offset", "tz")

    def __init__(self, name: str, tz: _dt.tzinfo, offset: int | None = None) -> None:
        self.name = name
        self.tz = tz
        self.offset = offset  # fixed zones only

    def go_string(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"GoLocation({self.name!r})"

    def method(self, name: str) -> Any:
        if name == "String":
            return self.go_string
        return None


UTC = GoLocation("UTC", _dt.UTC, 0)


def fixed_zone(name: str, offset: int) -> GoLocation:
    return GoLocation(name, _dt.timezone(_dt.timedelta(seconds=offset)), offset)


def load_location(name: str) -> GoLocation:
    if name in ("", "UTC"):
        return UTC
    if name == "Local":
        return GoLocation("Local", _dt.UTC, 0)
    try:
        return GoLocation(name, zoneinfo.ZoneInfo(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise TimeError(f"unknown time zone {name}") from None


class GoTime:
    """time.Time: seconds since the epoch, nanoseconds and a location."""

    __slots__ = ("loc", "nsec", "sec")

    def __init__(self, sec: int, nsec: int, loc: GoLocation) -> None:
        self.sec = sec
        self.nsec = nsec
        self.loc = loc

    @classmethod
    def now(cls) -> GoTime:
        ns = _time.time_ns()
        return cls(ns // NS_PER_SECOND, ns % NS_PER_SECOND, UTC)

    def total_ns(self) -> int:
        return self.sec * NS_PER_SECOND + self.nsec

    def wall(self) -> _dt.datetime:
        return (_EPOCH + _dt.timedelta(seconds=self.sec)).astimezone(self.loc.tz)

    def offset(self) -> int:
        off = self.wall().utcoffset()
        return int(off.total_seconds()) if off is not None else 0

    def zone_name(self) -> str:
        if self.loc.offset is not None:
            return self.loc.name
        return self.wall().tzname() or ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GoTime) and other.total_ns() == self.total_ns()

    def __hash__(self) -> int:
        return hash(("time", self.total_ns()))

    def __repr__(self) -> str:
        return f"GoTime({self.go_string()})"

    def go_string(self) -> str:
        return self.format("2006-01-02 15:04:05.999999999 -0700 MST")

    def format(self, layout: str) -> str:
        return format_time(self, layout)

    def add_ns(self, ns: int) -> GoTime:
        total = self.total_ns() + ns
        return GoTime(total // NS_PER_SECOND, total % NS_PER_SECOND, self.loc)

    def method(self, name: str) -> Any:
        wall = self.wall

        def add_date(years: Any, months: Any, days: Any) -> GoTime:
            w = wall()
            month_index = w.month - 1 + int(months)
            year = w.year + int(years) + month_index // 12
            month = month_index % 12 + 1
            base = _dt.datetime(year, month, 1, w.hour, w.minute, w.second, tzinfo=w.tzinfo)
            moved = base + _dt.timedelta(days=w.day - 1 + int(days))
            secs = int((moved - _EPOCH).total_seconds())
            return GoTime(secs, self.nsec, self.loc)

        table: dict[str, Any] = {
            "Format": self.format,
            "String": self.go_string,
            "Year": lambda: wall().year,
            "Month": lambda: GoMonth(wall().month),
            "Day": lambda: wall().day,
            "Hour": lambda: wall().hour,
            "Minute": lambda: wall().minute,
            "Second": lambda: wall().second,
            "Nanosecond": lambda: self.nsec,
            "YearDay": lambda: wall().timetuple().tm_yday,
            "Weekday": lambda: GoWeekday((wall().weekday() + 1) % 7),
            "Unix": lambda: self.sec,
            "UnixMilli": lambda: self.total_ns() // 1_000_000,
            "UnixMicro": lambda: self.total_ns() // 1_000,
            "UnixNano": self.total_ns,
            "UTC": lambda: GoTime(self.sec, self.nsec, UTC),
            "Local": lambda: GoTime(self.sec, self.nsec, UTC),
            "In": lambda loc: GoTime(self.sec, self.nsec, loc),
            "Location": lambda: self.loc,
            "Add": lambda d: self.add_ns(d.ns),
            "Sub": lambda t: GoDuration(self.total_ns() - t.total_ns()),
            "AddDate": add_date,
            "Before": lambda t: self.total_ns() < t.total_ns(),
            "After": lambda t: self.total_ns() > t.total_ns(),
            "Equal": lambda t: self.total_ns() == t.total_ns(),
            "Compare": lambda t: (
                (self.total_ns() > t.total_ns()) - (self.total_ns() < t.total_ns())
            ),
            "IsZero": lambda: self.sec == -62135596800 and self.nsec == 0,
            "Truncate": lambda d: self.add_ns(-(self.total_ns() % d.ns) if d.ns > 0 else 0),
        }
        return table.get(name)


# --- layouts ---

_STD_WORDS = [
    ("January", "LongMonth"),
    ("Jan", "Month"),
    ("Monday", "LongWeekDay"),
    ("Mon", "WeekDay"),
    ("MST", "TZ"),
    ("2006", "LongYear"),
    ("002", "ZeroYearDay"),
    ("01", "ZeroMonth"),
    ("02", "ZeroDay"),
    ("03", "ZeroHour12"),
    ("04", "ZeroMinute"),
    ("05", "ZeroSecond"),
    ("06", "Year"),
    ("15", "Hour"),
    ("__2", "UnderYearDay"),
    ("_2", "UnderDay"),
    ("1", "NumMonth"),
    ("2", "Day"),
    ("3", "Hour12"),
    ("4", "Minute"),
    ("5", "Second"),
    ("PM", "PM"),
    ("pm", "pm"),
    ("-07:00:00", "NumColonSecondsTZ"),
    ("-070000", "NumSecondsTz"),
    ("-07:00", "NumColonTZ"),
    ("-0700", "NumTZ"),
    ("-07", "NumShortTZ"),
    ("Z07:00:00", "ISO8601ColonSecondsTZ"),
    ("Z070000", "ISO8601SecondsTZ"),
    ("Z07:00", "ISO8601ColonTZ"),
    ("Z0700", "ISO8601TZ"),
    ("Z07", "ISO8601ShortTZ"),
]


def _layout_chunks(layout: str) -> list[tuple[str, str]]:
    """Split a Go layout into (kind, text); kind "" is literal text."""
    chunks: list[tuple[str, str]] = []
    literal: list[str] = []
    i = 0
    n = len(layout)
    while i < n:
        ch = layout[i]
        if ch in ".," and i + 1 < n and layout[i + 1] in "09":
            digit = layout[i + 1]
            j = i + 1
            while j < n and layout[j] == digit:
                j += 1
            if not (j < n and layout[j].isdigit()):
                if literal:
                    chunks.append(("", "".join(literal)))
                    literal = []
                chunks.append(("Frac0" if digit == "0" else "Frac9", layout[i:j]))
                i = j
                continue
        matched = False
        for word, kind in _STD_WORDS:
            if layout.startswith(word, i):
                if literal:
                    chunks.append(("", "".join(literal)))
                    literal = []
                chunks.append((kind, word))
                i += len(word)
                matched = True
                break
        if not matched:
            literal.append(ch)
            i += 1
    if literal:
        chunks.append(("", "".join(literal)))
    return chunks


def _tz_text(offset: int, kind: str) -> str:
    if kind.startswith("ISO8601") and offset == 0:
        return "Z"
    sign = "-" if offset < 0 else "+"
    off = abs(offset)
    hh, mm, ss = off // 3600, off // 60 % 60, off % 60
    if kind in ("NumShortTZ", "ISO8601ShortTZ"):
        return f"{sign}{hh:02d}"
    if kind in ("NumColonTZ", "ISO8601ColonTZ"):
        return f"{sign}{hh:02d}:{mm:02d}"
    if kind in ("NumColonSecondsTZ", "ISO8601ColonSecondsTZ"):
        return f"{sign}{hh:02d}:{mm:02d}:{ss:02d}"
    if kind in ("NumSecondsTz", "ISO8601SecondsTZ"):
        return f"{sign}{hh:02d}{mm:02d}{ss:02d}"
    return f"{sign}{hh:02d}{mm:02d}"


def format_time(t: GoTime, layout: str) -> str:
    w = t.wall()
    out: list[str] = []
    for kind, text in _layout_chunks(layout):
        if kind == "":
            out.append(text)
        elif kind == "LongMonth":
            out.append(MONTHS[w.month - 1])
        elif kind == "Month":
            out.append(MONTHS[w.month - 1][:3])
        elif kind == "LongWeekDay":
            out.append(WEEKDAYS[(w.weekday() + 1) % 7])
        elif kind == "WeekDay":
            out.append(WEEKDAYS[(w.weekday() + 1) % 7][:3])
        elif kind == "TZ":
            name = t.zone_name()
            out.append(name if name else _tz_text(t.offset(), "NumTZ"))
        elif kind == "LongYear":
            out.append(f"{w.year:04d}")
        elif kind == "Year":
            out.append(f"{w.year % 100:02d}")
        elif kind == "ZeroYearDay":
            out.append(f"{w.timetuple().tm_yday:03d}")
        elif kind == "UnderYearDay":
            out.append(f"{w.timetuple().tm_yday:>3d}")
        elif kind == "ZeroMonth":
            out.append(f"{w.month:02d}")
        elif kind == "NumMonth":
            out.append(str(w.month))
        elif kind == "ZeroDay":
            out.append(f"{w.day:02d}")
        elif kind == "UnderDay":
            out.append(f"{w.day:>2d}")
        elif kind == "Day":
            out.append(str(w.day))
        elif kind == "Hour":
            out.append(f"{w.hour:02d}")
        elif kind in ("ZeroHour12", "Hour12"):
            hour = w.hour % 12 or 12
            out.append(f"{hour:02d}" if kind == "ZeroHour12" else str(hour))
        elif kind == "ZeroMinute":
            out.append(f"{w.minute:02d}")
        elif kind == "Minute":
            out.append(str(w.minute))
        elif kind == "ZeroSecond":
            out.append(f"{w.second:02d}")
        elif kind == "Second":
            out.append(str(w.second))
        elif kind == "PM":
            out.append("PM" if w.hour >= 12 else "AM")
        elif kind == "pm":
            out.append("pm" if w.hour >= 12 else "am")
        elif kind in ("Frac0", "Frac9"):
            digits = len(text) - 1
            frac = f"{t.nsec:09d}"[:digits]
            if kind == "Frac9":
                frac = frac.rstrip("0")
                if frac:
                    out.append(text[0] + frac)
            else:
                out.append(text[0] + frac)
        else:
            out.append(_tz_text(t.offset(), kind))
    return "".join(out)


class _ParseFail(Exception):
    def __init__(self, value: str, elem: str, extra: str = "") -> None:
        super().__init__(value)
        self.value = value
        self.elem = elem
        self.extra = extra


def _getnum(value: str, fixed: bool, maxlen: int = 2) -> tuple[int, str]:
    i = 0
    while i < len(value) and i < maxlen and value[i].isascii() and value[i].isdigit():
        i += 1
    if i == 0 or (fixed and i != maxlen):
        raise ValueError
    return int(value[:i]), value[i:]


def _lookup(names: list[str], value: str) -> tuple[int, str]:
    for index, name in enumerate(names):
        if len(value) >= len(name) and value[: len(name)].lower() == name.lower():
            return index, value[len(name) :]
    raise ValueError


def parse_time(layout: str, value: str, default_loc: GoLocation) -> GoTime:
    """time.ParseInLocation with Go's layout semantics and error texts."""
    orig = value
    year, month, day = 1, 1, 1
    hour = minute = second = nsec = 0
    pm_set = am_set = False
    offset: int | None = None
    zone_name: str | None = None
    chunks = _layout_chunks(layout)
    for index, (kind, text) in enumerate(chunks):
        if kind == "":
            if not value.startswith(text):
                raise TimeError(
                    f"parsing time {_quote(orig)} as {_quote(layout)}: cannot parse "
                    f"{_quote(value)} as {_quote(text)}"
                )
            value = value[len(text) :]
            continue
        before = value
        try:
            if kind == "LongYear":
                if len(value) < 4 or not value[:4].isdigit():
                    raise ValueError
                year, value = int(value[:4]), value[4:]
            elif kind == "Year":
                num, value = _getnum(value, True)
                year = num + (1900 if num >= 69 else 2000)
            elif kind in ("LongMonth", "Month"):
                names = MONTHS if kind == "LongMonth" else [m[:3] for m in MONTHS]
                idx, value = _lookup(names, value)
                month = idx + 1
            elif kind in ("ZeroMonth", "NumMonth"):
                month, value = _getnum(value, kind == "ZeroMonth")
                if not 1 <= month <= 12:
                    raise _ParseFail(before, text, ": month out of range")
            elif kind in ("LongWeekDay", "WeekDay"):
                names = WEEKDAYS if kind == "LongWeekDay" else [d[:3] for d in WEEKDAYS]
                _, value = _lookup(names, value)
            elif kind in ("ZeroDay", "Day", "UnderDay"):
                if kind == "UnderDay" and value.startswith(" "):
                    value = value[1:]
                day, value = _getnum(value, kind == "ZeroDay")
            elif kind in ("ZeroYearDay", "UnderYearDay"):
                _, value = _getnum(value.lstrip(" "), kind == "ZeroYearDay", 3)
            elif kind == "Hour":
                hour, value = _getnum(value, False)
                if hour > 23:
                    raise _ParseFail(before, text, ": hour out of range")
            elif kind in ("ZeroHour12", "Hour12"):
                hour, value = _getnum(value, kind == "ZeroHour12")
                if hour > 12:
                    raise _ParseFail(before, text, ": hour out of range")
            elif kind in ("ZeroMinute", "Minute"):
                minute, value = _getnum(value, kind == "ZeroMinute")
                if minute > 59:
                    raise _ParseFail(before, text, ": minute out of range")
            elif kind in ("ZeroSecond", "Second"):
                second, value = _getnum(value, kind == "ZeroSecond")
                if second > 59:
                    raise _ParseFail(before, text, ": second out of range")
                next_kind = chunks[index + 1][0] if index + 1 < len(chunks) else ""
                if (
                    len(value) >= 2
                    and value[0] in ".,"
                    and value[1].isdigit()
                    and next_kind not in ("Frac0", "Frac9")
                ):
                    j = 1
                    while j < len(value) and value[j].isascii() and value[j].isdigit():
                        j += 1
                    nsec = int((value[1:j] + "000000000")[:9])
                    value = value[j:]
            elif kind == "PM" or kind == "pm":
                head = value[:2].upper()
                if head == "PM":
                    pm_set = True
                elif head == "AM":
                    am_set = True
                else:
                    raise ValueError
                value = value[2:]
            elif kind == "TZ":
                if value.startswith("UTC"):
                    zone_name, offset, value = "UTC", 0, value[3:]
                else:
                    j = 0
                    while j < len(value) and value[j].isascii() and value[j].isupper():
                        j += 1
                    if j < 3:
                        raise ValueError
                    zone_name, value = value[:j], value[j:]
            elif kind in ("Frac0", "Frac9"):
                if kind == "Frac0":
                    ndigit = len(text)
                    if len(value) < ndigit or value[0] not in ".,":
                        raise ValueError
                    digits = value[1:ndigit]
                    if not digits.isdigit():
                        raise ValueError
                    nsec = int((digits + "000000000")[:9])
                    value = value[ndigit:]
                elif len(value) >= 2 and value[0] in ".," and value[1].isdigit():
                    j = 1
                    while j < len(value) and value[j].isascii() and value[j].isdigit():
                        j += 1
                    nsec = int((value[1:j] + "000000000")[:9])
                    value = value[j:]
            else:  # numeric zones
                if kind.startswith("ISO8601") and value.startswith("Z"):
                    value = value[1:]
                    offset, zone_name = 0, "UTC"
                else:
                    if not value or value[0] not in "+-":
                        raise ValueError
                    sign = -1 if value[0] == "-" else 1
                    rest = value[1:]
                    colon = "Colon" in kind
                    hh, rest = _getnum(rest, True)
                    mm = ss = 0
                    if "Short" not in kind:
                        if colon:
                            if not rest.startswith(":"):
                                raise ValueError
                            rest = rest[1:]
                        mm, rest = _getnum(rest, True)
                        if "Seconds" in kind:
                            if colon:
                                if not rest.startswith(":"):
                                    raise ValueError
                                rest = rest[1:]
                            ss, rest = _getnum(rest, True)
                    offset = sign * (hh * 3600 + mm * 60 + ss)
                    value = rest
        except ValueError:
            raise TimeError(
                f"parsing time {_quote(orig)} as {_quote(layout)}: cannot parse "
                f"{_quote(before)} as {_quote(text)}"
            ) from None
        except _ParseFail as fail:
            raise TimeError(f"parsing time {_quote(orig)}{fail.extra}") from None
    if value:
        raise TimeError(f"parsing time {_quote(orig)}: extra text: {_quote(value)}")
    if pm_set and hour < 12:
        hour += 12
    elif am_set and hour == 12:
        hour = 0
    try:
        naive = _dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise TimeError(f"parsing time {_quote(orig)}: day out of range") from None
    if offset is not None:
        utc_secs = int((naive.replace(tzinfo=_dt.UTC) - _EPOCH).total_seconds()) - offset
        candidate = GoTime(utc_secs, nsec, default_loc)
        if zone_name == "UTC" and offset == 0:
            return GoTime(utc_secs, nsec, UTC)
        if candidate.offset() == offset:
            return candidate
        return GoTime(utc_secs, nsec, fixed_zone(zone_name or "", offset))
    if zone_name is not None:
        local = naive.replace(tzinfo=default_loc.tz)
        secs = int((local - _EPOCH).total_seconds())
        t = GoTime(secs, nsec, default_loc)
        if t.zone_name() == zone_name:
            return t
        utc_secs = int((naive.replace(tzinfo=_dt.UTC) - _EPOCH).total_seconds())
        return GoTime(utc_secs, nsec, fixed_zone(zone_name, 0))
    local = naive.replace(tzinfo=default_loc.tz)
    return GoTime(int((local - _EPOCH).total_seconds()), nsec, default_loc)


DEFAULT_LAYOUTS = [
    "2006-01-02",
    "15:04:05",
    "2006-01-02 15:04:05",
    "2006-01-02T15:04:05Z07:00",
    "02 Jan 06 15:04 MST",
    "Monday, 02-Jan-06 15:04:05 MST",
    "Mon, 02 Jan 2006 15:04:05 MST",
]


# --- time.Parse(time.RFC3339, value) ---

RFC3339 = "2006-01-02T15:04:05Z07:00"
# The layout's chunks as Go's nextStdChunk splits it: (literal prefix, std element).
_RFC3339_CHUNKS = (
    ("", "2006"),
    ("-", "01"),
    ("-", "02"),
    ("T", "15"),
    (":", "04"),
    (":", "05"),
    ("", "Z07:00"),
)


class RFC3339Error(TimeError):
    """time.Parse(time.RFC3339, ...) failed; ``out_of_range`` names the field, if that was it."""

    def __init__(self, message: str, out_of_range: str = "") -> None:
        super().__init__(message)
        self.out_of_range = out_of_range


def _bq(raw: bytes) -> str:
    return _quote(raw.decode("utf-8", "surrogateescape"))


def _digit_b(b: bytes, i: int) -> bool:
    return len(b) > i and 48 <= b[i] <= 57


def _getnum_b(b: bytes, fixed: bool) -> tuple[int, bytes] | None:
    if not _digit_b(b, 0):
        return None
    if not _digit_b(b, 1):
        if fixed:
            return None
        return b[0] - 48, b[1:]
    return (b[0] - 48) * 10 + b[1] - 48, b[2:]


def _days_in(month: int, year: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar (any year, year 0 included)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def parse_rfc3339(value: str) -> GoTime:
    """time.Parse(time.RFC3339, value): Go's answers and error texts, byte for byte.

    Go's fast path (parseRFC3339) accepts a subset of what the general layout parser accepts,
    with the same instant; errors always come from the general parser, which is ported here.
    """
    whole = value.encode("utf-8", "surrogateescape")
    rest = whole

    def fail(elem: str, at: bytes) -> RFC3339Error:
        return RFC3339Error(
            f"parsing time {_bq(whole)} as {_quote(RFC3339)}: cannot parse {_bq(at)} as "
            f"{_quote(elem)}"
        )

    def out_of_range(what: str) -> RFC3339Error:
        return RFC3339Error(f"parsing time {_bq(whole)}: {what} out of range", what)

    year = month = day = hour = minute = second = nsec = 0
    offset: int | None = None
    for prefix, std in _RFC3339_CHUNKS:
        if prefix:
            if not rest or rest[0] != ord(prefix):
                raise fail(prefix, rest)
            rest = rest[1:]
        hold = rest
        if std == "2006":
            if len(rest) < 4 or not all(48 <= c <= 57 for c in rest[:4]):
                raise fail(std, hold)
            year, rest = int(rest[:4]), rest[4:]
            continue
        if std == "Z07:00":
            if rest[:1] == b"Z":
                rest = rest[1:]
                offset = 0
                continue
            if len(rest) < 6 or rest[3] != ord(":"):
                raise fail(std, hold)
            sign, hh, mm, rest = rest[:1], rest[1:3], rest[4:6], rest[6:]
            hr_num = _getnum_b(hh, True)
            mm_num = _getnum_b(mm, True) if hr_num is not None else None
            hr = hr_num[0] if hr_num is not None else 0
            mins = mm_num[0] if mm_num is not None else 0
            what = ""
            if hr > 24:
                what = "time zone offset hour"
            if mins > 60:
                what = "time zone offset minute"
            if what:
                raise out_of_range(what)
            if hr_num is None or mm_num is None or sign not in (b"+", b"-"):
                raise fail(std, hold)
            offset = (hr * 60 + mins) * 60 * (-1 if sign == b"-" else 1)
            continue
        num = _getnum_b(rest, std != "15")
        if num is None:
            raise fail(std, hold)
        n, rest = num
        if std == "01":
            month = n
            if not 1 <= month <= 12:
                raise out_of_range("month")
        elif std == "02":
            day = n
        elif std == "15":
            hour = n
            if hour >= 24:
                raise out_of_range("hour")
        elif std == "04":
            minute = n
            if minute >= 60:
                raise out_of_range("minute")
        else:
            second = n
            if second >= 60:
                raise out_of_range("second")
            if len(rest) >= 2 and rest[0] in b".," and _digit_b(rest, 1):
                end = 2
                while end < len(rest) and _digit_b(rest, end):
                    end += 1
                nsec = int(rest[1 : min(end, 10)].decode())
                nsec *= 10 ** (10 - min(end, 10))
                rest = rest[end:]
    if rest:
        raise RFC3339Error(f"parsing time {_bq(whole)}: extra text: {_bq(rest)}")
    if day < 1 or day > _days_in(month, year):
        raise out_of_range("day")
    assert offset is not None
    secs = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
    if offset == 0:
        loc = UTC
    elif abs(offset) < 86400:
        loc = fixed_zone("", offset)
    else:  # Go allows offsets up to 24:60; Python's tzinfo stops short of a day
        loc = GoLocation("", _dt.UTC, offset)
    return GoTime(secs - offset, nsec, loc)


def to_datetime(t: GoTime) -> _dt.datetime:
    """The instant as an aware UTC datetime (microseconds); clamped to datetime's year range."""
    try:
        return _EPOCH + _dt.timedelta(seconds=t.sec, microseconds=t.nsec // 1000)
    except OverflowError:
        return (
            _dt.datetime.min.replace(tzinfo=_dt.UTC)
            if t.sec < 0
            else _dt.datetime.max.replace(tzinfo=_dt.UTC)
        )
