"""Sandbox throughput: create and list requests per second, in-process and over HTTP, with
1, 4 and 16 concurrent clients; and the time to seed 10,000 workflows + 10,000 triggers
through the bulk path.

    .venv/bin/python benchmarks/sandbox.py [--seconds 2] [--json FILE]

Each cell runs for ``--seconds`` of wall time; every client is a thread with its own
httpx.Client (in-process: the sandbox transport; HTTP: keep-alive to 127.0.0.1).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the work tree

import httpx

from orchctl.sandbox import EMBEDDED_URL, Sandbox

CONCURRENCY = (1, 4, 16)
STAGES = [{"noop": {}}, {"delay": {"duration": "1m"}}]


def _client_factory(box: Sandbox, mode: str, url: str) -> Callable[[], httpx.Client]:
    if mode == "in-process":
        return lambda: httpx.Client(transport=box.transport(), base_url=EMBEDDED_URL)
    return lambda: httpx.Client(base_url=url)


def _op(kind: str) -> Callable[[httpx.Client, int], None]:
    def create(http: httpx.Client, i: int) -> None:
        resp = http.post("/v2/workflows", json={"name": f"bench-{i}", "stages": STAGES})
        assert resp.status_code == 201, resp.text

    def list_(http: httpx.Client, i: int) -> None:
        resp = http.get("/v2/workflows", params={"pageSize": 15})
        assert resp.status_code == 200, resp.text

    return create if kind == "create" else list_


def _measure(
    make_client: Callable[[], httpx.Client],
    op: Callable[[httpx.Client, int], None],
    workers: int,
    seconds: float,
) -> float:
    counts = [0] * workers
    start_gate = threading.Barrier(workers + 1)

    def worker(index: int) -> None:
        with make_client() as http:
            op(http, -1)  # warm the connection
            start_gate.wait()
            deadline = time.perf_counter() + seconds
            n = 0
            while time.perf_counter() < deadline:
                op(http, index * 10_000_000 + n)
                n += 1
            counts[index] = n

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    start_gate.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - began)


def _bulk_seed(path: str) -> float:
    with Sandbox(path) as box:
        began = time.perf_counter()
        box.bulk_seed(workflows=10_000, triggers=10_000)
        elapsed = time.perf_counter() - began
        with box.client() as http:
            assert http.get("/v2/triggers", params={"pageSize": 1}).json()["cursor"]["hasMore"]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--json", dest="json_out")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "throughput": [],
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
    }
    with tempfile.TemporaryDirectory() as tmp:
        with Sandbox(os.path.join(tmp, "bench.db")) as box:
            box.bulk_seed(workflows=1_000)
            server = box.serve("127.0.0.1", 0)
            try:
                for mode in ("in-process", "http"):
                    factory = _client_factory(box, mode, server.url)
                    for kind in ("create", "list"):
                        for workers in CONCURRENCY:
                            rate = _measure(factory, _op(kind), workers, args.seconds)
                            results["throughput"].append(
                                {
                                    "mode": mode,
                                    "op": kind,
                                    "clients": workers,
                                    "rps": round(rate, 1),
                                }
                            )
                            print(
                                f"  {mode:<10} {kind:<6} {workers:>2} clients: {rate:8.0f} req/s",
                                flush=True,
                            )
            finally:
                server.shutdown()
        results["bulk_seed_seconds"] = {
            "memory": round(_bulk_seed(":memory:"), 3),
            "file": round(_bulk_seed(os.path.join(tmp, "seed.db")), 3),
        }
    print()
    print(f"Sandbox benchmark ({results['machine']}; SQLite file; {args.seconds:g} s per cell)")
    print(
        f"{'mode':<11} {'op':<7} "
        + " ".join(f"{c:>3} client{'s' if c > 1 else ' '}" for c in CONCURRENCY)
    )
    for mode in ("in-process", "http"):
        for kind in ("create", "list"):
            row = [r["rps"] for r in results["throughput"] if r["mode"] == mode and r["op"] == kind]
            print(f"{mode:<11} {kind:<7} " + " ".join(f"{v:>11.0f}" for v in row))
    seed = results["bulk_seed_seconds"]
    print(
        f"bulk seed 10,000 workflows + 10,000 triggers: {seed['memory']:.2f} s (memory), {seed['file']:.2f} s (file)"
    )
    if args.json_out:
        with open(args.json_out, "w") as fh:
            json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main()
