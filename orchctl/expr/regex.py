"""Go RE2 regular expressions (``matches``) on Python's ``re``.

The pattern is translated (``\\z``, ``$`` semantics, ``\\Q..\\E``, ``\\x{..}``, POSIX classes,
``(?<name>``) and RE2-rejected constructs (backreferences, lookaround, possessive or atomic groups,
repeat counts over 1000) are refused with Go's error text. Matching uses ``re.ASCII`` because
RE2's ``\\w \\d \\s \\b`` are ASCII-only.
"""

from __future__ import annotations

import re
from functools import lru_cache

_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7F",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1F\\x7F",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_PERL_ESCAPES = set("dDsSwWbBAz")
_REPEAT = re.compile(r"\{(\d+)(,(\d*))?\}")


class RegexError(ValueError):
    """The pattern is invalid for Go's regexp (message is Go's)."""


def _err(code: str, expr: str) -> RegexError:
    return RegexError(f"error parsing regexp: {code}: `{expr}`")


def translate(pattern: str) -> str:
    out: list[str] = []
    i = 0
    n = len(pattern)
    multiline = False
    depth = 0
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= n:
                raise RegexError(
                    "error parsing regexp: trailing backslash at end of expression: ``"
                )
            nxt = pattern[i + 1]
            if nxt == "Q":
                end = pattern.find("\\E", i + 2)
                literal = pattern[i + 2 :] if end < 0 else pattern[i + 2 : end]
                out.append(re.escape(literal))
                i = n if end < 0 else end + 2
                continue
            if nxt == "z":
                out.append("\\Z")
            elif (
                nxt.isdigit()
                and nxt in "01234567"
                and (nxt == "0" or (i + 2 < n and pattern[i + 2] in "01234567"))
            ):
                j = i + 2
                while j < n and j < i + 4 and pattern[j] in "01234567":
                    j += 1
                out.append(f"\\U{int(pattern[i + 1 : j], 8):08x}")
                i = j
                continue
            elif nxt == "Z" or nxt.isdigit():
                raise _err("invalid escape sequence", "\\" + nxt)
            elif nxt == "x" and i + 2 < n and pattern[i + 2] == "{":
                end = pattern.find("}", i + 3)
                if end < 0:
                    raise _err("invalid escape sequence", pattern[i:])
                code = int(pattern[i + 3 : end] or "0", 16)
                out.append(f"\\U{code:08x}")
                i = end + 1
                continue
            elif nxt in "pP":
                raise RegexError(
                    f"error parsing regexp: unicode classes (\\{nxt}) are not supported by "
                    "orchctl's evaluator"
                )
            elif nxt.isalnum() and nxt not in _PERL_ESCAPES and nxt not in "afnrtvx":
                raise _err("invalid escape sequence", "\\" + nxt)
            else:
                out.append(ch + nxt)
            i += 2
            continue
        if ch == "[":
            j, text = _translate_class(pattern, i)
            out.append(text)
            i = j
            continue
        if ch == "(":
            if pattern.startswith("(?", i):
                if pattern.startswith("(?P<", i) or pattern.startswith("(?P=", i):
                    if pattern.startswith("(?P=", i):
                        raise _err("invalid named capture", pattern[i : i + 4])
                    out.append("(?P<")
                    i += 4
                    depth += 1
                    continue
                if pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
                    out.append("(?P<")
                    i += 3
                    depth += 1
                    continue
                end = pattern.find(")", i)
                flags_text = pattern[i + 2 : end] if end > 0 else ""
                group_flags = flags_text.split(":", 1)[0]
                if end < 0 or not re.fullmatch(r"-?[imsU]*(-[imsU]*)?", group_flags):
                    raise _err("invalid or unsupported Perl syntax", pattern[i : i + 3])
                if "U" in group_flags:
                    raise RegexError(
                        "error parsing regexp: the (?U) flag is not supported by orchctl's "
                        "evaluator"
                    )
                if ":" in flags_text:
                    out.append("(?" + group_flags + ":")
                    i += 3 + len(group_flags)
                    depth += 1
                    continue
                if "m" in group_flags.split("-")[0]:
                    multiline = True
                out.append("(?" + group_flags + ")")
                i = end + 1
                continue
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise _err("unexpected )", pattern)
        elif ch == "$" and not multiline:
            out.append("\\Z")
            i += 1
            continue
        elif ch == "{":
            match = _REPEAT.match(pattern, i)
            if match:
                low = int(match.group(1))
                high = match.group(3)
                if low > 1000 or (high and int(high) > 1000):
                    raise _err("invalid repeat count", match.group(0))
                if high and int(high) < low:
                    raise _err("invalid repeat count", match.group(0))
                out.append(match.group(0))
                i = match.end()
                if i < n and pattern[i] == "+":
                    raise _err("invalid nested repetition operator", match.group(0) + "+")
                continue
        elif ch in "*+?" and i + 1 < n and pattern[i + 1] == "+":
            raise _err("invalid nested repetition operator", ch + "+")
        out.append(ch)
        i += 1
    if depth > 0:
        raise _err("missing closing )", pattern)
    return _hoist_global_flags("".join(out))


def _hoist_global_flags(text: str) -> str:
    # Python wants global inline flags at the start; RE2 applies them from where they stand.
    match = re.match(r"^((?:\(\?[imsx]+\))+)", text)
    if match:
        return text
    inline = re.search(r"\(\?([imsx]+)\)", text)
    if inline is None:
        return text
    flags = inline.group(1)
    return f"(?{flags}:" + text[: inline.start()] + text[inline.end() :] + ")"


def _translate_class(pattern: str, start: int) -> tuple[int, str]:
    i = start + 1
    out = ["["]
    n = len(pattern)
    if i < n and pattern[i] == "^":
        out.append("^")
        i += 1
    first = True
    while i < n:
        ch = pattern[i]
        if ch == "]" and not first:
            out.append("]")
            return i + 1, "".join(out)
        first = False
        if pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            if end > 0:
                name = pattern[i + 2 : end]
                negated = name.startswith("^")
                key = name[1:] if negated else name
                if key not in _POSIX:
                    raise _err("invalid character class range", pattern[i : end + 2])
                if negated:
                    raise RegexError(
                        "error parsing regexp: negated POSIX classes are not supported by "
                        "orchctl's evaluator"
                    )
                out.append(_POSIX[key])
                i = end + 2
                continue
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt in "pP":
                raise RegexError(
                    f"error parsing regexp: unicode classes (\\{nxt}) are not supported by "
                    "orchctl's evaluator"
                )
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            out.append("\\[")
            i += 1
            continue
        out.append(ch)
        i += 1
    raise _err("missing closing ]", pattern[start:])


@lru_cache(maxsize=512)
def compile_regex(pattern: str) -> re.Pattern[str]:
    """Compile a Go regexp; raises :class:`RegexError` with Go's message."""
    translated = translate(pattern)
    try:
        return re.compile(translated, re.ASCII)
    except re.error as exc:
        raise RegexError(f"error parsing regexp: {exc.msg}: `{pattern}`") from None
    except (RecursionError, OverflowError):
        raise RegexError(f"error parsing regexp: expression too large: `{pattern}`") from None
