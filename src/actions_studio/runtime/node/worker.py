"""One warm Node worker and one execution in it.

A worker runs ONE action version for its whole life (`pool.py` keys it): the first execution
loads the module (top-level code runs then, as on Auth0), later ones only call the handler, so
module-level state persists between executions of that version — never across actions or
secrets. During an execution the studio waits on both channels at once: api calls are answered
as they come (`ApiHost`), the result frame ends it; the deadline or Stop (``cancel``) SIGKILLs the
worker, and a worker that dies is a crash of that execution, never of the caller.
"""

from __future__ import annotations

import json
import select
import threading
import time
from typing import Any, Optional

from ..protocol import MalformedResult, loads_untrusted
from .api_host import ApiHost
from .channel import ChannelClosed, FrameTooLarge, pack, recv_frame
from .launcher import WorkerProcess

# How often an execution with a ``cancel`` event looks at it.
CANCEL_POLL_S = 0.01
READY_TIMEOUT_S = 30.0


class WorkerFailed(RuntimeError):
    """The worker did not start (or answered nonsense before any action code ran)."""


class NodeWorker:
    def __init__(self, process: WorkerProcess, key: Optional[str] = None) -> None:
        self.process = process
        self.key = key
        self.loaded = False  # the action's module ran in it
        self.runs = 0
        self.rss = 0
        self.dead = False
        self.console_limit = 1024 * 1024 + 4096  # output_bytes + capture.REDACTION_SLACK, set by the pool

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        try:
            frame = recv_frame(self.process.ctl, time.monotonic() + timeout_s)
            ready = json.loads(frame)
        except (OSError, EOFError, TimeoutError, ValueError) as exc:
            tail = self.process.stderr_tail()
            self.close()
            raise WorkerFailed(f"the Node worker did not start ({exc})" + (f": {tail}" if tail else "")) from None
        if not isinstance(ready, dict) or ready.get("type") != "ready":
            self.close()
            raise WorkerFailed("the Node worker did not start (it sent something other than ready)")

    def execute(self, message: dict[str, Any], host: ApiHost, deadline: float,
                cancel: Optional[threading.Event]) -> tuple[Optional[dict[str, Any]], dict[str, Any]]:
        """Send one run request; serve its api calls until its result. Returns (the worker's
        result frame or None, meta: timed_out / stopped / signal / exit_code)."""
        ctl, api = self.process.ctl, self.process.api
        self.runs += 1
        try:
            ctl.settimeout(max(deadline - time.monotonic(), 0.001))
            ctl.sendall(pack(message))
        except OSError:  # socket.timeout is an OSError too
            return None, self._died()
        poller = select.poll()
        poller.register(ctl, select.POLLIN)
        poller.register(api, select.POLLIN)
        ctl_fd, api_fd = ctl.fileno(), api.fileno()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None, self._kill("timed_out")
            wait = min(left, CANCEL_POLL_S) if cancel is not None else left
            events = poller.poll(max(1, int(wait * 1000)))
            if cancel is not None and cancel.is_set():
                return None, self._kill("stopped")
            for fd, _ in events:
                try:
                    if fd == api_fd:
                        call = recv_frame(api, deadline)
                        api.settimeout(max(deadline - time.monotonic(), 0.001))
                        api.sendall(pack(host.answer(call)))
                    elif fd == ctl_fd:
                        reply = recv_frame(ctl, deadline)
                        return self._result(reply), {}
                except TimeoutError:
                    return None, self._kill("timed_out")
                except FrameTooLarge:  # the action wrote over its own channel: not a worker to keep
                    return None, self._kill("malformed")
                except (ChannelClosed, OSError):
                    return None, self._died()

    def _result(self, frame: bytes) -> Optional[dict[str, Any]]:
        try:
            reply = loads_untrusted(frame)
        except MalformedResult:
            reply = None
        if not isinstance(reply, dict) or reply.get("type") != "result":
            self.dead = True  # it wrote over its own channel: not trusted for another run
            return {"malformed": True}
        self.loaded = True
        rss = reply.get("rss")
        self.rss = rss if isinstance(rss, int) else 0
        if reply.get("fatal"):
            self.dead = True
        return reply

    def _kill(self, why: str) -> dict[str, Any]:
        self.process.kill()
        self.dead = True
        self.process.wait()
        return {why: True, "console": self.process.console(self.console_limit)}

    def _died(self) -> dict[str, Any]:
        self.dead = True
        meta: dict[str, Any] = dict(self.process.wait())
        meta["console"] = self.process.console(self.console_limit)
        tail = self.process.stderr_tail()
        if tail:
            meta["stderr"] = tail
        return meta

    def close(self) -> None:
        self.dead = True
        self.process.close()

