"""Refuses request bodies over the limit with 413 before any endpoint parses them (pure ASGI, so
a chunked body without Content-Length is counted too)."""

from __future__ import annotations

import json
from typing import Any, Callable

Scope = dict[str, Any]


def _413(limit: int) -> bytes:
    return json.dumps({"statusCode": 413, "error": "Request Entity Too Large",
                       "message": f"request body is larger than {limit} bytes",
                       "errorCode": "payload_too_large"}).encode()


class BodyLimit:
    def __init__(self, app: Callable[..., Any], limit: int) -> None:
        self.app = app
        self.limit = limit

    async def _refuse(self, send: Callable[..., Any]) -> None:
        body = _413(self.limit)
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = False
                if too_big:
                    await self._refuse(send)
                    return
        # Read the whole (bounded) body here, then replay it: simple, and nothing downstream can
        # see more than `limit` bytes.
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
