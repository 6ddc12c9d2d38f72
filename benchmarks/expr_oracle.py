"""A long differential run of orchctl's expr evaluator against the real expr-lang (Go).

Generates seeded expressions over Formance-style payloads (tests/oracle/exprgen.py), runs
them through orchctl and through the Go oracle (tests/oracle/main.go, expr-lang v1.17.7) in
batches through one oracle process, and prints the disagreement count with a few shrunk
cases per kind. With --v1-16-9 it also runs the same cases through the v1.16.9 build and
prints where v1.16.9 answers differently from v1.17.7 (the corpus's `v1_17_7` field, the
other way round).

Usage: python benchmarks/expr_oracle.py [--cases 100000] [--seed 1] [--v1-16-9]
                                        [--other 20000] [--examples 3]
Exit status: 0 when every disagreement falls in a known gap (tests/oracle/gaps.py) and every
known gap still occurs; 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "oracle")]

import exprgen
import harness
from gaps import KNOWN_GAPS, gap_of

BATCH = 5000


def _version_kind(a16: dict[str, Any], a17: dict[str, Any]) -> str:
    """A coarse name for how v1.16.9's answer differs from v1.17.7's."""
    if a16.get("phase") != a17.get("phase"):
        return f"phase {a16.get('phase')} (v1.16.9) vs {a17.get('phase')} (v1.17.7)"
    if a16.get("phase") != "value":
        old, new = (re.sub(r"\s*\(\d+:\d+\).*", "", a["error"], flags=re.S) for a in (a16, a17))
        if old == new:
            return "same message, different snippet (v1.16.9 omits the caret on some lines)"
        words = lambda text: re.sub(r"[\"'`(].*", "", text)[:48]  # noqa: E731
        return f"{a16['phase']} error: {words(old)!r} vs {words(new)!r}"
    for key in ("type", "var"):
        if a16.get(key) != a17.get(key):
            return f"value {key}: {a16.get(key)!r} vs {a17.get(key)!r}"[:100]
    return "other"


def _kind(detail: str) -> str:
    key, _, rest = detail.partition(":")
    if key == "phase":
        return detail
    go = rest.split(" orchctl=")[0].strip()
    return f"{key}: {go.split(' (1:')[0][:70]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="generated expressions")
    parser.add_argument("--other", type=int, default=20_000, help="regex/float/time cases")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--examples", type=int, default=3, help="shrunk cases shown per kind")
    parser.add_argument("--v1-16-9", action="store_true", help="also list v1.16.9 differences")
    args = parser.parse_args()

    try:
        oracle = harness.Oracle(harness.build("v1.17.7"))
        old = harness.Oracle(harness.build("v1.16.9")) if args.v1_16_9 else None
    except harness.OracleUnavailable as exc:
        print(f"skipped: {exc}")
        return 2
    r = random.Random(args.seed)
    start = time.perf_counter()
    found: list[tuple[harness.Disagreement, Any, Any]] = []
    versions: dict[str, list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]] = defaultdict(
        list
    )
    done = 0
    while done < args.cases:
        cases = [exprgen.expr_case(r) for _ in range(min(BATCH, args.cases - done))]
        requests = [{"expr": tree.render(), "event": event} for tree, event in cases]
        by_request = {id(req): case for req, case in zip(requests, cases, strict=True)}
        for d in harness.run_batch(oracle, requests):
            tree, event = by_request[id(d.request)]
            found.append((d, tree, event))
        if old is not None:
            new_answers = oracle.ask(requests)
            for req, a16, a17 in zip(requests, old.ask(requests), new_answers, strict=True):
                if harness.difference("expr", a16, a17):
                    versions[_version_kind(a16, a17)].append((req, a16, a17))
        done += len(requests)
    expr_seconds = time.perf_counter() - start
    others = [exprgen.other_case(r) for _ in range(args.other)]
    other_found = harness.run_batch(oracle, others)

    print(f"expr-lang v1.17.7 oracle, seed {args.seed}")
    print(f"generated expressions: {done} in {expr_seconds:.1f} s, disagreements: {len(found)}")
    in_gaps = Counter(gap_of(d) for d, _, _ in found)
    unexplained = in_gaps.pop(None, 0)
    print(f"  outside the known gaps (tests/oracle/gaps.py): {unexplained}")
    for name in KNOWN_GAPS:
        print(f"  known gap {name}: {in_gaps.get(name, 0)}")
    modes = Counter(req["mode"] for req in others)
    print(f"regex/float/duration/RFC 3339 cases: {dict(modes)}, disagreements: {len(other_found)}")
    kinds: dict[str, list[tuple[harness.Disagreement, Any, Any]]] = defaultdict(list)
    for item in found:
        kinds[_kind(item[0].detail)].append(item)
    for kind, items in sorted(kinds.items(), key=lambda kv: -len(kv[1])):
        print(f"\n{len(items):6d}  {kind}")
        shown: set[str] = set()
        for d, tree, event in items:
            if len(shown) >= args.examples:
                break
            small = harness.shrink_expr(oracle, tree, event, d)
            text = small.describe()
            if text not in shown:
                shown.add(text)
                print("        " + text.replace("\n", "\n        "))
    for d in other_found[: args.examples * 4]:
        print("  " + d.describe())
    if old is not None:
        total = sum(len(v) for v in versions.values())
        print(f"\nv1.16.9 answers differently from v1.17.7 on {total} of {done} expressions:")
        for kind, items in sorted(versions.items(), key=lambda kv: -len(kv[1])):
            req, a16, a17 = items[0]
            print(f"{len(items):6d}  {kind}")
            example = {"expr": req["expr"], "v1_16_9": _brief(a16), "v1_17_7": _brief(a17)}
            print("        " + json.dumps(example, ensure_ascii=False)[:400])
    stale = [name for name in KNOWN_GAPS if not in_gaps.get(name)]
    if stale:
        print(f"\nknown gaps that no longer occur (remove them from tests/oracle/gaps.py): {stale}")
    return 0 if unexplained == 0 and not other_found and not stale else 1


def _brief(answer: dict[str, Any]) -> dict[str, Any]:
    keys = ("phase", "error") if answer.get("phase") != "value" else ("type", "var")
    return {k: answer.get(k) for k in keys}


if __name__ == "__main__":
    sys.exit(main())
