"""Run the validator over a handful of files written into a temporary project."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from orchctl.definitions.loader import load_project
from orchctl.diagnostics import sort_diagnostics
from orchctl.validation.checks import check_project


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")


def diagnose(root: Path, files: dict[str, str | bytes], env: str | None = None) -> list[str]:
    """Rendered diagnostics, with paths relative to `root`."""
    write(root, files)
    old = os.getcwd()
    os.chdir(root)
    try:
        project = load_project(".", env, environ={"SECRET_PARAM": "s3cret"})
        return [d.render() for d in sort_diagnostics(check_project(project))]
    finally:
        os.chdir(old)
