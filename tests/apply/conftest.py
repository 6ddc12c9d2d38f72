"""tests/apply reuses the planner tests' short constructors (tests/plan/plan_support.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plan"))
