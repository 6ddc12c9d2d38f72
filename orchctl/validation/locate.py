"""Building diagnostics that point into a document."""

from __future__ import annotations

from typing import Protocol

from orchctl.definitions.yamlsource import Document, PathT
from orchctl.diagnostics import Diagnostic, Severity, format_path


def at(
    doc: Document,
    path: PathT,
    code: str,
    message: str,
    hint: str | None = None,
    *,
    severity: Severity = "error",
    key: bool = False,
    kind: str | None = None,
    name: str | None = None,
    line_offset: int = 0,
    column: int | None = None,
) -> Diagnostic:
    mark = doc.mark(path, key=key)
    return Diagnostic(
        file=doc.file,
        line=mark.line + line_offset,
        column=column if column is not None else mark.column,
        severity=severity,
        code=code,
        message=message,
        hint=hint,
        kind=kind,
        name=name,
        path=format_path(path),
    )


class Problem(Protocol):
    """A function reporting a problem at a path of one definition."""

    def __call__(
        self,
        path: PathT,
        code: str,
        message: str,
        hint: str | None = None,
        *,
        warning: bool = False,
        key: bool = False,
    ) -> Diagnostic: ...


def reporter(doc: Document, kind: str, name: str) -> Problem:
    """A :class:`Problem` function for one definition."""

    def problem(
        path: PathT,
        code: str,
        message: str,
        hint: str | None = None,
        *,
        warning: bool = False,
        key: bool = False,
    ) -> Diagnostic:
        return at(
            doc,
            path,
            code,
            message,
            hint,
            severity="warning" if warning else "error",
            key=key,
            kind=kind,
            name=name,
        )

    return problem
