"""What the end-to-end benchmarks share: whole-process timing, generated projects, tables.

Every figure is the wall time of a whole process, from just before it is spawned to the
moment it has been reaped, as a user waits for it; peak RSS comes from the kernel's rusage
of that one child (os.wait4), so it is the process's own and nothing else's.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def default_orchctl() -> str:
    """The installed console script next to this interpreter (the work tree's .venv)."""
    script = Path(sys.executable).parent / "orchctl"
    if script.exists():
        return str(script)
    return str(REPO / ".venv" / "bin" / "orchctl")


def python_of(orchctl: str) -> str:
    """The interpreter an installed `orchctl` script runs with (its shebang)."""
    with open(orchctl, encoding="utf-8") as fh:
        first = fh.readline()
    if first.startswith("#!") and " " not in first[2:].strip():
        return first[2:].strip()
    return sys.executable


# What a user's machine does: pip compiles an installed package's modules to bytecode, and
# Python reuses it. A PYTHONDONTWRITEBYTECODE=1 in the benchmark's environment (this machine
# sets it) would make every orchctl process compile its modules from source again, a cost
# no user pays, so children run without it, after `prepare` has compiled the package.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def prepare(orchctl: str) -> None:
    """Compile the measured orchctl's modules to bytecode, as `pip install` does."""
    python = python_of(orchctl)
    subprocess.run(
        [
            python,
            "-c",
            "import compileall, os, orchctl; "
            "compileall.compile_dir(os.path.dirname(orchctl.__file__), quiet=1)",
        ],
        check=True,
        env=CHILD_ENV,
    )


@dataclass(frozen=True)
class Run:
    seconds: float  # wall time
    cpu_seconds: float  # user + system time of the process (its own threads included)
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def run_process(argv: list[str], *, cwd: str | None = None, check: bool = True) -> Run:
    """Spawn, wait, and measure one whole process (wall time and peak RSS)."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{os.getpid()}.out"
    err_path = out_path.with_suffix(".err")
    with open(out_path, "w+b") as out, open(err_path, "w+b") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd, env=CHILD_ENV
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        run = Run(
            elapsed,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,  # KiB on Linux
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    if check and run.returncode != 0:
        sys.exit(
            f"command failed ({run.returncode}): {' '.join(argv)}\n"
            f"{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
        )
    return run


def median(values: list[float]) -> float:
    return statistics.median(values)


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} cpus, load average {one:.2f} (1 min) {five:.2f} (5 min)"


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

PER_FILE = 5  # workflow + trigger pairs per file: 10 documents a file


def generate(root: Path, pairs: int, *, url: str | None = None) -> int:
    """`pairs` workflows and `pairs` triggers (filters, vars, tests) in files of 10
    documents, spread over 10 folders; returns the number of files."""
    env = f"  bench:\n    url: {url}\n    params: {{asset: USD/2}}\n" if url else ""
    (root / "orchctl.yaml").write_text(
        f"environments:\n  local:\n    params: {{asset: USD/2}}\n{env}", encoding="utf-8"
    )
    files = 0
    for start in range(0, pairs, PER_FILE):
        docs = []
        for i in range(start, min(start + PER_FILE, pairs)):
            docs.append(WORKFLOW.format(i=i))
            docs.append(TRIGGER.format(i=i))
        sub = root / f"team-{files % 10}"
        sub.mkdir(exist_ok=True)
        (sub / f"defs-{files}.yaml").write_text("---\n".join(docs), encoding="utf-8")
        files += 1
    return files


# The parse floor: libyaml's parser and constructor over every definition file, in a fresh
# interpreter, exactly the bytes orchctl reads. Nothing is checked, nothing is kept.
PARSE_FLOOR = """
import os, sys, yaml
loader = yaml.CSafeLoader
for top, dirs, names in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in names:
        if name.endswith((".yaml", ".yml")) and name != "orchctl.yaml":
            with open(os.path.join(top, name), "rb") as fh:
                for _ in yaml.load_all(fh.read().decode("utf-8"), Loader=loader):
                    pass
"""


def sizes(text: str) -> list[int]:
    return [int(s.replace("k", "000")) for s in text.split(",") if s]


def fmt_n(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 and n >= 1000 else str(n)
