"""Benchmark: `orchctl validate` against the floor of merely parsing the same files.

Generates 2,000 definition documents (1,000 workflows, 1,000 triggers with filters, vars
and tests) across 200 files, then in one run times, alternating, best of N:

  floor     python -c "yaml.safe_load_all over every file"   (a subprocess)
  orchctl   orchctl -C DIR validate                          (a subprocess)

and the same two in-process (no interpreter start-up). Prints the times and ratios.
Target (issue #2): orchctl validate at most 2x the parse floor.

    python benchmarks/validate.py [--files 200] [--docs-per-file 10] [--repeat 5]
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # measure the work tree, not an installed copy

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

WORKFLOW = """\
kind: Workflow
name: wf-{i}
description: Credit wallet {i} from a pay-in, then hold and settle.
stages:
  - send:
      source:
        payment:
          id: "${{paymentID}}"
      destination:
        account:
          id: "escrow:${{orderID}}"
          ledger: main
      amount:
        amount: "${{amount}}"
        asset: "{{{{ params.asset }}}}"
      metadata:
        origin: bench-{i}
  - wait_event:
      event: shipped
  - delay:
      duration: 1h30m
  - send:
      source:
        account:
          id: "escrow:${{orderID}}"
          ledger: main
      destination:
        wallet:
          id: "${{walletID}}"
          balance: main
      amount:
        amount: "${{amount}}"
        asset: "{{{{ params.asset }}}}"
"""

TRIGGER = """\
kind: Trigger
name: tr-{i}
workflow: wf-{i}
event: SAVED_PAYMENT
filter: event.status == "SUCCEEDED" && event.type == "PAY-IN" && event.metadata?.shop == "s{i}"
vars:
  paymentID: event.id
  orderID: event.metadata.orderID
  walletID: event.metadata.walletID
  amount: event.amount
tests:
  - name: a pay-in of shop {i} settles
    event: {{id: p{i}, status: SUCCEEDED, type: PAY-IN, amount: 100, metadata: {{shop: s{i}, orderID: o{i}, walletID: w{i}}}}}
    expect: {{match: true, vars: {{paymentID: p{i}, amount: "100"}}}}
  - name: other shops are ignored
    event: {{id: q{i}, status: SUCCEEDED, type: PAY-IN, amount: 100, metadata: {{shop: other}}}}
    expect: {{match: false}}
"""

FLOOR = """
import sys, pathlib, yaml
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.yaml")):
    if path.name != "orchctl.yaml":
        list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
"""


def generate(root: Path, files: int, per_file: int) -> int:
    (root / "orchctl.yaml").write_text("environments:\n  local:\n    params: {asset: USD/2}\n")
    count = 0
    for f in range(files):
        docs = []
        for _ in range(per_file // 2):
            docs.append(WORKFLOW.format(i=count))
            docs.append(TRIGGER.format(i=count))
            count += 1
        sub = root / f"team-{f % 10}"
        sub.mkdir(exist_ok=True)
        (sub / f"defs-{f}.yaml").write_text("---\n".join(docs), encoding="utf-8")
    return count * 2


def run_subprocess(argv: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"command failed ({result.returncode}): {argv}\n{result.stdout}\n{result.stderr}")
    return elapsed


def in_process_floor(root: Path) -> float:
    start = time.perf_counter()
    for path in sorted(root.rglob("*.yaml")):
        if path.name != "orchctl.yaml":
            list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    return time.perf_counter() - start


def in_process_orchctl(root: Path) -> float:
    from orchctl.definitions.loader import load_project
    from orchctl.validation.checks import check_project

    start = time.perf_counter()
    diagnostics = check_project(load_project(str(root)))
    elapsed = time.perf_counter() - start
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        sys.exit(f"generated project is invalid: {errors[0].render()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--docs-per-file", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    orchctl_argv = [sys.executable, "-m", "orchctl"]
    os.environ["PYTHONPATH"] = str(REPO)  # the subprocess runs the work tree too

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        docs = generate(root, args.files, args.docs_per_file)
        size = sum(p.stat().st_size for p in root.rglob("*.yaml"))
        print(
            f"{docs} documents in {args.files} files ({size / 1e6:.1f} MB), "
            f"libyaml: {yaml.__with_libyaml__}, python {sys.version.split()[0]}"
        )
        floor_argv = [sys.executable, "-c", FLOOR, str(root)]
        validate_argv = [*orchctl_argv, "-C", str(root), "validate"]
        times: dict[str, list[float]] = {
            k: [] for k in ("floor", "orchctl", "floor-ip", "orchctl-ip")
        }
        in_process_orchctl(root)  # warm imports and caches once
        for _ in range(args.repeat):  # alternate, so machine noise hits both sides alike
            times["floor"].append(run_subprocess(floor_argv))
            times["orchctl"].append(run_subprocess(validate_argv))
            gc.collect()
            times["floor-ip"].append(in_process_floor(root))
            gc.collect()
            times["orchctl-ip"].append(in_process_orchctl(root))

    def best(key: str) -> float:
        return min(times[key])

    def med(key: str) -> float:
        return statistics.median(times[key])

    print(f"{'':28}{'best':>9}{'median':>9}")
    rows = [
        ("parse floor (subprocess)", "floor"),
        ("orchctl validate (subprocess)", "orchctl"),
        ("parse floor (in-process)", "floor-ip"),
        ("validate (in-process)", "orchctl-ip"),
    ]
    for label, key in rows:
        print(f"{label:28}{best(key):8.3f}s{med(key):8.3f}s")
    print(
        f"ratio, subprocess  (target <= 2.0): {best('orchctl') / best('floor'):.2f} best, "
        f"{med('orchctl') / med('floor'):.2f} median"
    )
    print(
        f"ratio, in-process: {best('orchctl-ip') / best('floor-ip'):.2f} best, "
        f"{med('orchctl-ip') / med('floor-ip'):.2f} median"
    )
    print(f"cpu count: {os.cpu_count()}")


if __name__ == "__main__":
    main()
