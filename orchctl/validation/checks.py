"""Project-wide checks: names, references, variable coverage, trigger tests (issue #2 §4)."""

from __future__ import annotations

from collections.abc import Iterator

from orchctl.definitions.loader import LoadedProject, cyclic_gc_paused
from orchctl.definitions.model import Trigger, Workflow
from orchctl.diagnostics import Diagnostic
from orchctl.validation.events import KNOWN_EVENTS
from orchctl.validation.expressions import Analysis, check_expressions
from orchctl.validation.hints import closest, did_you_mean
from orchctl.validation.locate import Problem, at, reporter
from orchctl.validation.stages import check_stages
from orchctl.validation.variables import Scan, scan


def check_project(project: LoadedProject) -> list[Diagnostic]:
    """Every problem of a loaded project, loading problems included."""
    with cyclic_gc_paused():
        return _check_project(project)


def _check_project(project: LoadedProject) -> list[Diagnostic]:
    out = list(project.diagnostics)
    out.extend(_unique_names(project.workflows))
    out.extend(_unique_names(project.triggers))
    workflows: dict[str, Workflow] = {}
    for workflow in project.workflows:
        workflows.setdefault(workflow.name, workflow)  # duplicates are reported above
    used: dict[int, dict[str, tuple[str | int, ...]]] = {}  # by id() of the workflow
    for workflow in project.workflows:
        scans = _stage_scans(workflow)
        out.extend(check_stages(workflow))
        out.extend(_workflow_variables(workflow, scans))
        used[id(workflow)] = workflow_variables(workflow, scans)
    analyses: dict[str, Analysis] = dict(project.analyses)
    for trigger in project.triggers:
        out.extend(_trigger(trigger, workflows, project.incomplete, used))
        out.extend(check_expressions(trigger, analyses))
    return out


def _unique_names(items: list[Workflow] | list[Trigger]) -> Iterator[Diagnostic]:
    first: dict[str, Workflow | Trigger] = {}
    for item in items:
        earlier = first.setdefault(item.name, item)
        if earlier is item:
            continue
        mark = earlier.origin.mark(("name",))
        yield at(
            item.origin.document,
            ("name",),
            "duplicate-name",
            f"another {item.kind} is named '{item.name}' "
            f"({earlier.origin.file}:{mark.line}:{mark.column})",
            "names are unique per kind",
            kind=item.kind,
            name=item.name,
        )


def _workflow_variables(workflow: Workflow, scans: list[Scan]) -> Iterator[Diagnostic]:
    doc = workflow.origin.document
    for found in scans:
        for use in found.uses:
            if use.name != use.name.strip() or any(c.isspace() for c in use.name):
                yield at(
                    doc,
                    use.path,
                    "variable-name",
                    f"${{{use.name}}} looks up a variable named {use.name!r}, spaces included",
                    f"write ${{{use.name.strip()}}}",
                    kind="Workflow",
                    name=workflow.name,
                )
        for path in found.keys:
            yield at(
                doc,
                path,
                "variable-in-key",
                "map keys are not interpolated: this ${...} stays as written",
                severity="warning",
                key=True,
                kind="Workflow",
                name=workflow.name,
            )
        for path in found.unterminated:
            yield at(
                doc,
                path,
                "variable-unterminated",
                "`${` without a closing `}`: the server leaves it as written",
                severity="warning",
                kind="Workflow",
                name=workflow.name,
            )


def _stage_scans(workflow: Workflow) -> list[Scan]:
    return [scan(stage, ("stages", index)) for index, stage in enumerate(workflow.stages)]


def workflow_variables(
    workflow: Workflow, scans: list[Scan] | None = None
) -> dict[str, tuple[str | int, ...]]:
    """Names of the `${vars}` a workflow uses, each with the first place it is used."""
    found: dict[str, tuple[str | int, ...]] = {}
    for stage in _stage_scans(workflow) if scans is None else scans:
        for use in stage.uses:
            found.setdefault(use.name, use.path)
    return found


def _trigger(
    trigger: Trigger,
    workflows: dict[str, Workflow],
    incomplete: bool = False,
    used_by: dict[int, dict[str, tuple[str | int, ...]]] | None = None,
) -> Iterator[Diagnostic]:
    doc = trigger.origin.document

    problem = reporter(doc, "Trigger", trigger.name)

    workflow = workflows.get(trigger.workflow)
    if workflow is None and trigger.workflow and not incomplete:
        # (when some document could not be read, it may be the one defining the workflow)
        yield problem(
            ("workflow",),
            "unknown-workflow",
            f"no Workflow named '{trigger.workflow}' in this repository",
            did_you_mean(trigger.workflow, workflows),
        )
    if trigger.event and trigger.event not in KNOWN_EVENTS:
        near = closest(trigger.event, KNOWN_EVENTS)
        yield problem(
            ("event",),
            "event-type",
            f"'{trigger.event}' is not an event type a Formance stack emits "
            "(the server does not check, so this trigger would never fire)",
            f"did you mean `{near}`?" if near else None,
            warning=True,
        )
    if trigger.filter is not None and not trigger.filter.strip():
        yield problem(
            ("filter",),
            "empty-filter",
            "empty filter: live matching skips it but the test endpoint evaluates it",
            "remove `filter` to match every event of this type",
            warning=True,
        )
    if workflow is not None:
        known = None if used_by is None else used_by.get(id(workflow))
        used = workflow_variables(workflow) if known is None else known
        provided = trigger.vars
        has_vars = "vars" in doc.data
        for name, path in used.items():
            if name in provided or name != name.strip():
                continue  # (a name with spaces is reported on the workflow)
            mark = workflow.origin.mark(path)
            yield problem(
                ("vars",) if has_vars else ("workflow",),
                "missing-var",
                f"workflow '{workflow.name}' uses ${{{name}}} "
                f"({workflow.origin.file}:{mark.line}:{mark.column}), which this trigger "
                'does not provide: at run time it becomes "" and the field\'s default applies',
                did_you_mean(name, [v for v in provided if v not in used])
                or f"add `{name}: <expression>` to vars",
                key=has_vars,
            )
        for name in provided:
            if name not in used:
                yield problem(
                    ("vars", name),
                    "unused-var",
                    f"var '{name}' is not used by workflow '{workflow.name}'",
                    did_you_mean(name, [u for u in used if u not in provided]),
                    warning=True,
                    key=True,
                )
    yield from _tests(trigger, problem)


def _tests(trigger: Trigger, problem: Problem) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for test in trigger.tests:
        base = ("tests", test.index)
        if test.name in seen:
            yield problem((*base, "name"), "duplicate-test", f"another test is named '{test.name}'")
        seen.add(test.name)
        if test.expect_vars is None:
            continue
        if test.expect_match is False:
            yield problem(
                (*base, "expect", "vars"),
                "test-vars-without-match",
                "vars are only evaluated when the filter matches; with `match: false` there are "
                "none to check",
                key=True,
            )
        for name in test.expect_vars:
            if name not in trigger.vars:
                declared = ", ".join(trigger.vars) or "none"
                yield problem(
                    (*base, "expect", "vars", name),
                    "test-unknown-var",
                    f"expects var '{name}', which the trigger does not declare "
                    f"(declared: {declared})",
                    did_you_mean(name, trigger.vars),
                    key=True,
                )
