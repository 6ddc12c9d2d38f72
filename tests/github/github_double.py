"""A local double of GitHub's REST API: just the endpoints orchctl uses, over 127.0.0.1.

Like GitHub: a token is required (401 "Bad credentials" otherwise), lists are paginated
with `per_page` (at most 100, 30 by default) and a `Link` header (rel="next"/"last"),
issues and pull requests share one number space and the issue list includes pull
requests, a comment or issue body over 65,536 characters is refused with 422, and rate
limits answer 403 with GitHub's headers. Every request is recorded.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

MAX_BODY = 65_536


@dataclass
class Canned:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class State:
    token: str
    repository: str
    prefix: str = ""
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, list[str]], dict[str, str]]] = field(
        default_factory=list
    )
    canned: list[Canned] = field(default_factory=list)  # answers to the next requests
    next_number: int = 1
    next_comment: int = 1000
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p, _, _ in self.requests if m != "GET"]

    def add_pull_request(self, title: str = "A change") -> int:
        number = self.next_number
        self.next_number += 1
        self.issues[number] = {
            "number": number,
            "title": title,
            "body": "",
            "state": "open",
            "labels": [],
            "pull_request": {"url": f"/pulls/{number}"},
        }
        return number

    def add_comment(self, number: int, body: str, login: str = "someone") -> int:
        cid = self.next_comment
        self.next_comment += 1
        self.comments[cid] = {"id": cid, "issue": number, "body": body, "user": {"login": login}}
        return cid

    def comments_on(self, number: int) -> list[dict[str, Any]]:
        return [c for c in self.comments.values() if c["issue"] == number]

    def rate_limit_next(self, count: int, *, retry_after: str = "0") -> None:
        for _ in range(count):
            self.canned.append(
                Canned(
                    403,
                    {"Retry-After": retry_after},
                    {"message": "You have exceeded a secondary rate limit."},
                )
            )


class _Handler(BaseHTTPRequestHandler):
    state: State
    base: str

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        state = self.state
        with state.lock:
            state.requests.append((method, parts.path, query, dict(self.headers.items())))
            if self.headers.get("Authorization") != f"Bearer {state.token}":
                return self._send(401, {"message": "Bad credentials"})
            if state.canned:
                canned = state.canned.pop(0)
                return self._send(canned.status, canned.body, canned.headers)
            path = parts.path
            if not path.startswith(state.prefix + "/repos/" + state.repository + "/"):
                return self._send(404, {"message": "Not Found"})
            rest = path[len(state.prefix + "/repos/" + state.repository) :]
            body = json.loads(raw) if raw else {}
            self._route(method, rest, query, body)
        return None

    def _route(
        self, method: str, rest: str, query: dict[str, list[str]], body: dict[str, Any]
    ) -> None:
        state = self.state
        if m := re.fullmatch(r"/issues/(\d+)/comments", rest):
            number = int(m.group(1))
            if number not in state.issues:
                return self._send(404, {"message": "Not Found"})
            if method == "GET":
                return self._page([self._comment(c) for c in state.comments_on(number)], query)
            if method == "POST":
                if (error := _too_long(body.get("body", ""))) is not None:
                    return self._send(422, error)
                cid = state.add_comment(number, body["body"], login="github-actions[bot]")
                return self._send(201, self._comment(state.comments[cid]))
        if (m := re.fullmatch(r"/issues/comments/(\d+)", rest)) and method == "PATCH":
            comment = state.comments.get(int(m.group(1)))
            if comment is None:
                return self._send(404, {"message": "Not Found"})
            if (error := _too_long(body.get("body", ""))) is not None:
                return self._send(422, error)
            comment["body"] = body["body"]
            return self._send(200, self._comment(comment))
        if rest == "/issues":
            if method == "GET":
                wanted = query.get("state", ["open"])[0]
                labels = [x for x in query.get("labels", [""])[0].split(",") if x]
                found = [
                    self._issue(i)
                    for i in sorted(state.issues.values(), key=lambda i: -i["number"])
                    if wanted in ("all", i["state"]) and all(lb in i["labels"] for lb in labels)
                ]
                return self._page(found, query)
            if method == "POST":
                if (error := _too_long(body.get("body", ""))) is not None:
                    return self._send(422, error)
                number = state.next_number
                state.next_number += 1
                state.issues[number] = {
                    "number": number,
                    "title": body["title"],
                    "body": body.get("body", ""),
                    "state": "open",
                    "labels": list(body.get("labels", [])),
                }
                return self._send(201, self._issue(state.issues[number]))
        if (m := re.fullmatch(r"/issues/(\d+)", rest)) and method == "PATCH":
            issue = state.issues.get(int(m.group(1)))
            if issue is None:
                return self._send(404, {"message": "Not Found"})
            if (error := _too_long(body.get("body", ""))) is not None:
                return self._send(422, error)
            for key in ("title", "body", "state", "labels", "state_reason"):
                if key in body:
                    issue[key] = body[key]
            return self._send(200, self._issue(issue))
        return self._send(404, {"message": "Not Found"})

    def _comment(self, c: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": c["id"],
            "body": c["body"],
            "user": c["user"],
            "html_url": f"https://github.test/{self.state.repository}/pull/{c['issue']}#issuecomment-{c['id']}",
        }

    def _issue(self, i: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in i.items() if k != "labels"}
        out["labels"] = [{"name": name} for name in i["labels"]]
        out["html_url"] = f"https://github.test/{self.state.repository}/issues/{i['number']}"
        return out

    def _page(self, items: list[dict[str, Any]], query: dict[str, list[str]]) -> None:
        per_page = min(int(query.get("per_page", ["30"])[0]), 100)
        page = int(query.get("page", ["1"])[0])
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []
        path = urlsplit(self.path).path

        def url(n: int) -> str:
            q = {k: v[0] for k, v in query.items()}
            q["page"] = str(n)
            return f"{self.base}{path}?{urlencode(q)}"

        if page < last:
            links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
        if page > 1:
            links += [f'<{url(1)}>; rel="first"', f'<{url(page - 1)}>; rel="prev"']
        headers = {"Link": ", ".join(links)} if links else {}
        self._send(200, chunk, headers)

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


def _too_long(body: str) -> dict[str, Any] | None:
    if len(body) <= MAX_BODY:
        return None
    return {
        "message": "Validation Failed",
        "errors": [
            {
                "resource": "IssueComment",
                "code": "custom",
                "field": "body",
                "message": f"body is too long (maximum is {MAX_BODY} characters)",
            }
        ],
    }


@contextmanager
def serve(
    token: str, repository: str = "acme/payments-flows", prefix: str = ""
) -> Iterator[tuple[State, str]]:
    """The double on an ephemeral port: (state, api_url)."""
    state = State(token=token, repository=repository, prefix=prefix)
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    handler.base = base  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, base + prefix
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
