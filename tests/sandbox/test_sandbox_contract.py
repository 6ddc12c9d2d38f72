"""Every response of every operation, v1 and v2, validated against the 2026 OpenAPI files.

The schemas are read from ``../shared/reference`` (skipped when absent) and translated from
OpenAPI 3 to JSON Schema (``nullable``, ``discriminator``, ``example`` and formats).
Documented deviations of the real server from its spec are allowed explicitly (NULLABLE).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import yaml
from sandbox_support import GATEWAY, ZERO_UUID

from orchctl.sandbox import EMBEDDED_URL, Sandbox

pytestmark = pytest.mark.reference

# SERVER_BEHAVIOR.md: the test endpoint answers "filter": null when the trigger has none and
# "variables": null when they were not evaluated; the spec types both as plain objects.
NULLABLE = {("V2TriggerTest", "filter"), ("V2TriggerTest", "variables")}

STAGES: list[dict[str, Any]] = [
    {"noop": {}},
    {
        "send": {
            "source": {"account": {"id": "world"}},
            "destination": {"account": {"id": "a:${id}"}},
            "amount": {"amount": "100", "asset": "USD/2"},
            "metadata": {"k": "v"},
            "timestamp": "2024-01-01T00:00:00Z",
        }
    },
    {
        "send": {
            "source": {"wallet": {"id": "w1"}},
            "destination": {"account": {"id": "b"}},
            "amount": {"amount": 5, "asset": "USD/2"},
        }
    },
    {
        "send": {
            "source": {"account": {"id": "c"}},
            "destination": {"wallet": {"name": "main"}},
            "amount": {"amount": 5, "asset": "USD/2"},
        }
    },
    {"send": {"source": {"payment": {"id": "p1"}}, "destination": {"account": {"id": "d"}}}},
    {
        "send": {
            "source": {"account": {"id": "e"}},
            "destination": {"payment": {"psp": "stripe", "type": "PAYOUT"}},
            "amount": {"amount": 5, "asset": "USD/2"},
        }
    },
    {"update": {"account": {"id": "f", "metadata": {"x": "y"}}}},
    {"delay": {"duration": "1s"}},
    {"wait_event": {"event": "go"}},
]


def _translate(node: Any, owner: str | None = None) -> Any:
    if isinstance(node, list):
        return [_translate(item, owner) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    discriminator = node.get("discriminator")
    if isinstance(discriminator, dict) and discriminator.get("mapping"):
        prop = discriminator["propertyName"]
        out["oneOf"] = [
            {"allOf": [{"$ref": ref}, {"properties": {prop: {"const": value}}}]}
            for value, ref in discriminator["mapping"].items()
        ]
        node = {k: v for k, v in node.items() if k not in ("oneOf", "discriminator")}
    for key, value in node.items():
        if key in (
            "example",
            "discriminator",
            "format",
            "x-speakeasy-name-override",
            "description",
        ):
            continue
        if key == "properties":
            out[key] = {}
            for prop, sub in value.items():
                translated = _translate(sub)
                if (owner, prop) in NULLABLE:
                    translated = {"anyOf": [translated, {"type": "null"}]}
                out[key][prop] = translated
            continue
        if key == "schemas":
            out[key] = {name: _translate(sub, name) for name, sub in value.items()}
            continue
        out[key] = _translate(value, owner)
    if out.pop("nullable", False):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


class Contract:
    def __init__(self, spec_path: Path) -> None:
        spec = yaml.safe_load(spec_path.read_text())
        self.components = _translate(spec["components"])
        self.operations: list[tuple[str, re.Pattern[str], dict[str, Any]]] = []
        for template, item in spec["paths"].items():
            pattern = re.compile("^" + re.sub(r"\{\w+\}", "[^/]+", template) + "$")
            for method, operation in item.items():
                if method != "parameters":
                    self.operations.append((method.upper(), pattern, operation))
        self.seen: set[str] = set()

    def check(self, response: httpx.Response, path: str) -> None:
        method = response.request.method
        matches = [op for m, pattern, op in self.operations if m == method and pattern.match(path)]
        assert matches, f"{method} {path} is not in the spec"
        operation = matches[0]
        self.seen.add(operation["operationId"])
        responses = operation["responses"]
        declared = responses.get(str(response.status_code))
        if declared is None:
            assert response.status_code >= 400, (
                f"{method} {path}: undeclared {response.status_code}"
            )
            declared = responses["default"]
        if "$ref" in declared:
            name = declared["$ref"].rsplit("/", 1)[-1]
            declared = self.components["responses"][name]
        content = declared.get("content")
        if content is None:
            assert response.content == b"", f"{method} {path}: body on {response.status_code}"
            return
        schema = _translate(content["application/json"]["schema"])
        validator = jsonschema.Draft7Validator({**schema, "components": self.components})
        errors = sorted(validator.iter_errors(response.json()), key=str)
        assert not errors, f"{method} {path} {response.status_code}: {errors[0]}"


@pytest.fixture
def box() -> Iterator[Sandbox]:
    with Sandbox(time_scale=0.001) as sandbox:
        yield sandbox


def _scenario(box: Sandbox, http: httpx.Client, contract: Contract, prefix: str, v: str) -> None:
    def call(method: str, path: str, **kw: Any) -> httpx.Response:
        response = http.request(method, f"{prefix}{v}{path}", **kw)
        contract.check(response, f"{v}{path}")
        return response

    if v == "":
        assert call("GET", "/_info").status_code == 200
    else:
        assert http.get(f"{prefix}/v2/_info").status_code == 404  # not served by the router
    assert call("POST", "/workflows", json={"stages": [{"bogus": {}}]}).status_code == 500
    assert call("POST", "/workflows", content=b"{").status_code == 400
    workflow = call("POST", "/workflows", json={"name": "c", "stages": STAGES}).json()["data"]
    other = call("POST", "/workflows", json={"stages": [{"delay": {}}]}).json()["data"]
    call("GET", "/workflows")
    call("GET", f"/workflows/{workflow['id']}")
    assert call("GET", f"/workflows/{ZERO_UUID}").status_code == 500
    assert call("POST", "/triggers", json={"event": "E"}).status_code == 400
    assert (
        call("POST", "/triggers", json={"event": "E", "workflowID": ZERO_UUID}).status_code == 404
    )
    trigger = call(
        "POST", "/triggers", json={"event": "E", "workflowID": workflow["id"], "name": "t"}
    ).json()["data"]
    call("GET", "/triggers")
    call("GET", f"/triggers/{trigger['id']}")
    assert call("GET", "/triggers", params={"name": "t"}).status_code == 500
    if v:
        assert call("POST", f"/triggers/{trigger['id']}/test", json={"a": 1}).status_code == 200
        assert call("POST", f"/triggers/{ZERO_UUID}/test", json={}).status_code == 500
    (occurrence,) = box.emit("E", {"id": "42"})
    call("GET", f"/triggers/{trigger['id']}/occurrences")
    instance_id = occurrence["workflowInstanceID"]
    run = call(
        "POST", f"/workflows/{workflow['id']}/instances", params={"wait": "false"}, json={"id": "7"}
    )
    assert run.status_code == 201
    failed = call("POST", f"/workflows/{other['id']}/instances", params={"wait": "true"}, json={})
    assert failed.json()["data"]["error"]
    assert call("POST", f"/workflows/{ZERO_UUID}/instances", json={}).status_code == 500
    _until_waiting(box, instance_id)
    assert call("POST", f"/instances/{instance_id}/events", json={"name": "go"}).status_code == 204
    box.wait_instance(instance_id)
    call("GET", "/instances")
    call("GET", "/instances", params={"workflowID": workflow["id"], "running": "true"})
    call("GET", f"/instances/{instance_id}")
    call("GET", f"/instances/{instance_id}/history")
    for number in range(len(STAGES)):
        call("GET", f"/instances/{instance_id}/stages/{number}/history")
    assert call("GET", f"/instances/{ZERO_UUID}").status_code == 500
    assert call("PUT", f"/instances/{run.json()['data']['id']}/abort").status_code == 204
    assert call("PUT", f"/instances/{instance_id}/abort").status_code == 500
    call("GET", f"/instances/{run.json()['data']['id']}/history")
    assert call("DELETE", f"/triggers/{trigger['id']}").status_code == 204
    assert call("DELETE", f"/workflows/{workflow['id']}").status_code == 204
    assert call("DELETE", "/workflows/x").status_code == 400
    call("GET", f"/workflows/{workflow['id']}")


def _until_waiting(box: Sandbox, instance_id: str) -> None:
    import time

    deadline = time.monotonic() + 5
    while box.runner.get(instance_id)["_sandbox"]["waiting"] is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)


@pytest.mark.parametrize("prefix", [GATEWAY, ""])
@pytest.mark.parametrize(("version", "spec_name"), [("", "v1"), ("/v2", "v2")])
def test_every_operation_matches_the_spec(
    box: Sandbox, reference_dir: Path, prefix: str, version: str, spec_name: str
) -> None:
    contract = Contract(reference_dir / f"orchestration-openapi-{spec_name}.yaml")
    with httpx.Client(transport=box.transport(), base_url=EMBEDDED_URL) as http:
        _scenario(box, http, contract, prefix, version)
    every = {op["operationId"] for _, _, op in contract.operations}
    missing = every - contract.seen - {"v2GetServerInfo"}
    assert not missing


def test_trigger_test_with_expressions_matches_the_spec(
    box: Sandbox, reference_dir: Path, expr: Any
) -> None:
    contract = Contract(reference_dir / "orchestration-openapi-v2.yaml")
    with httpx.Client(transport=box.transport(), base_url=EMBEDDED_URL) as http:
        wf = http.post("/v2/workflows", json={"stages": []}).json()["data"]
        body = {
            "event": "E",
            "workflowID": wf["id"],
            "filter": "event.a == 1",
            "vars": {"a": "event.a"},
        }
        trigger = http.post("/v2/triggers", json=body)
        contract.check(trigger, "/v2/triggers")
        for payload in ({"a": 1}, {"a": 2}):
            resp = http.post(f"/v2/triggers/{trigger.json()['data']['id']}/test", json=payload)
            contract.check(resp, "/v2/triggers/x/test")


def test_the_contract_check_rejects_a_wrong_shape(reference_dir: Path) -> None:
    contract = Contract(reference_dir / "orchestration-openapi-v2.yaml")
    request = httpx.Request("POST", "http://x/v2/workflows")
    wrong = httpx.Response(201, json={"data": {"id": 1, "config": {}}}, request=request)
    with pytest.raises(AssertionError):
        contract.check(wrong, "/v2/workflows")
    undeclared = httpx.Response(200, json={}, request=request)
    with pytest.raises(AssertionError):
        contract.check(undeclared, "/v2/workflows")
