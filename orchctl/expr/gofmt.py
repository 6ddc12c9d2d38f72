"""Go-compatible text forms: fmt's %v, strconv.Quote, encoding/json, and Formance's var strings."""

from __future__ import annotations

import math
from typing import Any

from orchctl.expr.gostr import as_text, go_bytes
from orchctl.expr.gotime import UTC, GoDuration, GoLocation, GoTime
from orchctl.expr.values import GoAnyMap, GoNilList, is_list, is_map, type_name

MAX_FORMAT_DEPTH = 200


def _digits(value: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of abs(value) and the decimal point position."""
    text = repr(abs(value))
    if "e" in text:
        mantissa, exp_text = text.split("e")
        exponent = int(exp_text)
    else:
        mantissa, exponent = text, 0
    if "." in mantissa:
        int_part, frac_part = mantissa.split(".")
    else:
        int_part, frac_part = mantissa, ""
    raw = int_part + frac_part
    stripped = raw.lstrip("0")
    leading = len(raw) - len(stripped)
    digits = stripped.rstrip("0")
    if not digits:
        return "", 0
    return digits, len(int_part) + exponent - leading


def _fixed(digits: str, point: int) -> str:
    if not digits:
        return "0"
    if point <= 0:
        return "0." + "0" * (-point) + digits
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    return digits[:point] + "." + digits[point:]


def _exponent(digits: str, point: int, *, json_style: bool) -> str:
    exp = point - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    sign = "-" if exp < 0 else "+"
    exp_digits = str(abs(exp))
    if len(exp_digits) < 2 and not (json_style and exp < 0):
        exp_digits = "0" + exp_digits
    return f"{mantissa}e{sign}{exp_digits}"


def _non_finite(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "+Inf" if value > 0 else "-Inf"


def format_float_v(value: float) -> str:
    """Go's fmt %v for a float64: strconv.FormatFloat(v, 'g', -1, 64).

    With the shortest precision, 'g' switches to the exponent form when the decimal exponent
    is below -4 or at least 6 (ftoa.go: "if precision was the shortest possible, use
    precision 6 for this decision"): 999999 -> "999999", 1e6 -> "1e+06",
    2500000 -> "2.5e+06". Only encoding/json waits until 1e21.
    """
    if not math.isfinite(value):
        return _non_finite(value)
    neg = math.copysign(1.0, value) < 0
    digits, point = _digits(value)
    if not digits:
        return "-0" if neg else "0"
    exp = point - 1
    text = (
        _exponent(digits, point, json_style=False)
        if exp < -4 or exp >= 6
        else _fixed(digits, point)
    )
    return "-" + text if neg else text


def format_float_json(value: float) -> str:
    """encoding/json's float64 form ('f' unless abs < 1e-6 or >= 1e21; e-07 cleaned to e-7)."""
    if not math.isfinite(value):
        raise ValueError(f"json: unsupported value: {_non_finite(value)}")
    neg = math.copysign(1.0, value) < 0
    digits, point = _digits(value)
    if not digits:
        return "-0" if neg else "0"
    absolute = abs(value)
    if absolute < 1e-6 or absolute >= 1e21:
        text = _exponent(digits, point, json_style=True)
    else:
        text = _fixed(digits, point)
    return "-" + text if neg else text


# fmt prints a map's keys sorted by internal/fmtsort: values of one type by value (numbers
# numerically with NaN first, strings bytewise, false before true, structs field by field,
# pointers by address), keys of an interface type first by the *address of the type
# descriptor* of their dynamic type (fmtsort compares reflect.ValueOf(key.Type()), a pointer),
# nil first. The addresses are fixed when the Go program is linked: cmd/link lays the type
# descriptors out sorted by size, then by symbol index (ld/data.go dodataSect). The basic
# types' descriptors are all one size and are emitted only when the toolchain compiles package
# runtime (cmd/compile reflectdata.WriteBasicTypes), so their order is runtime's, whatever the
# program; time's named types have methods, so larger descriptors, after every basic type,
# ordered by their size (method count) and then by package time's own symbol order. So the
# order is a property of the Go toolchain, not of the program: the same in Formance's binary
# (go 1.26, flows' go.mod) as in tests/oracle built with expr v1.17.7 or v1.16.9 and in a
# small program of its own, checked with go1.26.8, go1.26.0 and go1.24.13 on linux/amd64.
# Measured with the oracle:
_GO_TYPE_ORDER = {
    "<nil>": 0,
    "string": 1,
    "uint8": 2,
    "int64": 3,
    "int": 4,
    "float64": 5,
    "bool": 6,
    "time.Month": 7,
    "time.Weekday": 8,
    "*time.Location": 9,
    "time.Duration": 10,
    "time.Time": 11,
}


def _key_rank(key: Any) -> tuple[Any, ...]:
    """fmtsort's order of a map key (as the key of a map[interface{}] or of its own type)."""
    t = type(key)
    if t is str:
        return (1, go_bytes(key))
    if t is float:
        return (5, 0, 0.0) if math.isnan(key) else (5, 1, key)
    if t is int:
        return (4, key)
    name = type_name(key)
    rank = _GO_TYPE_ORDER.get(name, len(_GO_TYPE_ORDER))
    if isinstance(key, GoTime):  # struct fields: wall (nsec here), ext (seconds), loc (nil first)
        return (rank, key.nsec, key.sec, key.loc is not UTC)
    if isinstance(key, GoDuration):
        return (rank, key.ns)
    if isinstance(key, int):  # bool, uint8, time.Month, time.Weekday
        return (rank, int(key))
    return (rank,)  # nil; a *time.Location compares by an address orchctl cannot know


def sorted_items(mapping: dict[Any, Any]) -> list[tuple[Any, Any]]:
    """A map's items in the order fmt prints them."""
    return sorted(mapping.items(), key=lambda item: _key_rank(item[0]))


def go_sprint(value: Any, _depth: int = 0) -> str:
    """Go's fmt.Sprint / %v for the values the evaluator produces or receives."""
    if _depth > MAX_FORMAT_DEPTH:
        raise ValueError("value nested too deeply to format")
    if value is None:
        return "<nil>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    t = type(value)
    if t is str:
        return str(value)
    if t is float:
        return format_float_v(value)
    if isinstance(value, int):
        if hasattr(value, "go_string"):
            return str(value.go_string())
        return str(int(value))
    if isinstance(value, str):
        return str(value)
    if isinstance(value, float):
        return format_float_v(float(value))
    if is_list(value):
        return "[" + " ".join(go_sprint(item, _depth + 1) for item in value) + "]"
    if is_map(value):
        return (
            "map["
            + " ".join(
                f"{go_sprint(k, _depth + 1)}:{go_sprint(v, _depth + 1)}"
                for k, v in sorted_items(value)
            )
            + "]"
        )
    if isinstance(value, GoTime | GoDuration | GoLocation):
        return value.go_string()
    if isinstance(value, tuple):
        return "[" + " ".join(go_sprint(item, _depth + 1) for item in value) + "]"
    if callable(value):
        return "<func>"
    return str(value)


def stringify(value: Any) -> str:
    """Formance's string for a trigger variable: float64 through JSON encoding, else fmt.Sprint."""
    if type(value) is float:
        if not math.isfinite(value):
            return format_float_v(value)
        return format_float_json(value)
    return as_text(go_sprint(value))  # Formance's variables travel as JSON


def filter_matches(value: Any) -> bool:
    """A trigger filter matches only when its result is the boolean ``true``."""
    return value is True


# --- encoding/json ---

_JSON_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def json_string(text: str) -> str:
    out = ['"']
    for ch in text:
        esc = _JSON_ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            out.append("\\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def to_json(value: Any, indent: str = "  ", _level: int = 0) -> str:
    """json.MarshalIndent(value, "", indent); raises ValueError with Go's message."""
    if _level > MAX_FORMAT_DEPTH:
        raise ValueError("json: value nested too deeply")
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return json_string(value)
    if type(value) is float:
        return format_float_json(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return format_float_json(float(value))
    if isinstance(value, GoTime):
        return json_string(value.format("2006-01-02T15:04:05.999999999Z07:00"))
    if isinstance(value, GoDuration):
        return str(value.ns)
    pad = "\n" + indent * (_level + 1)
    end = "\n" + indent * _level
    if value.__class__ is GoNilList:  # a nil slice
        return "null"
    if is_list(value) or isinstance(value, tuple):
        if not value:
            return "[]"
        return "[" + ",".join(pad + to_json(item, indent, _level + 1) for item in value) + end + "]"
    if isinstance(value, GoAnyMap):  # groupBy, fromPairs: interface{} keys
        raise ValueError(f"json: unsupported type: {type_name(value)}")
    if is_map(value):
        if not value:
            return "{}"
        parts = []
        for key, item in sorted_items(value):
            if not isinstance(key, str):
                raise ValueError("json: unsupported type: map[interface {}]interface {}")
            parts.append(pad + json_string(key) + ": " + to_json(item, indent, _level + 1))
        return "{" + ",".join(parts) + end + "}"
    if isinstance(value, GoLocation):
        return "{}"
    raise ValueError(f"json: unsupported type: {type(value).__name__}")
