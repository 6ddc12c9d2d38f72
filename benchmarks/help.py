"""Help screens as users wait for them: `orchctl --help` and `orchctl COMMAND --help` for
every command, each a whole process, beside the floor of starting Python and importing click.

    .venv/bin/python benchmarks/help.py [--rounds 15] [--orchctl PATH]

Each round runs, in a rotating order so machine noise hits every row alike:

* `python -c pass`          (the interpreter's own start-up, same interpreter as orchctl)
* `python -c "import click"` (the floor: a click CLI cannot answer before click is imported)
* `orchctl --help` and `orchctl COMMAND --help` for every command in COMMANDS

Reported per row: median and best wall time, and the median's ratio to the click floor.
Target: every help screen <= 0.15 s median.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the work tree

import argparse

from common import default_orchctl, load_note, median, prepare, python_of, run_process

from orchctl.cli.main import COMMANDS

TARGET = 0.15


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--orchctl", default=default_orchctl(), help="the CLI to measure")
    args = parser.parse_args()
    python = python_of(args.orchctl)
    prepare(args.orchctl)
    rows: list[tuple[str, list[str]]] = [
        ("python -c pass", [python, "-c", "pass"]),
        ("python -c 'import click'", [python, "-c", "import click"]),
        ("orchctl --help", [args.orchctl, "--help"]),
    ]
    rows += [(f"orchctl {name} --help", [args.orchctl, name, "--help"]) for name in COMMANDS]
    times: dict[str, list[float]] = {label: [] for label, _ in rows}
    for argv in (a for _, a in rows):  # warm the page cache once
        run_process(argv)
    for round_ in range(args.rounds):
        shift = round_ % len(rows)
        for label, argv in rows[shift:] + rows[:shift]:
            times[label].append(run_process(argv).seconds)

    floor = median(times["python -c 'import click'"])
    print(f"{args.orchctl}; python {python}")
    print(f"{args.rounds} rounds, interleaved; {load_note()}")
    print(f"{'':32}{'median':>9}{'best':>9}{'/ click':>9}")
    worst = 0.0
    for label, _ in rows:
        med = median(times[label])
        if label.startswith("orchctl"):
            worst = max(worst, med)
        print(f"{label:32}{med:8.3f}s{min(times[label]):8.3f}s{med / floor:8.2f}x")
    verdict = "met" if worst <= TARGET else "NOT met"
    print(f"slowest help screen: {worst:.3f} s median (target <= {TARGET} s: {verdict})")


if __name__ == "__main__":
    main()
