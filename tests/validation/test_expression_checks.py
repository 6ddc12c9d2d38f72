"""Filter and var syntax errors point at the character inside the YAML string."""

from __future__ import annotations

from pathlib import Path

import pytest
from validation_support import diagnose

WORKFLOW = "kind: Workflow\nname: w\nstages: [{wait_event: {event: '${a}${b}${c}${d}${e}${f}'}}]\n"

TRIGGER = """\
kind: Trigger
name: t
workflow: w
event: SAVED_PAYMENT
filter: event.status == "SUCCEEDED" &&& event.type
vars:
  a: event.id +
  b: "'it' + event.(x)"
  c: "\\"q\\" + event.@"
  d: |
    // a comment on the first line
    event.amount >
      nope(1) ==
  e: lenn(event.x)
  f: '''it'''' + event.(x)'
"""


def test_each_scalar_style_points_at_the_character(tmp_path: Path) -> None:
    assert diagnose(tmp_path, {"w.yaml": WORKFLOW, "t.yaml": TRIGGER}) == [
        # plain scalar: the third '&'
        "t.yaml:5:39: Trigger 't': filter: expression does not compile: "
        'unexpected token Operator("&")',
        "t.yaml:7:15: Trigger 't': vars.a: expression does not compile: unexpected token EOF",
        # double-quoted: the '(' after 'event.'
        "t.yaml:8:21: Trigger 't': vars.b: expression does not compile: expected name",
        # double-quoted with \\" escapes: the '@'
        "t.yaml:9:21: Trigger 't': vars.c: expression does not compile: unrecognized "
        "character: U+0040 '@'",
        # literal block: third line of the expression, after its indentation
        "t.yaml:13:17: Trigger 't': vars.d: expression does not compile: unexpected token EOF",
        "t.yaml:14:6: Trigger 't': vars.e: warning: lenn() is not an expr-lang builtin: the "
        "server accepts it, but evaluating it fails when an event arrives (did you mean `len`?)",
        # single-quoted with '' escapes
        "t.yaml:15:27: Trigger 't': vars.f: expression does not compile: literal not terminated",
    ]


def test_valid_expressions_with_link_and_params(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "orchctl.yaml": "environments:\n  local:\n    params: {floor: 100}\n",
        "w.yaml": "kind: Workflow\nname: w\nstages: [{wait_event: {event: '${a}'}}]\n",
        "t.yaml": "kind: Trigger\nname: t\nworkflow: w\nevent: SAVED_PAYMENT\n"
        "filter: event.amount > {{ params.floor }}\n"
        "vars: {a: 'link(event, \"source_account\").id'}\n",
    }
    assert diagnose(tmp_path, files) == []


STRING_OF_NUMBERS = """\
kind: Trigger
name: t
workflow: w
event: SAVED_PAYMENT
filter: string(event.amount) != "0"
vars:
  a: string(event.amount)
  b: "'EUR ' + string(event.amount * 100)"
  c: |
    event.id + "/" +
      (event.transactions[0].postings[0].amount | string())
  d: string("x")
  e: event.amount
  f: string(event.id + "x") + string(-1)
"""

STRING_WARNING = (
    'warning: string() of a number gives Go\'s %v form: 2500000 becomes "2.5e+06" '
    '(if this is a number, use the value itself (Formance stores 2500000 as "2500000"))'
)


def test_string_of_a_number_warns_at_the_call(tmp_path: Path) -> None:
    # no warning for a string literal, a bare field, or `+` with a string literal
    assert diagnose(tmp_path, {"w.yaml": WORKFLOW, "t.yaml": STRING_OF_NUMBERS}) == [
        f"t.yaml:5:9: Trigger 't': filter: {STRING_WARNING}",
        f"t.yaml:7:6: Trigger 't': vars.a: {STRING_WARNING}",
        # double-quoted: after `"'EUR ' + `
        f"t.yaml:8:16: Trigger 't': vars.b: {STRING_WARNING}",
        # literal block, second line: the `string` after the pipe
        f"t.yaml:11:51: Trigger 't': vars.c: {STRING_WARNING}",
    ]


def test_examples_validate_without_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    from orchctl.cli.main import run

    examples = Path(__file__).resolve().parents[2] / "examples"
    assert run(["-C", str(examples), "--no-color", "validate"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("Valid: ")
    assert "warning" not in captured.out + captured.err
