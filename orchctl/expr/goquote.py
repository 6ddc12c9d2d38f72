"""Go's two ways of quoting a string in a message: ``strconv.Quote`` and package ``time``'s own."""

from __future__ import annotations

_QUOTE_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def go_quote(text: str) -> str:
    """strconv.Quote."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        escaped = _QUOTE_ESCAPES.get(ch)
        if escaped is not None:
            out.append(escaped)
        elif ch.isprintable():
            out.append(ch)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def time_quote(text: str) -> str:
    """Package time's ``quote`` (its error messages): every byte of a non-ASCII or control
    character becomes ``\\xNN``; only ``"`` and ``\\`` are backslash-escaped."""
    out = ['"']
    for byte in text.encode("utf-8", "surrogatepass"):
        if byte >= 0x80 or byte < 0x20:
            out.append(f"\\x{byte:02x}")
        elif byte in (0x22, 0x5C):
            out.append("\\" + chr(byte))
        else:
            out.append(chr(byte))
    out.append('"')
    return "".join(out)
