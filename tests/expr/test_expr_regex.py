"""`matches` is Go's regexp: RE2 semantics and Go's regexp/syntax error texts.

Each error case here is one the Go oracle (tests/oracle) found where C++ RE2's own answer
differs from Go's.
"""

from __future__ import annotations

import pytest

from orchctl.expr.regex import RegexError, compile_regex


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(a", "missing closing ): `(a`"),
        ("a)", "unexpected ): `a)`"),
        ("[a", "missing closing ]: `[a`"),
        ("a**", "invalid nested repetition operator: `**`"),
        ("*", "missing argument to repetition operator: `*`"),
        ("\\", "trailing backslash at end of expression: ``"),
        ("\\8", "invalid escape sequence: `\\8`"),
        ("[z-a]", "invalid character class range: `z-a`"),
        ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
        # Go reads (?< as a named group up to the next `>`: no lookbehind, ASCII names only.
        ("(?<=a)b", "invalid named capture: `(?<=a)b`"),
        ("(?<!a)b>", "invalid named capture: `(?<!a)b>`"),
        ("(?P<é>x)", "invalid named capture: `(?P<é>`"),
        ("(?<>x)", "invalid named capture: `(?<>`"),
        ("(?\\C", "invalid or unsupported Perl syntax: `(?\\`"),
        ("(\\C(?", "invalid escape sequence: `\\C`"),
        ("((?<=)", "invalid named capture: `(?<=)`"),
        ("\\x{", "invalid escape sequence: `\\x{`"),
        ("[\\x{", "invalid escape sequence: `\\x{`"),
        # C++ RE2 accepts \C (any byte); Go refuses it, also after other text and in a class.
        ("\\C", "invalid escape sequence: `\\C`"),
        ("[\\C]", "invalid escape sequence: `\\C`"),
        ("\\C{1001}", "invalid escape sequence: `\\C`"),
        ("\\C)", "invalid escape sequence: `\\C`"),
        ("\\C**", "invalid escape sequence: `\\C`"),
        ("(\\C", "invalid escape sequence: `\\C`"),
        (")\\C", "unexpected ): `)\\C`"),
        ("a**\\C", "invalid nested repetition operator: `**`"),
        # Go checks a repeat's bounds before it looks for a stacked repetition...
        ("x*{1001}", "invalid repeat count: `{1001}`"),
        ("x{2}{1001}", "invalid repeat count: `{1001}`"),
        ("s*{11,3}", "invalid repeat count: `{11,3}`"),
        # ...names it without a non-greedy `?`...
        ("{1001}?", "invalid repeat count: `{1001}`"),
        ("x{1001}?", "invalid repeat count: `{1001}`"),
        # ...but keeps the `?` when the nesting's product passes 1000.
        ("(a{100}){100}?", "invalid repeat count: `{100}?`"),
        ("(a{100}){100}", "invalid repeat count: `{100}`"),
        ("x*{2}", "invalid nested repetition operator: `*{2}`"),
    ],
)
def test_go_error_texts(pattern: str, message: str) -> None:
    with pytest.raises(RegexError) as caught:
        compile_regex(pattern)
    assert str(caught.value) == f"error parsing regexp: {message}"


@pytest.mark.parametrize(
    ("pattern", "text", "matched"),
    [
        ("a$", "a\n", False),  # $ is end of text without (?m)
        ("(?m)a$", "a\nb", True),
        ("\\w", "é", False),  # ASCII classes
        ("\\pL", "é", True),
        ("(?i)stripe", "STRIPE", True),
        ("(?U)a+", "aaa", True),
        ("(?<name>x)", "x", True),
        ("\\Qa.b\\E", "a.b", True),
        ("\\Qa.b\\E", "axb", False),
        ("[[:alpha:]]", "x", True),
        ("\\x{263a}", "☺", True),
        ("^$", "", True),
    ],
)
def test_matching(pattern: str, text: str, matched: bool) -> None:
    assert compile_regex(pattern).search(text) is matched
