"""The executor: dependencies first, at most `parallelism` at once, and on a failure no new
step while those in flight finish."""

from __future__ import annotations

import threading
import time

from orchctl.apply.executor import StepResult, execute
from orchctl.apply.steps import Step, StepKind


def step(key: str, *deps: str, kind: StepKind = StepKind.CREATE_WORKFLOW) -> Step:
    return Step(key, kind, key, depends_on=frozenset(deps))


def test_at_most_parallelism_steps_run_at_once() -> None:
    running, peak, lock = [0], [0], threading.Lock()

    def run(s: Step) -> StepResult:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        return StepResult()

    outcomes = execute([step(f"s{i}") for i in range(20)], run, parallelism=3)
    assert {o.status for o in outcomes} == {"done"}
    assert peak[0] == 3


def test_a_step_starts_only_after_its_dependencies() -> None:
    finished: list[str] = []

    def run(s: Step) -> StepResult:
        time.sleep(0.01 if s.key == "a" else 0)
        finished.append(s.key)
        return StepResult()

    execute([step("c", "b"), step("b", "a"), step("a")], run, parallelism=4)
    assert finished == ["a", "b", "c"]


def test_a_failure_stops_new_work_and_lets_the_calls_in_flight_finish() -> None:
    started: list[str] = []

    def run(s: Step) -> StepResult:
        started.append(s.key)
        if s.key == "bad":
            raise RuntimeError("refused")
        time.sleep(0.05)  # in flight when "bad" fails
        return StepResult(created=(f"id-{s.key}",))

    steps = [step("bad"), step("slow"), step("after-bad", "bad"), step("later", "slow")]
    outcomes = {o.step.key: o for o in execute(steps, run, parallelism=2)}
    assert outcomes["bad"].status == "failed"
    assert str(outcomes["bad"].error) == "refused"
    assert outcomes["slow"].status == "done"  # finished although the run was stopping
    assert outcomes["after-bad"].status == "not-started"
    assert outcomes["later"].status == "not-started"
    assert sorted(started) == ["bad", "slow"]


def test_ready_steps_start_in_sort_key_order() -> None:
    order: list[str] = []
    steps = [
        step("d", kind=StepKind.DELETE_WORKFLOW),
        step("t", kind=StepKind.CREATE_TRIGGER),
        step("w", kind=StepKind.CREATE_WORKFLOW),
    ]
    execute(steps, lambda s: order.append(s.key) or StepResult(), parallelism=1)
    assert order == ["w", "t", "d"]
