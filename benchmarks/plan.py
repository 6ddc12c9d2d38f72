"""`orchctl plan` as users wait for it: N workflows + N triggers from YAML files, planned
against a stack served over 127.0.0.1 with 20 ms latency per call, 1% of workflows changed.

    .venv/bin/python benchmarks/plan.py [--sizes 1k,10k,50k] [--latency-ms 20] [--rounds 5]
                                        [--orchctl PATH]

For each N: the project of benchmarks/validate.py is generated (N workflows, N triggers
with filters, vars and tests; 10 documents a file) with an environment `bench` whose url
is the sandbox; the sandbox's SQLite state is seeded with exactly what the repository
defines (the desired bodies, as orchctl computes them), except that every 100th workflow
has a different stage, so the plan replaces 1% of the workflows and their triggers follow.
The sandbox then runs in its own process (`orchctl sandbox --db FILE --latency 20`).

Each round runs, alternating, three whole processes (fresh interpreter each):

* listing floor: plain httpx following the v2 cursors of both lists (pageSize=100, the
  largest page the server honours), one thread per list: the fewest sequential round trips
  the API allows, max(pages(workflows), pages(triggers)), and nothing else.
* parse floor: libyaml's CSafeLoader over every definition file (see benchmarks/validate.py).
* `orchctl -C DIR --env bench plan --no-color` (the installed CLI), output to a file.

floor = max(listing floor, parse floor): a plan cannot finish before it has read the
stack nor before it has read the files; doing both at once is the best it can do.
Reported: medians and bests, ratio of orchctl's median to the floor's, peak RSS of the
plan process (the kernel's rusage of that child). Targets at 10k + 10k: ratio <= 1.3,
peak RSS <= 300 MB.

Component figures (in this process, against the same server, the work tree's code): the
client's `list_all()` and the CPU time of `make_plan` on the loaded definitions.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the work tree

import argparse
import re
import subprocess
import tempfile
import time

from common import (
    CHILD_ENV,
    PARSE_FLOOR,
    REPO,
    default_orchctl,
    fmt_n,
    generate,
    load_note,
    median,
    prepare,
    python_of,
    run_process,
    sizes,
)

TARGET_RATIO = 1.3
TARGET_RSS_MB = 300

LISTING_FLOOR = """
import sys, threading, httpx
base = sys.argv[1] + "/api/orchestration/v2"
def walk(path):
    with httpx.Client(base_url=base) as http:
        params = {"pageSize": "100"}
        while True:
            cursor = http.get(path, params=params).raise_for_status().json()["cursor"]
            if not cursor.get("hasMore"):
                break
            params = {"cursor": cursor["next"]}
threads = [threading.Thread(target=walk, args=(p,)) for p in ("/workflows", "/triggers")]
for t in threads:
    t.start()
for t in threads:
    t.join()
"""


def seed(root: Path, db: str) -> tuple[int, int]:
    """Store exactly what the repository defines, 1% of the workflows changed."""
    from orchctl.definitions.loader import load_project
    from orchctl.plan.desired import desired_from_project
    from orchctl.sandbox.clock import now_str
    from orchctl.sandbox.ids import new_id
    from orchctl.sandbox.records import Trigger, Workflow
    from orchctl.sandbox.store import Store

    desired = desired_from_project(load_project(str(root), "bench"))
    at = now_str()
    ids: dict[str, str] = {}
    workflows = []
    for index, wf in enumerate(sorted(desired.workflows, key=lambda w: int(w.name[3:]))):
        stages = tuple(wf.stages) if index % 100 else ({"wait_event": {"event": "changed"}},)
        record = Workflow(new_id(), wf.name, stages, at, at)
        ids[wf.name] = record.id
        workflows.append(record)
    triggers = [
        Trigger(
            id=new_id(),
            name=tr.name,
            event=tr.event,
            workflow_id=ids[tr.workflow],
            created_at=at,
            filter=tr.filter,
            vars=tuple(tr.vars.items()),
            version=tr.version,
        )
        for tr in sorted(desired.triggers, key=lambda t: int(t.name[3:]))
    ]
    store = Store(db)
    try:
        store.insert_workflows(workflows)
        store.insert_triggers(triggers)
    finally:
        store.close()
    return len(workflows), len(triggers)


def start_sandbox(db: str, latency_ms: float) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "orchctl",
            "sandbox",
            "--port",
            "0",
            "--db",
            db,
            "--latency",
            str(latency_ms),
        ],
        cwd=str(REPO),
        env=CHILD_ENV,
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


def components(root: Path, url: str) -> tuple[float, float]:
    """In-process: list_all() wall time; make_plan CPU time (definitions preloaded)."""
    from orchctl.api import ClientConfig, OrchestrationClient
    from orchctl.definitions.loader import load_project
    from orchctl.plan.desired import desired_from_project
    from orchctl.plan.planner import PlanOptions, make_plan

    desired = desired_from_project(load_project(str(root), "bench"))
    started = time.perf_counter()
    with OrchestrationClient(ClientConfig(url=url)) as client:
        live = client.list_all()
    listed = time.perf_counter() - started
    cpu = time.process_time()
    make_plan(desired, live, PlanOptions(environment="bench"))
    return listed, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1k,10k,50k", help="N (workflows = triggers = N)")
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rounds-large", type=int, default=3, help="rounds for N > 10k")
    parser.add_argument("--orchctl", default=default_orchctl(), help="the CLI to measure")
    parser.add_argument("--no-components", action="store_true")
    args = parser.parse_args()
    python = python_of(args.orchctl)
    prepare(args.orchctl)
    print(f"{args.orchctl}; latency {args.latency_ms:g} ms per call; {load_note()}")
    summary = []
    for n in sizes(args.sizes):
        rounds = args.rounds if n <= 10_000 else args.rounds_large
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "project"
            root.mkdir()
            db = str(Path(tmp) / "stack.db")
            proc, url = None, ""
            try:
                # the url is known only once the sandbox listens: seed a placeholder first
                generate(root, n, url="http://127.0.0.1:1")
                seeded = seed(root, db)
                proc, url = start_sandbox(db, args.latency_ms)
                config = root / "orchctl.yaml"
                config.write_text(
                    config.read_text().replace("http://127.0.0.1:1", url), encoding="utf-8"
                )
                listing_argv = [python, "-c", LISTING_FLOOR, url]
                parse_argv = [python, "-c", PARSE_FLOOR, str(root)]
                plan_argv = [args.orchctl, "-C", str(root), "--env", "bench", "plan", "--no-color"]
                times: dict[str, list[float]] = {k: [] for k in ("list", "parse", "plan")}
                rss: list[float] = []
                cpu: dict[str, list[float]] = {"parse": [], "plan": []}
                first = run_process(plan_argv)  # warm caches; check what it plans
                changes = re.findall(r"^Plan: .*$", first.stdout, re.M)
                for _ in range(rounds):
                    times["list"].append(run_process(listing_argv).seconds)
                    parsed = run_process(parse_argv)
                    times["parse"].append(parsed.seconds)
                    cpu["parse"].append(parsed.cpu_seconds)
                    run = run_process(plan_argv)
                    times["plan"].append(run.seconds)
                    cpu["plan"].append(run.cpu_seconds)
                    rss.append(run.max_rss_mb)
                comp = None if args.no_components else components(root, url)
            finally:
                if proc is not None:
                    proc.terminate()
                    proc.wait(timeout=30)
        lst, prs, pln = (median(times[k]) for k in ("list", "parse", "plan"))
        floor = max(lst, prs)
        best_floor = max(min(times["list"]), min(times["parse"]))
        summary.append((n, lst, prs, pln, max(rss)))
        print(
            f"\n{fmt_n(n)} + {fmt_n(n)} (stack seeded with {seeded[0]} workflows, "
            f"{seeded[1]} triggers), {rounds} rounds"
        )
        print(f"  plan says: {changes[0] if changes else first.stdout.strip().splitlines()[-1]}")
        print(f"  {'':36}{'median':>9}{'best':>9}")
        for label, key in (
            ("listing floor, httpx (whole process)", "list"),
            ("parse floor, CSafeLoader (whole proc.)", "parse"),
            ("orchctl plan (whole process)", "plan"),
        ):
            print(f"  {label:36}{median(times[key]):8.3f}s{min(times[key]):8.3f}s")
        print(
            f"  ratio to max(listing, parse): {pln / floor:.2f} median, "
            f"{min(times['plan']) / best_floor:.2f} best"
        )
        print(f"  peak RSS of the plan process: {max(rss):.0f} MB (max of rounds)")
        print(
            f"  CPU time (median): plan process {median(cpu['plan']):.3f} s, parse floor "
            f"process {median(cpu['parse']):.3f} s"
        )
        if comp:
            print(
                f"  components (in-process): list_all() {comp[0]:.3f} s, "
                f"make_plan CPU {comp[1]:.3f} s"
            )

    print(
        f"\ngrowth (whole process, median){'':2}{'listing':>9}{'parse':>9}{'plan':>9}"
        f"{'ratio':>7}{'RSS':>8}"
    )
    previous: tuple[int, float] | None = None
    for n, lst, prs, pln, peak in summary:
        step = f"  x{pln / previous[1]:.1f} time for x{n / previous[0]:g} size" if previous else ""
        print(
            f"  {fmt_n(n)} + {fmt_n(n):<22}{lst:8.3f}s{prs:8.3f}s{pln:8.3f}s"
            f"{pln / max(lst, prs):7.2f}{peak:6.0f}MB{step}"
        )
        previous = (n, pln)
        if n == 10_000:
            ratio = pln / max(lst, prs)
            print(
                f"  targets at 10k + 10k: ratio <= {TARGET_RATIO} "
                f"({'met' if ratio <= TARGET_RATIO else 'NOT met'}), RSS <= {TARGET_RSS_MB} MB "
                f"({'met' if peak <= TARGET_RSS_MB else 'NOT met'})"
            )


if __name__ == "__main__":
    main()
