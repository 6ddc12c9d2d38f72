"""Renderers of a Plan: text (terminal), json (machines), markdown (pull requests).

Each renderer reads the same plain-data Plan (orchctl.plan.model) and prints it; none
recomputes or reorders what the planner decided. Every value a renderer prints passes
through an optional ``redact`` function first (see ``redact.make_redactor``).
"""

from __future__ import annotations
