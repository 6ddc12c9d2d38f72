"""The Go oracle (tests/oracle/main.go, real expr-lang) and orchctl's answers in one shape.

Used by tests/oracle/test_oracle.py and benchmarks/expr_oracle.py. ``build()`` compiles the
oracle once per (expr-lang version, go.sum, main.go, Go version) into a cache directory;
``Oracle`` keeps one process and sends whole batches through it.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchctl.expr import ExprCompileError, ExprRuntimeError, compile_expr, filter_matches, gotime
from orchctl.expr.gofmt import format_float_json, go_sprint, stringify
from orchctl.expr.gostr import as_text
from orchctl.expr.regex import RegexError, compile_regex
from orchctl.expr.values import type_name

HERE = Path(__file__).resolve().parent
VERSIONS = {"v1.17.7": "go.mod", "v1.16.9": "go.v1_16_9.mod"}
# The environment as the process started (tests/conftest.py points HOME at a temp dir per test;
# Go's default caches live under the real HOME).
START_ENV = dict(os.environ)
_NETWORK_HINTS = (
    "dial tcp",
    "no such host",
    "connection refused",
    "i/o timeout",
    "network is unreachable",
    "TLS handshake",
    "GOPROXY=off",
    "module lookup disabled",
    "proxy.golang.org",
    "Temporary failure in name resolution",
)


class OracleUnavailable(Exception):
    """The oracle cannot be built here; the message is the one skip reason."""


def go_binary() -> str | None:
    found = shutil.which("go", path=START_ENV.get("PATH"))
    if found:
        return found
    fallback = Path("/usr/local/go/bin/go")
    return str(fallback) if fallback.exists() else None


def _go_env(go: str) -> dict[str, str]:
    """Go's defaults for root in a fresh clone; nothing left behind by an earlier session."""
    env = dict(START_ENV)
    env["GOTOOLCHAIN"] = "local"
    env["GOFLAGS"] = "-buildvcs=false -mod=readonly"
    env["CGO_ENABLED"] = "0"
    env.pop("GOWORK", None)
    env["GOWORK"] = "off"
    fallback = Path(tempfile.gettempdir()) / "orchctl-oracle" / "go"
    if not env.get("HOME") and not env.get("GOPATH"):
        env["GOPATH"] = str(fallback / "path")
    if not env.get("HOME") and not env.get("XDG_CACHE_HOME") and not env.get("GOCACHE"):
        env["GOCACHE"] = str(fallback / "cache")
    return env


def build(version: str = "v1.17.7") -> Path:
    """The oracle binary for ``version``; raises :class:`OracleUnavailable` with the reason."""
    go = go_binary()
    if go is None:
        raise OracleUnavailable("`go` is not installed: the Go oracle tests need it")
    modfile = HERE / VERSIONS[version]
    sumfile = modfile.with_suffix(".sum")
    env = _go_env(go)
    try:
        go_version = subprocess.run(
            [go, "version"], capture_output=True, text=True, env=env, check=True, timeout=60
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        raise OracleUnavailable(f"`go version` failed: {exc}") from None
    key = hashlib.sha256()
    for part in (modfile, sumfile, HERE / "main.go"):
        key.update(part.read_bytes())
    key.update(go_version.encode())
    cache = Path(tempfile.gettempdir()) / "orchctl-oracle" / key.hexdigest()[:16]
    binary = cache / f"oracle-{version}"
    if binary.exists():
        return binary
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f".oracle-{version}.{os.getpid()}"
    command = [go, "build", f"-modfile={modfile.name}", "-o", str(partial), "."]
    try:
        proc = subprocess.run(
            command, cwd=HERE, capture_output=True, text=True, env=env, timeout=600
        )
    except subprocess.TimeoutExpired:
        raise OracleUnavailable("building the Go oracle took over 10 minutes") from None
    if proc.returncode != 0:
        output = (proc.stderr or proc.stdout).strip()
        if any(hint in output for hint in _NETWORK_HINTS):
            last = output.splitlines()[-1] if output else ""
            raise OracleUnavailable(
                f"the Go oracle cannot be built without the Go module proxy (no network?): {last}"
            )
        raise RuntimeError(f"building the Go oracle failed:\n{output}")
    partial.replace(binary)
    return binary


class Oracle:
    """One oracle process; :meth:`ask` sends a batch and returns the answers in order."""

    def __init__(self, binary: Path) -> None:
        self.binary = binary
        env = dict(START_ENV)
        env["TZ"] = "UTC"
        self._proc = subprocess.Popen(
            [str(binary)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self._ids = 0

    def ask(self, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
        proc = self._proc
        assert proc.stdin is not None
        assert proc.stdout is not None
        lines = []
        first = self._ids
        for index, req in enumerate(requests):
            lines.append(json.dumps({**req, "id": first + index}, ensure_ascii=False) + "\n")
        self._ids += len(requests)
        lines.append(json.dumps({"mode": "flush", "id": -1}) + "\n")
        stdin = proc.stdin

        def write() -> None:
            for line in lines:
                stdin.write(line)
            stdin.flush()

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        answers: list[dict[str, Any]] = []
        while True:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError("the Go oracle exited mid-batch")
            answer = json.loads(line)
            if answer.get("id") == -1:
                break
            answers.append(answer)
        writer.join()
        for index, answer in enumerate(answers):
            if answer.get("id") != first + index:
                raise RuntimeError(f"oracle answers out of order at {index}")
        return answers

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.wait(timeout=30)
        if self._proc.stdout:
            self._proc.stdout.close()


# --- orchctl's side, in the oracle's shape ---


def _linker(event: Any, resources: dict[str, Any]) -> Callable[[Any, str], Any]:
    def link(obj: Any, rel: Any) -> Any:
        links = obj.get("links") if isinstance(obj, dict) else None
        found = [
            item
            for item in (links if isinstance(links, list) else [])
            if isinstance(item, dict) and item.get("name") == rel
        ]
        if not found:
            raise ExprRuntimeError(f"link '{rel}' not defined for object")
        if len(found) > 1:
            raise ExprRuntimeError(f"multiple link '{rel}' found for object")
        uri = found[0].get("uri")
        if uri not in resources:
            raise ExprRuntimeError("unexpected status code when reading resource: 404")
        return resources[uri]

    return link


def python_expr(req: dict[str, Any]) -> dict[str, Any]:
    env = req["env"] if "env" in req else {"event": req.get("event")}
    try:
        program = compile_expr(req["expr"])
    except ExprCompileError as exc:
        return {"phase": "compile", "error": str(exc)}
    link = _linker(env.get("event"), req.get("links") or {}) if req.get("links") else None
    try:
        result = program.run(env, link=link, go_types=True)
    except ExprRuntimeError as exc:
        return {"phase": "run", "error": as_text(exc.formance_message)}
    out: dict[str, Any] = {"phase": "value", "type": type_name(result)}
    out["sprint"] = as_text(go_sprint(result))  # the oracle's answer travels as JSON
    if type(result) is float and not math.isfinite(result):
        out["var_error"] = f"json: unsupported value: {go_sprint(result)}"
    else:
        out["var"] = stringify(result)
    out["filter"] = filter_matches(result)
    return out


def python_answer(req: dict[str, Any]) -> dict[str, Any]:
    mode = req.get("mode", "expr")
    if mode == "expr":
        return python_expr(req)
    if mode == "regex":
        try:
            regex = compile_regex(req["pattern"])
        except RegexError as exc:
            return {"error": str(exc)}
        return {"match": regex.search(req["text"])}
    if mode == "float":
        special = {"nan": math.nan, "+inf": math.inf, "-inf": -math.inf, "-0": -0.0}
        value = special.get(req.get("special", ""))
        f = float(req["float"]) if value is None else value
        out: dict[str, Any] = {"sprint": go_sprint(f), "sprint_list": go_sprint([f])}
        if math.isfinite(f):
            out["json"] = format_float_json(f)
        else:
            out["json_error"] = f"json: unsupported value: {go_sprint(f)}"
        return out
    if mode == "duration":
        try:
            d = gotime.parse_duration(req["text"])
        except gotime.TimeError as exc:
            return {"error": str(exc)}
        return {"ns": d.ns, "string": d.go_string()}
    if mode == "rfc3339":
        try:
            t = gotime.parse_rfc3339(req["text"])
        except gotime.TimeError as exc:
            return {"error": str(exc)}
        return {"sec": t.sec, "nsec": t.nsec}
    raise ValueError(mode)


_COMPARED = {
    "expr": ("phase", "error", "type", "sprint", "var", "var_error", "filter"),
    "regex": ("error", "match"),
    "float": ("sprint", "sprint_list", "json", "json_error"),
    "duration": ("error", "ns", "string"),
    "rfc3339": ("error", "sec", "nsec"),
}


def difference(mode: str, go: dict[str, Any], py: dict[str, Any]) -> str | None:
    """None when orchctl answers as Go; else a one-line account of the first difference."""
    if "panic" in go or "bad_request" in go:
        return f"oracle could not answer: {go}"
    for key in _COMPARED[mode]:
        if go.get(key) != py.get(key):
            return f"{key}: go={go.get(key)!r} orchctl={py.get(key)!r}"
    return None


@dataclass(frozen=True)
class Disagreement:
    request: dict[str, Any]
    go: dict[str, Any]
    orchctl: dict[str, Any]
    detail: str

    def describe(self) -> str:
        req = {k: v for k, v in self.request.items() if k != "id"}
        return f"{json.dumps(req, ensure_ascii=False)}\n    {self.detail}"


def run_batch(oracle: Oracle, requests: list[dict[str, Any]]) -> list[Disagreement]:
    answers = oracle.ask(requests)
    found = []
    for req, go in zip(requests, answers, strict=True):
        try:
            py = python_answer(req)
        except Exception as exc:  # orchctl must never raise anything but its own errors
            py = {"crash": f"{type(exc).__name__}: {exc}"}
        detail = difference(req.get("mode", "expr"), go, py) or (
            f"orchctl crashed: {py['crash']}" if "crash" in py else None
        )
        if detail:
            found.append(Disagreement(req, go, py, detail))
    return found


def first_disagreeing(oracle: Oracle, candidates: Iterable[dict[str, Any]]) -> Disagreement | None:
    batch = list(candidates)
    if not batch:
        return None
    found = run_batch(oracle, batch)
    return found[0] if found else None


def _key(detail: str) -> str:
    """What a shrunk case must keep: the field that differs (for `phase`, both phases)."""
    return detail if detail.startswith("phase:") else detail.split(":", 1)[0]


def shrink_expr(
    oracle: Oracle, tree: Any, event: Any, found: Disagreement, *, rounds: int = 80
) -> Disagreement:
    """The smallest case (expression tree, then event) that still disagrees the same way."""
    from exprgen import _replacements, _smaller_events

    key = _key(found.detail)
    best = found
    for _ in range(rounds):
        seen: set[str] = set()
        trees = []
        for smaller in _replacements(tree):
            text = smaller.render()
            if text not in seen and len(text) <= len(best.request["expr"]):
                seen.add(text)
                trees.append(smaller)
        trees.sort(key=lambda t: len(t.render()))
        trees = trees[:400]
        batch = [{"expr": t.render(), "event": event} for t in trees]
        events = list(_smaller_events(event))[:200]
        batch += [{"expr": best.request["expr"], "event": e} for e in events]
        improved = None
        for candidate in run_batch(oracle, batch) if batch else []:
            if _key(candidate.detail) == key:
                improved = candidate
                break
        if improved is None:
            break
        best = improved
        index = batch.index(improved.request)
        if index < len(trees):
            tree = trees[index]
        else:
            event = improved.request["event"]
    return best


def shrink_text(oracle: Oracle, found: Disagreement, field: str) -> Disagreement:
    """Shrink a regex/duration/timestamp case by deleting characters."""
    key = _key(found.detail)
    best = found
    while True:
        text = best.request[field]
        batch = [{**best.request, field: text[:i] + text[i + 1 :]} for i in range(len(text))]
        if field == "pattern":
            subject = best.request["text"]
            batch += [
                {**best.request, "text": subject[:i] + subject[i + 1 :]}
                for i in range(len(subject))
            ]
        better = [d for d in run_batch(oracle, batch) if _key(d.detail) == key] if batch else []
        if not better:
            return best
        best = better[0]
