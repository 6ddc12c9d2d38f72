"""Offline trigger tests: evaluate a trigger's filter and vars on sample events like the server."""

from __future__ import annotations

from orchctl.triggertests.render import render_text, write_junit
from orchctl.triggertests.runner import (
    Check,
    Report,
    TestCase,
    TestResult,
    TriggerSpec,
    run_trigger_tests,
)

__all__ = [
    "Check",
    "Report",
    "TestCase",
    "TestResult",
    "TriggerSpec",
    "render_text",
    "run_trigger_tests",
    "write_junit",
]
