"""Trigger test runner (orchctl.triggertests) and the `orchctl test` command."""

from __future__ import annotations

import datetime as dt
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from orchctl.triggertests import (
    TestCase,
    TriggerSpec,
    render_text,
    run_trigger_tests,
    write_junit,
)
from orchctl.triggertests.runner import expected_string, jsonify

PAYIN = {
    "id": "py_1",
    "status": "SUCCEEDED",
    "type": "PAY-IN",
    "amount": 100,
    "asset": "USD/2",
    "metadata": {"wallet": "wallet:w1"},
}

TRIGGER = TriggerSpec(
    name="credit-wallet-on-payin",
    filter='event.status == "SUCCEEDED" && event.type == "PAY-IN"',
    vars={
        "amount": "event.amount",
        "wallet": 'trimPrefix(event.metadata.wallet, "wallet:")',
        "broken": "event.nothing.here",
    },
)


def run_one(test: TestCase, trigger: TriggerSpec = TRIGGER):  # type: ignore[no-untyped-def]
    spec = TriggerSpec(trigger.name, trigger.filter, trigger.vars, (test,))
    report = run_trigger_tests([spec])
    assert len(report.results) == 1
    return report.results[0]


def test_matching_event_and_vars() -> None:
    result = run_one(
        TestCase("ok", PAYIN, expect_match=True, expect_vars={"amount": "100", "wallet": "w1"})
    )
    assert result.passed
    assert result.matched
    assert result.vars["amount"] == "100"
    # an unexpected var failing does not fail the test, but is recorded
    assert "broken" in result.var_errors


def test_wrong_var_value_is_reported() -> None:
    event = dict(PAYIN, amount=100.5)
    result = run_one(TestCase("t", event, expect_vars={"amount": "100"}))
    assert not result.passed
    assert result.failures == ['vars.amount: expected "100", got "100.5"']


def test_expected_var_error_fails() -> None:
    result = run_one(TestCase("t", PAYIN, expect_vars={"broken": "x"}))
    assert not result.passed
    # the error once, on one line, with its place in the expression
    assert result.failures == [
        'vars.broken: expected "x", got error: cannot fetch here from <nil> (at 1:15 in the var)'
    ]


def test_no_match_means_vars_are_not_evaluated() -> None:
    event = dict(PAYIN, status="FAILED")
    result = run_one(TestCase("t", event, expect_match=False))
    assert result.passed
    assert result.vars == {}
    failing = run_one(TestCase("t", event, expect_vars={"amount": "100"}))
    assert not failing.passed
    assert failing.failures == [
        'vars.amount: expected "100", got nothing '
        "(the filter did not match, so vars are not evaluated)"
    ]


def test_filter_runtime_error_is_no_match() -> None:
    trigger = TriggerSpec("t", filter="event.metadata.tier == 'gold'", vars={"a": "1"})
    event = {"status": "SUCCEEDED"}
    ok = run_one(TestCase("no match expected", event, expect_match=False), trigger)
    assert ok.passed
    assert ok.filter_error is not None
    assert ok.filter_error.startswith("cannot fetch tier from <nil>")
    bad = run_one(
        TestCase("match expected", event, expect_match=True, expect_vars={"a": "1"}), trigger
    )
    assert not bad.passed
    # the filter's error is told once, after the checks it explains
    assert bad.failures == [
        "match: expected true, got false",
        'vars.a: expected "1", got nothing (the filter did not match, so vars are not evaluated)',
        "filter: error: cannot fetch tier from <nil> (at 1:16 in the filter)",
    ]


def test_non_boolean_filter_does_not_match() -> None:
    trigger = TriggerSpec("t", filter="event.amount", vars={})
    assert run_one(TestCase("t", PAYIN, expect_match=False), trigger).passed


def test_no_filter_always_matches() -> None:
    trigger = TriggerSpec("t", filter=None, vars={"id": "event.id"})
    result = run_one(TestCase("t", PAYIN, expect_match=True, expect_vars={"id": "py_1"}), trigger)
    assert result.passed


def test_compile_errors_fail_every_test() -> None:
    trigger = TriggerSpec("t", filter="event.status ==", vars={})
    result = run_one(TestCase("t", PAYIN, expect_match=False), trigger)
    assert not result.passed
    assert result.failures == [
        "filter: does not compile: unexpected token EOF (at 1:15 in the filter)"
    ]


def test_unknown_expected_var_and_empty_expectations() -> None:
    assert "defines no var" in run_one(TestCase("t", PAYIN, expect_vars={"x": "1"})).failures[0]
    assert "expects nothing" in run_one(TestCase("t", PAYIN)).failures[0]


def test_links_feed_link_calls() -> None:
    trigger = TriggerSpec("t", vars={"vip": 'link(event, "account").metadata.vip'})
    given = run_one(
        TestCase(
            "t", PAYIN, links={"account": {"metadata": {"vip": "yes"}}}, expect_vars={"vip": "yes"}
        ),
        trigger,
    )
    assert given.passed
    missing = run_one(TestCase("t", PAYIN, expect_vars={"vip": "yes"}), trigger)
    assert not missing.passed
    assert "no linked resource 'account' provided in the test's links" in missing.failures[0]
    assert "link(): link():" not in missing.failures[0]


def test_yaml_values_become_json() -> None:
    stamp = dt.datetime(2024, 1, 15, 10, 30, tzinfo=dt.UTC)
    assert jsonify({"at": stamp, "day": dt.date(2024, 1, 2)}) == {
        "at": "2024-01-15T10:30:00Z",
        "day": "2024-01-02",
    }
    assert expected_string(100) == "100"
    assert expected_string(1.5) == "1.5"
    assert expected_string(True) == "true"
    assert expected_string(None) == "<nil>"
    trigger = TriggerSpec("t", vars={"at": "event.at"})
    result = run_one(
        TestCase("t", {"at": stamp}, expect_vars={"at": "2024-01-15T10:30:00Z"}), trigger
    )
    assert result.passed


def test_render_text_and_summary() -> None:
    tests = (
        TestCase("passes", PAYIN, expect_match=True),
        TestCase("fails", dict(PAYIN, amount=100.5), expect_vars={"amount": "100", "broken": "x"}),
    )
    report = run_trigger_tests([TriggerSpec(TRIGGER.name, TRIGGER.filter, TRIGGER.vars, tests)])
    # a TriggerSpec has no file: no location line
    assert render_text(report) == [
        "PASS credit-wallet-on-payin \u203a passes",
        "FAIL credit-wallet-on-payin \u203a fails",
        '     vars.amount: expected "100", got "100.5"',
        '     vars.broken: expected "x", got error: cannot fetch here from <nil> '
        "(at 1:15 in the var)",
        "1 passed, 1 failed",
    ]
    assert not report.ok


def test_junit_has_one_suite_per_trigger(tmp_path: Path) -> None:
    other = TriggerSpec("other", filter="true", tests=(TestCase("x", {}, expect_match=True),))
    main = TriggerSpec(
        TRIGGER.name,
        TRIGGER.filter,
        TRIGGER.vars,
        (TestCase("a", PAYIN, expect_match=True), TestCase("b", PAYIN, expect_match=False)),
    )
    path = tmp_path / "junit.xml"
    write_junit(run_trigger_tests([main, other]), str(path))
    root = ET.parse(path).getroot()
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [TRIGGER.name, "other"]
    assert suites[0].get("tests") == "2"
    assert suites[0].get("failures") == "1"
    failure = suites[0].find("testcase[@name='b']/failure")
    assert failure is not None
    assert failure.get("message") == "match: expected false, got true"
    assert root.get("failures") == "1"


PROJECT = {
    "orchctl.yaml": "namespace: demo\n",
    "workflows/credit.yaml": """
        kind: Workflow
        name: credit-wallet
        stages:
          - delay:
              duration: 1s
    """,
    "triggers/credit.yaml": """
        kind: Trigger
        name: credit-wallet-on-payin
        workflow: credit-wallet
        event: SAVED_PAYMENT
        filter: 'event.status == "SUCCEEDED" && int(event.tier) > 0'
        vars:
          amount: string(event.amount)
        tests:
          - name: a succeeded pay-in credits the wallet
            event: {status: SUCCEEDED, tier: "1", amount: 100}
            expect: {match: true, vars: {amount: "100"}}
          - name: a large amount
            event: {status: SUCCEEDED, tier: "1", amount: 2500000}
            expect: {match: true, vars: {amount: "2500000"}}
          - name: a gold tier
            event: {status: SUCCEEDED, tier: gold, amount: 100}
            expect: {match: true, vars: {amount: "100"}}
          - name: a gold tier is no match
            event: {status: SUCCEEDED, tier: gold, amount: 100}
            expect: {match: false}
    """,
}


def write_project(root: Path, replace: tuple[str, str] = ("", "")) -> None:
    for name, text in PROJECT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = textwrap.dedent(text).lstrip().replace(*replace)
        path.write_text(text, encoding="utf-8")


def test_cli_runs_project_tests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchctl.cli.main import run

    write_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    code = run(["--no-color", "test", "--junit", "out.xml"])
    captured = capsys.readouterr()
    assert code == 1
    # each failure: the test's place in its file, then one line per problem, errors once
    assert captured.out.splitlines() == [
        "PASS credit-wallet-on-payin \u203a a succeeded pay-in credits the wallet",
        "FAIL credit-wallet-on-payin \u203a a large amount",
        "     triggers/credit.yaml:12:5",
        '     vars.amount: expected "2500000", got "2.5e+06"',
        "FAIL credit-wallet-on-payin \u203a a gold tier",
        "     triggers/credit.yaml:15:5",
        "     match: expected true, got false",
        '     vars.amount: expected "100", got nothing '
        "(the filter did not match, so vars are not evaluated)",
        '     filter: error: strconv.Atoi: parsing "gold": invalid syntax (at 1:32 in the filter)',
        "PASS credit-wallet-on-payin \u203a a gold tier is no match (filter error, counted as no "
        'match: strconv.Atoi: parsing "gold": invalid syntax (1:32))',
        "2 passed, 2 failed",
    ]
    # validation ran (string() of event.amount, an unused var): its warnings are counted
    assert captured.err == "2 warnings in the definitions (`orchctl validate` lists them)\n"
    root = ET.parse(tmp_path / "out.xml").getroot()
    assert (root.get("tests"), root.get("failures")) == ("4", "2")
    failure = root.find("testsuite/testcase[@name='a gold tier']/failure")
    assert failure is not None
    assert failure.text == (
        "triggers/credit.yaml:15:5\n"
        "match: expected true, got false\n"
        'vars.amount: expected "100", got nothing '
        "(the filter did not match, so vars are not evaluated)\n"
        'filter: error: strconv.Atoi: parsing "gold": invalid syntax (at 1:32 in the filter)'
    )


def test_cli_invalid_definitions_run_no_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchctl.cli.main import run

    write_project(tmp_path, ("expect: {match: false}", "expect: {match: maybe}"))
    monkeypatch.chdir(tmp_path)
    assert run(["--no-color", "test", "--junit", "out.xml"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "triggers/credit.yaml:20:21: Trigger 'credit-wallet-on-payin': tests[3].expect.match: "
        "expected a boolean (true or false), got string 'maybe'",
        "orchctl: error: the definitions are invalid (1 error, 2 warnings in 1 file); no test "
        "was run",
    ]
    assert not (tmp_path / "out.xml").exists()


def test_cli_unknown_trigger_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from orchctl.cli.main import run

    write_project(tmp_path)
    assert run(["-C", str(tmp_path), "test", "nope"]) == 1
    assert "no trigger named 'nope'" in capsys.readouterr().err
