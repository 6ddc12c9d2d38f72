"""Kinds of disagreement with Go not fixed yet, each with its reason (none is accepted).

tests/oracle/test_oracle.py fails on any disagreement outside these; benchmarks/expr_oracle.py
reports how many cases fall in each and exits non-zero when one no longer occurs (so the list
only shrinks).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from harness import Disagreement


def _has(pattern: str) -> Callable[[Disagreement], bool]:
    return lambda d: re.search(pattern, d.request.get("expr", "")) is not None


# Kinds of disagreement NOT fixed yet (none is accepted as right): name -> (test, reason).
# Each was found by this oracle; see CHANGELOG "Issue 15" for the ones that were fixed.
KNOWN_GAPS: dict[str, tuple[Callable[[Disagreement], bool], str]] = {}


def gap_of(d: Disagreement) -> str | None:
    """The known gap a disagreement falls in, or None."""
    for name, (matches, _reason) in KNOWN_GAPS.items():
        if matches(d):
            return name
    return None
