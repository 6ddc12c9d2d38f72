"""Hidden markers that tell orchctl's own comment or issue from every other one.

A marker is an HTML comment on the first line of the body, invisible once rendered:
``<!-- orchctl:plan env=production ns=payments -->``. Only a body that starts with the
exact marker is orchctl's; a comment that quotes or mentions it elsewhere is not.
"""

from __future__ import annotations

import re

DRIFT_LABEL = "orchctl-drift"  # the label of orchctl's drift issues (default of --label)

_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def marker(kind: str, environment: str, namespace: str | None) -> str:
    fields = f"env={_token(environment)}"
    if namespace:
        fields += f" ns={_token(namespace)}"
    return f"<!-- orchctl:{kind} {fields} -->"


def carries(body: str, mark: str) -> bool:
    first = body.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r").strip()
    return first == mark


def _token(text: str) -> str:
    """Percent-encoded: no space, and no `-->` can end the HTML comment early."""
    return _SAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), text)
