"""Identifier checks."""

from __future__ import annotations

import uuid


def is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def new_id() -> str:
    return str(uuid.uuid4())
