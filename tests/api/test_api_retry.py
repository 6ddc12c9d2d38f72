from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchctl.api.retry import Kind, RetryPolicy, parse_retry_after, status_is_retryable

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_full_jitter_spans_zero_to_the_exponential_cap() -> None:
    p = RetryPolicy(base_delay=0.5, max_delay=3.0)
    assert p.backoff(0, lambda: 0.0) == 0.0
    assert p.backoff(0, lambda: 1.0) == 0.5
    assert p.backoff(1, lambda: 1.0) == 1.0
    assert p.backoff(2, lambda: 1.0) == 2.0
    assert p.backoff(3, lambda: 1.0) == 3.0  # capped
    assert p.backoff(50, lambda: 0.5) == 1.5


@given(st.integers(min_value=0, max_value=60), st.floats(min_value=0, max_value=1))
def test_backoff_never_exceeds_the_cap(n: int, r: float) -> None:
    p = RetryPolicy(base_delay=0.25, max_delay=8.0)
    assert 0.0 <= p.backoff(n, lambda: r) <= min(8.0, 0.25 * 2**n)


def test_retry_after_is_a_floor_not_a_replacement() -> None:
    p = RetryPolicy(base_delay=1.0, max_delay=8.0)
    assert p.delay(0, 2.0, lambda: 0.1) == 2.0
    assert p.delay(3, 2.0, lambda: 1.0) == 8.0
    assert p.delay(0, None, lambda: 0.5) == 0.5


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("3", 3.0),
        (" 1.5 ", 1.5),
        ("-4", 0.0),
        ("soon", None),
        ("nan", None),
        ((NOW + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT"), 30.0),
        ((NOW - timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT"), 0.0),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == expected


@pytest.mark.parametrize(
    ("status", "kind", "retry"),
    [
        (429, Kind.READ, True),
        (429, Kind.WRITE, True),  # the server refused it: nothing was done
        (502, Kind.READ, True),
        (503, Kind.IDEMPOTENT, True),
        (504, Kind.READ, True),
        (500, Kind.READ, True),
        (500, Kind.IDEMPOTENT, False),
        (500, Kind.WRITE, False),
        (502, Kind.WRITE, False),
        (400, Kind.READ, False),
        (401, Kind.READ, False),
        (404, Kind.READ, False),
    ],
)
def test_which_statuses_are_retried(status: int, kind: Kind, retry: bool) -> None:
    assert status_is_retryable(status, kind) is retry
