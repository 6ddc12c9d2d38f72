"""httpx transports that call the sandbox in-process (no socket).

An injected connection reset or lost response raises :class:`httpx.ReadError`, as a
dropped connection does over a socket: the client cannot tell whether the write happened.
"""

from __future__ import annotations

import asyncio

import httpx

from orchctl.sandbox.app import App
from orchctl.sandbox.messages import Request, Response

RESET_MESSAGE = "[Errno 104] Connection reset by peer"


def _to_core(request: httpx.Request, body: bytes) -> Request:
    query = request.url.query.decode("ascii", "replace")
    target = request.url.path + (f"?{query}" if query else "")
    return Request.build(request.method, target, list(request.headers.items()), body)


def _to_httpx(request: httpx.Request, response: Response) -> httpx.Response:
    if response.reset:
        raise httpx.ReadError(RESET_MESSAGE, request=request)
    return httpx.Response(
        response.status, headers=list(response.headers), content=response.body, request=request
    )


class SandboxTransport(httpx.BaseTransport):
    def __init__(self, app: App) -> None:
        self.app = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        return _to_httpx(request, self.app.handle(_to_core(request, body)))


class AsyncSandboxTransport(httpx.AsyncBaseTransport):
    def __init__(self, app: App) -> None:
        self.app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        response = await asyncio.to_thread(self.app.handle, _to_core(request, body))
        return _to_httpx(request, response)
