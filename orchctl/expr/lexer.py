"""Tokenizer following expr-lang's lexer (parser/lexer): same tokens, same error positions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from orchctl.expr.goquote import go_quote
from orchctl.expr.gostr import GO_SPACE

IDENTIFIER = "Identifier"
NUMBER = "Number"
STRING = "String"
OPERATOR = "Operator"
BRACKET = "Bracket"
EOF = "EOF"

WORD_OPERATORS = frozenset(
    {"in", "or", "and", "matches", "contains", "startsWith", "endsWith", "let", "if", "else"}
)
NEGATABLE = frozenset({"in", "matches", "contains", "startsWith", "endsWith"})


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    value: str
    start: int  # character offset of the token's first character

    def is_(self, kind: str, value: str | None = None) -> bool:
        return self.kind == kind and (value is None or self.value == value)

    def __str__(self) -> str:
        if self.value == "":
            return self.kind
        return f"{self.kind}({go_quote(self.value)})"


class LexError(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


# Runs the character loops below would take one by one: ASCII identifier characters (those
# for which is_alphanumeric is true), and string characters that are not special.
_ASCII_WORD = re.compile(r"[A-Za-z0-9_$]*")
_PLAIN_STRING = {'"': re.compile(r'[^"\\\n]*'), "'": re.compile(r"[^'\\\n]*")}


def _skip(run: re.Pattern[str], text: str, pos: int) -> int:
    found = run.match(text, pos)
    return pos if found is None else found.end()


def is_alphanumeric(ch: str) -> bool:
    return ch == "_" or ch == "$" or ch.isalpha() or ch.isdecimal()


def _is_space(ch: str) -> bool:
    return ch in GO_SPACE  # unicode.IsSpace


def _format_rune(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    if ch.isprintable():
        return f"{code} '{ch}'"
    return code


class _Lexer:
    def __init__(self, source: str) -> None:
        self.src = source
        self.n = len(source)
        self.start = 0
        self.end = 0
        self.tokens: list[Token] = []

    # --- primitive moves (mirror the Go lexer, including end-past-EOF bookkeeping) ---
    def next(self) -> str:
        if self.end >= self.n:
            self.end += 1
            return ""
        ch = self.src[self.end]
        self.end += 1
        return ch

    def peek(self) -> str:
        return self.src[self.end] if self.end < self.n else ""

    def backup(self) -> None:
        self.end -= 1

    def accept(self, valid: str) -> bool:
        ch = self.next()
        if ch != "" and ch in valid:
            return True
        self.backup()
        return False

    def accept_run(self, valid: str) -> None:
        while True:
            ch = self.next()
            if ch == "" or ch not in valid:
                break
        self.backup()

    def word(self) -> str:
        return self.src[self.start : self.end]

    def emit(self, kind: str, value: str | None = None) -> None:
        self.tokens.append(Token(kind, self.word() if value is None else value, self.start))
        self.start = self.end

    def skip(self) -> None:
        self.start = self.end

    def error(self, message: str) -> LexError:
        return LexError(message, max(self.end - 1, 0))

    # --- states ---
    def run(self) -> list[Token]:
        while True:
            ch = self.next()
            if ch == "":
                self.tokens.append(Token(EOF, "", max(self.end - 2, 0)))
                return self.tokens
            if _is_space(ch):
                self.skip()
            elif ch in "'\"":
                self.scan_string(ch)
            elif ch == "`":
                self.scan_raw_string()
            elif "0" <= ch <= "9":
                self.backup()
                self.number()
            elif ch == "?":
                self.accept(".?")
                self.emit(OPERATOR)
            elif ch == "/":
                self.slash()
            elif ch == "#":
                self.pointer()
            elif ch == "|":
                self.accept("|")
                self.emit(OPERATOR)
            elif ch == ":":
                self.accept(":")
                self.emit(OPERATOR)
            elif ch in "([{)]}":
                self.emit(BRACKET)
            elif ch in ",;%+-^":
                self.emit(OPERATOR)
            elif ch in "&!=*<>":
                self.accept("&=*")
                self.emit(OPERATOR)
            elif ch == ".":
                self.backup()
                self.dot()
            elif is_alphanumeric(ch):
                self.backup()
                self.identifier()
            else:
                raise self.error(f"unrecognized character: {_format_rune(ch)}")

    def scan_number(self) -> bool:
        digits = "0123456789_"
        if self.accept("0"):
            if self.accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self.accept("oO"):
                digits = "01234567_"
            elif self.accept("bB"):
                digits = "01_"
        self.accept_run(digits)
        end = self.end
        if self.accept("."):
            if self.peek() == ".":
                self.end = end
                return True
            self.accept_run(digits)
        if self.accept("eE"):
            self.accept("+-")
            self.accept_run(digits)
        nxt = self.peek()
        if nxt != "" and is_alphanumeric(nxt):
            self.next()
            return False
        return True

    def number(self) -> None:
        if not self.scan_number():
            raise self.error(f"bad number syntax: {go_quote(self.word())}")
        self.emit(NUMBER)

    def dot(self) -> None:
        self.next()
        if self.accept("0123456789"):
            self.backup()
            self.number()
            return
        self.accept(".")
        self.emit(OPERATOR)

    def identifier(self) -> None:
        self.end = _skip(_ASCII_WORD, self.src, self.end)  # the common case, at C speed
        while True:
            ch = self.next()
            if ch != "" and is_alphanumeric(ch):
                continue
            self.backup()
            break
        word = self.word()
        if word == "not" or word in WORD_OPERATORS:
            self.emit(OPERATOR)
        else:
            self.emit(IDENTIFIER)

    def slash(self) -> None:
        if self.accept("/"):
            while True:
                ch = self.next()
                if ch == "" or ch == "\n":
                    break
            self.skip()
            return
        if self.accept("*"):
            while True:
                ch = self.next()
                if ch == "":
                    raise self.error("unclosed comment")
                if ch == "*" and self.accept("/"):
                    break
            self.skip()
            return
        self.emit(OPERATOR)

    def pointer(self) -> None:
        self.accept("#")
        self.emit(OPERATOR)
        while True:
            ch = self.next()
            if ch != "" and is_alphanumeric(ch):
                continue
            self.backup()
            if self.word() != "":
                self.emit(IDENTIFIER)
            return

    def scan_string(self, quote: str) -> None:
        self.end = _skip(_PLAIN_STRING[quote], self.src, self.end)  # up to \\, \n or quote
        ch = self.next()
        while ch != quote:
            if ch == "\n" or ch == "":
                raise self.error("literal not terminated")
            if ch == "\\":
                ch = self.scan_escape(quote)
            else:
                ch = self.next()
        try:
            value = unescape(self.word())
        except ValueError as exc:
            raise self.error(str(exc)) from None
        self.emit(STRING, value)

    def scan_digits(self, ch: str, base: int, n: int) -> str:
        while n > 0 and ch != "" and _digit_val(ch) < base:
            ch = self.next()
            n -= 1
        if n > 0:
            raise self.error("invalid char escape")
        return ch

    def scan_escape(self, quote: str) -> str:
        ch = self.next()
        if ch != "" and ch in "abfnrtv\\" + quote:
            return self.next()
        if ch != "" and ch in "01234567":
            return self.scan_digits(ch, 8, 3)
        if ch == "x":
            return self.scan_digits(self.next(), 16, 2)
        if ch == "u":
            return self.scan_digits(self.next(), 16, 4)
        if ch == "U":
            return self.scan_digits(self.next(), 16, 8)
        raise self.error("invalid char escape")

    def scan_raw_string(self) -> None:
        ch = self.next()
        while ch != "`":
            if ch == "":
                raise self.error("literal not terminated")
            ch = self.next()
        self.emit(STRING, self.src[self.start + 1 : self.end - 1])


def _digit_val(ch: str) -> int:
    if "0" <= ch <= "9":
        return ord(ch) - 48
    low = ch.lower()
    if "a" <= low <= "f" and len(low) == 1:
        return ord(low) - 87
    return 16


_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
}


def unescape(literal: str) -> str:
    """Decode a quoted literal (quotes included) like expr's parser/unescape.go."""
    quote = literal[0]
    body = literal[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    n = len(body)
    while i < n:
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        i += 1
        if i >= n:
            raise ValueError("unable to unescape string")
        esc = body[i]
        if esc in _SIMPLE_ESCAPES:
            if esc in "'\"" and esc != quote:
                raise ValueError("unable to unescape string")
            out.append(_SIMPLE_ESCAPES[esc])
            i += 1
        elif esc in "01234567":
            digits = body[i : i + 3]
            value = int(digits, 8)
            if value > 255:
                raise ValueError("unable to unescape string")
            out.append(chr(value))
            i += 3
        elif esc in "xuU":
            size = {"x": 2, "u": 4, "U": 8}[esc]
            digits = body[i + 1 : i + 1 + size]
            value = int(digits, 16)
            if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                raise ValueError("unable to unescape string")
            out.append(chr(value))
            i += 1 + size
        else:
            raise ValueError("unable to unescape string")
    return "".join(out)


def tokenize(source: str) -> list[Token]:
    """Split ``source`` into tokens; raises :class:`LexError`."""
    return _Lexer(source).run()
