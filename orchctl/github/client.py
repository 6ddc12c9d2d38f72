"""The few GitHub REST endpoints orchctl uses, over httpx, with one-line errors.

Endpoints (nothing else is ever called):
    GET   /repos/{owner}/{repo}/issues/{number}/comments    list issue comments (paginated)
    POST  /repos/{owner}/{repo}/issues/{number}/comments    create a comment
    PATCH /repos/{owner}/{repo}/issues/comments/{id}        update a comment
    GET   /repos/{owner}/{repo}/issues?state=&labels=       list issues (paginated)
    POST  /repos/{owner}/{repo}/issues                      create an issue
    PATCH /repos/{owner}/{repo}/issues/{number}             update an issue

Errors (all GitHubError, an OrchctlError: one line, exit code 1, never the token):
    401 the token; 403 a permission; 404 the repository or number; the primary rate limit
    (with its reset time); a secondary rate limit that asks for a longer wait than orchctl
    keeps; 422 a rejected body; 5xx and connection failures after the retries.

Retries: a secondary rate limit (403/429 with Retry-After, or GitHub's message) is waited
out and retried, POST included (GitHub refused the request, so nothing was written), at
most `attempts` times and never longer than `max_wait` seconds a pause. GET and PATCH
(idempotent) are also retried on 502/503/504 and connection failures; a POST whose outcome
is unknown is not: the next run finds what it wrote by its marker.

Pagination follows the `Link: <...>; rel="next"` header, only to the API's own origin (the
token is never sent elsewhere). TLS certificates are always verified; plain http is
accepted only for a loopback address (a local test double).
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from orchctl import __version__
from orchctl.api.retry import parse_retry_after
from orchctl.errors import OrchctlError

PER_PAGE = 100
MAX_PAGES = 1_000
API_VERSION = "2022-11-28"
_RETRY_STATUSES = frozenset({502, 503, 504})


class GitHubError(OrchctlError):
    """A GitHub call that failed, in one line."""


@dataclass(frozen=True)
class Comment:
    id: int
    body: str
    html_url: str


@dataclass(frozen=True)
class Issue:
    number: int
    title: str
    body: str
    state: str
    labels: tuple[str, ...]
    html_url: str


def check_api_url(api_url: str) -> str:
    parts = urlsplit(api_url)
    if parts.scheme == "https" and parts.hostname:
        return api_url.rstrip("/")
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return api_url.rstrip("/")
    raise GitHubError(
        f"GITHUB_API_URL must be an https:// URL (got {_origin(api_url) or api_url!r})",
        hint="GitHub Enterprise: https://HOST/api/v3",
    )


class GitHubClient:
    def __init__(
        self,
        api_url: str,
        token: str,
        repository: str,
        *,
        transport: httpx.BaseTransport | None = None,
        attempts: int = 4,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_url = check_api_url(api_url)
        self.repository = repository
        self._attempts = attempts
        self._max_wait = max_wait
        self._sleep = sleep
        self._http = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(30.0, connect=10.0),
            follow_redirects=False,
            headers={
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": f"orchctl/{__version__}",
                "Authorization": f"Bearer {token}",
            },
        )

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    def __repr__(self) -> str:
        return f"GitHubClient({self.api_url!r}, {self.repository!r})"

    # -- the endpoints ---------------------------------------------------------------

    def issue_comments(self, number: int) -> Iterator[Comment]:
        path = f"/repos/{self.repository}/issues/{number}/comments"
        for item in self._paginate(path, {}):
            yield Comment(int(item["id"]), str(item.get("body") or ""), str(item["html_url"]))

    def create_comment(self, number: int, body: str) -> Comment:
        path = f"/repos/{self.repository}/issues/{number}/comments"
        item = self._json("POST", path, body={"body": body})
        return Comment(int(item["id"]), str(item.get("body") or ""), str(item["html_url"]))

    def update_comment(self, comment_id: int, body: str) -> Comment:
        path = f"/repos/{self.repository}/issues/comments/{comment_id}"
        item = self._json("PATCH", path, body={"body": body})
        return Comment(int(item["id"]), str(item.get("body") or ""), str(item["html_url"]))

    def issues(self, *, state: str = "open", labels: str | None = None) -> Iterator[Issue]:
        """Issues only: the endpoint also lists pull requests, which are skipped."""
        params = {"state": state, **({"labels": labels} if labels else {})}
        for item in self._paginate(f"/repos/{self.repository}/issues", params):
            if "pull_request" not in item:
                yield _issue(item)

    def create_issue(self, title: str, body: str, labels: list[str]) -> Issue:
        item = self._json(
            "POST",
            f"/repos/{self.repository}/issues",
            body={"title": title, "body": body, "labels": labels},
        )
        return _issue(item)

    def update_issue(self, number: int, **fields: Any) -> Issue:
        item = self._json("PATCH", f"/repos/{self.repository}/issues/{number}", body=fields)
        return _issue(item)

    # -- plumbing --------------------------------------------------------------------

    def _paginate(self, path: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        url: str | None = self.api_url + path
        query: dict[str, str] | None = {**params, "per_page": str(PER_PAGE)}
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            if url is None:
                return
            response = self._request("GET", url, params=query, shown=path)
            page = _decode(response, "GET", path)
            if not isinstance(page, list):
                raise GitHubError(f"GitHub answered GET {path} with something not a list")
            yield from (item for item in page if isinstance(item, dict))
            following = response.links.get("next", {}).get("url")
            if following is None:
                return
            if _origin(following) != _origin(self.api_url):
                raise GitHubError(
                    f"GitHub's next page of GET {path} is on another host "
                    f"({_origin(following)}); not following it with the token"
                )
            if following in seen:
                raise GitHubError(f"GitHub's pages of GET {path} loop; stopped")
            seen.add(following)
            url, query = following, None
        raise GitHubError(f"GET {path}: more than {MAX_PAGES} pages; stopped")

    def _json(self, method: str, path: str, *, body: dict[str, Any]) -> dict[str, Any]:
        response = self._request(method, self.api_url + path, json=body, shown=path)
        data = _decode(response, method, path)
        if not isinstance(data, dict):
            raise GitHubError(f"GitHub answered {method} {path} with something not an object")
        return data

    def _request(
        self,
        method: str,
        url: str,
        *,
        shown: str,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
    ) -> httpx.Response:
        idempotent = method in ("GET", "PATCH")
        for attempt in range(1, self._attempts + 1):
            last = attempt == self._attempts
            try:
                response = self._http.request(method, url, params=params, json=json)
            except httpx.TransportError as exc:
                if idempotent and not last:
                    self._sleep(min(2.0**attempt, self._max_wait))
                    continue
                outcome = "" if idempotent else " (it may or may not have been done)"
                raise GitHubError(
                    f"cannot reach GitHub at {_origin(self.api_url)} for {method} {shown}: "
                    f"{type(exc).__name__}{outcome}",
                    hint="run again: orchctl finds what it wrote by its marker",
                ) from None
            if response.status_code < 400:
                return response
            wait = _secondary_wait(response)
            if wait is not None:
                if wait > self._max_wait:
                    raise GitHubError(
                        f"GitHub's secondary rate limit: {method} {shown} may be retried in "
                        f"{wait:.0f} s, longer than orchctl waits ({self._max_wait:.0f} s)",
                        hint="run the job again later",
                    )
                if not last:
                    self._sleep(wait)
                    continue
                raise GitHubError(
                    f"GitHub's secondary rate limit: {method} {shown} refused "
                    f"{self._attempts} times",
                    hint="run the job again later; fewer jobs at once help",
                )
            if response.status_code in _RETRY_STATUSES and idempotent and not last:
                self._sleep(min(2.0**attempt, self._max_wait))
                continue
            raise _error(response, method, shown)
        raise AssertionError("unreachable")  # the loop returns or raises


def _issue(item: dict[str, Any]) -> Issue:
    labels = tuple(
        str(label.get("name")) if isinstance(label, dict) else str(label)
        for label in item.get("labels") or ()
    )
    return Issue(
        number=int(item["number"]),
        title=str(item.get("title") or ""),
        body=str(item.get("body") or ""),
        state=str(item.get("state") or ""),
        labels=labels,
        html_url=str(item["html_url"]),
    )


def _decode(response: httpx.Response, method: str, path: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise GitHubError(
            f"GitHub answered {method} {path} with {response.status_code} but no JSON"
        ) from None


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    text = str(data.get("message") or "")
    details = [
        str(e.get("message") or e.get("code") or "")
        for e in data.get("errors") or ()
        if isinstance(e, dict)
    ]
    details = [d for d in details if d]
    if details:
        text += ": " + "; ".join(details)
    return " ".join(text.split())[:300]


def _secondary_wait(response: httpx.Response) -> float | None:
    """Seconds to wait out a secondary rate limit; None when this is not one."""
    if response.status_code not in (403, 429):
        return None
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    if retry_after is not None:
        return retry_after
    if response.headers.get("x-ratelimit-remaining") == "0":
        return None  # the primary limit: waiting until its reset is not orchctl's call
    if "secondary rate limit" in _message(response).lower():
        return 60.0  # GitHub: "wait for at least one minute before retrying"
    return None


def _error(response: httpx.Response, method: str, path: str) -> GitHubError:
    status, message = response.status_code, _message(response)
    said = f" ({status}: {message})" if message else f" ({status})"
    if status == 401:
        return GitHubError(
            f"GitHub refused the token{said}",
            hint="GITHUB_TOKEN is missing, expired or revoked",
        )
    if status in (403, 429) and response.headers.get("x-ratelimit-remaining") == "0":
        reset = response.headers.get("x-ratelimit-reset", "")
        when = (
            datetime.fromtimestamp(int(reset), UTC).strftime("%H:%M:%S UTC")
            if reset.isdigit()
            else "later"
        )
        return GitHubError(
            f"GitHub API rate limit exhausted ({method} {path}); it resets at {when}",
            hint="run the job again after the reset",
        )
    if status == 403:
        return GitHubError(
            f"GitHub denied {method} {path}{said}",
            hint="the token needs `pull-requests: write` (comments) or `issues: write` "
            "(drift issues) in the workflow's `permissions:`",
        )
    if status == 404:
        return GitHubError(
            f"GitHub answered 404 to {method} {path}: no such repository, issue or pull "
            "request, or the token cannot see it",
            hint="check GITHUB_REPOSITORY and the pull request number",
        )
    return GitHubError(f"GitHub rejected {method} {path}{said}")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        return ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
