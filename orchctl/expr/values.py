"""Go value semantics on Python values.

Values: ``None`` (nil), ``bool``, ``int`` (Go int, 64-bit), ``float`` (float64), ``str``, lists,
dicts, and the time types of :mod:`orchctl.expr.gotime`.

Containers built by the evaluator are :class:`GoList` / :class:`GoMap`; anything else came from
the environment (decoded JSON/YAML), where every number is a float64 in Go: integers found in such
"foreign" containers are read as floats (see :func:`norm`, :func:`elems`, :func:`export`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Iterator
from typing import Any, cast

from orchctl.errors import OrchctlError
from orchctl.expr.errors import RtError
from orchctl.expr.gomath import go_exp, go_log
from orchctl.expr.gostr import concat, go_bytes, has_raw_bytes
from orchctl.expr.gotime import UTC, GoDuration, GoLocation, GoTime

INT_MIN = -(1 << 63)
INT_MAX = (1 << 63) - 1
MAX_ITEMS = 1_000_000
MAX_STRING = 10_000_000


class GoList(list[Any]):
    """A []interface{} built by the evaluator (its ints are Go ints)."""

    __slots__ = ()


class GoMap(dict[Any, Any]):
    """A map[string]interface{} built by the evaluator."""

    __slots__ = ()


class GoAnyMap(GoMap):
    """A map[interface{}][]interface{} (groupBy).

    Its keys are Go values of any dynamic type, compared the way Go compares interface keys
    (:func:`go_key`): ``true``, ``1`` and ``1.0`` are three keys, ``0.0`` and ``-0.0`` one,
    and a NaN never finds itself. The dict underneath is keyed by ``go_key(key)``; ``_keys``
    holds each key as Go last stored it (an assignment to an interface-keyed map stores the
    new key: runtime ``needkeyupdate``, so ``groupBy([0.0, -0.0], #)`` prints ``map[-0:...]``).
    Every Python-level method (``[]``, ``get``, ``in``, iteration, ``keys``, ``items``, ``==``)
    takes and gives Go values; only C-level readers of the raw dict would see the tags.
    """

    __slots__ = ("_keys",)

    def __init__(self, pairs: Iterable[tuple[Any, Any]] = ()) -> None:
        super().__init__()
        self._keys: dict[Hashable, Any] = {}
        for key, value in pairs:
            self[key] = value

    def __setitem__(self, key: Any, value: Any) -> None:
        tag = go_key(key)  # TypeError for an unhashable key, as dict would
        self._keys[tag] = key
        dict.__setitem__(self, tag, value)

    def __getitem__(self, key: Any) -> Any:
        return dict.__getitem__(self, go_key(key))

    def group(self, key: Any) -> list[Any]:
        """OpGroupBy's ``m[key] = append(m[key], item)``: the bucket to append to (the key is
        stored again, as every assignment does)."""
        tag = go_key(key)
        self._keys[tag] = key
        bucket: list[Any] | None = dict.get(self, tag)
        if bucket is None:
            bucket = GoList()
            dict.__setitem__(self, tag, bucket)
        return bucket

    def __delitem__(self, key: Any) -> None:
        tag = go_key(key)
        dict.__delitem__(self, tag)
        del self._keys[tag]

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, go_key(key))

    def get(self, key: Any, default: Any = None) -> Any:
        return dict.get(self, go_key(key), default)

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._keys.values()))

    def keys(self) -> list[Any]:  # type: ignore[override]
        return list(self._keys.values())

    def items(self) -> list[tuple[Any, Any]]:  # type: ignore[override]
        keys = self._keys
        return [(keys[tag], value) for tag, value in dict.items(self)]

    def copy(self) -> GoAnyMap:
        return type(self)(self.items())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, dict) or len(other) != len(self):
            return False
        return all(key in self and self[key] == value for key, value in other.items())

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.items()!r})"


class GoNilList(GoList):
    """A nil []interface{}: the zero value a groupBy map gives for a missing key, concat of
    no elements, sort of no array.

    ``groupBy([], 1)[1]`` is ``[]interface {}(nil)`` in Go (runtime.Fetch answers the map's
    element type's zero value): ``%T`` is ``[]interface {}``, fmt prints ``[]``,
    encoding/json ``null``, ``len`` 0, expr's ``type()`` ``array``; it equals ``nil`` and
    ``[]``, and ``??`` and ``?.`` treat it as nil (runtime.IsNil). Always empty.
    """

    __slots__ = ()


class GoUint8(int):
    """A byte: indexing a string gives a uint8 in expr (``"abc"[0]`` is uint8(97))."""

    __slots__ = ()


def _byte_args(a: Any, b: Any) -> tuple[Any, Any, bool]:
    """Go's runtime on uint8 operands: computed as int (uint8 + uint8 is an int in expr)."""
    both = type(a) is GoUint8 and type(b) is GoUint8
    return (int(a) if type(a) is GoUint8 else a), (int(b) if type(b) is GoUint8 else b), both


class GoIntList(GoList):
    """A []int (a range ``a..b``)."""

    __slots__ = ()


class GoStrList(GoList):
    """A []string (split, splitAfter)."""

    __slots__ = ()


class GoPairMap(GoAnyMap):
    """A map[interface{}]interface{} (fromPairs)."""

    __slots__ = ()


def is_nil(value: Any) -> bool:
    """runtime.IsNil."""
    return value is None or value.__class__ is GoNilList


#: The evaluator's own lists (their ints are Go ints), whatever their Go element type.
GO_LISTS = frozenset({GoList, GoIntList, GoStrList, GoNilList})
_KEEP_CLASS = frozenset({GoIntList, GoStrList, GoNilList, GoAnyMap, GoPairMap})


def go_key(key: Any) -> Hashable:
    """How Go tells interface{} map keys apart: by dynamic type, then by value (==).

    Python's ``True == 1 == 1.0`` would merge keys Go keeps apart, so each key is tagged with
    its Go type. Go's float64 == makes ``-0.0`` and ``0.0`` one key and a NaN a new key on
    every insertion (never found again). A time.Time compares its fields (wall clock, seconds,
    and the *Location pointer, nil for UTC): the same instant in two zones is two keys, and two
    parses of ``+05:30`` are two keys (two FixedZone pointers) while ``+01:00`` is one (Go's
    FixedZone caches unnamed whole-hour zones from -12 to +14 hours). Raises TypeError for an
    unhashable key (lists, maps).
    """
    t = type(key)
    if key is None:
        return ("<nil>",)
    if t is str or t is int or t is bool:
        return (t, key)
    if t is float:
        return object() if key != key else (float, key)  # NaN != NaN
    if isinstance(key, GoTime):
        return ("time.Time", key.sec, key.nsec, loc_identity(key.loc, in_time=True))
    if isinstance(key, GoDuration):
        return ("time.Duration", key.ns)
    if isinstance(key, GoLocation):
        return ("*time.Location", loc_identity(key))
    if isinstance(key, list | dict):
        raise TypeError(f"unhashable type: {type_name(key)}")
    return (type_name(key), key)


def loc_identity(loc: GoLocation, *, in_time: bool = False) -> Hashable:
    """The *time.Location pointer a location stands for (None: a time.Time's nil for UTC)."""
    if loc is UTC:
        return None if in_time else "UTC"
    if loc.name == "Local":
        return "Local"
    offset = loc.offset
    unnamed_hours = loc.name == "" and offset is not None and offset % 3600 == 0
    if unnamed_hours and offset is not None and -12 <= offset // 3600 <= 14:
        return ("FixedZone", offset)
    return id(loc)


def unhashable(key: Any, mapping: dict[Any, Any]) -> RtError:
    """Go's panic for a map[interface{}] key that cannot be hashed.

    Go's maps word it two ways (as go1.26 answers): an empty map hashes the key on its own
    path ("hash of unhashable type: T"), a filled one in the runtime ("runtime error: ...").
    """
    if not mapping:
        return RtError(f"hash of unhashable type: {type_name(key)}", wrapped=True)
    return RtError(f"runtime error: hash of unhashable type {type_name(key)}", wrapped=True)


def is_list(value: Any) -> bool:
    return isinstance(value, list)


def is_map(value: Any) -> bool:
    return isinstance(value, dict)


def wrap_int(value: int) -> int:
    if INT_MIN <= value <= INT_MAX:
        return value
    return ((value - INT_MIN) % (1 << 64)) + INT_MIN


def norm(value: Any) -> Any:
    """A value read from a foreign container: JSON numbers are float64."""
    return float(value) if type(value) is int else value


def elems(coll: Any) -> list[Any]:
    """The elements of a list, normalized when the list is foreign."""
    if type(coll) in GO_LISTS:
        return cast(list[Any], coll)
    return [float(x) if type(x) is int else x for x in coll]


def export(value: Any, _depth: int = 0, *, go_types: bool = False) -> Any:
    """A result as plain Python data with Go types (foreign ints become floats)."""
    if _depth > 500:
        raise RtError("value nested too deeply")
    t = type(value)
    if issubclass(t, GoAnyMap):  # interface{} keys: a plain dict would merge true, 1 and 1.0
        return t((k, export(v, _depth + 1, go_types=go_types)) for k, v in value.items())
    if go_types and t in _KEEP_CLASS:  # their Go type shows in %T
        return t(export(x, _depth + 1, go_types=True) for x in value)
    if t in _KEEP_CLASS:
        t = GoList
    if t is GoList:
        return [export(x, _depth + 1, go_types=go_types) for x in value]
    if t is GoMap:
        return {k: export(v, _depth + 1, go_types=go_types) for k, v in value.items()}
    if t is list or t is tuple:
        return [export(norm(x), _depth + 1, go_types=go_types) for x in value]
    if t is dict:
        return {k: export(norm(v), _depth + 1, go_types=go_types) for k, v in value.items()}
    return value


def type_name(value: Any) -> str:
    """Go's %T of a value."""
    if value is None:
        return "<nil>"
    t = type(value)
    if t is bool:
        return "bool"
    if t is int:
        return "int"
    if t is float:
        return "float64"
    if t is str:
        return "string"
    if isinstance(value, GoPairMap):
        return "map[interface {}]interface {}"
    if isinstance(value, GoAnyMap):
        return "map[interface {}][]interface {}"
    if isinstance(value, GoIntList):
        return "[]int"
    if isinstance(value, GoStrList):
        return "[]string"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list | tuple):
        return "[]interface {}"
    if isinstance(value, GoTime):
        return "time.Time"
    if isinstance(value, GoDuration):
        return "time.Duration"
    if isinstance(value, GoLocation):
        return "*time.Location"
    if isinstance(value, int):
        name = type(value).__name__
        return {"GoMonth": "time.Month", "GoWeekday": "time.Weekday", "GoUint8": "uint8"}.get(
            name, "int"
        )
    if callable(value):
        return "func(...interface {}) (interface {}, error)"
    return type(value).__name__


def kind_name(value: Any) -> str:
    """reflect.Kind's name of a value (used by some builtin messages)."""
    if value is None:
        return "invalid"
    t = type_name(value)
    if t.startswith("map"):
        return "map"
    if t.startswith("[]"):
        return "slice"
    if t == "time.Time":
        return "struct"
    if t == "time.Duration":
        return "int64"
    return t


def iface(value: Any) -> str:
    """How Go names a dynamic type in "interface conversion" panics."""
    return "nil" if value is None else type_name(value)


def assert_type(value: Any, want: str) -> RtError:
    return RtError(f"interface conversion: interface {{}} is {iface(value)}, not {want}")


def is_number(value: Any) -> bool:
    t = type(value)
    return t is float or t is int or t is GoUint8


def equal(a: Any, b: Any, _depth: int = 0) -> bool:
    """runtime.Equal: numbers compare across int/float; containers element-wise."""
    if type(a) is GoUint8 or type(b) is GoUint8:
        if not (is_number(a) and is_number(b)):
            return False
        a, b, _ = _byte_args(a, b)
    ta = type(a)
    tb = type(b)
    if ta is tb and (ta is str or ta is float or ta is int or ta is bool):
        return bool(a == b)
    if a is None or b is None:  # runtime.Equal: IsNil(a) && IsNil(b)
        return is_nil(a) and is_nil(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return float(a) == float(b)  # Go converts the int: float64(x) == y
    if ta is bool or tb is bool:
        return False
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            return False
        if _depth > 200:
            raise RtError("value nested too deeply")
        pairs = zip(elems(a), elems(b), strict=True)
        return all(equal(x, y, _depth + 1) for x, y in pairs)
    if isinstance(a, dict) and isinstance(b, dict):
        return deep_equal(a, b, _depth)  # no case of runtime.Equal: reflect.DeepEqual
    if isinstance(a, GoTime) and isinstance(b, GoTime):
        return a.total_ns() == b.total_ns()
    if isinstance(a, GoDuration) and isinstance(b, GoDuration):
        return a.ns == b.ns
    if isinstance(a, str) and isinstance(b, str):
        return str(a) == str(b)
    if isinstance(a, int) and isinstance(b, int):
        return int(a) == int(b)
    return a is b


def _member(container: Any, value: Any) -> Any:
    """A value read from a container: a foreign (JSON) container's ints are float64."""
    return float(value) if type(value) is int and type(container) in (dict, list) else value


def deep_equal(a: Any, b: Any, _depth: int = 0) -> bool:
    """reflect.DeepEqual of two interface values: the same Go type all the way down (a map
    holding 1 is not one holding 1.0, nor a []int one holding []interface {})."""
    if a is None or b is None:
        return a is None and b is None
    if type_name(a) != type_name(b):
        return False
    if _depth > 200:
        raise RtError("value nested too deeply")
    if isinstance(a, dict):
        if len(a) != len(b):
            return False
        for key, value in a.items():
            if key not in b:
                return False
            if not deep_equal(_member(a, value), _member(b, b[key]), _depth + 1):
                return False
        return True
    if isinstance(a, list | tuple):
        if len(a) != len(b) or (a.__class__ is GoNilList) != (b.__class__ is GoNilList):
            return False  # (a nil slice is not an empty one to DeepEqual)
        pairs = zip(elems(a), elems(b), strict=True)
        return all(deep_equal(x, y, _depth + 1) for x, y in pairs)
    if type(a) is float or type(a) is str or type(a) is bool:
        return bool(a == b)
    if isinstance(a, int) and isinstance(b, int):
        return int(a) == int(b)
    return equal(a, b, _depth + 1)


def _bad(op: str, a: Any, b: Any) -> RtError:
    return RtError(f"invalid operation: {type_name(a)} {op} {type_name(b)}")


def compare(op: str, a: Any, b: Any) -> bool:
    """runtime.Less/More/LessOrEqual/MoreOrEqual."""
    if type(a) is GoUint8 or type(b) is GoUint8:
        if not (is_number(a) and is_number(b)):
            raise _bad(op, a, b)
        return compare(op, *_byte_args(a, b)[:2])
    ta = type(a)
    tb = type(b)
    if ta is str and tb is str:
        if has_raw_bytes(a) or has_raw_bytes(b):
            a, b = go_bytes(a), go_bytes(b)  # Go compares bytes
    elif (ta is int or ta is float) and (tb is int or tb is float):
        if ta is not tb:
            a, b = float(a), float(b)  # Go converts the int: float64(x) < y
    elif isinstance(a, GoTime) and isinstance(b, GoTime):
        a, b = a.total_ns(), b.total_ns()
    elif isinstance(a, GoDuration) and isinstance(b, GoDuration):
        a, b = a.ns, b.ns
    elif isinstance(a, int) and isinstance(b, int) and ta is not bool and tb is not bool:
        a, b = int(a), int(b)
    else:
        raise _bad(op, a, b)
    if op == "<":
        return bool(a < b)
    if op == ">":
        return bool(a > b)
    if op == "<=":
        return bool(a <= b)
    return bool(a >= b)


def add(a: Any, b: Any) -> Any:
    if type(a) is GoUint8 or type(b) is GoUint8:
        if not (is_number(a) and is_number(b)):
            raise _bad("+", a, b)
        x, y, _ = _byte_args(a, b)
        return add(x, y)  # Go's runtime widens bytes to int
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int:
        r = a + b
        return r if INT_MIN <= r <= INT_MAX else wrap_int(r)
    if (ta is float or ta is int) and (tb is float or tb is int):
        return float(a) + float(b)
    if ta is str and tb is str:
        if len(a) + len(b) > MAX_STRING:
            raise RtError("memory budget exceeded")
        return concat(a, b)
    if isinstance(a, GoTime) and isinstance(b, GoDuration):
        return a.add_ns(b.ns)
    if isinstance(a, GoDuration) and isinstance(b, GoTime):
        return b.add_ns(a.ns)
    if isinstance(a, GoDuration) and isinstance(b, GoDuration):
        return GoDuration(wrap_int(a.ns + b.ns))
    raise _bad("+", a, b)


def sub(a: Any, b: Any) -> Any:
    if type(a) is GoUint8 or type(b) is GoUint8:
        if not (is_number(a) and is_number(b)):
            raise _bad("-", a, b)
        x, y, _ = _byte_args(a, b)
        return sub(x, y)  # Go's runtime widens bytes to int
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int:
        r = a - b
        return r if INT_MIN <= r <= INT_MAX else wrap_int(r)
    if (ta is float or ta is int) and (tb is float or tb is int):
        return float(a) - float(b)
    if isinstance(a, GoTime) and isinstance(b, GoTime):
        return GoDuration(wrap_int(a.total_ns() - b.total_ns()))
    if isinstance(a, GoTime) and isinstance(b, GoDuration):
        return a.add_ns(-b.ns)
    if isinstance(a, GoDuration) and isinstance(b, GoDuration):
        return GoDuration(wrap_int(a.ns - b.ns))
    raise _bad("-", a, b)


def mul(a: Any, b: Any) -> Any:
    if type(a) is GoUint8 or type(b) is GoUint8:
        if not (is_number(a) and is_number(b)):
            raise _bad("*", a, b)
        x, y, _ = _byte_args(a, b)
        return mul(x, y)  # Go's runtime widens bytes to int
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int:
        r = a * b
        return r if INT_MIN <= r <= INT_MAX else wrap_int(r)
    if (ta is float or ta is int) and (tb is float or tb is int):
        return float(a) * float(b)
    if isinstance(a, GoDuration) and tb is int:
        return GoDuration(wrap_int(a.ns * b))
    if ta is int and isinstance(b, GoDuration):
        return GoDuration(wrap_int(a * b.ns))
    raise _bad("*", a, b)


def _fdiv(x: float, y: float) -> float:
    if y == 0.0:
        if x == 0.0 or math.isnan(x):
            return math.nan
        negative = (x < 0) != (math.copysign(1.0, y) < 0)
        return -math.inf if negative else math.inf
    return x / y


def div(a: Any, b: Any) -> float:
    if type(a) is GoUint8 or type(b) is GoUint8:
        if not (is_number(a) and is_number(b)):
            raise _bad("/", a, b)
        return div(*_byte_args(a, b)[:2])
    ta = type(a)
    tb = type(b)
    if (ta is float or ta is int) and (tb is float or tb is int):
        return _fdiv(float(a), float(b))
    raise _bad("/", a, b)


def mod(a: Any, b: Any) -> int:
    if type(a) is GoUint8 or type(b) is GoUint8:
        if not (is_number(a) and is_number(b)):
            raise _bad("%", a, b)
        x, y, _ = _byte_args(a, b)
        return mod(x, y)  # Go's runtime widens bytes to int
    if type(a) is int and type(b) is int:
        if b == 0:
            raise RtError("runtime error: integer divide by zero")
        r = abs(a) % abs(b)
        return -r if a < 0 else r
    raise _bad("%", a, b)


def power(a: Any, b: Any) -> float:
    """runtime.Exponent: math.Pow(ToFloat64(a), ToFloat64(b)); ToFloat64 panics on anything
    but a number (a byte is one)."""
    for operand in (a, b):
        if not is_number(operand):
            raise RtError(f"invalid operation: float({type_name(operand)})")
    return go_pow(float(a), float(b))


def _is_odd_int(x: float) -> bool:
    if abs(x) >= 1 << 53:
        return False
    return x == math.floor(x) and int(x) & 1 == 1


def _ldexp(frac: float, exp: int) -> float:
    try:
        return math.ldexp(frac, exp)
    except OverflowError:
        return math.copysign(math.inf, frac)


def go_pow(x: float, y: float) -> float:
    """math.Pow, ported from Go (not C's pow: Go squares and multiplies for the integer part
    of the exponent, so 1000 ** 31 is 9.999999999999999e+92 in Go)."""
    if y == 0 or x == 1:
        return 1.0
    if y == 1:
        return x
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if x == 0:
        if y < 0:
            return -math.inf if math.copysign(1, x) < 0 and _is_odd_int(y) else math.inf
        return x if math.copysign(1, x) < 0 and _is_odd_int(y) else 0.0
    if math.isinf(y):
        if x == -1:
            return 1.0
        return 0.0 if (abs(x) < 1) == (y > 0) else math.inf
    if math.isinf(x):
        if x < 0:
            return go_pow(1 / x, -y)
        return 0.0 if y < 0 else math.inf
    if y == 0.5:
        return math.sqrt(x) if x >= 0 else math.nan
    if y == -0.5:
        return 1 / math.sqrt(x) if x > 0 else (math.inf if x == 0 else math.nan)
    yf, yi = math.modf(abs(y))
    if yf != 0 and x < 0:
        return math.nan
    if yi >= 1 << 63:
        if x == -1:
            return 1.0
        return 0.0 if (abs(x) < 1) == (y > 0) else math.inf
    a1 = 1.0
    ae = 0
    if yf != 0:
        if yf > 0.5:
            yf -= 1
            yi += 1
        a1 = go_exp(yf * go_log(x))  # Go's amd64 assembly, not C's exp/log
    x1, xe = math.frexp(x)
    i = int(yi)
    while i != 0:
        if xe < -(1 << 12) or xe > (1 << 12):
            ae += xe
            break
        if i & 1 == 1:
            a1 *= x1
            ae += xe
        x1 *= x1
        xe <<= 1
        if x1 < 0.5:
            x1 += x1
            xe -= 1
        i >>= 1
    if y < 0:
        a1 = 1 / a1
        ae = -ae
    return _ldexp(a1, ae)


def negate(a: Any) -> Any:
    t = type(a)
    if t is GoUint8:
        return GoUint8(-a & 0xFF)
    if t is int:
        return wrap_int(-a)
    if t is float:
        return -a
    if isinstance(a, GoDuration):
        return GoDuration(wrap_int(-a.ns))
    raise RtError(f"invalid operation: - {type_name(a)}")


def to_int(value: Any) -> int:
    """runtime.ToInt."""
    t = type(value)
    if t is int:
        return int(value)
    if t is float:
        return float_to_int(value)
    if isinstance(value, int) and t is not bool:
        return int(value)
    if isinstance(value, GoDuration):
        return value.ns
    raise RtError(f"invalid operation: int({type_name(value)})")


def float_to_int(value: float) -> int:
    if not math.isfinite(value) or not (-9.223372036854776e18 <= value < 9.223372036854776e18):
        return INT_MIN
    return int(value)


def to_float(value: Any) -> float:
    t = type(value)
    if t is float or t is int:
        return float(value)
    raise RtError(f"invalid operation: float({type_name(value)})")


class BudgetExceeded(OrchctlError):
    """Internal marker: evaluation ran out of steps or time."""
