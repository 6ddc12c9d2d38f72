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
from orchctl.expr import ExprCompileError, ast, compile_expr
from orchctl.expr.errors import locate
from orchctl.expr.parser import BUILTIN_NAMES, parse
from orchctl.validation.hints import did_you_mean, expression_hint
from orchctl.validation.plain import is_plain

# What the checks need of one expression, as plain data (worker processes send it back, see
# orchctl.definitions.reading): its compile error (message, line, column), the functions it
# calls that expr-lang does not know, the offsets of its string() calls of possible numbers.
Analysis = tuple[tuple[str, int, int] | None, tuple[str, ...], tuple[int, ...]]


def check_expressions(
    trigger: Trigger, analyses: dict[str, Analysis] | None = None
) -> Iterator[Diagnostic]:
    """Problems of a trigger's filter and vars. `analyses` remembers, across the triggers of
    one run, what each expression text gave: `event.id` in every trigger is analysed once."""
    analyses = {} if analyses is None else analyses
    doc = trigger.origin.document
    sources: list[tuple[PathT, str]] = []
    if trigger.filter and trigger.filter.strip():
        sources.append((("filter",), trigger.filter))
    sources.extend((("vars", name), expr) for name, expr in trigger.vars.items())
    for path, source in sources:
        analysis = analyses.get(source)
        if analysis is None:
            analysis = analyses[source] = analyse(source)
        error, unknown_functions, string_calls = analysis
        if error is not None:
            message, line, column = error
            mark = expression_mark(doc, path, source, line, column)
            yield Diagnostic(
                file=doc.file,
                line=mark.line,
                column=mark.column,
                severity="error",
                code="expression",
                message=f"expression does not compile: {message}",
                hint=expression_hint(message),
                kind="Trigger",
                name=trigger.name,
                path=format_path(path),
            )
            continue
        for function in unknown_functions:
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
        for offset in string_calls:
            line, column = locate(source, offset)
            mark = expression_mark(doc, path, source, line, column + 1)
            yield Diagnostic(
                file=doc.file,
                line=mark.line,
                column=mark.column,
                severity="warning",
                code="expression-string-number",
                message='string() of a number gives Go\'s %v form: 2500000 becomes "2.5e+06"',
                hint="if this is a number, use the value itself (Formance stores 2500000 as "
                '"2500000")',
                kind="Trigger",
                name=trigger.name,
                path=format_path(path),
            )


def analyse(source: str) -> Analysis:
    """What the checks need of one expression (a pure function of its text): its compile
    error, or the functions it calls that expr-lang does not know and its string() calls of
    possible numbers. A plain comparison of event fields has none (orchctl.validation.plain)."""
    if is_plain(source):
        return None, (), ()
    return analyse_compiling(source)


def analyse_compiling(source: str) -> Analysis:
    """`analyse`, the long way: compiling the expression."""
    try:
        program = compile_expr(source)
    except ExprCompileError as exc:
        return (exc.message, exc.line, exc.column), (), ()
    calls = tuple(call.loc for call in string_of_numbers(source))
    return None, tuple(program.unknown_functions), calls


_ARITHMETIC = frozenset({"+", "-", "*", "/", "%", "**", "^"})


def string_of_numbers(source: str) -> list[ast.Builtin]:
    """The `string(x)` calls (or `x | string()`) whose argument may be a number.

    That is an arithmetic expression, or a field of the event (`event.amount`,
    `event.postings[0].amount`): every JSON number in an event is a float64, which `string()`
    formats with Go's %v (exponent form from 1e6). Types are unknown here, so a field counts.
    """
    if "string" not in source:  # the name is always written out: no call of it here
        return []
    try:
        tree = parse(source)
    except ExprCompileError:
        return []
    found: list[ast.Builtin] = []
    stack: list[ast.Node] = [tree]
    while stack:
        node = stack.pop()
        if (
            isinstance(node, ast.Builtin)
            and node.name == "string"
            and len(node.args) == 1
            and _may_be_number(node.args[0])
        ):
            found.append(node)
        stack.extend(node.children())
    found.sort(key=lambda call: call.loc)
    return found


def _may_be_number(node: ast.Node) -> bool:
    if isinstance(node, ast.Binary):
        if node.op not in _ARITHMETIC:
            return False
        # `"x" + y` concatenates strings
        return not (
            node.op == "+" and (isinstance(node.left, ast.Str) or isinstance(node.right, ast.Str))
        )
    if isinstance(node, ast.Unary):
        return node.op in ("-", "+") and _may_be_number(node.node)
    return _rooted_at_event(node)


def _rooted_at_event(node: ast.Node) -> bool:
    """`event.a`, `event?.a.b`, `event["a"][0]`: a member or index access on `event`."""
    if not isinstance(node, ast.Member | ast.Chain):
        return False
    while isinstance(node, ast.Member | ast.Chain):
        node = node.node
    return isinstance(node, ast.Ident) and node.name == "event"


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
