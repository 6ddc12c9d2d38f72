"""Imported objects as definition files: YAML that loads back to exactly what the stack
stores, written only where no file exists."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from orchctl.api import Trigger, Workflow
from orchctl.errors import OrchctlError
from orchctl.importer.select import Imported
from orchctl.resolve import format_time

FOLDERS = {"Workflow": "workflows", "Trigger": "triggers"}
NO_TESTS = "Imported triggers have no tests: add `tests:` (`orchctl test` runs them)."
WIDTH = 1 << 20  # one line per scalar: no folding, so what loads back is what was stored


class WouldOverwrite(OrchctlError):
    """A file orchctl import would write already exists."""


@dataclass(frozen=True)
class Planned:
    item: Imported
    path: str  # where the file goes
    text: str


def document(item: Imported, environment: str) -> str:
    """The YAML text of one definition, with a comment saying where it came from."""
    live = item.live
    header = [
        f"Imported by `orchctl import` from environment {environment}: {item.kind.lower()} "
        f"'{live.name}',",
        f"id {live.id}, created {format_time(live.created_at)}.",
    ]
    data: dict[str, Any] = {"kind": item.kind, "name": item.name}
    if isinstance(live, Workflow):
        data["stages"] = [_plain(s) for s in live.config.stages]
    else:
        assert isinstance(live, Trigger)
        header.append(NO_TESTS)
        data["workflow"] = item.workflow
        data["event"] = live.event
        if live.version:
            data["version"] = live.version
        if live.filter:
            data["filter"] = live.filter
        if live.vars:
            data["vars"] = {str(k): str(v) for k, v in live.vars.items()}
    body = yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=WIDTH
    )
    return "".join(f"# {line}\n" for line in header) + body


def _plain(value: Any) -> Any:
    """JSON data as plain dicts and lists (the dumper knows no other mappings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def planned(items: Sequence[Imported], out_dir: str, environment: str) -> list[Planned]:
    """Where each definition goes (`workflows/NAME.yaml`, `triggers/NAME.yaml`)."""
    return [
        Planned(
            item,
            os.path.join(out_dir, FOLDERS[item.kind], f"{item.name}.yaml"),
            document(item, environment),
        )
        for item in items
    ]


def write_all(files: Sequence[Planned]) -> None:
    """Write every file, or none when one already exists (never overwrites, even a file
    that appears meanwhile: each is created exclusively)."""
    existing = [f.path for f in files if os.path.lexists(f.path)]
    if existing:
        raise WouldOverwrite(
            f"{len(existing)} file{'s' if len(existing) != 1 else ''} already exist"
            f"{'s' if len(existing) == 1 else ''}, nothing was written: {', '.join(existing)}",
            hint="move them away, or import into another folder with --out DIR",
        )
    for f in files:
        os.makedirs(os.path.dirname(f.path), exist_ok=True)
        try:
            with open(f.path, "x", encoding="utf-8") as handle:
                handle.write(f.text)
        except FileExistsError:
            raise WouldOverwrite(
                f"{f.path} appeared while importing; left as it is, and nothing after it "
                "was written",
                hint="run the import again",
            ) from None
