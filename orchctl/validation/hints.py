"""'Did you mean ...?' suggestions."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable


def _norm(word: str) -> str:
    return word.lower().replace("_", "").replace("-", "")


def closest(word: str, candidates: Iterable[str]) -> str | None:
    options = [c for c in candidates if c != word]
    for option in options:
        if _norm(option) == _norm(word):
            return option
    match = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if match:
        return match[0]
    prefixed = [o for o in options if len(word) >= 3 and _norm(o).startswith(_norm(word))]
    if len(prefixed) == 1:
        return prefixed[0]
    by_norm = {_norm(o): o for o in options}
    match = difflib.get_close_matches(_norm(word), list(by_norm), n=1, cutoff=0.6)
    return by_norm[match[0]] if match else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    best = closest(word, candidates)
    return f"did you mean `{best}`?" if best else None


# expr-lang operators people write as functions, from other languages.
_WORD_OPERATORS = ("contains", "startsWith", "endsWith", "matches", "in")
_UNEXPECTED_OPERATOR = re.compile(r'unexpected token Operator\("(?P<op>[^"]+)"\)')


def expression_hint(message: str) -> str | None:
    """A hint for the usual slips in an expr-lang compile error, from its message alone:
    `=` for `==`, and `contains(a, b)` for `a contains b`."""
    found = _UNEXPECTED_OPERATOR.search(message)
    if found is None:
        return None
    op = found["op"]
    if op == "=":
        return "`=` is not a comparison in expr: write `==`"
    if op in _WORD_OPERATORS:
        return f"`{op}` is an operator, not a function: write `a {op} b`, not `{op}(a, b)`"
    return None
