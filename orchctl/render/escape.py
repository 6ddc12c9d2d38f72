"""User content (names, values, messages) made inert in GitHub markdown and HTML."""

from __future__ import annotations

import re

# Numeric entities work both in markdown text and inside HTML tags such as <summary>.
# `@` and `#` too: in a PR comment they would mention people and link issues.
_ENTITIES = {c: f"&#{ord(c)};" for c in "&<>|`*_[]\\#@~!$"}
_BACKTICKS = re.compile(r"`+")


def escape(text: str) -> str:
    """Text shown verbatim, on one line, whatever markdown or HTML it contains."""
    flat = " ".join(text.splitlines()) if "\n" in text or "\r" in text else text
    return "".join(_ENTITIES.get(c, c) for c in flat)


def fence(body: str) -> str:
    """A code fence longer than any run of backticks in `body`, so it cannot be closed early."""
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(body)), default=0)
    return "`" * max(3, longest + 1)
