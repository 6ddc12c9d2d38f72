"""Expressions that compile as they are written: comparisons of event fields with literals.

Nearly every trigger filter is a handful of `event.field == "value"` joined by `&&`, and
nearly every var a bare `event.a.b`. Compiling one (lexing, parsing, type checking, the
optimizer) to learn that it has no error costs about 100 µs; 10,000 triggers cost a second.
Such an expression has no error, calls no function and formats no number, whatever its
fields and values: `event` is untyped (Formance compiles with no environment), so every
member and every comparison with a literal type-checks, and nothing is constant to fold.
`is_plain` recognises exactly that language, conservatively (no escapes, no floats, no
keyword as a member name, nil and booleans only compared for equality); a text
it does not recognise goes the long way. tests/validation/test_plain_expressions.py holds
the recognised texts to the compiler's own analysis.
"""

from __future__ import annotations

import re

from orchctl.expr.lexer import WORD_OPERATORS

_SPACE = r"[ \t\r\n]*"
_RESERVED = sorted(WORD_OPERATORS | {"not", "true", "false", "nil"})
_NAME = rf"(?!(?:{'|'.join(_RESERVED)})(?![A-Za-z0-9_$]))[A-Za-z_][A-Za-z0-9_]*"
_FIELD = rf"event(?:\??\.{_NAME})*(?![A-Za-z0-9_$])"
_TEXT = r""""[^"\\\n]*"|'[^'\\\n]*'"""
_INT = r"(?:0|[1-9][0-9]{0,8})(?![A-Za-z0-9_$.])"
_WORD = r"(?:true|false|nil)(?![A-Za-z0-9_$])"
_COMPARISON = (
    rf"{_FIELD}{_SPACE}(?:(?:==|!=){_SPACE}(?:{_TEXT}|{_INT}|{_WORD})"
    rf"|(?:<=|>=|<|>){_SPACE}(?:{_TEXT}|{_INT}))"
)
_PLAIN = re.compile(
    rf"{_SPACE}(?:{_FIELD}|{_COMPARISON}(?:{_SPACE}(?:&&|\|\|){_SPACE}{_COMPARISON})*){_SPACE}"
)


def is_plain(source: str) -> bool:
    """Whether `source` is a field of the event, or comparisons of event fields with
    literals joined by `&&` and `||`: an expression that compiles, calls nothing and
    formats no number."""
    return _PLAIN.fullmatch(source) is not None
