"""User-facing errors.

Every error a person should see derives from :class:`OrchctlError`. The CLI's one error
handler (``orchctl.cli.main``) turns them into a single line on stderr and an exit code;
anything else is a bug and is reported as such (with the traceback only under ``-v``).
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


class OrchctlError(Exception):
    """An error meant for the user: one clear line, exit code 1 unless told otherwise."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} (hint: {self.hint})"
        return self.message


class ProjectError(OrchctlError):
    """orchctl.yaml is missing something, or an option does not fit the project."""


class UsageError(OrchctlError):
    """A command was called in a way that cannot work."""


class EnvironmentFailure(OrchctlError):
    """The machine said no: a missing folder, a full disk, a denied permission, a busy
    port, a corrupt database. Not a bug in orchctl, and nothing to retry blindly."""


# errno -> what it means for the person reading the line.
_REASONS = {
    errno.ENOENT: "no such file or directory",
    errno.ENOTDIR: "a part of the path is not a directory",
    errno.EISDIR: "it is a directory",
    errno.EEXIST: "a file of that name is in the way",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EADDRINUSE: "the address is already in use",
    errno.EADDRNOTAVAIL: "the address is not available on this machine",
    errno.EMFILE: "too many open files",
}


def os_reason(exc: OSError) -> str:
    """The short, lowercase reason of an OSError (`no space left on the device`)."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    text = exc.strerror or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


def environment_error(
    exc: OSError | sqlite3.Error, *, doing: str | None = None, path: str | None = None
) -> EnvironmentFailure:
    """One line for an OSError or a SQLite error: what was being done, on which path, why.

    `doing` is a verb phrase ("write the plan to"); without it the line names the path the
    error carries. Used by the CLI's one error handler and by :func:`environment_errors`.
    """
    if isinstance(exc, sqlite3.Error):
        where = path or "the sandbox database"
        text = str(exc) or type(exc).__name__
        hint = None
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            hint = "it is not a usable SQLite database; move it away to start an empty sandbox"
        elif "unable to open" in text:
            text = "unable to open the database file (does its folder exist and is it writable?)"
        return EnvironmentFailure(f"cannot {doing or 'use'} {where}: {text}", hint=hint)
    where = path or exc.filename
    reason = os_reason(exc)
    if doing and where:
        return EnvironmentFailure(f"cannot {doing} {where}: {reason}")
    if where:
        return EnvironmentFailure(f"{where}: {reason}")
    if doing is None and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        doing = "write the output"  # every file orchctl writes names its path; stdout does not
    return EnvironmentFailure(f"cannot {doing}: {reason}" if doing else reason)


@contextmanager
def environment_errors(doing: str, path: str) -> Iterator[None]:
    """Inside, an OSError or SQLite error becomes one :class:`EnvironmentFailure` naming
    `path` (the path a person knows, not a temporary file beside it)."""
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        raise environment_error(exc, doing=doing, path=path) from exc
