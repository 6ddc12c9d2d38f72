"""Reading the stack while the definitions load and validate (plan and drift).

Listing a large stack is mostly waiting for round trips, loading and validating thousands
of definitions is mostly CPU: done one after the other, a plan takes the sum of both; done
at once, about the larger. `LivePrefetch` lists the selected environment's stack in a
thread, started before the definitions are read. What the listing would say on stderr
(TLS and endpoint warnings) is held back and said when the result is taken, after the
definitions' own diagnostics, so the output is the same as reading afterwards (the -v
lines it logs too); an error
of the listing is raised then too, so invalid definitions are still reported first.

While it runs, the interpreter hands the GIL over every millisecond instead of every
five: each response of the stack wakes a listing thread that needs the GIL to go on, and
the thread loading the definitions holds it, computing; at 5 ms a hand-over, 200 pages
waited 0.3 s more than at 1 ms (measured at 10k + 10k: 3.1 s against 2.8 s).

As the pages arrive, the listing's threads also encode each live object for the planner
(`planner.Bodies.warm`): that CPU overlaps the round trips still to come instead of
following the last one.

Only a stack with a url is read ahead: the embedded sandbox answers in-process (nothing to
overlap) and would be created on disk even for definitions that turn out invalid.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping

from orchctl.api import LiveState
from orchctl.apply.facts import StackFacts, current_facts
from orchctl.definitions.project import load_project_config
from orchctl.errors import OrchctlError
from orchctl.plan.planner import Bodies
from orchctl.stack import StackOptions, Target, open_stack, uses_sandbox

_SWITCH_INTERVAL = 0.001  # seconds (Python's default: 0.005)


class LivePrefetch:
    """The live state of one stack, read in a background thread."""

    def __init__(
        self, root: str, env_name: str | None, stack: StackOptions, environ: Mapping[str, str]
    ) -> None:
        self._root = root
        self._env_name = env_name
        self._stack = stack
        self._environ = environ
        # warnings (str) and -v log records while the stack was being opened, and read
        self._opening: list[str | logging.LogRecord] = []
        self._reading: list[str | logging.LogRecord] = []
        self._handlers: list[logging.Handler] = []
        self._loading = threading.current_thread()
        self._target: Target | None = None
        self._live: LiveState | None = None
        self._facts: StackFacts | None = None
        self._error: BaseException | None = None
        self._switch_interval = sys.getswitchinterval()
        self.bodies = Bodies()  # the live objects' JSON, made as the pages arrive
        self._thread = threading.Thread(target=self._run, name="orchctl-read-stack", daemon=True)

    @classmethod
    def start(
        cls,
        root: str,
        env_name: str | None,
        stack: StackOptions,
        environ: Mapping[str, str] | None = None,
    ) -> LivePrefetch | None:
        """Start reading the stack of `env_name`, or None when it should not be read ahead:
        orchctl.yaml has errors (they are reported, alone, by loading), the environment is
        unknown, or it is served by the embedded sandbox."""
        environ = os.environ if environ is None else environ
        try:
            config, diagnostics = load_project_config(root)
            if any(d.severity == "error" for d in diagnostics):
                return None
            env = config.environment(env_name)
        except OrchctlError:
            return None  # loading the project reports it
        if uses_sandbox(env, environ):
            return None
        prefetch = cls(root, env_name, stack, environ)
        prefetch._hold_back_logs()
        sys.setswitchinterval(_SWITCH_INTERVAL)
        prefetch._thread.start()
        return prefetch

    def _hold_back_logs(self) -> None:
        """What reading logs (-v) waits for result(), in order with its warnings: records of
        every thread but the one loading the definitions (the listing runs its own pool)."""
        self._loading = threading.current_thread()
        self._handlers = list(logging.getLogger("orchctl").handlers)
        for handler in self._handlers:
            handler.addFilter(self._hold)

    def _hold(self, record: logging.LogRecord) -> bool:
        if threading.current_thread() is self._loading:
            return True
        held = self._opening if self._target is None else self._reading
        if not held or held[-1] is not record:  # once, whatever the number of handlers
            held.append(record)
        return False

    def _run(self) -> None:
        try:
            config, _ = load_project_config(self._root)
            env = config.environment(self._env_name)
            with open_stack(
                config.root, env, self._stack, environ=self._environ, warn=self._warn
            ) as (client, target):
                self._target = target
                self._facts = current_facts(client, config.root, env.name)
                self._live = client.list_all(each=self.bodies.warm)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    def _warn(self, message: str) -> None:
        (self._opening if self._target is None else self._reading).append(message)

    def result(
        self,
        *,
        warn: Callable[[str], None] | None = None,
        announce: Callable[[Target], None] | None = None,
    ) -> tuple[LiveState, Target, StackFacts]:
        """Wait for the listing, then say what reading it afterwards would have said, in
        the same order (warnings of opening the stack, the announcement, warnings of reading
        it), and return it (with the facts apply learned of the stack) or raise what it raised."""
        self._thread.join()
        sys.setswitchinterval(self._switch_interval)
        for handler in self._handlers:
            handler.removeFilter(self._hold)
        say = warn or (lambda _message: None)

        def replay(held: list[str | logging.LogRecord]) -> None:
            for item in held:
                if isinstance(item, str):
                    say(item)
                else:
                    logging.getLogger(item.name).handle(item)

        replay(self._opening)
        if self._target is not None and announce is not None:
            announce(self._target)
        replay(self._reading)
        if self._error is not None:
            raise self._error
        assert self._live is not None
        assert self._target is not None
        assert self._facts is not None
        return self._live, self._target, self._facts
