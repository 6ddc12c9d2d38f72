"""When to try a call again, and how long to wait first.

Retried: connection failures, 429 (after its Retry-After), 502, 503, 504, and 500 for reads.
A POST is retried only when the request provably did not reach the server (the connection
was never made, or the server answered 429); any other failure of a POST is "outcome
unknown" and goes back to the caller. Pauses use exponential backoff with full jitter
(AWS Architecture Blog, "Exponential Backoff And Jitter").
"""

from __future__ import annotations

import email.utils
import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from orchctl.api.config import RetrySettings

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


class Kind(enum.Enum):
    """How a request may be repeated."""

    READ = "read"  # GET, and POSTs with no side effect (test trigger): retry anything retryable
    IDEMPOTENT = "idempotent"  # DELETE, PUT abort: a repeat has the same effect; not on 500
    WRITE = "write"  # POST that creates something: only if it never reached the server


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    deadline: float = 60.0
    base_delay: float = 0.25
    max_delay: float = 8.0

    @classmethod
    def from_settings(cls, s: RetrySettings) -> RetryPolicy:
        return cls(s.attempts, s.deadline, s.base_delay, s.max_delay)

    def backoff(self, retry_number: int, rng: Callable[[], float]) -> float:
        """Full jitter: uniform in [0, min(max_delay, base_delay * 2**retry_number)]."""
        cap = min(self.max_delay, self.base_delay * 2.0 ** max(0, retry_number))
        return float(rng()) * cap

    def delay(
        self, retry_number: int, retry_after: float | None, rng: Callable[[], float]
    ) -> float:
        """Pause before retry ``retry_number`` (0 = the first retry); never shorter than
        the server's Retry-After."""
        jittered = self.backoff(retry_number, rng)
        if retry_after is None:
            return jittered
        return max(retry_after, jittered)


def status_is_retryable(status: int, kind: Kind) -> bool:
    if kind is Kind.WRITE:
        return status == 429
    if status in RETRYABLE_STATUSES:
        return True
    return status == 500 and kind is Kind.READ


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date.
    None when absent or unparseable; never negative."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN / inf
            return None
        return max(0.0, seconds)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now if now is not None else datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())
