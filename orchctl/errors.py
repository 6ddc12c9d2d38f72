"""User-facing errors.

Every error a person should see derives from :class:`OrchctlError`. The CLI's one error
handler (``orchctl.cli.main``) turns them into a single line on stderr and an exit code;
anything else is a bug and is reported as such (with the traceback only under ``-v``).
"""

from __future__ import annotations


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
