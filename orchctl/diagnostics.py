"""Problems found in a project, each tied to a place in a file.

A diagnostic renders as ``file:LINE:COL: Kind 'name': path.inside.doc: message (hint)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from orchctl.errors import OrchctlError

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    hint: str | None = None
    kind: str | None = None
    name: str | None = None
    path: str = ""

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (
            self.file,
            self.line,
            self.column,
            0 if self.severity == "error" else 1,
            self.message,
        )

    def render(self) -> str:
        parts = [f"{self.file}:{self.line}:{self.column}:"]
        if self.kind:
            parts.append(f"{self.kind} '{self.name}':" if self.name else f"{self.kind}:")
        if self.path:
            parts.append(f"{self.path}:")
        if self.severity == "warning":
            parts.append("warning:")
        text = self.message if not self.hint else f"{self.message} ({self.hint})"
        parts.append(text)
        return " ".join(parts)

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "kind": self.kind,
            "name": self.name,
            "path": self.path,
            "message": self.message,
            "hint": self.hint,
        }

    def as_error(self) -> Diagnostic:
        return replace(self, severity="error")


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    unique = {(d.sort_key(), d.code, d.path, d.kind, d.name): d for d in diagnostics}
    return [unique[k] for k in sorted(unique, key=lambda k: (k[0], k[1], k[2]))]


def summary_line(diagnostics: list[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    files = len({d.file for d in diagnostics})
    return (
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''} "
        f"in {files} file{'s' if files != 1 else ''}"
    )


def format_path(path: Iterable[str | int]) -> str:
    """("stages", 0, "send") -> "stages[0].send"; odd keys are quoted: vars["a b"]."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part and all(c.isalnum() or c in "_-" for c in part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


class InvalidDefinitions(OrchctlError):
    """The project did not validate: the command stops, its diagnostics are the details
    (printed on stderr, and listed in `-o json` / `-o markdown` failure documents)."""

    def __init__(
        self,
        message: str,
        diagnostics: Iterable[Diagnostic],
        *,
        environment: str | None = None,
        namespace: str | None = None,
    ) -> None:
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)
        self.environment = environment
        self.namespace = namespace
