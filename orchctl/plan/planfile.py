"""Saved plans (`orchctl plan --out FILE`), read back by `orchctl apply FILE`.

A plan file holds the resolved definitions, every change with the live ids it touches, a
fingerprint of every live object the plan depends on, the environment and orchctl's
version. It never holds a secret: values of sensitive parameters are masked, and a digest
of the unmasked definitions lets `apply` check that the repository and its parameters
still resolve to exactly what was planned.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from orchctl import __version__
from orchctl.errors import OrchctlError
from orchctl.plan.compare import digest
from orchctl.plan.model import (
    Action,
    Change,
    Desired,
    DesiredTrigger,
    DesiredWorkflow,
    FieldChange,
    Finding,
    Plan,
    PlanFlags,
    Reason,
    ReasonCode,
    Risk,
    RiskCode,
)

FILE_KIND = "orchctl-plan"
FILE_VERSION = "2"  # 2: reasons and risks are codes with arguments


class PlanFileError(OrchctlError):
    """A saved plan that cannot be used."""


@dataclass(frozen=True)
class SavedPlan:
    plan: Plan
    desired: Desired  # masked: sensitive values replaced
    desired_digest: str  # of the unmasked desired state
    target: str
    orchctl_version: str
    created_at: str


def desired_digest(desired: Desired) -> str:
    return digest(_desired_json(desired))


def save_plan(
    path: str,
    plan: Plan,
    desired: Desired,
    *,
    target: str,
    redact: Callable[[Any], Any] = lambda v: v,
) -> None:
    document = {
        "kind": FILE_KIND,
        "format_version": FILE_VERSION,
        "orchctl_version": __version__,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "environment": plan.environment,
        "namespace": plan.namespace,
        "target": target,
        "options": asdict(plan.options),
        "desired_digest": desired_digest(desired),
        "desired": redact(_desired_json(desired)),
        "changes": [redact(_change_json(c)) for c in plan.changes],
        "findings": [asdict(f) for f in plan.findings],
        "fingerprints": plan.fingerprints,
    }
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".orchctl-plan-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(document, fh, indent=2, sort_keys=False)
            fh.write("\n")
        os.replace(tmp, path)  # never a half-written plan
    except BaseException:
        os.unlink(tmp)
        raise


def load_plan(path: str) -> SavedPlan:
    try:
        with open(path, encoding="utf-8") as fh:
            document = json.load(fh)
    except FileNotFoundError:
        raise PlanFileError(f"plan file {path!r} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanFileError(f"{path}: not a readable orchctl plan ({exc})") from None
    if not isinstance(document, dict) or document.get("kind") != FILE_KIND:
        raise PlanFileError(f"{path}: not an orchctl plan file")
    if document.get("format_version") != FILE_VERSION:
        raise PlanFileError(
            f"{path}: plan format {document.get('format_version')!r} is not supported by "
            f"orchctl {__version__}",
            hint="make the plan again with this version",
        )
    try:
        plan = Plan(
            environment=document["environment"],
            namespace=document["namespace"],
            changes=tuple(_change(c) for c in document["changes"]),
            findings=tuple(Finding(**f) for f in document["findings"]),
            fingerprints=dict(document["fingerprints"]),
            options=PlanFlags(**document["options"]),
        )
        desired = _desired(document["desired"])
        return SavedPlan(
            plan=plan,
            desired=desired,
            desired_digest=document["desired_digest"],
            target=document["target"],
            orchctl_version=document["orchctl_version"],
            created_at=document["created_at"],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanFileError(f"{path}: damaged plan file ({type(exc).__name__}: {exc})") from None


def _desired_json(desired: Desired) -> dict[str, Any]:
    return {
        "workflows": [{"name": w.name, "stages": list(w.stages)} for w in desired.workflows],
        "triggers": [asdict(t) for t in desired.triggers],
    }


def _desired(data: dict[str, Any]) -> Desired:
    return Desired(
        workflows=tuple(DesiredWorkflow(w["name"], tuple(w["stages"])) for w in data["workflows"]),
        triggers=tuple(DesiredTrigger(**t) for t in data["triggers"]),
    )


def _change_json(change: Change) -> dict[str, Any]:
    data = asdict(change)
    data["action"] = change.action.value
    data["reasons"] = [_coded(asdict(r), r.code.value) for r in change.reasons]
    data["risks"] = [_coded(asdict(r), r.code.value) for r in change.risks]
    return data


def _coded(data: dict[str, Any], code: str) -> dict[str, Any]:
    return {**{k: v for k, v in data.items() if v is not None}, "code": code}


def _change(data: dict[str, Any]) -> Change:
    fields = dict(data)
    fields["action"] = Action(fields["action"])
    fields["reasons"] = tuple(
        Reason(**{**r, "code": ReasonCode(r["code"])}) for r in fields["reasons"]
    )
    fields["risks"] = tuple(Risk(**{**r, "code": RiskCode(r["code"])}) for r in fields["risks"])
    fields["live_ids"] = tuple(fields["live_ids"])
    fields["diff"] = tuple(FieldChange(**d) for d in fields["diff"])
    return Change(**fields)
