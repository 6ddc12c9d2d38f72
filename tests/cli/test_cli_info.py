"""`orchctl info` on the embedded sandbox and over a port; what orchctl knows by version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ops_support import make_project, orchctl, stack, writes

from orchctl.sandbox import Sandbox
from orchctl.serverinfo import facts, parse_version


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, profile: str) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path / "repo", profile=profile)


def test_info_on_the_embedded_sandbox(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = orchctl(capsys, "-C", "repo", "info")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Environment local (embedded sandbox, repo/.orchctl/sandbox-local.db)",
        "  server version: v2.0.0-sandbox",
        "  API versions:   v1 yes, v2 yes (orchctl uses v2)",
        "  address:        gateway, /api/orchestration",
        "What orchctl knows of this version:",
        "  server: orchctl's sandbox: it imitates SERVER_BEHAVIOR.md (Flows main)",
        "  trigger version: kept (as on 2025+ servers)",
        "  once per object: a trigger runs at most once per payment or account, keyed by the "
        "trigger's id (as on Flows main)",
    ]
    with stack(root) as (sandbox, _):
        assert writes(sandbox) == []  # read-only


@pytest.mark.socket
def test_info_over_a_port_as_json(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    profile: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    with Sandbox(profile=profile) as sandbox:
        server = sandbox.serve("127.0.0.1", 0)
        root = make_project(
            tmp_path / "repo", environments={"dev": {"url": f"{server.url}/api/orchestration"}}
        )
        code, out, err = orchctl(capsys, "-C", "repo", "--env", "dev", "info", "-o", "json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["format_version"] == 1
    info = document["info"]
    assert (info["environment"], info["url"], info["sandbox_state"]) == (
        "dev",
        f"{server.url}/api/orchestration",
        None,
    )
    assert info["server_version"] == "v2.0.0-sandbox"
    assert info["api_versions"] == {"v1": True, "v2": True}
    assert info["layout"] == "gateway"
    assert [f["topic"] for f in info["facts"]] == ["server", "trigger version", "once per object"]
    assert root.is_dir()


def test_a_live_versioned_trigger_proves_version_support() -> None:
    (trigger_version,) = (
        f for f in facts("v2.1.0", versioned_triggers=2) if f.topic == "trigger version"
    )
    assert (trigger_version.level, trigger_version.text) == (
        "ok",
        "kept: 2 live triggers carry one",
    )


@pytest.mark.parametrize(
    ("version", "trigger_version", "once_per_object"),
    [
        ("v2.7.3", "ok", "warning"),
        ("2.7.0-rc.1", "ok", "warning"),
        ("v2.8.0", "ok", "ok"),
        ("v3.0.1", "ok", "ok"),
        ("v2.1.4", "unknown", "unknown"),
        ("develop", "unknown", "unknown"),
    ],
)
def test_what_orchctl_knows_by_version(
    version: str, trigger_version: str, once_per_object: str
) -> None:
    levels = {f.topic: f.level for f in facts(version)}
    assert (levels["trigger version"], levels["once per object"]) == (
        trigger_version,
        once_per_object,
    )


def test_the_v27_once_per_object_warning_says_what_happens() -> None:
    (fact,) = (f for f in facts("v2.7.3") if f.topic == "once per object")
    assert (
        "the first save of a payment (usually PENDING) consumes it for every trigger" in fact.text
    )


def test_parse_version() -> None:
    assert parse_version("v2.7.3") == (2, 7)
    assert parse_version("2.10") == (2, 10)
    assert parse_version("main") is None
