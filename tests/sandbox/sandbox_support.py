"""Helpers shared by the sandbox tests (a unique module name: no clash with other suites)."""

from __future__ import annotations

from typing import Any

import httpx

GATEWAY = "/api/orchestration"
NOOP = [{"noop": {}}]
ZERO_UUID = "00000000-0000-4000-8000-000000000000"


class Api:
    """Thin helpers over an httpx client talking to the sandbox."""

    def __init__(self, http: httpx.Client, prefix: str = GATEWAY) -> None:
        self.http = http
        self.prefix = prefix

    def url(self, path: str, version: str = "v2") -> str:
        return f"{self.prefix}{'/v2' if version == 'v2' else ''}{path}"

    def request(self, method: str, path: str, version: str = "v2", **kw: Any) -> httpx.Response:
        return self.http.request(method, self.url(path, version), **kw)

    def create_workflow(self, stages: list[Any] | None = None, name: str = "wf") -> dict[str, Any]:
        resp = self.request("POST", "/workflows", json={"name": name, "stages": stages or NOOP})
        assert resp.status_code == 201, resp.text
        data: dict[str, Any] = resp.json()["data"]
        return data

    def create_trigger(self, workflow_id: str, **fields: Any) -> dict[str, Any]:
        body = {"event": "SAVED_PAYMENT", "workflowID": workflow_id, **fields}
        resp = self.request("POST", "/triggers", json=body)
        assert resp.status_code == 201, resp.text
        data: dict[str, Any] = resp.json()["data"]
        return data

    def run(
        self, workflow_id: str, variables: dict[str, str] | None = None, wait: bool = True
    ) -> dict[str, Any]:
        resp = self.request(
            "POST",
            f"/workflows/{workflow_id}/instances",
            params={"wait": "true"} if wait else None,
            json=variables or {},
        )
        assert resp.status_code == 201, resp.text
        data: dict[str, Any] = resp.json()["data"]
        return data

    def list_all(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Follow v2 cursors to the end."""
        out: list[dict[str, Any]] = []
        query: dict[str, Any] = dict(params)
        while True:
            resp = self.request("GET", path, params=query)
            assert resp.status_code == 200, resp.text
            cursor = resp.json()["cursor"]
            out.extend(cursor["data"])
            if not cursor["hasMore"]:
                return out
            query = {"cursor": cursor["next"]}
