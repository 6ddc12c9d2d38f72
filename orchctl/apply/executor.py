"""Runs steps as their dependencies allow, at most `parallelism` at once.

A step starts once every step it depends on is done; the ready ones start in sort-key
order. One worker runs one step from start to end, so a swap's two calls go back to back
on one thread with nothing else in between on that path (and with the executor's
parallelism no higher than the client's, the second call never waits for a slot).

On the first failure no new step starts; the steps in flight finish; every step is then
done, failed or not started. A KeyboardInterrupt is treated as a failure of the run.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Literal

from orchctl.apply.steps import Step, dependents_of

Status = Literal["done", "failed", "not-started"]
DEFAULT_PARALLELISM = 8


@dataclass(frozen=True)
class StepResult:
    """What a step did: ids it created and deleted, and anything worth reporting."""

    created: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()  # deleted by this step (a 404 counts: gone either way)
    detail: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    step: Step
    status: Status
    result: StepResult | None = None
    error: BaseException | None = None
    started: float | None = None  # time.monotonic()
    finished: float | None = None


class StepFailed(Exception):
    """Raised by a step runner to fail a step with a message (no traceback shown)."""


def execute(
    steps: Sequence[Step],
    run: Callable[[Step], StepResult],
    *,
    parallelism: int = DEFAULT_PARALLELISM,
    on_start: Callable[[Step], None] | None = None,
    on_finish: Callable[[Outcome], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[Outcome, ...]:
    """Run `steps` with `run`; the outcomes in the order of `steps`."""
    by_key = {s.key: s for s in steps}
    waiting = {s.key: set(s.depends_on) for s in steps}
    dependents = dependents_of(steps)
    ready = [(s.sort_key, s.key) for s in steps if not waiting[s.key]]
    heapq.heapify(ready)
    outcomes: dict[str, Outcome] = {}
    lock = threading.Lock()
    stop = False

    def one(step: Step) -> Outcome:
        started = clock()
        try:
            result = run(step)
        except Exception as exc:
            return Outcome(step, "failed", error=exc, started=started, finished=clock())
        return Outcome(step, "done", result, started=started, finished=clock())

    with ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="apply") as pool:
        in_flight: dict[Future[Outcome], Step] = {}
        try:
            while ready or in_flight:
                while ready and not stop and len(in_flight) < parallelism:
                    _, key = heapq.heappop(ready)
                    step = by_key[key]
                    if on_start is not None:
                        on_start(step)
                    in_flight[pool.submit(one, step)] = step
                if not in_flight:
                    break
                finished, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
                for future in finished:
                    step = in_flight.pop(future)
                    outcome = future.result()
                    with lock:
                        outcomes[step.key] = outcome
                    if on_finish is not None:
                        on_finish(outcome)
                    if outcome.status == "failed":
                        stop = True
                        continue
                    for other in dependents.get(step.key, ()):
                        waiting[other].discard(step.key)
                        if not waiting[other]:
                            heapq.heappush(ready, (by_key[other].sort_key, other))
        except KeyboardInterrupt:
            stop = True
            for future, step in list(in_flight.items()):
                outcome = future.result()  # let the calls in flight finish
                outcomes[step.key] = outcome
                if on_finish is not None:
                    on_finish(outcome)
            raise
    return tuple(outcomes.get(s.key) or Outcome(s, "not-started") for s in steps)


def summary_counts(outcomes: Iterable[Outcome]) -> dict[Status, int]:
    counts: dict[Status, int] = {"done": 0, "failed": 0, "not-started": 0}
    for outcome in outcomes:
        counts[outcome.status] += 1
    return counts
