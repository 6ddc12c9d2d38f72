"""Go regular expressions (``matches``) on RE2, the engine Go's ``regexp`` is a port of.

Matching runs in time linear in the text (no backtracking), so no pattern can outlast the
evaluation deadline. Go and C++ RE2 share their syntax; where they part, this module answers as
Go does: ``\\C`` (any byte) is an invalid escape in Go, and compile errors carry Go's
``regexp/syntax`` texts (``error parsing regexp: missing closing ): `(a```) instead of C++'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import re2

from orchctl.expr.gostr import as_text

# C++ RE2's error code texts (re2/regexp.cc CodeText) -> Go's regexp/syntax ErrorCode texts.
_GO_CODES = {
    "unexpected error": "regexp/syntax: internal error",
    "invalid escape sequence": "invalid escape sequence",
    "invalid character class": "invalid character class",
    "invalid character class range": "invalid character class range",
    "missing ]": "missing closing ]",
    "missing )": "missing closing )",
    "unexpected )": "unexpected )",
    "trailing \\": "trailing backslash at end of expression",
    "no argument for repetition operator": "missing argument to repetition operator",
    "invalid repetition size": "invalid repeat count",
    "bad repetition operator": "invalid nested repetition operator",
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "invalid UTF-8": "invalid UTF-8",
    "invalid named capture group": "invalid named capture",
    "pattern too large - compile failed": "expression too large",
    "pattern too large - reverse compile failed": "expression too large",
}

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
# Go's regexp has no memory cap on a compiled program; its parser refuses "expression too
# large" itself. 64 MiB lets every pattern Go accepts compile.
_OPTIONS.max_mem = 64 << 20


_UNANCHORED = re2._re2.RE2.Anchor.UNANCHORED
_NO_MATCH = (-1, -1)


class RegexError(ValueError):
    """The pattern is invalid for Go's regexp (message is Go's)."""


def _err(code: str, expr: str) -> RegexError:
    return RegexError(f"error parsing regexp: {code}: `{expr}`")


@dataclass(frozen=True, slots=True)
class Regex:
    """A compiled pattern; :meth:`search` is Go's ``regexp.MatchString``."""

    pattern: str
    _compiled: Any

    def search(self, text: str) -> bool:
        # The binding's RE2 object directly: re2.search() builds a match object and maps
        # byte offsets back to characters, several times the cost of the match itself.
        # Go's regexp reads an invalid byte as utf8.RuneError (U+FFFD) of width 1.
        data = as_text(text).encode("utf-8", "surrogatepass")
        spans = self._compiled._regexp.Match(_UNANCHORED, data, 0, len(data))
        return bool(spans[0] != _NO_MATCH)


_CAPTURE_NAME = re.compile(r"[0-9A-Za-z_]+")


def _go_only_error(pattern: str) -> tuple[int, RegexError] | None:
    """The first construct Go refuses and C++ RE2 takes (or words differently), and where.

    ``\\C`` (any byte: C++ only) and named groups: Go reads ``(?<`` and ``(?P<`` as a capture
    name up to the next ``>`` (so ``(?<=a)`` is an invalid name, not a lookbehind) and allows
    only ASCII letters, digits and ``_`` in it.
    """
    i = 0
    n = len(pattern)
    in_class = False
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt == "Q" and not in_class:
                end = pattern.find("\\E", i + 2)
                if end < 0:
                    return None
                i = end + 2
                continue
            if nxt == "C":
                return i, _err("invalid escape sequence", "\\C")
            i += 2
            continue
        if in_class:
            if ch == "[" and pattern.startswith("[:", i):
                end = pattern.find(":]", i + 2)
                if end > 0:
                    i = end + 2
                    continue
            if ch == "]":
                in_class = False
            i += 1
            continue
        if ch == "[":
            in_class = True
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            continue
        if ch == "(" and pattern.startswith("(?", i):
            rest = pattern[i:]
            with_p = len(rest.encode()) > 4 and rest.startswith("(?P<")
            with_name = len(rest.encode()) > 3 and rest.startswith("(?<")
            if with_p or with_name:
                end = rest.find(">")
                if end < 0:
                    return i, _err("invalid named capture", rest)
                name = rest[4 if with_p else 3 : end]
                if not _CAPTURE_NAME.fullmatch(name):
                    return i, _err("invalid named capture", rest[: end + 1])
                i += end + 1
                continue
        i += 1
    return None


_REPEAT_AT_END = re.compile(r"\{(\d+)(?:(,)(\d*))?\}\??$")


def _go_error(text: str) -> RegexError:
    """Go's error for C++ RE2's ``code: arg`` text."""
    code, _, arg = text.partition(": ")
    if code == "invalid UTF-8" and not arg:
        # C++ reads past a final `\\x{` (a str pattern is valid UTF-8); Go stops at it.
        return _err("invalid escape sequence", "\\x{")
    if code == "trailing \\":
        return _err(_GO_CODES[code], "")
    match = _REPEAT_AT_END.search(arg)
    if code in ("invalid repetition size", "bad repetition operator") and match:
        # Go checks a {n,m}'s own bounds first (x*{1001} is a repeat count error, not a
        # stacked repetition), and names it without a non-greedy `?`; a nesting whose product
        # passes 1000 keeps the `?`, as C++ does.
        low = int(match.group(1))
        high = low if match.group(2) is None else int(match.group(3) or "-1")
        if low > 1000 or high > 1000 or (high >= 0 and low > high):
            return _err("invalid repeat count", match.group(0).removesuffix("?"))
    return _err(_GO_CODES.get(code, code), arg)


def _cpp_error(pattern: str) -> str | None:
    try:
        re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        text = exc.args[0] if exc.args else ""
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return str(text)
    return None


# Errors a pattern cut before an invalid byte has only because it was cut: Go's parser reads
# on into the byte (nextRune) and fails there with "invalid UTF-8".
_UNFINISHED = ("missing closing )", "missing closing ]", "trailing backslash at end of expression")
_OPEN_ESCAPE_CODES = ("invalid escape sequence", "invalid character class range")  # (\p: C++)
_OPEN_NAME = re.compile(r"\(\?P?<[^>]*$")
_OPEN_ESCAPE = re.compile(r"\\(?:[xpP](?:\{[^}]*)?|x[0-9A-Fa-f]?)$")


def _first_bad_byte(pattern: str) -> int | None:
    for i, ch in enumerate(pattern):
        if "\udc80" <= ch <= "\udcff":  # an invalid byte (orchctl/expr/gostr.py)
            return i
    return None


def _invalid_utf8(pattern: str, bad: int) -> RegexError:
    """Go's error for a pattern holding an invalid byte: the first error before it, unless
    that one only comes from the cut, else `invalid UTF-8` naming the rest from the byte."""
    prefix = pattern[:bad]
    if _OPEN_NAME.search(prefix):  # Go checks a capture name's UTF-8 on its own
        end = pattern.find(">", bad)
        return _err("invalid UTF-8", pattern[bad:] if end < 0 else pattern[bad:end])
    try:
        compile_regex(prefix)
    except RegexError as exc:
        code, _, quoted = str(exc).removeprefix("error parsing regexp: ").partition(": ")
        expr = quoted[1:-1]
        open_at_end = prefix.endswith(expr)
        open_escape = open_at_end and _OPEN_ESCAPE.search(expr) is not None
        unfinished = (
            code in _UNFINISHED
            or (code == "invalid or unsupported Perl syntax" and open_at_end)
            or (code == "invalid named capture" and open_at_end)
            or (
                code in ("invalid escape sequence", "invalid character class range") and open_escape
            )
        )
        if not unfinished:
            return _err(code, pattern) if code == "unexpected )" else exc
    return _err("invalid UTF-8", pattern[bad:])


@lru_cache(maxsize=512)
def compile_regex(pattern: str) -> Regex:
    """Compile a Go regexp; raises :class:`RegexError` with Go's message."""
    bad = _first_bad_byte(pattern)
    if bad is not None:
        raise _invalid_utf8(pattern, bad)
    go_only = _go_only_error(pattern)
    if go_only is not None:
        at, error = go_only
        # Go stops at the first error left to right: one before this one wins, except those
        # only an unfinished prefix has (an unclosed group or class).
        before = _cpp_error(pattern[:at])
        if before is None or before.startswith(("missing ): ", "missing ]: ")):
            raise error
        if pattern[:at].endswith(before.partition(": ")[2]):
            # The error runs into the cut (e.g. `(?\\C`): Go sees the text after it too.
            before = _cpp_error(pattern) or before
        if before.startswith("unexpected ): "):
            raise _err("unexpected )", pattern)  # Go names the whole regexp
        raise _go_error(before)
    try:
        compiled = re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        text = exc.args[0] if exc.args else ""
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        raise _go_error(str(text)) from None
    return Regex(pattern, compiled)
