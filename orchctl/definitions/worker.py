"""A worker process reading definition files for orchctl.definitions.reading (its entry)."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys

from orchctl.definitions.reading import serve


def main() -> None:
    # Ctrl-C is the main process's to handle (it stops its workers); a worker says nothing
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # what a worker builds is acyclic and freed chunk by chunk by reference counting: the
    # cyclic collector would only scan it again and again (as loading pauses it too)
    gc.disable()
    # reading files is throughput work: what waits on round trips (the thread listing the
    # stack, a server on this machine) goes first
    with contextlib.suppress(OSError, AttributeError):
        os.nice(5)
    serve(sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    main()
