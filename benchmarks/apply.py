"""Apply benchmark: `orchctl apply` (the CLI, a whole process) beside a sequential loop of
Formance's own SDK (formance-sdk-python), over HTTP with injected latency, in one run.

    .venv/bin/python benchmarks/apply.py [--workflows 1000] [--latency-ms 20]
                                         [--parallelism 8] [--json FILE]

A sandbox with OAuth2 on is served on 127.0.0.1; every API call waits `latency` first.

* create: a repository of N workflows and N triggers (one per workflow) applied to an empty
  namespace by `orchctl apply --auto-approve` (validation, offline tests, the lock, the
  listings, the steps, the final re-read: everything a user waits for), beside an SDK loop
  creating the same N + N objects one call after the other in another namespace.
* replace: every workflow changed: apply creates N new versions, swaps N triggers
  (delete-first: delete then create) and deletes N old versions; the SDK loop does the same
  4N calls in sequence.

ratio = SDK loop wall time / apply wall time (target >= 6 at parallelism 8).
floor = the fewest sequential round trips the work allows at that parallelism, times the
latency: ceil(writes / parallelism) + the pages of one listing of both kinds (100 a page,
the two lists concurrent); apply / floor says how close apply comes to it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from orchctl.sandbox import Latency, Sandbox

CLIENT = ("bench", "bench-secret")


def stages(version: int, i: int) -> list[dict[str, Any]]:
    return [{"wait_event": {"event": f"go-{version}-{i}"}}]


def write_repo(root: Path, n: int, version: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob("*.yaml"):
        old.unlink()
    (root / "orchctl.yaml").write_text(
        yaml.safe_dump(
            {"namespace": "apply", "default_environment": "bench", "environments": {"bench": {}}}
        )
    )
    for i in range(n):
        (root / f"w{i}.yaml").write_text(
            yaml.safe_dump({"kind": "Workflow", "name": f"w{i}", "stages": stages(version, i)})
        )
        (root / f"t{i}.yaml").write_text(
            yaml.safe_dump(
                {
                    "kind": "Trigger",
                    "name": f"t{i}",
                    "workflow": f"w{i}",
                    "event": "SAVED_PAYMENT",
                    "filter": f"event.amount > {i}",
                }
            )
        )


def run_apply(root: Path, url: str, parallelism: int) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORMANCE_", "ORCHCTL_"))}
    env |= {
        "FORMANCE_STACK_API_ENDPOINT": url,
        "FORMANCE_STACK_CLIENT_ID": CLIENT[0],
        "FORMANCE_STACK_CLIENT_SECRET": CLIENT[1],
    }
    config = yaml.safe_load((root / "orchctl.yaml").read_text())
    config["environments"]["bench"] = {"url": url}
    (root / "orchctl.yaml").write_text(yaml.safe_dump(config))
    command = [sys.executable, "-m", "orchctl", "-C", str(root), "apply", "--auto-approve"]
    command += ["--parallelism", str(parallelism)]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        lines = done.stdout.splitlines()
        failed = (
            lines[lines.index("Failed:") : lines.index("Failed:") + 5] if "Failed:" in lines else []
        )
        raise SystemExit("orchctl apply failed:\n" + "\n".join(failed) + "\n" + done.stderr[-2000:])
    print("   ", done.stdout.strip().splitlines()[-1])
    check = subprocess.run(
        [sys.executable, "-m", "orchctl", "-C", str(root), "plan", "--detailed-exitcode"],
        env=env,
        capture_output=True,
        text=True,
    )
    if check.returncode != 0:
        raise SystemExit(f"plan after apply is not empty:\n{check.stdout[-2000:]}")
    return elapsed


def sdk_client(url: str) -> Any:
    from formance_sdk_python import SDK
    from formance_sdk_python.models import shared

    return SDK(
        server_url=url, security=shared.Security(client_id=CLIENT[0], client_secret=CLIENT[1])
    )


def sdk_create(url: str, n: int) -> tuple[float, list[tuple[str, str]]]:
    v2 = sdk_client(url).orchestration.v2
    pairs = []
    start = time.perf_counter()
    for i in range(n):
        wf = v2.create_workflow(request={"name": f"sdk/w{i}", "stages": stages(0, i)})
        wid = wf.v2_create_workflow_response.data.id
        tr = v2.create_trigger(
            request={
                "event": "SAVED_PAYMENT",
                "workflow_id": wid,
                "name": f"sdk/t{i}",
                "filter": f"event.amount > {i}",
            }
        )
        pairs.append((wid, tr.v2_create_trigger_response.data.id))
    return time.perf_counter() - start, pairs


def sdk_replace(url: str, pairs: list[tuple[str, str]]) -> float:
    v2 = sdk_client(url).orchestration.v2
    start = time.perf_counter()
    for i, (old_wf, old_tr) in enumerate(pairs):
        wf = v2.create_workflow(request={"name": f"sdk/w{i}", "stages": stages(1, i)})
        wid = wf.v2_create_workflow_response.data.id
        v2.delete_trigger(request={"trigger_id": old_tr})
        v2.create_trigger(
            request={
                "event": "SAVED_PAYMENT",
                "workflow_id": wid,
                "name": f"sdk/t{i}",
                "filter": f"event.amount > {i}",
            }
        )
        v2.delete_workflow(request={"flow_id": old_wf})
    return time.perf_counter() - start


def floor(writes: int, objects: int, parallelism: int, latency: float) -> float:
    pages = math.ceil(max(objects, 1) / 100)
    return (math.ceil(writes / parallelism) + pages) * latency


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workflows", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--parallelism", type=int, default=8)
    parser.add_argument("--json", dest="json_file")
    args = parser.parse_args()
    n, latency = args.workflows, args.latency_ms / 1000
    results: dict[str, Any] = {
        "workflows": n,
        "triggers": n,
        "latency_ms": args.latency_ms,
        "parallelism": args.parallelism,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
    }
    with (
        tempfile.TemporaryDirectory() as tmp,
        Sandbox(os.path.join(tmp, "bench.db"), auth=[":".join(CLIENT)], time_scale=0.001) as sb,
    ):
        server = sb.serve("127.0.0.1", 0)
        sb.set_faults(None, Latency(fixed_ms=args.latency_ms))
        root = Path(tmp) / "repo"
        print(
            f"{n} workflows + {n} triggers, {args.latency_ms:g} ms a call, parallelism "
            f"{args.parallelism}"
        )
        for phase, version in (("create", 0), ("replace", 1)):
            write_repo(root, n, version)
            print(f"  {phase}: orchctl apply ...")
            applied = run_apply(root, server.url, args.parallelism)
            print(f"  {phase}: SDK loop ...")
            if phase == "create":
                sdk, pairs = sdk_create(server.url, n)
                writes = 2 * n
            else:
                sdk = sdk_replace(server.url, pairs)
                writes = 4 * n
            bound = floor(writes, n, args.parallelism, latency)
            results[phase] = {
                "writes": writes,
                "apply_s": round(applied, 2),
                "sdk_loop_s": round(sdk, 2),
                "floor_s": round(bound, 2),
                "ratio_sdk_over_apply": round(sdk / applied, 2),
                "ratio_apply_over_floor": round(applied / bound, 2),
            }
            r = results[phase]
            print(
                f"  {phase}: apply {r['apply_s']} s, SDK loop {r['sdk_loop_s']} s -> "
                f"{r['ratio_sdk_over_apply']}x faster (target >= 6); floor {r['floor_s']} s "
                f"-> apply is {r['ratio_apply_over_floor']}x the floor"
            )
        server.shutdown()
    if args.json_file:
        Path(args.json_file).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
