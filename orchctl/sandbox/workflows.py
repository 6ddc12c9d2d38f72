"""Workflow endpoints: create, list, get, delete (soft)."""

from __future__ import annotations

from typing import Any

from orchctl.sandbox import bodies
from orchctl.sandbox.routing import Ctx
from orchctl.sandbox.clock import now_str
from orchctl.sandbox.errors import NO_ROWS, internal, not_found, validation
from orchctl.sandbox.ids import is_uuid, new_id
from orchctl.sandbox.messages import Response
from orchctl.sandbox.pagination import cursor_body, parse_page
from orchctl.sandbox.records import Workflow
from orchctl.sandbox.stages import StageError, check_stage


def parse_config(body: Any) -> tuple[str, list[Any]]:
    """Decode a workflow config like Go would; raises ApiError 400 if undecodable."""
    if body is None:
        return "", []
    if not isinstance(body, dict):
        raise validation(
            f"json: cannot unmarshal {bodies.kind(body)} into Go value of type WorkflowConfig"
        )
    _, name = bodies.field(body, "name")
    _, stages = bodies.field(body, "stages")
    if name is not None and not isinstance(name, str):
        raise validation(
            f"json: cannot unmarshal {bodies.kind(name)} into Go struct field "
            "WorkflowConfig.name of type string"
        )
    if stages is None:
        stages = []
    if not isinstance(stages, list):
        raise validation(
            f"json: cannot unmarshal {bodies.kind(stages)} into Go struct field "
            "WorkflowConfig.stages of type []map[string]interface {}"
        )
    for stage in stages:
        if stage is not None and not isinstance(stage, dict):
            raise validation(
                f"json: cannot unmarshal {bodies.kind(stage)} into Go struct field "
                "WorkflowConfig.stages of type map[string]interface {}"
            )
    return name or "", [s if s is not None else {} for s in stages]


def new_workflow(name: str, stages: list[Any]) -> Workflow:
    for index, stage in enumerate(stages):
        try:
            check_stage(stage)
        except StageError as exc:
            raise internal(f"creating workflow: stage {index}: {exc}") from None
    at = now_str()
    return Workflow(new_id(), name, tuple(stages), at, at)


def create(ctx: Ctx) -> Response:
    try:
        body = bodies.decode(ctx.request)
    except bodies.BodyError as exc:
        raise validation(str(exc)) from None
    name, stages = parse_config(body)
    workflow = new_workflow(name, stages)
    with ctx.app.store.lock:
        ctx.app.store.insert_workflows([workflow])
        ctx.record("create", "workflow", workflow.id, name, {"stages": len(stages)})
    return Response.json(201, {"data": workflow.to_json()})


def list_(ctx: Ctx) -> Response:
    store = ctx.app.store
    if ctx.version == "v1":
        return Response.json(200, {"data": [w.to_json() for w in store.list_workflows()]})
    page = parse_page(ctx.request)
    rows = store.list_workflows(page.offset, page.size + 1)
    return Response.json(200, cursor_body(page, [w.to_json() for w in rows]))


def get(ctx: Ctx) -> Response:
    workflow_id = ctx.params["id"]
    workflow = ctx.app.store.get_workflow(workflow_id)
    if workflow is None:
        if not is_uuid(workflow_id):
            raise internal(
                f'ERROR: invalid input syntax for type uuid: "{workflow_id}" (SQLSTATE=22P02)'
            )
        raise internal(NO_ROWS)
    return Response.json(200, {"data": workflow.to_json()})


def delete(ctx: Ctx) -> Response:
    workflow_id = ctx.params["id"]
    if not is_uuid(workflow_id):
        raise validation(f"invalid UUID: {workflow_id}")
    store = ctx.app.store
    with store.lock:
        workflow = store.get_workflow(workflow_id)
        if workflow is None:
            raise not_found(NO_ROWS)
        if workflow.deleted_at is None:
            store.delete_workflow(workflow_id, now_str())
            ctx.record("delete", "workflow", workflow_id, workflow.name, {})
    return Response.empty(204)
