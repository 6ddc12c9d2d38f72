"""The Go-time differential table: every Go duration and RFC 3339 parser in orchctl gives
Go's answer (tests/oracle checks the table against Go itself)."""

from __future__ import annotations

import datetime as dt

import pytest
from gotime_table import DURATIONS, TIMESTAMPS

from orchctl.expr import compile_expr, gotime
from orchctl.expr.errors import ExprRuntimeError
from orchctl.sandbox import clock
from orchctl.sandbox.stages import StageError, parse_duration
from orchctl.validation.formats import check_rfc3339, parse_go_duration


@pytest.mark.parametrize(("text", "want"), DURATIONS)
def test_durations_answer_as_go(text: str, want: int | str) -> None:
    if isinstance(want, int):
        assert gotime.parse_duration(text).ns == want
        assert parse_go_duration(text) == want
        assert parse_duration(text) == want / 1e9
        assert compile_expr("duration(d).Nanoseconds()").run({"d": text}) == want
        return
    with pytest.raises(gotime.TimeError) as caught:
        gotime.parse_duration(text)
    assert str(caught.value) == want
    with pytest.raises(ValueError, match=r"."):
        parse_go_duration(text)
    with pytest.raises(StageError) as stage_error:
        parse_duration(text)
    assert str(stage_error.value) == want
    with pytest.raises(ExprRuntimeError) as expr_error:
        compile_expr("duration(d)").run({"d": text})
    assert expr_error.value.message == want


@pytest.mark.parametrize(("text", "want"), TIMESTAMPS)
def test_rfc3339_answers_as_go(text: str, want: tuple[int, int] | str) -> None:
    if isinstance(want, tuple):
        t = gotime.parse_rfc3339(text)
        assert (t.sec, t.nsec) == want
        assert check_rfc3339(text) is None
        moment = clock.parse_rfc3339(text)
        if 1 <= int(text[:4]) <= 9998:
            epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
            assert moment == epoch + dt.timedelta(seconds=want[0], microseconds=want[1] // 1000)
        return
    with pytest.raises(gotime.TimeError) as caught:
        gotime.parse_rfc3339(text)
    assert str(caught.value) == want
    assert check_rfc3339(text) is not None
    with pytest.raises(ValueError) as clock_error:
        clock.parse_rfc3339(text)
    assert str(clock_error.value) == want


def test_the_cases_the_issue_names() -> None:
    # Overflow in Go, accepted before: the sandbox took both.
    for text in ("3000000h", "9223372036854775808ns"):
        with pytest.raises(StageError):
            parse_duration(text)
    # Go accepts the most negative duration; validation refused it.
    assert parse_go_duration("-9223372036854775808ns") == -(2**63)
    # The sandbox accepted these; Go does not.
    for text in ("20260101T000000Z", "2026-01-01t00:00:00Z", "2026-01-01T00:00:00z"):
        with pytest.raises(ValueError, match="cannot parse"):
            clock.parse_rfc3339(text)
    # Validation accepted a leap second; Go does not.
    assert check_rfc3339("2016-12-31T23:59:60Z") == "not a valid date/time: second out of range"
