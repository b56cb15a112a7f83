"""The network between the studio and the real bundled tenant, failing one chosen request on demand.

An httpx transport: every request goes to the tenant over loopback as usual, except the one that
matches an armed rule, which fails the way networks and servers do —

- `down`: the connection is refused; the tenant never saw the request;
- `lost`: the tenant handled the request, then the connection dropped before the answer (the
  write happened, the studio does not know it);
- `503`: the tenant answered "unavailable" without acting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Optional

import httpx

How = Literal["down", "lost", "503"]


@dataclass(frozen=True)
class Rule:
    method: str
    path: re.Pattern[str]
    how: How


class TenantEdge(httpx.BaseTransport):
    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.rule: Optional[Rule] = None
        self.fired: list[str] = []  # "METHOD /path (how)" of every injected failure

    def arm(self, method: str, path: str, how: How) -> None:
        self.rule = Rule(method, re.compile(path), how)

    def disarm(self) -> None:
        self.rule = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        rule = self.rule
        hit = (rule is not None and request.method == rule.method
               and rule.path.search(request.url.path) is not None)
        if not hit:
            return self._inner.handle_request(request)
        assert rule is not None
        self.rule = None  # one failure per arming
        self.fired.append(f"{request.method} {request.url.path} ({rule.how})")
        if rule.how == "down":
            raise httpx.ConnectError("connection refused (injected)", request=request)
        if rule.how == "503":
            return httpx.Response(503, json={"statusCode": 503, "error": "Service Unavailable",
                                             "message": "try again later (injected)"},
                                  request=request)
        response = self._inner.handle_request(request)
        response.read()
        response.close()
        raise httpx.RemoteProtocolError("connection lost before the answer (injected)",
                                        request=request)

    def close(self) -> None:
        self._inner.close()
