"""Finding definition files under a project directory (DESIGN §1)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

PROJECT_FILE = "orchctl.yaml"
STATE_DIR = ".orchctl"
SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class FoundFile:
    path: str  # absolute
    display: str  # relative to the working directory when possible, with forward slashes


@dataclass(frozen=True)
class DiscoveryProblem:
    display: str
    message: str


def discover(
    root: str, exclude: Sequence[str] = ()
) -> tuple[list[FoundFile], list[DiscoveryProblem]]:
    """Every *.yaml/*.yml under `root`, except orchctl.yaml, .orchctl/, hidden folders and
    paths matching an `exclude` glob (relative to `root`, with `/`; a matching folder is
    not entered).

    Symbolic links are followed, but a link that leads back into a folder already being
    walked (a loop) or nowhere (dangling) is reported instead of followed.
    """
    root = os.path.abspath(root)
    found: list[FoundFile] = []
    problems: list[DiscoveryProblem] = []
    visiting: set[str] = set()
    seen_files: set[str] = set()  # a file reached twice through links is read once

    def walk(directory: str) -> None:
        real = os.path.realpath(directory)
        if real in visiting:
            problems.append(
                DiscoveryProblem(display_path(directory), "symbolic link loop: not followed")
            )
            return
        visiting.add(real)
        try:
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError as exc:
                problems.append(
                    DiscoveryProblem(display_path(directory), f"cannot list: {exc.strerror}")
                )
                return
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                full = os.path.join(directory, entry.name)
                relative = os.path.relpath(full, root).replace(os.sep, "/")
                if any(fnmatchcase(relative, pattern) for pattern in exclude):
                    continue
                try:
                    is_dir = entry.is_dir()
                    is_file = entry.is_file()
                except OSError as exc:  # ELOOP on a self-referencing link
                    problems.append(DiscoveryProblem(display_path(full), _link_problem(exc)))
                    continue
                if is_dir:
                    walk(full)
                elif entry.name.endswith(SUFFIXES):
                    if directory == root and entry.name == PROJECT_FILE:
                        continue
                    if is_file:
                        real_file = os.path.realpath(full)
                        if real_file not in seen_files:
                            seen_files.add(real_file)
                            found.append(FoundFile(full, display_path(full)))
                    elif entry.is_symlink():
                        problems.append(
                            DiscoveryProblem(
                                display_path(full), "dangling symbolic link: target is missing"
                            )
                        )
        finally:
            visiting.discard(real)

    walk(root)
    return found, problems


def _link_problem(exc: OSError) -> str:
    if exc.errno == 40:  # ELOOP
        return "symbolic link loop: not followed"
    return f"cannot read: {exc.strerror}"


def display_path(path: str) -> str:
    """A path as shown to people: relative to the working directory when it is below it."""
    rel = os.path.relpath(path)
    shown = path if rel.startswith("..") else rel
    return shown.replace(os.sep, "/")
