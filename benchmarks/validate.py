"""`orchctl validate` as users wait for it, beside the floor of merely parsing the same files.

    .venv/bin/python benchmarks/validate.py [--sizes 1k,10k,50k] [--rounds 5] [--orchctl PATH]

For each size N a project of N workflows + N triggers (filters, vars, two trigger tests
each; 10 documents a file) is generated, then each round runs, alternating:

* parse floor (whole process): a fresh interpreter that parses every definition file with
  libyaml's `yaml.CSafeLoader` (the C parser orchctl itself uses) and builds the values,
  checking nothing: the least any validator of these files must do.
* `orchctl -C DIR validate` (whole process, the installed CLI).

and, as component figures, the same two in this process (no interpreter start-up, imports
warm): `yaml.load_all(CSafeLoader)` over the files, and `check_project(load_project(DIR))`.

Reported: median and best of each, ratio of the medians (and of the bests) to the floor,
and how the time grows from one size to the next. Target at 10k + 10k: <= 1.5x the floor.
orchctl reads a large project in worker processes (orchctl.definitions.reading): its CPU
time counts theirs (rusage of the process and the children it waited for), so its CPU
ratio is above its wall-time ratio; the floor is one process.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the work tree

import argparse
import gc
import os
import tempfile
import time

import yaml
from common import (
    PARSE_FLOOR,
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

TARGET = 1.5


def in_process_floor(root: Path) -> float:
    started = time.perf_counter()
    for top, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.endswith((".yaml", ".yml")) and name != "orchctl.yaml":
                with open(os.path.join(top, name), "rb") as fh:
                    for _ in yaml.load_all(fh.read().decode("utf-8"), Loader=yaml.CSafeLoader):
                        pass
    return time.perf_counter() - started


def in_process_orchctl(root: Path) -> float:
    from orchctl.definitions.loader import load_project
    from orchctl.validation.checks import check_project

    started = time.perf_counter()
    diagnostics = check_project(load_project(str(root)))
    elapsed = time.perf_counter() - started
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        sys.exit(f"generated project is invalid: {errors[0].render()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1k,10k,50k", help="N (workflows = triggers = N)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rounds-large", type=int, default=3, help="rounds for N > 10k")
    parser.add_argument("--orchctl", default=default_orchctl(), help="the CLI to measure")
    parser.add_argument("--no-in-process", action="store_true", help="whole processes only")
    args = parser.parse_args()
    python = python_of(args.orchctl)
    prepare(args.orchctl)
    print(f"{args.orchctl}; libyaml {yaml.__with_libyaml__}; {load_note()}")
    results: list[tuple[int, dict[str, list[float]]]] = []
    for n in sizes(args.sizes):
        rounds = args.rounds if n <= 10_000 else args.rounds_large
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            files = generate(root, n)
            mb = sum(p.stat().st_size for p in root.rglob("*.yaml")) / 1e6
            floor_argv = [python, "-c", PARSE_FLOOR, str(root)]
            orchctl_argv = [args.orchctl, "-C", str(root), "validate"]
            times: dict[str, list[float]] = {
                k: [] for k in ("floor", "orchctl", "fip", "oip", "floor-cpu", "orchctl-cpu")
            }
            run_process(floor_argv)  # warm the page cache
            for _ in range(rounds):
                floor_run = run_process(floor_argv)
                times["floor"].append(floor_run.seconds)
                times["floor-cpu"].append(floor_run.cpu_seconds)
                run = run_process(orchctl_argv)
                times["orchctl-cpu"].append(run.cpu_seconds)
                if not run.stdout.startswith("Valid:"):
                    sys.exit(f"unexpected output: {run.stdout[:500]}")
                times["orchctl"].append(run.seconds)
                if not args.no_in_process:
                    gc.collect()
                    times["fip"].append(in_process_floor(root))
                    gc.collect()
                    times["oip"].append(in_process_orchctl(root))
            results.append((n, times))
            print(
                f"\n{fmt_n(n)} + {fmt_n(n)} ({2 * n} documents, {files} files, {mb:.1f} MB), "
                f"{rounds} rounds"
            )
            print(f"  {'':40}{'median':>9}{'best':>9}")
            rows = [
                ("parse floor, CSafeLoader (whole process)", "floor"),
                ("orchctl validate (whole process)", "orchctl"),
                ("  CPU time of the floor process", "floor-cpu"),
                ("  CPU time of the orchctl process", "orchctl-cpu"),
            ]
            if not args.no_in_process:
                rows += [("parse floor (in-process)", "fip"), ("load + check (in-process)", "oip")]
            for label, key in rows:
                print(f"  {label:40}{median(times[key]):8.3f}s{min(times[key]):8.3f}s")
            ratio = median(times["orchctl"]) / median(times["floor"])
            best = min(times["orchctl"]) / min(times["floor"])
            print(f"  ratio, whole process: {ratio:.2f} median, {best:.2f} best")
            cpu = median(times["orchctl-cpu"]) / median(times["floor-cpu"])
            print(
                f"  ratio of CPU times (its worker processes included; steadier on a loaded "
                f"machine, but not what the user waits for): {cpu:.2f} median"
            )
            if not args.no_in_process:
                print(
                    f"  ratio, in-process: {median(times['oip']) / median(times['fip']):.2f} "
                    f"median, {min(times['oip']) / min(times['fip']):.2f} best"
                )

    print(
        f"\ngrowth (whole process, median){'':4}{'floor':>9}{'orchctl':>9}{'ratio':>7}"
        f"{'s per 1k docs':>15}"
    )
    previous: tuple[int, float] | None = None
    for n, times in results:
        f, o = median(times["floor"]), median(times["orchctl"])
        per = o / (2 * n / 1000)
        step = ""
        if previous:
            step = f"  x{o / previous[1]:.1f} time for x{n / previous[0]:g} size"
        print(f"  {fmt_n(n)} + {fmt_n(n):<24}{f:8.3f}s{o:8.3f}s{o / f:7.2f}{per:14.3f}s{step}")
        previous = (n, o)
    for n, times in results:
        if n == 10_000:
            ratio = median(times["orchctl"]) / median(times["floor"])
            verdict = "met" if ratio <= TARGET else "NOT met"
            print(f"target at 10k + 10k: <= {TARGET}x the floor: {ratio:.2f}x ({verdict})")


if __name__ == "__main__":
    main()
