"""A request body limit on every route (`TRACE_API_MAX_BODY_BYTES`); `/epcis` keeps the capture
limits it advertises (`TRACE_CAPTURE_MAX_BYTES`, checked by the capture routes themselves).

A declared `Content-Length` over the limit is refused at once; a body sent without one
(chunked) is read up to the limit and refused as soon as it passes it. Either way the answer
is 413 `{"error": …}` and nothing is read further or stored.
"""

from __future__ import annotations

import orjson
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

EXEMPT_PREFIX = "/epcis"


class BodyLimit:
    """413 for a request body over `max_bytes` outside /epcis."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT_PREFIX):
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if declared.strip().isdigit() and int(declared) > self.max_bytes:
                await self._refuse(send, f"a body of {int(declared)} bytes")
                return
            await self.app(scope, receive, send)
            return
        # no length declared: read it here, up to the limit, and hand it on
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._refuse(send, "a body")
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, what: str) -> None:
        body = orjson.dumps(
            {"error": f"{what} is over the limit of {self.max_bytes} bytes for this route"}
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
