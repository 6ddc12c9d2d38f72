"""date(), duration(), now() and timezone() with Go's layouts and String() forms."""

from __future__ import annotations

from typing import Any

import pytest

from orchctl.expr import ExprRuntimeError, compile_expr, stringify


def run(source: str, env: dict[str, Any] | None = None) -> Any:
    return compile_expr(source).run(env or {})


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("date('2024-01-15T10:30:00.123Z')", "2024-01-15 10:30:00.123 +0000 UTC"),
        ("date('2024-01-15')", "2024-01-15 00:00:00 +0000 UTC"),
        ("date('2024-01-15 08:00:00')", "2024-01-15 08:00:00 +0000 UTC"),
        ("date('2024-01-15T10:30:00+02:00')", "2024-01-15 10:30:00 +0200 +0200"),
        ("date('15/01/2024', '02/01/2006')", "2024-01-15 00:00:00 +0000 UTC"),
        (
            "date('2024-07-01 12:00', '2006-01-02 15:04', 'Europe/Paris')",
            "2024-07-01 12:00:00 +0200 CEST",
        ),
        (
            "date('2024-01-15T10:30:00Z').Format('Mon Jan _2 3:04PM 2006')",
            "Mon Jan 15 10:30AM 2024",
        ),
        ("date('2024-01-15T10:30:00Z').Month()", "January"),
        ("date('2024-01-15T10:30:00Z').Unix()", "1705314600"),
        ("date('2024-01-02') - date('2024-01-01')", "24h0m0s"),
        ("date('2024-01-01') + duration('36h')", "2024-01-02 12:00:00 +0000 UTC"),
        ("duration('1h15m30.5s')", "1h15m30.5s"),
        ("duration('1.5ms')", "1.5ms"),
        ("duration('-90s')", "-1m30s"),
        ("duration('2h').Minutes()", "120"),
        ("timezone('Europe/Paris').String()", "Europe/Paris"),
        ("date('2024-01-15T10:30:00Z').In(timezone('America/New_York')).Hour()", "5"),
    ],
)
def test_time_values(source: str, text: str) -> None:
    assert stringify(run(source)) == text


def test_comparisons_with_now() -> None:
    env = {"event": {"createdAt": "2020-05-01T00:00:00Z"}}
    assert run("date(event.createdAt) < now()", env) is True
    assert run("now() - date(event.createdAt) > duration('24h')", env) is True
    assert run("date(event.createdAt) == date('2020-05-01')", env) is True


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("duration('error')", 'time: invalid duration "error"'),
        ("duration('5')", 'time: missing unit in duration "5"'),
        ("duration('5y')", 'time: unknown unit "y" in duration "5y"'),
        ("date('error')", "invalid date error"),
        ("timezone('Mars/Olympus')", "unknown time zone Mars/Olympus"),
        ("date('2024-13-01', '2006-01-02')", 'parsing time "2024-13-01": month out of range'),
    ],
)
def test_time_errors(source: str, message: str) -> None:
    with pytest.raises(ExprRuntimeError) as info:
        run(source)
    assert info.value.message == message
