"""Reading definition files: here, or in worker processes when there are many of them.

Parsing YAML and compiling trigger expressions is pure CPU work, file by file, and one
Python process runs it on one core. A project of many files (PARALLEL_FROM_BYTES and more)
is read by worker processes, one per core (orchctl.definitions.worker): each
parses whole files, analyses the filters and vars of the triggers it finds (the
expressions' text alone decides what the checks say of them,
orchctl.validation.expressions.analyse) and sends back plain data with `marshal`, the
fastest way Python moves plain values between processes. Results are taken in file order,
so the loader sees exactly what reading the files here gives: the same documents, the same
errors at the same places, in the same order. The main process is meanwhile free for what
it does beside (reading the stack, orchctl.prefetch).

Workers are new interpreters on pipes, not forks nor multiprocessing: the main process may
already run the thread that reads the stack (a fork copies its locks, not the thread), and
multiprocessing would import the caller's main module again in each worker. A worker that
cannot start or fails (killed, out of memory) leaves the files it did not read to this
process: the result is the same, only slower. ORCHCTL_READ_PROCESSES=N sets the number of
processes (1: read everything here).
"""

from __future__ import annotations

import contextlib
import json
import logging
import marshal
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from orchctl.definitions.yamlsource import YamlFileError, parse_documents, read_text

if TYPE_CHECKING:
    from orchctl.validation.expressions import Analysis

log = logging.getLogger("orchctl.definitions")

ENV_VAR = "ORCHCTL_READ_PROCESSES"
# Below this many bytes of definitions (about 3,000 workflows and 3,000 triggers), starting
# processes and moving what they read costs about what it saves (measured: benchmarks/).
PARALLEL_FROM_BYTES = 4 * 1024 * 1024
CHUNK_BYTES = 256 * 1024  # what one task of a worker reads: a few dozen files
MAX_PROCESSES = 8


@dataclass(frozen=True)
class FileRead:
    """One file as read: its text (None when unreadable), its non-empty documents (data,
    index, start line and column, whether a YAML 1.1 boolean word was seen, whether a string
    value holds `{{`), the error that
    stopped reading it (message, line, column, hint) after those documents, and what the
    expressions of its triggers give (see `analyses_of`)."""

    text: str | None
    docs: list[tuple[Any, int, int, int, bool, bool]]
    error: tuple[str, int, int, str | None] | None
    analyses: dict[str, Analysis]


def read_files(
    files: Sequence[tuple[str, str]], environ: Mapping[str, str]
) -> Generator[FileRead, None, None]:
    """Every file of `files` (path, display), in order."""
    sizes = [_size(path) for path, _ in files]
    processes = _processes(sizes, environ) if files else 1
    if processes <= 1:
        for path, display in files:
            yield read_file(path, display)
        return
    yield from _pooled(files, _chunks(files, sizes, processes), processes)


def read_file(path: str, display: str, *, analysed: set[str] | None = None) -> FileRead:
    """Read and parse one file; with `analysed` (expressions analysed before, for the same
    caller), also analyse its triggers' other expressions."""
    try:
        text = read_text(path, display)
    except YamlFileError as exc:
        return FileRead(None, [], (exc.message, exc.line, exc.column, exc.hint), {})
    docs: list[tuple[Any, int, int, int, bool, bool]] = []
    error = None
    try:
        for doc in parse_documents(text, display):
            docs.append(
                (
                    doc.data,
                    doc.index,
                    doc.start.line,
                    doc.start.column,
                    doc.has_notes,
                    doc.templated,
                )
            )
    except YamlFileError as exc:
        error = (exc.message, exc.line, exc.column, exc.hint)
    return FileRead(text, docs, error, {} if analysed is None else analyses_of(docs, analysed))


def analyses_of(
    docs: list[tuple[Any, int, int, int, bool, bool]], sent: set[str] | None = None
) -> dict[str, Analysis]:
    """The analysis of every filter and var of the Trigger documents among `docs` whose text
    parameters cannot change (no `{{`: orchctl.definitions.params leaves it as it is),
    but those in `sent` (given earlier, to the same caller), which this adds to."""
    from orchctl.validation.expressions import analyse

    sent = set() if sent is None else sent
    found: dict[str, Analysis] = {}
    for data, *_ in docs:
        if not isinstance(data, dict) or data.get("kind") != "Trigger":
            continue
        sources = [data.get("filter")]
        variables = data.get("vars")
        if isinstance(variables, dict):
            sources.extend(variables.values())
        for source in sources:
            if (
                isinstance(source, str)
                and source.strip()
                and "{{" not in source
                and source not in sent
            ):
                found[source] = analyse(source)
                sent.add(source)
    return found


def _processes(sizes: list[int], environ: Mapping[str, str]) -> int:
    wanted = environ.get(ENV_VAR, "").strip()
    if wanted:
        try:
            return max(1, min(int(wanted), MAX_PROCESSES))
        except ValueError:
            log.warning("%s=%r is not a number of processes: ignored", ENV_VAR, wanted)
    if sum(sizes) < PARALLEL_FROM_BYTES:
        return 1
    return min(_cores(), MAX_PROCESSES)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # reading it says why


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def _chunks(
    files: Sequence[tuple[str, str]], sizes: list[int], processes: int
) -> list[list[tuple[str, str]]]:
    """Files in order, in tasks of about CHUNK_BYTES, at least 4 a process (balance)."""
    most = max(1, min(CHUNK_BYTES, sum(sizes) // (4 * processes)))
    chunks: list[list[tuple[str, str]]] = [[]]
    size = 0
    for item, item_size in zip(files, sizes, strict=True):
        if size >= most:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += item_size
    return chunks


def _pooled(
    files: Sequence[tuple[str, str]], chunks: list[list[tuple[str, str]]], processes: int
) -> Iterator[FileRead]:
    """Chunk i is read by worker i % processes; results are taken in chunk order."""
    workers = [_Worker.start(chunks[k::processes]) for k in range(min(processes, len(chunks)))]
    started = [w for w in workers if w is not None]
    if started:
        log.info(
            "reading %d definition files in %d worker process%s",
            len(files),
            len(started),
            "" if len(started) == 1 else "es",
        )
    try:
        for index, chunk in enumerate(chunks):
            worker = workers[index % len(workers)]
            payload = worker.next_result() if worker is not None else None
            if payload is None:
                yield from (read_file(path, display) for path, display in chunk)
                continue
            for text, docs, error, analyses in marshal.loads(payload):
                yield FileRead(text, docs, error, analyses)
    finally:
        for worker in started:
            worker.stop()


# A worker imports exactly what this process imports: an isolated interpreter (-I: no
# PYTHON* variables, no user site, neither the working directory nor a script's folder on
# its path) given this process's import path. `python -m` would put the working directory
# first: a `yaml.py` in the repository being planned would run.
_BOOT = (
    "import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
    "from orchctl.definitions.worker import main; main()"
)


class _Worker:
    """One orchctl.definitions.worker process: it is handed its chunks on stdin
    (marshal), reads them in order and writes each result as a length-prefixed marshal. A
    thread takes each result off the pipe as soon as it is written, so a worker never
    waits for the caller to want it."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.results: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.failed = False
        self.drain = threading.Thread(target=self._drain, name="orchctl-read-files", daemon=True)

    @classmethod
    def start(cls, chunks: list[list[tuple[str, str]]]) -> _Worker | None:
        try:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-c", _BOOT, json.dumps(sys.path)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            log.info("reading definitions here: cannot start a worker process (%s)", exc)
            return None
        worker = cls(proc)
        worker.drain.start()
        assert proc.stdin is not None
        try:
            proc.stdin.write(marshal.dumps(chunks))
        except OSError:  # it died at once: the drain sees the end of its output
            pass
        finally:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        return worker

    def _drain(self) -> None:
        out = self.proc.stdout
        assert out is not None
        try:
            while True:
                head = out.read(8)
                if len(head) != 8:
                    break
                size = int.from_bytes(head, "little")
                payload = out.read(size)
                if len(payload) != size:
                    break
                self.results.put(payload)
        except (OSError, ValueError):  # closed by stop()
            pass
        self.results.put(None)  # the end: after the last result, or where it failed

    def next_result(self) -> bytes | None:
        """The next chunk's result, or None once the worker has failed (the caller then
        reads that chunk, and every later one of this worker, itself)."""
        if self.failed:
            return None
        payload = self.results.get()
        if payload is None:
            self.failed = True
            log.info(
                "reading definitions here: a worker process failed (exit status %s)",
                self.proc.wait(),
            )
        return payload

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()  # done with it (all its results taken, or the caller stopped)
        self.proc.wait()
        self.drain.join()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def serve(stdin: BinaryIO, stdout: BinaryIO) -> None:
    """A worker's side: read the chunks it is given, write each result as it is done (an
    expression is analysed once per worker: its caller keeps what it was sent)."""
    analysed: set[str] = set()
    for chunk in marshal.loads(stdin.read()):
        out = []
        for path, display in chunk:
            read = read_file(path, display, analysed=analysed)
            out.append((read.text, read.docs, read.error, read.analyses))
        payload = marshal.dumps(out)
        stdout.write(len(payload).to_bytes(8, "little"))
        stdout.write(payload)
        stdout.flush()
