"""A contender for the lock tests, run as its own process against a sandbox over 127.0.0.1.

    python lock_contender.py URL ACTOR MODE HOLDS TTL START_AT

MODE ``work``: HOLDS times, take the lock (waiting up to 60 s), write three workflows
named ``work:ACTOR:K:J`` (``check()`` before each), delete the last, release. MODE
``hold``: take the lock, print ``held LOCK-ID``, then sleep until killed. Each process
waits for the wall-clock time START_AT so that contenders start together.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sandbox_clients import http_client

from orchctl.api import WorkflowConfig
from orchctl.apply.lock import acquire


def main() -> int:
    url, actor, mode, holds, ttl, start_at = sys.argv[1:7]
    with http_client(url, actor) as client:
        time.sleep(max(0.0, float(start_at) - time.time()))
        if mode == "hold":
            lease = acquire(client, environment="ci", namespace="ns", timeout=60, ttl=float(ttl))
            print(f"held {lease.lock_id}", flush=True)
            time.sleep(600)
            return 0
        for k in range(int(holds)):
            with acquire(
                client, environment="ci", namespace="ns", timeout=60, ttl=float(ttl), poll=0.02
            ) as lease:
                last = None
                for j in range(3):
                    lease.check()
                    config = WorkflowConfig(
                        stages=({"delay": {"duration": "1s"}},), name=f"work:{actor}:{k}:{j}"
                    )
                    last = client.create_workflow(config)
                lease.check()
                assert last is not None
                client.delete_workflow(last.id)
            print(f"done {k}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
