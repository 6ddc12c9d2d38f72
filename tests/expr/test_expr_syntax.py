"""Lexer, parser and checker errors: expr's exact messages and positions."""

from __future__ import annotations

import pytest

from orchctl.errors import OrchctlError
from orchctl.expr import ExprCompileError, ExprError, compile_expr


def compile_error(source: str) -> ExprCompileError:
    with pytest.raises(ExprCompileError) as info:
        compile_expr(source)
    return info.value


@pytest.mark.parametrize(
    ("source", "message", "line", "column"),
    [
        ("a +", "unexpected token EOF", 1, 3),
        ("foo.", "unexpected end of expression", 1, 4),
        ("[a b]", 'unexpected token Identifier("b")', 1, 4),
        ("0b15", 'bad number syntax: "0b15"', 1, 4),
        ("1E", 'invalid float literal: strconv.ParseFloat: parsing "1E": invalid syntax', 1, 2),
        ("'abc", "literal not terminated", 1, 5),
        ('"a\\qb"', "invalid char escape", 1, 4),
        ("1 /* open", "unclosed comment", 1, 10),
        ("a @ b", "unrecognized character: U+0040 '@'", 1, 3),
        (
            "99999999999999999999",
            "invalid integer literal: strconv.ParseInt: parsing "
            '"99999999999999999999": value out of range',
            1,
            20,
        ),
        (
            "a ?? b || c",
            "Operator (||) and coalesce expressions (??) cannot be mixed. "
            "Wrap either by parentheses.",
            1,
            8,
        ),
        ("1 not == 2", 'unexpected token Operator("==")', 1, 7),
        (".foo", 'unexpected token Operator(".")', 1, 1),
        ("# > 1", 'unexpected token Operator("#")', 1, 1),
        (
            "{,}",
            "a map key must be a quoted string, a number, a identifier, or an expression "
            'enclosed in parentheses (unexpected token Operator(","))',
            1,
            2,
        ),
        ("filter([1], # > 0; true)", "wrap predicate with brackets { and }", 1, 18),
        ("all([1])", "expected at least 2 arguments", 1, 8),
    ],
)
def test_parse_errors(source: str, message: str, line: int, column: int) -> None:
    err = compile_error(source)
    assert err.message == message
    assert (err.line, err.column) == (line, column)


def test_error_text_is_exprs_format() -> None:
    err = compile_error("event.amount >")
    assert str(err) == ("unexpected token EOF (1:14)\n | event.amount >\n | .............^")


def test_multiline_positions_count_characters() -> None:
    err = compile_error('event.a == "é"\n  && event.b ==')
    assert (err.line, err.column) == (2, 15)
    assert str(err).endswith("\n |   && event.b ==\n | ..............^")


def test_tabs_are_shown_as_spaces() -> None:
    err = compile_error("\t1 +")
    assert str(err) == "unexpected token EOF (1:4)\n |  1 +\n | ...^"


def test_errors_are_orchctl_errors() -> None:
    err = compile_error("(")
    assert isinstance(err, ExprError)
    assert isinstance(err, OrchctlError)


@pytest.mark.parametrize(
    ("source", "message", "column"),
    [
        ("1 + 'a'", "invalid operation: + (mismatched types int and string)", 3),
        ("true and 1", "invalid operation: and (mismatched types bool and int)", 6),
        ("not 'a'", "invalid operation: not (mismatched type string)", 1),
        ("1.5 % 2", "invalid operation: % (mismatched types float64 and int)", 5),
        ("1 ? 2 : 3", "non-bool expression (type int) used as condition", 1),
        ("len(1)", "invalid argument for len (type int)", 1),
        ("len()", "invalid number of arguments (expected 1, got 0)", 1),
        ("upper(1)", "cannot use int as argument (type string) to call upper ", 7),
        ("trim()", "not enough arguments to call trim", 1),
        ("string(1, 2)", "too many arguments to call string", 1),
        ("map(1, #)", "builtin map takes only array (got int)", 5),
        ("filter([1], 1)", "predicate should return boolean (got int)", 13),
        ("(nil).foo", "type nil has no field foo", 7),
        ("let len = 1; len", "cannot redeclare builtin len", 5),
        ("let x = 1; let x = 2; x", "cannot redeclare variable x", 16),
        ("link(event)", "not enough arguments to call link", 1),
        ("link(event, 1)", "cannot use int as argument (type string) to call link ", 13),
        ("'a' matches '('", "error parsing regexp: missing closing ): `(`", 5),
        ("'a' matches '\\\\1'", "error parsing regexp: invalid escape sequence: `\\1`", 5),
    ],
)
def test_check_errors(source: str, message: str, column: int) -> None:
    err = compile_error(source)
    assert err.message == message
    assert err.column == column


def test_unknown_identifiers_and_functions_compile() -> None:
    # no env at compile time: unknown names are fine, unknown calls fail only when run
    program = compile_expr("whatever.deep.field == 1 || custom(1)")
    assert program.unknown_functions == ("custom",)
    assert program.source == "whatever.deep.field == 1 || custom(1)"


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("0x1F", 31),
        ("0o17", 15),
        ("0b101", 5),
        ("1_000_000", 1_000_000),
        ("1e3", 1000.0),
        ("1.5e-3", 0.0015),
        (".5", 0.5),
        ("`raw\\n`", "raw\\n"),
        ("'it\\'s'", "it's"),
        ('"tab\\tnew\\nline"', "tab\tnew\nline"),
        ('"\\u00e9\\x41\\101"', "éAA"),
        ("1 /* inline */ + 2 // trailing", 3),
        ("if 1 > 2 { 'a' } else if true { 'b' } else { 'c' }", "b"),
        ("1; 2; 3", 3),
        ("let x = 2; let y = x * 3; y + 1", 7),
        ("1..3", [1, 2, 3]),
        ("[1, 2, 3, 4][1:3]", [2, 3]),
        ("{'a': 1, b: 2, 3: 'c', ('d' + 'e'): 4}", {"a": 1, "b": 2, "3": "c", "de": 4}),
        ("-2 ** 2", -4.0),
        ("2 ** 3 ** 2", 512.0),
        ("1 < 2 < 3", True),
        ("3 > 2 > 1 == true", True),
        ("not true == false", True),
        ("'a' + 'b' not in ['ab']", False),
        ("[1, 2] | map(# + 1) | sum()", 5),
    ],
)
def test_literals_and_forms(source: str, value: object) -> None:
    result = compile_expr(source).run({})
    assert result == value
    assert type(result) is type(value)


def test_non_string_source_is_a_compile_error() -> None:
    with pytest.raises(ExprCompileError):
        compile_expr(42)  # type: ignore[arg-type]
