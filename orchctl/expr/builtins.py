"""Runtime implementations of expr-lang's non-predicate builtins (builtin/builtin.go).

Each takes the evaluated arguments and returns a value or raises :class:`RtError` with the
message expr's VM would produce.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable
from typing import Any, cast

from orchctl.expr.errors import RtError
from orchctl.expr.gofmt import go_sprint, to_json
from orchctl.expr.gojson import JSONError, unmarshal
from orchctl.expr.gosort import go_sort
from orchctl.expr.gostr import (
    GO_SPACE,
    as_latin1,
    as_text,
    byte_find,
    canonical,
    from_go_bytes,
    from_latin1,
    go_bytes,
    needs_bytes,
    slice_bytes,
    str_op,
)
from orchctl.expr.gotime import (
    DEFAULT_LAYOUTS,
    UTC,
    GoDuration,
    GoLocation,
    GoTime,
    TimeError,
    load_location,
    parse_duration,
    parse_time,
)
from orchctl.expr.values import (
    GO_LISTS,
    INT_MIN,
    MAX_ITEMS,
    MAX_STRING,
    GoAnyMap,
    GoIntList,
    GoList,
    GoMap,
    GoNilList,
    GoPairMap,
    GoStrList,
    GoUint8,
    assert_type,
    compare,
    elems,
    equal,
    export,
    float_to_int,
    kind_name,
    norm,
    to_int,
    type_name,
    unhashable,
    wrap_int,
)

Impl = Callable[[list[Any]], Any]
IMPLS: dict[str, Impl] = {}


def builtin(name: str) -> Callable[[Impl], Impl]:
    def register(fn: Impl) -> Impl:
        IMPLS[name] = fn
        return fn

    return register


def _str(value: Any) -> str:
    if type(value) is str:
        return value
    raise assert_type(value, "string")


def _arity(args: list[Any], *allowed: int, name: str = "") -> None:
    if len(args) not in allowed:
        expected = " or ".join(str(a) for a in allowed)
        where = f" for {name}" if name else ""
        raise RtError(f"invalid number of arguments{where} (expected {expected}, got {len(args)})")


_MISSING = object()


def fetch(base: Any, key: Any) -> Any:
    """runtime.Fetch: member or index access."""
    t = type(base)
    if t is dict or t is GoMap:
        if type(key) is not str:
            if key is None:
                key = ""
            else:
                raise RtError(
                    f"reflect.Value.MapIndex: value of type {type_name(key)} is not assignable "
                    "to type string"
                )
        value = base.get(key)
        return float(value) if t is dict and type(value) is int else value
    if t is list or t in GO_LISTS or t is tuple:
        index = to_int(key)
        size = len(base)
        if index < 0:
            index += size
        if index < 0 or index >= size:
            raise RtError(f"index out of range: {index} (array length is {size})")
        value = base[index]
        return float(value) if t not in GO_LISTS and type(value) is int else value
    if t is GoAnyMap or t is GoPairMap:
        try:
            value = base.get(key, _MISSING)
        except TypeError:
            raise unhashable(key, base) from None
        if value is _MISSING:  # the element type's zero value: a nil []interface{} for groupBy
            return GoNilList() if t is GoAnyMap else None
        return value
    if base is None:
        raise RtError(f"cannot fetch {go_sprint(key)} from <nil>")
    if t is str:
        index = to_int(key)
        data = go_bytes(base)
        size = len(data)
        if index < 0:
            index += size
        if index < 0 or index >= size:
            raise RtError(f"index out of range: {index} (array length is {size})")
        return GoUint8(data[index])
    if isinstance(base, GoTime | GoDuration | GoLocation) and type(key) is str:
        method = base.method(key)
        if method is not None:
            return _GoMethod(key, method)
    if isinstance(base, dict):
        return norm(base.get(key))
    if isinstance(base, list):
        return fetch(list(base), key)
    raise RtError(f"cannot fetch {go_sprint(key)} from {type_name(base)}")


class _GoMethod:
    """A bound method of a Go time value."""

    __slots__ = ("fn", "name")

    def __init__(self, name: str, fn: Callable[..., Any]) -> None:
        self.name = name
        self.fn = fn

    def __call__(self, *args: Any) -> Any:
        try:
            return self.fn(*args)
        except (TypeError, AttributeError, ValueError, OverflowError):
            kinds = ", ".join(type_name(a) for a in args)
            raise RtError(f"reflect: Call of {self.name} with wrong arguments ({kinds})") from None

    def go_string(self) -> str:
        return f"<method {self.name}>"


def call_value(fn: Any, args: list[Any]) -> Any:
    if fn is None:
        raise RtError("invalid operation: cannot call nil")
    if isinstance(fn, _GoMethod):
        return fn(*args)
    raise RtError(f"reflect: call of reflect.Value.Call on {kind_name(fn)} Value")


class Unindexed:
    """An element expr's VM never reads unless something indexes it (OpPointer, OpGroupBy,
    OpSortBy): reading it fails with ``message``."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


# A map's elements: reflect.Value.Len works on a map, Index does not, so a loop over a map
# runs len(map) times and fails only where it reads an element.
MAP_ELEMENT = Unindexed("reflect: call of reflect.Value.Index on map Value")
NO_ELEMENT = Unindexed("reflect: slice index out of range")  # index 0 of an empty array


def indexed(item: Any) -> Any:
    """``item`` as OpPointer reads it."""
    if item.__class__ is Unindexed:
        raise RtError(item.message)
    return item


def iterate(value: Any) -> list[Any]:
    """The elements a predicate builtin loops over."""
    t = type(value)
    if t in GO_LISTS:
        return cast(list[Any], value)
    if t is list or t is tuple:
        return [float(x) if type(x) is int else x for x in value]
    if value is None:
        raise RtError("reflect: call of reflect.Value.Len on zero Value")
    if t is str:
        return [GoUint8(b) for b in go_bytes(value)]
    if isinstance(value, list):
        return elems(value)
    # reflect's Len comes first and panics on a scalar; a map has a Len but no Index.
    if isinstance(value, dict):
        return [MAP_ELEMENT] * len(value)
    raise RtError(f"reflect: call of reflect.Value.Len on {kind_name(value)} Value")


def in_op(needle: Any, coll: Any) -> bool:
    """runtime.In."""
    t = type(coll)
    if t is dict or t is GoMap:
        if type(needle) is not str:
            if needle is None:
                return "" in coll
            raise RtError(
                f"reflect.Value.MapIndex: value of type {type_name(needle)} is not assignable "
                "to type string"
            )
        return needle in coll
    if t is list or t in GO_LISTS or t is tuple:
        foreign = t not in GO_LISTS
        for item in coll:
            if foreign and type(item) is int:
                item = float(item)
            if equal(item, needle):
                return True
        return False
    if coll is None:
        return False
    if t is GoAnyMap or t is GoPairMap:
        try:
            return needle in coll
        except TypeError:
            raise unhashable(needle, coll) from None
    raise RtError(f'operator "in" not defined on {type_name(coll)}')


def make_range(start: Any, end: Any) -> GoList:
    low = to_int(start)
    high = to_int(end)
    size = high - low + 1
    if size <= 0:
        return GoIntList()
    if size > MAX_ITEMS:
        raise RtError("memory budget exceeded")
    return GoIntList(range(low, high + 1))


def slice_op(base: Any, start: Any, end: Any) -> Any:
    """runtime.Slice (``start``/``end`` None when omitted)."""
    if isinstance(base, list | tuple | str):
        raw = isinstance(base, str) and not base.isascii()
        length = len(go_bytes(cast(str, base))) if raw else len(base)
        a = 0 if start is None else to_int(start)
        b = length if end is None else to_int(end)
        if a < 0:
            a = max(length + a, 0)
        if b < 0:
            b = max(length + b, 0)
        b = min(b, length)
        a = min(a, b)
        if isinstance(base, str):
            return slice_bytes(base, a, b) if raw else base[a:b]  # Go slices bytes
        if type(base) in GO_LISTS:
            return type(base)(base[a:b])
        return GoList(norm(x) for x in base[a:b])
    if end is None and not isinstance(base, dict):  # expr takes len() first
        raise RtError(f"invalid argument for len (type {type_name(base)})")
    raise RtError(f"cannot slice {go_sprint(0 if start is None else start)}")


# --- strings ---


@builtin("len")
def _len(args: list[Any]) -> int:
    value = args[0]
    if isinstance(value, str | list | dict | tuple):
        return len(value)
    raise RtError(f"invalid argument for len (type {type_name(value)})")


@builtin("type")
def _type(args: list[Any]) -> str:
    value = args[0]
    if value is None:
        return "nil"
    t = type(value)
    if t is bool:
        return "bool"
    if t is int:
        return "int"
    if t is GoUint8:
        return "uint"  # expr's type() names every unsigned kind "uint"
    if t is float:
        return "float"
    if t is str:
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "map"
    name = type_name(value)
    if name.startswith(("time.", "*time.")):
        return name.lstrip("*")
    if isinstance(value, int):
        return "int"
    if callable(value):
        return "func"
    return "unknown"


@builtin("string")
def _string(args: list[Any]) -> str:
    # export(): the payload's numbers, however deep, are float64 (1e+19, not 10000000000000000000)
    return go_sprint(export(args[0], go_types=True))


@builtin("trim")
def _trim(args: list[Any]) -> str:
    _arity(args, 1, 2, name="trim")
    # Go asserts the arguments in their order (strings.Trim(args[0].(string), ...)).
    s = _str(args[0])
    if len(args) == 1:
        return s.strip(GO_SPACE)  # strings.TrimSpace
    cutset = _str(args[1])
    return s.strip(cutset) if cutset else s


@builtin("trimPrefix")
def _trim_prefix(args: list[Any]) -> str:
    prefix = _str(args[1]) if len(args) == 2 else " "
    return _str(args[0]).removeprefix(prefix)


@builtin("trimSuffix")
def _trim_suffix(args: list[Any]) -> str:
    suffix = _str(args[1]) if len(args) == 2 else " "
    return _str(args[0]).removesuffix(suffix)


@builtin("upper")
def _upper(args: list[Any]) -> str:
    return as_text(_str(args[0])).upper()  # unicode.ToUpper makes a bad byte U+FFFD


@builtin("lower")
def _lower(args: list[Any]) -> str:
    return as_text(_str(args[0])).lower()


def _go_split(s: str, sep: str, n: int, after: bool) -> list[str]:
    if n == 0:
        return []
    if sep == "":
        chars = list(s)
        if n > 0 and len(chars) > n:
            chars = [*chars[: n - 1], "".join(chars[n - 1 :])]
        return chars
    parts = s.split(sep) if n < 0 else s.split(sep, n - 1)
    if after:
        parts = [p + sep for p in parts[:-1]] + parts[-1:]
    return parts


def _split_any(s: str, sep: str, n: int, after: bool) -> list[str]:
    if sep != "" and needs_bytes(s, sep):  # Go splits bytes; "" splits runes
        return [from_latin1(p) for p in _go_split(as_latin1(s), as_latin1(sep), n, after)]
    return _go_split(s, sep, n, after)


@builtin("split")
def _split(args: list[Any]) -> GoList:
    _arity(args, 2, 3, name="split")
    s, sep = _str(args[0]), _str(args[1])  # asserted before runtime.ToInt(args[2])
    n = to_int(args[2]) if len(args) == 3 else -1
    return GoStrList(_split_any(s, sep, n, after=False))


@builtin("splitAfter")
def _split_after(args: list[Any]) -> GoList:
    _arity(args, 2, 3, name="splitAfter")
    s, sep = _str(args[0]), _str(args[1])  # asserted before runtime.ToInt(args[2])
    n = to_int(args[2]) if len(args) == 3 else -1
    return GoStrList(_split_any(s, sep, n, after=True))


@builtin("replace")
def _replace(args: list[Any]) -> str:
    _arity(args, 3, 4, name="replace")
    s, old, new = _str(args[0]), _str(args[1]), _str(args[2])
    n = to_int(args[3]) if len(args) == 4 else -1
    if old == "" and len(s) * len(new) > MAX_STRING:
        raise RtError("memory budget exceeded")
    if old != "" and needs_bytes(s, old, new):  # Go replaces bytes; "" inserts between runes
        result = from_latin1(as_latin1(s).replace(as_latin1(old), as_latin1(new), n))
    else:
        result = canonical(s.replace(old, new, n))
    if len(result) > MAX_STRING:
        raise RtError("memory budget exceeded")
    return result


@builtin("repeat")
def _repeat(args: list[Any]) -> str:
    s = _str(args[0])
    n = to_int(args[1])
    if n < 0:
        raise RtError(f"invalid argument for repeat (expected positive integer, got {n})")
    if n > 1_000_000:  # the Safe builtin's own error (Formance reports it bare)
        raise RtError("memory budget exceeded", wrapped=True)
    if len(s) * n > MAX_STRING:
        raise RtError("memory budget exceeded")  # (memGrow would refuse it after)
    return canonical(s * n)


@builtin("join")
def _join(args: list[Any]) -> str:
    glue = _str(args[1]) if len(args) == 2 else ""
    items = args[0]
    if not isinstance(items, list | tuple) or type(items) is GoIntList:
        shown = "%!s(<nil>)" if items is None else type_name(items)  # %s of a nil reflect.Type
        raise RtError(f"invalid argument for join (type {shown})")
    values = elems(items)
    result = canonical(glue.join(_str(item) for item in values))
    if len(result) > MAX_STRING:
        raise RtError("memory budget exceeded")
    return result


@builtin("indexOf")
def _index_of(args: list[Any]) -> int:
    return byte_find(_str(args[0]), _str(args[1]))  # strings.Index: a byte offset


@builtin("lastIndexOf")
def _last_index_of(args: list[Any]) -> int:
    return byte_find(_str(args[0]), _str(args[1]), last=True)


@builtin("hasPrefix")
def _has_prefix(args: list[Any]) -> bool:
    return str_op("startsWith", _str(args[0]), _str(args[1]))


@builtin("hasSuffix")
def _has_suffix(args: list[Any]) -> bool:
    return str_op("endsWith", _str(args[0]), _str(args[1]))


# --- numbers ---


def _num(name: str, value: Any) -> Any:
    t = type(value)
    if t is int or t is float:
        return value
    if t is GoUint8:
        return int(value)
    raise RtError(f"invalid argument for {name} (type {type_name(value)})")


@builtin("abs")
def _abs(args: list[Any]) -> Any:
    if type(args[0]) is GoUint8:
        return args[0]  # builtin.Abs: a uint8 as it is
    value = _num("abs", args[0])
    if type(value) is int:
        return wrap_int(abs(value))
    return -value if value < 0 else value  # Go's abs keeps -0


@builtin("ceil")
def _ceil(args: list[Any]) -> float:
    value = float(_num("ceil", args[0]))
    if not math.isfinite(value):
        return value
    return math.copysign(float(math.ceil(value)), value)  # math.Ceil(-0.5) is -0


@builtin("floor")
def _floor(args: list[Any]) -> float:
    value = float(_num("floor", args[0]))
    if not math.isfinite(value):
        return value
    result = float(math.floor(value))
    return math.copysign(result, value) if result == 0 else result  # math.Floor(-0) is -0


def go_round(value: float) -> float:
    if not math.isfinite(value):
        return value
    truncated = math.trunc(value)
    if abs(value - truncated) >= 0.5:
        truncated += 1 if value > 0 else -1
    return math.copysign(float(truncated), value)


@builtin("round")
def _round(args: list[Any]) -> float:
    return go_round(float(_num("round", args[0])))


_ATOI = re.compile(r"[+-]?[0-9]+")
_PARSE_FLOAT = re.compile(
    r"[+-]?(?:(?:[0-9](?:_?[0-9])*)?\.?[0-9]*(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)",
    re.IGNORECASE,
)


@builtin("int")
def _int(args: list[Any]) -> int:
    value = args[0]
    t = type(value)
    if t is int:
        return int(value)
    if t is float:
        return float_to_int(value)
    if value is None:
        raise RtError("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(value, int) and t is not bool:
        return int(value)  # a uint8 byte
    if t is str:
        if not _ATOI.fullmatch(value):
            raise RtError(f"invalid operation: int({value})")
        number = int(value)
        if not INT_MIN <= number <= -INT_MIN - 1:
            raise RtError(f"invalid operation: int({value})")
        return number
    raise RtError(f"invalid operation: int({type_name(value)})")


@builtin("float")
def _float(args: list[Any]) -> float:
    value = args[0]
    t = type(value)
    if t is float or t is int or t is GoUint8:
        return float(value)
    if t is str:
        if not value or not _PARSE_FLOAT.fullmatch(value) or "_" in value:
            raise RtError(f"invalid operation: float({value})")
        try:
            number = float(value)
        except ValueError:
            raise RtError(f"invalid operation: float({value})") from None
        if math.isinf(number) and "inf" not in value.lower():
            raise RtError(f"invalid operation: float({value})")
        return number
    raise RtError(f"invalid operation: float({type_name(value)})")


def _min_max(name: str, op: str, args: list[Any]) -> Any:
    best: Any = None
    for arg in args:
        if isinstance(arg, list | tuple):
            for item in elems(arg):
                value = _min_max(name, op, [item])
                if type(value) not in (int, float, GoUint8):
                    raise RtError(f"invalid argument for {name} (type {type_name(value)})")
                if best is None or compare(op, best, value):
                    best = value
        elif type(arg) in (int, float, GoUint8):
            if best is None or compare(op, best, arg):
                best = arg
        else:
            if len(args) == 1:
                return arg
            raise RtError(f"invalid argument for {name} (type {type_name(arg)})")
    return best


@builtin("max")
def _max(args: list[Any]) -> Any:
    return _min_max("max", "<", args)


@builtin("min")
def _min(args: list[Any]) -> Any:
    return _min_max("min", ">", args)


def _numbers(name: str, args: list[Any], out: list[float]) -> None:
    for arg in args:
        if isinstance(arg, list | tuple):
            for item in arg:
                _numbers(name, [norm(item)], out)
        elif type(arg) in (int, float, GoUint8):
            out.append(float(arg))
        else:
            raise RtError(f"invalid argument for {name} (type {type_name(arg)})")


@builtin("mean")
def _mean(args: list[Any]) -> float:
    values: list[float] = []
    _numbers("mean", args, values)
    if not values:
        return 0.0
    total = 0.0
    for v in values:
        total += v
    return total / len(values)


@builtin("median")
def _median(args: list[Any]) -> float:
    values: list[float] = []
    _numbers("median", args, values)
    if not values:
        return 0.0
    values.sort()
    n = len(values)
    if n % 2 == 1:
        return values[n // 2]
    return (values[n // 2 - 1] + values[n // 2]) / 2


# --- encodings ---


@builtin("toJSON")
def _to_json(args: list[Any]) -> str:
    try:
        return to_json(export(args[0], go_types=True))
    except ValueError as exc:
        raise RtError(str(exc)) from None


@builtin("fromJSON")
def _from_json(args: list[Any]) -> Any:
    try:
        return unmarshal(_str(args[0]))
    except JSONError as exc:
        # json.Unmarshal's error comes back from the builtin as a Go error: Formance
        # reports it bare.
        raise RtError(exc.message, wrapped=True) from None


@builtin("toBase64")
def _to_base64(args: list[Any]) -> str:
    return base64.b64encode(go_bytes(_str(args[0]))).decode("ascii")


_B64 = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


@builtin("fromBase64")
def _from_base64(args: list[Any]) -> str:
    raw = go_bytes(_str(args[0]))
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        position = next((i for i, b in enumerate(raw) if b not in _B64 and b != 61), None)
        if position is None:
            position = len(raw) - len(raw) % 4 if len(raw) % 4 else raw.find(b"=")
        raise RtError(f"illegal base64 data at input byte {max(position, 0)}") from None
    return from_go_bytes(data)  # Go's string(bytes) keeps bytes that are not UTF-8


# --- time ---


@builtin("now")
def _now(args: list[Any]) -> GoTime:
    if not args:
        return GoTime.now()
    if len(args) == 1 and isinstance(args[0], GoLocation):
        t = GoTime.now()
        return GoTime(t.sec, t.nsec, args[0])
    raise RtError(f"invalid number of arguments (expected 0, got {len(args)})")


@builtin("duration")
def _duration(args: list[Any]) -> GoDuration:
    try:
        return parse_duration(_str(args[0]))
    except TimeError as exc:
        raise RtError(str(exc)) from None


@builtin("date")
def _date(args: list[Any]) -> GoTime:
    loc: GoLocation | None = None
    if args and isinstance(args[0], GoLocation):
        loc = args[0]
        args = args[1:]
    if not args:
        raise RtError("invalid number of arguments (expected at least 1, got 0)")
    if isinstance(args[0], GoTime):
        return args[0]
    text = _str(args[0])
    try:
        if len(args) == 2:
            return parse_time(_str(args[1]), text, loc or UTC)
        if len(args) == 3:
            zone = load_location(_str(args[2]))
            return parse_time(_str(args[1]), text, zone)
    except TimeError as exc:
        raise RtError(str(exc)) from None
    for layout in DEFAULT_LAYOUTS:
        try:
            return parse_time(layout, text, loc or UTC)
        except TimeError:
            continue
    raise RtError(f"invalid date {text}")


@builtin("timezone")
def _timezone(args: list[Any]) -> GoLocation:
    try:
        return load_location(_str(args[0]))
    except TimeError as exc:
        raise RtError(str(exc)) from None


# --- collections ---


@builtin("first")
def _first(args: list[Any]) -> Any:
    try:
        return fetch(args[0], 0)
    except RtError:
        return None


@builtin("last")
def _last(args: list[Any]) -> Any:
    try:
        return fetch(args[0], -1)
    except RtError:
        return None


@builtin("get")
def _get(args: list[Any]) -> Any:
    """builtin get (expr builtin/lib.go): nil when absent, reflect's errors when mistyped."""
    base, key = args[0], args[1]
    if base is None:
        return None
    if isinstance(base, GoTime | GoDuration | GoLocation):
        return fetch(base, key) if type(key) is str and base.method(key) else None
    if isinstance(base, list | tuple | str):
        index = to_int(key)
        size = len(go_bytes(base)) if isinstance(base, str) else len(base)
        if -size <= index < size:
            return fetch(base, index)
        return None
    if type(base) is GoAnyMap or type(base) is GoPairMap:
        try:
            return base.get(key)
        except TypeError:
            raise unhashable(key, base) from None
    if isinstance(base, dict):
        if key is not None and type(key) is not str:
            raise RtError(
                f"reflect.Value.MapIndex: value of type {type_name(key)} is not assignable "
                "to type string"
            )
        return fetch(base, "" if key is None else key)
    return None


@builtin("take")
def _take(args: list[Any]) -> Any:
    _arity(args, 2)
    items, n = args
    if not isinstance(items, list | tuple):
        raise RtError(f"cannot take from {kind_name(items)}")
    if type(n) is not int:
        raise RtError(f"cannot take {kind_name(n)} elements")
    if n > len(items):
        return items
    if n < 0:
        raise RtError("reflect: slice index out of range")
    return GoList(elems(items)[:n])


def _map_arg(name: str, value: Any) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise RtError(f"{name} {kind_name(value)}")
    return value


@builtin("keys")
def _keys(args: list[Any]) -> GoList:
    _arity(args, 1)
    return GoList(_map_arg("cannot get keys from", args[0]).keys())


@builtin("values")
def _values(args: list[Any]) -> GoList:
    _arity(args, 1)
    mapping = _map_arg("cannot get values from", args[0])
    if type(mapping) is dict:
        return GoList(norm(v) for v in mapping.values())
    return GoList(mapping.values())


@builtin("toPairs")
def _to_pairs(args: list[Any]) -> GoList:
    _arity(args, 1)
    mapping = args[0]
    if not isinstance(mapping, dict):
        raise RtError(f"cannot transform {kind_name(mapping)} to pairs")
    foreign = type(mapping) is dict
    return GoList(GoList([k, norm(v) if foreign else v]) for k, v in mapping.items())


@builtin("fromPairs")
def _from_pairs(args: list[Any]) -> GoMap:
    _arity(args, 1)
    pairs = args[0]
    if not isinstance(pairs, list | tuple):
        raise RtError(f"cannot transform {go_sprint(pairs)} from pairs")
    out = GoPairMap()
    for pair in elems(pairs):
        if not isinstance(pair, list | tuple):
            raise RtError(f"invalid pair {go_sprint(pair)}")
        if len(pair) != 2:
            raise RtError(f"invalid pair length {go_sprint(pair)}")
        key, value = elems(pair)
        try:
            out[key] = value
        except TypeError:
            raise unhashable(key, out) from None
    return out


@builtin("reverse")
def _reverse(args: list[Any]) -> GoList:
    _arity(args, 1)
    if not isinstance(args[0], list | tuple):
        raise RtError(f"cannot reverse {kind_name(args[0])}")
    return GoList(reversed(elems(args[0])))


@builtin("uniq")
def _uniq(args: list[Any]) -> GoList:
    _arity(args, 1)
    if not isinstance(args[0], list | tuple):
        raise RtError(f"cannot uniq {kind_name(args[0])}")
    out = GoList()
    seen: set[tuple[Any, ...]] = set()
    others: list[Any] = []
    for item in elems(args[0]):
        key = _uniq_key(item)
        if key is None:
            if any(equal(item, other) for other in others):
                continue
            if len(others) > 1_000:
                raise RtError("memory budget exceeded")
            others.append(item)
        elif key in seen:
            continue
        else:
            seen.add(key)
        out.append(item)
    return out


def _uniq_key(item: Any, depth: int = 0) -> tuple[Any, ...] | None:
    """A hashable key such that equal() values get equal keys (None: not keyable)."""
    t = type(item)
    if item is None:
        return ("nil",)
    if t is bool:
        return ("bool", item)
    if t is int or t is float:
        return ("num", item)
    if t is str:
        return ("str", item)
    if depth > 50:
        return None
    if isinstance(item, list | tuple):
        keys = [_uniq_key(norm(x), depth + 1) for x in item]
        return None if any(k is None for k in keys) else ("list", tuple(keys))
    if isinstance(item, dict):
        pairs = []
        for k, v in item.items():
            value_key = _uniq_key(norm(v), depth + 1)
            if value_key is None or not isinstance(k, str):
                return None
            pairs.append((k, value_key))
        return ("map", tuple(sorted(pairs)))
    if isinstance(item, GoTime):
        return ("time", item.total_ns())
    if isinstance(item, GoDuration):
        return ("dur", item.ns)
    return None


@builtin("concat")
def _concat(args: list[Any]) -> GoList:
    if not args:
        raise RtError("invalid number of arguments (expected at least 1, got 0)")
    out = GoList()
    for arg in args:
        if not isinstance(arg, list | tuple):
            raise RtError(f"cannot concat {kind_name(arg)}")
        out.extend(elems(arg))
        if len(out) > MAX_ITEMS:
            raise RtError("memory budget exceeded")
    return out if out else GoNilList()  # Go appends to a nil []any: nothing appended, nil


def _flatten(items: list[Any] | tuple[Any, ...], out: GoList, depth: int) -> None:
    if depth > 200:
        raise RtError("value nested too deeply")
    for item in elems(items):
        if isinstance(item, list | tuple):
            _flatten(item, out, depth + 1)
        else:
            out.append(item)
            if len(out) > MAX_ITEMS:
                raise RtError("memory budget exceeded")


@builtin("flatten")
def _flatten_builtin(args: list[Any]) -> GoList:
    _arity(args, 1)
    if not isinstance(args[0], list | tuple):
        raise RtError(f"cannot flatten {kind_name(args[0])}")
    out = GoList()
    _flatten(args[0], out, 0)
    return out


def sort_values(items: list[Any], order: Any, *, keys: list[Any] | None = None) -> GoList:
    """sort.Sort over runtime.Sort / runtime.SortBy: Less is expr's `<` (desc: swapped), in
    the order Go's pdqsort asks for it (orchctl/expr/gosort.py)."""
    desc = False
    if order is not None:
        if _str(order) == "desc":
            desc = True
        elif order != "asc":
            raise RtError(f"invalid order {order}, expected asc or desc", wrapped=True)
    values: list[Any] = items if keys is None else keys

    def less(i: int, j: int) -> bool:
        return compare("<", values[j], values[i]) if desc else compare("<", values[i], values[j])

    return GoList(items[i] for i in go_sort(len(items), less))


@builtin("sort")
def _sort(args: list[Any]) -> GoList:
    _arity(args, 1, 2)
    # expr copies only arrays; anything else (a map, nil, a number) sorts as no elements.
    if not isinstance(args[0], list | tuple):  # no array copied: sort.Sort of a nil []any
        sort_values([], args[1] if len(args) == 2 else None)  # (the order is still checked)
        return GoNilList()
    return sort_values(elems(args[0]), args[1] if len(args) == 2 else None)


def _bit_int(name: str, value: Any) -> int:
    if type(value) is int:
        return int(value)
    raise RtError(
        f"cannot use {type_name(value)} as argument (type int) to call {name}", wrapped=True
    )


def _bit(name: str, fn: Callable[[int, int], int]) -> None:
    def impl(args: list[Any]) -> int:
        _arity(args, 2, name=name)
        return wrap_int(fn(_bit_int(name, args[0]), _bit_int(name, args[1])))

    IMPLS[name] = impl


def _shift_check(y: int) -> int:
    if y < 0:
        raise RtError(f"invalid operation: negative shift count {y} (type int)")
    return y


_bit("bitand", lambda x, y: x & y)
_bit("bitor", lambda x, y: x | y)
_bit("bitxor", lambda x, y: x ^ y)
_bit("bitnand", lambda x, y: x & ~y)
_bit("bitshl", lambda x, y: 0 if _shift_check(y) >= 64 else x << y)
_bit("bitshr", lambda x, y: x >> min(_shift_check(y), 63))
_bit(
    "bitushr",
    lambda x, y: 0 if _shift_check(y) >= 64 else (x & 0xFFFFFFFFFFFFFFFF) >> y,
)


@builtin("bitnot")
def _bitnot(args: list[Any]) -> int:
    _arity(args, 1, name="bitnot")
    return ~_bit_int("bitnot", args[0])
