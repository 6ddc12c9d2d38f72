"""Go regular expressions (``matches``) on RE2, the engine Go's ``regexp`` is a port of.

Matching runs in time linear in the text (no backtracking), so no pattern can outlast the
evaluation deadline. Go and C++ RE2 share their syntax; where they part, this module answers as
Go does: ``\\C`` (any byte) is an invalid escape in Go, and compile errors carry Go's
``regexp/syntax`` texts (``error parsing regexp: missing closing ): `(a```) instead of C++'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import re2

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
        return self._compiled.search(text) is not None


def _go_precheck(pattern: str) -> None:
    """Refuse what C++ RE2 accepts and Go does not (outside character classes)."""
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
                    return
                i = end + 2
                continue
            if nxt == "C":
                raise _err("invalid escape sequence", "\\C")
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            continue
        if ch == "[" and in_class and pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            if end > 0:
                i = end + 2
                continue
        if ch == "]" and in_class:
            in_class = False
        i += 1


@lru_cache(maxsize=512)
def compile_regex(pattern: str) -> Regex:
    """Compile a Go regexp; raises :class:`RegexError` with Go's message."""
    try:
        compiled = re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        text = exc.args[0] if exc.args else ""
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        code, _, arg = str(text).partition(": ")
        if code == "trailing \\":
            raise _err(_GO_CODES[code], "") from None
        raise _err(_GO_CODES.get(code, code), arg) from None
    _go_precheck(pattern)
    return Regex(pattern, compiled)
