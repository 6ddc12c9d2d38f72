"""Real `orchctl apply` processes against `orchctl sandbox --port 0 --db FILE`:

- SIGKILL at a random instant, 20 trials: after `orchctl unlock` of the dead holder's lock
  (what a user does after a killed CI job; it would also expire within a minute), one more
  apply converges and nothing is left behind (no shadow, no lock object, no extra copy);
  the timeline over all trials keeps the invariants.
- Applies started together never both write: per process (an OAuth client each, so the
  sandbox's timeline names who wrote), the spans of non-lock writes never intersect.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from apply_support import STAGES_A, STAGES_B, TARGET, changes, check_invariants, write_project

from orchctl.api import OrchestrationClient
from orchctl.definitions.loader import load_project
from orchctl.pipeline import Planned, PlanRequest, plan_with
from orchctl.sandbox.records import TimelineEntry

pytestmark = pytest.mark.socket

CLIENTS = [f"c{i}:secret-{i}" for i in range(6)]
WORKFLOWS = 8


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    args = [
        sys.executable,
        "-m",
        "orchctl",
        "sandbox",
        "--port",
        "0",
        "--db",
        str(tmp_path / "sb.db"),
    ]
    args += ["--latency", "3", "--time-scale", "0.001"]
    for client in CLIENTS:
        args += ["--auth-client", client]
    log = (tmp_path / "sandbox.log").open("w")
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert match, line + (tmp_path / "sandbox.log").read_text()
        yield match.group(0)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()
        log.close()


def project(root: Path, url: str, version: int) -> Path:
    stages = STAGES_A if version % 2 == 0 else STAGES_B
    triggers = []
    for i in range(WORKFLOWS):
        for swap in ("delete-first", "create-first"):
            name = f"t{i}-{swap}"
            test = {"name": "pays", "event": {"amount": 10}, "expect": {"match": True}}
            triggers.append(
                {
                    "name": name,
                    "workflow": f"w{i}",
                    "swap": swap,
                    "filter": f"event.amount > {version % 3}",
                    "tests": [test],
                }
            )
    write_project(
        root,
        namespace="pay",
        workflows={f"w{i}": stages for i in range(WORKFLOWS)},
        triggers=triggers,
    )
    config = {"namespace": "pay", "environments": {"ci": {"url": url}}, "default_environment": "ci"}
    (root / "orchctl.yaml").write_text(json.dumps(config))
    return root


def env_for(client: str) -> dict[str, str]:
    ident, secret = client.split(":")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORMANCE_", "ORCHCTL_"))}
    env |= {"FORMANCE_STACK_CLIENT_ID": ident, "FORMANCE_STACK_CLIENT_SECRET": secret}
    return env


def orchctl(root: Path, client: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "orchctl", "-C", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env_for(client),
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def timeline(url: str) -> list[TimelineEntry]:
    rows = httpx.get(f"{url}/_sandbox/timeline", timeout=10).json()["data"]
    return [
        TimelineEntry(
            seq=r["seq"],
            at=r["at"],
            actor=r["actor"],
            action=r["action"],
            kind=r["kind"],
            object_id=r["id"],
            name=r["name"],
            detail=r["detail"],
            outcome=r["outcome"],
        )
        for r in rows
    ]


def live(url: str) -> dict[str, Any]:
    with OrchestrationClient.from_environment({"url": url}, env_for(CLIENTS[0])) as client:
        state = client.list_all()
    return {
        "workflows": sorted(w.name for w in state.workflows),
        "triggers": sorted(t.name for t in state.triggers),
        "dangling": [
            t.name for t in state.triggers if t.workflow_id not in {w.id for w in state.workflows}
        ],
    }


def plan_now(root: Path, url: str) -> Planned:
    project = load_project(str(root), "ci", env_for(CLIENTS[0]))
    with OrchestrationClient.from_environment({"url": url}, env_for(CLIENTS[0])) as client:
        return plan_with(client, TARGET, project, PlanRequest())


def apply_recovering(root: Path, client: str) -> tuple[int, str, str, bool]:
    """apply; if a dead holder's lock is in the way, break it (`orchctl unlock ID`) and
    apply again."""
    code, out, err = finish(orchctl(root, client, "apply", "--auto-approve"))
    held = re.search(r"orchctl unlock (\w+)", err)
    if code != 0 and held:
        assert finish(orchctl(root, client, "unlock", held.group(1)))[0] == 0
        code, out, err = finish(orchctl(root, client, "apply", "--auto-approve"))
    return code, out, err, bool(held)


def expected_names() -> dict[str, list[str]]:
    return {
        "workflows": sorted(f"pay/w{i}" for i in range(WORKFLOWS)),
        "triggers": sorted(
            f"pay/t{i}-{s}" for i in range(WORKFLOWS) for s in ("delete-first", "create-first")
        ),
        "dangling": [],
    }


def test_sigkill_at_any_instant_then_one_apply_converges(server: str, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    project(root, server, 0)
    started = time.monotonic()
    assert finish(orchctl(root, CLIENTS[0], "apply", "--auto-approve"))[0] == 0
    full = time.monotonic() - started
    rng = random.Random(11)
    killed_mid_way = unlocked = 0
    for trial in range(1, 21):
        project(root, server, trial)
        victim = orchctl(root, CLIENTS[trial % len(CLIENTS)], "apply", "--auto-approve")
        time.sleep(rng.uniform(0.2, full * 1.2))
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=30)
        killed_mid_way += victim.returncode == -signal.SIGKILL
        code, out, err, broke = apply_recovering(root, CLIENTS[(trial + 1) % len(CLIENTS)])
        unlocked += broke
        assert code == 0, out + err
        planned = plan_now(root, server)
        assert changes(planned.plan) == []
        assert (planned.shadows, planned.shadow_workflows, planned.lock_holder) == ((), (), None)
        assert live(server) == expected_names()  # no shadow, no lock object, no extra copy
    print(f"sigkill: 20 trials, {killed_mid_way} killed while running, {unlocked} locks broken")
    assert killed_mid_way >= 10  # most kills landed while the apply was running
    delete_first = [f"pay/t{i}-delete-first" for i in range(WORKFLOWS)]
    check_invariants(timeline(server), delete_first=delete_first)


def write_spans(entries: list[TimelineEntry]) -> dict[str, tuple[int, int]]:
    spans: dict[str, tuple[int, int]] = {}
    for e in entries:
        if (e.name or "").startswith(("orchctl:lock", "orchctl-shadow-")):
            continue
        lo, hi = spans.get(e.actor, (e.seq, e.seq))
        spans[e.actor] = (min(lo, e.seq), max(hi, e.seq))
    return spans


@pytest.mark.profile("patched")
def test_applies_started_together_never_both_write(server: str, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    for round_ in range(4):
        project(root, server, round_)
        start = len(timeline(server))
        contenders = [
            orchctl(root, c, "apply", "--auto-approve", "--lock-timeout", "60s")
            for c in CLIENTS[:3]
        ]
        results = [finish(p) for p in contenders]
        assert [r[0] for r in results] == [0, 0, 0], [r[2] for r in results]
        spans = sorted(write_spans(timeline(server)[start:]).values())
        assert len(spans) == 1, spans  # one wrote; the others then found nothing to do
        summaries = sorted(r[1].splitlines()[-1] for r in results)
        assert summaries[:2] == ["Apply complete: 0 created, 0 replaced, 0 deleted."] * 2
