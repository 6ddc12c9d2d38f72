"""A seeded, grammar-driven generator of expr cases over Formance-style payloads, and a shrinker.

Expressions are trees (:class:`G`) so a disagreement can be shrunk node by node; payloads take
the shapes of SAVED_PAYMENT and COMMITTED_TRANSACTIONS events, with missing and null fields,
big and fractional numbers. Besides expressions it generates regex, float, duration and
RFC 3339 cases for the oracle's other modes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class G:
    """An expression tree: ``parts`` are literal text or indexes into ``kids``."""

    parts: tuple[str | int, ...]
    kids: tuple[G, ...] = ()

    def render(self) -> str:
        return "".join(p if isinstance(p, str) else self.kids[p].render() for p in self.parts)

    def size(self) -> int:
        return 1 + sum(k.size() for k in self.kids)


def leaf(text: str) -> G:
    return G((text,))


def node(template: str, *kids: G) -> G:
    """``template`` with ``@0``, ``@1``... standing for the kids."""
    parts: list[str | int] = []
    i = 0
    text = ""
    while i < len(template):
        if template[i] == "@" and i + 1 < len(template) and template[i + 1].isdigit():
            if text:
                parts.append(text)
                text = ""
            parts.append(int(template[i + 1]))
            i += 2
            continue
        text += template[i]
        i += 1
    if text:
        parts.append(text)
    return G(tuple(parts), kids)


# --- payloads ---

_IDS = ["pay_1", "pay_2", "eyJpZCI6MX0", "py-ü", ""]
_ASSETS = ["USD/2", "EUR/2", "JPY/0", "COIN"]
_ACCOUNTS = ["world", "users:001", "users:002", "payments:stripe", "bank:main:pending"]


def _number(r: random.Random) -> Any:
    return r.choice(
        [
            0,
            1,
            2,
            7,
            100,
            12345,
            -5,
            2**53 + 1,
            10**20,
            -(10**19),
            0.5,
            1.25,
            1e-7,
            1e21,
            123.456,
            99.99,
            -0.1,
            3e-5,
            1e6,
            4.0,
        ]
    )


def _string(r: random.Random) -> str:
    return r.choice(["", "a", "abc", "USD/2", "users:001", "Été", 'a"b', "x\ny", "🙂", " pad "])


def _metadata(r: random.Random) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key in r.sample(["k", "tier", "order", "note", "count", "empty"], r.randint(0, 4)):
        meta[key] = r.choice([_string(r), _string(r), str(_number(r)), None, True])
    return meta


def _maybe_drop(r: random.Random, obj: dict[str, Any], rate: float = 0.15) -> dict[str, Any]:
    out = {}
    for key, value in obj.items():
        roll = r.random()
        if roll < rate:
            continue
        out[key] = None if roll < rate * 1.6 else value
    return out


def saved_payment(r: random.Random) -> dict[str, Any]:
    payment = {
        "id": r.choice(_IDS),
        "reference": r.choice(["ref-1", "ch_3Nx", ""]),
        "createdAt": r.choice(["2024-03-01T10:00:00Z", "2024-03-01T10:00:00.5+02:00"]),
        "connectorID": "stripe-main",
        "provider": r.choice(["STRIPE", "ADYEN", "MODULR", "WISE"]),
        "type": r.choice(["PAY-IN", "PAYOUT", "TRANSFER"]),
        "status": r.choice(["SUCCEEDED", "PENDING", "FAILED"]),
        "scheme": r.choice(["visa", "sepa credit", "unknown"]),
        "asset": r.choice(_ASSETS),
        "amount": _number(r),
        "initialAmount": _number(r),
        "sourceAccountID": r.choice([None, "acc_src"]),
        "destinationAccountID": r.choice(["acc_dst", ""]),
        "metadata": _metadata(r),
        "rawData": {"object": "charge", "nested": {"level": r.randint(0, 3), "tags": ["a", "b"]}},
        "links": [{"name": "account", "uri": "http://stack/accounts/acc_dst"}],
    }
    return _maybe_drop(r, payment)


def _posting(r: random.Random) -> dict[str, Any]:
    return _maybe_drop(
        r,
        {
            "source": r.choice(_ACCOUNTS),
            "destination": r.choice(_ACCOUNTS),
            "amount": _number(r),
            "asset": r.choice(_ASSETS),
        },
        0.05,
    )


def committed_transactions(r: random.Random) -> dict[str, Any]:
    transactions = []
    for index in range(r.randint(0, 3)):
        tx = {
            "id": index + r.choice([0, 1, 41]),
            "postings": [_posting(r) for _ in range(r.randint(0, 3))],
            "metadata": _metadata(r),
            "timestamp": "2024-03-01T10:00:00Z",
            "reference": r.choice(["", "tx-1"]),
            "reverted": r.random() < 0.2,
        }
        transactions.append(_maybe_drop(r, tx, 0.05))
    event = {
        "ledger": r.choice(["default", "main"]),
        "transactions": transactions,
        "accountMetadata": {"users:001": {"tier": "gold"}, "world": {}},
    }
    return _maybe_drop(r, event, 0.05)


def payload(r: random.Random) -> dict[str, Any]:
    return saved_payment(r) if r.random() < 0.5 else committed_transactions(r)


# --- expressions ---

INTS = ["0", "1", "2", "3", "7", "42", "100", "1_000", "0x1F", "9223372036854775807", "10"]
FLOATS = ["0.5", "1.5", "2.0", "1e3", "1e-7", ".25", "3.14159", "1e21", "123456789.0", "0.1"]
STRINGS = ['"USD/2"', '""', '"users:"', '"STRIPE"', "'a'", '"é"', '"\\n"', '"a\\"b"', "`raw`"]
STRINGS += ['"abc"', '"1"', '"2.5"', '"SUCCEEDED"', '" x "', '"k"', '"amount"']
PATTERNS = ['"^users:"', '"[0-9]+"', '"(?i)stripe"', '"^$"', '"a|b"', '"\\\\d{2,}"', '"("']

_KINDS = ("num", "str", "bool", "arr", "map", "any")


class ExprGen:
    """Random expressions of a wanted kind; ``event`` guides member chains to real fields."""

    def __init__(self, r: random.Random, event: Any) -> None:
        self.r = r
        self.event = event
        self.scope: list[str] = []  # let-bound names
        self.elem: list[Any] = []  # sample element inside predicates

    def pick(self, *options: Any) -> Any:
        return self.r.choice(options)

    def chain(self) -> tuple[G, Any]:
        """A member chain from ``event`` (or ``#`` in a predicate) walking the sample value."""
        r = self.r
        if self.elem and r.random() < 0.6:
            value = self.elem[-1]
            text = r.choice(["#", "#", "."]) if isinstance(value, dict) else "#"
            if text == "." and isinstance(value, dict) and value:
                key = r.choice(sorted(value))
                return leaf("." + key), value.get(key)
            if text == ".":
                text = "#"
        else:
            value = self.event
            text = "event"
        for _ in range(r.randint(0, 4)):
            opt = r.random() < 0.25
            if isinstance(value, dict):
                keys = sorted(value)
                key = r.choice([*keys, "missing"]) if keys else "missing"
                if r.random() < 0.2 or not key.isidentifier():
                    text += f"{'?.' if opt else ''}[{json.dumps(key)}]"
                else:
                    text += f"{'?.' if opt else '.'}{key}"
                value = value.get(key)
            elif isinstance(value, list):
                index = r.choice([0, 0, 1, -1, 5]) if value else r.choice([0, -1])
                text += f"{'?.' if opt else ''}[{index}]"
                value = value[index] if -len(value) <= index < len(value) else None
            else:
                if r.random() < 0.3:
                    text += r.choice([".x", "?.x", "[0]"])
                break
        return leaf(text), value

    def kind_of(self, value: Any) -> str:
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int | float):
            return "num"
        if isinstance(value, str):
            return "str"
        if isinstance(value, list):
            return "arr"
        if isinstance(value, dict):
            return "map"
        return "any"

    def typed_chain(self, kind: str) -> G | None:
        for _ in range(4):
            g, value = self.chain()
            if kind == "any" or self.kind_of(value) == kind:
                return g
        return None

    def gen(self, kind: str, depth: int) -> G:
        r = self.r
        if r.random() < 0.06:
            kind = r.choice(_KINDS)  # a wrong type now and then: errors are compared too
        if depth <= 0 or r.random() < 0.25:
            return self.atom(kind)
        method = getattr(self, f"g_{kind}")
        result: G = method(depth - 1)
        if r.random() < 0.08:
            result = node("(@0)", result)
        return result

    def atom(self, kind: str) -> G:
        r = self.r
        if r.random() < 0.45:
            chained = self.typed_chain(kind)
            if chained is not None:
                return chained
        if self.scope and r.random() < 0.2:
            return leaf(r.choice(self.scope))
        if kind == "num":
            return leaf(r.choice(INTS if r.random() < 0.55 else FLOATS))
        if kind == "str":
            return leaf(r.choice(STRINGS))
        if kind == "bool":
            return leaf(r.choice(["true", "false"]))
        if kind == "arr":
            return leaf(r.choice(["[]", "[1, 2, 3]", "[1.5, 2]", '["a", "b"]', "1..3", "[nil]"]))
        if kind == "map":
            return leaf(r.choice(["{}", '{"a": 1}', "{a: 1.5, b: nil}", '{"k": "v"}']))
        return leaf(r.choice(["nil", "1", "1.5", '"x"', "true", "[]", "{}", "event"]))

    def predicate(self, arr_value: Any, depth: int, kind: str = "bool") -> G:
        sample = arr_value[0] if isinstance(arr_value, list) and arr_value else {"amount": 1}
        self.elem.append(sample)
        try:
            body = self.gen(kind, depth)
        finally:
            self.elem.pop()
        return node("{@0}", body) if self.r.random() < 0.7 else body

    def array_source(self, depth: int) -> tuple[G, Any]:
        r = self.r
        for _ in range(5):
            g, value = self.chain()
            if isinstance(value, list):
                return g, value
        if r.random() < 0.5:
            return self.g_arr(depth), [1]
        return self.atom("arr"), [1, 2, 3]

    def g_num(self, d: int) -> G:
        r = self.r
        n = self.gen
        roll = r.randrange(15)
        if roll < 4:
            op = r.choice(["+", "-", "*", "/", "%", "**", "^", "+", "-", "*"])
            return node(f"@0 {op} @1", n("num", d), n("num", d))
        if roll == 4:
            return node(r.choice(["-@0", "+@0"]), n("num", d))
        if roll == 5:
            fn = r.choice(["abs", "ceil", "floor", "round", "int", "float"])
            return node(f"{fn}(@0)", n("num", d))
        if roll == 6:
            return node(r.choice(["len(@0)"]), n(r.choice(["str", "arr", "map"]), d))
        if roll == 7:
            fn = r.choice(["max", "min"])
            return node(f"{fn}(@0, @1)", n("num", d), n("num", d))
        if roll == 8:
            src, value = self.array_source(d)
            fn = r.choice(["sum", "mean", "median", "max", "min"])
            return node(f"{fn}(@0)", src)
        if roll == 9:
            src, value = self.array_source(d)
            fn = r.choice(["count", "findIndex", "findLastIndex"])
            return node(f"{fn}(@0, @1)", src, self.predicate(value, d))
        if roll == 10:
            src, value = self.array_source(d)
            return node("reduce(@0, @1, @2)", src, self.predicate(value, d, "num"), n("num", d))
        if roll == 11:
            return (
                node("int(@0)", n("str", d)) if r.random() < 0.5 else node("float(@0)", n("str", d))
            )
        if roll == 12:
            return node("indexOf(@0, @1)", n("str", d), n("str", d))
        if roll == 13:
            return self.g_any(d)
        return node("@0 ?? @1", n("any", d), n("num", d))

    def g_str(self, d: int) -> G:
        r = self.r
        n = self.gen
        roll = r.randrange(14)
        if roll < 3:
            return node("@0 + @1", n("str", d), n("str", d))
        if roll == 3:
            fn = r.choice(["upper", "lower", "trim", "toBase64", "type", "string", "toJSON"])
            return node(f"{fn}(@0)", n("str" if fn != "type" else "any", d))
        if roll == 4:
            fn = r.choice(["trimPrefix", "trimSuffix", "repeat" if r.random() < 0.2 else "trim"])
            second = n("num", 0) if fn == "repeat" else n("str", d)
            return node(f"{fn}(@0, @1)", n("str", d), second)
        if roll == 5:
            return node("replace(@0, @1, @2)", n("str", d), n("str", d), n("str", d))
        if roll == 6:
            return node("join(@0, @1)", n("arr", d), n("str", d))
        if roll == 7:
            return node("string(@0)", n(r.choice(_KINDS), d))
        if roll == 8:
            return node("toJSON(@0)", n(r.choice(_KINDS), d))
        if roll == 9:
            lo, hi = r.choice(["0", "1", "", "-1"]), r.choice(["2", "", "-1", "10"])
            return node(f"@0[{lo}:{hi}]", n("str", d))
        if roll == 10:
            return node("@0[@1]", n("str", d), n("num", 0))
        if roll == 11:
            return node("sprintf(@0)", n("str", d)) if r.random() < 0.05 else n("any", d)
        if roll == 12:
            return node("@0 ?? @1", n("any", d), n("str", d))
        return node('string(duration("90m"))' if r.random() < 0.3 else "type(@0)", n("any", d))

    def g_bool(self, d: int) -> G:
        r = self.r
        n = self.gen
        roll = r.randrange(14)
        if roll < 3:
            op = r.choice(["==", "!=", "<", "<=", ">", ">="])
            k = r.choice(["num", "num", "str", "any"])
            return node(f"@0 {op} @1", n(k, d), n(k, d))
        if roll == 3:
            op = r.choice(["and", "or", "&&", "||"])
            return node(f"@0 {op} @1", n("bool", d), n("bool", d))
        if roll == 4:
            return node(r.choice(["not @0", "!@0", "!(@0)"]), n("bool", d))
        if roll == 5:
            op = r.choice(["contains", "startsWith", "endsWith"])
            return node(f"@0 {op} @1", n("str", d), n("str", d))
        if roll == 6:
            if r.random() < 0.5:
                return node(f"@0 matches {r.choice(PATTERNS)}", n("str", d))
            return node("@0 matches @1", n("str", d), n("str", d))
        if roll == 7:
            op = r.choice(["in", "not in"])
            return node(
                f"@0 {op} @1", n(r.choice(["num", "str"]), d), n(r.choice(["arr", "map"]), d)
            )
        if roll == 8:
            src, value = self.array_source(d)
            fn = r.choice(["all", "any", "none", "one"])
            return node(f"{fn}(@0, @1)", src, self.predicate(value, d))
        if roll == 9:
            fn = r.choice(["hasPrefix", "hasSuffix"])
            return node(f"{fn}(@0, @1)", n("str", d), n("str", d))
        if roll == 10:
            return (
                node("@0 == nil", n("any", d))
                if r.random() < 0.5
                else node("@0 != nil", n("any", d))
            )
        if roll == 11:
            return node("@0 ?? false", n("any", d))
        if roll == 12:
            return node("@0 ? @1 : @2", n("bool", d), n("bool", d), n("bool", d))
        return node("@0 in @1", n("str", 0), n("map", d))

    def g_arr(self, d: int) -> G:
        r = self.r
        n = self.gen
        roll = r.randrange(13)
        if roll < 2:
            items = [n(r.choice(["num", "str", "any"]), d) for _ in range(r.randint(0, 3))]
            return node("[" + ", ".join(f"@{i}" for i in range(len(items))) + "]", *items)
        if roll == 2:
            src, value = self.array_source(d)
            return node("filter(@0, @1)", src, self.predicate(value, d))
        if roll == 3:
            src, value = self.array_source(d)
            return node(
                "map(@0, @1)", src, self.predicate(value, d, r.choice(["num", "str", "any"]))
            )
        if roll == 4:
            fn = r.choice(["sort", "reverse", "uniq", "flatten"])
            return node(f"{fn}(@0)", n("arr", d))
        if roll == 5:
            return node("concat(@0, @1)", n("arr", d), n("arr", d))
        if roll == 6:
            # Go ranges over maps in random order: only order-free uses of keys/values.
            return node(
                r.choice(["sort(keys(@0))", "[len(values(@0))]", "[len(toPairs(@0))]"]), n("map", d)
            )
        if roll == 7:
            return node("split(@0, @1)", n("str", d), leaf(r.choice(['","', '":"', '""', '"/"'])))
        if roll == 8:
            return node("@0..@1", leaf(r.choice(["0", "1", "3"])), leaf(r.choice(["0", "2", "5"])))
        if roll == 9:
            lo, hi = r.choice(["0", "1", "", "-1"]), r.choice(["2", "", "-1", "10"])
            return node(f"@0[{lo}:{hi}]", n("arr", d))
        if roll == 10:
            src, value = self.array_source(d)
            pipe = node("@0 | filter(@1)", src, self.predicate(value, d))
            if r.random() < 0.6:
                pipe = node("@0 | map(@1)", pipe, self.predicate(value, d, "any"))
            return pipe
        if roll == 11:
            src, value = self.array_source(d)
            return node("sortBy(@0, @1)", src, self.predicate(value, d, "num"))
        return self.g_any(d)

    def g_map(self, d: int) -> G:
        r = self.r
        n = self.gen
        roll = r.randrange(5)
        if roll < 2:
            keys = r.sample(["a", '"b"', "amount", '"x y"', "c"], r.randint(0, 3))
            items = [n(r.choice(_KINDS), d) for _ in keys]
            body = ", ".join(f"{k}: @{i}" for i, k in enumerate(keys))
            return node("{" + body + "}", *items)
        if roll == 2:
            src, value = self.array_source(d)
            return node("groupBy(@0, @1)", src, self.predicate(value, d, "any"))
        if roll == 3:
            return node(
                "fromPairs(@0)", leaf(r.choice(['[["a", 1]]', "[]", '[["a", 1], ["b", 2.5]]']))
            )
        return self.g_any(d)

    def g_any(self, d: int) -> G:
        r = self.r
        n = self.gen
        roll = r.randrange(10)
        if roll < 3:
            g = self.typed_chain("any")
            return g if g is not None else self.atom("any")
        if roll == 3:
            name = r.choice(["x", "y", "amt"])
            value = n(r.choice(_KINDS), d)
            self.scope.append(name)
            try:
                body = n(r.choice(_KINDS), d)
            finally:
                self.scope.pop()
            return node(f"let {name} = @0; @1", value, body)
        if roll == 4:
            src, value = self.array_source(d)
            fn = r.choice(["find", "findLast"])
            return node(f"{fn}(@0, @1)", src, self.predicate(value, d))
        if roll == 5:
            return node(r.choice(["first(@0)", "last(@0)"]), n("arr", d))
        if roll == 6:
            return node(
                "get(@0, @1)", n(r.choice(["map", "arr"]), d), n(r.choice(["str", "num"]), 0)
            )
        if roll == 7:
            return node(
                "@0 ? @1 : @2", n("bool", d), n(r.choice(_KINDS), d), n(r.choice(_KINDS), d)
            )
        if roll == 8:
            return node("@0 ?? @1", n("any", d), n(r.choice(_KINDS), d))
        return node("if @0 { @1 } else { @2 }", n("bool", d), n("any", d), n("any", d))


def expr_case(r: random.Random) -> tuple[G, dict[str, Any]]:
    event = payload(r)
    gen = ExprGen(r, event)
    kind = r.choice(["bool", "bool", "bool", "num", "str", "arr", "map", "any"])
    return gen.gen(kind, r.randint(1, 4)), event


# --- the other modes ---

_RE_TOKENS = ["a", "b", "x", ".", "*", "+", "?", "|", "(", ")", "[", "]", "^", "$", "\\d", "\\w"]
_RE_TOKENS += ["\\s", "\\b", "{2}", "{1,3}", "{,2}", "{1001}", "(?i)", "(?P<n>", "(?<n>", "(?:"]
_RE_TOKENS += ["\\Q*\\E", "[[:alpha:]]", "[^a]", "\\pL", "\\p{Greek}", "\\PN", "\\C", "\\z"]
_RE_TOKENS += ["\\A", "\\x41", "\\x{263a}", "\\1", "\\8", "\\", "é", "[a-", "-", "(?s)", "(?U)"]
_RE_TOKENS += ["**", "+?", "\\.", "[]a]", "(?m)", "\\Z", "(?P=n)", "(?=", "\\n", "[\\d]", "{"]
_RE_TOKENS += ["{500}", "(a{100}){100}", "{0,1000}", "((a{10}){10}){11}", "(?i:A)", "[\\C]", "\\pZ"]
_RE_TOKENS += ["(?P<n>a)(?P<n>b)", "(?P<>a)", "(?P<1a>x)", "[[:^digit:]]", "[a-\\d]", "\\x{110000}"]
_RE_TOKENS += ["(?<=a)", "(?<!", "(?P<é>", "(?<a-b>", ">", "(?'n'", "(?i)(?-i)", "(?z)"]
_TEXTS = ["", "a", "ab", "aab", "users:001", "A", "x\ny", "é", "☺", "Ω", "12", "a.b", "*", "\n"]


def regex_case(r: random.Random) -> dict[str, Any]:
    pattern = "".join(r.choice(_RE_TOKENS) for _ in range(r.randint(1, 6)))
    text = "".join(r.choice(_TEXTS) for _ in range(r.randint(0, 3)))
    return {"mode": "regex", "pattern": pattern, "text": text}


def float_case(r: random.Random) -> dict[str, Any]:
    roll = r.random()
    if roll < 0.03:
        return {"mode": "float", "special": r.choice(["nan", "+inf", "-inf", "-0"])}
    if roll < 0.3:
        import struct

        bits = r.getrandbits(64)
        value = struct.unpack("<d", struct.pack("<Q", bits))[0]
        if value != value or value in (float("inf"), float("-inf")):
            value = 1.0
    elif roll < 0.6:
        value = r.uniform(-1, 1) * 10 ** r.randint(-25, 25)
    else:
        value = float(r.randint(-(10**6), 10**6)) * 10 ** r.choice([-21, -7, -6, -1, 0, 1, 20, 21])
    return {"mode": "float", "float": repr(value) if repr(value) != "-0.0" else "-0"}


_DUR_PIECES = ["1", "0", "5", ".5", "1.", "9223372036854775807", "9223372036854775808", "2562047"]
_DUR_PIECES += ["3000000", "0.3333333333", "1.0000000001", "", "99999999999999999999", "."]
_DUR_UNITS = ["ns", "us", "µs", "μs", "ms", "s", "m", "h", "d", "", " ", "H", "µ", "x"]


def duration_case(r: random.Random) -> dict[str, Any]:
    text = r.choice(["", "", "-", "+", "--"])
    for _ in range(r.randint(1, 3)):
        text += r.choice(_DUR_PIECES) + r.choice(_DUR_UNITS)
    return {"mode": "duration", "text": text}


def rfc3339_case(r: random.Random) -> dict[str, Any]:
    year = r.choice(["2026", "0000", "9999", "1970", "2024", "26", "20a6", "-001"])
    month = r.choice(["01", "02", "12", "13", "00", "1", "2"])
    day = r.choice(["01", "28", "29", "30", "31", "32", "00", "1"])
    hour = r.choice(["00", "23", "24", "1", "9", "99"])
    minute = r.choice(["00", "59", "60", "5"])
    second = r.choice(["00", "59", "60", "5"])
    frac = r.choice(["", "", ".5", ",5", ".123456789", ".1234567891", ".", ".x"])
    zone = r.choice(["Z", "Z", "z", "+02:00", "-05:30", "+24:00", "+25:00", "-00:60", "+01:61"])
    zone = r.choice([zone, zone, "+0100", "+01", " 01:00", "Zjunk", ""])
    seps = [
        r.choice(["-", "-", "-", "/"]),
        r.choice(["-", "-", ""]),
        r.choice(["T", "T", "t", " "]),
    ]
    text = f"{year}{seps[0]}{month}{seps[1]}{day}{seps[2]}{hour}:{minute}:{second}{frac}{zone}"
    return {"mode": "rfc3339", "text": text}


def other_case(r: random.Random) -> dict[str, Any]:
    roll = r.random()
    if roll < 0.4:
        return regex_case(r)
    if roll < 0.7:
        return float_case(r)
    if roll < 0.85:
        return duration_case(r)
    return rfc3339_case(r)


# --- shrinking ---


def _replacements(g: G) -> Iterator[G]:
    """Every tree one step smaller than ``g``."""
    yield from g.kids
    for text in ("1", "nil", '"a"', "true", "[]"):
        if g.render() != text:
            yield leaf(text)
    for index, kid in enumerate(g.kids):
        for smaller in _replacements(kid):
            yield G(g.parts, (*g.kids[:index], smaller, *g.kids[index + 1 :]))


def _smaller_events(event: Any) -> Iterator[Any]:
    if isinstance(event, dict):
        for key in event:
            yield {k: v for k, v in event.items() if k != key}
        for key, value in event.items():
            for smaller in _smaller_events(value):
                yield {**event, key: smaller}
    elif isinstance(event, list):
        for index in range(len(event)):
            yield event[:index] + event[index + 1 :]
        for index, value in enumerate(event):
            for smaller in _smaller_events(value):
                yield [*event[:index], smaller, *event[index + 1 :]]
