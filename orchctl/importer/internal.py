"""Objects apply keeps on the stack for itself: never imported.

apply's lease (lock objects, `orchctl/apply/lock.py`), its shadow triggers and the
temporary workflows of `orchctl test --remote` (`orchctl/apply/shadow.py`) are not the
user's definitions. This single filter is the one place import asks.
"""

from __future__ import annotations

from orchctl.api import Trigger, Workflow
from orchctl.apply.lock import is_lock_object
from orchctl.apply.shadow import is_shadow


def is_apply_internal(obj: Workflow | Trigger) -> bool:
    """Whether `obj` is one of apply's own objects (a lock object or a shadow)."""
    return is_lock_object(obj) or is_shadow(obj)
