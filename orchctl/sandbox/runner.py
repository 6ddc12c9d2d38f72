"""Runs workflow instances the way the service does, minus the money.

An instance is a JSON document in the store. Stages run in order: ``send``/``update``/``noop``
finish at once (their resolved input and activities are recorded in the history; no ledger
is touched), ``delay`` waits (scaled by ``time_scale``), ``wait_event`` waits for
send-event. A stage that fails at run time (a missing required field, a bad amount...)
terminates the instance with its error. One scheduler thread wakes delayed instances.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from orchctl.sandbox.clock import now_str, parse_rfc3339
from orchctl.sandbox.errors import NO_ROWS, internal
from orchctl.sandbox.records import Workflow
from orchctl.sandbox.stages import StageError, resolve_stage
from orchctl.sandbox.store import Store

PRIVATE = "_sandbox"  # the document key holding what the API does not show
INSTANCE_NOT_FOUND = "Instance not found"

Recorder = Callable[[str, str, str, "str | None", dict[str, Any]], None]


def public(doc: dict[str, Any]) -> dict[str, Any]:
    """The instance as the service's JSON shows it (``status`` is omitempty)."""
    return {k: v for k, v in doc.items() if k != PRIVATE and not (k == "status" and not v)}


def present(store: Store, doc: dict[str, Any]) -> dict[str, Any]:
    """:func:`public` plus the ``workflow`` relation (read now: ``deletedAt`` is current)."""
    out = public(doc)
    workflow = store.get_workflow(doc["workflowID"])
    if workflow is not None:
        out["workflow"] = workflow.to_json()
    return out


def history_name(kind: str) -> str:
    """The child workflow's Go function name: ``"Run" + CamelCase(stage type)``."""
    if kind == "noop":
        return "RunNoOp"
    return "Run" + "".join(part.capitalize() for part in kind.split("_"))


class Runner:
    def __init__(self, store: Store, *, time_scale: float = 1.0) -> None:
        self.store = store
        self.time_scale = time_scale
        self._cond = threading.Condition(store.lock)
        self._heap: list[tuple[float, int, str]] = []
        self._seq = itertools.count()
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="sandbox-runner", daemon=True)
        self._thread.start()
        with self._cond:
            for doc in store.running_instances():
                wake = doc[PRIVATE].get("wakeAt")
                self._schedule(doc["id"], float(wake) if wake is not None else time.time())

    def close(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(timeout=5)

    # -- public operations -------------------------------------------------------------------
    def start(self, workflow: Workflow, variables: dict[str, str]) -> dict[str, Any]:
        at = now_str()
        doc: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "workflowID": workflow.id,
            "createdAt": at,
            "updatedAt": at,
            "status": [],
            "terminated": False,
            PRIVATE: {
                "runID": str(uuid.uuid4()),  # the "-main" child's Temporal run id
                "vars": variables,
                "stages": list(workflow.stages),
                "next": 0,
                "active": False,
                "waiting": None,
                "wakeAt": None,
                "pending": [],
                "history": [],
                "stageHistory": [],
            },
        }
        with self._cond:
            self.store.save_instance(doc)
            self._schedule(doc["id"], time.time())
        return doc

    def wait(self, instance_id: str, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.time() + timeout
        with self._cond:
            while True:
                doc = self.get(instance_id)
                remaining = deadline - time.time()
                if doc["terminated"] or remaining <= 0:
                    return doc
                self._cond.wait(min(remaining, 0.5))

    def get(self, instance_id: str) -> dict[str, Any]:
        doc = self.store.get_instance(instance_id)
        if doc is None:
            raise internal(NO_ROWS)
        return doc

    def send_event(self, instance_id: str, name: str) -> None:
        with self._cond:
            doc = self.get(instance_id)
            if doc["terminated"]:
                raise internal("workflow execution already completed")
            state = doc[PRIVATE]
            if state["waiting"] is not None:
                if state["waiting"] == name:
                    self._finish_stage(doc, None)
                    self._advance(doc)
                # a signal that is not the awaited one is consumed and discarded
            else:
                state["pending"].append(name)
            self._save(doc)

    def abort(self, instance_id: str) -> None:
        with self._cond:
            doc = self.get(instance_id)
            if doc["terminated"]:
                raise internal("workflow execution already completed")
            state = doc[PRIVATE]
            if state["active"]:
                self._finish_stage(doc, "canceled", advance_index=False)
            self._terminate(doc, "canceled")
            self._save(doc)

    # -- scheduling --------------------------------------------------------------------------
    def _schedule(self, instance_id: str, at: float) -> None:
        heapq.heappush(self._heap, (at, next(self._seq), instance_id))
        self._cond.notify_all()

    def _loop(self) -> None:
        with self._cond:
            while not self._stopping:
                now = time.time()
                if self._heap and self._heap[0][0] <= now:
                    _, _, instance_id = heapq.heappop(self._heap)
                    try:
                        doc = self.store.get_instance(instance_id)
                        if doc is not None and not doc["terminated"]:
                            self._advance(doc)
                            self._save(doc)
                    except Exception:  # the scheduler must survive a bad row
                        continue
                    continue
                timeout = (self._heap[0][0] - now) if self._heap else None
                self._cond.wait(timeout)

    def _save(self, doc: dict[str, Any]) -> None:
        doc["updatedAt"] = now_str()
        self.store.save_instance(doc)
        self._cond.notify_all()

    # -- the state machine (called with the lock held) ---------------------------------------
    def _advance(self, doc: dict[str, Any]) -> None:
        state = doc[PRIVATE]
        while not doc["terminated"]:
            if state["active"]:
                if state["wakeAt"] is not None:
                    if state["wakeAt"] > time.time():
                        self._schedule(doc["id"], state["wakeAt"])
                        return
                    self._finish_stage(doc, None)
                    continue
                if state["waiting"] is not None:
                    while state["pending"]:
                        if state["pending"].pop(0) == state["waiting"]:
                            self._finish_stage(doc, None)
                            break
                    if state["active"]:
                        return
                    continue
            index = state["next"]
            if index >= len(state["stages"]):
                self._terminate(doc, None)
                return
            self._begin_stage(doc, index)

    def _begin_stage(self, doc: dict[str, Any], index: int) -> None:
        state = doc[PRIVATE]
        stage = state["stages"][index]
        at = now_str()
        kind = next(iter(stage)) if isinstance(stage, dict) and stage else "unknown"
        run_id = state.setdefault("runID", str(uuid.uuid4()))
        doc["status"].append(
            {"stage": index, "instanceID": doc["id"], "temporalRunID": run_id, "startedAt": at}
        )
        state["active"] = True
        entry: dict[str, Any] = {
            "name": history_name(kind),
            "input": stage.get(kind) or {},
            "terminated": False,
        }
        entry["startedAt"] = at
        state["history"].append(entry)
        state["stageHistory"].append([])
        try:
            resolved = resolve_stage(stage, state["vars"])
        except StageError as exc:
            self._finish_stage(doc, str(exc), advance_index=False)
            self._terminate(doc, str(exc))
            return
        entry["input"] = resolved.input
        for name, activity_input in resolved.activities:
            state["stageHistory"][-1].append(
                {
                    "name": name,
                    "input": {name: activity_input},
                    "startedAt": at,
                    "terminated": True,
                    "terminatedAt": now_str(),
                    "attempt": 1,
                }
            )
        if resolved.kind == "delay":
            seconds = resolved.delay_seconds
            if resolved.until is not None:
                target = parse_rfc3339(resolved.until)
                seconds = (target - datetime.now(UTC)).total_seconds()
            state["wakeAt"] = time.time() + max(0.0, seconds or 0.0) * self.time_scale
        elif resolved.kind == "wait_event":
            state["waiting"] = resolved.event
        else:
            self._finish_stage(doc, None)

    def _finish_stage(
        self, doc: dict[str, Any], error: str | None, *, advance_index: bool = True
    ) -> None:
        state = doc[PRIVATE]
        at = now_str()
        status = doc["status"][-1]
        status["terminatedAt"] = at
        history = state["history"][-1]
        history["terminated"] = True
        history["terminatedAt"] = at
        if error:
            status["error"] = error
            history["error"] = error
        state["active"] = False
        state["waiting"] = None
        state["wakeAt"] = None
        if advance_index:
            state["next"] += 1

    def _terminate(self, doc: dict[str, Any], error: str | None) -> None:
        doc["terminated"] = True
        doc["terminatedAt"] = now_str()
        if error:
            doc["error"] = error
