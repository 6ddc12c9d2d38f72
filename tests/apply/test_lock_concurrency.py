"""The lock under contention: 2-4 contenders started together, many times, as threads
in-process and as real processes over 127.0.0.1; each writes while it holds, and the
sandbox's timeline shows that no two holders' write windows ever overlap. Also: expiry
after a holder is SIGKILLed.

A write window is the span of timeline sequence numbers from the first to the last write
one contender made during one hold (workflows named ``work:ACTOR:HOLD:N``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from sandbox_clients import sandbox_client

from orchctl.api import ApiError, OrchestrationClient, WorkflowConfig
from orchctl.apply.lock import LockLost, acquire, lock_holders
from orchctl.sandbox import Faults, Sandbox
from orchctl.sandbox.records import TimelineEntry

CONTENDER = Path(__file__).with_name("lock_contender.py")
WRITES_PER_HOLD = 4  # three creates and a delete


def write_windows(timeline: Iterable[TimelineEntry]) -> dict[str, tuple[int, int, int]]:
    """``ACTOR:HOLD`` -> (first seq, last seq, writes) of the ``work:`` writes."""
    spans: dict[str, tuple[int, int, int]] = {}
    for e in timeline:
        if not (e.name or "").startswith("work:"):
            continue
        _, actor, hold, _n = (e.name or "").split(":")
        token = f"{actor}:{hold}"
        lo, hi, n = spans.get(token, (e.seq, e.seq, 0))
        spans[token] = (min(lo, e.seq), max(hi, e.seq), n + 1)
    return spans


def overlaps(windows: dict[str, tuple[int, int, int]]) -> list[tuple[str, str]]:
    """Pairs of windows that intersect."""
    ordered = sorted(windows.items(), key=lambda kv: kv[1][0])
    found = []
    for i, (a, (_, a_hi, _)) in enumerate(ordered):
        for b, (b_lo, _, _) in ordered[i + 1 :]:
            if b_lo > a_hi:
                break
            found.append((a, b))
    return found


def hold_and_write(client: OrchestrationClient, actor: str, hold: int, *, locked: bool) -> None:
    """Take the lock (unless ``locked`` is False: the negative control) and write."""

    def writes(check: object) -> None:
        last = None
        for n in range(3):
            if callable(check):
                check()
            name = f"work:{actor}:{hold}:{n}"
            last = client.create_workflow(WorkflowConfig(({"delay": {"duration": "1s"}},), name))
            time.sleep(0.001)  # let another thread run: an overlap would show
        if callable(check):
            check()
        assert last is not None
        client.delete_workflow(last.id)

    if not locked:
        writes(None)
        return
    with acquire(client, environment="ci", namespace="ns", timeout=60, ttl=2.0, poll=0.01) as lease:
        writes(lease.check)


def thread_trial(sb: Sandbox, contenders: int, holds: int, *, locked: bool = True) -> list[str]:
    barrier = threading.Barrier(contenders)
    failures: list[str] = []

    def run(i: int) -> None:
        with sandbox_client(sb, f"c{i}") as client:
            barrier.wait()
            for hold in range(holds):
                try:
                    hold_and_write(client, f"c{i}", hold, locked=locked)
                except (LockLost, ApiError) as exc:  # only under injected faults
                    failures.append(f"c{i}:{hold}: {exc}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(contenders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return failures


def test_the_overlap_check_finds_overlaps_without_the_lock() -> None:
    """Negative control: the same writers without the lock do interleave."""
    found = 0
    for trial in range(5):
        with Sandbox(":memory:", seed=trial) as sb:
            thread_trial(sb, 4, 2, locked=False)
            found += len(overlaps(write_windows(sb.timeline())))
    assert found > 0


def test_threads_started_together_never_hold_at_once() -> None:
    trials, total_holds, found = 45, 0, []
    for trial in range(trials):
        contenders = 2 + trial % 3
        with Sandbox(":memory:", seed=trial) as sb:
            failures = thread_trial(sb, contenders, 2)
            windows = write_windows(sb.timeline())
            assert failures == []
            assert sorted(w[2] for w in windows.values()) == [WRITES_PER_HOLD] * contenders * 2
            total_holds += len(windows)
            found += overlaps(windows)
            with sandbox_client(sb, "observer") as observer:
                assert lock_holders(observer, "ns") == [], "lock objects left behind"
    print(f"\nthreads: {trials} trials, 2-4 contenders, {total_holds} holds, {len(found)} overlaps")
    assert found == []


def test_under_faults_holders_still_never_overlap() -> None:
    """10% of requests fail (reset, lost, 503, 429): holds may fail (a renewal or a write
    errs, the holder stops), but no two write windows intersect."""
    trials, total_holds, stopped, found = 20, 0, 0, []
    for trial in range(trials):
        with Sandbox(":memory:", seed=trial) as sb:
            kinds = ("reset", "lost", "503", "429")
            sb.set_faults(Faults(rate=0.1, kinds=kinds, seed=trial, retry_after=0))
            failures = thread_trial(sb, 3, 2)
            windows = write_windows(sb.timeline())
            stopped += len(failures)
            total_holds += len(windows)
            found += overlaps(windows)
    print(f"\nfaults: {trials} trials x 3 contenders, {total_holds} holds, {stopped} stopped")
    assert total_holds >= trials * 3
    assert found == []


def start_contender(
    url: str, actor: str, mode: str, holds: int, ttl: float, start_at: float
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CONTENDER), url, actor, mode, str(holds), str(ttl), str(start_at)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.socket
def test_processes_started_together_never_hold_at_once() -> None:
    trials, total_holds, found = 4, 0, []
    for trial in range(trials):
        contenders = 2 + trial % 3
        with Sandbox(":memory:", seed=trial) as sb:
            server = sb.serve("127.0.0.1", 0)
            start_at = time.time() + 2.5  # every process is up and waiting by then
            procs = [
                start_contender(server.url, f"p{i}", "work", 2, 3.0, start_at)
                for i in range(contenders)
            ]
            for p in procs:
                _, err = p.communicate(timeout=120)
                assert p.returncode == 0, err
            windows = write_windows(sb.timeline())
            assert len(windows) == contenders * 2
            total_holds += len(windows)
            found += overlaps(windows)
    print(
        f"\nprocesses: {trials} trials, 2-4 contenders, {total_holds} holds, {len(found)} overlaps"
    )
    assert found == []


@pytest.mark.socket
def test_the_lock_of_a_killed_holder_expires_within_its_ttl() -> None:
    ttl = 2.0
    with Sandbox(":memory:", seed=7) as sb:
        server = sb.serve("127.0.0.1", 0)
        proc = start_contender(server.url, "victim", "hold", 1, ttl, time.time())
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("held "), proc.stderr.read() if proc.stderr else line
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        killed = time.monotonic()
        with sandbox_client(sb, "next") as client:
            lease = acquire(
                client, environment="ci", namespace="ns", timeout=10, ttl=ttl, poll=0.05
            )
            waited = time.monotonic() - killed
            lease.release()
    print(f"\nSIGKILL: the next holder waited {waited:.2f} s (TTL {ttl:g} s)")
    assert ttl * 0.5 <= waited <= ttl + 1.0
