"""ASGI middleware: fault injection and the request log for every non-control request.

Faults (see :class:`~.runtime.FaultSpec`) apply to the API and the token endpoints, never to
``/_emulator/``. A fault either acts *before* the handler (sleep ``delay``, then answer
``status`` without calling the handler, or pass through) or, with ``delay_after``, *after*
it: the handler runs and commits, the response is held for ``delay`` seconds, then either sent
or replaced by ``status`` -- a write that happened although the client saw a timeout or an error.

Each request is logged (method, path, query, status, fault id) *before* its response starts,
so a client that has its answer can already see the entry through the control API.
"""

from __future__ import annotations

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .runtime import Fault, Runtime

__all__ = ["CONTROL_PREFIX", "FaultAndLogMiddleware"]

CONTROL_PREFIX = "/_emulator"


class FaultAndLogMiddleware:
    """Pure ASGI middleware (no response streaming is broken, no background task is needed)."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        query = bytes(scope.get("query_string", b"")).decode("latin-1")
        fault = self.runtime.take_fault(method, path)
        fault_id = fault.id if fault else None
        started = False

        async def logged_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start" and not started:
                started = True
                self.runtime.log_request(method, path, query, int(message["status"]), fault_id)
            await send(message)

        try:
            if fault is None:
                await self.app(scope, receive, logged_send)
            elif not fault.spec.delay_after:
                if fault.spec.delay:
                    await asyncio.sleep(fault.spec.delay)
                if fault.spec.status is not None:
                    await _send_fault(fault, logged_send)
                else:
                    await self.app(scope, receive, logged_send)
            else:
                held: list[Message] = []

                async def hold(message: Message) -> None:
                    held.append(message)

                await self.app(scope, receive, hold)
                await asyncio.sleep(fault.spec.delay)
                if fault.spec.status is not None:
                    await _send_fault(fault, logged_send)
                else:
                    for message in held:
                        await logged_send(message)
        except BaseException:
            if not started:
                self.runtime.log_request(method, path, query, 500, fault_id)
            raise


async def _send_fault(fault: Fault, send: Send) -> None:
    status = fault.spec.status or 500
    if fault.spec.html is not None:
        body, content_type = fault.spec.html.encode(), b"text/html; charset=utf-8"
    else:
        body, content_type = json.dumps(fault.body()).encode(), b"application/json"
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    if fault.spec.retry_after is not None:
        headers.append((b"retry-after", str(fault.spec.retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
