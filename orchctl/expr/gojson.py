"""encoding/json's Unmarshal into an interface{} (expr's fromJSON), with Go's errors.

Python's json module decodes what Go's accepts the same way, so it does the decoding; Go's
scanner (encoding/json/scanner.go, ported state for state below) names the error when the
text is not JSON: `invalid character ' ' in literal true (expecting 'e')` for "tru", since
Go feeds a space at the end of the input. Decoded strings hold U+FFFD where Go's has one (an
invalid byte, a lone surrogate escape), and a number beyond float64 fails as Go's does.
"""

from __future__ import annotations

import json
import math
from typing import Any

from orchctl.expr.goquote import go_quote
from orchctl.expr.gostr import go_bytes

_MAX_DEPTH = 10000
_HEX = frozenset(b"0123456789abcdefABCDEF")
_SPACE = frozenset(b" \t\r\n")
_LITERALS = {  # the states of true/false/null after their first letter: (letter, name)
    ord("t"): (b"rue", "true"),
    ord("f"): (b"alse", "false"),
    ord("n"): (b"ull", "null"),
}


class JSONError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _quote_char(c: int) -> str:
    """scanner.go's quoteChar."""
    if c == 0x27:
        return "'\\''"
    if c == 0x22:
        return "'\"'"
    return "'" + go_quote(chr(c))[1:-1] + "'"


def syntax_error(data: bytes) -> str | None:
    """checkValid: the SyntaxError Go's scanner reports for ``data``, or None if it is JSON."""
    stack: list[str] = []  # parse states: "key", "value" (object), "array"
    state = "begin"
    literal = b""
    literal_name = ""

    def fail(c: int, context: str) -> str:
        return f"invalid character {_quote_char(c)} {context}"

    def end_value(c: int) -> tuple[str, str | None]:
        """stateEndValue: the next state, or an error."""
        if not stack:
            return end_top(c)
        if c in _SPACE:
            return "end", None
        top = stack[-1]
        if top == "key":
            if c == 0x3A:  # :
                stack[-1] = "value"
                return "begin", None
            return "", fail(c, "after object key")
        if top == "value":
            if c == 0x2C:  # ,
                stack[-1] = "key"
                return "string", None
            if c == 0x7D:  # }
                stack.pop()
                return ("end" if stack else "top"), None
            return "", fail(c, "after object key:value pair")
        if c == 0x2C:
            return "begin", None
        if c == 0x5D:  # ]
            stack.pop()
            return ("end" if stack else "top"), None
        return "", fail(c, "after array element")

    def end_top(c: int) -> tuple[str, str | None]:
        if c not in _SPACE:
            return "", fail(c, "after top-level value")
        return "top", None

    def push(c: int, parse: str, then: str) -> tuple[str, str | None]:
        stack.append(parse)
        if len(stack) > _MAX_DEPTH:
            return "", fail(c, "exceeded max depth")
        return then, None

    def step(c: int) -> tuple[str, str | None]:
        nonlocal literal, literal_name
        s = state
        if s in ("begin", "begin_or_empty", "string", "string_or_empty"):
            if c in _SPACE:
                return s, None
            if s == "begin_or_empty" and c == 0x5D:
                return end_value(c)
            if s == "string_or_empty" and c == 0x7D:
                stack[-1] = "value"
                return end_value(c)
            if s in ("string", "string_or_empty"):
                if c == 0x22:
                    return "in_string", None
                return "", fail(c, "looking for beginning of object key string")
            if c == 0x7B:  # {
                return push(c, "key", "string_or_empty")
            if c == 0x5B:  # [
                return push(c, "array", "begin_or_empty")
            if c == 0x22:
                return "in_string", None
            if c == 0x2D:  # -
                return "neg", None
            if c == 0x30:
                return "zero", None
            if c in _LITERALS:
                literal, literal_name = _LITERALS[c]
                return "literal", None
            if 0x31 <= c <= 0x39:
                return "digits", None
            return "", fail(c, "looking for beginning of value")
        if s == "end":
            return end_value(c)
        if s == "top":
            return end_top(c)
        if s == "in_string":
            if c == 0x22:
                return "end", None
            if c == 0x5C:
                return "escape", None
            if c < 0x20:
                return "", fail(c, "in string literal")
            return s, None
        if s == "escape":
            if c in b'bfnrt\\/"':
                return "in_string", None
            if c == 0x75:  # u
                return "u0", None
            return "", fail(c, "in string escape code")
        if s in ("u0", "u1", "u2", "u3"):
            if c in _HEX:
                return ("in_string" if s == "u3" else "u" + str(int(s[1]) + 1)), None
            return "", fail(c, "in \\u hexadecimal character escape")
        if s == "neg":
            if c == 0x30:
                return "zero", None
            if 0x31 <= c <= 0x39:
                return "digits", None
            return "", fail(c, "in numeric literal")
        if s in ("digits", "zero"):
            if s == "digits" and 0x30 <= c <= 0x39:
                return s, None
            if c == 0x2E:
                return "dot", None
            if c in (0x65, 0x45):
                return "exp", None
            return end_value(c)
        if s == "dot":
            if 0x30 <= c <= 0x39:
                return "fraction", None
            return "", fail(c, "after decimal point in numeric literal")
        if s == "fraction":
            if 0x30 <= c <= 0x39:
                return s, None
            if c in (0x65, 0x45):
                return "exp", None
            return end_value(c)
        if s in ("exp", "exp_sign"):
            if s == "exp" and c in (0x2B, 0x2D):
                return "exp_sign", None
            if 0x30 <= c <= 0x39:
                return "exp_digits", None
            return "", fail(c, "in exponent of numeric literal")
        if s == "exp_digits":
            if 0x30 <= c <= 0x39:
                return s, None
            return end_value(c)
        # "literal": the rest of true/false/null
        if c == literal[0]:
            literal = literal[1:]
            return ("end" if not literal else "literal"), None
        return "", fail(c, f"in literal {literal_name} (expecting {_quote_char(literal[0])})")

    for c in data:
        state, error = step(c)
        if error is not None:
            return error
    if state == "top":
        return None
    state, error = step(0x20)  # scanner.eof: a space ends a number, or fails a literal
    if error is not None:
        return error
    if state == "top" or (state == "end" and not stack):
        return None
    return "unexpected end of JSON input"


def _go_string(text: str) -> str:
    """A decoded string as Go's: an invalid byte or a lone surrogate escape is U+FFFD."""
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def _go_value(value: Any) -> Any:
    if isinstance(value, str):
        return _go_string(value)
    if isinstance(value, list):
        return [_go_value(v) for v in value]
    if isinstance(value, dict):
        return {_go_string(k): _go_value(v) for k, v in value.items()}
    return value


def unmarshal(text: str) -> Any:
    """json.Unmarshal(text, &v) with v an interface{}; raises :class:`JSONError`."""
    first_range_error: list[str] = []

    def number(literal: str) -> float:
        value = float(literal)
        if math.isinf(value) and not first_range_error:
            first_range_error.append(literal)
        return value

    def constant(name: str) -> Any:
        raise ValueError(name)  # NaN/Infinity are no JSON: Go's scanner names the error

    try:
        value = json.loads(text, parse_int=number, parse_float=number, parse_constant=constant)
    except (ValueError, RecursionError):
        error = syntax_error(go_bytes(text))
        if error is None:  # JSON Go takes that Python's decoder does not (deep nesting)
            raise JSONError("value nested too deeply") from None
        raise JSONError(error) from None
    if first_range_error:
        raise JSONError(
            f"json: cannot unmarshal number {first_range_error[0]} into Go value of type float64"
        )
    return _go_value(value)
