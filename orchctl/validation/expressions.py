"""Syntax of trigger filters and vars, checked by orchctl's expr-lang compiler.

The compiler reports a line and column inside the expression; `expression_mark` turns that
into the line and column of the character inside the YAML file, whatever the scalar style
(plain, quoted, or a `|` block).
"""

from __future__ import annotations

from collections.abc import Iterator

from orchctl.definitions.model import Trigger
from orchctl.definitions.yamlsource import Document, Mark, PathT
from orchctl.diagnostics import Diagnostic, format_path
from orchctl.expr import ExprCompileError, compile_expr
from orchctl.expr.parser import BUILTIN_NAMES
from orchctl.validation.hints import did_you_mean


def check_expressions(trigger: Trigger) -> Iterator[Diagnostic]:
    doc = trigger.origin.document
    sources: list[tuple[PathT, str]] = []
    if trigger.filter and trigger.filter.strip():
        sources.append((("filter",), trigger.filter))
    sources.extend((("vars", name), expr) for name, expr in trigger.vars.items())
    for path, source in sources:
        try:
            program = compile_expr(source)
        except ExprCompileError as exc:
            mark = expression_mark(doc, path, source, exc.line, exc.column)
            yield Diagnostic(
                file=doc.file,
                line=mark.line,
                column=mark.column,
                severity="error",
                code="expression",
                message=f"expression does not compile: {exc.message}",
                kind="Trigger",
                name=trigger.name,
                path=format_path(path),
            )
            continue
        for function in program.unknown_functions:
            if function == "link":
                continue
            start = doc.mark(path)
            yield Diagnostic(
                file=doc.file,
                line=start.line,
                column=start.column,
                severity="warning",
                code="expression-function",
                message=f"{function}() is not an expr-lang builtin: the server accepts it, "
                "but evaluating it fails when an event arrives",
                hint=did_you_mean(function, BUILTIN_NAMES),
                kind="Trigger",
                name=trigger.name,
                path=format_path(path),
            )


def expression_mark(doc: Document, path: PathT, source: str, line: int, column: int) -> Mark:
    """The file position of character (line, column) of the expression stored at `path`."""
    start = doc.mark(path)
    style = doc.styles.get(path, "")
    if style in ("|", ">"):
        if style == ">" and line != 1:
            return start
        return _block_mark(doc, start, line, column)
    if line != 1 or start.line > len(doc.lines):
        return start
    text = doc.lines[start.line - 1]
    first = start.column - 1 + (1 if style in ("'", '"') else 0)
    # walk the source text, decoding escapes, until `column - 1` characters are consumed
    want = column - 1
    pos = first
    consumed = 0
    while consumed < want and pos < len(text):
        if style == "'" and text.startswith("''", pos):
            pos += 2
        elif style == '"' and text[pos] == "\\":
            pos += _escape_width(text, pos)
        else:
            pos += 1
        consumed += 1
    if consumed < want:  # the scalar continues on the next lines: stay at its start
        return start
    return Mark(start.line, pos + 1)


def _escape_width(text: str, pos: int) -> int:
    code = text[pos + 1 : pos + 2]
    return {"x": 4, "u": 6, "U": 10}.get(code, 2)


def _block_mark(doc: Document, start: Mark, line: int, column: int) -> Mark:
    # content starts on the line after the indicator; its indentation is the first
    # non-blank content line's
    indent = 0
    for text in doc.lines[start.line :]:
        if text.strip():
            indent = len(text) - len(text.lstrip(" "))
            break
    return Mark(start.line + line, indent + column)
