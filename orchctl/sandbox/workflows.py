"""Workflow endpoints: create, list, get, delete (soft)."""

from __future__ import annotations

from typing import Any

from orchctl.sandbox import bodies
from orchctl.sandbox.clock import now_str
from orchctl.sandbox.errors import NO_ROWS, internal, not_found, validation
from orchctl.sandbox.ids import is_uuid, new_id
from orchctl.sandbox.messages import Response
from orchctl.sandbox.pagination import cursor_body, page_size, parse_page
from orchctl.sandbox.records import Workflow
from orchctl.sandbox.routing import Ctx
from orchctl.sandbox.stages import StageError, check_stage

_BODY = "unmarshalling json body: json: cannot unmarshal"


def parse_config(body: Any) -> tuple[str, list[Any]]:
    """Decode a ``workflow.Config`` (``{name, stages []map[string]map[string]any}``) like
    encoding/json: keys fold case; a stage that is not a map of maps fails to decode: 400."""
    if body is None:
        return "", []
    if not isinstance(body, dict):
        raise validation(f"{_BODY} {bodies.kind(body)} into Go value of type workflow.Config")
    _, name = bodies.field(body, "name")
    _, stages = bodies.field(body, "stages")
    if name is not None and not isinstance(name, str):
        raise validation(
            f"{_BODY} {bodies.kind(name)} into Go struct field Config.name of type string"
        )
    if stages is None:
        stages = []
    if not isinstance(stages, list):
        raise validation(
            f"{_BODY} {bodies.kind(stages)} into Go struct field Config.stages of type "
            "[]workflow.RawStage"
        )
    for stage in stages:
        if stage is not None and not isinstance(stage, dict):
            raise validation(
                f"{_BODY} {bodies.kind(stage)} into Go struct field Config.stages of type "
                "workflow.RawStage"
            )
        for value in (stage or {}).values():
            if value is not None and not isinstance(value, dict):
                raise validation(
                    f"{_BODY} {bodies.kind(value)} into Go struct field Config.stages of type "
                    "map[string]interface {}"
                )
    return name or "", [s if s is not None else {} for s in stages]


WORKFLOW_NOT_FOUND = "Workflow not found"


def new_workflow(name: str, stages: list[Any], *, patched_errors: bool = False) -> Workflow:
    """``Config.Validate``: each stage decoded with no variables. A failure is 500
    "creating workflow: ..." (400 "creating workflow: invalid workflow configuration: ..."
    with ``fix/api-error-mapping``)."""
    for stage in stages:
        try:
            check_stage(stage)
        except StageError as exc:
            if patched_errors:
                raise validation(
                    f"creating workflow: invalid workflow configuration: {exc}"
                ) from None
            raise internal(f"creating workflow: {exc}") from None
    at = now_str()
    return Workflow(new_id(), name, tuple(stages), at, at)


def create(ctx: Ctx) -> Response:
    try:
        body = bodies.decode(ctx.request)
    except bodies.BodyError as exc:
        raise validation(f"unmarshalling json body: {exc}") from None
    name, stages = parse_config(body)
    workflow = new_workflow(name, stages, patched_errors=ctx.profile.api_error_mapping)
    with ctx.app.store.lock:
        ctx.app.store.insert_workflows([workflow])
        ctx.record("create", "workflow", workflow.id, name, {"stages": len(stages)})
    return Response.json(201, {"data": workflow.to_json()})


def list_(ctx: Ctx) -> Response:
    store = ctx.app.store
    if ctx.version == "v1":
        if ctx.profile.v1_list_pagination:  # one page, no cursor (fix/v1-list-pagination)
            rows = store.list_workflows(0, page_size(ctx.request))
        else:
            rows = store.list_workflows()
        return Response.json(200, {"data": [w.to_json() for w in rows]})
    page = parse_page(ctx.request)
    rows = store.list_workflows(page.offset, page.size + 1)
    return Response.json(200, cursor_body(page, [w.to_json() for w in rows]))


def readable(ctx: Ctx, workflow_id: str) -> Workflow:
    """``ReadWorkflow`` / the select of ``RunWorkflow``: an unknown id is "no rows" (500;
    404 with ``fix/api-error-mapping``); a non-UUID id is Postgres' 500. A deleted workflow
    is returned, except with ``fix/soft-deleted-workflows``."""
    workflow = ctx.app.store.get_workflow(workflow_id)
    deleted = workflow is not None and workflow.deleted_at is not None
    if deleted and ctx.profile.soft_deleted_workflows:
        workflow = None
    if workflow is None:
        if not is_uuid(workflow_id):
            raise internal(
                f'ERROR: invalid input syntax for type uuid: "{workflow_id}" (SQLSTATE=22P02)'
            )
        raise not_found(NO_ROWS) if ctx.profile.api_error_mapping else internal(NO_ROWS)
    return workflow


def get(ctx: Ctx) -> Response:
    return Response.json(200, {"data": readable(ctx, ctx.params["id"]).to_json()})


def delete(ctx: Ctx) -> Response:
    """Soft delete. Deleting a deleted workflow is 204 again (the UPDATE has no
    ``deleted_at IS NULL``), 404 with ``fix/soft-deleted-workflows``."""
    workflow_id = ctx.params["id"]
    if not is_uuid(workflow_id):
        raise validation("Key: '' Error:Field validation for '' failed on the 'uuid' tag")
    store = ctx.app.store
    with store.lock:
        workflow = store.get_workflow(workflow_id)
        if workflow is None:
            raise not_found(WORKFLOW_NOT_FOUND)
        if workflow.deleted_at is not None:
            if ctx.profile.soft_deleted_workflows:
                raise not_found(WORKFLOW_NOT_FOUND)
        else:
            store.delete_workflow(workflow_id, now_str())
            ctx.record("delete", "workflow", workflow_id, workflow.name, {})
    return Response.empty(204)
