"""Objects apply keeps on the stack for itself: never imported.

apply's lease (a lock object) and its shadow triggers (copies of triggers under a private
event name, for the tests gate) are not the user's definitions. Their markers belong to
`orchctl/apply/lock.py` (`is_lock_object`) and `orchctl/apply/shadow.py` (`is_shadow`);
this single filter is the one place import asks.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

from orchctl.api import Trigger, Workflow


@functools.cache
def _predicate(module: str, name: str) -> Callable[[Any], bool] | None:
    try:
        found: Callable[[Any], bool] = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):  # not landed yet: no such objects exist
        return None
    return found


def is_apply_internal(obj: Workflow | Trigger) -> bool:
    """Whether `obj` is one of apply's own objects (a lock object or a shadow trigger)."""
    is_lock = _predicate("orchctl.apply.lock", "is_lock_object")
    is_shadow = _predicate("orchctl.apply.shadow", "is_shadow")
    if is_lock is not None and is_lock(obj):
        return True
    return isinstance(obj, Trigger) and is_shadow is not None and bool(is_shadow(obj))
