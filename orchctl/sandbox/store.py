"""SQLite persistence: one connection guarded by a re-entrant lock, ``:memory:`` or a file.

Rows carry a ``rank``: a seeded hash of the id. Lists are ordered by it, so the order looks
random (the real server has no ORDER BY) yet is stable between pages of one listing.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from orchctl.errors import environment_errors
from orchctl.sandbox.records import TimelineEntry, Trigger, Workflow, dumps

_SCHEMA = """
CREATE TABLE IF NOT EXISTS workflows (
    id TEXT PRIMARY KEY, rank INTEGER NOT NULL, name TEXT NOT NULL, stages TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted_at TEXT);
CREATE INDEX IF NOT EXISTS workflows_rank ON workflows(deleted_at, rank);
CREATE TABLE IF NOT EXISTS triggers (
    id TEXT PRIMARY KEY, rank INTEGER NOT NULL, name TEXT NOT NULL, event TEXT NOT NULL,
    filter TEXT, workflow_id TEXT NOT NULL, vars TEXT, version TEXT,
    created_at TEXT NOT NULL, deleted_at TEXT);
CREATE INDEX IF NOT EXISTS triggers_rank ON triggers(deleted_at, rank);
CREATE INDEX IF NOT EXISTS triggers_event ON triggers(event);
CREATE TABLE IF NOT EXISTS instances (
    id TEXT PRIMARY KEY, rank INTEGER NOT NULL, workflow_id TEXT NOT NULL,
    terminated INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS instances_rank ON instances(rank);
CREATE TABLE IF NOT EXISTS occurrences (
    id TEXT PRIMARY KEY, rank INTEGER NOT NULL, trigger_id TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS occurrences_trigger ON occurrences(trigger_id, rank);
CREATE TABLE IF NOT EXISTS timeline (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL,
    action TEXT NOT NULL, kind TEXT NOT NULL, object_id TEXT NOT NULL, name TEXT,
    detail TEXT NOT NULL, outcome TEXT NOT NULL);
"""


class Store:
    def __init__(self, path: str = ":memory:", *, seed: int = 0) -> None:
        self.path = path
        self.seed = seed
        self.lock = threading.RLock()
        with environment_errors("open the sandbox database", path):
            self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            if path != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)
        self._closed = False

    def close(self) -> None:
        with self.lock:
            if not self._closed:
                self._closed = True
                self._conn.close()

    def rank(self, object_id: str) -> int:
        digest = hashlib.blake2b(f"{self.seed}:{object_id}".encode(), digest_size=7).digest()
        return int.from_bytes(digest, "big")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, args: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            return list(self._conn.execute(sql, tuple(args)).fetchall())

    def _exec(self, sql: str, args: Iterable[Any] = ()) -> int:
        with self.lock:
            return self._conn.execute(sql, tuple(args)).rowcount

    # -- workflows -------------------------------------------------------------------------
    def insert_workflows(self, workflows: Iterable[Workflow]) -> None:
        rows = [
            (w.id, self.rank(w.id), w.name, dumps(list(w.stages)), w.created_at, w.updated_at,
             w.deleted_at)
            for w in workflows
        ]  # fmt: skip
        with self.transaction() as conn:
            conn.executemany("INSERT INTO workflows VALUES (?,?,?,?,?,?,?)", rows)

    def get_workflow(self, workflow_id: str) -> Workflow | None:
        rows = self._query(
            "SELECT id, name, stages, created_at, updated_at, deleted_at FROM workflows "
            "WHERE id = ?",
            (workflow_id,),
        )
        return _workflow(rows[0]) if rows else None

    def list_workflows(self, offset: int = 0, limit: int | None = None) -> list[Workflow]:
        rows = self._query(
            "SELECT id, name, stages, created_at, updated_at, deleted_at FROM workflows "
            "WHERE deleted_at IS NULL ORDER BY rank LIMIT ? OFFSET ?",
            (-1 if limit is None else limit, offset),
        )
        return [_workflow(r) for r in rows]

    def delete_workflow(self, workflow_id: str, at: str) -> None:
        self._exec(
            "UPDATE workflows SET deleted_at = ?, updated_at = ? WHERE id = ? "
            "AND deleted_at IS NULL",
            (at, at, workflow_id),
        )

    # -- triggers --------------------------------------------------------------------------
    def insert_triggers(self, triggers: Iterable[Trigger]) -> None:
        rows = [
            (t.id, self.rank(t.id), t.name, t.event, t.filter, t.workflow_id,
             None if t.vars is None else dumps(dict(t.vars)), t.version, t.created_at,
             t.deleted_at)
            for t in triggers
        ]  # fmt: skip
        with self.transaction() as conn:
            conn.executemany("INSERT INTO triggers VALUES (?,?,?,?,?,?,?,?,?,?)", rows)

    _TRIGGER_COLS = "id, name, event, filter, workflow_id, vars, version, created_at, deleted_at"

    def get_trigger(self, trigger_id: str) -> Trigger | None:
        rows = self._query(f"SELECT {self._TRIGGER_COLS} FROM triggers WHERE id = ?", (trigger_id,))
        return _trigger(rows[0]) if rows else None

    def list_triggers(self, offset: int = 0, limit: int | None = None) -> list[Trigger]:
        rows = self._query(
            f"SELECT {self._TRIGGER_COLS} FROM triggers WHERE deleted_at IS NULL "
            "ORDER BY rank LIMIT ? OFFSET ?",
            (-1 if limit is None else limit, offset),
        )
        return [_trigger(r) for r in rows]

    def triggers_for_event(self, event: str) -> list[Trigger]:
        rows = self._query(
            f"SELECT {self._TRIGGER_COLS} FROM triggers WHERE deleted_at IS NULL AND event = ? "
            "ORDER BY rank",
            (event,),
        )
        return [_trigger(r) for r in rows]

    def delete_trigger(self, trigger_id: str, at: str) -> None:
        self._exec(
            "UPDATE triggers SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
            (at, trigger_id),
        )

    # -- instances (a JSON document each) ---------------------------------------------------
    def save_instance(self, doc: dict[str, Any]) -> None:
        self._exec(
            "INSERT INTO instances VALUES (?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
            "terminated = excluded.terminated, doc = excluded.doc",
            (doc["id"], self.rank(doc["id"]), doc["workflowID"], int(doc["terminated"]),
             dumps(doc)),
        )  # fmt: skip

    def get_instance(self, instance_id: str) -> dict[str, Any] | None:
        rows = self._query("SELECT doc FROM instances WHERE id = ?", (instance_id,))
        return _doc(rows[0][0]) if rows else None

    def list_instances(
        self,
        *,
        workflow_id: str | None = None,
        running: bool | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        where: list[str] = ["1=1"]
        args: list[Any] = []
        if workflow_id:
            where.append("workflow_id = ?")
            args.append(workflow_id)
        if running is not None:
            where.append("terminated = ?")
            args.append(0 if running else 1)
        rows = self._query(
            f"SELECT doc FROM instances WHERE {' AND '.join(where)} ORDER BY rank LIMIT ? OFFSET ?",
            (*args, -1 if limit is None else limit, offset),
        )
        return [_doc(r[0]) for r in rows]

    def running_instances(self) -> list[dict[str, Any]]:
        return [_doc(r[0]) for r in self._query("SELECT doc FROM instances WHERE terminated = 0")]

    # -- occurrences -----------------------------------------------------------------------
    def insert_occurrence(self, occurrence_id: str, trigger_id: str, doc: dict[str, Any]) -> None:
        self._exec(
            "INSERT INTO occurrences VALUES (?,?,?,?)",
            (occurrence_id, self.rank(occurrence_id), trigger_id, dumps(doc)),
        )

    def list_occurrences(
        self, trigger_id: str, offset: int = 0, limit: int | None = None
    ) -> list[dict[str, Any]]:
        rows = self._query(
            "SELECT doc FROM occurrences WHERE trigger_id = ? ORDER BY rank LIMIT ? OFFSET ?",
            (trigger_id, -1 if limit is None else limit, offset),
        )
        return [_doc(r[0]) for r in rows]

    # -- timeline --------------------------------------------------------------------------
    def append_timeline(
        self,
        *,
        at: str,
        actor: str,
        action: str,
        kind: str,
        object_id: str,
        name: str | None,
        detail: dict[str, Any],
        outcome: str = "ok",
    ) -> int:
        with self.lock:
            cur = self._conn.execute(
                "INSERT INTO timeline (at, actor, action, kind, object_id, name, detail, outcome)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (at, actor, action, kind, object_id, name, dumps(detail), outcome),
            )
            return int(cur.lastrowid or 0)

    def mark_timeline(self, seqs: Iterable[int], outcome: str) -> None:
        with self.lock:
            self._conn.executemany(
                "UPDATE timeline SET outcome = ? WHERE seq = ?", [(outcome, s) for s in seqs]
            )

    def timeline(self, since: int = 0) -> list[TimelineEntry]:
        rows = self._query(
            "SELECT seq, at, actor, action, kind, object_id, name, detail, outcome FROM timeline"
            " WHERE seq > ? ORDER BY seq",
            (since,),
        )
        return [
            TimelineEntry(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]), r[8])
            for r in rows
        ]


def _doc(text: str) -> dict[str, Any]:
    value = json.loads(text)
    assert isinstance(value, dict)
    return value


def _workflow(row: tuple[Any, ...]) -> Workflow:
    return Workflow(row[0], row[1], tuple(json.loads(row[2])), row[3], row[4], row[5])


def _trigger(row: tuple[Any, ...]) -> Trigger:
    vars_ = None if row[5] is None else tuple(json.loads(row[5]).items())
    return Trigger(
        id=row[0],
        name=row[1],
        event=row[2],
        filter=row[3],
        workflow_id=row[4],
        vars=vars_,
        version=row[6],
        created_at=row[7],
        deleted_at=row[8],
    )
