"""``OrchestrationClient``: every operation of the Orchestration API, v1 and v2, typed.

One client per run: it owns one connection pool and one small thread pool, and bounds the
calls in flight to ``config.parallelism``. Use it as a context manager (or call
``close()``). Tests and the embedded sandbox pass their own ``transport``.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from types import TracebackType
from typing import Any, Literal, TypeVar, overload

import httpx

from orchctl.api import errors
from orchctl.api.config import ApiVersion, ClientConfig, client_config_from_environment
from orchctl.api.models import (
    Instance,
    InstanceHistory,
    LiveState,
    ServerInfo,
    StageHistory,
    Trigger,
    TriggerOccurrence,
    TriggerSpec,
    TriggerTestResult,
    Workflow,
    WorkflowConfig,
)
from orchctl.api.pagination import MAX_PAGE_SIZE, dedupe_sorted, follow_cursor
from orchctl.api.retry import Kind
from orchctl.api.session import Session, decode_json, error_fields
from orchctl.api.urls import GATEWAY_PREFIX, Layout, api_path, prefix_for, split_stack_url

log = logging.getLogger("orchctl.api")

T = TypeVar("T")
R = TypeVar("R")
L = TypeVar("L", Workflow, Trigger)

SANDBOX_BASE_URL = "http://sandbox.invalid"
_worker = threading.local()


class OrchestrationClient:
    """Typed access to one stack's Orchestration API.

    ``config.url`` (or ``base_url``) is the stack URL: ``https://org-stack.region.formance.cloud``
    (gateway; ``/api/orchestration`` is found by probing ``_info``), a bare service URL, or
    either with ``/api/orchestration`` already appended. ``layout`` skips the probe.
    """

    def __init__(
        self,
        config: ClientConfig | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        base_url: str | None = None,
        layout: Layout | None = None,
        warn: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        config = config or ClientConfig()
        url = base_url or config.url
        if url is None:
            if transport is None:
                raise errors.ConfigurationError(
                    "no stack URL: set `url` for this environment in orchctl.yaml or "
                    "FORMANCE_STACK_API_ENDPOINT"
                )
            url = SANDBOX_BASE_URL
        stack_url, url_layout = split_stack_url(url)
        if transport is None:  # real network: say what is unsafe, on every run
            for message in replace(config, url=url).security_warnings():
                (warn or log.warning)(message)
        self.config = config
        self.api_version: ApiVersion = config.api_version
        self._layout: Layout = layout or url_layout
        self._layout_lock = threading.Lock()
        self._session = Session(
            config, stack_url, transport=transport, sleep=sleep, clock=clock, rng=rng
        )
        self._sleep = sleep
        self._clock = clock
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    @classmethod
    def from_environment(
        cls,
        env_entry: Mapping[str, Any],
        environ: Mapping[str, str],
        *,
        ca_bundle: str | None = None,
        insecure: bool | None = None,
        parallelism: int | None = None,
        transport: httpx.BaseTransport | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> OrchestrationClient:
        config = client_config_from_environment(
            env_entry, environ, ca_bundle=ca_bundle, insecure=insecure, parallelism=parallelism
        )
        return cls(config, transport=transport, warn=warn)

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self._session.close()

    def __enter__(self) -> OrchestrationClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent so far (every attempt, token requests and probes included)."""
        return self._session.requests_sent

    @property
    def layout(self) -> Layout:
        """``gateway`` or ``bare`` once known (probing if needed)."""
        self._prefix()
        return self._layout

    # ------------------------------------------------------------------ server

    def server_info(self) -> ServerInfo:
        """GetServerInfo / V2GetServerInfo. The spec's ``/v2/_info`` is not served by the
        real router: on 404 the client falls back to ``/_info``."""
        if self.api_version == "v2":
            try:
                return ServerInfo.from_json(self._get(api_path("v2", "/_info")))
            except errors.NotFound:
                pass
        return ServerInfo.from_json(self._get("/_info"))

    def serves(self, version: ApiVersion) -> bool:
        """Whether the stack answers API ``version``: one cheap read (a one-item trigger
        list). A 404 means no; other errors are raised."""
        try:
            self._get(api_path(version, "/triggers"), {"pageSize": "1"})
        except errors.NotFound:
            return False
        return True

    # ------------------------------------------------------------------ workflows

    def list_workflows(self, each: Callable[[Workflow], object] | None = None) -> list[Workflow]:
        """V2ListWorkflows: every non-deleted workflow, de-duplicated by id, sorted by
        (name, id). Always the v2 cursor list: a v1 list has no cursor, and the service's
        ``fix/v1-list-pagination`` caps it at one page. ``each`` sees every workflow as its
        page arrives (a copy listed twice, twice)."""
        raw = self._list_v2("/workflows")
        return dedupe_sorted(_each(map(Workflow.from_json, raw), each), key=_id, order=_name_id)

    def list_workflows_v1(self, page_size: int | None = None) -> list[Workflow]:
        """ListWorkflows (v1) as the server answers it, in ONE response (one SQL statement
        on today's service: no row can be missed while others write). A server with
        ``fix/v1-list-pagination`` answers one page of at most ``page_size``; see
        :mod:`orchctl.apply.reads` for telling the two apart."""
        params = {"pageSize": str(page_size)} if page_size is not None else None
        body = self._get(api_path("v1", "/workflows"), params)
        return [Workflow.from_json(w) for w in _data_list(body, "list workflows")]

    def create_workflow(self, config: WorkflowConfig) -> Workflow:
        """CreateWorkflow / V2CreateWorkflow. Never retried once sent: a lost answer raises
        :class:`~orchctl.api.errors.OutcomeUnknown`."""
        body = self._send("POST", self._path("/workflows"), Kind.WRITE, json=config.to_json())
        return Workflow.from_json(_data(body, "create workflow"))

    def get_workflow(self, workflow_id: str) -> Workflow:
        """GetWorkflow / V2GetWorkflow. A deleted workflow is returned (``deleted_at`` set);
        an unknown id is :class:`~orchctl.api.errors.NotFound`."""
        body = self._get(self._path("/workflows/{}", workflow_id))
        return Workflow.from_json(_data(body, "get workflow"))

    def delete_workflow(self, workflow_id: str) -> None:
        """DeleteWorkflow / V2DeleteWorkflow (soft delete; does not touch triggers). Done on
        204 or 404 (already deleted, patched service; or unknown); a non-UUID id is 400."""
        self._delete(self._path("/workflows/{}", workflow_id))

    # ------------------------------------------------------------------ triggers

    def list_triggers(self, each: Callable[[Trigger], object] | None = None) -> list[Trigger]:
        """Every non-deleted trigger, de-duplicated by id, sorted by (name, id); ``each``:
        as for :meth:`list_workflows`.

        Always the v2 cursor list, whatever ``api_version``: the v1 list is silently capped
        at 15 on the real server. The server's ``name`` filter is broken (500); filter
        client-side (:meth:`triggers_named`)."""
        path = api_path("v2", "/triggers")
        raw = follow_cursor(self._getter(path), what=path)
        return dedupe_sorted(_each(map(Trigger.from_json, raw), each), key=_id, order=_name_id)

    def list_triggers_v1_capped(self) -> list[Trigger]:
        """ListTriggers (v1) as the server answers it: at most 15 triggers on a real
        server. For inspection only; never use it to list a stack."""
        body = self._get("/triggers")
        return [Trigger.from_json(t) for t in _data_list(body, "list triggers")]

    def list_workflows_v1_capped(self) -> list[Workflow]:
        """ListWorkflows (v1) as the server answers it: everything today, one page (15 by
        default) once ``fix/v1-list-pagination`` lands. For inspection only."""
        body = self._get("/workflows")
        return [Workflow.from_json(w) for w in _data_list(body, "list workflows")]

    def list_instances_v1_capped(self) -> list[Instance]:
        """ListInstances (v1) as the server answers it (see :meth:`list_workflows_v1_capped`).
        For inspection only."""
        body = self._get("/instances")
        return [Instance.from_json(i) for i in _data_list(body, "list instances")]

    def triggers_named(self, name: str) -> list[Trigger]:
        return [t for t in self.list_triggers() if t.name == name]

    def workflows_named(self, name: str) -> list[Workflow]:
        return [w for w in self.list_workflows() if w.name == name]

    def create_trigger(self, spec: TriggerSpec) -> Trigger:
        """CreateTrigger / V2CreateTrigger. Never retried once sent (see create_workflow)."""
        body = self._send("POST", self._path("/triggers"), Kind.WRITE, json=spec.to_json())
        return Trigger.from_json(_data(body, "create trigger"))

    def get_trigger(self, trigger_id: str) -> Trigger:
        """ReadTrigger / V2ReadTrigger."""
        return Trigger.from_json(_data(self._get(self._path("/triggers/{}", trigger_id)), "read"))

    def delete_trigger(self, trigger_id: str) -> None:
        """DeleteTrigger / V2DeleteTrigger (soft delete). Done on 204 or 404 (already
        deleted, or unknown)."""
        self._delete(self._path("/triggers/{}", trigger_id))

    def test_trigger(self, trigger_id: str, event: Mapping[str, Any]) -> TriggerTestResult:
        """TestTrigger (v2 only): evaluate the trigger's filter and vars on ``event``
        (the raw event payload). No side effect, so retried like a read."""
        self._require_v2("test trigger")
        path = api_path("v2", "/triggers/{}/test", trigger_id)
        body = self._send("POST", path, Kind.READ, json=dict(event), ok=(200,))
        return TriggerTestResult.from_json(_data(body, "test trigger"))

    def list_trigger_occurrences(self, trigger_id: str) -> list[TriggerOccurrence]:
        """ListTriggersOccurrences / V2ListTriggersOccurrences, sorted by date."""
        raw = self._list("/triggers/{}/occurrences", trigger_id)
        occurrences = (TriggerOccurrence.from_json(o) for o in raw)
        return dedupe_sorted(
            occurrences,
            key=lambda o: (o.trigger_id, o.date, o.workflow_instance_id, o.error),
            order=lambda o: (_ts(o.date), o.workflow_instance_id or ""),
        )

    # ------------------------------------------------------------------ instances

    def run_workflow(
        self,
        workflow_id: str,
        variables: Mapping[str, str] | None = None,
        *,
        wait: bool = False,
        wait_timeout: float | None = None,
        poll_interval: float = 0.5,
    ) -> Instance:
        """RunWorkflow / V2RunWorkflow. Never retried once sent.

        With ``wait``, the run is started without the server's ``?wait=true`` (which holds the
        response open until the instance ends: a `delay` or `wait_event` would outlast any
        read timeout, and the instance id would be lost with the response) and the instance
        is then polled until it terminates or ``wait_timeout`` (default: the total time
        budget) passes; the latest state is returned either way.
        """
        body = self._send(
            "POST",
            self._path("/workflows/{}/instances", workflow_id),
            Kind.WRITE,
            json={str(k): str(v) for k, v in (variables or {}).items()},
        )
        instance = Instance.from_json(_data(body, "run workflow"))
        if not wait:
            return instance
        budget = self.config.timeouts.total if wait_timeout is None else wait_timeout
        deadline = self._clock() + budget
        while not instance.terminated and self._clock() < deadline:
            self._sleep(min(poll_interval, max(0.0, deadline - self._clock())))
            instance = self.get_instance(instance.id)
        return instance

    def list_instances(
        self, workflow_id: str | None = None, *, running: bool | None = None
    ) -> list[Instance]:
        """V2ListInstances (always v2, as :meth:`list_workflows`), sorted by (createdAt, id).

        The service filters only ``running=true``; any other value lists everything, so
        ``running=False`` (the terminated ones) is filtered here. Instances of a deleted
        workflow are not listed by the service."""
        params: dict[str, str] = {}
        if workflow_id is not None:
            params["workflowID"] = workflow_id
        if running:
            params["running"] = "true"
        raw = self._list_v2("/instances", params=params)
        instances = (Instance.from_json(i) for i in raw)
        if running is False:
            instances = (i for i in instances if i.terminated)
        return dedupe_sorted(instances, key=_id, order=lambda i: (_ts(i.created_at), i.id))

    def get_instance(self, instance_id: str) -> Instance:
        """GetInstance / V2GetInstance."""
        body = self._get(self._path("/instances/{}", instance_id))
        return Instance.from_json(_data(body, "get instance"))

    def get_instance_history(self, instance_id: str) -> list[InstanceHistory]:
        """GetInstanceHistory / V2GetInstanceHistory: one entry per stage."""
        body = self._get(self._path("/instances/{}/history", instance_id))
        return [InstanceHistory.from_json(h) for h in _data_list(body, "instance history")]

    def get_instance_stage_history(self, instance_id: str, stage: int) -> list[StageHistory]:
        """GetInstanceStageHistory / V2GetInstanceStageHistory: one entry per activity."""
        body = self._get(self._path("/instances/{}/stages/{}/history", instance_id, int(stage)))
        return [StageHistory.from_json(h) for h in _data_list(body, "stage history")]

    def send_event(self, instance_id: str, name: str) -> None:
        """SendEvent / V2SendEvent to an instance waiting on ``name``. Never retried once
        sent (a repeat could release a second wait)."""
        path = self._path("/instances/{}/events", instance_id)
        self._send("POST", path, Kind.WRITE, json={"name": name}, ok=(200, 201, 204))

    def abort_instance(self, instance_id: str) -> None:
        """CancelEvent / V2CancelEvent: abort a running instance (idempotent)."""
        path = self._prefix() + self._path("/instances/{}/abort", instance_id)
        self._session.request(
            "PUT", path, kind=Kind.IDEMPOTENT, ok=(200, 202, 204), done_if=_already_completed
        )

    # ------------------------------------------------------------------ together

    def list_all(
        self,
        *,
        workflows: bool = True,
        triggers: bool = True,
        each: Callable[[Workflow | Trigger], object] | None = None,
    ) -> LiveState:
        """Both lists at once (each cursor chain is sequential; the two run concurrently).
        ``each`` sees every object as its page arrives, from the listing's threads: work
        done there overlaps the round trips still to come (the planner's encoding)."""
        jobs: list[Callable[[], list[Any]]] = []
        if workflows:
            jobs.append(lambda: self.list_workflows(each))
        if triggers:
            jobs.append(lambda: self.list_triggers(each))
        began, sent = time.perf_counter(), self.requests_sent
        results = self.map(lambda job: job(), jobs)
        it = iter(results)
        state = LiveState(
            workflows=tuple(next(it)) if workflows else (),
            triggers=tuple(next(it)) if triggers else (),
        )
        log.info(
            "read the stack: %d workflows, %d triggers in %.0f ms (%d HTTP requests)",
            len(state.workflows),
            len(state.triggers),
            (time.perf_counter() - began) * 1000,
            self.requests_sent - sent,
        )
        return state

    @overload
    def map(
        self,
        fn: Callable[[T], R],
        items: Iterable[T],
        *,
        return_exceptions: Literal[False] = False,
    ) -> list[R]: ...

    @overload
    def map(
        self,
        fn: Callable[[T], R],
        items: Iterable[T],
        *,
        return_exceptions: Literal[True],
    ) -> list[R | errors.ApiError]: ...

    def map(
        self, fn: Callable[[T], R], items: Iterable[T], *, return_exceptions: bool = False
    ) -> list[R] | list[R | errors.ApiError]:
        """``[fn(x) for x in items]`` with up to ``parallelism`` calls at once, results in
        order. Every call finishes before this returns; then the first ApiError is raised,
        or (``return_exceptions``) ApiErrors take their item's place. Called from inside a
        ``map`` it runs inline (no deadlock on a full pool)."""
        items = list(items)
        if len(items) <= 1 or self.config.parallelism == 1 or getattr(_worker, "active", False):
            futures: list[Future[R]] = []
            for item in items:
                f: Future[R] = Future()
                try:
                    f.set_result(fn(item))
                except errors.ApiError as exc:
                    f.set_exception(exc)
                futures.append(f)
        else:
            pool = self._executor()
            futures = [pool.submit(_in_worker, fn, item) for item in items]
        out: list[R | errors.ApiError] = []
        first: errors.ApiError | None = None
        for fut in futures:
            failure = fut.exception()
            if failure is None:
                out.append(fut.result())
            elif isinstance(failure, errors.ApiError):
                first = first or failure
                out.append(failure)
            else:
                raise failure
        if first is not None and not return_exceptions:
            raise first
        return out

    # ------------------------------------------------------------------ plumbing

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=self.config.parallelism, thread_name_prefix="orchctl-api"
                )
            return self._pool

    def _require_v2(self, what: str) -> None:
        if self.api_version != "v2":
            raise errors.Unsupported(
                f"{what} exists only in the v2 API; this environment uses api_version v1",
                hint="set `api_version: v2` for this environment in orchctl.yaml",
            )

    def _prefix(self) -> str:
        if self._layout == "auto":
            with self._layout_lock:
                if self._layout == "auto":
                    self._layout = self._detect_layout()
        return prefix_for(self._layout)

    def _detect_layout(self) -> Layout:
        """Gateway if ``/api/orchestration/_info`` answers with server info, else bare."""
        try:
            r = self._session.request("GET", GATEWAY_PREFIX + "/_info", kind=Kind.READ)
            body = r.json()
            if isinstance(body, Mapping) and "version" in body:
                return "gateway"
        except (errors.NotFound, ValueError):
            pass
        except errors.HttpError as exc:
            if exc.status not in (400, 405):
                raise
        self._session.request("GET", "/_info", kind=Kind.READ)
        return "bare"

    def _path(self, template: str, *ids: str | int) -> str:
        """The versioned path (``/v2/...`` or ``/...``); ``_send`` adds the prefix."""
        return api_path(self.api_version, template, *ids)

    def _get(self, versioned_path: str, params: Mapping[str, str] | None = None) -> Any:
        return self._send("GET", versioned_path, Kind.READ, params=params)

    def _getter(self, versioned_path: str) -> Callable[[Mapping[str, str]], Any]:
        return lambda params: self._get(versioned_path, params)

    def _list(
        self, template: str, *ids: str, params: Mapping[str, str] | None = None
    ) -> Iterable[Any]:
        if self.api_version == "v2":
            path = api_path("v2", template, *ids)
            return follow_cursor(self._getter(path), params, page_size=MAX_PAGE_SIZE, what=path)
        return _data_list(self._get(api_path("v1", template, *ids), params), template)

    def _list_v2(self, template: str, params: Mapping[str, str] | None = None) -> Iterable[Any]:
        path = api_path("v2", template)
        return follow_cursor(self._getter(path), params, page_size=MAX_PAGE_SIZE, what=path)

    def _send(
        self,
        method: str,
        path: str,
        kind: Kind,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        ok: tuple[int, ...] = (200, 201),
    ) -> Any:
        path = self._prefix() + path
        response = self._session.request(method, path, kind=kind, json=json, params=params, ok=ok)
        if response.status_code == 204 or not response.content:
            return None
        return decode_json(response, method, path)

    def _delete(self, path: str) -> None:
        """A delete answered 404 is done, whether a lost earlier attempt did it or someone
        else did: the service answers 404 for an already deleted trigger (and, patched,
        workflow) and for an unknown id alike, and either way the object is gone."""
        path = self._prefix() + path
        self._session.request("DELETE", path, kind=Kind.IDEMPOTENT, ok=(200, 204, 404))


def _already_completed(response: httpx.Response) -> bool:
    message = error_fields(response)[1] or ""
    return response.status_code == 500 and "already completed" in message


def _in_worker(fn: Callable[[T], R], item: T) -> R:
    _worker.active = True
    try:
        return fn(item)
    finally:
        _worker.active = False


def _id(obj: Workflow | Trigger | Instance) -> str:
    return obj.id


def _name_id(obj: Workflow | Trigger) -> tuple[str, str]:
    return (obj.name, obj.id)


def _each(objects: Iterator[L], each: Callable[[L], object] | None) -> Iterator[L]:
    for obj in objects:
        if each is not None:
            each(obj)
        yield obj


def _ts(value: datetime | None) -> float:
    return value.timestamp() if value is not None else 0.0


def _data(body: Any, what: str) -> Any:
    if not isinstance(body, Mapping) or "data" not in body:
        raise errors.UnexpectedResponse(f"{what}: the response has no 'data'")
    return body["data"]


def _data_list(body: Any, what: str) -> list[Any]:
    data = _data(body, what)
    if data is None:
        return []
    if not isinstance(data, list):
        raise errors.UnexpectedResponse(f"{what}: 'data' is not a list")
    return data
