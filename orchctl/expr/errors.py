"""Errors raised by the expr-lang evaluator, formatted exactly like expr's ``file.Error``."""

from __future__ import annotations

from orchctl.errors import OrchctlError


def locate(source: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and 0-based column (in characters) of a character offset."""
    line = 1
    column = 0
    for index, char in enumerate(source):
        if index >= offset:
            break
        if char == "\n":
            line += 1
            column = 0
        else:
            column += 1
    return line, column


def format_error(message: str, source: str, offset: int) -> tuple[str, int, int]:
    """Format ``message`` the way expr does: ``message (line:col)\\n | src\\n | ...^``.

    Returns the formatted text, the 1-based line and the 1-based column.
    """
    line, column = locate(source, offset)
    lines = source.split("\n")
    text = lines[line - 1] if line - 1 < len(lines) else ""
    formatted = f"{message} ({line}:{column + 1})"
    if text:
        formatted += "\n | " + text.replace("\t", " ") + "\n | " + "." * column + "^"
    return formatted, line, column + 1


class ExprError(OrchctlError):
    """Base class of every error raised while compiling or running an expression."""

    def __init__(self, formatted: str, *, message: str | None = None, hint: str | None = None):
        super().__init__(formatted, hint=hint)
        #: The bare message, without position or snippet.
        self.bare_message = message if message is not None else formatted
        self.formatted = formatted

    def __str__(self) -> str:
        return self.formatted


class ExprCompileError(ExprError):
    """The expression does not compile (lexer, parser or type-checker error).

    ``message`` is the bare message, ``line``/``column`` are 1-based (columns count characters).
    """

    def __init__(self, message: str, source: str, offset: int) -> None:
        formatted, line, column = format_error(message, source, offset)
        super().__init__(formatted, message=message)
        self.message = message
        self.source = source
        self.line = line
        self.column = column


# Run errors that expr raises from a Go error value (a builtin's returned error, a runtime type
# assertion, a reflect or map panic) wrap that error; Formance's evaluator unwraps it
# (errors.Unwrap in flows internal/triggers/expression.go), so it reports the bare message.
# Errors expr raises from a formatted string (index out of range, cannot fetch, int(x), ...)
# have nothing to unwrap and keep their position. Told apart by their text, as the Go oracle
# (tests/oracle) showed them.
_WRAPPED_PREFIXES = (
    "interface conversion: ",
    "hash of unhashable type",
    "runtime error: ",
    "reflect: call of ",
    "json: unsupported ",
    "cannot concat ",
    "cannot get keys from ",
    "cannot get values from ",
    "cannot uniq ",
    "cannot transform ",
    "cannot flatten ",
    "cannot reverse ",
    "error parsing regexp: ",
    "time: ",
    "invalid date ",
    "invalid operation: negative shift count",
    "unknown time zone ",
    "invalid argument for max ",
    "invalid argument for min ",
    "invalid argument for mean ",
    "invalid argument for median ",
    "invalid argument for join ",
    "invalid argument for repeat ",
    "cannot take ",
    "invalid pair ",
)


def formance_unwraps(message: str) -> bool:
    """Whether Formance reports this run error without expr's position and snippet."""
    return message.startswith(_WRAPPED_PREFIXES)


class ExprRuntimeError(ExprError):
    """Evaluating the expression failed; ``str()`` is what expr's ``err.Error()`` gives.

    ``formance_message`` is what Formance's evaluator reports for the same failure: the bare
    message when expr wrapped a Go error (Formance unwraps it), else ``str()``.
    """

    def __init__(
        self,
        message: str,
        source: str | None = None,
        offset: int | None = None,
        *,
        wrapped: bool = False,
    ) -> None:
        if source is not None and offset is not None:
            formatted, line, column = format_error(message, source, offset)
        else:
            formatted, line, column = message, 0, 0
        super().__init__(formatted, message=message)
        self.message = message
        self.line = line
        self.column = column
        bare = wrapped or formance_unwraps(message)
        self.formance_message = message if bare else formatted


class RtError(Exception):
    """Internal: a runtime failure whose position is attached by the innermost node."""

    __slots__ = ("loc", "msg", "wrapped")

    def __init__(self, msg: str, loc: int | None = None, *, wrapped: bool = False) -> None:
        super().__init__(msg)
        self.msg = msg
        self.loc = loc
        #: expr raises this failure from a Go error value (Formance unwraps it).
        self.wrapped = wrapped
