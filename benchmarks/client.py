"""Client listing benchmark: 10,000 workflows + 10,000 triggers over HTTP with injected latency.

    .venv/bin/python benchmarks/client.py [--workflows 10000] [--triggers 10000]
                                          [--latency-ms 20] [--rounds 3] [--json FILE]

A sandbox is seeded and served on 127.0.0.1 with a fixed latency added to every API call.
Each round measures, in the same process and against the same server:

* floor: a bare httpx loop that follows the v2 cursors of both lists (pageSize=100, the
  largest page the server honours), one thread per list. v2 cursors are opaque and
  sequential, so no client can list a collection in fewer round trips than it has pages;
  the two lists are independent, so the fewest sequential round trips the API allows is
  max(pages(workflows), pages(triggers)). The bare loop walks exactly that, with nothing
  else (no probe, no parsing into models, no de-duplication, no sorting).
* client: ``OrchestrationClient.list_all()`` as a run uses it: a fresh client (new pool),
  gateway/bare layout probed on ``_info`` first, typed models, de-duplication, sorting.

ratio = client wall time / floor wall time (median of the rounds). Target: <= 1.2.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import threading
import time
from typing import Any

import httpx

from orchctl.api import ClientConfig, OrchestrationClient
from orchctl.sandbox import Latency, Sandbox

PREFIX = "/api/orchestration/v2"


def bare_walk(base_url: str, path: str, out: dict[str, Any]) -> None:
    """Follow one cursor chain with plain httpx; record pages and items."""
    pages = items = 0
    with httpx.Client(base_url=base_url) as http:
        params: dict[str, str] = {"pageSize": "100"}
        while True:
            cursor = http.get(PREFIX + path, params=params).raise_for_status().json()["cursor"]
            pages += 1
            items += len(cursor["data"])
            if not cursor.get("hasMore"):
                break
            params = {"cursor": cursor["next"]}
    out[path] = {"pages": pages, "items": items}


def floor_round(base_url: str) -> tuple[float, dict[str, Any]]:
    out: dict[str, Any] = {}
    threads = [
        threading.Thread(target=bare_walk, args=(base_url, p, out))
        for p in ("/workflows", "/triggers")
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, out


def client_round(base_url: str) -> tuple[float, int, int, int]:
    started = time.perf_counter()
    with OrchestrationClient(ClientConfig(url=base_url)) as client:
        state = client.list_all()
        requests = client.requests_sent
    return time.perf_counter() - started, requests, len(state.workflows), len(state.triggers)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workflows", type=int, default=10_000)
    ap.add_argument("--triggers", type=int, default=10_000)
    ap.add_argument("--latency-ms", type=float, default=20.0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", dest="json_out")
    args = ap.parse_args(argv)

    with Sandbox(":memory:", seed=0) as box:
        t0 = time.perf_counter()
        box.bulk_seed(workflows=args.workflows, triggers=args.triggers)
        seeded = time.perf_counter() - t0
        server = box.serve("127.0.0.1", 0)
        box.set_faults(latency=Latency(fixed_ms=args.latency_ms))
        print(
            f"seeded {args.workflows} workflows + {args.triggers} triggers in {seeded:.2f} s; "
            f"serving on {server.url} with {args.latency_ms:g} ms latency per API call"
        )
        floors: list[float] = []
        clients: list[float] = []
        pages: dict[str, Any] = {}
        requests = 0
        for n in range(1, args.rounds + 1):
            floor, pages = floor_round(server.url)
            elapsed, requests, nw, nt = client_round(server.url)
            if (nw, nt) != (args.workflows, args.triggers):
                print(f"WRONG RESULT: {nw} workflows, {nt} triggers", file=sys.stderr)
                return 1
            floors.append(floor)
            clients.append(elapsed)
            print(
                f"round {n}: floor {floor:.3f} s, client {elapsed:.3f} s "
                f"({requests} requests), ratio {elapsed / floor:.3f}"
            )
        server.shutdown()

    floor_rt = max(p["pages"] for p in pages.values())
    bare_requests = sum(p["pages"] for p in pages.values())
    floor_med, client_med = statistics.median(floors), statistics.median(clients)
    result = {
        "workflows": args.workflows,
        "triggers": args.triggers,
        "latency_ms": args.latency_ms,
        "rounds": args.rounds,
        "pages": pages,
        "floor_round_trips": floor_rt,
        "floor_theoretical_s": floor_rt * args.latency_ms / 1000,
        "floor_measured_s": floors,
        "bare_requests": bare_requests,
        "client_s": clients,
        "client_requests": requests,
        "ratio_median": client_med / floor_med,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print()
    print(
        f"floor: {floor_rt} sequential round trips (max pages of the two lists, fetched "
        f"concurrently) x {args.latency_ms:g} ms = {result['floor_theoretical_s']:.2f} s in "
        f"theory; measured bare httpx loop ({bare_requests} requests): "
        f"median {floor_med:.3f} s"
    )
    print(
        f"client: list_all() median {client_med:.3f} s, {requests} requests "
        f"(1 layout probe + {requests - 1} pages)"
    )
    print(f"ratio to floor: {result['ratio_median']:.3f} (target <= 1.2)")
    print(
        f"(ratio to the theoretical floor, which ignores the server's own time per page: "
        f"{client_med / result['floor_theoretical_s']:.3f})"
    )
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
