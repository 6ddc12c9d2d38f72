"""Go ``time`` values for expr's date/now/duration/timezone builtins (layouts, methods)."""

from __future__ import annotations

import datetime as _dt
import time as _time
import zoneinfo
from typing import Any

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


def _quote(text: str) -> str:
    from orchctl.expr.gofmt import go_quote

    return go_quote(text)


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


def parse_duration(text: str) -> GoDuration:
    """time.ParseDuration with Go's error messages."""
    orig = text
    s = text
    neg = False
    if s and s[0] in "-+":
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return GoDuration(0)
    if s == "":
        raise TimeError(f"time: invalid duration {_quote(orig)}")
    total = 0
    while s:
        i = 0
        while i < len(s) and s[i].isdigit() and s[i].isascii():
            i += 1
        int_part = s[:i]
        s = s[i:]
        frac_part = ""
        if s.startswith("."):
            s = s[1:]
            j = 0
            while j < len(s) and s[j].isdigit() and s[j].isascii():
                j += 1
            frac_part = s[:j]
            s = s[j:]
        if not int_part and not frac_part:
            raise TimeError(f"time: invalid duration {_quote(orig)}")
        k = 0
        while k < len(s) and s[k] != "." and not (s[k].isdigit() and s[k].isascii()):
            k += 1
        if k == 0:
            raise TimeError(f"time: missing unit in duration {_quote(orig)}")
        unit_name = s[:k]
        s = s[k:]
        unit = _UNITS.get(unit_name)
        if unit is None:
            raise TimeError(f"time: unknown unit {_quote(unit_name)} in duration {_quote(orig)}")
        value = int(int_part or "0") * unit
        if frac_part:
            value += int(frac_part) * unit // (10 ** len(frac_part))
        total += value
        if total > _INT64_MAX + (1 if neg else 0):
            raise TimeError(f"time: invalid duration {_quote(orig)}")
    return GoDuration(-total if neg else total)


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
