"""Plan benchmark: N workflows + N triggers on a sandbox over HTTP with 20 ms latency, 1% changed.

    .venv/bin/python benchmarks/plan.py [--sizes 100,1000,10000] [--latency-ms 20]

For each N the sandbox runs in its own process (`orchctl sandbox --latency 20`), so the peak
RSS reported is orchctl's alone. The stack is seeded through the sandbox's bulk endpoint with
N workflows `bulk-wf-i` (one noop stage) and N triggers `bulk-tr-i` starting them; the desired
state is the same except that 1% of the workflows have a changed stage. Then, in one run:

* floor: a bare httpx loop over the same v2 pages (pageSize=100), one thread per list: the
  fewest sequential round trips the API allows (see benchmarks/client.py).
* orchctl: a fresh `OrchestrationClient` lists both collections (typed models, de-duplication,
  sorting), then `make_plan` computes the plan and the text renderer renders it.

Reported: wall time of listing + planning, requests made, ratio to the floor, CPU seconds
spent outside listing (planning + rendering), peak RSS. Targets at N = 10,000: ratio <= 1.3,
planning CPU <= 1 s, peak RSS <= 300 MB.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # measure the work tree, not an installed copy

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

import httpx

from orchctl.api import ClientConfig, OrchestrationClient
from orchctl.plan.planner import Desired, DesiredTrigger, DesiredWorkflow, PlanOptions, make_plan
from orchctl.render.text import render_text

PREFIX = "/api/orchestration/v2"
NOOP: tuple[dict[str, Any], ...] = ({"noop": {}},)
CHANGED: tuple[dict[str, Any], ...] = ({"wait_event": {"event": "changed"}},)


def start_sandbox(latency_ms: float) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "orchctl", "sandbox", "--port", "0", "--latency", str(latency_ms)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+", line)
    if not match:
        proc.kill()
        sys.exit(f"sandbox did not start: {line!r}")
    return proc, match.group(0)


def bare_walk(base_url: str, path: str, out: dict[str, int]) -> None:
    pages = 0
    with httpx.Client(base_url=base_url) as http:
        params: dict[str, str] = {"pageSize": "100"}
        while True:
            cursor = http.get(PREFIX + path, params=params).raise_for_status().json()["cursor"]
            pages += 1
            if not cursor.get("hasMore"):
                break
            params = {"cursor": cursor["next"]}
    out[path] = pages


def floor(base_url: str) -> tuple[float, int]:
    out: dict[str, int] = {}
    threads = [
        threading.Thread(target=bare_walk, args=(base_url, p, out))
        for p in ("/workflows", "/triggers")
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, sum(out.values())


def desired_state(n: int) -> Desired:
    changed = set(range(0, n, 100))  # 1%
    return Desired(
        workflows=tuple(
            DesiredWorkflow(f"bulk-wf-{i}", CHANGED if i in changed else NOOP) for i in range(n)
        ),
        triggers=tuple(
            DesiredTrigger(name=f"bulk-tr-{i}", workflow=f"bulk-wf-{i}", event="SAVED_PAYMENT")
            for i in range(n)
        ),
    )


def orchctl_round(base_url: str, desired: Desired) -> dict[str, float]:
    wall = time.perf_counter()
    with OrchestrationClient(ClientConfig(url=base_url)) as client:
        live = client.list_all()
        requests = client.requests_sent
    listed = time.perf_counter()
    cpu = time.process_time()
    plan = make_plan(desired, live, PlanOptions())
    planned_cpu = time.process_time() - cpu
    text = render_text(plan, color=False)
    total_cpu = time.process_time() - cpu
    done = time.perf_counter()
    counts = plan.count()
    return {
        "wall": done - wall,
        "listing": listed - wall,
        "requests": requests,
        "plan_cpu": planned_cpu,
        "cpu_outside_listing": total_cpu,
        "replace": counts["replace"],
        "text_chars": len(text),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, latency {args.latency_ms} ms")
    header = (
        f"{'N':>6} {'floor':>8} {'orchctl':>8} {'ratio':>6} {'req':>5} {'floor req':>9} "
        f"{'plan cpu':>9} {'cpu outside listing':>19} {'replaced':>8}"
    )
    print(header)
    for n in [int(s) for s in args.sizes.split(",")]:
        proc, url = start_sandbox(args.latency_ms)
        try:
            httpx.post(f"{url}/_sandbox/bulk", json={"workflows": n, "triggers": n}, timeout=300)
            desired = desired_state(n)
            floors, runs = [], []
            for _ in range(args.rounds):  # alternate so noise hits both alike
                floors.append(floor(url))
                runs.append(orchctl_round(url, desired))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        f_wall = statistics.median(f for f, _ in floors)
        o_wall = statistics.median(r["wall"] for r in runs)
        run = runs[-1]
        print(
            f"{n:>6} {f_wall:>7.2f}s {o_wall:>7.2f}s {o_wall / f_wall:>6.2f} "
            f"{int(run['requests']):>5} {floors[-1][1]:>9} "
            f"{statistics.median(r['plan_cpu'] for r in runs):>8.3f}s "
            f"{statistics.median(r['cpu_outside_listing'] for r in runs):>18.3f}s "
            f"{int(run['replace']):>8}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process (orchctl side only): {peak:.0f} MB")
    print("targets at N=10000: ratio <= 1.3, planning CPU <= 1 s, peak RSS <= 300 MB")


if __name__ == "__main__":
    main()
