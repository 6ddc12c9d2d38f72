"""A command that failed, as a document: for `-o json` consumers and `-o markdown` PR
comments, which would otherwise get an empty stdout (and post an empty comment).

JSON: `schemas/failure.schema.json` (`"status": "failed"`, versioned like the plan).
Markdown: a short failure summary — what failed, why, the first problems.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from orchctl import __version__
from orchctl.diagnostics import Diagnostic
from orchctl.render.escape import escape

FORMAT_VERSION = "1"
MAX_PROBLEMS = 50  # in markdown; the JSON lists them all


def failure_to_json(
    command: str,
    error: str,
    problems: Sequence[Diagnostic] = (),
    *,
    environment: str | None = None,
    namespace: str | None = None,
) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "orchctl_version": __version__,
        "command": command,
        "status": "failed",
        "environment": environment,
        "namespace": namespace,
        "error": error,
        "problems": [p.as_json() for p in problems],
    }


def render_failure_json(
    command: str,
    error: str,
    problems: Sequence[Diagnostic] = (),
    *,
    environment: str | None = None,
    namespace: str | None = None,
) -> str:
    document = failure_to_json(
        command, error, problems, environment=environment, namespace=namespace
    )
    return json.dumps(document, indent=2)


def render_failure_markdown(
    command: str,
    error: str,
    problems: Sequence[Diagnostic] = (),
    *,
    environment: str | None = None,
) -> str:
    where = f" — <code>{escape(environment)}</code>" if environment else ""
    lines = [f"### :x: orchctl {command} failed{where}", "", escape(_sentence(error))]
    if problems:
        lines.append("")
        for problem in problems[:MAX_PROBLEMS]:
            place = f"{problem.file}:{problem.line}:{problem.column}"
            text = problem.render()[len(place) + 2 :]
            lines.append(f"- <code>{escape(place)}</code> {escape(text)}")
        if len(problems) > MAX_PROBLEMS:
            lines.append(f"- … {len(problems) - MAX_PROBLEMS} more in the job log")
    return "\n".join(lines)


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."
