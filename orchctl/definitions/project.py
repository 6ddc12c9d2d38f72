"""orchctl.yaml: project settings and the selected environment (DESIGN §1)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from orchctl.definitions.discovery import PROJECT_FILE, display_path
from orchctl.definitions.yamlsource import Document, YamlFileError, parse_documents, read_text
from orchctl.diagnostics import Diagnostic, format_path
from orchctl.errors import ProjectError
from orchctl.validation import schemas
from orchctl.validation.hints import did_you_mean

LOCAL = "local"


@dataclass(frozen=True)
class Param:
    name: str
    value: Any = None
    env: str | None = None
    sensitive: bool = False


@dataclass(frozen=True)
class Environment:
    """One entry of `environments:`; without a url it is served by the embedded sandbox."""

    name: str
    url: str | None = None
    params: dict[str, Param] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)  # the raw entry, for the API client
    declared: bool = True  # False for the implicit `local` environment

    @property
    def sandbox(self) -> bool:
        return self.url is None


@dataclass(frozen=True)
class ProjectConfig:
    root: str
    namespace: str | None = None
    prune: bool = False
    default_environment: str = LOCAL
    environments: dict[str, dict[str, Any]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    document: Document | None = None

    def environment(self, requested: str | None) -> Environment:
        name = requested or self.default_environment
        entry = self.environments.get(name)
        if entry is None:
            if name == LOCAL:
                return Environment(LOCAL, declared=False)
            known = sorted(self.environments) or ["(none)"]
            raise ProjectError(
                f"unknown environment '{name}' (orchctl.yaml defines: {', '.join(known)})",
                hint=did_you_mean(name, self.environments),
            )
        params = {}
        for pname, raw in (entry.get("params") or {}).items():
            if isinstance(raw, dict):
                params[pname] = Param(
                    pname, raw.get("value"), raw.get("env"), bool(raw.get("sensitive", False))
                )
            else:
                params[pname] = Param(pname, raw)
        return Environment(name, entry.get("url"), params, dict(entry))


def load_project_config(root: str) -> tuple[ProjectConfig, list[Diagnostic]]:
    """Read orchctl.yaml when present; defaults otherwise. Problems come back as diagnostics."""
    if not os.path.isdir(root):
        raise ProjectError(f"project directory {root!r} does not exist")
    path = os.path.join(root, PROJECT_FILE)
    if not os.path.exists(path):
        return ProjectConfig(root=root), []
    display = display_path(path)

    def problem(
        line: int, column: int, message: str, hint: str | None = None, p: str = ""
    ) -> Diagnostic:
        return Diagnostic(display, line, column, "error", "project", message, hint, path=p)

    try:
        documents = list(parse_documents(read_text(path, display), display))
    except YamlFileError as exc:
        return ProjectConfig(root=root), [problem(exc.line, exc.column, exc.message, exc.hint)]
    if not documents:
        return ProjectConfig(root=root), []
    if len(documents) > 1:
        second = documents[1].start
        return ProjectConfig(root=root), [
            problem(second.line, second.column, "orchctl.yaml must hold a single document")
        ]
    doc = documents[0]
    if not isinstance(doc.data, dict):
        return ProjectConfig(root=root), [
            problem(doc.start.line, doc.start.column, "orchctl.yaml must be a mapping")
        ]
    diagnostics = []
    for issue in schemas.check("orchctl", doc.data):
        mark = doc.mark(issue.path, key=issue.at_key)
        message, hint = issue.message, _secret_hint(issue.path) or issue.hint
        if "auth" in issue.path:  # a value there may be a credential pasted in: never echo it
            message, hint = (
                _VALUE_SHOWN.sub(_unshown, message),
                (_secret_hint(issue.path)),
            )
        diagnostics.append(problem(mark.line, mark.column, message, hint, format_path(issue.path)))
    if diagnostics:
        return ProjectConfig(root=root, document=doc), diagnostics
    data: Mapping[str, Any] = doc.data
    config = ProjectConfig(
        root=root,
        namespace=data.get("namespace"),
        prune=bool(data.get("prune", False)),
        default_environment=data.get("default_environment", LOCAL),
        environments=dict(data.get("environments") or {}),
        exclude=tuple(data.get("exclude") or ()),
        document=doc,
    )
    if config.prune and not config.namespace:
        mark = doc.mark(("prune",))
        diagnostics.append(
            problem(
                mark.line,
                mark.column,
                "prune needs a namespace: without one, orchctl cannot tell its objects apart",
                p="prune",
            )
        )
    default = config.default_environment
    if default != LOCAL and default not in config.environments:
        mark = doc.mark(("default_environment",))
        diagnostics.append(
            problem(
                mark.line,
                mark.column,
                f"default environment '{default}' is not defined",
                did_you_mean(default, config.environments),
                "default_environment",
            )
        )
        config = replace(config, default_environment=LOCAL)  # reported; carry on with local
    return config, diagnostics


_VALUE_SHOWN = re.compile(r"got (string|integer|number|boolean) .*$")


def _unshown(found: re.Match[str]) -> str:
    kind = found[1]
    return f"got {'an' if kind == 'integer' else 'a'} {kind} (its value is not shown)"


# A key under `auth:` that would hold a credential itself, and the setting naming its variable.
_CREDENTIAL_KEYS = {
    "client_id": "client_id_env",
    "client_secret": "client_secret_env",
    "secret": "client_secret_env",
    "token": "token_env",
    "password": "client_secret_env",
}


def _secret_hint(path: tuple[str | int, ...]) -> str | None:
    """`auth: {client_secret: ...}`: say where a credential goes instead of `did you mean`."""
    if len(path) < 2 or path[-2] != "auth" or path[-1] not in _CREDENTIAL_KEYS:
        return None
    setting = _CREDENTIAL_KEYS[str(path[-1])]
    return (
        "credentials never go in orchctl.yaml: export them and, if the variable is not the "
        f"default one, name it with `{setting}`"
    )
