"""A markdown plan cut to a size, keeping its head and its tail.

The markdown plan is a head (title, counts, graph, findings) followed by one collapsible
section per change. Cutting inside a section would break its `<details>` or code fence,
so whole sections are dropped from the middle: the first and the last changes stay, and a
note in their place says how many were left out and where the full plan is.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

SECTION_START = "\n<details><summary><code>"  # a change's section (render/markdown.py)


def split_sections(markdown: str) -> tuple[str, list[str]]:
    """(head, sections); joined with "" they give `markdown` back."""
    starts: list[int] = []
    at = markdown.find(SECTION_START)
    while at != -1:
        starts.append(at + 1)
        at = markdown.find(SECTION_START, at + 1)
    if not starts:
        return markdown, []
    bounds = [*starts, len(markdown)]
    head = markdown[: starts[0]]
    return head, [markdown[a:b] for a, b in itertools.pairwise(bounds)]


def fit_sections(markdown: str, limit: int, note: Callable[[int], str]) -> str | None:
    """`markdown` itself when it fits; else its head, the first and the last sections that
    fit around `note(left_out)`; None when even the head and the note do not fit."""
    if len(markdown) <= limit:
        return markdown
    head, sections = split_sections(markdown)
    budget = limit - len(head) - len(note(len(sections))) - 2
    if budget < 0:
        return None
    first: list[str] = []
    last: list[str] = []
    i, j = 0, len(sections) - 1
    take_first = True
    while i <= j:
        piece = sections[i] if take_first else sections[j]
        if len(piece) > budget:
            # the other end may still have a smaller one: try it once, then stop
            other = sections[j] if take_first else sections[i]
            if len(other) > budget:
                break
            take_first = not take_first
            continue
        budget -= len(piece)
        if take_first:
            first.append(piece)
            i += 1
        else:
            last.insert(0, piece)
            j -= 1
        take_first = not take_first
    left_out = j - i + 1
    middle = note(left_out) + "\n\n" if left_out else ""
    text = head + "".join(first) + middle + "".join(last)
    return text.rstrip("\n")
