"""Masking sensitive values before anything is printed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

MASK = "(sensitive)"
MIN_SECRET_LENGTH = 4  # shorter strings would mask half of every plan

Redactor = Callable[[Any], Any]


def identity(value: Any) -> Any:
    return value


def make_redactor(secrets: Iterable[str]) -> Redactor:
    """A function that replaces every occurrence of each secret (at least 4 characters)
    inside every string of a nested structure (dict keys included) with ``(sensitive)``."""
    kept = sorted({s for s in secrets if len(s) >= MIN_SECRET_LENGTH}, key=lambda s: (-len(s), s))
    if not kept:
        return identity
    # One pass with the longest secrets first: a secret inside another is still masked,
    # and the mask itself is never scanned again.
    pattern = re.compile("|".join(re.escape(s) for s in kept))
    # A mask next to the text around it can spell a secret again ("e)xx" in "e)xxxx"):
    # then the whole string goes. A secret inside the mask itself gets a plainer one.
    fallback = MASK if pattern.search(MASK) is None else "***"

    def redact(value: Any) -> Any:
        if isinstance(value, str):
            masked = pattern.sub(fallback, value)
            return fallback if pattern.search(masked) else masked
        if isinstance(value, dict):
            return {redact(k): redact(v) for k, v in value.items()}
        if isinstance(value, list):
            return [redact(v) for v in value]
        if isinstance(value, tuple):
            return tuple(redact(v) for v in value)
        return value

    return redact
