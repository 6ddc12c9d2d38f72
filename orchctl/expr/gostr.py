"""Go strings held in Python ``str``: a Go string is bytes, and may not be valid UTF-8.

expr slices strings by bytes (``"é"[1:2]`` is the lone byte 0xA9). Such bytes are held as
Python's ``surrogateescape`` code points U+DC80..U+DCFF, one per byte that is not part of a
valid UTF-8 sequence. A string is kept canonical (its bytes decoded with ``surrogateescape``), so
``"é"[0:1] + "é"[1:2] == "é"`` as in Go; ``len`` (a rune count in expr, each invalid byte one
rune) and equality then need nothing more. Go's output of such a string through
``encoding/json`` has U+FFFD for each invalid byte (:func:`as_text`).
"""

from __future__ import annotations

import codecs
import re

_ESCAPED = re.compile("[\udc80-\udcff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _go_bytes_error(exc: UnicodeError) -> tuple[bytes, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = bytearray()
    for ch in exc.object[exc.start : exc.end]:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(code - 0xDC00)
        else:  # a lone surrogate from a JSON payload: its own three bytes, as before
            out += ch.encode("utf-8", "surrogatepass")
    return bytes(out), exc.end


codecs.register_error("orchctl-go-bytes", _go_bytes_error)


#: unicode.IsSpace's characters (strings.TrimSpace, expr's lexer); Python's str.isspace()
#: also takes U+001C..U+001F.
GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)


def go_bytes(text: str) -> bytes:
    """The bytes of the Go string ``text`` holds."""
    return text.encode("utf-8", "orchctl-go-bytes")


def from_go_bytes(data: bytes) -> str:
    """The canonical ``str`` for Go string bytes ``data``."""
    return data.decode("utf-8", "surrogateescape")


def has_raw_bytes(text: str) -> bool:
    """Whether ``text`` holds bytes that are not valid UTF-8."""
    return not text.isascii() and _ESCAPED.search(text) is not None


def concat(a: str, b: str) -> str:
    """Go's ``a + b``: bytes cut apart may join into a character again."""
    joined = a + b
    if has_raw_bytes(a) and has_raw_bytes(b):
        return from_go_bytes(go_bytes(joined))
    return joined


def slice_bytes(text: str, start: int, end: int) -> str:
    """``text[start:end]`` by bytes (bounds already clamped to the byte length)."""
    return from_go_bytes(go_bytes(text)[start:end])


def as_text(text: str) -> str:
    """What Go's ``json.Marshal`` makes of the string's bytes, as text: U+FFFD for each byte
    that is not valid UTF-8 (and for a lone surrogate a JSON payload carried in)."""
    if text.isascii():
        return text
    return _SURROGATE.sub("\ufffd", text)


def canonical(text: str) -> str:
    """``text`` with bytes that joined into characters held as those characters."""
    return from_go_bytes(go_bytes(text)) if has_raw_bytes(text) else text


def as_latin1(text: str) -> str:
    """The string's bytes one per code point, so that ``str`` methods work on bytes."""
    return go_bytes(text).decode("latin-1")


def from_latin1(text: str) -> str:
    """Inverse of :func:`as_latin1`."""
    return from_go_bytes(text.encode("latin-1"))


def needs_bytes(*texts: str) -> bool:
    """Whether a search over these strings must work on bytes to answer as Go does."""
    return any(has_raw_bytes(t) for t in texts)


def byte_find(haystack: str, needle: str, *, last: bool = False) -> int:
    """strings.Index / strings.LastIndex: a byte offset."""
    if haystack.isascii() and needle.isascii():
        return haystack.rfind(needle) if last else haystack.find(needle)
    h, n = go_bytes(haystack), go_bytes(needle)
    return h.rfind(n) if last else h.find(n)


def str_op(op: str, a: str, b: str) -> bool:
    """``contains`` / ``startsWith`` / ``endsWith`` (strings.Contains, HasPrefix, HasSuffix)."""
    if needs_bytes(a, b):
        a, b = as_latin1(a), as_latin1(b)
    if op == "contains":
        return b in a
    if op == "startsWith":
        return a.startswith(b)
    return a.endswith(b)
