"""Appending to the job summary (`$GITHUB_STEP_SUMMARY`, at most 1 MiB a step)."""

from __future__ import annotations

from collections.abc import Callable

from orchctl.errors import OrchctlError

SUMMARY_BYTES = 1024 * 1024


def append_summary(path: str | None, render: Callable[[int], str]) -> bool:
    """Append `render(limit)` (markdown of at most `limit` characters) when the job has a
    summary file; the limit shrinks until the text fits GitHub's size in bytes."""
    if not path:
        return False
    limit = SUMMARY_BYTES - 2
    text = render(limit)
    while len(text.encode("utf-8")) > SUMMARY_BYTES - 2 and limit > 1_000:
        limit = limit * 3 // 4
        text = render(limit)
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text.rstrip("\n") + "\n\n")
    except OSError as exc:
        raise OrchctlError(
            f"cannot write the job summary GITHUB_STEP_SUMMARY names: {exc.strerror}"
        ) from None
    return True
