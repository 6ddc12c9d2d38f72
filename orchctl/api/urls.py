"""Where the Orchestration API lives on a stack.

Behind the Formance gateway the service is under ``/api/orchestration``; run bare it is at
the root. v1 paths are ``<prefix>/<path>``, v2 paths ``<prefix>/v2/<path>``.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from orchctl.api.config import ApiVersion

Layout = Literal["auto", "gateway", "bare"]

GATEWAY_PREFIX = "/api/orchestration"


def split_stack_url(url: str) -> tuple[str, Layout]:
    """``https://x/api/orchestration`` -> (``https://x``, ``gateway``); others: auto."""
    url = url.rstrip("/")
    if url.endswith(GATEWAY_PREFIX):
        return url[: -len(GATEWAY_PREFIX)], "gateway"
    return url, "auto"


def prefix_for(layout: Layout) -> str:
    return GATEWAY_PREFIX if layout == "gateway" else ""


def api_path(version: ApiVersion, template: str, *ids: str | int) -> str:
    """``api_path("v2", "/workflows/{}", wid)`` -> ``/v2/workflows/<wid>``; ids are
    percent-encoded so that no id can change the path."""
    quoted = tuple(quote(str(i), safe="") for i in ids)
    path = template.format(*quoted)
    return f"/v2{path}" if version == "v2" else path
