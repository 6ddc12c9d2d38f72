"""Loading a project: orchctl.yaml, every definition file, parameters, schemas (DESIGN §1).

The result holds every definition that could be read and every problem found on the way;
nothing stops at the first problem, so `orchctl validate` can report them all at once.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orchctl.definitions.discovery import discover, display_path
from orchctl.definitions.model import Origin, Trigger, TriggerTest, Workflow
from orchctl.definitions.params import Substitution, substitute
from orchctl.definitions.project import Environment, ProjectConfig, load_project_config
from orchctl.definitions.reading import FileRead, read_files
from orchctl.definitions.yamlsource import Document, Mark, Source
from orchctl.diagnostics import Diagnostic, Severity
from orchctl.validation import schemas
from orchctl.validation.hints import did_you_mean
from orchctl.validation.locate import at

if TYPE_CHECKING:
    from orchctl.validation.expressions import Analysis

log = logging.getLogger("orchctl.definitions")

KINDS = {"Workflow": "workflow", "Trigger": "trigger"}
# Fields whose value is a boolean: an unquoted `yes` there is what the author meant.
BOOLEAN_FIELDS = frozenset({"allowOverdraft", "waitingValidation", "match"})


@dataclass
class LoadedProject:
    config: ProjectConfig
    environment: Environment
    workflows: list[Workflow] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Some document could not be read as a definition (bad YAML, no kind, ...): what it
    # defines is unknown, so references to it cannot be judged.
    incomplete: bool = False
    # orchctl.yaml itself has errors: they are the only diagnostics, as everything read
    # through it (environments, parameters, excludes) would be judged on a wrong basis.
    config_invalid: bool = False
    # What the expressions of the triggers give, by their text, where reading the files
    # found it already (orchctl.definitions.reading); the checks work out the others.
    analyses: dict[str, Analysis] = field(default_factory=dict)


@contextmanager
def cyclic_gc_paused(*, freeze: bool = False) -> Iterator[None]:
    """No cyclic garbage collection inside: loading builds a large, acyclic structure that
    reference counting frees alone, and the collector would otherwise scan it again and
    again while it grows (a fifth of the time of loading 20,000 definitions).

    With `freeze` (a command's process, which ends soon), what was built is moved out of
    the collector's reach at the end: re-enabled, the collector would first scan every
    object allocated meanwhile as its youngest generation (0.2 s at 10,000 + 10,000)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


def load_project(
    directory: str, env_name: str | None = None, environ: Mapping[str, str] | None = None
) -> LoadedProject:
    """Read everything under `directory` for environment `env_name` (default: the project's)."""
    with cyclic_gc_paused():
        return _load_project(directory, env_name, environ)


def _load_project(
    directory: str, env_name: str | None, environ: Mapping[str, str] | None
) -> LoadedProject:
    environ = os.environ if environ is None else environ
    config, diagnostics = load_project_config(directory)
    if any(d.severity == "error" for d in diagnostics):
        # orchctl.yaml's own errors come first and alone: an environment it fails to define
        # or a parameter it fails to declare would only echo them.
        placeholder = Environment(env_name or config.default_environment, declared=False)
        return LoadedProject(
            config, placeholder, diagnostics=list(diagnostics), incomplete=True, config_invalid=True
        )
    environment = config.environment(env_name)
    project = LoadedProject(config, environment, diagnostics=list(diagnostics))
    found, problems = discover(directory, config.exclude)
    for problem in problems:
        project.diagnostics.append(
            Diagnostic(problem.display, 1, 1, "error", "file", problem.message)
        )
    reads = read_files([(item.path, item.display) for item in found], environ)
    with closing(reads):
        for item, read in zip(found, reads, strict=True):
            project.files.append(item.display)
            _load_file(project, read, item.display, environ)
    log.info(
        "read %d definition file%s under %s (environment %s%s): %d workflows, %d triggers",
        len(project.files),
        "" if len(project.files) == 1 else "s",
        display_path(directory),
        environment.name,
        "" if environment.declared else ", not in orchctl.yaml: the embedded sandbox",
        len(project.workflows),
        len(project.triggers),
    )
    return project


def _load_file(
    project: LoadedProject, read: FileRead, display: str, environ: Mapping[str, str]
) -> None:
    def file_error(error: tuple[str, int, int, str | None]) -> None:
        message, line, column, hint = error
        project.incomplete = True
        project.diagnostics.append(
            Diagnostic(display, line, column, "error", "yaml", message, hint)
        )

    project.analyses.update(read.analyses)
    if read.text is not None:
        source = Source(read.text, display)
        for data, index, line, column, notes, templated in read.docs:
            doc = Document(source, index, data, Mark(line, column), notes, templated)
            _load_document(project, doc, environ)
    if read.error is not None:
        file_error(read.error)
    elif not read.docs:
        project.diagnostics.append(
            Diagnostic(display, 1, 1, "warning", "empty", "file holds no definitions")
        )


def _load_document(project: LoadedProject, doc: Document, environ: Mapping[str, str]) -> None:
    out = project.diagnostics
    data = doc.data
    if data is None:
        out.append(at(doc, (), "empty", "empty document", severity="warning"))
        return
    if not isinstance(data, dict):
        out.append(at(doc, (), "not-a-mapping", "a definition must be a mapping with a `kind`"))
        return
    kind = data.get("kind")
    name = _str_or_none(data.get("name"))
    if not isinstance(kind, str) or kind not in KINDS:
        project.incomplete = True
        if kind is None:
            out.append(
                at(
                    doc,
                    (),
                    "kind",
                    "missing `kind` (Workflow or Trigger)",
                    "not an orchctl file? list it under `exclude:` in orchctl.yaml",
                )
            )
        else:
            hint = did_you_mean(str(kind), KINDS) or "expected Workflow or Trigger"
            out.append(at(doc, ("kind",), "kind", f"unknown kind {kind!r}", hint))
        return

    def problem(
        path: tuple[str | int, ...],
        code: str,
        message: str,
        hint: str | None,
        key: bool = False,
        warning: bool = False,
    ) -> None:
        severity: Severity = "warning" if warning else "error"
        out.append(
            at(doc, path, code, message, hint, key=key, kind=kind, name=name, severity=severity)
        )

    subst = Substitution()
    if doc.templated:
        data = substitute(data, project.environment, environ, subst)
    for param_path, param_message, param_hint in subst.problems:
        problem(param_path, "param", param_message, param_hint)
    issues = schemas.check(KINDS[kind], data)
    written = dict(doc.notes)  # YAML 1.1 booleans, as written
    for issue in issues:
        issue_hint = issue.hint
        if issue.path in written:
            word = written.pop(issue.path)
            issue_hint = f'YAML 1.1 reads {word} as a boolean; quote it: "{word}"'
        problem(issue.path, "schema", issue.message, issue_hint, issue.at_key)
    for path, word in written.items():
        if path and path[-1] in BOOLEAN_FIELDS:
            continue  # a boolean is what this field wants
        problem(
            path,
            "yaml-boolean",
            f"unquoted {word!r} is read as a boolean by YAML 1.1",
            f'quote it ("{word}") if you meant a string',
            warning=True,
        )
    valid = not issues and not subst.problems
    if not isinstance(data.get("name"), str):
        project.incomplete = True
        return
    origin = Origin(doc)
    if kind == "Workflow":
        stages = data.get("stages")
        project.workflows.append(
            Workflow(
                name=data["name"],
                stages=stages if isinstance(stages, list) else [],
                origin=origin,
                description=_str_or_none(data.get("description")),
                valid=valid,
            )
        )
    else:
        project.triggers.append(_trigger(data, origin, valid))


def _trigger(data: dict[str, Any], origin: Origin, valid: bool) -> Trigger:
    raw_vars = data.get("vars")
    variables = (
        {k: v for k, v in raw_vars.items() if isinstance(v, str)}
        if isinstance(raw_vars, dict)
        else {}
    )
    tests = []
    raw_tests = data.get("tests")
    for index, raw in enumerate(raw_tests if isinstance(raw_tests, list) else []):
        if not isinstance(raw, dict):
            continue
        expect = _dict_or_none(raw.get("expect")) or {}
        match = expect.get("match")
        expect_vars = _dict_or_none(expect.get("vars"))
        tests.append(
            TriggerTest(
                index=index,
                name=str(raw.get("name", f"test {index + 1}")),
                event=_dict_or_none(raw.get("event")) or {},
                links=_dict_or_none(raw.get("links")),
                expect_match=match if isinstance(match, bool) else None,
                expect_vars=expect_vars,
            )
        )
    swap = data.get("swap", "delete-first")
    return Trigger(
        name=data["name"],
        workflow=_str_or_none(data.get("workflow")) or "",
        event=_str_or_none(data.get("event")) or "",
        origin=origin,
        filter=_str_or_none(data.get("filter")),
        vars=variables,
        version=_str_or_none(data.get("version")),
        swap=swap if swap in ("delete-first", "create-first") else "delete-first",
        tests=tuple(tests),
        description=_str_or_none(data.get("description")),
        valid=valid,
    )


def _dict_or_none(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None
